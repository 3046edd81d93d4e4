"""FastAGI environment, commands and results against the captures of a real Asterisk 22."""

from __future__ import annotations

import asyncio
import json

import pytest

from receptionist.bridges.asterisk.agi import AgiChannel
from receptionist.protocols import agi
from tests.asterisk_captures import CAPTURES, capture


def replay(name: str) -> tuple[agi.AgiEnvironment, list[agi.AgiResult | agi.AgiHangup]]:
    env_reader = agi.EnvironmentReader()
    assert env_reader.feed(capture(f"{name}.s2c.raw"))
    assert env_reader.environment is not None
    results = []
    reader = agi.ResultReader()
    for line in env_reader.rest.decode().split("\n"):
        r = reader.feed_line(line)
        if r is not None:
            results.append(r)
    return env_reader.environment, results


def test_environment_of_a_sip_call() -> None:
    env, _ = replay("agi_sip")
    assert env.channel == "PJSIP/local-00000000"
    assert env.uniqueid == "1795585197.22"
    assert env.caller_id == "caller"
    assert env.caller_name == ""  # "unknown"
    assert env.called_number == "100"
    assert env.script == "basic"
    assert env.get("agi_network_script") == "basic?lang=en&x=1"
    assert env.args == ["arg one", "arg2"]
    assert env.get("agi_accountcode") == ""
    assert agi.serialize_environment(env) == capture("agi_sip.s2c.raw")[: 399 + 137]


def test_environment_split_across_reads() -> None:
    raw = capture("agi_basic.s2c.raw")
    r = agi.EnvironmentReader()
    assert not r.feed(raw[:417])  # the first read of the capture: no blank line yet
    assert r.feed(raw[417 : 417 + 137 + 13])
    assert r.environment is not None and r.environment.called_number == "100"  # dnid unknown
    assert r.environment.caller_name == "Fake Caller"
    assert r.rest == b"200 result=0\n"


def test_environment_cut_short() -> None:
    r = agi.EnvironmentReader()
    r.feed(b"agi_network: yes\n")
    with pytest.raises(ValueError, match="closed inside the agi_\\* environment"):
        r.close()
    with pytest.raises(ValueError, match="line 2 is not 'agi_key: value'"):
        agi.parse_environment("agi_network: yes\nGARBAGE\n")


def test_every_result_of_agi_basic() -> None:
    _, results = replay("agi_basic")
    lines = [r.line if isinstance(r, agi.AgiResult) else "HANGUP" for r in results]
    assert lines == [
        "200 result=0",
        "200 result=1 (hello world)",
        "200 result=0",
        "200 result=1",
        "200 result=1 (bar baz|Local/100@from-sip-0000000a;2|5550001)",
        "200 result=1",
        "200 result=6",
        "200 result=53 endpos=13760",
        "200 result=49",
        "200 result=35",
        "200 result=-1 endpos=0",
        "200 result=0",
        "200 result=0",
        "200 result=-2",
        "510 Invalid or unknown command",
        "520-Invalid command syntax.  Proper usage follows:",
        "200 result= (timeout)",
        "200 result=-1",
        "HANGUP",
        "511 Command Not Permitted on a dead channel or intercept routine",
        "511 Command Not Permitted on a dead channel or intercept routine",
        "200 result=1 (hello world)",
        "511 Command Not Permitted on a dead channel or intercept routine",
    ]
    usage = results[15]
    assert isinstance(usage, agi.AgiResult) and usage.code == 520
    assert usage.usage.startswith("Send the given file")
    assert usage.usage.endswith("<value>FAILED</value>")


def test_result_details() -> None:
    r = agi.parse_agi_result("200 result=53 endpos=13600\n")
    assert isinstance(r, agi.AgiResult)
    assert (r.value, r.digit, r.extra) == (53, "5", {"endpos": "13600"})
    r = agi.parse_agi_result("200 result=1 (bar baz|x)")
    assert isinstance(r, agi.AgiResult) and r.data == "bar baz|x" and r.ok
    r = agi.parse_agi_result("200 result= (timeout)")
    assert isinstance(r, agi.AgiResult) and r.value is None and r.data == "timeout" and r.ok
    assert agi.parse_agi_result("HANGUP") == agi.AgiHangup()
    with pytest.raises(ValueError, match="3-digit code"):
        agi.parse_agi_result("hello")
    with pytest.raises(ValueError, match="ResultReader"):
        agi.parse_agi_result("520-Invalid command syntax.")


