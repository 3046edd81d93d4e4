"""When did a given frame actually leave for the caller?

The speaker knows when it queued a reply's first frame; only the sender (the pacer of a
bridge's leg, or the LocalLeg's clock) knows when that frame went out on the wire, up to a
few frames later, or never (flushed by a barge-in). The speaker asks ``watch(frame, ...)``
before queueing the frame; whoever sends frames reports ``sent(frame)`` and ``dropped(frame)``.

Frames are matched by object identity (a watched frame is held here, so its id can't be
reused), which needs no change to the legs: each passes the very bytes object it was given
to its sender. Times are ``time.monotonic()``, the clock of asyncio's default loop, so a
sender on another thread reports on the same clock as ``loop.time()``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

SentCallback = Callable[[float], None]


class SentWatch:
    """Frames someone waits to see go out: each reports once, sent or dropped."""

    def __init__(self) -> None:
        self._watched: dict[int, tuple[bytes, SentCallback]] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._watched)

    def watch(self, frame: bytes, on_sent: SentCallback) -> None:
        """Call ``on_sent(monotonic time)`` when ``frame`` (this object) goes out."""
        with self._lock:
            self._watched[id(frame)] = (frame, on_sent)

    def sent(self, frame: bytes, at: float | None = None) -> None:
        """The sender put ``frame`` on the wire (now, or at ``at``)."""
        if not self._watched:  # the common case: one dict check per frame
            return
        with self._lock:
            entry = self._watched.get(id(frame))
            if entry is None or entry[0] is not frame:
                return
            del self._watched[id(frame)]
        entry[1](time.monotonic() if at is None else at)

    def dropped(self, frame: bytes) -> None:
        """``frame`` will never go out (flushed, or the call ended)."""
        if self._watched:
            with self._lock:
                entry = self._watched.get(id(frame))
                if entry is not None and entry[0] is frame:
                    del self._watched[id(frame)]


SENT = SentWatch()  # shared by every sender in the process
