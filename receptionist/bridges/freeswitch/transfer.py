"""Warm and cold transfer for the FreeSWITCH bridge (asyncio side; no gevent here).

Warm: from the inbound connection, ``bgapi originate {origination_uuid=<staff>,...}<dial>
&park()`` with our own Job-UUID; on ``+OK <staff>`` the parked staff leg gets its own
unicast (``sendmsg <staff>``) so the summary is spoken to the staff member alone while the
caller hears our hold words on theirs; then, after the accept digit if one is configured,
``api uuid_bridge <caller> <staff>``, with ``hangup_after_bridge`` set on the caller first:
when staff hang up, the real switch otherwise ran the dialplan's next action after ``socket``
(the fallback to the front desk), which rang the desk again. ``-ERR NO_ANSWER`` and other
failures leave the caller with us and their media flowing. Cold: ``api uuid_transfer <caller>
<ext> XML <context>``.
"""

from __future__ import annotations

import asyncio
import logging
import math
import uuid as uuidlib
from collections.abc import Awaitable, Sequence

from receptionist.bridges.freeswitch.leg import (
    FreeSwitchCommandError,
    FreeSwitchError,
    FreeSwitchLeg,
    wait_or,
)
from receptionist.bridges.freeswitch.media import UnicastEndpoint
from receptionist.bridges.freeswitch.settings import FreeSwitchSettings
from receptionist.media.leg import TransferResult, frame_bytes
from receptionist.media.pacer import Pacer
from receptionist.protocols import esl

log = logging.getLogger(__name__)

SAMPLE_RATE = 8000
NO_ANSWER_CAUSES = {
    "NO_ANSWER",
    "NO_USER_RESPONSE",
    "ALLOTTED_TIMEOUT",
    "ORIGINATOR_CANCEL",
    "RECOVERY_ON_TIMER_EXPIRE",
}
DECLINED_CAUSES = {"USER_BUSY", "CALL_REJECTED", "DESTINATION_OUT_OF_ORDER"}