@pytest.mark.parametrize(
    "line,exc",
    [
        ("200 result=-1", agi.AgiCommandFailed),
        ("200 result=-2", agi.AgiUnknownApplication),
        ("510 Invalid or unknown command", agi.AgiInvalidCommand),
        ("511 Command Not Permitted on a dead channel or intercept routine", agi.AgiDeadChannel),
    ],
)
def test_failures_become_exceptions(line: str, exc: type[agi.AgiError]) -> None:
    r = agi.parse_agi_result(line)
    assert isinstance(r, agi.AgiResult) and not r.ok
    with pytest.raises(exc, match="AGI 'X' failed: " + line.split(" (")[0][:20]):
        r.raise_for_status("X")


def test_hangup_during_a_call_then_dead_channel() -> None:
    _, results = replay("agi_hangup")
    kinds = [type(r).__name__ if isinstance(r, agi.AgiHangup) else r.code for r in results]
    assert kinds == [200, 200, "AgiHangup", 511, 200, 200, 200]


def test_commands_are_byte_exact() -> None:
    sent = (
        agi.answer()
        + agi.get_variable("AI_TEST")
        + agi.get_variable("NO_SUCH_VAR")
        + agi.set_variable("FOO", "bar baz")
        + agi.get_full_variable("${FOO}|${CHANNEL}|${CALLERID(num)}")
        + agi.verbose("hello from fastagi", 1)
        + agi.channel_status()
        + agi.stream_file("receptionist", "0123456789#*")
        + agi.wait_for_digit(5000)
        + agi.wait_for_digit(5000)
        + agi.stream_file("no-such-file")
        + 'SAY DIGITS 123 ""\n'
        + agi.exec_app("Wait", "0.5")
        + agi.exec_app("NoSuchApp", "foo")
    )
    assert capture("agi_basic.c2s.raw").decode().startswith(sent)
    assert capture("agi_hangup.c2s.raw").decode().startswith(agi.answer() + agi.hangup())
    assert agi.quote('say "hi" \\o/') == '"say \\"hi\\" \\\\o/"'
    with pytest.raises(ValueError, match="one line"):
        agi.set_variable("X", "a\nANSWER")


# ---------------------------------------------------------------- over a socket


async def replay_session(name: str) -> tuple[list[object], AgiChannel]:
    """Serve a captured session's bytes, chunk by chunk, to our AgiChannel."""
    chunks = [json.loads(line) for line in (CAPTURES / f"{name}.jsonl").read_text().splitlines()]
    chunks = [c for c in chunks if c["dir"] in ("S->C", "C->S")]
    commands = [c["data"] for c in chunks if c["dir"] == "C->S"]

    async def asterisk(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        for chunk in chunks:
            if chunk["dir"] == "S->C":
                writer.write(chunk["data"].encode("latin-1"))
                await writer.drain()
            else:
                assert (await reader.readline()).decode() == chunk["data"]
        writer.close()

    server = await asyncio.start_server(asterisk, "127.0.0.1", 0)
    reader, writer = await asyncio.open_connection(*server.sockets[0].getsockname()[:2])
    channel = AgiChannel(reader, writer)
    await channel.read_environment()
    outcomes: list[object] = []
    for command in commands:
        try:
            outcomes.append((await channel.command(command)).line)
        except agi.AgiError as e:
            outcomes.append(type(e).__name__)
    writer.close()
    server.close()
    return outcomes, channel


async def test_agi_channel_replays_agi_basic() -> None:
    outcomes, channel = await replay_session("agi_basic")
    assert channel.environment.script == "basic"
    assert outcomes[7] == "200 result=53 endpos=13760"
    assert outcomes[10:18] == [
        "AgiCommandFailed",  # STREAM FILE no-such-file: result=-1
        "200 result=0",
        "200 result=0",
        "AgiUnknownApplication",  # EXEC NoSuchApp
        "AgiInvalidCommand",  # FOO BAR: 510
        "AgiUsageError",  # STREAM FILE without arguments: the whole 520 block
        "200 result= (timeout)",  # and the next reply is the right one
        "AgiCommandFailed",  # WAIT FOR DIGIT while the caller hangs up
    ]
    # the bare HANGUP line came before the next reply, which is still matched correctly
    assert outcomes[18:] == [
        "AgiDeadChannel",
        "AgiDeadChannel",
        "200 result=1 (hello world)",
        "AgiDeadChannel",
    ]
    assert channel.hung_up


async def test_agi_channel_replays_agi_hangup() -> None:
    outcomes, channel = await replay_session("agi_hangup")
    assert outcomes == [
        "200 result=0",
        "200 result=1",
        "AgiDeadChannel",
        "200 result=0",
        "200 result=1 (Local/101@from-sip-00000009;2)",
        "200 result=1",
    ]
    assert channel.hung_up
