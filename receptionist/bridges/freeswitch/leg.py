"""One FreeSWITCH caller as a ``CallLeg``: asyncio side only (no gevent here).

Control goes through ``LegControl`` (implemented in ``bridge.py``, which owns the
gevent thread); media goes through a ``UnicastEndpoint`` on the loop, paced by a ``Pacer``.
Events from the switch arrive here already on the loop (``on_esl_event``/``on_esl_closed``).
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid as uuidlib
from collections.abc import AsyncIterator, Awaitable, Sequence
from typing import Protocol

from receptionist.bridges.freeswitch.media import UnicastEndpoint
from receptionist.media.leg import (
    CallerHungUp,
    CallLeg,
    DtmfPressed,
    LegClosedError,
    LegEvent,
    LegFailed,
    LegInfo,
    TransferResult,
)
from receptionist.media.pacer import Pacer
from receptionist.media.sender import SendTiming
from receptionist.protocols import esl

log = logging.getLogger(__name__)

MAX_QUEUED_IN = 500  # 10 s of caller audio nobody reads: drop the oldest past that


class FreeSwitchError(RuntimeError):
    """Something about FreeSWITCH went wrong."""


class FreeSwitchStartError(FreeSwitchError):
    """The bridge can't start: port taken, switch unreachable, password refused."""


class FreeSwitchCommandError(FreeSwitchError):
    """The switch answered a command with ``-ERR`` (the peer said no)."""


class FreeSwitchLinkError(FreeSwitchError):
    """The ESL connection dropped, timed out or sent a malformed frame."""


class LegControl(Protocol):
    """What a leg needs from the bridge to act on its channel."""

    async def command(self, frame: bytes, limit_s: float | None = None) -> esl.EslFrame: ...

    async def transfer(
        self,
        leg: FreeSwitchLeg,
        extension: str,
        summary: str,
        warm: bool,
        summary_audio: Sequence[bytes],
    ) -> TransferResult: ...


