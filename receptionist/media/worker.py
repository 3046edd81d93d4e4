"""Worker threads for a model (one, or ``threads`` decoding at once), fed by one queue,
results handed back to the event loop.

Models never run on the event loop: a call's audio keeps flowing while Whisper decodes.
Jobs run in the order they were queued, shared by every call, except that an urgent job
(a caller's finished turn) goes before every waiting job that isn't (speculative decodes),
and background work (audio made ahead at start-up) waits for every other job.

Batched jobs (``run_batched``): when one comes up, every job of the same kind waiting in the
queue goes with it, in one call of its batch function (several calls' turns in one Whisper
decode: on a CPU, three 10 s windows took 700 ms together against 1100 one by one).
"""

from __future__ import annotations

import asyncio
import atexit
import heapq
import itertools
import logging
import queue
import threading
import time
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from receptionist import telemetry

T = TypeVar("T")
log = logging.getLogger(__name__)

_STOP = object()
# Job priorities. BACKGROUND: work nobody waits for, done when nothing else is queued;
# LAST: the stop sentinel, after every job.
URGENT, NORMAL, BACKGROUND, LAST = 0, 1, 2, 3
MAX_BATCH = 8


@dataclass(frozen=True)
class _Batched:
    """One item of a batchable job: ``batch`` takes every item of the same ``batch`` and
    returns their results in the same order."""

    item: Any
    batch: Callable[[Sequence[Any]], Sequence[Any]]
    future: asyncio.Future[Any]
    loop: asyncio.AbstractEventLoop


