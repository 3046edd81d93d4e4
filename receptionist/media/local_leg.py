"""A call without a PBX: a scripted caller in, the agent's audio out, 20 ms at a time.

One clock drives both directions like a phone line: every tick the caller sends one frame
(speech from the script, or silence) and the agent's next queued frame, if any, goes out.
``speed`` > 1 runs the same ticks faster than real time (tests); everything is counted in
ticks, so what happened when is the same at any speed.
"""

from __future__ import annotations

import asyncio
import collections
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from receptionist.media.audio import array_to_pcm, phone_line, read_wav, split_frames, write_wav
from receptionist.media.leg import (
    FRAME_MS,
    CallerHungUp,
    CallLeg,
    DtmfPressed,
    LegClosedError,
    LegEvent,
    LegInfo,
    TransferResult,
    frame_bytes,
)
from receptionist.media.wire import SENT

RATE = 8000


@dataclass
class CallerLine:
    """One thing the scripted caller does: speak audio, or press a key.

    ``barge_in_ms``: instead of waiting for the agent to finish, start this many ms after
    the agent starts its next reply (an interruption).
    """

    audio: np.ndarray | None = None  # int16 at 8 kHz, already phone-line quality
    dtmf: str = ""
    barge_in_ms: int | None = None
    label: str = ""

    @classmethod
    def from_wav(cls, path: str | Path, **kwargs: object) -> CallerLine:
        samples, rate = read_wav(path)
        return cls(audio=phone_line(samples, rate), label=str(path), **kwargs)  # type: ignore[arg-type]

    @classmethod
    def from_samples(cls, samples: np.ndarray, rate: int, **kwargs: object) -> CallerLine:
        return cls(audio=phone_line(samples, rate), **kwargs)  # type: ignore[arg-type]


@dataclass
class LegLog:
    """What happened, in ticks (one tick = 20 ms of line time)."""

    agent_frames: list[int] = field(default_factory=list)  # ticks at which agent audio went out
    caller_speech: list[tuple[int, int]] = field(default_factory=list)  # [start, end) per line
    flushes: list[tuple[int, int]] = field(default_factory=list)  # (tick, frames dropped)
    transfers: list[tuple[str, str, int]] = field(default_factory=list)  # ext, summary, frames
    recordings: list[tuple[str, int]] = field(default_factory=list)  # ("start"/"stop", tick)
    hangup_tick: int | None = None
    tick_times: list[float] = field(default_factory=list)  # the loop's clock at each tick
    hung_up_by: str = ""


