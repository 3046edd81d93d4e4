"""One AudioSocket connection (caller or staff leg): frames in, paced frames out.

Asterisk drops the call if neither side sends a frame for 2 s, so the pacer sends a silent
frame whenever nothing is queued; our 0x00 frame closes the connection at once; we never send
any other kind (0xff makes Asterisk hang up with an error).
"""

from __future__ import annotations

import asyncio
import contextlib

from receptionist.media.leg import frame_bytes
from receptionist.media.pacer import Pacer
from receptionist.media.sender import ThreadSafeSocket
from receptionist.protocols import audiosocket as aso

__all__ = ["AudioSocketMedia"]


class AudioSocketMedia:
    """Reads and writes one AudioSocket connection; shared by caller and staff legs."""

    def __init__(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        *,
        sample_rate: int = 8000,
        speed: float = 1.0,
    ) -> None:
        self.reader = reader
        self.writer = writer
        self.speed = speed  # the line's clock against the wall clock (tests run it faster)
        self.frame_bytes = frame_bytes(sample_rate)
        self.silence = b"\0" * self.frame_bytes
        # Frames leave from the real-time sender thread, on a duplicate of the socket.
        self._out = ThreadSafeSocket(writer.get_extra_info("socket"))
        self.pacer = Pacer(self._send_audio, idle_frame=self.silence, speed=speed)
        self.closed = False
        self._frames = aso.FrameReader()

    def _send_audio(self, payload: bytes) -> None:
        """Sender thread: one audio frame (a part the kernel didn't take goes out first next
        time; a frame that finds the previous one still stuck is dropped)."""
        if not self.closed:
            self._out.send_all_or_keep(aso.audio(payload))

    async def read_frame(self) -> aso.Frame | None:
        """The next frame; None at a clean end of stream; ValueError on a bad frame."""
        while True:
            frame = self._frames.next_frame()
            if frame is not None:
                return frame
            try:
                data = await self.reader.readexactly(self._frames.needed)
            except asyncio.IncompleteReadError as e:
                self._frames.feed(e.partial)
                self._frames.close()  # raises if the stream ended inside a frame
                return None
            self._frames.feed(data)

    async def send_hangup(self) -> None:
        """Our 0x00 frame: Asterisk closes the connection at once."""
        await self.pacer.stop()  # no audio frame may follow (or split) it
        rest = self._out.close()
        if not self.closed and not self.writer.is_closing():
            with contextlib.suppress(ConnectionError):
                self.writer.write(rest + aso.HANGUP)
                await self.writer.drain()
        await self.close()

    async def close(self) -> None:
        self.closed = True
        await self.pacer.stop()
        self._out.close()
        self.writer.close()
        with contextlib.suppress(ConnectionError, OSError):
            await self.writer.wait_closed()
