"""One worker thread per model, fed by a queue, results handed back to the event loop.

Models never run on the event loop: a call's audio keeps flowing while Whisper decodes.
Jobs run in the order they were queued, shared by every call.
"""

from __future__ import annotations

import asyncio
import queue
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from receptionist import telemetry

T = TypeVar("T")

_STOP = object()


class ModelWorker:
    def __init__(self, name: str) -> None:
        self.name = name
        self._jobs: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self.pending = 0  # jobs queued or running (read from the loop to shed optional work)
        self._depth = telemetry.MODEL_QUEUE.labels(name)  # every job, on /metrics
        self._busy = telemetry.MODEL_BUSY.labels(name)
        self._jobs_run = telemetry.MODEL_JOBS.labels(name)
        self._thread = threading.Thread(target=self._run, name=f"model-{name}", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            job = self._jobs.get()
            if job is _STOP:
                return
            try:
                self._do(*job)
            finally:
                self._depth.dec()

    def _do(self, fn: Callable[[], Any], future: Any, loop: Any) -> None:
        if loop is None:  # submit_sync: the job reports for itself
            self._timed(fn)
            return
        if future.cancelled():
            return
        try:
            result = self._timed(fn)
        except BaseException as exc:  # handed back to the caller, never lost
            _hand_back(loop, _set_exception, future, exc)
        else:
            _hand_back(loop, _set_result, future, result)

    def _timed(self, fn: Callable[[], T]) -> T:
        started = time.perf_counter()
        try:
            return fn()
        finally:
            self._busy.inc(time.perf_counter() - started)
            self._jobs_run.inc()

    def _put(self, job: tuple[Any, Any, Any]) -> None:
        self._depth.inc()
        self._jobs.put(job)

    async def run(self, fn: Callable[[], T]) -> T:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self.pending += 1
        self._put((fn, future, loop))
        try:
            return await future
        finally:
            self.pending -= 1

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
            if not self._thread.is_alive():
                raise RuntimeError(f"the {self.name} model worker has stopped")
        if "error" in box:
            raise box["error"]
        return box.get("result")  # type: ignore[return-value]

    def close(self, timeout: float = 30.0) -> None:
        """Stop the thread once the jobs already queued are done."""
        self._jobs.put(_STOP)
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout)


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
