"""The FreeSWITCH bridge's settings: the config file's ``[freeswitch]`` table, typed.

``problem()`` says what is wrong with them; the config loader calls it when the file loads
(every command, not only ``serve``), and the bridge again when it starts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from receptionist.bridges.allow import LOOPBACK, allow_from_problem
from receptionist.media.leg import RING_SECONDS
from receptionist.media.pacer import AHEAD_FRAMES

__all__ = ["FreeSwitchSettings"]


@dataclass
class FreeSwitchSettings:
    """Where the bridge listens and connects. The config's ``[freeswitch]`` table maps here."""

    listen_host: str = "127.0.0.1"  # target of the dialplan's `socket host:port async full`
    listen_port: int = 8084
    media_host: str = "127.0.0.1"  # our UDP sockets bind here; sent to the switch as remote-ip
    media_port_min: int = 40000
    media_port_max: int = 40999
    switch_media_ip: str = "127.0.0.1"  # local-ip: where the switch binds its end of unicast
    switch_port_min: int = 41000  # local-port range; keep clear of the switch's RTP range
    switch_port_max: int = 41999
    esl_host: str = "127.0.0.1"
    esl_port: int = 8021
    esl_password: str = "ClueCon"
    esl_timeout_s: float = 5.0  # a reply later than this breaks the connection (FIFO replies)
    esl_reconnect_s: float = 2.0  # first pause after the inbound ESL link drops; doubles
    esl_reconnect_max_s: float = 30.0  # up to this
    linger_s: int = 5
    first_datagram_s: float = 0.2  # unicast's +OK means nothing: no datagram by then = failed
    unicast_attempts: int = 2
    # Frames queued ahead of the line (ours: barge-in drops them all at once); what a loop
    # stall can't be heard through. 25 = 500 ms.
    pacer_ahead: int = AHEAD_FRAMES
    fallback_extension: str | None = None  # where a caller goes when media won't start
    ring_seconds: float = RING_SECONDS  # set by the config from [transfer] ring_seconds
    transfer_dial_string: str = "user/{extension}"
    transfer_context: str = "default"  # cold transfer: uuid_transfer <uuid> <ext> XML <context>
    # What the staff phone shows on a warm transfer; empty: the caller's own name / number.
    transfer_caller_id_name: str = ""
    transfer_caller_id_number: str = ""
    accept_digit: str | None = None  # staff must press this after the summary (None: answer)
    accept_wait_s: float = 10.0
    stop_grace_s: float = 30.0  # on stop, calls in progress get this long to finish
    max_calls: int = 32  # alone (tests); the daemon's one limit is [limits] max_calls
    max_connections: int = 64  # outbound ESL sockets held at once; more are closed at accept
    # The outbound ESL listener takes connections only from these addresses or networks.
    allow_from: list[str] = field(default_factory=lambda: list(LOOPBACK))

    def problem(self) -> str:
        """What is wrong with these settings, or an empty string."""
        problem = allow_from_problem(self.allow_from)
        if problem:
            return problem
        for name in ("max_calls", "max_connections"):
            if getattr(self, name) < 1:
                return f"{name} = {getattr(self, name)} must be at least 1"
        for name in ("media_port", "switch_port"):
            low, high = getattr(self, f"{name}_min"), getattr(self, f"{name}_max")
            if not 0 < low <= high < 65536:
                return f"{name}_min..{name}_max = {low}..{high} is not a range of UDP ports"
        if self.media_host == self.switch_media_ip and not (
            self.media_port_max < self.switch_port_min or self.switch_port_max < self.media_port_min
        ):
            return (
                "media_port_min..max and switch_port_min..max overlap on the same host "
                f"{self.media_host}: the switch and we would bind the same ports"
            )
        if self.accept_digit is not None and (
            len(self.accept_digit) != 1 or self.accept_digit not in "0123456789*#ABCD"
        ):
            return f"accept_digit = {self.accept_digit!r} is not one DTMF digit"
        if "{extension}" not in self.transfer_dial_string:
            return f"transfer_dial_string = {self.transfer_dial_string!r} has no {{extension}}"
        for name in ("linger_s", "pacer_ahead", "unicast_attempts"):
            if getattr(self, name) < 1:
                return f"{name} = {getattr(self, name)} must be at least 1"
        if self.ring_seconds <= 0:
            return f"ring_seconds = {self.ring_seconds} must be more than 0"
        return ""
