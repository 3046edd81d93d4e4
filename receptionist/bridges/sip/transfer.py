"""Transfers by REFER (RFC 3515).

Warm (attended): we INVITE the staff phone ourselves, speak the summary to staff alone over
that call's own RTP while the caller hears our hold words, then REFER the caller to staff
with ``Replaces`` (RFC 3891) naming our call with staff, so the caller's phone takes our
place. The caller's NOTIFY ``200`` says they reached staff; then we end both our dialogs.
Staff not answering within the ring time: CANCEL, and the caller is still with us.

Cold (blind): REFER the caller to staff's URI and wait for the NOTIFY that says how it went.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import urllib.parse
from collections.abc import Sequence
from typing import TYPE_CHECKING

import aiortp
from aiosipua import OutgoingCall, build_sdp, parse_uri

from receptionist.bridges.sip.media import SILENCE, wait_first
from receptionist.media.leg import TransferResult
from receptionist.media.pacer import Pacer

if TYPE_CHECKING:
    from receptionist.bridges.sip.bridge import SipBridge
    from receptionist.bridges.sip.leg import SipLeg

log = logging.getLogger(__name__)

NO_ANSWER = {408, 480}
DECLINED = {486, 600, 603}


def uri_address(uri: str) -> tuple[str, int]:
    """The host and port of ``uri`` (no DNS SRV: an address or a host name, port 5060)."""
    parsed = parse_uri(uri.strip("<>"))
    return parsed.host, parsed.port or 5060


async def resolve(host: str, port: int, ipv6: bool = False) -> tuple[str, int]:
    """``host`` as an address, looked up off the loop (a blocking lookup would stall
    every call's audio)."""
    family = socket.AF_INET6 if ipv6 else socket.AF_INET
    try:
        found = await asyncio.get_running_loop().getaddrinfo(
            host.strip("[]"), port, family=family, type=socket.SOCK_DGRAM
        )
    except OSError as exc:
        raise OSError(f"can't resolve SIP host {host!r}: {exc}") from None
    address = found[0][4]
    return str(address[0]), int(address[1])


def replaces_uri(target: str, call_id: str, to_tag: str, from_tag: str) -> str:
    """``target`` with an escaped ``Replaces`` header naming the dialog to take over."""
    value = f"{call_id};to-tag={to_tag};from-tag={from_tag}"
    return f"{target.strip('<>')}?Replaces={urllib.parse.quote(value, safe='')}"


class StaffCall:
    """Our own call to a staff phone: INVITE with a PCMU offer, RTP to speak the summary."""

    def __init__(self, bridge: SipBridge, leg: SipLeg, uri: str) -> None:
        self.bridge = bridge
        self.leg = leg
        self.uri = uri
        self.rtp: aiortp.RTPSession | None = None
        self.port = 0
        self.call: OutgoingCall | None = None
        self.ended = asyncio.Event()

    async def ring(self, ring_s: float) -> tuple[str, str]:
        """INVITE staff; ("answered", "") or (outcome, detail) once it is settled."""
        s = self.bridge.settings
        self.rtp, self.port = await self.bridge.open_rtp()
        port = self.port
        offer = build_sdp(s.bind, port, 0, "PCMU", advertised_ip=s.advertised_ip or None)
        host, sip_port = self.bridge.signal_addr
        target = await resolve(*uri_address(self.uri), ipv6=":" in s.bind)
        caller = self.leg.caller_id or "unknown"
        self.call = self.bridge.uac.send_invite(
            f"sip:{_user(caller)}@{host}:{sip_port}",
            self.uri,
            target,
            offer,
            user_agent="receptionist",
        )
        self.bridge.staff_calls[self.call.call_id] = self
        answered = asyncio.ensure_future(self.call.wait_answered(timeout=ring_s))
        try:
            await wait_first(asyncio.shield(answered), self.leg.done.wait())
            if not answered.done():
                answered.cancel()
                self.call.cancel(self.bridge.uac)
                return "failed", f"caller's call is {self.leg.state}"
            try:
                answered.result()
            except TimeoutError:
                self.call.cancel(self.bridge.uac)
                return "no_answer", f"no answer in {ring_s:g} s"
            except RuntimeError as exc:  # "Call rejected: 486 Busy Here"
                code = self.call._reject_code
                outcome = (
                    "no_answer"
                    if code in NO_ANSWER
                    else "declined"
                    if code in DECLINED
                    else "failed"
                )
                return outcome, str(exc)
        finally:
            if not answered.done():
                answered.cancel()
        if self.leg.state != "active":
            self.hangup()
            return "failed", f"caller's call is {self.leg.state}"
        answer = self.call.sdp_answer
        address = answer.rtp_address if answer is not None else None
        if address is not None:
            self.rtp.update_remote(address)
        return "answered", ""

    async def brief(self, audio: Sequence[bytes], speed: float) -> bool:
        """Speak the summary to staff alone; False if someone hung up meanwhile."""
        assert self.rtp is not None
        rtp = self.rtp

        def send(frame: bytes) -> None:
            rtp.send_audio_pcm_auto(frame)

        pacer = Pacer(send, idle_frame=SILENCE, speed=speed)
        pacer.start()
        try:
            for frame in audio:
                if self.ended.is_set() or self.leg.state != "active":
                    return False
                await pacer.put(frame)
            await wait_first(pacer.drained(), self.ended.wait(), self.leg.done.wait())
            # A breath after the summary, so its last word isn't cut by the switch-over.
            await wait_first(asyncio.sleep(0.3 / speed), self.ended.wait())
        finally:
            await pacer.stop()
        return not self.ended.is_set() and self.leg.state == "active"

    def on_bye(self) -> None:
        self.ended.set()

    def hangup(self) -> None:
        if self.call is not None and not self.ended.is_set():
            self.call.hangup(self.bridge.uac)
        self.ended.set()

    async def close(self) -> None:
        if self.call is not None:
            self.bridge.staff_calls.pop(self.call.call_id, None)
        if self.rtp is not None:
            await self.rtp.close()
            self.rtp = None


async def transfer(
    bridge: SipBridge,
    leg: SipLeg,
    extension: str,
    summary: str,
    warm: bool,
    audio: Sequence[bytes],
) -> TransferResult:
    s = bridge.settings
    uri = s.staff_uri(extension)
    if not warm:
        status, reason = await bridge.refer(leg, uri)
        if status == 200:
            leg.mark_bridged()
            bridge.bye(leg)
            return TransferResult(extension, "answered", "blind transfer")
        return TransferResult(extension, "failed", f"REFER: {status} {reason}".strip())
    staff = StaffCall(bridge, leg, uri)
    try:
        outcome, detail = await staff.ring(s.ring_seconds)
        if outcome != "answered":
            return TransferResult(extension, outcome, detail)
        if not await staff.brief(audio, bridge.clock_speed):
            staff.hangup()
            why = (
                "staff hung up during the summary"
                if staff.ended.is_set()
                else (f"caller's call is {leg.state}")
            )
            return TransferResult(extension, "declined" if staff.ended.is_set() else "failed", why)
        assert staff.call is not None
        target = staff.call.dialog.remote_target or uri
        if s.transfer_replaces:
            d = staff.call.dialog
            target = replaces_uri(target, d.call_id, d.remote_tag, d.local_tag)
        status, reason = await bridge.refer(leg, target)
        if status != 200:
            staff.hangup()
            return TransferResult(extension, "failed", f"REFER: {status} {reason}".strip())
        leg.mark_bridged()
        bridge.bye(leg)
        if not s.transfer_replaces:
            staff.hangup()  # the caller has their own call with staff now
        else:
            # Staff's phone ends our dialog itself when it honours Replaces; if it doesn't
            # within a moment, we end it, so staff are left with the caller only.
            await wait_first(staff.ended.wait(), asyncio.sleep(2.0))
            staff.hangup()
        return TransferResult(extension, "answered", staff.call.call_id)
    finally:
        await staff.close()


def _user(text: str) -> str:
    """A caller id made safe as the user part of a SIP URI."""
    safe = "".join(ch for ch in text if ch.isalnum() or ch in "+-_.")
    return safe or "unknown"