class ModelWorker:
    def __init__(self, name: str, threads: int = 1) -> None:
        """``threads``: jobs run at once (each on its own thread, from the one queue)."""
        if threads < 1:
            raise ValueError(f"the {name} worker needs at least one thread, not {threads}")
        self.name = name
        self.threads = threads
        self._jobs: queue.PriorityQueue[tuple[int, int, Any]] = queue.PriorityQueue()
        self._order = itertools.count()  # first in, first out within a priority
        self.pending = 0  # jobs queued or running (read from the loop to shed optional work)
        self._closing = False
        self._depth = telemetry.MODEL_QUEUE.labels(name)  # every job, on /metrics
        self._busy = telemetry.MODEL_BUSY.labels(name)
        self._jobs_run = telemetry.MODEL_JOBS.labels(name)
        self._batched = telemetry.MODEL_BATCHED.labels(name)
        self._dropped = telemetry.MODEL_DROPPED.labels(name)
        self.dropped = 0  # jobs never run: cancelled while queued
        self._threads = [
            threading.Thread(target=self._run, name=f"model-{name}-{n}", daemon=True)
            for n in range(threads)
        ]
        for thread in self._threads:
            thread.start()
        _LIVE.add(self)

    def _run(self) -> None:
        while True:
            _priority, _n, job = self._jobs.get()
            if job is _STOP:
                return
            if isinstance(job, _Batched):
                self._do_batch([job, *self._take_alike(job)])
                continue
            try:
                self._do(*job)
            finally:
                self._depth.dec()

    @property
    def alive(self) -> bool:
        """Is any of its threads still running (it stops once closed)?"""
        return any(thread.is_alive() for thread in self._threads)

    def busy(self, besides: int = 0) -> bool:
        """Would a job queued now wait for a thread? ``besides``: jobs of the asker's own
        counted in ``pending`` that it doesn't mind (a trial it is about to replace)."""
        return self.pending - besides >= self.threads

    def _take_alike(self, first: _Batched) -> list[_Batched]:
        """Take the waiting jobs of ``first``'s kind out of the queue (oldest and most
        urgent first), up to MAX_BATCH in all."""
        with self._jobs.mutex:
            entries = self._jobs.queue
            alike = sorted(
                (e for e in entries if isinstance(e[2], _Batched) and e[2].batch == first.batch),
                key=lambda e: (e[0], e[1]),
            )[: MAX_BATCH - 1]
            if alike:
                taken = {id(e) for e in alike}
                entries[:] = [e for e in entries if id(e) not in taken]
                heapq.heapify(entries)
        return [e[2] for e in alike]

    def _do_batch(self, jobs: list[_Batched]) -> None:
        live = [j for j in jobs if not j.future.cancelled()]
        self._drop(len(jobs) - len(live))
        try:
            if not live:
                return
            try:
                results = self._timed(lambda: list(live[0].batch([j.item for j in live])))
                if len(results) != len(live):
                    raise RuntimeError(
                        f"the {self.name} batch gave {len(results)} results for {len(live)} jobs"
                    )
            except BaseException as exc:  # every job of the batch hears why
                for j in live:
                    _hand_back(j.loop, _set_exception, j.future, exc)
                return
            if len(live) > 1:
                self._batched.inc(len(live))
            for j, result in zip(live, results, strict=True):
                _hand_back(j.loop, _set_result, j.future, result)
        finally:
            for _ in jobs:
                self._depth.dec()

    def _do(self, fn: Callable[[], Any], future: Any, loop: Any) -> None:
        if loop is None:  # submit_sync: the job reports for itself
            self._timed(fn)
            return
        if future.cancelled():
            self._drop(1)
            return
        try:
            result = self._timed(fn)
        except BaseException as exc:  # handed back to the caller, never lost
            _hand_back(loop, _set_exception, future, exc)
        else:
            _hand_back(loop, _set_result, future, result)

    def _drop(self, count: int) -> None:
        if count:
            self.dropped += count
            self._dropped.inc(count)

    def _timed(self, fn: Callable[[], T]) -> T:
        started = time.perf_counter()
        try:
            return fn()
        finally:
            self._busy.inc(time.perf_counter() - started)
            self._jobs_run.inc()

    def _put(self, job: Any, priority: int = NORMAL) -> None:
        if job is not _STOP:
            self._depth.inc()
        self._jobs.put((priority, next(self._order), job))

    async def run(self, fn: Callable[[], T], urgent: bool = False) -> T:
        result: T = await self._queued(lambda future, loop: (fn, future, loop), urgent)
        return result

    async def run_batched(
        self, item: Any, batch: Callable[[Sequence[Any]], Sequence[Any]], urgent: bool = False
    ) -> Any:
        """``batch([item, ...])`` on the worker, with every other waiting job of the same
        ``batch`` function: this item's result."""
        return await self._queued(lambda future, loop: _Batched(item, batch, future, loop), urgent)

    async def _queued(self, job: Callable[[Any, Any], Any], urgent: bool) -> Any:
        """Queue the job ``job(future, loop)`` makes and wait for its result."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        self.pending += 1
        self._put(job(future, loop), URGENT if urgent else NORMAL)
        try:
            return await future
        finally:
            self.pending -= 1

    def submit_background(self, fn: Callable[[], Any]) -> None:
        """Queue ``fn`` behind every other job, now and later (a job queued after it still
        goes first), and don't wait for it. Its errors are logged, not raised. Once the
        worker is closing, background work is dropped: it never holds up a shutdown."""

        def job() -> None:
            if self._closing:
                return
            try:
                fn()
            except Exception:
                log.exception("background job on the %s worker failed", self.name)

        if not self._closing:
            self._put((job, None, None), BACKGROUND)

    def submit_sync(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` on the worker from a thread that has no event loop (start-up checks)."""
        done = threading.Event()
        box: dict[str, Any] = {}

        def job() -> None:
            try:
                box["result"] = fn()
            except BaseException as exc:
                box["error"] = exc
            finally:
                done.set()

        self._put((job, None, None))
        while not done.wait(1.0):
            if not self.alive:
                raise RuntimeError(f"the {self.name} model worker has stopped")
        if "error" in box:
            raise box["error"]
        return box.get("result")  # type: ignore[return-value]

    def close(self, timeout: float = 30.0) -> None:
        """Stop the thread once the jobs already queued are done (background work is
        dropped)."""
        self._closing = True
        _LIVE.discard(self)
        for _ in self._threads:
            self._put(_STOP, LAST)  # each thread takes one and stops
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            if thread.is_alive() and threading.current_thread() is not thread:
                thread.join(max(0.0, deadline - time.monotonic()))


# Every worker not closed yet: closed at exit, so no model is running in a thread while the
# interpreter tears itself down (a native library aborts the process then: Piper's
# onnxruntime did, in background work left running when a test session ended).
_LIVE: weakref.WeakSet[ModelWorker] = weakref.WeakSet()


@atexit.register
def _close_all() -> None:
    for worker in list(_LIVE):
        worker.close(timeout=10.0)


def _set_result(future: asyncio.Future[Any], value: Any) -> None:
    if not future.done():
        future.set_result(value)


def _set_exception(future: asyncio.Future[Any], exc: BaseException) -> None:
    if not future.done():
        future.set_exception(exc)


def _hand_back(loop: asyncio.AbstractEventLoop, setter: Any, future: Any, value: Any) -> None:
    """A result goes back to its loop; a loop that has closed meanwhile (its call ended, a
    test finished) gets nothing, and the worker carries on with the next job instead of
    dying, which would leave every later job, and start-up's warm-up, waiting for ever."""
    try:
        loop.call_soon_threadsafe(setter, future, value)
    except RuntimeError:  # "Event loop is closed"
        pass