class FreeSwitchLeg(CallLeg):
    """A caller reached through ``socket ... async full`` with unicast media."""

    def __init__(self, control: LegControl, *, exec_timeout_s: float = 10.0) -> None:
        super().__init__(LegInfo(call_id=""))
        self._control = control
        self._exec_timeout_s = exec_timeout_s
        self._audio: asyncio.Queue[bytes | None] = asyncio.Queue()
        self._events: asyncio.Queue[LegEvent | None] = asyncio.Queue()
        self._exec_waiters: dict[str, asyncio.Future[esl.EslEvent]] = {}
        self.media: UnicastEndpoint | None = None
        self.pacer: Pacer | None = None
        self.state = "setup"  # setup -> active -> (bridged) -> ended | failed
        self.hangup_by = ""  # "caller", "agent", "transfer", "link"
        self.hangup_cause = ""
        self.hangup_seen = False  # the switch's CHANNEL_HANGUP for the caller arrived
        self.staff_uuid = ""  # the staff leg a warm transfer bridged the caller to
        self._staff_left: asyncio.Task[None] | None = None
        self.ended_at: float | None = None
        self.failure = ""
        self.recording_path: str | None = None
        self.transfer_result: TransferResult | None = None
        self._hangup_requested = False
        self._audio_ended = False
        self._events_ended = False
        self.done = asyncio.Event()  # set once the call is over for us (ended or failed)
        self.link_closed = asyncio.Event()  # set once the outbound socket is gone

    # --- set-up (called by the bridge) -------------------------------------------------

    def set_channel(self, channel: dict[str, str]) -> None:
        self.info.call_id = channel.get("Unique-ID", "")
        self.info.caller_id = channel.get("Caller-Caller-ID-Number", "")
        self.info.called_number = channel.get("Caller-Destination-Number", "")
        self.info.variables = {
            k.removeprefix("variable_"): v for k, v in channel.items() if k.startswith("variable_")
        }
        self.info.variables["caller_id_name"] = channel.get("Caller-Caller-ID-Name", "")

    def attach_media(self, media: UnicastEndpoint, pacer: Pacer) -> None:
        self.media = media
        self.pacer = pacer
        self.state = "active"

    def on_audio(self, frame: bytes) -> None:
        if self._audio_ended:
            return
        if self._audio.qsize() >= MAX_QUEUED_IN:
            self._audio.get_nowait()
        self._audio.put_nowait(frame)

    # --- from the switch (already on the loop) -----------------------------------------

    def on_esl_event(self, event: esl.EslEvent) -> None:
        name = event.name
        if name == "CHANNEL_EXECUTE_COMPLETE":
            waiter = self._exec_waiters.pop(event.get("Application-UUID"), None)
            if waiter is not None and not waiter.done():
                waiter.set_result(event)
        elif name == "DTMF" and self.state in ("active", "setup"):
            digit = event.get("DTMF-Digit")
            if digit:
                self._events.put_nowait(DtmfPressed(digit))
        elif name == "CHANNEL_UNBRIDGE" and self.state == "bridged" and self.staff_uuid:
            # Staff hung up first. The switch hangs the caller up itself (we set
            # hangup_after_bridge before the bridge); this is the backstop should it not.
            self._staff_left = asyncio.get_running_loop().create_task(self._end_after_staff_left())
        elif name == "CHANNEL_HANGUP":
            self.hangup_seen = True
            self.hangup_cause = event.get("Hangup-Cause", "")
            if self.state == "bridged":
                self.hangup_by = self.hangup_by or "transfer"
            elif self._hangup_requested:
                self.hangup_by = "agent"
            else:
                self.hangup_by = "caller"
                self._events.put_nowait(CallerHungUp(f"caller hung up ({self.hangup_cause})"))
            self._finish("ended")

    def on_esl_closed(self, reason: str) -> None:
        """The outbound socket is gone. Before a hangup that is a failure of the link."""
        self.link_closed.set()
        if self.state in ("ended", "failed"):
            return
        if self.state == "bridged":
            self._finish("ended")
            return
        self.failure = reason
        self.hangup_by = "link"
        self._events.put_nowait(LegFailed(reason))
        self._finish("failed")

    def _finish(self, state: str) -> None:
        if self.ended_at is None:
            self.ended_at = time.time()
        self.state = state
        self.done.set()
        self.end_audio()
        error = FreeSwitchLinkError(self.failure or f"call {self.call_id} has ended")
        for waiter in self._exec_waiters.values():
            if not waiter.done():
                waiter.set_exception(error)
        self._exec_waiters.clear()
        if not self._events_ended:
            self._events_ended = True
            self._events.put_nowait(None)

    def end_audio(self) -> None:
        """Our side of the media is over (hangup, bridge, failure): close it, end audio_in."""
        if not self._audio_ended:
            self._audio_ended = True
            self._audio.put_nowait(None)
        if self.pacer is not None:
            self.pacer.flush()
        if self.media is not None:
            self.media.close()

    async def _end_after_staff_left(self) -> None:
        try:
            await self.command(esl.sendmsg_hangup("NORMAL_CLEARING"))
        except FreeSwitchError as exc:  # the caller hung up meanwhile: nothing to end
            log.debug("call %s: hangup after the staff leg left: %s", self.call_id, exc)

    def mark_bridged(self, staff_uuid: str = "") -> None:
        """The caller now talks to someone else (``staff_uuid``: our warm transfer's staff
        leg, bridged to them): our media is over for good."""
        self.staff_uuid = staff_uuid
        self.state = "bridged"
        self.hangup_by = "transfer"
        self.end_audio()

    def post_event(self, event: LegEvent) -> None:
        if not self._events_ended:
            self._events.put_nowait(event)

    # --- the CallLeg API -----------------------------------------------------------------

    async def _audio_frames(self) -> AsyncIterator[bytes]:
        while True:
            frame = await self._audio.get()
            if frame is None:
                self._audio.put_nowait(None)  # a second reader ends too
                return
            yield frame

    def audio_in(self) -> AsyncIterator[bytes]:
        return self._audio_frames()

    async def play(self, frame: bytes) -> None:
        if self.media is None or self.pacer is None:
            raise FreeSwitchError("play() before the media is up")
        if len(frame) != self.media.frame_size:
            # An empty or odd-sized datagram would break the call's audio for good.
            raise ValueError(f"frame is {len(frame)} bytes, expected {self.media.frame_size}")
        if self.state != "active":
            raise LegClosedError(f"call {self.call_id} is {self.state}: can't play")
        await self.pacer.put(frame)
        if self.state != "active":  # ended while we waited for room (end_audio flushed)
            raise LegClosedError(f"call {self.call_id} is {self.state}: can't play")

    def stop_playback(self) -> int:
        return self.pacer.flush() if self.pacer is not None else 0

    async def wait_released(self) -> float | None:
        """The caller's CHANNEL_HANGUP on this call's socket (it stays open after the bridge,
        lingering) ends a bridged call, whoever hung up first."""
        if self.state not in ("bridged", "ended"):
            return None
        await self.done.wait()
        # A cold transfer moves the channel on and closes the socket: no hangup to see.
        return self.ended_at if self.hangup_seen else None

    def send_timing(self) -> SendTiming | None:
        return self.pacer.timing if self.pacer is not None else None

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

    async def command(self, frame: bytes) -> esl.EslFrame:
        reply = await self._control.command(frame)
        if isinstance(reply, esl.CommandReply) and not reply.ok:
            raise FreeSwitchCommandError(f"call {self.call_id}: {reply.reply_text.strip()}")
        return reply

    async def execute(self, app: str, arg: str | None = None) -> esl.EslEvent:
        """``sendmsg execute`` with an Event-UUID; wait for the matching EXECUTE_COMPLETE."""
        if self.state in ("ended", "failed"):
            raise FreeSwitchLinkError(f"call {self.call_id} has ended; can't execute {app}")
        event_uuid = str(uuidlib.uuid4())
        waiter: asyncio.Future[esl.EslEvent] = asyncio.get_running_loop().create_future()
        self._exec_waiters[event_uuid] = waiter
        try:
            reply = await self._control.command(
                esl.sendmsg_execute(app, arg, event_uuid=event_uuid)
            )
            if isinstance(reply, esl.CommandReply) and not reply.ok:
                raise FreeSwitchCommandError(
                    f"call {self.call_id}: execute {app} refused: {reply.reply_text.strip()}"
                )
            return await asyncio.wait_for(waiter, self._exec_timeout_s)
        except TimeoutError:
            raise FreeSwitchLinkError(
                f"call {self.call_id}: no CHANNEL_EXECUTE_COMPLETE for {app} "
                f"within {self._exec_timeout_s:g} s"
            ) from None
        finally:
            self._exec_waiters.pop(event_uuid, None)
            if waiter.done() and not waiter.cancelled():
                waiter.exception()  # failed by _finish() while we waited on the reply: seen
            else:
                waiter.cancel()

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
        await self.execute("record_session", path)
        self.recording_path = path

    async def stop_recording(self) -> None:
        if self.recording_path is None:
            return
        path, self.recording_path = self.recording_path, None
        if self.state != "active" or self._hangup_requested:
            return  # the switch closes the recording itself when the channel hangs up
        try:
            await self.execute("stop_record_session", path)
        except FreeSwitchLinkError:
            if self.state != "ended":  # a hangup while stopping is fine; a broken link isn't
                raise

    async def hangup(self) -> None:
        if self.state in ("ended", "failed"):
            return
        self._hangup_requested = True
        self.stop_playback()
        try:
            await self.command(esl.sendmsg_hangup("NORMAL_CLEARING"))
        except FreeSwitchError as exc:
            log.warning("call %s: hangup failed: %s", self.call_id, exc)


async def wait_or(awaitable: Awaitable[object], limit_s: float) -> bool:
    """True if ``awaitable`` finished within ``limit_s``."""
    try:
        await asyncio.wait_for(awaitable, limit_s)
    except TimeoutError:
        return False
    return True
