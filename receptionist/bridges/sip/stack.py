"""aiosipua, adapted for the bridge: the UDP transport with our boundary (nothing a peer
sends can end the daemon), requests resent until answered and refusals ACKed; the UAS with
INFO and retransmitted INVITEs recognised; registration with an event per final answer."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from aiosipua import (
    Registration,
    SipMessage,
    SipRequest,
    SipResponse,
    SipUAS,
    UdpSipTransport,
)
from aiosipua.transaction import T1, T2
from aiosipua.transport import _stamp_via_received

from receptionist.protocols.errors import RemoteProtocolError

__all__ = ["SipUdpTransport", "SipUas", "SipRegistration", "parse_message", "branch"]

log = logging.getLogger(__name__)


def parse_message(data: bytes) -> SipRequest | SipResponse:
    """One datagram as a SIP message; anything unparsable raises ``RemoteProtocolError``."""
    try:
        return SipMessage.parse(data)
    except ValueError as exc:  # aiosipua's parser raises ValueError and nothing else
        raise RemoteProtocolError(f"unparsable SIP message ({len(data)} bytes): {exc}") from None


class SipUdpTransport(UdpSipTransport):
    """aiosipua's UDP transport with our boundary: a datagram that can't be parsed, or
    that makes a handler fail, is logged and dropped; nothing a peer sends can end the
    daemon. Bound without aiosipua's ``connection_made`` assert (on Python 3.11 the
    selector's datagram transport isn't an ``asyncio.DatagramTransport``, so it fails)."""

    dropped = 0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Our requests still waiting for any answer: (Via branch, method) -> the resender.
        self._unanswered: dict[tuple[str, str], asyncio.Task[None]] = {}
        self._invites: dict[str, SipRequest] = {}  # our INVITEs by branch, to ACK a refusal

    def send(self, message: SipRequest | SipResponse, addr: tuple[str, int]) -> None:
        """Send, and over UDP resend a request until the peer answers (RFC 3261 timers
        A and E: T1 doubling, capped at T2 except for INVITE, given up after 64*T1). aiosipua
        resends only its 2xx answers; a lost BYE would leave the caller's phone up."""
        super().send(message, addr)
        if isinstance(message, SipRequest) and message.method == "INVITE":
            self._invites[branch(message)] = message
        if isinstance(message, SipRequest) and message.method not in ("ACK",):
            key = (branch(message), message.method)
            if key[0] and key not in self._unanswered:
                task = asyncio.get_running_loop().create_task(
                    self._resend(key, bytes(message), addr)
                )
                self._unanswered[key] = task

    async def _resend(self, key: tuple[str, str], raw: bytes, addr: tuple[str, int]) -> None:
        interval, waited = T1, 0.0
        try:
            while waited < 64 * T1:
                await asyncio.sleep(interval)
                waited += interval
                if self._udp_transport is None:
                    return
                self._udp_transport.sendto(raw, addr)
                interval = interval * 2 if key[1] == "INVITE" else min(interval * 2, T2)
            log.warning("SIP: no answer to our %s to %s:%d in %g s", key[1], addr[0], addr[1],
                        64 * T1)  # fmt: skip
        finally:
            self._unanswered.pop(key, None)

    def _ack_refusal(self, response: SipResponse, addr: tuple[str, int]) -> None:
        """ACK a final refusal of our INVITE (486, 487 after our CANCEL, 603...), as the
        INVITE's own transaction must (RFC 3261 17.1.1.3); aiosipua doesn't, so the phone
        would resend its refusal for 32 s."""
        invite = self._invites.pop(branch(response), None)
        if invite is None or invite.cseq is None or self._udp_transport is None:
            return
        ack = SipRequest(method="ACK", uri=invite.uri)
        ack.headers.append("Via", invite.headers.get_first("via") or "")
        for name in ("From", "Call-ID"):
            ack.headers.set_single(name, invite.headers.get_first(name) or "")
        ack.headers.set_single("To", response.headers.get_first("to") or "")
        ack.headers.set_single("CSeq", f"{invite.cseq.seq} ACK")
        ack.headers.set_single("Max-Forwards", "70")
        ack.headers.set_single("Content-Length", "0")
        self._udp_transport.sendto(bytes(ack), addr)

    async def stop(self) -> None:
        for task in list(self._unanswered.values()):
            task.cancel()
        await super().stop()

    def receive(self, data: bytes, addr: tuple[str, int]) -> None:
        try:
            message = parse_message(data)
            if isinstance(message, SipResponse) and message.cseq is not None:
                resender = self._unanswered.pop((branch(message), message.cseq.method), None)
                if resender is not None:
                    resender.cancel()
                if message.cseq.method == "INVITE" and message.status_code >= 300:
                    self._ack_refusal(message, addr)
            if isinstance(message, SipRequest):
                _stamp_via_received(message, addr)
            if self.on_message is not None:
                self.on_message(message, addr)
        except ValueError as exc:  # RemoteProtocolError, or a handler reading a bad header
            self.dropped += 1
            log.log(
                logging.WARNING if self.dropped in (1, 100, 10000) else logging.DEBUG,
                "SIP: dropped a message from %s:%d (%d so far): %s",
                addr[0],
                addr[1],
                self.dropped,
                exc,
            )
        except Exception:  # our bug: log it, keep answering everyone else
            log.exception("SIP: handling a message from %s:%d failed", addr[0], addr[1])

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        owner = self

        class _Protocol(asyncio.DatagramProtocol):
            def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
                owner.receive(data, (str(addr[0]), int(addr[1])))

            def error_received(self, exc: Exception) -> None:
                log.debug("SIP: UDP error %s", exc)

        transport, _ = await loop.create_datagram_endpoint(_Protocol, local_addr=self.local_addr)
        self._udp_transport = transport


class SipRegistration(Registration):
    """aiosipua's registration, with an event for each final answer to a REGISTER."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.settled = asyncio.Event()

    def _on_success(self, response: SipResponse) -> None:
        super()._on_success(response)
        self.settled.set()

    def _fail(self, status: int, reason: str) -> None:
        super()._fail(status, reason)
        self.settled.set()


class SipUas(SipUAS):
    """aiosipua's UAS with INFO (DTMF) added to the methods it dispatches."""

    on_info: Callable[[SipRequest, tuple[str, int]], None] | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._handlers["INFO"] = self._handle_info

    def _handle_invite(self, request: SipRequest, addr: tuple[str, int]) -> None:
        existing = self._calls.get(request.call_id or "")
        if existing is not None and branch(existing.invite) == branch(request):
            return  # a retransmission of the INVITE we are answering (or have answered)
        super()._handle_invite(request, addr)

    def _handle_info(self, request: SipRequest, addr: tuple[str, int]) -> None:
        call = self._calls.get(request.call_id or "")
        if call is None or not self._validate_in_dialog(call.dialog, request):
            if call is None:
                self._send_error(request, 481, "Call/Transaction Does Not Exist")
            return
        self.transport.send_reply(call.dialog.create_response(request, 200, "OK"))
        if self.on_info is not None:
            self.on_info(request, addr)


def branch(request: SipMessage) -> str:
    vias = request.via
    return (vias[0].branch or "") if vias else ""
