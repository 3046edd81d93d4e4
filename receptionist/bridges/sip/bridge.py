"""The SIP endpoint bridge: callers (a softphone, a PBX, a trunk) INVITE us directly.

aiosipua does the SIP messages, transactions and dialogs on one UDP socket (``SipUAS``
for what comes in, ``SipUAC`` on the same socket for what we start: BYE, REFER, our
INVITEs to staff, REGISTER); aiortp does RTP. Everything runs on the daemon's loop. What
this module adds: who may call (``allow``), one ``SipLeg`` per answered INVITE handed to
``on_call``, CANCEL while we set up, hold and re-INVITE, DTMF by SIP INFO, REFER
transfers (``transfer.py``), optional registration with digest auth and re-registration.

A message that can't be parsed never reaches us: the transport in ``stack.py`` drops it
with a warning; anything our handlers raise is caught by that same boundary and logged.
"""

from __future__ import annotations

import asyncio
import logging
import random
import re
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import Any

import aiortp
from aiosipua import (
    IncomingCall,
    Registration,
    RegistrationState,
    SdpNegotiationError,
    SipDigestAuth,
    SipRequest,
    SipUAC,
    negotiate_sdp,
    parse_address,
)

from receptionist import telemetry
from receptionist.bridges.sip.leg import SipLeg
from receptionist.bridges.sip.media import CODECS, SILENCE, RtpMedia
from receptionist.bridges.sip.settings import SipSettings, peer_allowed, settings_problem
from receptionist.bridges.sip.stack import SipRegistration, SipUas, SipUdpTransport
from receptionist.bridges.sip.transfer import resolve
from receptionist.bridges.sip.transfer import transfer as run_transfer
from receptionist.media.call_limit import CallLimit
from receptionist.media.leg import CallLeg, LegInfo, TransferResult
from receptionist.media.pacer import Pacer
from receptionist.protocols.errors import ProtocolError
from receptionist.protocols.sip_info import parse_dtmf_info

__all__ = ["SipBridge", "SipError", "SipSettings", "SipStartError"]

log = logging.getLogger(__name__)
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")


class SipError(RuntimeError):
    """Something about SIP went wrong."""


class SipStartError(SipError):
    """The bridge can't start: a bad setting, the port taken."""


