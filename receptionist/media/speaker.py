"""The agent's voice: sentences in, paced 20 ms frames out, and barge-in.

Each sentence is handed to TTS as soon as it is queued (so sentence n+1 is synthesized
while sentence n plays); frames go to the leg in order. Barge-in is two steps: ``hold()``
silences the agent at once (the leg's queued frames are dropped) and keeps the cut sentence
and what follows; then ``interrupt()`` drops them (the caller said something) or
``resume()`` says the cut sentence again from its start (it was only noise).
"""

from __future__ import annotations

import asyncio
import collections
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from receptionist.media.audio import split_frames
from receptionist.media.leg import CallLeg, LegClosedError
from receptionist.media.tts import Speech, Synthesizer, speech_pieces
from receptionist.media.wire import SENT

log = logging.getLogger(__name__)


@dataclass
class Utterance:
    text: str
    speech: asyncio.Future[Speech]
    done: asyncio.Future[bool]  # True once fully played, False if cut or dropped
    reply: object | None = None
    queued_at: float = field(default_factory=time.perf_counter)
    claim: bool = False  # tells the caller of a committed record: never dropped unheard


class Speaker:
    def __init__(self, leg: CallLeg, tts: Synthesizer) -> None:
        self.leg = leg
        self.tts = tts
        self._queue: collections.deque[Utterance] = collections.deque()
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._generation = 0
        self._task: asyncio.Task[None] | None = None
        # The first frame of each utterance, just before it is queued on the leg.
        self.on_first_frame: Callable[[Utterance, Speech, bytes], None] | None = None
        self.on_frame: Callable[[bytes], None] | None = None  # every frame handed to the leg
        self.frames_played = 0
        self.interruptions = 0
        self.closed = False  # the leg ended: nothing queued from now on is played
        self._paused = False  # the caller is talking: no new utterance starts
        self._draining = False  # what is queued must be heard now: no hold

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="speaker")
        self.tts.call_started()  # start-up's background sentences wait meanwhile

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
            self.tts.call_ended()
        self._drop_queue()

    @property
    def busy(self) -> bool:
        return not self._idle.is_set()

    def say(
        self,
        text: str,
        cache: bool = False,
        reply: object | None = None,
        use_cache: bool = True,
        claim: bool = False,
    ) -> Utterance:
        """Queue ``text``; a reply of several sentences is synthesized a sentence at a time
        (a long sentence a clause at a time), so the first plays while the next is made.
        Returns the last utterance."""
        sentences = speech_pieces(text) if use_cache else [text]
        for sentence in sentences[:-1]:
            self._queue_one(sentence, cache, reply, use_cache, claim)
        return self._queue_one(sentences[-1] if sentences else text, cache, reply, use_cache, claim)

    def _queue_one(
        self, text: str, cache: bool, reply: object | None, use_cache: bool, claim: bool
    ) -> Utterance:
        loop = asyncio.get_running_loop()
        if self.closed:
            done: asyncio.Future[bool] = loop.create_future()
            done.set_result(False)
            return Utterance(text, loop.create_future(), done, reply)
        speech = asyncio.ensure_future(
            self.tts.speak(text, self.leg.sample_rate, cache, use_cache=use_cache)
        )
        utterance = Utterance(text, speech, loop.create_future(), reply, claim=claim)
        self._queue.append(utterance)
        self._idle.clear()
        self._wake.set()
        return utterance

    def pause(self) -> None:
        """The caller has started talking while nothing plays: start no new utterance until
        ``resume`` (what is queued meanwhile waits, unheard)."""
        self._paused = True

    def resume(self) -> None:
        if self._paused:
            self._paused = False
            self._wake.set()

    def drop_unheard(self) -> list[Utterance]:
        """While paused: drop what waits unheard, except claims (a committed booking is
        still told). The caller went on talking after a turn we took as finished, so the
        reply to it is stale: the reply to what they said next replaces it."""
        if not self._paused:
            return []
        dropped = [u for u in self._queue if not u.claim]
        for utterance in dropped:
            self._queue.remove(utterance)
            utterance.speech.cancel()
            if not utterance.done.done():
                utterance.done.set_result(False)
        if not self._queue:  # paused: nothing is playing
            self._idle.set()
        return dropped

    @property
    def draining(self) -> bool:
        """Playing what must be heard before the call moves on (goodbye, the hold words)."""
        return self._draining and self.busy

    def hold(self) -> int:
        """Barge-in, before we know it is words: stop the sound now (the leg's queued frames
        are dropped; returns how many) and keep the cut sentence and the rest, unplayed.
        ``resume()`` plays the cut sentence again from its start; ``interrupt()`` drops it."""
        self._generation += 1
        self._paused = True
        return self.leg.stop_playback()

    @property
    def paused(self) -> bool:
        return self._paused

    def interrupt(self) -> int:
        """Barge-in: drop every queued and playing frame now; returns frames dropped."""
        self._generation += 1
        self.interruptions += 1
        dropped = self.leg.stop_playback()
        self._drop_queue()
        return dropped

    def _drop_queue(self) -> None:
        while self._queue:
            utterance = self._queue.popleft()
            utterance.speech.cancel()
            if not utterance.done.done():
                utterance.done.set_result(False)
        if self._task is None or self._task.done():
            self._idle.set()

    async def drain(self) -> None:
        """Until everything queued has played (a pause ends: what must be heard now, such
        as goodbye or the hold words before a transfer, is not held for the caller)."""
        self._draining = True
        try:
            self.resume()
            await self._idle.wait()
        finally:
            self._draining = False

    async def _run(self) -> None:
        try:
            await self._speak()
        except LegClosedError:
            # The call has ended under us: nothing more can be heard. Whatever is queued
            # (or queued later) counts as not played, and drain() doesn't wait for it.
            self.closed = True
            self._drop_queue()
            self._idle.set()

    async def _speak(self) -> None:
        while True:
            if not self._queue or self._paused:
                if not self._queue:
                    self._idle.set()
                self._wake.clear()
                await self._wake.wait()
                continue
            utterance = self._queue[0]
            generation = self._generation
            try:
                speech = await utterance.speech
            except asyncio.CancelledError:
                if utterance.speech.cancelled() and generation != self._generation:
                    continue
                raise
            except Exception as exc:  # TTS failed: say nothing rather than stall the call
                log.error("text-to-speech failed for %r: %s", utterance.text, exc)
                self._finish(utterance, False)
                continue
            if generation != self._generation:
                continue
            first = True
            for frame in split_frames(speech.pcm, self.leg.sample_rate):
                if generation != self._generation:
                    break
                if first and self.on_first_frame is not None:
                    self.on_first_frame(utterance, speech, frame)
                first = False
                if self.on_frame is not None:
                    self.on_frame(frame)
                try:
                    await self.leg.play(frame)
                except BaseException:
                    # Never queued (the call ended under us): whoever watches for it going
                    # out stops watching, or it is held for the life of the process.
                    SENT.dropped(frame)
                    raise
                self.frames_played += 1
            if generation != self._generation:
                continue
            if len(self._queue) == 1:
                await self.leg.wait_played()  # busy until the last frame is out
                if generation != self._generation:
                    continue  # held or dropped before its last frames were out
            self._finish(utterance, True)

    def _finish(self, utterance: Utterance, played: bool) -> None:
        if self._queue and self._queue[0] is utterance:
            self._queue.popleft()
        if not utterance.done.done():
            utterance.done.set_result(played)
