"""Outgoing audio on a real-time clock that does not depend on the asyncio loop being on time.

One thread (``RealtimeSender.shared()``) sends every leg's frames on an absolute monotonic
schedule, one frame per 20 ms per leg. The loop only fills each leg's ``SendStream`` (a
bounded, lock-protected queue) ahead of time, so a loop stall shorter than the queued audio
is not heard on the line: before this, the pacer was an asyncio task and every stall over
20 ms became silence for the caller (issue 10, defect 2).

The interface for a bridge (FreeSWITCH unicast, Asterisk AudioSocket, SIP/RTP):

- a ``send(frame)`` callable that is safe to call from the sender thread and never blocks:
  typically a non-blocking ``sendto`` / ``send`` on the leg's own socket (see ``ThreadSafeSocket``),
  never ``transport.sendto`` or ``writer.write``, which belong to the loop;
- a ``Pacer`` (``media/pacer.py``) built on that callable: ``put`` / ``flush`` / ``drained`` /
  ``stop`` from the loop, the timing and the counts (``SendTiming``) from the thread.
"""

from __future__ import annotations

import collections
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)

__all__ = ["RealtimeSender", "SendStream", "SendTiming", "ThreadSafeSocket"]

RESYNC_S = 0.2  # further behind than this (the process was suspended): restart the clock


@dataclass
class SendTiming:
    """How punctual one leg's outgoing frames were."""

    frames_sent: int = 0
    late_frames: int = 0  # sent more than one frame period after they were due
    max_late_ms: float = 0.0


class SendStream:
    """One leg's queue of outgoing frames and its 20 ms clock (thread side).

    ``notify`` is called from the sender thread whenever room appears or the queue empties
    and the loop side asked to hear about it (``want_space`` / ``want_drain``).
    """

    def __init__(
        self,
        send: Callable[[bytes], None],
        *,
        period_s: float,
        ahead: int,
        idle_frame: bytes | None,
        notify: Callable[[], None],
    ) -> None:
        self.send = send
        self.period_s = period_s
        self.ahead = ahead
        self.idle_frame = idle_frame
        self.notify = notify
        self.lock = threading.Lock()
        self.queue: collections.deque[bytes] = collections.deque()
        self.want_space = False
        self.want_drain = False
        self.next_due = time.monotonic()
        self.timing = SendTiming()

    def tick(self, now: float) -> None:
        """Send the frame that is due (or the idle frame); thread side."""
        with self.lock:
            frame = self.queue.popleft() if self.queue else None
            wake = (self.want_space and len(self.queue) < self.ahead) or (
                self.want_drain and not self.queue
            )
            if wake:
                self.want_space = self.want_drain = False
        late_s = now - self.next_due
        out = frame if frame is not None else self.idle_frame
        if out is not None:
            try:
                self.send(out)
            except Exception:  # a closed socket or a full buffer: the frame is lost, not the clock
                log.debug("send failed", exc_info=True)
        if frame is not None:
            self.timing.frames_sent += 1
            if late_s > self.period_s:
                self.timing.late_frames += 1
            self.timing.max_late_ms = max(self.timing.max_late_ms, late_s * 1000)
        if wake:
            self.notify()
        self.next_due += self.period_s
        if now - self.next_due > RESYNC_S:
            self.next_due = now + self.period_s


class RealtimeSender:
    """The thread that sends every stream's frames on time; one per process (``shared()``)."""

    _shared: RealtimeSender | None = None
    _shared_lock = threading.Lock()

    def __init__(self) -> None:
        self._streams: list[SendStream] = []
        self._wake = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="frame-sender", daemon=True)
        self._thread.start()

    @classmethod
    def shared(cls) -> RealtimeSender:
        with cls._shared_lock:
            if cls._shared is None:
                cls._shared = cls()
            return cls._shared

    def add(self, stream: SendStream) -> None:
        with self._wake:
            stream.next_due = time.monotonic()
            self._streams.append(stream)
            self._wake.notify()

    def remove(self, stream: SendStream) -> None:
        with self._wake:
            if stream in self._streams:
                self._streams.remove(stream)
            self._wake.notify()

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._streams:
                    self._wake.wait()
                streams = list(self._streams)
                wait = min(s.next_due for s in streams) - time.monotonic()
                if wait > 0:
                    self._wake.wait(wait)  # an added or removed stream wakes it early
                    continue
            now = time.monotonic()
            for stream in streams:
                if stream.next_due <= now:
                    stream.tick(now)


class ThreadSafeSocket:
    """A duplicate of an asyncio socket's descriptor, for the sender thread to write on.

    The duplicate shares the socket (same port, same connection, still non-blocking), so
    the loop keeps reading through its transport while the thread writes here. A full
    kernel buffer raises (the frame is dropped and counted by the caller's clock); ``close``
    waits for a send in progress, so a closed descriptor is never written after reuse.
    """

    def __init__(self, sock: socket.socket) -> None:
        self._sock: socket.socket | None = socket.socket(
            sock.family, sock.type, sock.proto, fileno=os.dup(sock.fileno())
        )
        self._lock = threading.Lock()
        self._pending = b""  # a stream socket's partly written frame, finished first

    def sendto(self, data: bytes, address: tuple[str, int]) -> None:
        with self._lock:
            if self._sock is not None:
                self._sock.sendto(data, address)

    def send_all_or_keep(self, data: bytes) -> None:
        """Stream sockets: write ``data`` after whatever was left over; keep what the kernel
        didn't take for the next call rather than block or split a frame for good."""
        with self._lock:
            if self._sock is None:
                return
            if self._pending:
                sent = self._sock.send(self._pending)
                self._pending = self._pending[sent:]
                if self._pending:
                    raise BlockingIOError("the peer is not reading: frame dropped")
            try:
                sent = self._sock.send(data)
            except BlockingIOError:
                raise BlockingIOError("the peer is not reading: frame dropped") from None
            self._pending = data[sent:]

    def close(self) -> bytes:
        """No more sends; returns the part of a frame the kernel hadn't taken yet (a stream
        socket's writer must send it before anything else, or the framing breaks)."""
        with self._lock:
            if self._sock is not None:
                self._sock.close()
                self._sock = None
            rest, self._pending = self._pending, b""
        return rest
