"""Every buffer has a bound, and what exceeds it ends that connection with a reason: the
parsers' bounds, and FreeSWITCH's outbound listener capped at ``max_connections`` (a real
listener on loopback). The floods against the whole daemon are in test_daemon_hostile.py."""

from __future__ import annotations

import asyncio
import logging

import pytest

from receptionist.bridges.freeswitch import FreeSwitchBridge
from receptionist.media.leg import CallLeg
from receptionist.protocols import agi, esl
from receptionist.protocols.errors import RemoteProtocolError
from tests.fake_freeswitch import running_switch
from tests.test_freeswitch_bridge import settings_for


def test_a_520_usage_block_without_end_is_an_error_not_a_growing_list() -> None:
    reader = agi.ResultReader()
    assert reader.feed_line("520-Invalid command syntax.  Proper usage follows:") is None
    for _ in range(agi.MAX_USAGE_LINES):
        assert reader.feed_line("Usage: SET VARIABLE <variablename> <value>") is None
    with pytest.raises(RemoteProtocolError, match="runs past 200 lines"):
        reader.feed_line("Usage: SET VARIABLE <variablename> <value>")


def test_a_real_usage_block_still_reads() -> None:
    reader = agi.ResultReader()
    reader.feed_line("520-Invalid command syntax.  Proper usage follows:")
    reader.feed_line("Usage: SET VARIABLE <variablename> <value>")
    result = reader.feed_line("520 End of proper usage.")
    assert isinstance(result, agi.AgiResult) and result.code == 520


def test_a_call_socket_refuses_a_body_over_its_bound() -> None:
    frame = (
        f"Content-Type: text/event-plain\nContent-Length: {esl.MAX_CALL_BODY_BYTES + 1}\n\n"
    ).encode()
    with pytest.raises(RemoteProtocolError, match="exceeds 1048576"):
        esl.EslParser("call socket", esl.MAX_CALL_BODY_BYTES).feed(frame)
    esl.EslParser("inbound").feed(frame)  # the event socket allows more (an api listing)


async def _closed(port: int) -> bool:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        return await asyncio.wait_for(reader.read(), 0.5) == b""
    except TimeoutError:
        return False  # still open: the bridge is waiting for the switch to speak
    finally:
        writer.close()


async def test_outbound_esl_sockets_past_max_connections_are_closed_at_accept(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def no_call(leg: CallLeg) -> None:
        raise AssertionError("no call expected")

    async with running_switch() as switch:
        bridge = FreeSwitchBridge(settings_for(switch, max_connections=2), no_call)
        await bridge.start()
        held = []
        try:
            for _ in range(2):  # two silent sockets: held open, waiting for the connect reply
                held.append(await asyncio.open_connection("127.0.0.1", bridge.listen_port))
            with caplog.at_level(logging.WARNING):
                assert await _closed(bridge.listen_port)
            assert any("already open (max_connections)" in r.getMessage() for r in caplog.records)
        finally:
            for _, writer in held:
                writer.close()
            await bridge.stop()
