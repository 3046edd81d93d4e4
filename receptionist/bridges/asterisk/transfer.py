"""Warm and cold transfer for the Asterisk bridge (AMI ``Originate``, ``Bridge``, ``Redirect``).

Warm: AMI ``Originate`` of ``Local/<ext>@<staff_context>/n`` into our summary context, whose
dialplan connects the answered staff leg to our AudioSocket with its own uuid; the summary
plays to the staff member alone while the caller hears our hold audio; then AMI ``Bridge``
joins the two (both AudioSocket apps end). ``OriginateResponse`` with ``Response: Failure``
(reason 3, no answer; 5, busy) leaves the caller with us. Cold: AMI ``Redirect`` of the
caller to ``<ext>@<transfer_context>``.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import time
import uuid as uuid_module
from collections.abc import Sequence

from receptionist.bridges.asterisk.ami import AmiActionError, AmiClient, AmiUnavailable
from receptionist.bridges.asterisk.leg import AsteriskLeg
from receptionist.bridges.asterisk.media import AudioSocketMedia
from receptionist.bridges.asterisk.settings import AsteriskSettings
from receptionist.media.leg import TransferResult
from receptionist.protocols import ami

__all__ = ["Transfers"]

log = logging.getLogger(__name__)


class Transfers:
    """Mixed into ``AsteriskBridge``, which provides AMI and the staff AudioSocket waiters."""

    settings: AsteriskSettings
    ami: AmiClient
    _staff_waiters: dict[str, asyncio.Future[AudioSocketMedia]]
    _staff_uuids: collections.OrderedDict[str, None]
    _bridged: dict[str, AsteriskLeg]  # caller's channel -> its leg, until the caller hangs up
    _recordings: set[asyncio.Task[None]]

    async def transfer(
        self, leg: AsteriskLeg, extension: str, warm: bool, summary_audio: Sequence[bytes]
    ) -> TransferResult:
        if not leg.channel:
            return TransferResult(extension, "failed", "the channel name is unknown (no AGI)")
        if not warm:
            return await self._cold_transfer(leg, extension)
        return await self._warm_transfer(leg, extension, summary_audio)

    async def _cold_transfer(self, leg: AsteriskLeg, extension: str) -> TransferResult:
        leg.handed_over = True
        try:
            await self.ami.action(
                "Redirect",
                {
                    "Channel": leg.channel,
                    "Context": self.settings.transfer_context,
                    "Exten": extension,
                    "Priority": "1",
                },
            )
        except (AmiActionError, AmiUnavailable) as e:
            leg.handed_over = False
            return TransferResult(extension, "failed", str(e))
        return TransferResult(extension, "answered", "cold transfer: redirected")

    async def _warm_transfer(
        self, leg: AsteriskLeg, extension: str, summary_audio: Sequence[bytes]
    ) -> TransferResult:
        s = self.settings
        loop = asyncio.get_running_loop()
        staff_uuid = str(uuid_module.uuid4())
        waiter: asyncio.Future[AudioSocketMedia] = loop.create_future()
        self._staff_waiters[staff_uuid] = waiter
        self._staff_uuids[staff_uuid] = None  # every staff uuid we ever dialled (the last 1000)
        while len(self._staff_uuids) > 1000:
            self._staff_uuids.popitem(last=False)
        staff_channel = ""
        staff_media: AudioSocketMedia | None = None
        bridged = False
        try:
            try:
                originate = asyncio.ensure_future(self.ami.action(
                    "Originate",
                    {
                        "Channel": f"Local/{extension}@{s.staff_context}/n",
                        "Context": s.summary_context,
                        "Exten": "s",
                        "Priority": "1",
                        "Timeout": str(int(s.ring_seconds * 1000)),
                        "CallerID": _caller_id(s.transfer_caller_id, leg),
                        "Variable": f"RECEPTIONIST_STAFF_UUID={staff_uuid}",
                        # our own uniqueid for the Local channel: we can hang it up by
                        # name while it still rings (the caller may leave meanwhile)
                        "ChannelId": staff_uuid,
                        "Async": "true",
                    },
                    timeout_s=s.ring_seconds + s.ami_timeout_s,
                ))  # fmt: skip
                caller_gone = asyncio.ensure_future(leg.ended.wait())
                try:
                    await asyncio.wait(
                        {originate, caller_gone}, return_when=asyncio.FIRST_COMPLETED
                    )
                finally:
                    caller_gone.cancel()
                if not originate.done():
                    # The caller hung up while the staff phone rang: stop it ringing.
                    with contextlib.suppress(AmiActionError, AmiUnavailable):
                        await self.ami.action("Hangup", {"Channel": staff_uuid})
                    await asyncio.wait({originate}, timeout=s.ami_timeout_s)
                    originate.cancel()
                    with contextlib.suppress(BaseException):
                        answered = [
                            m for m in await originate if m.get("Event") == "OriginateResponse"
                        ]
                        if answered and answered[0].get("Response") == "Success":
                            staff_channel = answered[0].get("Channel", "")  # hung up below
                    return TransferResult(
                        extension, "failed", "the caller hung up while staff rang"
                    )
                messages = originate.result()
            except AmiActionError as e:
                return TransferResult(extension, "failed", str(e))
            except AmiUnavailable as e:
                hint = ""
                if "no answer within" in str(e):
                    hint = " (no OriginateResponse: does the AMI user have 'read = call'?)"
                return TransferResult(extension, "failed", f"{e}{hint}")
            outcome = next(
                (m for m in messages if m.get("Event") == "OriginateResponse"), messages[-1]
            )
            if outcome.get("Response") != "Success":
                # Reason: 3 rang out, 5 busy, 1 rejected (hung up before answering)
                reason = outcome.get("Reason", "")
                kind = {"3": "no_answer", "5": "declined", "1": "declined"}.get(reason, "failed")
                detail = f"staff leg: {ami.ORIGINATE_REASONS.get(reason, 'reason ' + reason)}"
                return TransferResult(extension, kind, detail)
            staff_channel = outcome.get("Channel", "")
            if leg.ended.is_set():
                return TransferResult(extension, "failed", "the caller hung up while it rang")
            try:
                staff_media = await asyncio.wait_for(waiter, s.media_timeout_s)
            except TimeoutError:
                return TransferResult(
                    extension, "failed", "the staff leg answered but never reached our AudioSocket"
                )
            if not await self._play_to_staff(staff_media, summary_audio, leg):
                if leg.ended.is_set():
                    return TransferResult(
                        extension, "failed", "the caller hung up during the summary"
                    )
                return TransferResult(extension, "declined", "staff hung up during the summary")
            if leg.ended.is_set():
                return TransferResult(extension, "failed", "the caller hung up during the summary")
            leg.handed_over = True
            try:
                await self.ami.action(
                    "Bridge", {"Channel1": leg.channel, "Channel2": staff_channel, "Tone": "no"}
                )
            except (AmiActionError, AmiUnavailable) as e:
                leg.handed_over = False
                return TransferResult(extension, "failed", f"bridging failed: {e}")
            self._after_bridge(leg, staff_channel)
            staff_channel, bridged = "", True  # not ours to hang up any more
            return TransferResult(extension, "answered", "warm transfer: summary played, bridged")
        finally:
            self._staff_waiters.pop(staff_uuid, None)
            if staff_media is None and waiter.done() and not waiter.cancelled():
                staff_media = waiter.result()  # connected although we gave up on it
            if staff_media is not None:
                if not bridged:  # end the staff leg: 0x00, then the dialplan's Hangup()
                    await staff_media.send_hangup()
                await staff_media.close()
            if staff_channel:
                with contextlib.suppress(AmiActionError, AmiUnavailable):
                    await self.ami.action("Hangup", {"Channel": staff_channel})

    def _after_bridge(self, leg: AsteriskLeg, staff_channel: str) -> None:
        """The caller now talks to staff: watch for the caller's hangup (the real end of the
        call) and record the conversation with staff, since the caller's MixMonitor ends
        with its AudioSocket at the bridge."""
        leg.released = asyncio.get_running_loop().create_future()
        self._bridged[leg.channel] = leg
        if leg.recording_path:
            path = _staff_recording_path(leg.recording_path)
            task = asyncio.ensure_future(self._record_staff_talk(leg, staff_channel, path))
            self._recordings.add(task)
            task.add_done_callback(self._recordings.discard)

    async def _record_staff_talk(self, leg: AsteriskLeg, staff_channel: str, path: str) -> None:
        fields = {"Channel": staff_channel, "File": path}
        if self.settings.mixmonitor_options:
            fields["Options"] = self.settings.mixmonitor_options
        try:
            await self.ami.action("MixMonitor", fields)
        except (AmiActionError, AmiUnavailable) as e:
            log.warning("call %s: the talk with staff is not recorded: %s", leg.call_id, e)
        else:
            leg.staff_recording_path = path

    def _on_hangup_event(self, fields: dict[str, str]) -> None:
        leg = self._bridged.pop(fields.get("Channel", ""), None)
        if leg is not None and leg.released is not None and not leg.released.done():
            leg.released.set_result(time.time())

    def _on_ami_lost(self) -> None:
        """A Hangup may be missed while AMI is down: end the records at the transfer."""
        for leg in self._bridged.values():
            if leg.released is not None and not leg.released.done():
                leg.released.set_result(None)
        self._bridged.clear()

    async def _play_to_staff(
        self, media: AudioSocketMedia, frames: Sequence[bytes], leg: AsteriskLeg
    ) -> bool:
        """Play the summary on the staff leg; False if the staff member or the caller hung
        up meanwhile."""

        async def watch() -> None:
            while (frame := await media.read_frame()) is not None:
                del frame  # the staff member's audio isn't needed

        watcher = asyncio.ensure_future(watch())
        try:
            for frame in frames:
                if watcher.done() or leg.ended.is_set():
                    return False
                await media.pacer.put(frame)
            drained = asyncio.ensure_future(media.pacer.drained())
            gone = asyncio.ensure_future(leg.ended.wait())
            await asyncio.wait([drained, watcher, gone], return_when=asyncio.FIRST_COMPLETED)
            drained.cancel()
            gone.cancel()
            return not watcher.done() and not leg.ended.is_set()
        finally:
            watcher.cancel()
            with contextlib.suppress(BaseException):
                await watcher


def _caller_id(name: str, leg: AsteriskLeg) -> str:
    """What the staff phone shows: the caller's name and number (``name`` if set)."""
    number = leg.caller_id or "0"
    shown = name or leg.variables.get("calleridname", "") or number
    if shown.lower() in ("unknown", ""):
        shown = number
    shown = shown.replace('"', "").replace("<", "").replace(">", "")
    return f'"{shown}" <{number}>'


def _staff_recording_path(path: str) -> str:
    """``/rec/abc.wav`` -> ``/rec/abc-staff.wav``: the conversation with staff, beside it."""
    stem, dot, ext = path.rpartition(".")
    return f"{stem}-staff.{ext}" if dot and "/" not in ext else f"{path}-staff"
