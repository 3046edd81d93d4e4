"""The FreeSWITCH bridge against the fake switch (real TCP + UDP on loopback)."""

from __future__ import annotations

import asyncio
import random
import socket
import struct
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from receptionist.bridges.freeswitch import (
    FreeSwitchBridge,
    FreeSwitchCommandError,
    FreeSwitchLeg,
    FreeSwitchSettings,
    FreeSwitchStartError,
)
from receptionist.media.leg import CallerHungUp, CallLeg, DtmfPressed, LegEvent, LegFailed
from tests.fake_freeswitch import FRAME, FakeCall, FakeSwitch, StaffPhone, running_switch

pytestmark = pytest.mark.timeout(30)

Handler = Callable[[FreeSwitchLeg], Awaitable[None]]


def tone(value: int) -> Callable[[int], bytes]:
    """A frame whose every sample is ``value`` (identifies whose audio it is)."""
    frame = struct.pack("<h", value) * (FRAME // 2)
    return lambda _index: frame


def _port_base() -> int:
    return random.randrange(20000, 30000, 200)


def settings_for(switch: FakeSwitch, **overrides: object) -> FreeSwitchSettings:
    base = _port_base()
    settings = FreeSwitchSettings(
        listen_port=0, esl_port=switch.port, media_port_min=base, media_port_max=base + 99,
        switch_port_min=base + 100, switch_port_max=base + 199, linger_s=1, esl_timeout_s=2.0,
        transfer_ring_s=1.0, accept_wait_s=1.0)
    for key, value in overrides.items():
        setattr(settings, key, value)
    return settings


class Harness:
    """A bridge wired to a fake switch; ``handler`` plays the call layer for each leg."""

    def __init__(self, switch: FakeSwitch, bridge: FreeSwitchBridge) -> None:
        self.switch = switch
        self.bridge = bridge
        self.legs: asyncio.Queue[FreeSwitchLeg] = asyncio.Queue()
        self.handler: Handler = hold_until_end
        self.done: dict[str, asyncio.Event] = {}

    async def on_call(self, leg: CallLeg) -> None:
        assert isinstance(leg, FreeSwitchLeg)
        self.done[leg.call_id] = asyncio.Event()
        await self.legs.put(leg)
        try:
            await self.handler(leg)
        finally:
            self.done[leg.call_id].set()

    async def dial(self, **kwargs: object) -> tuple[FakeCall, FreeSwitchLeg]:
        call = FakeCall(self.switch, **kwargs)  # type: ignore[arg-type]
        await call.dial("127.0.0.1", self.bridge.listen_port)
        leg = await asyncio.wait_for(self.legs.get(), 5)
        assert leg.call_id == call.uuid
        return call, leg


async def hold_until_end(leg: FreeSwitchLeg) -> None:
    async for _frame in leg.audio_in():
        pass


async def collect_events(leg: CallLeg) -> list[LegEvent]:
    return [event async for event in leg.events()]


@pytest.fixture
async def harness() -> AsyncIterator[Harness]:
    async with running_switch() as switch:
        holder: list[Harness] = []
        bridge = FreeSwitchBridge(settings_for(switch), lambda leg: holder[0].on_call(leg))
        holder.append(Harness(switch, bridge))
        await bridge.start()
        try:
            yield holder[0]
        finally:
            await bridge.stop()


async def test_call_is_answered_with_unicast_and_audio_flows_both_ways(harness: Harness) -> None:
    received: list[bytes] = []

    async def echo(leg: FreeSwitchLeg) -> None:
        async for frame in leg.audio_in():
            received.append(frame)
            if len(received) <= 25:
                await leg.play(tone(-7)(0))
            if len(received) == 30:
                await leg.hangup()

    harness.handler = echo
    call, leg = await harness.dial(caller_id="0612345678", audio=tone(1234))
    await asyncio.wait_for(harness.done[leg.call_id].wait(), 5)
    assert leg.caller_id == "0612345678"
    assert leg.called_number == "1000"
    assert leg.variables["ai_test_var"] == "hello world & more"  # URL-decoded channel data
    assert len(received) >= 30 and set(received) == {tone(1234)(0)}
    assert call.played == [tone(-7)(0)] * 25  # every frame arrived, none empty, none extra
    assert not call.media is None and not call.media.deaf
    lines = [line for line, _ in call.commands]
    assert lines[:4] == ["connect", "myevents", "linger 1", "sendmsg"]
    answer = call.commands[3][1]
    assert answer["execute-app-name"] == "answer" and answer["Event-UUID"]
    unicast = call.commands[4][1]
    assert unicast["call-command"] == "unicast" and unicast["transport"] == "udp"
    await asyncio.wait_for(call.closed.wait(), 5)
    assert leg.hangup_by == "agent" and call.hangup_cause == "NORMAL_CLEARING"
    assert call.media.sources == {("127.0.0.1", int(unicast["remote-port"]))}


async def test_dtmf_reaches_events_url_decoded(harness: Harness) -> None:
    call, leg = await harness.dial()
    events = asyncio.get_running_loop().create_task(collect_events(leg))
    for digit in "0#*5":
        await call.press(digit)
    await asyncio.sleep(0.1)
    await call.hang_up()
    got = await asyncio.wait_for(events, 5)
    assert got[:4] == [DtmfPressed("0"), DtmfPressed("#"), DtmfPressed("*"), DtmfPressed("5")]
    assert isinstance(got[4], CallerHungUp) and "NORMAL_CLEARING" in got[4].reason
    assert leg.hangup_by == "caller" and leg.ended_at is not None


async def test_bad_password_is_a_clear_start_error() -> None:
    async with running_switch(password="secret") as switch:
        bridge = FreeSwitchBridge(settings_for(switch), lambda leg: asyncio.sleep(0))
        with pytest.raises(FreeSwitchStartError, match=r"refused the password \(-ERR invalid\)"):
            await bridge.start()


async def test_listen_port_taken_is_a_clear_start_error() -> None:
    blocker = socket.socket()
    blocker.bind(("127.0.0.1", 0))
    blocker.listen()
    port = blocker.getsockname()[1]
    try:
        async with running_switch() as switch:
            bridge = FreeSwitchBridge(settings_for(switch, listen_port=port),
                                      lambda leg: asyncio.sleep(0))
            with pytest.raises(FreeSwitchStartError, match=f"127.0.0.1:{port}"):
                await bridge.start()
    finally:
        blocker.close()
