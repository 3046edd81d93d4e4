"""Who may open a caller turn: speech louder than the line's background and than our echo.

The VAD says "speech" for any voice, including the agent's own voice coming back from the
caller's phone (echo, typically 10-20 dB down and 80-200 ms late) and voices behind the
caller (babble). Opening a turn, or cutting the agent off, takes more: the frame must stand
above the recent background level and above what the agent just sent, scaled down by the
echo return loss. Once a turn is open, the VAD alone follows it (a caller's quieter words
must not end their own turn).

The echo return loss is learned per line (``heard_while_talking``): what comes back while we
talk and the caller is silent. A line that returns little of our voice (the phone or the
switch cancels echo, as most do) lowers the echo bar to 6 dB over what it returns, so a
caller who cuts in at a normal level is heard from the first frames of their word; a line
that returns a lot keeps ``echo_loss_db``, the most it assumes. And a frame that stands far
over both bars (``stands_out``) can only be the caller: it opens a barge-in on weak support
from the VAD, whose probability climbs over 60-140 ms at the start of a word.
"""

from __future__ import annotations

import collections
import math
from collections.abc import Sequence

import numpy as np

from receptionist.media.endpoint import Endpointer, EndpointEvent

MEDIAN_EVERY = 10  # frames (200 ms) between two computations of the background level
ECHO_HISTORY = 150  # 3 s of frames heard while we talk: what the line returns of our voice
ECHO_LEARNED_AFTER = 25  # 0.5 s of them before the line's own echo loss is trusted
ECHO_MARGIN = 2.0  # the echo bar: 6 dB over the loudest tenth of what came back
ECHO_LEAST = 10 ** (-40 / 20)  # the most loss it learns (a line of digital silence: no bar)
STANDS_OUT = 3.0  # ~10 dB over the higher bar: no echo and no background is that loud


def frame_rms(samples: np.ndarray) -> float:
    if len(samples) == 0:
        return 0.0
    x = samples.astype(np.float64)
    return float(math.sqrt(float(np.mean(x * x))))


