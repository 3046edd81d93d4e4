"""A line that carries one thing the caller says, then silence, then ends."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence

import numpy as np

from receptionist.media.audio import array_to_pcm, split_frames
from receptionist.media.leg import CallLeg, LegEvent, LegInfo, TransferResult


class SlowLine(CallLeg):
    """A caller who says one thing on a line slowed to ``period`` seconds a frame."""

    def __init__(self, samples: np.ndarray, period: float) -> None:
        super().__init__(LegInfo(call_id="slow-line"))
        tail = np.zeros(8000 * 2, np.int16)
        self.frames = list(split_frames(array_to_pcm(np.concatenate([samples, tail])), 8000))
        self.period = period

    async def audio_in(self) -> AsyncIterator[bytes]:
        for frame in self.frames:
            await asyncio.sleep(self.period)
            yield frame

    async def play(self, frame: bytes) -> None: ...

    def stop_playback(self) -> int:
        return 0

    async def wait_played(self) -> None: ...

    async def events(self) -> AsyncIterator[LegEvent]:
        return
        yield

    async def transfer(
        self, extension: str, summary: str, warm: bool = True, summary_audio: Sequence[bytes] = ()
    ) -> TransferResult:
        raise NotImplementedError

    async def start_recording(self, path: str) -> None: ...

    async def stop_recording(self) -> None: ...

    async def hangup(self) -> None: ...
