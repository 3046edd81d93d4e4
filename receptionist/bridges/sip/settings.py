"""The ``[sip]`` table: where the SIP endpoint listens, who may call it, where staff are,
and the optional registration as an extension of a PBX or trunk."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from receptionist.media.leg import RING_SECONDS
from receptionist.media.pacer import AHEAD_FRAMES


@dataclass
class SipSettings:
    """The config's ``[sip]`` table maps here. Loopback by default: nothing outside this
    machine can reach it until ``bind`` and ``allow`` say so."""

    bind: str = "127.0.0.1"
    port: int = 5080
    user: str = "receptionist"  # the user part of the address callers dial
    advertised_ip: str = ""  # put in SDP/Contact when the bind address isn't reachable (NAT)
    rtp_port_min: int = 42000
    rtp_port_max: int = 42999
    # Who may INVITE us: addresses or networks ("127.0.0.0/8", "10.1.2.3"). The registrar
    # (when registering) is always allowed. Anything else gets 403.
    allow: list[str] = field(default_factory=lambda: ["127.0.0.0/8", "::1/128"])
    pacer_ahead: int = AHEAD_FRAMES  # frames queued ahead of real time; barge-in drops them all
    jitter_frames: int = 3  # frames the jitter buffer holds before it gives audio out
    # Staff phones: an extension's own URI, else the template. "{extension}" is replaced.
    staff: dict[str, str] = field(default_factory=dict)
    transfer_uri: str = "sip:{extension}@127.0.0.1:5060"
    ring_seconds: float = RING_SECONDS  # set by the config from [transfer] ring_seconds
    # Warm transfer: REFER with Replaces (RFC 3891) after the summary; off: plain REFER
    # to staff's URI after the summary, for phones without Replaces (the briefing call is
    # then ended by us once the caller reaches staff).
    transfer_replaces: bool = True
    transfer_wait_s: float = 15.0  # how long the caller's phone may take to reach staff
    # Optional registration as an extension (digest auth, re-registered before expiry).
    register: bool = False
    registrar: str = ""  # host:port of the PBX or trunk
    register_user: str = ""
    register_domain: str = ""  # defaults to the registrar's host
    register_password: str = ""
    register_expires: int = 300
    stop_grace_s: float = 30.0

    @property
    def dial_address(self) -> str:
        """The address to dial from a softphone."""
        host = self.advertised_ip or self.bind
        if ":" in host:
            host = f"[{host}]"
        return f"sip:{self.user}@{host}:{self.port}"

    def problem(self) -> str:
        """What is wrong with these settings, or an empty string (checked at config load)."""
        return settings_problem(self)

    def staff_uri(self, extension: str) -> str:
        return self.staff.get(extension) or self.transfer_uri.format(extension=extension)

    def registrar_addr(self) -> tuple[str, int]:
        host, _, port = self.registrar.rpartition(":")
        if not host:
            return self.registrar, 5060
        return host, int(port)


def settings_problem(s: SipSettings) -> str:
    """What is wrong with these settings, or an empty string."""
    if not 0 < s.rtp_port_min <= s.rtp_port_max < 65536:
        return f"rtp_port_min..rtp_port_max = {s.rtp_port_min}..{s.rtp_port_max} is not a range"
    for entry in s.allow:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            return f"allow entry {entry!r} is not an address or a network (e.g. 10.0.0.0/8)"
    if "{extension}" not in s.transfer_uri:
        return f"transfer_uri = {s.transfer_uri!r} has no {{extension}}"
    if s.ring_seconds <= 0:
        return f"ring_seconds = {s.ring_seconds} must be more than 0"
    for name in ("pacer_ahead", "jitter_frames"):
        if getattr(s, name) < 1:
            return f"{name} = {getattr(s, name)} must be at least 1"
    if s.register:
        if not s.registrar or not s.register_user:
            return "register = true needs registrar (host:port) and register_user"
        host, _, port = s.registrar.rpartition(":")
        if host and not port.isdigit():
            return f"registrar = {s.registrar!r} must be host or host:port"
        if s.register_expires < 30:
            return f"register_expires = {s.register_expires} must be at least 30 seconds"
    if not s.user or any(ch in s.user for ch in "@:;<> "):
        return f"user = {s.user!r} must be a plain SIP user name"
    return ""


def peer_allowed(s: SipSettings, ip: str, registrar_ip: str = "") -> bool:
    """Whether ``ip`` may send us an INVITE: in ``allow``, or the registrar we register
    with (``registrar_ip``: its address as looked up, when ``registrar`` is a name)."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return False
    if s.register and ip in (s.registrar_addr()[0], registrar_ip):
        return True
    return any(
        address in ipaddress.ip_network(entry, strict=False)
        for entry in s.allow
        if ipaddress.ip_network(entry, strict=False).version == address.version
    )
