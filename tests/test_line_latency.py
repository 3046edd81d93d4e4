"""Voice to voice as the line carries it: the caller's last sound in, our first sound out.

The pipeline's own figure starts at the VAD's last speech frame (which comes 100-200 ms
after the caller stopped) and ends when the reply's first frame is queued (sent up to a few
frames later). Each agent turn stores both; `stats` reports the line's.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from receptionist.app.runtime import Runtime
from receptionist.harness.localcall import run_local_call
from receptionist.harness.stats import print_stats
from receptionist.media.gate import last_loud_frame
from receptionist.media.local_leg import CallerLine, LocalLeg
from receptionist.media.pacer import Pacer
from receptionist.media.wire import SENT
from receptionist.store.db import Store
from tests.conftest_media import speak


def test_last_loud_frame_is_where_the_energy_ends_not_where_the_vad_lets_go() -> None:
    hiss, speech = 20.0, 3000.0
    levels = [hiss] * 30 + [speech] * 40 + [400.0, 150.0] + [hiss] * 12
    # The VAD's last speech frame is the 80th (its hangover); the energy ended at the 72nd.
    assert last_loud_frame(levels, 30, 80) == 71
    assert last_loud_frame([hiss] * 10, 0, 9) == 0  # nothing loud: the turn's first frame


async def test_a_watched_frame_reports_when_the_pacer_sends_it_not_when_queued() -> None:
    sent_at: list[float] = []
    pacer = Pacer(lambda frame: None, ahead=3)
    frames = [bytes([i]) * 320 for i in range(3)]
    pacer.start()
    try:
        SENT.watch(frames[2], sent_at.append)
        queued_at = time.monotonic()
        for frame in frames:
            await pacer.put(frame)
        await pacer.drained()
    finally:
        await pacer.stop()
    # Two frames go out before it, one every 20 ms.
    assert len(sent_at) == 1 and sent_at[0] - queued_at >= 0.035


async def test_a_flushed_frame_never_reports() -> None:
    sent_at: list[float] = []
    pacer = Pacer(lambda frame: None, ahead=3, speed=0.01)  # a frame every 2 s
    pacer.start()
    try:
        frames = [bytes([i]) * 320 for i in range(3)]
        for frame in frames:
            await pacer.put(frame)
        SENT.watch(frames[2], sent_at.append)
        assert pacer.flush() >= 2
        assert len(SENT) == 0
    finally:
        await pacer.stop()
    assert sent_at == []


def _loud_ticks(samples: np.ndarray, dbfs: float = -50.0) -> list[int]:
    frames = samples[: len(samples) // 160 * 160].reshape(-1, 160).astype(np.float64)
    rms = np.sqrt((frames**2).mean(axis=1))
    return [int(t) for t in np.flatnonzero(rms > 32768 * 10 ** (dbfs / 20))]


async def test_each_reply_stores_the_line_latency_the_caller_heard(runtime: Runtime) -> None:
    leg = LocalLeg(
        [CallerLine.from_samples(speak(runtime.models, "How much is a haircut?"), 16000)],
        speed=1.0,  # in real time: the figures are wall-clock
        agent_gap_ms=600,
        hangup_after_ms=400,
        agent_frames_per_tick=4,  # the replies themselves needn't be sat through
    )
    await run_local_call(runtime, leg)

    # On the wall clock, as a phone would time it: a loaded machine stalls the leg now and
    # then, and it catches up in a burst, so its ticks are not all 20 ms apart.
    start, end = leg.log.caller_speech[0]
    ticks = leg.log.tick_times

    def heard_ms(dbfs: float) -> float:
        """From the caller's last frame louder than ``dbfs`` to our first frame after it."""
        loud = [t for t in _loud_ticks(leg.caller_audio(), dbfs) if start <= t < end]
        first_agent = next(t for t in leg.log.agent_frames if t > loud[-1])
        return (ticks[first_agent] - ticks[loud[-1]]) * 1000

    reply = [t for t in runtime.store.turns(leg.call_id) if t["speaker"] == "agent"][1]
    line_ms, pipeline_ms = reply["v2v_line_ms"], reply["v2v_pipeline_ms"]
    assert line_ms == reply["timings"]["v2v_line_ms"]
    assert pipeline_ms == reply["timings"]["v2v_ms"]
    # Where a word's tail ends is a matter of threshold (Piper's voice varies from run to
    # run): the stored wait lies between the ends at -50 dBFS and at -56 dBFS, give or take
    # a frame.
    longest, shortest = heard_ms(-50.0), heard_ms(-56.0)
    assert shortest - 25 <= line_ms <= longest + 25, (line_ms, pipeline_ms, shortest, longest)
    # The pipeline's figure starts late (the VAD's hangover): it understates the wait.
    assert line_ms > pipeline_ms
    assert len(SENT) == 0  # nothing left watched once the call is over


def test_stats_reports_the_line_figure(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = Store(tmp_path / "r.db")
    call = store.start_call("c1", "5551234567", "100", "local")
    for line, pipeline in ((900, 700), (1100, 850), (1000, 800)):
        store.add_turn(call, "agent", "Hello.", {"v2v_ms": pipeline, "v2v_line_ms": line})
    store.close()
    assert print_stats(str(tmp_path / "r.db")) == 0
    out = capsys.readouterr().out
    line = next(row for row in out.splitlines() if row.startswith("voice to voice"))
    assert line.split()[-3:] == ["3", "1000", "1090"]


def test_turns_without_the_line_figure_still_count(tmp_path: Path) -> None:
    store = Store(tmp_path / "r.db")
    call = store.start_call("c1", "5551234567", "100", "local")
    store.add_turn(call, "agent", "Hello.", {"v2v_ms": 700})
    rows = store.rows("turns")
    assert rows[0]["v2v_pipeline_ms"] == 700 and rows[0]["v2v_line_ms"] is None
    store.close()
