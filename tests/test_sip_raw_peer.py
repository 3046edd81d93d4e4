"""The SIP bridge against a raw peer on a loopback UDP socket: what a phone sends that
baresip 1.0 can't be told to send (SIP INFO digits, CANCEL before our answer, a
retransmitted INVITE), byte for byte."""

from __future__ import annotations

import asyncio
import re

import pytest

from receptionist.bridges.sip import SipBridge, SipSettings
from receptionist.media.leg import (
    CallerHungUp,
    CallLeg,
    DtmfPressed,
    LegClosedError,
    LegEvent,
)

SDP = (
    "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
    "m=audio 47998 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n"
)


class Peer(asyncio.DatagramProtocol):
    """A phone that is only a UDP socket: we write its requests by hand."""

    def __init__(self) -> None:
        self.replies: asyncio.Queue[str] = asyncio.Queue()
        self.transport: asyncio.DatagramTransport | None = None
        self.port = 0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.port = transport.get_extra_info("sockname")[1]

    def datagram_received(self, data: bytes, addr: object) -> None:
        self.replies.put_nowait(data.decode(errors="replace"))

    async def expect(self, pattern: str, timeout_s: float = 5.0) -> str:
        """The next message matching ``pattern`` (skipping others, e.g. 100 Trying)."""
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout_s
        while True:
            message = await asyncio.wait_for(self.replies.get(), max(end - loop.time(), 0.01))
            if re.search(pattern, message):
                return message

    def send(self, bridge: SipBridge, text: str) -> None:
        assert self.transport is not None
        self.transport.sendto(text.encode(), ("127.0.0.1", bridge.port))


def request(
    method: str, peer: Peer, bridge: SipBridge, cseq: int, branch: str, *, to_tag: str = "",
    body: str = "", content_type: str = "", call_id: str = "raw@127.0.0.1",
) -> str:  # fmt: skip
    to = "<sip:receptionist@127.0.0.1>" + (f";tag={to_tag}" if to_tag else "")
    head = (
        f"{method} sip:receptionist@127.0.0.1:{bridge.port} SIP/2.0\r\n"
        f"Via: SIP/2.0/UDP 127.0.0.1:{peer.port};branch=z9hG4bK{branch}\r\n"
        f'From: "Ann" <sip:5551234567@127.0.0.1>;tag=ann\r\nTo: {to}\r\n'
        f"Call-ID: {call_id}\r\nCSeq: {cseq} {method}\r\nMax-Forwards: 70\r\n"
        f"Contact: <sip:5551234567@127.0.0.1:{peer.port}>\r\n"
    )
    if content_type:
        head += f"Content-Type: {content_type}\r\n"
    return head + f"Content-Length: {len(body.encode())}\r\n\r\n{body}"


class Recorder:
    def __init__(self) -> None:
        self.legs: list[CallLeg] = []
        self.events: list[LegEvent] = []
        self.ended = asyncio.Event()

    async def __call__(self, leg: CallLeg) -> None:
        self.legs.append(leg)
        async for event in leg.events():
            self.events.append(event)
        self.ended.set()


async def setup(handler: Recorder, base: int) -> tuple[SipBridge, Peer]:
    bridge = SipBridge(SipSettings(port=0, rtp_port_min=base, rtp_port_max=base + 99), handler)
    await bridge.start()
    _, peer = await asyncio.get_running_loop().create_datagram_endpoint(
        Peer, local_addr=("127.0.0.1", 0)
    )
    return bridge, peer


async def test_info_digit_then_bye_from_the_caller() -> None:
    handler = Recorder()
    bridge, peer = await setup(handler, 47200)
    try:
        peer.send(bridge, request("INVITE", peer, bridge, 1, "i1", body=SDP,
                                  content_type="application/sdp"))  # fmt: skip
        ok = await peer.expect(r"^SIP/2.0 200")
        tag = re.search(r"(?im)^To:.*;tag=([^;\s]+)", ok)
        assert tag is not None and "m=audio" in ok and "PCMU" in ok
        peer.send(bridge, request("ACK", peer, bridge, 1, "a1", to_tag=tag[1]))
        peer.send(bridge, request("INFO", peer, bridge, 2, "n1", to_tag=tag[1],
                                  body="Signal=5\r\nDuration=160\r\n",
                                  content_type="application/dtmf-relay"))  # fmt: skip
        await peer.expect(r"^SIP/2.0 200 .*\r\n(?s:.*)CSeq: 2 INFO")
        peer.send(bridge, request("BYE", peer, bridge, 3, "b1", to_tag=tag[1]))
        await peer.expect(r"^SIP/2.0 200 .*\r\n(?s:.*)CSeq: 3 BYE")
        await asyncio.wait_for(handler.ended.wait(), 5)
        assert [e.digit for e in handler.events if isinstance(e, DtmfPressed)] == ["5"]
        assert any(isinstance(e, CallerHungUp) for e in handler.events)
        leg = handler.legs[0]
        assert (leg.caller_id, leg.called_number) == ("5551234567", "receptionist")
        assert leg.variables["caller_id_name"] == "Ann"
        with pytest.raises(LegClosedError):  # the CallLeg contract: never returns at once
            await leg.play(b"\0" * 320)
    finally:
        await bridge.stop()


