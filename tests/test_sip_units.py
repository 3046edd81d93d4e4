"""The SIP bridge's own pieces without a phone: settings and who may call, 20 ms framing,
DTMF in SIP INFO, the Replaces target of an attended transfer, the ``[sip]`` table, and
any bytes at the SIP port (a property test): only our protocol error family comes out of
the parser, and nothing that arrives stops the bridge answering."""

from __future__ import annotations

import asyncio
import urllib.parse

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from receptionist.app.config import ConfigError, load_settings, parse_settings
from receptionist.bridges.sip import SipBridge, SipSettings
from receptionist.bridges.sip.media import Reframer
from receptionist.bridges.sip.settings import peer_allowed, settings_problem
from receptionist.bridges.sip.stack import parse_message
from receptionist.bridges.sip.transfer import replaces_uri
from receptionist.protocols.errors import RemoteProtocolError
from receptionist.protocols.sip_info import parse_dtmf_info

SIPISH = st.lists(
    st.sampled_from([b"INVITE sip:receptionist@127.0.0.1 SIP/2.0\r\n", b"SIP/2.0 200 OK\r\n",
                     b"BYE sip:x SIP/2.0\r\n", b"INFO sip:x SIP/2.0\r\n", b"REFER sip:x SIP/2.0",
                     b"Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK1\r\n", b"Content-Length: ",
                     b"99", b"0", b"\r\n", b"\r\n\r\n", b"Call-ID: x\r\n", b"CSeq: 1 INVITE\r\n",
                     b"CSeq: 2 BYE\r\n", b"CSeq: x\r\n", b"From: <sip:a@b>;tag=1\r\n", b"To: ",
                     b"<", b">", b";", b"=", b"m: ", b"\xff", b"v=0\r\n", b"Refer-To: ",
                     b"Content-Type: application/sdp\r\n", b"Content-Type: application/dtmf\r\n",
                     b"c=IN IP4 127.0.0.1\r\nm=audio 9 RTP/AVP 0 101\r\n", b"Signal=5"])
    | st.binary(max_size=12),
    max_size=30,
).map(b"".join)  # fmt: skip


def test_settings_problems_are_named() -> None:
    assert settings_problem(SipSettings()) == ""
    assert "allow entry 'pbx'" in settings_problem(SipSettings(allow=["pbx"]))
    assert "registrar" in settings_problem(SipSettings(register=True))
    assert "{extension}" in settings_problem(SipSettings(transfer_uri="sip:desk@pbx"))
    assert SipSettings().dial_address == "sip:receptionist@127.0.0.1:5080"


def test_allow_list() -> None:
    s = SipSettings(allow=["10.1.0.0/16", "192.168.1.5"])
    assert peer_allowed(s, "10.1.2.3") and peer_allowed(s, "192.168.1.5")
    assert not peer_allowed(s, "192.168.1.6") and not peer_allowed(s, "127.0.0.1")
    assert not peer_allowed(s, "not an address")
    registered = SipSettings(allow=[], register=True, registrar="203.0.113.9:5060")
    assert peer_allowed(registered, "203.0.113.9")  # the PBX we register with may call us
    by_name = SipSettings(allow=[], register=True, registrar="pbx.example.com")
    assert peer_allowed(by_name, "198.51.100.7", registrar_ip="198.51.100.7")
    assert not peer_allowed(by_name, "198.51.100.8", registrar_ip="198.51.100.7")
    assert peer_allowed(SipSettings(), "127.0.0.1")  # loopback by default
    assert not peer_allowed(SipSettings(), "10.0.0.1")


def test_reframer_cuts_any_packetisation_into_20_ms_frames() -> None:
    reframer = Reframer()
    ten_ms = bytes(range(160))
    assert reframer.feed(ten_ms) == []
    assert reframer.feed(ten_ms) == [ten_ms + ten_ms]
    thirty = reframer.feed(b"\1" * 480)  # a 30 ms packet: one frame now, half kept
    assert [len(f) for f in thirty] == [320]
    assert [len(f) for f in reframer.feed(b"\2" * 160)] == [320]


def test_dtmf_in_sip_info() -> None:
    assert parse_dtmf_info("application/dtmf-relay", "Signal=0\r\nDuration=160\r\n") == "0"
    assert parse_dtmf_info("application/dtmf-relay", "Signal= 11\r\n") == "#"
    assert parse_dtmf_info("application/dtmf", "*") == "*"
    with pytest.raises(RemoteProtocolError, match="not one of"):
        parse_dtmf_info("application/dtmf-relay", "Signal=17")
    with pytest.raises(RemoteProtocolError, match="without a Signal"):
        parse_dtmf_info("application/dtmf-relay", "Duration=100")
    with pytest.raises(RemoteProtocolError, match="carries no DTMF"):
        parse_dtmf_info("text/plain", "5")