class SipBridge:
    """Answers INVITEs on ``bind:port`` and hands each caller to ``on_call`` as a CallLeg."""

    def __init__(
        self,
        settings: SipSettings,
        on_call: Callable[[CallLeg], Awaitable[None]],
        *,
        clock_speed: float = 1.0,
        limit: CallLimit | None = None,
    ) -> None:
        self.settings = settings
        self._on_call = on_call
        self.clock_speed = clock_speed
        # The daemon's one limit for every bridge; alone (tests), 32 calls.
        self.limit = limit or CallLimit(32)
        self.transport: SipUdpTransport | None = None
        self.uas: SipUas | None = None
        self._uac: SipUAC | None = None
        self.registration: SipRegistration | None = None
        self.registered = asyncio.Event()
        self.registrations = 0  # successful REGISTERs (the first and each refresh)
        self.registrar_ip = ""  # the registrar's address, looked up at start
        self.port = settings.port
        self._legs: dict[str, SipLeg] = {}
        self._calls: dict[str, IncomingCall] = {}
        self.staff_calls: dict[str, Any] = {}  # Call-ID -> StaffCall (transfer.py)
        self._refers: dict[str, asyncio.Queue[tuple[int, str]]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._stopping = False

    # --- start / stop --------------------------------------------------------------------

    @property
    def uac(self) -> SipUAC:
        if self._uac is None:
            raise SipError("the SIP bridge is not running")
        return self._uac

    @property
    def signal_addr(self) -> tuple[str, int]:
        return (self.settings.advertised_ip or self.settings.bind, self.port)

    @property
    def legs(self) -> list[SipLeg]:
        return list(self._legs.values())

    async def start(self) -> None:
        s = self.settings
        problem = settings_problem(s)
        if problem:
            raise SipStartError(f"[sip] {problem}")
        self.transport = SipUdpTransport(local_addr=(s.bind, s.port))
        advertised = (s.advertised_ip, s.port) if s.advertised_ip else None
        self._uac = SipUAC(self.transport, advertised_addr=advertised)
        uas = SipUas(
            self.transport, user_agent="receptionist", uac=self._uac, advertised_addr=advertised
        )
        uas.on_invite = self._on_invite
        uas.on_bye = self._on_bye
        uas.on_cancel = self._on_cancel
        uas.on_reinvite = self._on_reinvite
        uas.on_info = self._on_info
        uas.on_transfer_progress = self._on_transfer_progress
        uas.on_ack_timeout = self._on_ack_timeout
        try:
            await uas.start()
        except OSError as exc:
            raise SipStartError(
                f"can't listen for SIP on {s.bind}:{s.port} (UDP): {exc.strerror or exc}"
            ) from None
        self.uas = uas
        udp = self.transport._udp_transport
        if udp is not None:
            self.port = int(udp.get_extra_info("sockname")[1])
            self.transport.local_addr = (s.bind, self.port)
        if s.advertised_ip:  # the bound port, when port = 0 picked one
            self._uac.advertised_addr = uas.advertised_addr = (s.advertised_ip, self.port)
        if s.register:
            try:
                registrar = await resolve(*s.registrar_addr(), ipv6=":" in s.bind)
            except OSError as exc:
                await uas.stop()
                self.uas = None
                raise SipStartError(f"[sip] registrar: {exc}") from None
            self.registrar_ip = registrar[0]
            self._register(registrar)
        log.info("SIP endpoint listening on %s:%d (UDP); dial %s", s.bind, self.port,
                 self.dial_address)  # fmt: skip

    @property
    def dial_address(self) -> str:
        host, port = self.signal_addr
        return f"sip:{self.settings.user}@{host}:{port}"

    def _register(self, registrar: tuple[str, int]) -> None:
        s = self.settings
        domain = s.register_domain or s.registrar_addr()[0]
        auth = SipDigestAuth(s.register_user, s.register_password) if s.register_password else None
        registration = SipRegistration(
            self.uac,
            f"sip:{s.register_user}@{domain}",
            registrar,
            expires=s.register_expires,
            auth=auth,
            user_agent="receptionist",
        )
        registration.on_registered = self._on_registered
        registration.on_failed = self._on_register_failed
        registration.on_expired = lambda _r: self.registered.clear()
        self.registration = registration
        registration.register()

    def _on_register_failed(self, _registration: Registration, code: int, reason: str) -> None:
        self.registered.clear()
        s = self.settings
        log.error("SIP: registration of %s at %s failed: %d %s", s.register_user, s.registrar,
                  code, reason)  # fmt: skip

    def _on_registered(self, registration: Registration) -> None:
        self.registrations += 1
        if not self.registered.is_set():
            log.info(
                "SIP: registered as %s at %s (for %d s, refreshed before expiry)",
                registration.aor,
                self.settings.registrar,
                registration.granted_expires,
            )
        self.registered.set()

    async def stop(self) -> None:
        """Stop answering; give calls ``stop_grace_s`` to finish, then end the rest."""
        self._stopping = True
        loop = asyncio.get_running_loop()
        end = loop.time() + self.settings.stop_grace_s
        while self._tasks and loop.time() < end:
            await asyncio.wait(self._tasks, timeout=min(0.5, end - loop.time()))
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=5)
        if self.registration is not None and self.transport is not None:
            await self._unregister(self.registration)
        if self.uas is not None:
            await self.uas.stop()
            self.uas = None

    async def _unregister(self, registration: SipRegistration) -> None:
        """Remove our binding (Expires: 0, answering the registrar's challenge) before the
        socket closes, so the PBX stops sending calls to an address nobody answers."""
        settled = (
            RegistrationState.UNREGISTERED,
            RegistrationState.FAILED,
            RegistrationState.EXPIRED,
        )
        if registration.state in settled:
            registration._cancel_timers()
            return
        registration.settled.clear()
        registration.unregister()
        try:
            await asyncio.wait_for(registration.settled.wait(), 3.0)
        except TimeoutError:
            pass
        if registration.state is not RegistrationState.UNREGISTERED:
            log.warning("SIP: %s did not confirm the unregistration", self.settings.registrar)

    # --- incoming requests (aiosipua callbacks, on the loop) --------------------------------

    def _on_invite(self, call: IncomingCall) -> None:
        ip = call.source_addr[0]
        if self._stopping:
            call.reject(503, "Service Unavailable")
        elif not peer_allowed(self.settings, ip, self.registrar_ip):
            log.warning("SIP: INVITE from %s refused (not in [sip] allow)", ip)
            call.reject(403, "Forbidden")
        elif call.sdp_offer is None:
            call.reject(488, "Not Acceptable Here")  # an offer in the INVITE is required
        else:
            self._calls[call.call_id] = call
            self._spawn(self._answer(call))

    def _on_cancel(self, request: SipRequest, _addr: tuple[str, int]) -> None:
        log.info("SIP: call %s cancelled while ringing", request.call_id)
        self._calls.pop(request.call_id or "", None)

    def _on_ack_timeout(self, call: IncomingCall) -> None:
        leg = self._legs.get(call.call_id)
        if leg is not None:
            log.warning("SIP: no ACK for our 200 OK on %s; the call is lost", call.call_id)
            leg.on_bye("the caller's phone never confirmed our answer (no ACK)")

    def _on_bye(self, call: IncomingCall, _request: SipRequest) -> None:
        leg = self._legs.get(call.call_id)
        if leg is not None:
            leg.on_bye()
        staff = self.staff_calls.get(call.call_id)
        if staff is not None:
            staff.on_bye()

    def _on_reinvite(self, call: IncomingCall) -> None:
        """Hold, resume, a new address: follow the offer, answer with the same port."""
        leg = self._legs.get(call.call_id)
        staff = self.staff_calls.get(call.call_id)
        if leg is not None and leg.media is not None:
            media = leg.media
            port = media.port
            if call.sdp_offer is not None:
                media.reoffer(call.sdp_offer)
        elif staff is not None and staff.rtp is not None:
            port = staff.port
        else:
            call.reject(481, "Call/Transaction Does Not Exist")
            return
        if call.sdp_offer is None:
            call.accept(leg.media.session.sdp_answer if leg is not None and leg.media else None)
            return
        try:
            answer, _pt = negotiate_sdp(
                call.sdp_offer, self.settings.bind, port, supported_codecs=CODECS,
                advertised_ip=self.settings.advertised_ip or None,
            )  # fmt: skip
        except SdpNegotiationError:
            call.reject(488, "Not Acceptable Here")
            return
        call.accept(answer)

    def _on_info(self, request: SipRequest, _addr: tuple[str, int]) -> None:
        leg = self._legs.get(request.call_id or "")
        if leg is None:
            return
        try:
            digit = parse_dtmf_info(request.content_type or "", request.text)
        except ProtocolError as exc:
            log.info("SIP: INFO on %s ignored: %s", leg.call_id, exc)
            return
        leg.on_digit(digit)

    def _on_transfer_progress(self, call_id: str, status: int, reason: str) -> None:
        queue = self._refers.get(call_id)
        if queue is not None:
            queue.put_nowait((status, reason))

    # --- calls ------------------------------------------------------------------------------

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _answer(self, call: IncomingCall) -> None:
        info = _leg_info(call)
        if not self.limit.admit(info, "sip"):
            call.reject(486, "Busy Here")
            self._calls.pop(call.call_id, None)
            return
        try:
            await self._answer_admitted(call, info)
        finally:
            self.limit.release(info.call_id)

    async def _answer_admitted(self, call: IncomingCall, info: LegInfo) -> None:
        s = self.settings
        assert call.sdp_offer is not None
        leg = SipLeg(self, info)
        try:
            media = await RtpMedia.answer(
                call.sdp_offer,
                leg.on_frame,
                leg.on_digit,
                bind=s.bind,
                advertised_ip=s.advertised_ip,
                port_min=s.rtp_port_min,
                port_max=s.rtp_port_max,
                jitter_frames=s.jitter_frames,
            )
        except SdpNegotiationError as exc:
            log.warning("SIP: call %s refused: %s", call.call_id, exc)
            call.reject(488, "Not Acceptable Here")
            self._calls.pop(call.call_id, None)
            return
        except OSError as exc:
            log.error("SIP: call %s refused: %s", call.call_id, exc)
            call.reject(503, "Service Unavailable")
            self._calls.pop(call.call_id, None)
            return
        if call.call_id not in self._calls:  # CANCELled while we bound the port
            await media.close()
            return
        pacer = Pacer(
            media.sender_for(asyncio.get_running_loop()),
            ahead=s.pacer_ahead,
            idle_frame=SILENCE,
            speed=self.clock_speed,
        )
        leg.attach(media, pacer)
        self._legs[call.call_id] = leg
        call.accept(media.session.sdp_answer)
        pacer.start()
        log.info("SIP: answered %s from %s (%s)", call.call_id, call.source_addr[0],
                 leg.caller_id or "no caller id")  # fmt: skip
        try:
            await self._on_call(leg)
        except Exception:
            log.exception("call %s: the call handler failed", leg.call_id)
            telemetry.error("call_handler", "sip")
        finally:
            if leg.state == "active":
                await leg.hangup()
            await pacer.stop()
            leg.end_audio()
            await media.close()
            self._legs.pop(call.call_id, None)
            self._calls.pop(call.call_id, None)

    # --- SipControl (what a leg asks of us) ---------------------------------------------------

    def bye(self, leg: SipLeg) -> None:
        call = self._calls.get(leg.variables.get("sip_call_id", ""))
        if call is not None:
            call.hangup()

    async def transfer(
        self, leg: SipLeg, extension: str, summary: str, warm: bool, audio: Sequence[bytes]
    ) -> TransferResult:
        try:
            return await run_transfer(self, leg, extension, summary, warm, audio)
        except (SipError, OSError, ValueError) as exc:
            return TransferResult(extension, "failed", str(exc))

    async def refer(self, leg: SipLeg, target: str) -> tuple[int, str]:
        """REFER the caller to ``target``; the final NOTIFY's status, or 0 on no answer."""
        call = self._calls.get(leg.variables.get("sip_call_id", ""))
        if call is None:
            return 0, "the caller's dialog is gone"
        queue: asyncio.Queue[tuple[int, str]] = asyncio.Queue()
        self._refers[call.call_id] = queue
        try:
            self.uac.send_refer(call.dialog, target, call.source_addr)
            deadline = asyncio.get_running_loop().time() + self.settings.transfer_wait_s
            while True:
                left = deadline - asyncio.get_running_loop().time()
                try:
                    status, reason = await asyncio.wait_for(queue.get(), max(left, 0))
                except TimeoutError:
                    return 0, f"no final NOTIFY in {self.settings.transfer_wait_s:g} s"
                if status >= 200:
                    return status, reason
        finally:
            self._refers.pop(call.call_id, None)

    async def open_rtp(self) -> tuple[aiortp.RTPSession, int]:
        """An RTP session for a call we start (to staff), PCMU, on a free even port."""
        s = self.settings
        ports = list(range(s.rtp_port_min + s.rtp_port_min % 2, s.rtp_port_max, 2))
        start = random.randrange(len(ports))
        for port in ports[start:] + ports[:start]:
            try:
                session = await aiortp.RTPSession.create(
                    local_addr=(s.bind, port), remote_addr=(s.bind, 9), payload_type=0,
                    symmetric_rtp=True,
                )  # fmt: skip
            except OSError:
                continue
            return session, port
        raise SipError(f"no free RTP port on {s.bind}:{s.rtp_port_min}-{s.rtp_port_max}")


def _leg_info(call: IncomingCall) -> LegInfo:
    caller = parse_address(call.invite.get_header("from") or "")
    callee = parse_address(call.invite.get_header("to") or "")
    call_id = call.call_id
    variables = {
        "sip_call_id": call_id,
        "caller_id_name": (caller.display_name or "").strip('"'),
        "sip_from": call.caller,
        "sip_to": call.callee,
        "sip_source": f"{call.source_addr[0]}:{call.source_addr[1]}",
        "user_agent": call.invite.get_header("user-agent") or "",
    }
    return LegInfo(
        call_id=_UNSAFE.sub("_", call_id)[:100] or "sip-call",
        caller_id=caller.uri.user or "",
        called_number=callee.uri.user or "",
        sample_rate=8000,
        variables=variables,
    )
