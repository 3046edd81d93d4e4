"""/metrics after calls through the fake FreeSWITCH and the fake Asterisk, into the real
daemon, call layer and models: the counts of what happened in the process (errors by kind and
bridge, tool failures, deadline misses, the model workers) and in the store (escalations by
rule, barge-ins) move by exactly what the calls did.

Counters live as long as the process (as Prometheus expects), so each check is the difference
between a scrape before the calls and one after.
"""

from __future__ import annotations

import asyncio
import dataclasses
import socket
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from receptionist.app.daemon import Daemon
from receptionist.app.http import Live, pbx_links, start_http
from receptionist.app.runtime import Runtime
from receptionist.media.audio import array_to_pcm, phone_line, split_frames
from receptionist.media.models import Models
from receptionist.tools.scripted_backend import ScriptedBackend
from tests.fake_asterisk import FakeAsterisk
from tests.fake_freeswitch import FRAME, FakeCall, FakeSwitch, running_switch
from tests.ops_helpers import get, samples
from tests.test_freeswitch_bridge import settings_for

pytestmark = pytest.mark.timeout(240)

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def line(models: Models, text: str) -> list[bytes]:
    """Caller speech as the switch sends it: Piper, through an 8 kHz phone line, 20 ms."""
    speech = models.tts.speak_sync(text, 16000)
    samples = phone_line(np.frombuffer(speech.pcm, dtype="<i2"), 16000)
    return list(split_frames(array_to_pcm(samples), 8000))


class Caller:
    """The fake switch's audio: says ``speech`` once, silence otherwise. ``barge_in``: once
    the agent has played that many frames of its greeting (cutting it off); without it, once
    the agent has spoken and then been quiet for 1.2 s."""

    def __init__(self, speech: list[bytes], barge_in: int = 0) -> None:
        self.speech = list(speech)
        self.barge_in = barge_in
        self.call: FakeCall | None = None
        self._heard = 0
        self._quiet = 0
        self._speaking = False

    def __call__(self, tick: int) -> bytes:
        assert self.call is not None
        played = len(self.call.played)
        self._quiet = 0 if played != self._heard else self._quiet + 1
        self._heard = played
        if self.barge_in:
            self._speaking = self._speaking or played >= self.barge_in
        else:
            self._speaking = self._speaking or (played > 0 and self._quiet >= 60)
        if self._speaking and self.speech:
            return self.speech.pop(0)
        return bytes(FRAME)


async def until(condition: Callable[[], bool], what: str, timeout_s: float = 90.0) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout_s
    while not condition():
        assert loop.time() < end, f"not within {timeout_s:g} s: {what}"
        await asyncio.sleep(0.05)


def delta(before: Samples, after: Samples, name: str, **labels: str) -> float:
    key = (name, tuple(sorted(labels.items())))
    return after.get(key, 0.0) - before.get(key, 0.0)


async def freeswitch_call(switch: FakeSwitch, daemon: Daemon, caller: Caller,
                          done: Callable[[], bool], what: str) -> None:  # fmt: skip
    fake = FakeCall(switch, caller_id="5551234567", audio=caller)
    caller.call = fake
    await fake.dial("127.0.0.1", daemon.bridges[0].listen_port)  # type: ignore[attr-defined]
    await until(lambda: bool(daemon.calls), "the call reached the daemon")
    await until(done, what)
    await fake.hang_up()
    await until(lambda: not daemon.calls, "the call ended")