class WarmTransfers:
    """Mixed into ``FreeSwitchBridge``, which provides the inbound connection and ports."""

    settings: FreeSwitchSettings
    _speed: float
    _staff: dict[str, asyncio.Queue[str]]
    _switch_ports: set[int]

    async def api(self, command: str) -> str:
        raise NotImplementedError

    async def bgapi(self, command: str, limit_s: float) -> str:
        raise NotImplementedError

    async def _inbound_command(self, frame: bytes) -> esl.EslFrame:
        raise NotImplementedError

    def _take_switch_port(self) -> int:
        raise NotImplementedError

    async def _transfer(
        self,
        leg: FreeSwitchLeg,
        extension: str,
        summary: str,
        warm: bool,
        summary_audio: Sequence[bytes],
    ) -> TransferResult:
        try:
            if not warm:
                await self.api(
                    f"uuid_transfer {leg.call_id} {extension} XML {self.settings.transfer_context}"
                )
                leg.mark_bridged()
                return TransferResult(extension, "answered", "cold transfer")
            return await self._warm_transfer(leg, extension, summary, summary_audio)
        except FreeSwitchError as exc:
            return TransferResult(extension, "failed", str(exc))

    async def _warm_transfer(
        self, leg: FreeSwitchLeg, extension: str, summary: str, summary_audio: Sequence[bytes]
    ) -> TransferResult:
        s = self.settings
        staff = str(uuidlib.uuid4())
        # Staff see who is calling: the caller's number and name unless the site set its own.
        number = s.transfer_caller_id_number or leg.caller_id
        name = s.transfer_caller_id_name or leg.variables.get("caller_id_name", "") or number
        variables = [f"origination_caller_id_name='{_channel_value(name)}'"]
        if number:
            variables.append(f"origination_caller_id_number='{_channel_value(number)}'")
        variables += [
            f"origination_uuid={staff}",
            f"originate_timeout={math.ceil(s.ring_seconds)}",
        ]
        dial = s.transfer_dial_string.format(extension=extension)
        self._staff[staff] = asyncio.Queue()
        try:
            originate = asyncio.ensure_future(
                self.bgapi(
                    f"originate {{{','.join(variables)}}}{dial} &park()", s.ring_seconds + 10
                )
            )
            gone = asyncio.ensure_future(leg.done.wait())
            try:
                await asyncio.wait({originate, gone}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                gone.cancel()
                if not originate.done():
                    # The caller hung up while the staff phone rang: stop it ringing.
                    await self._kill(staff)
                    await asyncio.wait({originate}, timeout=5)
                    originate.cancel()
            if originate.cancelled() or leg.state != "active":
                if (
                    not originate.cancelled()
                    and originate.exception() is None
                    and originate.result().strip().startswith("+OK")
                ):
                    await self._kill(staff)  # answered just as the caller left
                return TransferResult(extension, "failed", f"caller's call is {leg.state}")
            body = originate.result().strip()
            if not body.startswith("+OK"):
                cause = body.removeprefix("-ERR").strip()
                outcome = (
                    "no_answer"
                    if cause in NO_ANSWER_CAUSES
                    else "declined"
                    if cause in DECLINED_CAUSES
                    else "failed"
                )
                return TransferResult(extension, outcome, cause)
            accepted, why = await self._brief_staff(leg, staff, summary, summary_audio)
            if accepted and leg.state != "active":
                accepted, why = False, f"caller's call is {leg.state}"
            if not accepted:
                await self._kill(staff)
                outcome = "failed" if leg.state != "active" else "declined"
                return TransferResult(extension, outcome, why)
            try:
                # Once staff hang up, the caller's call is over: not the dialplan's next step.
                await self.api(f"uuid_setvar {leg.call_id} hangup_after_bridge true")
                await self.api(f"uuid_bridge {leg.call_id} {staff}")
            except FreeSwitchError:
                await self._kill(staff)
                raise
            leg.mark_bridged(staff)
            return TransferResult(extension, "answered", staff)
        finally:
            del self._staff[staff]

    async def _brief_staff(
        self, leg: FreeSwitchLeg, staff: str, summary: str, summary_audio: Sequence[bytes]
    ) -> tuple[bool, str]:
        """Speak the summary to the parked staff leg over its own unicast; wait for accept."""
        s = self.settings
        events = self._staff[staff]
        if summary_audio:
            media = await UnicastEndpoint.open(
                f"staff {staff}",
                frame_bytes(SAMPLE_RATE),
                lambda _frame: None,
                s.media_host,
                s.media_port_min,
                s.media_port_max,
            )
            media.expect_ip = "" if s.switch_media_ip in ("0.0.0.0", "::") else s.switch_media_ip
            port = self._take_switch_port()
            media.expect_port = port  # the switch sends from the local-port we give it
            try:
                reply = await self._inbound_command(
                    esl.sendmsg_unicast(
                        s.switch_media_ip, port, s.media_host, media.port, uuid=staff
                    )
                )
                if isinstance(reply, esl.CommandReply) and not reply.ok:
                    raise FreeSwitchCommandError(f"staff unicast: {reply.reply_text.strip()}")
                if await wait_or(media.first_packet, s.first_datagram_s):
                    pacer = Pacer(
                        media.send, ahead=s.pacer_ahead, idle_frame=None, speed=self._speed
                    )
                    pacer.start()
                    try:
                        for frame in summary_audio:
                            if not events.empty() or leg.state != "active":
                                break  # staff pressed a key or someone hung up: stop talking
                            await pacer.put(frame)
                        await _first(pacer.drained(), leg.done.wait())
                    finally:
                        await pacer.stop()
                else:
                    log.warning(
                        "call %s: no audio from the staff leg; summary not spoken: %s",
                        leg.call_id,
                        summary,
                    )
            finally:
                media.close()
                self._switch_ports.discard(port)
        if s.accept_digit is None:
            while not events.empty():
                if events.get_nowait() == "hangup":
                    return False, "staff hung up during the summary"
            return True, ""
        deadline = asyncio.get_running_loop().time() + s.accept_wait_s
        while True:
            left = deadline - asyncio.get_running_loop().time()
            try:
                got = await asyncio.wait_for(events.get(), max(left, 0))
            except TimeoutError:
                return False, f"staff did not press {s.accept_digit}"
            if got == "hangup":
                return False, "staff hung up"
            if got == s.accept_digit:
                return True, ""

    async def _kill(self, uuid: str) -> bool:
        """Hang up ``uuid`` (a ringing or parked staff leg) and wait for the switch's word:
        True if it was still there. A leg already gone is no failure."""
        try:
            await self.api(f"uuid_kill {uuid} NORMAL_CLEARING")
        except FreeSwitchError as exc:
            if "no such channel" not in str(exc).lower():
                log.warning("uuid_kill %s failed: %s", uuid, exc)
            return False
        return True


def _channel_value(text: str) -> str:
    """``text`` made safe inside ``{var='...'}`` of an originate string."""
    return "".join(ch for ch in text if ch not in "'{}[],\\\r\n").strip()


async def _first(*waits: Awaitable[object]) -> None:
    """Wait until the first of ``waits`` finishes; cancel the rest."""
    tasks = [asyncio.ensure_future(w) for w in waits]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