def test_replaces_target_names_our_dialog_with_staff() -> None:
    uri = replaces_uri("<sip:desk@127.0.0.1:5062>", "abc@host", "staff-tag", "our-tag")
    target, _, header = uri.partition("?Replaces=")
    assert target == "sip:desk@127.0.0.1:5062"
    assert urllib.parse.unquote(header) == "abc@host;to-tag=staff-tag;from-tag=our-tag"


def test_the_embedded_default_answers_sip_on_loopback_5080() -> None:
    from receptionist.app.config import bridge_settings

    settings = load_settings(None)
    sip = bridge_settings(settings, "sip")
    assert isinstance(sip, SipSettings)
    assert (sip.bind, sip.port, sip.dial_address) == (
        "127.0.0.1",
        5080,
        "sip:receptionist@127.0.0.1:5080",
    )
    assert bridge_settings(settings, "freeswitch") is None  # the PBX bridges stay opt-in


def test_a_wrong_sip_key_is_named() -> None:
    import tomllib

    from receptionist.app.config import example_config_text

    data = tomllib.loads(example_config_text())
    data["sip"] = {"enabled": True, "portt": 5080}
    with pytest.raises(ConfigError, match="unknown key 'sip.portt'"):
        parse_settings(data, "x.toml")


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(SIPISH)
def test_parser_raises_only_our_error_family(data: bytes) -> None:
    try:
        parse_message(data)
    except RemoteProtocolError:
        pass


async def test_any_bytes_at_the_sip_port_leave_the_bridge_answering() -> None:
    calls: list[object] = []

    async def on_call(leg: object) -> None:
        calls.append(leg)

    bridge = SipBridge(SipSettings(port=0, rtp_port_min=47000, rtp_port_max=47099), on_call)
    await bridge.start()
    try:
        assert bridge.transport is not None
        receive = bridge.transport.receive

        @settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
        @given(SIPISH)
        def feed(data: bytes) -> None:
            receive(data, ("127.0.0.1", 9))  # raises nothing, whatever arrives

        await asyncio.to_thread(feed)
        # Still answering: a real OPTIONS over UDP gets its 200.
        loop = asyncio.get_running_loop()
        got: asyncio.Future[bytes] = loop.create_future()

        class Peer(asyncio.DatagramProtocol):
            def datagram_received(self, data: bytes, addr: object) -> None:
                if not got.done():
                    got.set_result(data)

        transport, _ = await loop.create_datagram_endpoint(Peer, local_addr=("127.0.0.1", 0))
        port = transport.get_extra_info("sockname")[1]
        options = (
            f"OPTIONS sip:receptionist@127.0.0.1:{bridge.port} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP 127.0.0.1:{port};branch=z9hG4bKprobe\r\n"
            "From: <sip:probe@127.0.0.1>;tag=p\r\nTo: <sip:receptionist@127.0.0.1>\r\n"
            "Call-ID: probe\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
        )
        transport.sendto(options.encode(), ("127.0.0.1", bridge.port))
        reply = await asyncio.wait_for(got, 5)
        transport.close()
        assert reply.startswith(b"SIP/2.0 200")
    finally:
        await bridge.stop()


async def test_a_retransmitted_invite_is_one_call() -> None:
    """A busy loop reads an INVITE and its retransmission together: one call, not two
    (two answered the same Call-ID and the phone's ACK matched neither)."""
    calls: list[object] = []
    hold = asyncio.Event()

    async def on_call(leg: object) -> None:
        calls.append(leg)
        await hold.wait()

    bridge = SipBridge(SipSettings(port=0, rtp_port_min=47100, rtp_port_max=47199), on_call)
    await bridge.start()
    try:
        assert bridge.transport is not None
        sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
        sdp += "m=audio 47998 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n"
        invite = (
            f"INVITE sip:receptionist@127.0.0.1:{bridge.port} SIP/2.0\r\n"
            "Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKonce\r\n"
            "From: <sip:5551234567@127.0.0.1>;tag=c\r\nTo: <sip:receptionist@127.0.0.1>\r\n"
            "Call-ID: twice@127.0.0.1\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\n"
            "Contact: <sip:5551234567@127.0.0.1:9>\r\nContent-Type: application/sdp\r\n"
            f"Content-Length: {len(sdp)}\r\n\r\n{sdp}"
        ).encode()
        bridge.transport.receive(invite, ("127.0.0.1", 9))
        bridge.transport.receive(invite, ("127.0.0.1", 9))
        while not calls:
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.2)  # room for a second call to start, if it were going to
        assert len(calls) == 1 and len(bridge.legs) == 1
    finally:
        hold.set()
        await bridge.stop()