class OpeningGate:
    def __init__(
        self,
        background_frames: int = 150,  # 3 s of the line's recent level
        above_background_db: float = 8.0,
        echo_window_s: float = 0.35,  # covers an echo up to ~250 ms late plus the pacer's lead
        echo_loss_db: float = 12.0,  # the caller must be louder than our voice minus this
        floor_rms: float = 60.0,  # about -55 dBFS: a quiet line is not a reason to refuse
    ) -> None:
        self._levels: collections.deque[float] = collections.deque(maxlen=background_frames)
        self._agent: collections.deque[tuple[float, float]] = collections.deque()
        self._above = 10 ** (above_background_db / 20)
        self._echo_most = 10 ** (-echo_loss_db / 20)
        self._echo = self._echo_most  # until the line's own echo is learned
        self._heard_back: collections.deque[float] = collections.deque(maxlen=ECHO_HISTORY)
        self._echo_stale = 0
        # _agent_level of the frame being heard: learning, stands_out and may_open all ask.
        self._sent_at: float | None = None
        self._sent = 0.0
        self._echo_window = echo_window_s
        self._floor = floor_rms
        self.refused_background = 0
        self.refused_echo = 0
        self._median: float | None = None
        self._stale = 0  # frames added since the median was computed

    def agent_frame(self, rms: float, at: float) -> None:
        """The agent sent a frame of this level at time ``at`` (seconds)."""
        self._agent.append((at, rms))
        while self._agent and at - self._agent[0][0] > self._echo_window:
            self._agent.popleft()
        self._sent_at = None  # the loudest recent frame may have changed

    def background(self) -> float:
        if not self._levels:
            return self._floor
        # The median of 3 s of levels moves slowly: recompute it every MEDIAN_EVERY frames
        # (each frame while the window fills), not per frame per call on the event loop.
        if self._median is None or self._stale >= MEDIAN_EVERY or len(self._levels) < 25:
            self._median = float(np.median(np.fromiter(self._levels, float)))
            self._stale = 0
        return max(self._floor, self._median)

    @property
    def echo_loss_db(self) -> float:
        """The echo return loss the gate assumes now: learned, or the most it assumes."""
        return -20 * math.log10(self._echo)

    def _agent_level(self, at: float) -> float:
        """The loudest frame we sent within an echo's lag of ``at`` (0: we were silent)."""
        if at != self._sent_at:
            window = self._echo_window
            self._sent = max((level for t, level in self._agent if at - t <= window), default=0)
            self._sent_at = at
        return self._sent

    def heard_while_talking(self, rms: float, at: float) -> None:
        """A frame of the line while we talk and no caller turn is open: what the line
        returns of our voice (and its noise). Learns the line's echo loss from them."""
        sent = self._agent_level(at)
        if sent < 10 * self._floor:
            return  # we were (nearly) silent: nothing to learn about our echo
        self._heard_back.append(rms / sent)
        self._echo_stale += 1
        if len(self._heard_back) >= ECHO_LEARNED_AFTER and self._echo_stale >= MEDIAN_EVERY:
            loudest = float(np.percentile(np.fromiter(self._heard_back, float), 90))
            self._echo = min(self._echo_most, max(ECHO_LEAST, ECHO_MARGIN * loudest))
            self._echo_stale = 0

    def may_open(self, rms: float, at: float) -> bool:
        """May a frame of this level (a VAD 'speech' frame) help open a caller turn?"""
        allowed = True
        if rms < self.background() * self._above:
            self.refused_background += 1
            allowed = False
        elif rms < self._agent_level(at) * self._echo:
            self.refused_echo += 1
            allowed = False
        self._levels.append(rms)
        self._stale += 1
        return allowed

    def stands_out(self, rms: float, at: float) -> bool:
        """Is a frame this loud far over both bars, the line's background and our echo?"""
        bar = max(self.background() * self._above, self._agent_level(at) * self._echo)
        return rms >= STANDS_OUT * bar


def loud_threshold(levels: Sequence[float], floor_rms: float = 60.0) -> float:
    """The level above which a frame carries the caller's energy: twice the line's noise
    (its quietest tenth of ``levels``), and at least ``floor_rms``."""
    if not len(levels):
        return floor_rms
    noise = float(np.percentile(np.asarray(levels, dtype=np.float64), 10))
    return max(floor_rms, 2.0 * noise)


def last_loud_frame(levels: list[float], first: int, last: int, floor_rms: float = 60.0) -> int:
    """Index in ``levels`` of the last frame in [first, last] that carries the caller's
    energy: louder than twice the line's noise (its quietest tenth of frames) and than
    ``floor_rms``. The VAD's last speech frame comes 100-200 ms after that (its windows
    and its hangover); what a caller hears as our delay starts here. ``first`` if none."""
    if not levels or last < first:
        return first
    threshold = loud_threshold(levels, floor_rms)
    for index in range(min(last, len(levels) - 1), max(first, 0) - 1, -1):
        if levels[index] > threshold:
            return index
    return first


def hear_frame(
    endpointer: Endpointer,
    gate: OpeningGate,
    probability: float,
    rms: float,
    at: float,
    agent_speaking: bool,
    echo_boost: float,
) -> list[EndpointEvent]:
    """One frame of the line, its VAD probability and level, through the gate into the
    endpointer, as a call hears it. While we talk the VAD's bar is raised by ``echo_boost``
    and the line's echo is learned from the frames before a caller turn opens."""
    endpointer.threshold_boost = echo_boost if agent_speaking else 0.0
    endpointer.agent_speaking = agent_speaking
    if agent_speaking and not endpointer.in_turn:
        gate.heard_while_talking(rms, at)
    stands_out = agent_speaking and gate.stands_out(rms, at)
    may_open = gate.may_open(rms, at)
    return endpointer.push(probability, may_open, stands_out)
