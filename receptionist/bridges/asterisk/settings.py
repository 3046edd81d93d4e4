"""The Asterisk bridge's settings: the config file's ``[asterisk]`` table, typed.

``problem()`` says what is wrong with them; the config loader calls it when the file loads
(every command, not only ``serve``), and the bridge again when it starts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from receptionist.bridges.allow import LOOPBACK, allow_from_problem
from receptionist.media.leg import RING_SECONDS

__all__ = ["AsteriskSettings"]


@dataclass
class AsteriskSettings:
    """The config file's ``[asterisk]`` table maps onto these fields."""

    agi_host: str = "127.0.0.1"
    agi_port: int = 4573
    agi_route: str = "receptionist"  # the path in agi://host:port/<route>
    audiosocket_host: str = "127.0.0.1"
    audiosocket_port: int = 9092
    ami_host: str = "127.0.0.1"
    ami_port: int = 5038
    ami_username: str = "receptionist"
    ami_secret: str = ""
    ami_timeout_s: float = 5.0  # one action's deadline (Originate adds the ring time)
    ami_reconnect_s: float = 2.0
    ami_ping_s: int = 10
    # With "Events: off" Asterisk sends no OriginateResponse (ami_driver_* captures), and
    # the warm transfer needs it; "call" is the class it belongs to.
    ami_events: str = "call"
    ring_seconds: float = RING_SECONDS  # set by the config from [transfer] ring_seconds
    staff_context: str = "receptionist-staff"  # Local/<ext>@<this>/n rings the staff member
    summary_context: str = "receptionist-summary"  # the answered staff leg hears the summary
    transfer_context: str = "receptionist-transfer"  # cold transfer: Redirect to <ext>@<this>
    transfer_caller_id: str = ""  # the name staff see on a warm transfer; empty: the caller's
    mixmonitor_options: str = ""  # e.g. "b" to record only while bridged
    media_timeout_s: float = 5.0  # AudioSocket must connect this soon after the AGI/answer
    max_calls: int = 32  # beyond this the AGI answers busy and the dialplan rings a person
    gap_fill_s: float = 0.1  # silence after this long without caller audio; 0 turns it off
    stop_grace_s: float = 30.0  # on stop, calls in flight get this long to finish
    pacer_speed: float = 1.0  # tests only
    # FastAGI and AudioSocket take connections only from these addresses or networks.
    allow_from: list[str] = field(default_factory=lambda: list(LOOPBACK))
    # An AudioSocket call must carry a uuid a FastAGI session registered (the dialplan of
    # dialplan/ does both); false for a dialplan that goes straight to AudioSocket().
    require_agi: bool = True

    def problem(self) -> str:
        """What is wrong with these settings, or an empty string."""
        if self.ring_seconds <= 0:
            return f"ring_seconds = {self.ring_seconds} must be more than 0"
        for name in ("ami_timeout_s", "media_timeout_s", "stop_grace_s", "pacer_speed"):
            if getattr(self, name) <= 0:
                return f"{name} = {getattr(self, name)} must be more than 0"
        problem = allow_from_problem(self.allow_from)
        if problem:
            return problem
        if self.max_calls < 1:
            return f"max_calls = {self.max_calls} must be at least 1"
        if self.gap_fill_s < 0:
            return f"gap_fill_s = {self.gap_fill_s} must be 0 (off) or more"
        if not self.agi_route or "/" in self.agi_route:
            return f"agi_route = {self.agi_route!r} must be one path segment (agi://host/<route>)"
        return ""