async def test_cancel_before_we_answer_leaves_no_call() -> None:
    handler = Recorder()
    bridge, peer = await setup(handler, 47300)
    try:
        assert bridge.transport is not None
        invite = request("INVITE", peer, bridge, 1, "c1", body=SDP,
                         content_type="application/sdp", call_id="cancel@127.0.0.1")  # fmt: skip
        cancel = request("CANCEL", peer, bridge, 1, "c1", call_id="cancel@127.0.0.1")
        # Both read in one go, as a busy loop would: the answer hasn't started yet.
        bridge.transport.receive(invite.encode(), ("127.0.0.1", peer.port))
        bridge.transport.receive(cancel.encode(), ("127.0.0.1", peer.port))
        await peer.expect(r"^SIP/2.0 487")
        await asyncio.sleep(0)
        while bridge._tasks:  # the answer task finishes without a call
            await asyncio.sleep(0.01)
        assert handler.legs == [] and bridge.legs == []
    finally:
        await bridge.stop()


async def test_our_bye_is_sent_again_until_the_phone_answers() -> None:
    """UDP loses datagrams: a BYE nobody answered is resent (T1 = 500 ms, doubling), and
    stops once answered, so the caller's phone doesn't stay off-hook after we hang up."""

    async def hang_up_at_once(leg: CallLeg) -> None:
        await leg.hangup()

    bridge = SipBridge(SipSettings(port=0, rtp_port_min=47500, rtp_port_max=47599),
                       hang_up_at_once)  # fmt: skip
    await bridge.start()
    _, peer = await asyncio.get_running_loop().create_datagram_endpoint(
        Peer, local_addr=("127.0.0.1", 0)
    )
    try:
        peer.send(bridge, request("INVITE", peer, bridge, 1, "r1", body=SDP,
                                  content_type="application/sdp"))  # fmt: skip
        ok = await peer.expect(r"^SIP/2.0 200")
        tag = re.search(r"(?im)^To:.*;tag=([^;\s]+)", ok)
        assert tag is not None
        peer.send(bridge, request("ACK", peer, bridge, 1, "a1", to_tag=tag[1]))
        first = await peer.expect(r"^BYE ")  # lost, as far as the bridge knows
        again = await peer.expect(r"^BYE ", timeout_s=2.0)
        assert again == first  # the same request, byte for byte (same branch, same CSeq)
        lines = first.split("\r\n\r\n")[0].split("\r\n")[1:]
        keep = ("via", "from", "to", "call-id", "cseq")
        headers = "\r\n".join(h for h in lines if h.split(":")[0].lower() in keep)
        peer.send(bridge, f"SIP/2.0 200 OK\r\n{headers}\r\nContent-Length: 0\r\n\r\n")
        with pytest.raises(TimeoutError):  # answered: no third BYE (the next would be at +1 s)
            await peer.expect(r"^BYE ", timeout_s=2.5)
    finally:
        await bridge.stop()


async def test_a_refused_invite_of_ours_is_acked() -> None:
    """Staff's phone refuses our INVITE (busy, or 487 after our CANCEL): we ACK it, as RFC
    3261 asks, instead of leaving the phone to resend its refusal for 32 s."""
    handler = Recorder()
    bridge, peer = await setup(handler, 47600)
    try:
        call = bridge.uac.send_invite(
            f"sip:receptionist@127.0.0.1:{bridge.port}",
            f"sip:sarah@127.0.0.1:{peer.port}",
            ("127.0.0.1", peer.port),
        )
        invite = await peer.expect(r"^INVITE ")
        lines = invite.split("\r\n\r\n")[0].split("\r\n")[1:]
        keep = ("via", "from", "to", "call-id", "cseq")
        headers = [h if not h.lower().startswith("to:") else h + ";tag=sarah"
                   for h in lines if h.split(":")[0].lower() in keep]  # fmt: skip
        busy = "SIP/2.0 486 Busy Here\r\n" + "\r\n".join(headers) + "\r\nContent-Length: 0\r\n\r\n"
        peer.send(bridge, busy)
        ack = await peer.expect(r"^ACK ")
        via = re.search(r"(?im)^Via:.*branch=([^;\s]+)", invite)
        assert via is not None and f"branch={via[1]}" in ack  # the INVITE's own transaction
        assert re.search(r"(?im)^CSeq: 1 ACK", ack) and ";tag=sarah" in ack
        with pytest.raises(RuntimeError, match="486"):
            await call.wait_answered(timeout=1)
    finally:
        await bridge.stop()