class LocalLeg(CallLeg):
    def __init__(
        self,
        lines: Sequence[CallerLine],
        *,
        caller_id: str = "5551234567",
        call_id: str = "local-1",
        speed: float = 1.0,
        agent_gap_ms: int = 1500,
        first_wait_ms: int = 30000,
        hangup_after_ms: int | None = 3000,
        transfer_outcome: str = "answered",
        background: np.ndarray | None = None,
        echo: tuple[float, int] | None = None,
        agent_frames_per_tick: int = 1,
        leave_after_ms: int | None = None,
    ) -> None:
        super().__init__(LegInfo(call_id=call_id, caller_id=caller_id, called_number="100"))
        self.lines = list(lines)
        self.speed = speed
        self.agent_gap_ticks = agent_gap_ms // FRAME_MS
        self.first_wait_ticks = first_wait_ms // FRAME_MS
        self.hangup_after_ticks = None if hangup_after_ms is None else hangup_after_ms // FRAME_MS
        self.transfer_outcome = transfer_outcome
        self.background = background  # int16 noise added to every caller frame
        self.echo = echo  # (gain, delay_ms): the agent's own voice coming back
        self.log = LegLog()
        # > 1: the agent's audio is consumed faster than the caller's (benchmarks that
        # measure only when a reply starts don't need to sit through all of it).
        self.agent_frames_per_tick = agent_frames_per_tick
        # The caller hangs up this long after their last line, answered or not (instead of
        # ``hangup_after_ms`` after the agent's answer): "... call me back, bye", click.
        self.leave_after_ticks = None if leave_after_ms is None else leave_after_ms // FRAME_MS
        self.tick = 0
        self._frame = frame_bytes(RATE)
        self._out: collections.deque[bytes] = collections.deque()
        self._in: asyncio.Queue[bytes | None] = asyncio.Queue()
        self._events: asyncio.Queue[LegEvent | None] = asyncio.Queue()
        self._space = asyncio.Event()
        self._drained = asyncio.Event()
        self._drained.set()
        self._agent_track: list[bytes] = []
        self._caller_track: list[bytes] = []
        self._clock: asyncio.Task[None] | None = None
        self._ended = asyncio.Event()
        self._recording = False
        self._last_line_end = -1
        self.agent_timeout_ticks = 20000 // FRAME_MS

    # -- the line's clock ----------------------------------------------------------------------

    def start(self) -> None:
        if self._clock is None:
            self._clock = asyncio.get_running_loop().create_task(self._run(), name="local-leg")

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        period = FRAME_MS / 1000.0 / self.speed
        next_at = loop.time()
        script = self._script()
        silence = b"\x00" * self._frame
        echo_delay = (self.echo[1] // FRAME_MS) if self.echo else 0
        try:
            while not self._ended.is_set():
                self.log.tick_times.append(loop.time())
                out = self._out.popleft() if self._out else None
                if out is not None:
                    self.log.agent_frames.append(self.tick)
                    SENT.sent(out, loop.time())
                for _ in range(self.agent_frames_per_tick - 1):
                    if self._out:
                        SENT.sent(self._out.popleft(), loop.time())
                        self.log.agent_frames.append(self.tick)
                if len(self._out) < 3 * self.agent_frames_per_tick:
                    self._space.set()
                if not self._out:
                    self._drained.set()
                self._agent_track.append(out or silence)
                caller = next(script, None)
                if caller is None:
                    self._caller_left()
                    break
                if self.echo and len(self._agent_track) > echo_delay:
                    caller = _mix(caller, self._agent_track[-1 - echo_delay], self.echo[0])
                if self.background is not None:
                    caller = _mix(caller, self._noise_frame(), 1.0)
                self._caller_track.append(caller)
                self._in.put_nowait(caller)
                self.tick += 1
                next_at += period
                await asyncio.sleep(max(0.0, next_at - loop.time()))
        finally:
            self._in.put_nowait(None)
            self._events.put_nowait(None)

    def _noise_frame(self) -> bytes:
        assert self.background is not None
        n = self._frame // 2
        start = (self.tick * n) % max(1, len(self.background) - n)
        return array_to_pcm(self.background[start : start + n])

    def _agent_quiet_for(self, ticks: int) -> bool:
        """The agent has answered the caller's last line and been quiet for ``ticks``."""
        frames = self.log.agent_frames
        if self._out or not frames:
            return False
        if frames[-1] <= self._last_line_end:
            # No answer yet: give up waiting after agent_timeout (the next line goes anyway).
            return self.tick - self._last_line_end >= self.agent_timeout_ticks
        return self.tick - frames[-1] >= ticks

    def _script(self):
        """Caller frames, one per tick, following the script."""
        silence = b"\x00" * self._frame
        waited = 0
        while not self.log.agent_frames and waited < self.first_wait_ticks:
            waited += 1
            yield silence
        for line in self.lines:
            if line.barge_in_ms is not None:
                heard = len(self.log.agent_frames)
                while len(self.log.agent_frames) == heard:  # the agent's next reply starts
                    yield silence
                for _ in range(line.barge_in_ms // FRAME_MS):
                    yield silence
            else:
                while not self._agent_quiet_for(self.agent_gap_ticks):
                    yield silence
            if line.dtmf:
                for digit in line.dtmf:
                    self._events.put_nowait(DtmfPressed(digit))
                    for _ in range(5):
                        yield silence
                self._last_line_end = self.tick
                continue
            assert line.audio is not None
            start = None
            for frame in split_frames(array_to_pcm(line.audio), RATE):
                if start is None and _loud(frame):
                    start = self.tick  # the first frame with speech in it, not the lead-in
                yield frame
            self.log.caller_speech.append((self.tick if start is None else start, self.tick))
            self._last_line_end = self.tick
        if self.leave_after_ticks is not None:
            for _ in range(self.leave_after_ticks):
                yield silence
            return
        if self.hangup_after_ticks is None:
            while True:
                yield silence
        while not self._agent_quiet_for(self.hangup_after_ticks):
            yield silence

    def _caller_left(self) -> None:
        if self.log.hangup_tick is None:
            self.log.hangup_tick = self.tick
            self.log.hung_up_by = "caller"
            self._events.put_nowait(CallerHungUp("caller hung up"))
        self._ended.set()

    # -- CallLeg ---------------------------------------------------------------------------

    async def audio_in(self) -> AsyncIterator[bytes]:
        self.start()
        while True:
            frame = await self._in.get()
            if frame is None:
                return
            yield frame

    async def play(self, frame: bytes) -> None:
        if len(frame) != self._frame:
            raise ValueError(f"agent frame of {len(frame)} bytes; a 20 ms frame is {self._frame}")
        flushes = len(self.log.flushes)
        while len(self._out) >= 3 * self.agent_frames_per_tick and not self._ended.is_set():
            self._space.clear()
            space = asyncio.ensure_future(self._space.wait())
            ended = asyncio.ensure_future(self._ended.wait())
            await asyncio.wait({space, ended}, return_when=asyncio.FIRST_COMPLETED)
            space.cancel()
            ended.cancel()
        if self._ended.is_set():
            raise LegClosedError(f"call {self.call_id} has ended: can't play")
        if len(self.log.flushes) != flushes:
            return  # flushed while it waited for room, like the frames before it (Pacer.put)
        self._out.append(frame)
        self._drained.clear()

    def stop_playback(self) -> int:
        dropped = len(self._out)
        for frame in self._out:
            SENT.dropped(frame)
        self._out.clear()
        self.log.flushes.append((self.tick, dropped))
        self._space.set()
        self._drained.set()
        return dropped

    async def wait_played(self) -> None:
        while self._out and not self._ended.is_set():
            self._drained.clear()
            waiter = asyncio.ensure_future(self._drained.wait())
            ended = asyncio.ensure_future(self._ended.wait())
            await asyncio.wait({waiter, ended}, return_when=asyncio.FIRST_COMPLETED)
            waiter.cancel()
            ended.cancel()

    async def events(self) -> AsyncIterator[LegEvent]:
        while True:
            event = await self._events.get()
            if event is None:
                return
            yield event

    async def transfer(
        self, extension: str, summary: str, warm: bool = True, summary_audio: Sequence[bytes] = ()
    ) -> TransferResult:
        self.log.transfers.append((extension, summary, len(summary_audio)))
        # A staff phone rings for a while before it is answered (or not).
        for _ in range(10):
            await asyncio.sleep(FRAME_MS / 1000.0 / self.speed)
        result = TransferResult(extension, self.transfer_outcome)
        if result.connected:
            self.log.hangup_tick = self.tick
            self.log.hung_up_by = "transferred"
            self._ended.set()
        return result

    async def start_recording(self, path: str) -> None:
        self._recording = True
        self.log.recordings.append(("start", self.tick))

    async def stop_recording(self) -> None:
        if self._recording:
            self._recording = False
            self.log.recordings.append(("stop", self.tick))

    async def hangup(self) -> None:
        if self.log.hangup_tick is None:
            self.log.hangup_tick = self.tick
            self.log.hung_up_by = "agent"
        self._ended.set()
        if self._clock is not None:
            await asyncio.wait({self._clock}, timeout=1.0)

    async def close(self) -> None:
        self._ended.set()
        if self._clock is not None:
            self._clock.cancel()
            await asyncio.gather(self._clock, return_exceptions=True)

    # -- results ---------------------------------------------------------------------------

    def agent_audio(self) -> np.ndarray:
        return np.frombuffer(b"".join(self._agent_track), dtype="<i2")

    def caller_audio(self) -> np.ndarray:
        return np.frombuffer(b"".join(self._caller_track), dtype="<i2")

    def write(self, folder: str | Path) -> dict[str, str]:
        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        write_wav(out / "agent.wav", self.agent_audio(), RATE)
        write_wav(out / "caller.wav", self.caller_audio(), RATE)
        return {"agent": str(out / "agent.wav"), "caller": str(out / "caller.wav")}


def _loud(frame: bytes, dbfs: float = -40.0) -> bool:
    samples = np.frombuffer(frame, dtype="<i2").astype(np.float64)
    rms = float(np.sqrt(np.mean(samples**2))) if len(samples) else 0.0
    return rms > 32768.0 * 10 ** (dbfs / 20)


def _mix(a: bytes, b: bytes, gain: float) -> bytes:
    x = np.frombuffer(a, dtype="<i2").astype(np.int32)
    y = np.frombuffer(b, dtype="<i2").astype(np.int32)
    return np.clip(x + (y * gain).astype(np.int32), -32768, 32767).astype("<i2").tobytes()
