"""One call's life: a CallLeg wired to the audio pipeline and the conversation.

Owns the call's tasks (listener, speaker, PBX events), records every turn with its
per-stage timings, and always leaves a record of how the call ended and why, whatever
failed (ARCHITECTURE rule 4).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from receptionist import telemetry
from receptionist.app.config import Settings
from receptionist.app.runtime import Runtime
from receptionist.dialog.actions import Hangup, Say
from receptionist.dialog.conversation import Conversation
from receptionist.dialog.events import (
    CallerLeft,
    CallerSaid,
    DigitPressed,
    Event,
    SilenceElapsed,
)
from receptionist.dialog.frame import Expect, Frame, Outcome
from receptionist.dialog.turn_end import asks_about_a_service, judge_turn
from receptionist.domain.profile import BusinessProfile
from receptionist.effects import Effects, drive
from receptionist.media import loop_lag
from receptionist.media.audio import pcm_to_array, ringback_frames, split_frames
from receptionist.media.endpoint import EndpointSettings
from receptionist.media.gate import frame_rms
from receptionist.media.leg import CallerHungUp, CallLeg, DtmfPressed, LegFailed, TransferResult
from receptionist.media.listener import CallerTurn, Listener, Silence, sounds_hesitant
from receptionist.media.models import Models
from receptionist.media.speaker import Speaker, Utterance
from receptionist.media.tts import Speech
from receptionist.media.wire import SENT
from receptionist.store.db import Store
from receptionist.tools.booking import BookingService
from receptionist.tools.confirmation_route import route_for

log = logging.getLogger(__name__)

# How long a hang-up waits for the caller's last words to be transcribed (a decode is ~0.3 s;
# a loaded box's queue, a few seconds).
LAST_WORDS_WAIT_S = 5.0
# Answers whose every word is the record: decoded in Whisper's full window even where the site
# chose a shorter one for speed (a name, a phone number, the name or day that finds a booking).
PRECISE_ANSWERS = frozenset({Expect.NAME, Expect.PHONE, Expect.VERIFY})
_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")


@dataclass
class ReplyTiming:
    """One agent reply and how long each stage took.

    Two voice-to-voice figures: the pipeline's (the VAD's last speech frame to the first
    reply frame queued on the leg) and the line's (the last frame with the caller's energy
    in to the first reply frame actually sent: what the caller waits through).
    """

    turn: CallerTurn | None
    sentences: list[str] = field(default_factory=list)
    first_action_at: float | None = None
    first_audio_at: float | None = None  # the first frame queued on the leg
    first_sent_at: float | None = None  # that frame on the wire (monotonic, as loop.time())
    first_frame: bytes | None = None
    tts_ms: int | None = None
    tool_ms: int | None = None  # booking backend and store, while the caller waited
    interrupted: bool = False
    resumed: int = 0  # times a noise cut it off and it went on (the cut sentence said again)
    utterances: list[Utterance] = field(default_factory=list)

    def cut_off(self) -> None:
        """The call ended: any sentence not played to its end was not fully spoken."""
        if any(not u.done.done() or u.done.result() is False for u in self.utterances):
            self.interrupted = True

    def timings(self) -> dict[str, int]:
        out: dict[str, int] = {}
        if self.resumed:
            out["resumed_after_noise"] = self.resumed
        turn = self.turn
        if turn is None:
            return out
        if self.first_action_at is not None:
            out["dialog_ms"] = _ms(self.first_action_at - turn.transcribed_at)
        if self.tts_ms is not None:
            out["tts_ms"] = self.tts_ms
        if self.tool_ms is not None:
            out["tool_ms"] = self.tool_ms
        if self.first_audio_at is not None:
            out["v2v_ms"] = _ms(self.first_audio_at - turn.last_speech_at)
        if self.first_sent_at is not None:
            out["v2v_line_ms"] = _ms(self.first_sent_at - turn.heard_end_at)
        return out

    def mark_sent(self, at: float) -> None:
        self.first_sent_at = at


@dataclass
class Dtmf:
    digit: str


@dataclass
class Gone:
    who: str  # caller, failed
    reason: str


CallInput = CallerTurn | Silence | Dtmf | Gone


def judge_caller_turn(
    text: str,
    frame: Frame,
    expecting: Expect | None,
    profile: BusinessProfile,
    today: date,
    *,
    first_words: bool = False,
) -> str:
    """The verdict on a trial transcript: its words trail off ("hesitant": wait longest),
    else the dialog's (dialog/turn_end.py). Whisper ends a whole question with a comma now
    and then ("how much is a kid's cut,"): where the comma is all that trails off and the
    question names what it asks, the turn is whole. Where the words before the comma are
    whole otherwise (a name asked for: "Mary Jones,", as tiny.en writes many a last word from
    voices not ours), the comma may still lead on ("..., that's Smyth with a Y"): the
    default wait, not the hesitation's."""
    if not sounds_hesitant(text):
        return judge_turn(text, frame, expecting, profile, today, first_words=first_words)
    words = text.strip()
    before = words.rstrip(", ")
    if not words.endswith(",") or sounds_hesitant(before):
        return "hesitant"
    if asks_about_a_service(before, profile, today):
        return "complete"
    whole = judge_turn(before, frame, expecting, profile, today, first_words=first_words)
    return "unsure" if whole == "complete" else "hesitant"


