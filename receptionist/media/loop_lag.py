"""How late the asyncio loop runs: a 20 ms timer whose lateness is sampled, kept for an hour.

Outgoing audio no longer depends on the loop (``media/sender.py``), but everything else does
(caller audio in, endpointing, replies), so each call keeps the loop's max and p95 lag over
its life on its record, beside its late frames.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import weakref
from dataclasses import dataclass

__all__ = ["LoopLag", "LoopLagMonitor", "monitor"]

INTERVAL_S = 0.02
KEEP = 180_000  # samples: an hour at 20 ms


@dataclass(frozen=True)
class LoopLag:
    samples: int
    max_ms: int
    p95_ms: int


class LoopLagMonitor:
    """Samples the running loop's lag; ``since(t)`` sums up the samples taken after ``t``."""

    def __init__(self, interval_s: float = INTERVAL_S) -> None:
        self.interval_s = interval_s
        self._samples: collections.deque[tuple[float, float]] = collections.deque(maxlen=KEEP)
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run(), name="loop-lag")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            asked = loop.time()
            await asyncio.sleep(self.interval_s)
            now = loop.time()
            self._samples.append((now, max(now - asked - self.interval_s, 0.0)))

    def now(self) -> float:
        return asyncio.get_running_loop().time()

    def since(self, start: float) -> LoopLag:
        lags = sorted(lag for at, lag in self._samples if at >= start)
        if not lags:
            return LoopLag(0, 0, 0)
        p95 = lags[min(len(lags) - 1, int(len(lags) * 0.95))]
        return LoopLag(len(lags), round(lags[-1] * 1000), round(p95 * 1000))


_monitors: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, LoopLagMonitor] = (
    weakref.WeakKeyDictionary()
)


def monitor() -> LoopLagMonitor:
    """The running loop's monitor, started on first use."""
    loop = asyncio.get_running_loop()
    found = _monitors.get(loop)
    if found is None:
        found = _monitors[loop] = LoopLagMonitor()
    found.start()
    return found
