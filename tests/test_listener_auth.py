"""Listener auth: FastAGI, AudioSocket and FreeSWITCH's outbound ESL take connections only from
``allow_from`` (default loopback); a refused peer is closed at once and logged once with its
address; an AudioSocket uuid no FastAGI session registered is refused (``require_agi``).
Real listeners on loopback: the bridges against the fake switches."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator

import pytest

from receptionist.bridges.allow import PeerAllowList, allow_from_problem
from receptionist.bridges.asterisk import AsteriskBridge
from receptionist.bridges.freeswitch import FreeSwitchBridge
from receptionist.media.leg import CallLeg
from receptionist.protocols import audiosocket as aso
from tests.fake_asterisk import FakeAsterisk
from tests.fake_freeswitch import FakeCall, running_switch
from tests.test_asterisk_bridge import start_bridge
from tests.test_freeswitch_bridge import settings_for

NOBODY_HERE = ["10.255.255.1"]  # an allow-list loopback is not on


@pytest.fixture
async def fake() -> AsyncIterator[FakeAsterisk]:
    f = FakeAsterisk()
    await f.start()
    yield f
    await f.stop()


async def _no_call(leg: CallLeg) -> None:
    raise AssertionError(f"a call started: {leg.call_id}")


async def _closed_at_once(address: tuple[str, int], first: bytes) -> bytes:
    reader, writer = await asyncio.open_connection(*address)
    writer.write(first)
    try:
        return await asyncio.wait_for(reader.read(), 5)
    except ConnectionResetError:  # closed with our bytes unread: a reset, still a close
        return b""
    finally:
        writer.close()


async def test_asterisk_listeners_close_peers_not_on_the_list_and_log_them_once(
    fake: FakeAsterisk, caplog: pytest.LogCaptureFixture
) -> None:
    bridge = await start_bridge(fake, _no_call, allow_from=NOBODY_HERE)
    try:
        with caplog.at_level(logging.WARNING):
            for _ in range(3):
                assert await _closed_at_once(bridge.audiosocket_address,
                                             aso.uuid_frame(str(uuid.uuid4()))) == b""  # fmt: skip
                assert await _closed_at_once(bridge.agi_address, b"agi_network: yes\n\n") == b""
        refusals = [r.getMessage() for r in caplog.records if "not in allow_from" in r.getMessage()]
        assert refusals == [
            "AudioSocket: refused a connection from 127.0.0.1 (not in allow_from)",
            "FastAGI: refused a connection from 127.0.0.1 (not in allow_from)",
        ]
        assert bridge.counters.agi_sessions == 0 and not bridge.legs
    finally:
        await bridge.stop()


async def test_an_audiosocket_uuid_no_agi_registered_is_hung_up_not_greeted(
    fake: FakeAsterisk,
) -> None:
    bridge = await start_bridge(fake, _no_call)  # require_agi is the default
    try:
        reply = await _closed_at_once(bridge.audiosocket_address, aso.uuid_frame(str(uuid.uuid4())))
        frames = aso.FrameReader()
        frames.feed(reply)
        first = frames.next_frame()
        assert first is not None and first.kind is aso.Kind.HANGUP
        assert bridge.counters.calls == 0
    finally:
        await bridge.stop()


async def test_a_call_through_agi_then_audiosocket_still_starts(fake: FakeAsterisk) -> None:
    started: list[str] = []

    async def on_call(leg: CallLeg) -> None:
        started.append(leg.caller_id)
        await leg.hangup()

    bridge: AsteriskBridge = await start_bridge(fake, on_call)
    try:
        call = fake.call(caller_id="5550199", ending="stay")
        await asyncio.wait_for(call.run(), 10)
        for _ in range(100):  # the call layer gets the leg just after the media connects
            if started:
                break
            await asyncio.sleep(0.05)
        assert started == ["5550199"]
    finally:
        await bridge.stop()


async def test_freeswitch_outbound_sockets_from_elsewhere_are_closed(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with running_switch() as switch:
        bridge = FreeSwitchBridge(settings_for(switch, allow_from=NOBODY_HERE), _no_call)
        await bridge.start()
        try:
            with caplog.at_level(logging.WARNING):
                call = FakeCall(switch)
                await call.dial("127.0.0.1", bridge.listen_port)
                await asyncio.wait_for(call.closed.wait(), 5)
            assert not call.answered.is_set()
            assert any(
                "FreeSWITCH outbound ESL: refused a connection from 127.0.0.1" in r.getMessage()
                for r in caplog.records
            )
        finally:
            await bridge.stop()


def test_the_allow_list_takes_networks_and_ipv4_mapped_addresses() -> None:
    peers = PeerAllowList("test", ["127.0.0.0/8", "::1", "192.168.10.0/24"])
    assert peers.allows(("127.0.0.1", 4000)) and peers.allows(("::1", 4000, 0, 0))
    assert peers.allows(("::ffff:192.168.10.7", 4000, 0, 0))
    assert not peers.allows(("192.168.11.7", 4000)) and not peers.allows(None)
    assert allow_from_problem(["10.0.0.300"]) == (
        "allow_from entry '10.0.0.300' is not an IP address or network"
    )
