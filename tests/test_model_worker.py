"""A model worker outlives the loops it serves: a job whose caller's loop has closed is
dropped, and the next job (start-up's warm-up, another call) still runs."""

from __future__ import annotations

import asyncio
import threading

import pytest

from receptionist.media.worker import ModelWorker


async def _held(worker: ModelWorker) -> tuple[asyncio.Future[object], threading.Event]:
    """A job running on ``worker`` until the returned event is set: the next ones queue."""
    started, release = threading.Event(), threading.Event()

    def blocking() -> None:
        started.set()
        release.wait(5)

    busy = asyncio.ensure_future(worker.run(blocking))
    assert await asyncio.to_thread(started.wait, 5)
    return busy, release


def test_a_result_for_a_closed_loop_does_not_stop_the_worker() -> None:
    worker = ModelWorker("test")
    release = threading.Event()
    loop = asyncio.new_event_loop()
    task = loop.create_task(worker.run(lambda: release.wait(5)))
    loop.run_until_complete(asyncio.sleep(0.05))  # the job is on the worker now
    task.cancel()
    loop.run_until_complete(asyncio.gather(task, return_exceptions=True))
    loop.close()  # the call ended; its job is still running
    release.set()
    assert worker.submit_sync(lambda: 42) == 42  # the worker carried on
    worker.close()


def test_a_stopped_worker_says_so_instead_of_waiting_for_ever() -> None:
    worker = ModelWorker("test")
    worker.close()
    with pytest.raises(RuntimeError, match="the test model worker has stopped"):
        worker.submit_sync(lambda: 1)


async def test_an_urgent_job_goes_before_the_waiting_ones() -> None:
    worker = ModelWorker("test")
    release = threading.Event()
    ran: list[str] = []
    busy = asyncio.ensure_future(worker.run(lambda: release.wait(5)))
    await asyncio.sleep(0.05)  # the blocking job is running
    trial = asyncio.ensure_future(worker.run(lambda: ran.append("trial decode")))
    final = asyncio.ensure_future(worker.run(lambda: ran.append("final turn"), urgent=True))
    await asyncio.sleep(0.05)
    release.set()
    await asyncio.gather(busy, trial, final)
    worker.close()
    assert ran == ["final turn", "trial decode"]


async def test_background_work_waits_for_every_call_job_even_one_queued_after_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    worker = ModelWorker("test")
    ran: list[str] = []
    busy, release = await _held(worker)
    worker.submit_background(lambda: ran.append("start-up's sentence"))
    worker.submit_background(lambda: 1 / 0)  # a failure is logged; the worker goes on
    last = threading.Event()
    worker.submit_background(lambda: (ran.append("another one"), last.set()))
    call = asyncio.ensure_future(worker.run(lambda: ran.append("a call's sentence")))
    await asyncio.sleep(0)  # one turn of the loop: the call's job is queued
    assert worker.pending == 2  # the blocking job and the call's
    release.set()
    await asyncio.gather(busy, call)
    assert await asyncio.to_thread(last.wait, 5)
    worker.close()
    assert ran == ["a call's sentence", "start-up's sentence", "another one"]
    assert "background job on the test worker failed" in caplog.text


def test_background_work_never_holds_up_a_shutdown() -> None:
    worker = ModelWorker("test")
    started, release = threading.Event(), threading.Event()
    ran: list[int] = []

    def piece(n: int) -> None:
        started.set()
        release.wait(5)
        ran.append(n)
        worker.submit_background(lambda: piece(n + 1))  # start-up's chain of sentences

    worker.submit_background(lambda: piece(0))
    assert started.wait(5)
    release.set()
    worker.close(timeout=5)
    assert not worker.alive
    assert ran == [0]  # the piece in hand was finished; the rest dropped


async def test_a_job_its_caller_gave_up_on_while_queued_is_never_run_and_is_counted() -> None:
    worker = ModelWorker("test")
    ran: list[str] = []
    busy, release = await _held(worker)
    stale = asyncio.ensure_future(worker.run(lambda: ran.append("stale trial decode")))
    batched = asyncio.ensure_future(
        worker.run_batched("stale item", lambda items: [ran.append(i) for i in items])
    )
    wanted = asyncio.ensure_future(worker.run(lambda: ran.append("turn")))
    await asyncio.sleep(0)  # all three queued behind the running job
    stale.cancel()
    batched.cancel()
    release.set()
    await asyncio.gather(busy, wanted)
    worker.close()
    assert ran == ["turn"]
    assert worker.dropped == 2


async def test_a_worker_with_two_threads_runs_two_jobs_at_once() -> None:
    """Two calls' turns decode together on two decoders: neither waits for the other. Each
    job here finishes only once the other has started (one thread would never get there)."""
    worker = ModelWorker("test", threads=2)
    both = threading.Barrier(2, timeout=5)
    first = asyncio.ensure_future(worker.run(lambda: both.wait()))
    second = asyncio.ensure_future(worker.run(lambda: both.wait()))
    assert sorted(await asyncio.gather(first, second)) == [0, 1]
    worker.close()


async def test_a_worker_is_busy_only_once_every_thread_has_a_job() -> None:
    worker = ModelWorker("test", threads=2)
    assert not worker.busy()
    busy, release = await _held(worker)
    assert not worker.busy()  # a second decoder is free: a trial decode may start
    assert worker.busy(besides=-1)  # ... but not two
    other, release_other = await _held(worker)
    assert worker.busy()
    assert not worker.busy(besides=1)  # the asker's own job counted in is no other's
    release.set()
    release_other.set()
    await asyncio.gather(busy, other)
    assert not worker.busy()
    worker.close()


def test_closing_a_worker_stops_every_one_of_its_threads() -> None:
    worker = ModelWorker("test", threads=3)
    assert [worker.submit_sync(lambda n=n: n) for n in range(3)] == [0, 1, 2]
    worker.close()
    with pytest.raises(RuntimeError, match="the test model worker has stopped"):
        worker.submit_sync(lambda: 1)  # no thread is left to run it
