"""Hostile peers against the real daemon's listeners on loopback (`receptionist serve` in a
subprocess, with the fake Asterisk's AMI or the fake FreeSWITCH's event socket):

- a peer flooding AudioSocket frames as fast as TCP allows, and FastAGI ``520-`` usage lines
  without end: the daemon's resident memory (VmRSS of /proc/<pid>/status) stays under a
  stated ceiling above its size once start-up's background work (the sentences made ahead,
  ~70 MB of audio) is done, and each such connection is ended with a logged reason;
- the call limit (``[limits] max_calls``) holds for AudioSocket connections with no FastAGI
  hand-off and for FreeSWITCH's outbound sockets, and each refused call has a record;
- a local sender spraying the unicast media ports from another port can't take a FreeSWITCH
  call's audio: the media locks to the port the switch was told to send from.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import socket
import struct
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from receptionist.protocols import agi
from receptionist.protocols import audiosocket as aso
from receptionist.store.db import Store
from tests.asterisk_captures import capture
from tests.daemon_process import DaemonProcess, asterisk_table, config_text, free_port
from tests.fake_asterisk import FakeAsterisk
from tests.fake_freeswitch import FakeCall, FakeSwitch, running_switch

# What the daemon may grow by while peers flood it, above its resident size once ready and
# its start-up sentences are made (before the bounds, an AudioSocket flood alone grew it by
# ~280 MB and kept it; measured from "ready" instead, the sentences made in the gaps between
# flooding calls counted as growth: +69 MB on a fast machine).
RSS_CEILING_KIB = 64 * 1024
FLOOD_S = 8.0


def _base(tmp_path: Path, tables: dict[str, str], extra: str = "") -> DaemonProcess:
    replacements = {
        'dir = "var/recordings"': f'dir = "{tmp_path / "recordings"}"',
        "llm_enabled = true": "llm_enabled = false",
        **tables,
    }
    return DaemonProcess(tmp_path, config_text(replacements, extra + "\n[http]\nenabled = false\n"))


@contextlib.asynccontextmanager
async def asterisk_daemon(
    tmp_path: Path, max_calls: int, require_agi: bool = False
) -> AsyncIterator[tuple[DaemonProcess, FakeAsterisk]]:
    fake = FakeAsterisk()
    await fake.start()
    agi_port, media_port = free_port(), free_port()
    fake.agi_address = ("127.0.0.1", agi_port)
    fake.audiosocket_address = ("127.0.0.1", media_port)
    daemon = _base(
        tmp_path,
        {
            "[asterisk]\nenabled = false": asterisk_table(
                agi_port, media_port, fake.ami_port, require_agi=require_agi
            ),
            "max_calls = 32": f"max_calls = {max_calls}",
        },
    )
    await asyncio.to_thread(daemon.start)
    try:
        yield daemon, fake
    finally:
        daemon.stop()
        await fake.stop()


# -- floods -------------------------------------------------------------------------------


def _flood_audiosocket(address: tuple[str, int], until: float, counts: dict[str, int]) -> None:
    """Connect, send a uuid frame, then audio frames as fast as TCP takes them; again when
    the daemon ends the connection."""
    # Frames of 8000 bytes (25 phone frames; the most a frame may carry is 8192): the most
    # audio per read.
    burst = aso.audio(b"\x01\x00" * 4000) * 80
    while time.monotonic() < until:
        try:
            with socket.create_connection(address, timeout=2) as s:
                counts["connections"] += 1
                s.sendall(aso.uuid_frame(str(uuid.uuid4())))
                while time.monotonic() < until:
                    s.sendall(burst)
                    counts["bytes"] += len(burst)
        except OSError:
            counts["ended"] += 1


def _agi_environment(call_uuid: str) -> bytes:
    env = agi.parse_environment(capture("agi_sip.s2c.raw").split(b"\n\n")[0])
    for key in [k for k in env.variables if k.startswith("agi_arg_")]:
        del env.variables[key]
    env.variables.update(agi_network_script="receptionist", agi_arg_1=call_uuid)
    return agi.serialize_environment(env)


def _flood_agi_usage(address: tuple[str, int], until: float, counts: dict[str, int]) -> None:
    """A FastAGI session that answers our command with a 520- usage block that never ends."""
    lines = b"Usage: SET VARIABLE <variablename> <value>\n" * 2000
    while time.monotonic() < until:
        try:
            with socket.create_connection(address, timeout=2) as s:
                counts["connections"] += 1
                s.sendall(_agi_environment(str(uuid.uuid4())))
                s.sendall(b"520-Invalid command syntax.  Proper usage follows:\n")
                while time.monotonic() < until:
                    s.sendall(lines)
                    counts["bytes"] += len(lines)
        except OSError:
            counts["ended"] += 1


def _peak_rss(daemon: DaemonProcess, stop: threading.Event, peak: list[int]) -> None:
    while not stop.is_set():
        peak[0] = max(peak[0], daemon.rss_kib())
        stop.wait(0.05)


async def test_memory_stays_bounded_while_peers_flood_audiosocket_and_fastagi(
    tmp_path: Path,
) -> None:
    async with asterisk_daemon(tmp_path, max_calls=32) as (daemon, fake):
        await _flood(daemon, fake)


async def _flood(daemon: DaemonProcess, fake: FakeAsterisk) -> None:
    await asyncio.to_thread(daemon.wait_for, "made ahead in", 240.0)
    start = daemon.rss_kib()
    peak, stop = [start], threading.Event()
    sampler = threading.Thread(target=_peak_rss, args=(daemon, stop, peak))
    sampler.start()
    until = time.monotonic() + FLOOD_S
    audio = {"connections": 0, "bytes": 0, "ended": 0}
    usage = {"connections": 0, "bytes": 0, "ended": 0}
    try:
        await asyncio.gather(
            asyncio.to_thread(_flood_audiosocket, fake.audiosocket_address, until, audio),
            asyncio.to_thread(_flood_agi_usage, fake.agi_address, until, usage),
        )
    finally:
        stop.set()
        sampler.join()
    grown = peak[0] - start
    print(f"RSS at start {start} KiB, peak {peak[0]} KiB (+{grown} KiB); AudioSocket "
          f"{audio['bytes'] >> 20} MiB on {audio['connections']} connection(s), AGI "
          f"{usage['bytes'] >> 20} MiB on {usage['connections']} connection(s)")  # fmt: skip
    assert grown < RSS_CEILING_KIB, daemon.output[-3000:]
    # Each flood was cut off by the daemon, which said why.
    assert audio["ended"] >= 1 and usage["ended"] >= 1
    daemon.wait_for("arrive faster than real time", 10)
    daemon.wait_for("520- usage block runs past 200 lines", 10)
    # ... and each call it took ended, with a record that says why (on Python 3.11 a
    # listener cancelled while flooded frames were queued once hung: the call never ended,
    # had no record and kept its memory).
    cut_off = re.findall(r"AudioSocket frames on call (\S+) arrive faster than real time",
                         daemon.output)  # fmt: skip
    assert cut_off
    for call_uuid in cut_off:
        await asyncio.to_thread(daemon.wait_for, f"call {call_uuid} ended: failed", 20.0)
    store = Store(daemon.db)
    try:
        for call_uuid in cut_off:
            row = store.call(call_uuid)
            assert row["outcome"] == "failed", row
            assert "arrive faster than real time" in row["outcome_reason"], row
    finally:
        store.close()
    # The flood over, a caller is answered again.
    reader, writer, _uuid = await _audiosocket_call(fake.audiosocket_address)
    assert await asyncio.wait_for(reader.read(323), 20), daemon.output[-3000:]
    writer.close()  # the caller hangs up (before the daemon is stopped: no call to wait for)
    await writer.wait_closed()


# -- the call limit ---------------------------------------------------------------------


async def _audiosocket_call(
    address: tuple[str, int],
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter, str]:
    call_uuid = str(uuid.uuid4())
    reader, writer = await asyncio.open_connection(*address)
    writer.write(aso.uuid_frame(call_uuid))
    await writer.drain()
    return reader, writer, call_uuid


async def _first_kind(reader: asyncio.StreamReader) -> aso.Kind | None:
    """The first frame the daemon sends other than audio (a hangup frame), or None at EOF."""
    frames = aso.FrameReader()
    while True:
        frame = frames.next_frame()
        if frame is not None:
            if frame.kind is not aso.Kind.AUDIO:
                return frame.kind
            continue
        data = await reader.read(65536)
        if not data:
            return None
        frames.feed(data)


async def test_audiosocket_calls_without_an_agi_are_held_to_the_call_limit(
    tmp_path: Path,
) -> None:
    async with asterisk_daemon(tmp_path, max_calls=2) as (daemon, fake):
        await _over_the_limit(daemon, fake)


async def _over_the_limit(daemon: DaemonProcess, fake: FakeAsterisk) -> None:
    held = [await _audiosocket_call(fake.audiosocket_address) for _ in range(2)]
    daemon.wait_for("had no AGI before it", 20)
    for reader, _, _ in held:
        # the two calls are up: the daemon sends them audio
        assert await reader.read(323), daemon.output[-3000:]
    reader, _writer, refused = await _audiosocket_call(fake.audiosocket_address)
    assert await asyncio.wait_for(_first_kind(reader), 20) is aso.Kind.HANGUP
    daemon.wait_for("refused: at capacity (2 calls in progress)", 10)
    store = Store(daemon.db)
    row = store.call(refused)
    store.close()
    assert (row["outcome"], row["outcome_reason"]) == (
        "failed", "refused: at capacity (2 calls in progress)"
    )  # fmt: skip
    for _, writer, _ in held:  # the callers hang up: the daemon's stop waits for no call
        writer.close()
        await writer.wait_closed()


# -- FreeSWITCH: the call limit and the media lock -------------------------------------------


@pytest.fixture
async def freeswitch_daemon(tmp_path: Path) -> AsyncIterator[tuple[DaemonProcess, FakeSwitch]]:
    async with running_switch() as switch:
        listen = free_port()
        table = "\n".join([
            "[freeswitch]", "enabled = true", f"listen_port = {listen}",
            f"esl_port = {switch.port}", "media_port_min = 43000", "media_port_max = 43099",
            "switch_port_min = 43100", "switch_port_max = 43199",
        ])  # fmt: skip
        daemon = _base(
            tmp_path,
            {"max_calls = 32": "max_calls = 1"},
            extra=table,
        )
        daemon.config.write_text(
            daemon.config.read_text().replace("[freeswitch]\nenabled = false\n", "", 1)
        )
        await asyncio.to_thread(daemon.start)
        daemon.listen_port = listen  # type: ignore[attr-defined]
        try:
            yield daemon, switch
        finally:
            daemon.stop()


def _spray(ports: range, stop: threading.Event, sent: list[int], heard: list[int]) -> None:
    """Send 320-byte frames to every media port from one local socket, and count what
    comes back to it (audio meant for the switch)."""
    frame = struct.pack("<h", 9000) * 160
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.setblocking(False)
        while not stop.is_set():
            for port in ports:
                try:
                    s.sendto(frame, ("127.0.0.1", port))
                    sent[0] += 1
                except OSError:
                    pass
            try:
                while s.recv(2048):
                    heard[0] += 1
            except OSError:
                pass


async def test_a_sprayer_on_the_media_ports_cannot_take_the_call_and_the_limit_holds(
    freeswitch_daemon: tuple[DaemonProcess, FakeSwitch],
) -> None:
    daemon, switch = freeswitch_daemon
    stop, sent, heard = threading.Event(), [0], [0]
    sprayer = threading.Thread(target=_spray, args=(range(43000, 43100), stop, sent, heard))
    sprayer.start()
    try:
        call = FakeCall(switch)
        # The switch's first datagram comes 50 ms after the command (a real switch takes
        # some ms): the sprayer's reach the port first, and must not take it.
        call.media_delay_s = 0.05
        await call.dial("127.0.0.1", daemon.listen_port)  # type: ignore[attr-defined]
        await asyncio.wait_for(call.media_started.wait(), 20)
        await _until(lambda: any(f.strip(b"\0") for f in call.played), 30)
    finally:
        stop.set()
        sprayer.join()
    assert sent[0] > 0 and heard[0] == 0  # the greeting went to the switch, none to us
    second = FakeCall(switch)
    await second.dial("127.0.0.1", daemon.listen_port)  # type: ignore[attr-defined]
    await asyncio.wait_for(second.hung_up.wait(), 20)  # no fallback_extension: hung up
    assert not second.answered.is_set()
    daemon.wait_for("freeswitch call", 10)
    daemon.wait_for("refused: at capacity (1 calls in progress)", 10)
    store = Store(daemon.db)
    row = store.call(second.uuid)
    store.close()
    assert row["outcome"] == "failed" and row["outcome_reason"].startswith("refused: at capacity")


async def _until(check: Callable[[], bool], timeout_s: float) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while not check():
        assert loop.time() < deadline, "timed out"
        await asyncio.sleep(0.05)
