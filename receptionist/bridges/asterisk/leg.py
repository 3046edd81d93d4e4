"""One Asterisk call as a CallLeg: AudioSocket media plus AMI for what media can't do.

Media facts this leg is built on (captures of a real Asterisk 22, see the README there):

- Asterisk drops the call if neither side sends a frame for 2 s, so the pacer sends a
  silent frame whenever nothing is queued;
- audio frames come only while the caller's phone sends RTP and about 180 ms go missing
  around each DTMF, and some are shorter than 20 ms: we re-chunk to 320-byte frames and,
  when nothing arrives for a while, fill the gap with silence so frame count stays time;
- on hangup Asterisk just closes the socket; our 0x00 frame closes it at once; we never
  send any other kind (0xff makes Asterisk hang up with an error).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Protocol

from receptionist.bridges.asterisk.media import AudioSocketMedia
from receptionist.media.leg import (
    FRAME_MS,
    CallerHungUp,
    CallLeg,
    DtmfPressed,
    LegClosedError,
    LegEvent,
    LegFailed,
    LegInfo,
    TransferResult,
)
from receptionist.media.sender import SendTiming
from receptionist.protocols import audiosocket as aso

log = logging.getLogger(__name__)

FRAME_S = FRAME_MS / 1000
MAX_QUEUED_IN = 500  # 10 s of caller audio nobody reads: drop the oldest past that
# A phone sends 50 frames a second. A peer this far ahead of the clock is flooding, not
# talking: the connection ends (and the call's record says why).
MAX_FRAMES_AHEAD = 500


class LegControl(Protocol):
    """What the leg asks of the bridge (AMI): implemented by ``AsteriskBridge``."""

    async def transfer(
        self, leg: AsteriskLeg, extension: str, warm: bool, summary_audio: Sequence[bytes]
    ) -> TransferResult: ...

    async def start_recording(self, leg: AsteriskLeg, path: str) -> None: ...

    async def stop_recording(self, leg: AsteriskLeg) -> None: ...


_END = object()


class AsteriskLeg(CallLeg):
    """A caller on an AudioSocket connection, with the channel name for AMI actions."""

    def __init__(
        self,
        info: LegInfo,
        channel: str,
        media: AudioSocketMedia,
        control: LegControl,
        *,
        gap_fill_s: float | None = 0.1,
    ) -> None:
        super().__init__(info)
        self.channel = channel
        self.media = media
        self._control = control
        self._gap_fill_s = gap_fill_s
        self._audio: asyncio.Queue[bytes | object] = asyncio.Queue()
        self._events: asyncio.Queue[LegEvent | object] = asyncio.Queue()
        self._rechunk = aso.Rechunker(media.frame_bytes)
        self._reader_task: asyncio.Task[None] | None = None
        self.handed_over = False  # Redirect/Bridge took the caller: the socket close is no hangup
        self.we_hung_up = False
        self.recording = False
        self.recording_path = ""
        self.staff_recording_path = ""  # the talk with staff after a warm transfer
        # After a warm transfer: when the caller's channel hangs up (AMI Hangup), or None if
        # AMI was lost meanwhile (the record then ends at the transfer).
        self.released: asyncio.Future[float | None] | None = None
        self.ended = asyncio.Event()
        self._closing = asyncio.Event()  # set first when the call ends: play() stops waiting
        self.failure: str | None = None
        self.frames_received = 0
        self.frames_dropped = 0  # caller audio dropped because nobody read it in time
        self._transfer_idle = asyncio.Event()  # so a TransferResult precedes the end of events()
        self._transfer_idle.set()

    # ------------------------------------------------------------ life

    def start(self) -> None:
        self.media.pacer.start()
        self._reader_task = asyncio.get_running_loop().create_task(
            self._read_loop(), name=f"audiosocket-{self.call_id}"
        )

    async def wait_ended(self) -> None:
        await self.ended.wait()

    def _queue_audio(self, chunk: bytes) -> None:
        if self._audio.qsize() >= MAX_QUEUED_IN:
            self._audio.get_nowait()
            self.frames_dropped += 1
        self._audio.put_nowait(chunk)

    async def _read_loop(self) -> None:
        end_event: LegEvent | None = None
        loop = asyncio.get_running_loop()
        started = loop.time()
        per_s = self.media.speed / FRAME_S
        digits = 0
        try:
            while True:
                frame = await self.media.read_frame()
                if frame is None:
                    if not (self.handed_over or self.we_hung_up):
                        end_event = CallerHungUp()
                    break
                if frame.kind in (aso.Kind.AUDIO, aso.Kind.DTMF):
                    # Audio and digits (queued as events) both count against the clock.
                    ahead = self.frames_received + digits - (loop.time() - started) * per_s
                    if ahead > MAX_FRAMES_AHEAD:
                        end_event = LegFailed(
                            f"AudioSocket frames on call {self.call_id} arrive faster than "
                            f"real time ({ahead:.0f} frames ahead of the clock): connection "
                            "ended"
                        )
                        break
                if frame.kind is aso.Kind.AUDIO:
                    for chunk in self._rechunk.push(frame.payload):
                        self.frames_received += 1
                        self._queue_audio(chunk)
                elif frame.kind is aso.Kind.DTMF:
                    digits += 1
                    self._events.put_nowait(DtmfPressed(frame.digit))
                elif frame.kind is aso.Kind.HANGUP:
                    end_event = CallerHungUp("Asterisk sent an AudioSocket hangup frame")
                    break
                elif frame.kind is aso.Kind.ERROR:
                    end_event = LegFailed(
                        f"Asterisk sent an AudioSocket error frame ({frame.payload.hex()}) "
                        f"on call {self.call_id}"
                    )
                    break
                elif frame.is_audio:
                    end_event = LegFailed(
                        f"AudioSocket audio at {frame.sample_rate} Hz on call {self.call_id}, "
                        f"expected {self.sample_rate} Hz (use AudioSocket(), slin 8 kHz)"
                    )
                    break
                # a second uuid frame is harmless: ignore it
        except ValueError as e:
            end_event = LegFailed(f"{e} (call {self.call_id}, channel {self.channel})")
        except ConnectionResetError:
            # Asterisk closing a hung-up channel's socket with our frames unread is a reset
            if not (self.handed_over or self.we_hung_up):
                end_event = CallerHungUp("caller hung up (AudioSocket connection reset)")
        except (ConnectionError, OSError) as e:
            if not (self.handed_over or self.we_hung_up):
                end_event = LegFailed(f"AudioSocket connection lost on call {self.call_id}: {e}")
        if isinstance(end_event, LegFailed):
            self.failure = end_event.reason
            log.error("%s", end_event.reason)
        if end_event is not None:
            self._events.put_nowait(end_event)
        await self._finish()

    async def _finish(self) -> None:
        if self.handed_over:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._transfer_idle.wait(), 10.0)
        self._closing.set()
        self._audio.put_nowait(_END)
        self._events.put_nowait(_END)
        await self.media.close()
        self.ended.set()

    async def _unless_closing(self, aw: Awaitable[None]) -> None:
        """Wait for ``aw``, or stop waiting as soon as the call ends."""
        if self._closing.is_set():
            if asyncio.iscoroutine(aw):
                aw.close()
            return
        task = asyncio.ensure_future(aw)
        closing = asyncio.ensure_future(self._closing.wait())
        try:
            await asyncio.wait([task, closing], return_when=asyncio.FIRST_COMPLETED)
        finally:
            for t in (task, closing):
                t.cancel()

    # ------------------------------------------------------------ CallLeg

    async def audio_in(self) -> AsyncIterator[bytes]:
        loop = asyncio.get_running_loop()
        clock = loop.time()  # the line time up to which audio has been handed out
        filling = False
        while True:
            if self._gap_fill_s is None:
                item = await self._audio.get()
            else:
                # after gap_fill_s without audio, hand out a silent frame each time one is
                # due, so that endpointing sees time pass (silence suppression, DTMF gaps)
                wait = (FRAME_S if filling else self._gap_fill_s) + clock - loop.time()
                try:
                    # asyncio.timeout, not wait_for: on Python 3.11 wait_for drops a cancel
                    # that lands as the get completes, and a cancelled listener then waits
                    # for ever (a flood of queued frames made that a stuck call, no record).
                    async with asyncio.timeout(max(wait, 0.0)):
                        item = await self._audio.get()
                except TimeoutError:
                    missing = max(int((loop.time() - clock) / FRAME_S), 1)
                    for _ in range(missing):
                        yield self.media.silence
                    clock += missing * FRAME_S
                    filling = True
                    continue
            if item is _END:
                return
            assert isinstance(item, bytes)
            filling = False
            clock = max(clock + FRAME_S, loop.time() - FRAME_S)
            yield item

    async def play(self, frame: bytes) -> None:
        if len(frame) != self.media.frame_bytes:
            raise ValueError(
                f"frame of {len(frame)} bytes, a 20 ms frame at {self.sample_rate} Hz "
                f"is {self.media.frame_bytes}"
            )
        if self._closing.is_set():
            raise LegClosedError(f"call {self.call_id} has ended: can't play")
        await self._unless_closing(self.media.pacer.put(frame))
        if self._closing.is_set():  # ended while we waited for room
            raise LegClosedError(f"call {self.call_id} has ended: can't play")

    def stop_playback(self) -> int:
        return self.media.pacer.flush()

    async def wait_released(self) -> float | None:
        """After a warm transfer the AudioSocket is gone; AMI's Hangup of the caller's
        channel says when the conversation with staff ended."""
        if self.released is None:
            return None
        return await self.released

    def send_timing(self) -> SendTiming | None:
        return self.media.pacer.timing

    async def wait_played(self) -> None:
        await self._unless_closing(self.media.pacer.drained())

    async def events(self) -> AsyncIterator[LegEvent]:
        while True:
            item = await self._events.get()
            if item is _END:
                return
            assert isinstance(item, LegEvent)
            yield item

    def post_event(self, event: LegEvent) -> None:
        self._events.put_nowait(event)

    async def transfer(
        self,
        extension: str,
        summary: str,
        warm: bool = True,
        summary_audio: Sequence[bytes] = (),
    ) -> TransferResult:
        self._transfer_idle.clear()
        try:
            result = await self._control.transfer(self, extension, warm, summary_audio)
            self.post_event(result)
        finally:
            self._transfer_idle.set()
        return result

    async def start_recording(self, path: str) -> None:
        await self._control.start_recording(self, path)
        self.recording = True
        self.recording_path = path

    async def stop_recording(self) -> None:
        if self.recording:
            self.recording = False
            await self._control.stop_recording(self)

    async def hangup(self) -> None:
        if self._closing.is_set():
            await self.ended.wait()
            return
        self.we_hung_up = True
        self._closing.set()
        await self.media.send_hangup()
        await self.ended.wait()


OnCall = Callable[[CallLeg], Awaitable[None]]
