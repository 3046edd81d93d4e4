"""Turns waiting for speech to text at the same time (several calls) are decoded together in
one batch, and each caller still gets their own words."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest

from receptionist.harness.hearing import words
from receptionist.harness.voices import RATE, synthesize
from receptionist.media.audio import phone_line
from receptionist.media.models import Models
from receptionist.media.stt import Transcriber
from receptionist.media.worker import ModelWorker
from receptionist.telemetry import REGISTRY

LINES = {  # a word only this line has: the line
    "haircut": "I'd like to book a haircut on Thursday at three.",
    "message": "Can I leave a message for Marco please?",
    "close": "What time do you close on Saturday?",
}


async def test_waiting_jobs_of_one_kind_go_together_and_each_gets_its_own_result() -> None:
    worker = ModelWorker("test")
    running, release = threading.Event(), threading.Event()
    batches: list[list[str]] = []

    def upper(items: Sequence[str]) -> list[str]:
        batches.append(list(items))
        return [i.upper() for i in items]

    def hold() -> None:
        running.set()
        release.wait(5)

    busy = asyncio.ensure_future(worker.run(hold))
    await asyncio.to_thread(running.wait, 5)  # the worker is busy with another call's job
    jobs = [asyncio.ensure_future(worker.run_batched(w, upper)) for w in ("a", "b", "c")]
    urgent = asyncio.ensure_future(worker.run_batched("d", upper, urgent=True))
    await asyncio.sleep(0)  # the jobs are queued
    assert worker.pending == 5
    release.set()
    results = await asyncio.gather(*jobs, urgent)
    await busy
    worker.close()
    assert results == ["A", "B", "C", "D"]
    assert batches == [["d", "a", "b", "c"]]  # one batch, the urgent turn first
    batched = REGISTRY.get_sample_value("receptionist_model_batched_jobs_total", {"model": "test"})
    assert batched is not None and batched >= 4  # operators see it on /metrics


async def test_a_failing_batch_fails_each_of_its_jobs_with_the_reason() -> None:
    worker = ModelWorker("test")

    def broken(items: Sequence[str]) -> list[str]:
        raise ValueError("decoder out of memory")

    with pytest.raises(ValueError, match="decoder out of memory"):
        await worker.run_batched("a", broken)
    assert await worker.run(lambda: "next") == "next"  # the worker carried on
    worker.close()


def test_a_batch_hears_each_caller_as_alone(models: Models) -> None:
    short = Transcriber(models.stt.model_path, window_s=10)
    quiet = np.zeros(RATE // 5, np.int16)
    lines = [
        np.concatenate([quiet, phone_line(synthesize(text, voice), RATE), quiet])
        for text, voice in zip(LINES.values(), ("flite:slt", "flite:rms", "flite:awb"), strict=True)
    ]
    together = short.transcribe_batch_sync([(audio, RATE) for audio in lines])
    assert short.batched == 3  # one decode for the three
    for key, heard in zip(LINES, together, strict=True):
        said = words(heard.text)
        assert key in said, (key, heard.text)  # the caller's own words
        assert not any(other in said for other in LINES if other != key), heard.text
        assert heard.confidence > 0.4 and heard.no_speech_prob < 0.5, heard


async def test_two_calls_turns_are_decoded_at_the_same_time_each_with_its_own_words(
    models: Models, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a CPU two decoders, one thread each, take two calls' turns at once (neither waits
    for the other's decode, nor shares a batch with it), and each caller gets their own
    words."""
    stt = models.stt
    assert stt.decoders == 2 and stt.worker.threads == 2
    quiet = np.zeros(RATE // 5, np.int16)
    keys = ("haircut", "close")
    lines = [
        np.concatenate([quiet, phone_line(synthesize(LINES[key], voice), RATE), quiet])
        for key, voice in zip(keys, ("flite:slt", "flite:rms"), strict=True)
    ]
    spans: list[tuple[float, float]] = []  # each decode's start and end
    real = stt.transcribe_batch_sync

    def timed(items: Sequence[tuple[np.ndarray, int]], full_window: bool = False) -> Any:
        started = time.perf_counter()
        try:
            return real(items, full_window=full_window)
        finally:
            spans.append((started, time.perf_counter()))

    monkeypatch.setattr(stt, "transcribe_batch_sync", timed)
    batched = stt.batched
    heard = await asyncio.gather(*(stt.transcribe(audio, RATE, urgent=True) for audio in lines))
    assert stt.batched == batched  # each turn decoded alone
    assert len(spans) == 2
    (a_start, a_end), (b_start, b_end) = sorted(spans)
    assert b_start < a_end, spans  # the second began before the first was done
    for key, transcript in zip(keys, heard, strict=True):
        said = words(transcript.text)
        assert key in said, (key, transcript.text)
        assert not any(other in said for other in keys if other != key), transcript.text
