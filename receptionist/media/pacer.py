"""Send exactly one 20 ms frame per 20 ms, never faster, on a clock the loop can't delay.

PBXs don't pace what we send (FreeSWITCH unicast plays a burst at normal speed from the
kernel buffer, where nothing can flush it), so we never send ahead of real time; the frames
wait in our own queue, where ``flush()`` (barge-in) drops them at once. The sending is done
by the real-time sender thread (``media/sender.py``), so the queue can hold enough audio
(``ahead`` frames) to ride over a stall of the asyncio loop without a gap on the line.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from receptionist.media.leg import FRAME_MS
from receptionist.media.sender import RealtimeSender, SendStream, SendTiming
from receptionist.media.wire import SENT

SendFrame = Callable[[bytes], None]

AHEAD_FRAMES = 25  # 500 ms queued: a loop stall shorter than this is not heard


class Pacer:
    """Queue of outgoing frames drained at real-time speed (or ``speed`` times faster).

    ``send`` is called from the sender thread: it must be thread-safe and must not block
    (``ThreadSafeSocket``). ``idle_frame``: sent when nothing is queued (AudioSocket drops a
    call after 2 s with no frame); ``None`` sends nothing when idle (FreeSWITCH unicast).
    """

    def __init__(
        self,
        send: SendFrame,
        *,
        ahead: int = AHEAD_FRAMES,
        idle_frame: bytes | None = None,
        speed: float = 1.0,
        sender: RealtimeSender | None = None,
    ) -> None:
        self._ahead = ahead
        self._sender = sender
        self._loop: asyncio.AbstractEventLoop | None = None
        self._space = asyncio.Event()
        self._space.set()
        self._empty = asyncio.Event()
        self._empty.set()
        self._stream = SendStream(
            send,
            period_s=FRAME_MS / 1000.0 / speed,
            ahead=ahead,
            idle_frame=idle_frame,
            notify=self._from_thread,
        )
        self._running = False
        self.frames_dropped = 0
        self._flushes = 0  # a frame that waited for room through a flush was flushed too

    @property
    def timing(self) -> SendTiming:
        """Frames sent, how many late, the latest one's delay (kept after ``stop``)."""
        return self._stream.timing

    @property
    def frames_sent(self) -> int:
        return self._stream.timing.frames_sent

    def start(self) -> None:
        if not self._running:
            self._loop = asyncio.get_running_loop()
            self._running = True
            (self._sender or RealtimeSender.shared()).add(self._stream)

    async def stop(self) -> None:
        if self._running:
            self._running = False
            (self._sender or RealtimeSender.shared()).remove(self._stream)
        self.flush()

    @property
    def queued(self) -> int:
        return len(self._stream.queue)

    async def put(self, frame: bytes) -> None:
        """Queue ``frame``, waiting for room. A ``flush`` while it waits drops it with the
        rest: it was on its way into the queue the barge-in emptied (sent after the flush, it
        would be 20 ms of the cut sentence after the caller stopped us)."""
        stream = self._stream
        flushes = self._flushes
        while True:
            if self._flushes != flushes:
                SENT.dropped(frame)
                self.frames_dropped += 1
                return
            with stream.lock:
                if len(stream.queue) < self._ahead:
                    stream.queue.append(frame)
                    self._empty.clear()
                    return
                self._space.clear()
                stream.want_space = True
            await self._space.wait()

    def flush(self) -> int:
        with self._stream.lock:
            dropped = len(self._stream.queue)
            for frame in self._stream.queue:
                SENT.dropped(frame)  # never goes out: nobody waits for it any more
            self._stream.queue.clear()
        self._flushes += 1
        self.frames_dropped += dropped
        self._space.set()
        self._empty.set()
        return dropped

    async def drained(self) -> None:
        with self._stream.lock:
            if not self._stream.queue:
                self._empty.set()
                return
            self._empty.clear()
            self._stream.want_drain = True
        await self._empty.wait()

    def _from_thread(self) -> None:
        loop = self._loop
        if loop is None:
            return
        try:
            loop.call_soon_threadsafe(self._wake)
        except RuntimeError:  # the loop is closed: nobody waits any more
            pass

    def _wake(self) -> None:
        with self._stream.lock:
            length = len(self._stream.queue)
            if length >= self._ahead:
                self._stream.want_space = True
            if length:
                self._stream.want_drain = self._stream.want_drain or not self._empty.is_set()
        if length < self._ahead:
            self._space.set()
        if not length:
            self._empty.set()
