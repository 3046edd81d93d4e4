"""One SIP caller as a ``CallLeg``: frames from ``RtpMedia``, paced out by a ``Pacer``,
control (BYE, REFER) through the bridge's ``SipControl``."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Sequence
from typing import Protocol

from receptionist.bridges.sip.media import Recorder, RtpMedia
from receptionist.media.leg import (
    CallerHungUp,
    CallLeg,
    DtmfPressed,
    LegClosedError,
    LegEvent,
    LegInfo,
    TransferResult,
)
from receptionist.media.pacer import Pacer

log = logging.getLogger(__name__)

MAX_QUEUED_IN = 500  # 10 s of caller audio nobody reads: drop the oldest past that


class SipControl(Protocol):
    """What a leg needs from the bridge to act on its dialog."""

    def bye(self, leg: SipLeg) -> None: ...

    async def transfer(
        self, leg: SipLeg, extension: str, summary: str, warm: bool, audio: Sequence[bytes]
    ) -> TransferResult: ...


class SipLeg(CallLeg):
    """A caller who sent us an INVITE (directly, or through a PBX or trunk)."""

    def __init__(self, control: SipControl, info: LegInfo) -> None:
        super().__init__(info)
        self._control = control
        self._audio: asyncio.Queue[bytes | None] = asyncio.Queue()
        self._events: asyncio.Queue[LegEvent | None] = asyncio.Queue()
        self.media: RtpMedia | None = None
        self.pacer: Pacer | None = None
        self.state = "active"  # active -> (bridged) -> ended
        self.hangup_by = ""  # "caller", "agent", "transfer"
        self.ended_at: float | None = None
        self.transfer_result: TransferResult | None = None
        self.recording_path: str | None = None
        self._audio_ended = False
        self._events_ended = False
        self.done = asyncio.Event()

    def attach(self, media: RtpMedia, pacer: Pacer) -> None:
        self.media = media
        self.pacer = pacer

    # --- from the network (on the loop) ------------------------------------------------

    def on_frame(self, frame: bytes) -> None:
        if self._audio_ended:
            return
        if self._audio.qsize() >= MAX_QUEUED_IN:
            self._audio.get_nowait()
        self._audio.put_nowait(frame)

    def on_digit(self, digit: str) -> None:
        if self.state == "active":
            self.post_event(DtmfPressed(digit))

    def on_bye(self, reason: str = "caller hung up (BYE)") -> None:
        """The caller hung up (BYE), or their phone never confirmed our answer."""
        if self.state == "ended":
            return
        if self.state == "bridged":
            self.hangup_by = self.hangup_by or "transfer"
        else:
            self.hangup_by = "caller"
            self.post_event(CallerHungUp(reason))
        self.finish()

    def finish(self) -> None:
        if self.ended_at is None:
            self.ended_at = time.time()
        self.state = "ended"
        self.done.set()
        self.end_audio()
        if not self._events_ended:
            self._events_ended = True
            self._events.put_nowait(None)

    def end_audio(self) -> None:
        if not self._audio_ended:
            self._audio_ended = True
            self._audio.put_nowait(None)
        if self.pacer is not None:
            self.pacer.flush()

    def mark_bridged(self) -> None:
        """The caller now talks to someone else: our media is over for good."""
        self.state = "bridged"
        self.hangup_by = "transfer"
        self.end_audio()

    def post_event(self, event: LegEvent) -> None:
        if not self._events_ended:
            self._events.put_nowait(event)

    # --- the CallLeg API -----------------------------------------------------------------

    async def _frames(self) -> AsyncIterator[bytes]:
        while True:
            frame = await self._audio.get()
            if frame is None:
                self._audio.put_nowait(None)  # a second reader ends too
                return
            yield frame

    def audio_in(self) -> AsyncIterator[bytes]:
        return self._frames()

    async def play(self, frame: bytes) -> None:
        if self.pacer is None:
            raise LegClosedError(f"call {self.call_id} has no media")
        if self.state != "active":
            raise LegClosedError(f"call {self.call_id} is {self.state}: can't play")
        await self.pacer.put(frame)
        if self.state != "active":  # ended while we waited for room (end_audio flushed)
            raise LegClosedError(f"call {self.call_id} is {self.state}: can't play")

    def stop_playback(self) -> int:
        return self.pacer.flush() if self.pacer is not None else 0

    async def wait_played(self) -> None:
        if self.pacer is not None and self.state == "active":
            await self.pacer.drained()

    async def _event_stream(self) -> AsyncIterator[LegEvent]:
        while True:
            event = await self._events.get()
            if event is None:
                self._events.put_nowait(None)
                return
            yield event

    def events(self) -> AsyncIterator[LegEvent]:
        return self._event_stream()

    async def transfer(
        self,
        extension: str,
        summary: str,
        warm: bool = True,
        summary_audio: Sequence[bytes] = (),
    ) -> TransferResult:
        if self.state != "active":
            result = TransferResult(extension, "failed", f"call is {self.state}")
        else:
            result = await self._control.transfer(self, extension, summary, warm, summary_audio)
        self.transfer_result = result
        self.post_event(result)
        if result.connected and not self._events_ended:
            self._events_ended = True  # nothing more for the dialog once the caller is handed over
            self._events.put_nowait(None)
        return result

    async def start_recording(self, path: str) -> None:
        if self.media is None:
            raise LegClosedError(f"call {self.call_id} has no media to record")
        if self.media.recorder is None:
            self.media.recorder = Recorder(path)
        self.recording_path = path

    async def stop_recording(self) -> None:
        if self.media is not None and self.media.recorder is not None:
            self.media.recorder.close()
            self.media.recorder = None

    async def hangup(self) -> None:
        if self.state != "active":
            return
        self.hangup_by = "agent"
        self.stop_playback()
        self._control.bye(self)
        self.finish()
