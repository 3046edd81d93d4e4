"""One limit on the calls in progress, shared by every bridge.

A bridge asks ``admit`` where a call starts (Asterisk's FastAGI, or its AudioSocket when no
AGI came first; FreeSWITCH's outbound socket once the channel is known; a future SIP bridge
alike) and ``release``\\ s the place when the call is over. A refused call is logged once and
handed to ``on_refused`` (the daemon records it, so every call that reached us has a row);
the bridge then sends it to a person or ends it. Loop thread only; no I/O.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from receptionist.media.leg import LegInfo

log = logging.getLogger(__name__)

OnRefused = Callable[[LegInfo, str, str], None]  # (the call, the bridge, why)


class CallLimit:
    def __init__(self, max_calls: int, on_refused: OnRefused | None = None) -> None:
        if max_calls < 1:
            raise ValueError(f"max_calls = {max_calls} must be at least 1")
        self.max_calls = max_calls
        self.on_refused = on_refused
        self.refused = 0
        self._held: set[str] = set()

    @property
    def in_use(self) -> int:
        return len(self._held)

    def admit(self, info: LegInfo, bridge: str) -> bool:
        """Take a place for this call (True), or refuse it: the limit is reached (False).
        A call already admitted (the AGI, then its AudioSocket) keeps its place."""
        if info.call_id in self._held:
            return True
        if len(self._held) >= self.max_calls:
            self.refused += 1
            reason = f"at capacity ({self.max_calls} calls in progress)"
            log.warning("%s call %s refused: %s", bridge, info.call_id or "?", reason)
            if self.on_refused is not None:
                self.on_refused(info, bridge, reason)
            return False
        self._held.add(info.call_id)
        return True

    def release(self, call_id: str) -> None:
        self._held.discard(call_id)


__all__ = ["CallLimit", "OnRefused"]