class Call:
    def __init__(
        self,
        leg: CallLeg,
        settings: Settings,
        store: Store,
        models: Models,
        bookings: BookingService,
        *,
        bridge: str = "local",
        today: Callable[[], date] = date.today,
        endpoint: EndpointSettings | None = None,
        silence_s: float = 8.0,
        recordings_dir: str | None = None,
        naive: bool = False,
        understander: Any = None,
        model_fingerprints: dict[str, Any] | None = None,
        audio_turns: bool = True,
    ) -> None:
        self.leg = leg
        self.model_fingerprints = model_fingerprints or {}  # kept with the call's record
        self.settings = settings
        self.store = store
        self.models = models
        self.bridge = bridge
        self.recordings_dir = recordings_dir
        # naive: the sequential baseline the benchmark compares against (a fixed 500 ms
        # silence wait, transcribe, the whole reply, synthesize it all, then play).
        self.naive = naive
        if naive:
            endpoint = EndpointSettings(end_frames_default=25, end_frames_min=25, end_frames_max=25)
        self.today = today
        # The clock of the call's own day (a test or eval sets ``today``): what has "already
        # passed" and which free times are offered follow the same calendar as the dialog.
        self._now = lambda: datetime.combine(today(), datetime.now().time())
        self.conversation = Conversation(
            settings.profile,
            caller_id=leg.caller_id,
            today=today(),
            now=self._now,
            warm_transfer=settings.transfer.warm,
        )
        self.call_id = leg.call_id  # the record's id once the call starts (run)
        self.effects = Effects(store, bookings, leg.call_id, connect=self._transfer, now=self._now,
                               confirmations=route_for(settings))  # fmt: skip
        self.understander = understander  # a capable model's reading, where a site has one
        self._held: list[Say] = []  # naive: the whole reply, said at once
        self.speaker = Speaker(leg, models.tts)
        self.speaker.on_first_frame = self._first_frame
        self.listener = Listener(
            leg,
            models.vad,
            models.vad_worker,
            models.stt,
            endpoint,
            agent_speaking=lambda: (self.speaker.busy and not self._cut) or self._thinking,
            on_speech_start=self._caller_started,
            on_noise=self._noise_turn,
            silence_frames=int(silence_s * 50),
            judge=self._judge_turn,
            speculative=not naive,
            turn_model=None if naive or not audio_turns else models.turn,
            turn_worker=models.turn_worker,
            precise=self._precise,
        )
        self.speaker.on_frame = self._agent_frame
        self.inputs: asyncio.Queue[CallInput] = self.listener.inputs  # type: ignore[assignment]
        self._reply: ReplyTiming | None = None
        self._thinking = False  # a reply is being worked out (tools may be running)
        self._tasks: list[asyncio.Task[Any]] = []
        self.recording_path: str | None = None
        self.barge_ins: list[tuple[int, int]] = []  # (caller speech frame, frames dropped)
        self._paused_from: int | None = None  # the caller's turn that holds our next reply
        self._cut = False  # that turn cut our voice: words drop the held reply, noise resumes it
        self._saying_goodbye = False  # from our goodbye's first word to the hang-up
        self._spoke_over_goodbye = False  # the caller started a turn while it was said
        self._noise_over_goodbye: asyncio.Future[None] | None = None
        self._went_on: CallerTurn | None = None  # said over the goodbye: the call goes on

    @classmethod
    def on(cls, leg: CallLeg, runtime: Runtime, **options: Any) -> Call:
        """A call on ``leg`` with the runtime's settings, store, models and bookings."""
        options.setdefault("understander", getattr(runtime, "understander", None))
        options.setdefault("model_fingerprints", getattr(runtime, "model_fingerprints", None))
        return cls(
            leg, runtime.settings, runtime.store, runtime.models, runtime.bookings,
            today=runtime.today, **options,
        )  # fmt: skip

    # -- the call's life -----------------------------------------------------------------------

    async def run(self) -> Conversation:
        leg, conversation = self.leg, self.conversation
        self.call_id = self.store.start_call(
            leg.call_id, leg.caller_id, leg.called_number, self.bridge
        )
        lag_monitor = loop_lag.monitor()
        lag_from = lag_monitor.now()
        self.effects.call_id = self.call_id
        if self.model_fingerprints:
            self.store.update("calls", self.call_id,
                              {"models": json.dumps(self.model_fingerprints)})  # fmt: skip
        hung_up_by = ""
        try:
            self.speaker.start()
            self._spawn(self._listen(), "listener")
            self._spawn(self._pump_events(), "events")
            self._greet()
            while not conversation.ended:
                item = self._went_on or await self.inputs.get()
                self._went_on = None
                if not isinstance(item, CallerTurn):
                    self._resume()
                elif self._paused_from is not None and item.first_speech_frame >= (
                    self._paused_from
                ):
                    # The turn the caller started while our reply to the one before was
                    # on its way: that reply, unheard, is stale; the answer to this comes
                    # next, not both in a row (claims are still said). A turn that cut our
                    # voice was words, not noise: the rest of what we were saying goes.
                    if self._cut:
                        self.speaker.interrupt()
                        if self._reply is not None:
                            self._reply.interrupted = True
                    elif self.speaker.drop_unheard() and self._reply is not None:
                        self._reply.interrupted = True
                    self._resume()
                if isinstance(item, Gone) and self._reply is not None:
                    self._reply.cut_off()
                self._close_reply()
                if isinstance(item, Gone):
                    last_words = await self._last_words()
                    await drive(
                        conversation, self.effects, CallerLeft(item.reason, last_words), self
                    )
                    hung_up_by = "caller"
                    if item.who == "failed":
                        conversation.outcome, conversation.reason = Outcome.FAILED, item.reason
                        hung_up_by = "link"
                    break
                if isinstance(item, CallerTurn):
                    self._store_turn(item)
                    said = await self._caller_said(item)
                    await self._perform(said, ReplyTiming(item))
                elif isinstance(item, Silence):
                    await self._perform(SilenceElapsed(), ReplyTiming(None))
                elif isinstance(item, Dtmf):
                    await self._perform(DigitPressed(item.digit), ReplyTiming(None))
            if conversation.ended and not hung_up_by:
                hung_up_by = "agent" if conversation.outcome != Outcome.TRANSFERRED else ""
        except asyncio.CancelledError:
            conversation.outcome = Outcome.FAILED
            conversation.reason = "daemon stopped during the call"
            raise
        except Exception as exc:
            telemetry.error("call_internal", self.bridge)
            log.exception("call %s failed", self.call_id)
            conversation.outcome, conversation.reason = Outcome.FAILED, f"internal error: {exc}"
            await self._apologise()
        finally:
            self._close_reply()
            await self._wind_down()
            self.store.end_call(
                self.call_id,
                str(conversation.outcome),
                conversation.reason,
                hung_up_by,
                {**conversation.counts, **audio_timing(leg, lag_monitor.since(lag_from))},
            )
            if conversation.outcome == Outcome.TRANSFERRED:
                await self._end_after_transfer()
        return conversation

    def _store_turn(self, turn: CallerTurn, **marks: int) -> None:
        self.store.add_turn(
            self.call_id,
            "caller",
            turn.text,
            {
                "stt_ms": turn.stt_ms,
                "endpoint_ms": turn.endpoint_ms,
                "endpoint_line_ms": _ms(turn.ended_at - turn.heard_end_at),
                "speculative": int(turn.speculative),
                "end_wait_by": turn.end_wait_by,
                **marks,
            },
        )

    async def _last_words(self) -> str:
        """What the caller said as they hung up: the turn still in progress at the click, or
        one ended but still being transcribed. Each is kept as a caller turn (marked
        ``after_hangup``: nobody answered it), and their words go to the conversation with
        the hang-up, so a message said just before it is not lost (rule 4)."""
        try:
            await asyncio.wait_for(self.listener.end_of_line(), LAST_WORDS_WAIT_S)
        except TimeoutError:
            log.warning("call %s: the caller's last words were not transcribed within %.0f s",
                        self.call_id, LAST_WORDS_WAIT_S)  # fmt: skip
        words = []
        while not self.inputs.empty():
            item = self.inputs.get_nowait()
            if isinstance(item, CallerTurn):
                self._store_turn(item, after_hangup=1)
                telemetry.LAST_WORDS.inc()
                words.append(item.text)
        return " ".join(words)

    async def _end_after_transfer(self) -> None:
        """A transferred call goes on between caller and staff: its record ends when that
        conversation does (issue 10, defect 4), not at the transfer."""
        ended = await self.leg.wait_released()
        if ended is not None:
            self.store.end_transferred_call(self.call_id, ended)

    async def _caller_said(self, turn: CallerTurn) -> CallerSaid:
        confidence = float(getattr(turn, "confidence", 1.0))
        model = None
        if self.understander is not None:
            expecting = self.conversation.expecting
            try:
                model = await self.understander.understand(
                    turn.text, self.today(), expecting.value if expecting else None
                )
            except Exception as exc:  # the rules carry the turn whatever the model did
                log.warning("call %s: model understanding failed: %s", self.call_id, exc)
        return CallerSaid(turn.text, confidence, model)

    def _greet(self) -> None:
        saved = self.effects.resumable(self.leg.caller_id)
        greeting = self.conversation.start(saved)
        reply = ReplyTiming(None)
        self._reply = reply
        utterances = [self._say(action, reply) for action in greeting if isinstance(action, Say)]
        if self.settings.recording.enabled and self.settings.profile.recording_notice:
            # Record only once the caller has heard the notice.
            self._spawn(self._record_after(utterances[0]), "recording")

    async def _record_after(self, notice: Utterance) -> None:
        if not await notice.done:
            return
        path = self._recording_path()
        try:
            await self.leg.start_recording(path)
        except Exception as exc:
            log.error("call %s: recording did not start: %s", self.call_id, exc)
            return
        self.recording_path = path
        self.store.update("calls", self.call_id, {"recording_path": path})
        log.info("call %s: recording from now, to %s", self.call_id, path)

    def _recording_path(self) -> str:
        """Where the PBX writes this call's recording (a folder it can write to)."""
        folder = Path(self.recordings_dir or self.settings.recording.dir)
        folder.mkdir(parents=True, exist_ok=True)
        name = recording_name(self.call_id)
        return str((folder / f"{name}.wav").resolve())

    async def _perform(self, event: Event, reply: ReplyTiming) -> None:
        self._reply = reply
        self._thinking = True
        self.effects.tool_s = 0.0
        try:
            await drive(self.conversation, self.effects, event, self)
            if self.effects.tool_s:
                reply.tool_ms = _ms(self.effects.tool_s)
            if self._held:  # naive: the whole reply as one text
                self._say(Say(" ".join(s.text for s in self._held)), reply)
                self._held.clear()
        finally:
            self._thinking = False

    # -- the conversation's output (effects.Output) ----------------------------------------------

    def say(self, action: Say) -> None:
        reply = self._reply
        if reply is None:
            return
        if reply.first_action_at is None:
            reply.first_action_at = asyncio.get_running_loop().time()
        if reply.interrupted:
            return  # the caller cut in: the rest of this reply is not spoken
        if self.naive:
            self._held.append(action)
            return
        self._say(action, reply)

    async def hangup(self, action: Hangup) -> None:
        if self._held and self._reply is not None:
            self._say(Say(" ".join(s.text for s in self._held)), self._reply)
            self._held.clear()
        self._saying_goodbye = True
        try:
            await self.speaker.drain()
            said = await self._said_over_goodbye()
        finally:
            self._saying_goodbye = self._spoke_over_goodbye = False
        if said is not None and self.conversation.reopen(said.text):
            log.info("call %s: the caller went on over the goodbye: %r", self.call_id, said.text)
            self._went_on = said  # answered next, as any turn
            return
        if said is not None:
            self._store_turn(said, over_goodbye=1)  # kept on the record, though it asked nothing
        await self.leg.hangup()

    async def _said_over_goodbye(self) -> CallerTurn | None:
        """The caller's words, where they spoke over our goodbye (a turn that started after
        it did): waited for until that turn ends and is transcribed, or is found to be
        noise. None when they said nothing (or noise only, or not within
        ``LAST_WORDS_WAIT_S``)."""
        if not (self._spoke_over_goodbye or self.listener.endpointer.in_turn):
            return None
        loop = asyncio.get_running_loop()
        noise: asyncio.Future[None] = loop.create_future()
        self._noise_over_goodbye = noise
        words = asyncio.ensure_future(self._next_turn())
        either: list[asyncio.Future[Any]] = [words, noise]
        try:
            while True:  # a turn still going on is waited for to its end (at most 30 s)
                done, _ = await asyncio.wait(either, timeout=LAST_WORDS_WAIT_S,
                                             return_when=asyncio.FIRST_COMPLETED)  # fmt: skip
                if done or not self.listener.endpointer.in_turn:
                    break
        finally:
            self._noise_over_goodbye = None
            if not words.done():
                words.cancel()
        if words.done() and not words.cancelled():
            return words.result()
        return None

    async def _next_turn(self) -> CallerTurn | None:
        """The next caller turn in ``inputs``; anything else first (the caller hung up, a
        key, a silence) means there is none to wait for: it goes back for the loop."""
        item = await self.inputs.get()
        if isinstance(item, CallerTurn):
            return item
        self.inputs.put_nowait(item)
        return None

    def _say(self, action: Say, reply: ReplyTiming) -> Utterance:
        reply.sentences.append(action.text)
        utterance = self.speaker.say(
            action.text,
            cache=action.cache and not self.naive,
            reply=reply,
            use_cache=not self.naive,
            claim=action.claim,
        )
        reply.utterances.append(utterance)
        return utterance

    def _first_frame(self, utterance: Utterance, speech: Speech, frame: bytes) -> None:
        reply = utterance.reply
        if isinstance(reply, ReplyTiming) and reply.first_audio_at is None:
            reply.first_audio_at = asyncio.get_running_loop().time()
            reply.tts_ms = speech.compute_ms
            reply.first_frame = frame
            SENT.watch(frame, reply.mark_sent)

    def _agent_frame(self, frame: bytes) -> None:
        """What we send is what may come back as echo: the gate weighs the caller by it."""
        level = frame_rms(pcm_to_array(frame))
        self.listener.gate.agent_frame(level, asyncio.get_running_loop().time())

    def _caller_started(self, frame: int) -> None:
        speaker = self.speaker
        if self._saying_goodbye:
            self._spoke_over_goodbye = True  # heard before we hang up
        if self._cut:
            return  # already silent, waiting for that turn's words
        if speaker.busy and (self.naive or speaker.draining or speaker.paused):
            # Dropped at once, as before the hold: what must be heard now (goodbye, the hold
            # words) is never held for later; nor is a reply still waiting unheard, nor the
            # naive pipeline's.
            dropped = speaker.interrupt()
            self.barge_ins.append((frame, dropped))
            if self._reply is not None:
                self._reply.interrupted = True
        elif speaker.busy:
            # Silent at once; whether the rest is dropped waits for the words (a cough, a
            # door, the line's noise must not cost the caller what we were telling them).
            self.barge_ins.append((frame, speaker.hold()))
            self._cut = True
            self._paused_from = frame  # the turn that cut our voice decides what becomes of it
        elif not self.naive:
            # Nothing plays, but a reply may be on its way (the turn before is still being
            # transcribed or answered): it waits until we know what the caller says now.
            self.speaker.pause()
            self._paused_from = frame

    def _noise_turn(self, first_speech_frame: int) -> None:
        """The turn that paused the speaker was only noise: what waits is said."""
        noise = self._noise_over_goodbye
        if noise is not None and not noise.done():
            noise.set_result(None)  # what cut into the goodbye was no words: hang up
        if self._paused_from is not None and first_speech_frame >= self._paused_from:
            if self._cut and self._reply is not None:
                self._reply.resumed += 1
            self._resume()

    def _resume(self) -> None:
        self._paused_from = None
        self._cut = False
        self.speaker.resume()

    def _close_reply(self) -> None:
        reply, self._reply = self._reply, None
        if reply is None:
            return
        if reply.first_frame is not None:
            SENT.dropped(reply.first_frame)  # not sent by now: it never will be
        if not reply.sentences:
            return
        self.store.add_turn(
            self.call_id,
            "agent",
            " ".join(reply.sentences),
            reply.timings(),
            interrupted=reply.interrupted,
        )

    def _precise(self) -> bool:
        """Is the next turn an answer whose every word is the record, for the full window?"""
        expecting = self.conversation.expecting
        return expecting in PRECISE_ANSWERS and self.models.stt.record_in_full_window()

    def _judge_turn(self, text: str) -> str:
        """Is what the caller said so far a whole turn? Sets how long to wait for more."""
        conversation = self.conversation
        return judge_caller_turn(text, conversation.frame, conversation.expecting,
                                 self.settings.profile, conversation.today,
                                 first_words=not conversation.caller_spoke)  # fmt: skip

    # -- PBX side ------------------------------------------------------------------------------

    async def _listen(self) -> None:
        try:
            await self.listener.run()
        except ValueError as exc:  # a malformed frame from the PBX
            telemetry.error("bad_audio", self.bridge)
            self.inputs.put_nowait(Gone("failed", f"bad audio from the PBX: {exc}"))
            return
        self.inputs.put_nowait(Gone("caller", "audio ended"))

    async def _pump_events(self) -> None:
        async for event in self.leg.events():
            if isinstance(event, DtmfPressed):
                self.inputs.put_nowait(Dtmf(event.digit))
            elif isinstance(event, CallerHungUp):
                self.inputs.put_nowait(Gone("caller", event.reason))
            elif isinstance(event, LegFailed):
                telemetry.error("leg_failed", self.bridge)
                self.inputs.put_nowait(Gone("failed", event.reason))

    async def _transfer(self, extension: str, summary: str, warm: bool) -> TransferResult:
        await self.speaker.drain()  # the caller hears the hold words first
        frames: list[bytes] = []
        if warm:
            speech = await self.models.tts.speak(summary, self.leg.sample_rate)
            frames = list(split_frames(speech.pcm, self.leg.sample_rate))
        # While the staff phone rings the caller hears ringback, not silence.
        ringing = asyncio.ensure_future(self._ringback())
        try:
            return await self.leg.transfer(extension, summary, warm, frames)
        finally:
            ringing.cancel()
            await asyncio.gather(ringing, return_exceptions=True)
            self.leg.stop_playback()

    async def _ringback(self) -> None:
        for frame in itertools.cycle(ringback_frames(self.leg.sample_rate)):
            await self.leg.play(frame)

    async def _apologise(self) -> None:
        try:
            self.speaker.interrupt()
            self.speaker.say(
                "I'm sorry, something went wrong on our side. Please call again, "
                "or hold and someone will call you back."
            )
            await asyncio.wait_for(self.speaker.drain(), 10)
            await self.leg.hangup()
        except Exception as exc:
            log.error("call %s: could not apologise: %s", self.call_id, exc)

    async def _wind_down(self) -> None:
        if self.recording_path is not None:
            try:
                await self.leg.stop_recording()
            except Exception as exc:
                log.warning("call %s: stop recording failed: %s", self.call_id, exc)
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.speaker.stop()

    def _spawn(self, coro: Any, name: str) -> None:
        self._tasks.append(asyncio.get_running_loop().create_task(coro, name=name))


def _ms(seconds: float) -> int:
    return int(round(seconds * 1000))


def recording_name(call_id: str) -> str:
    """The recording's file name for a call: its id when that is a plain name, or a fresh one.
    A call id is the switch's (or a peer's) text, never a path of its own ("../../x", a NUL)."""
    if _SAFE_NAME.fullmatch(call_id):
        return call_id
    name = f"call-{uuid.uuid4().hex}"
    log.warning("call id %s has characters a file name may not have: recording as %s.wav",
                call_id.encode("unicode_escape")[:80], name)  # fmt: skip
    return name


def audio_timing(leg: CallLeg, lag: loop_lag.LoopLag) -> dict[str, int]:
    """The call record's audio timing (issue 10, defect 2): frames sent late to the caller,
    and how late the event loop ran during the call (max and 95th percentile)."""
    timing = leg.send_timing()
    values = {"loop_lag_max_ms": lag.max_ms, "loop_lag_p95_ms": lag.p95_ms}
    if timing is not None:
        values |= {"frames_sent": timing.frames_sent, "late_frames": timing.late_frames}
    return values
