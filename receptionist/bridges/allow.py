"""Which peers may connect to a listener (FastAGI, AudioSocket, FreeSWITCH's outbound ESL).

None of these protocols has authentication: anyone who reaches the port could start calls,
fill the call limit or inject audio. So each listener takes connections only from its
``allow_from`` list (addresses or networks; default: loopback), and closes the rest at once,
logging each refused address once (not once per connection: a flood must not flood the log).
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Sequence
from typing import Any

log = logging.getLogger(__name__)

LOOPBACK = ("127.0.0.0/8", "::1")
_MAX_LOGGED = 1024  # refused addresses remembered for "log once"; past it, log again


def allow_from_problem(entries: Sequence[Any]) -> str:
    """What is wrong with an ``allow_from`` list, or an empty string."""
    if not isinstance(entries, list | tuple) or not entries:
        return 'allow_from must be a list of addresses or networks, e.g. ["127.0.0.1"]'
    for entry in entries:
        try:
            ipaddress.ip_network(str(entry), strict=False)
        except ValueError:
            return f"allow_from entry {entry!r} is not an IP address or network"
    return ""


class PeerAllowList:
    def __init__(self, listener: str, entries: Sequence[str]) -> None:
        self.listener = listener
        self.networks = [ipaddress.ip_network(str(e), strict=False) for e in entries]
        self.refused = 0
        self._logged: set[str] = set()

    def allows(self, peer: Any) -> bool:
        """True for a peer (``(host, port, ...)`` as sockets give it) on the list."""
        host = str(peer[0]) if isinstance(peer, list | tuple) and peer else ""
        try:
            address = ipaddress.ip_address(host.split("%", 1)[0])
        except ValueError:
            address = None
        if address is not None:
            mapped = getattr(address, "ipv4_mapped", None)
            candidates = [address] + ([mapped] if mapped is not None else [])
            if any(a in n for a in candidates for n in self.networks if a.version == n.version):
                return True
        self.refused += 1
        if host not in self._logged:
            if len(self._logged) >= _MAX_LOGGED:
                self._logged.clear()
            self._logged.add(host)
            log.warning("%s: refused a connection from %s (not in allow_from)",
                        self.listener, host or "an unknown peer")  # fmt: skip
        return False


__all__ = ["LOOPBACK", "PeerAllowList", "allow_from_problem"]
