"""Send exactly one 20 ms frame per 20 ms, never faster, and stay only a few frames ahead.

PBXs don't pace what we send (FreeSWITCH unicast plays a burst at normal speed from the
kernel buffer, where nothing can flush it), so barge-in only works if we never get far
ahead. The pacer owns the only queue of outgoing audio; ``flush()`` empties it at once.
"""

from __future__ import annotations

import asyncio
import collections
from collections.abc import Callable

from receptionist.media.leg import FRAME_MS
from receptionist.media.wire import SENT

SendFrame = Callable[[bytes], None]


class Pacer:
    """Queue of outgoing frames drained at real-time speed (or ``speed`` times faster).

    ``idle_frame``: sent when nothing is queued (AudioSocket drops a call after 2 s with
    no frame); ``None`` sends nothing when idle (FreeSWITCH unicast).
    """

    def __init__(
        self,
        send: SendFrame,
        *,
        ahead: int = 3,
        idle_frame: bytes | None = None,
        speed: float = 1.0,
    ) -> None:
        self._send = send
        self._ahead = ahead
        self._idle_frame = idle_frame
        self._period = FRAME_MS / 1000.0 / speed
        self._queue: collections.deque[bytes] = collections.deque()
        self._space = asyncio.Event()
        self._space.set()
        self._empty = asyncio.Event()
        self._empty.set()
        self._task: asyncio.Task[None] | None = None
        self.frames_sent = 0
        self.frames_dropped = 0
        self.on_tick: Callable[[bytes | None], None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="pacer")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None
        self.flush()

    @property
    def queued(self) -> int:
        return len(self._queue)

    async def put(self, frame: bytes) -> None:
        while len(self._queue) >= self._ahead:
            self._space.clear()
            await self._space.wait()
        self._queue.append(frame)
        self._empty.clear()

    def flush(self) -> int:
        dropped = len(self._queue)
        for frame in self._queue:
            SENT.dropped(frame)
        self._queue.clear()
        self.frames_dropped += dropped
        self._space.set()
        self._empty.set()
        return dropped

    async def drained(self) -> None:
        await self._empty.wait()

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        next_at = loop.time()
        while True:
            frame: bytes | None = self._queue.popleft() if self._queue else None
            if frame is not None:
                self._send(frame)
                SENT.sent(frame)  # the line's latency ends here, not when it was queued
                self.frames_sent += 1
            elif self._idle_frame is not None:
                self._send(self._idle_frame)
            if self.on_tick is not None:
                self.on_tick(frame)
            if len(self._queue) < self._ahead:
                self._space.set()
            if not self._queue:
                self._empty.set()
            # Absolute schedule: a late tick doesn't shift every later frame.
            next_at += self._period
            delay = next_at - loop.time()
            if delay < -0.2:  # fell far behind (a stalled loop): resync instead of bursting
                next_at = loop.time()
                delay = 0.0
            await asyncio.sleep(max(delay, 0.0))