async def test_counts_after_calls_through_the_fake_switches(
    runtime: Runtime, tmp_path: Path
) -> None:
    store = runtime.store
    refund = line(runtime.models, "I want a refund, my money back for the colour.")
    booking = line(
        runtime.models,
        "Hi, I'd like to book a haircut on Thursday at three, my name is John Smith.",
    )
    asterisk = FakeAsterisk()
    await asterisk.start()
    async with running_switch() as switch:  # no staff phones: transfers fail
        saved = runtime.settings.freeswitch, runtime.settings.asterisk
        backend = runtime.bookings.backend
        table = dataclasses.asdict(settings_for(switch, listen_port=free_port()))
        runtime.settings.freeswitch = {"enabled": True, **table}
        runtime.settings.asterisk = {
            "enabled": True, "agi_port": 0, "audiosocket_port": 0, "ami_port": asterisk.ami_port,
            "ami_secret": "s3cret", "media_timeout_s": 5.0, "gap_fill_s": 0,
        }  # fmt: skip
        daemon = Daemon(runtime)
        await daemon.start_bridges()
        _, ast_bridge = daemon.bridges
        asterisk.agi_address = ast_bridge.agi_address  # type: ignore[attr-defined]
        asterisk.audiosocket_address = ast_bridge.audiosocket_address  # type: ignore[attr-defined]
        live = Live(calls_active=lambda: len(daemon.calls), links=lambda: pbx_links(daemon.bridges))
        server = await start_http(store.path, port=0, token="t", live=live)
        try:
            _, text = await get(server.url + "metrics")
            before = samples(text)

            # 1. A refund demand spoken over the greeting: a barge-in, the refund rule, and a
            # transfer to Sarah that fails (nobody registered at 201).
            await freeswitch_call(
                switch,
                daemon,
                Caller(refund, barge_in=25),
                lambda: any(t["outcome"] == "failed" for t in store.rows("transfers")),
                "a failed transfer",
            )
            # 2. A booking whose backend hangs past the deadline: pending, a deadline miss.
            runtime.bookings.backend = ScriptedBackend(["timeout"], hang_s=5.0)
            await freeswitch_call(
                switch,
                daemon,
                Caller(booking),
                lambda: any(b["status"] == "pending" for b in store.rows("bookings")),
                "a pending booking",
            )
            # 3. An Asterisk call whose AudioSocket breaks mid-frame: the leg fails.
            call = asterisk.call(script=[b"\1\0" * 160] * 25, ending="truncate")
            await call.run()
            await until(lambda: not daemon.calls and len(store.rows("calls")) == 3,
                        "the Asterisk call ended")  # fmt: skip
            # 4. The ESL link to FreeSWITCH and the AMI link to Asterisk drop.
            switch.drop_inbound()
            asterisk.drop()
            await until(lambda: not all(pbx_links(daemon.bridges).values()), "a link is down")

            _, text = await get(server.url + "metrics")
            after = samples(text)
        finally:
            await server.stop()
            await daemon.stop()
            await asterisk.stop()
            runtime.settings.freeswitch, runtime.settings.asterisk = saved  # shared settings
            runtime.bookings.backend = backend

    def moved(name: str, **labels: str) -> float:
        return delta(before, after, name, **labels)

    # Errors by kind and bridge, counted where they happened.
    assert moved("receptionist_errors_total", kind="leg_failed", bridge="asterisk") == 1
    assert moved("receptionist_errors_total", kind="esl_link_lost", bridge="freeswitch") == 1
    assert moved("receptionist_errors_total", kind="ami_link_lost", bridge="asterisk") == 1
    # Tool failures and deadline misses.
    assert moved("receptionist_tool_failures_total", tool="transfer", reason="failed") == 1
    assert moved("receptionist_deadline_misses_total", what="booking") == 1
    # The reply that waited for the booking backend carries a "tool" stage of at least the
    # deadline (2.5 s), on the turn and in the stage histogram.
    (pending,) = [b for b in store.rows("bookings") if b["status"] == "pending"]
    tools = [t["timings"].get("tool_ms", 0) for t in store.turns(pending["call_id"])]
    assert max(tools) >= 2500, tools
    assert moved("receptionist_stage_seconds_count", stage="tool") >= 1
    assert moved("receptionist_stage_seconds_bucket", stage="tool", le="2.0") < moved(
        "receptionist_stage_seconds_count", stage="tool"
    )
    # From the store: the rule that fired, the greeting cut off, the outcomes.
    assert moved("receptionist_escalations_total", rule="refund or complaint") == 1
    assert moved("receptionist_barge_ins_total") >= 1
    assert moved("receptionist_transfers_total", outcome="failed") == 1
    assert moved("receptionist_bookings", status="pending") == 1
    assert moved("receptionist_calls_total", outcome="failed") == 1
    # The model workers: each call's speech went through VAD, STT and TTS jobs, and nothing
    # is left queued once the calls are over.
    for model in ("vad", "stt", "tts"):
        assert moved("receptionist_model_jobs_total", model=model) > 0, model
        assert moved("receptionist_model_busy_seconds_total", model=model) > 0, model
        assert after[("receptionist_model_queue_depth", (("model", model),))] == 0, model
    assert not any("call" in dict(labels) for _, labels in after)  # no per-call labels
