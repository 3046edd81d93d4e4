"""Premature cut-offs against the wait added after speech ends, as LiveKit's eot-bench
prints them, on caller turns with pauses inside them, from voices that are not ours.

Each turn is run once through the listener's own VAD and endpointer (with no end of turn),
which finds its pauses: how long each silence lasted, and at each one (after the
endpointer's ``pause_frames`` of silence) what Smart Turn says of the audio so far and,
optionally, what the dialog's text verdict says of Whisper's transcript of it, as the call
would judge it there: after the line's earlier lines in its call (turn_context.py). A policy
turns those into a silence wait per pause; the turn ends at the first pause whose silence
reaches its wait. Ending at any pause but the last is a premature cut-off; at the last, the
added wait is from the caller's last frame with energy to that decision, as a caller hears
it. Compute time is not part of the wait here (it is in the bench's live calls).

Anchors on eot-bench (not this set): a plain VAD timeout cuts off 55.6 % at 300 ms and
21.7 % at 600 ms; Smart Turn v3.2 35.2 % at 300 ms and 14.8 % at 600 ms.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from receptionist.harness.turn_context import CurveLine, judges_in_context
from receptionist.media.endpoint import (
    Endpointer,
    EndpointSettings,
    SpeechPaused,
    SpeechResumed,
    SpeechStarted,
)
from receptionist.media.gate import frame_rms, last_loud_frame
from receptionist.media.listener import COMPLETE_QUIET_FRAMES
from receptionist.media.models import Models
from receptionist.media.turn_model import SmartTurn

FRAME_MS = 20
TAIL_S = 2.0  # silence after the turn: room for the longest wait
MIN_PAUSED_TURNS = 100
Policy = Callable[["Pause"], int]  # a pause -> the silence (ms) that ends the turn there
# Caller first turns with pauses, said in the curve only (not in the bench's calls): the
# calls' 15 paused lines are few kinds of pause, and drawing them twice over to reach 100
# turns only draws the pauses' lengths again. Written as callers open a call, the pauses
# where callers make them, before any rule was measured on them (2026-11-30).
CURVE_LINES = (
    "I was hoping to get | a trim with Marco | sometime next week.",
    "Could you tell me | how long a colour takes?",
    "Hi, my name is | uh | Sarah Miller, I have a booking.",
    "I need to cancel | my appointment on Friday.",
    "Is it possible to move my booking | to next Monday?",
    "Do you do | beard trims?",
    "I'd like to speak to | someone about a complaint.",
    "Can you ask Marco to call me | when he gets a chance?",
    "What's the price | for a kids cut?",
    "I'm calling about | my booking tomorrow.",
    "Are you open | on Sunday?",
    "Could I book something | for my son | on Saturday morning?",
    "Hi, um, | I'm calling to check | if you have anything today.",
    "I'd like to book a haircut | for my husband.",
    "Yes, hello, | do you do | colours on a Saturday?",
    "I'll be | about ten minutes late | for my appointment.",
)
# Answers with pauses, each after the caller's earlier lines in its call (said whole, to the
# real dialog: what it asks then is what the answer is judged against). Written, with where
# callers pause, before any rule was measured on them (2026-12-01).
_BOOK_THURSDAY = "I'd like to book a haircut on Thursday at three."
_VAGUE = "Could I get a haircut tomorrow afternoon?"
CONTEXT_LINES = (
    CurveLine("It's | John Smith.", (_BOOK_THURSDAY,)),
    CurveLine("Sarah | Miller.", (_BOOK_THURSDAY,)),
    CurveLine("Um, | Friday | if you have it.", ("I'd like to book a beard trim.",)),
    CurveLine("Next | Wednesday | at two.", ("I'd like to book a haircut.",)),
    CurveLine("Around | eleven in the morning.", ("I'd like to book a colour on Friday.",)),
    CurveLine("Hmm, | what times do you have?", ("I'd like to book a beard trim on Friday.",)),
    CurveLine("The second one | please.", (_VAGUE,)),
    CurveLine("Um, | the later one.", (_VAGUE,)),
    CurveLine(
        "Can you tell him | I'm running ten minutes late?",
        ("I'd like to leave a message for Marco.",),
    ),
    CurveLine("It's for | Sarah.", ("I'd like to leave a message.",)),
    CurveLine(
        "It's five five five, | one two three, | four five six seven.",
        ("I'd like to leave a message for Sarah.", "Please call me back about my booking."),
        caller_id="",  # no caller id: the number is asked for
    ),
    CurveLine("Okay, | and how much is a colour?", ("What are your opening hours?",)),
    CurveLine("Great, | can I book one | for Friday at ten?", ("How much is a haircut?",)),
    CurveLine("No, | that's everything, thanks.", (_BOOK_THURSDAY, "John Smith.")),
)
# Written on 2026-12-03 after the turn-end rules of that day, to check them on words they were
# not made from (the first eight before the bare-yes rule, the rest before its "which of
# several times"); on the code before those rules they were cut off 27 % and 30 %.
LATER_LINES = (
    CurveLine("Tuesday | at four, please.", ("Can I get a haircut?",)),
    CurveLine("Maybe | Thursday | around ten.", ("I'd like to book a beard trim.",)),
    CurveLine("Saturday | in the morning.", ("I'd like a colour please.",)),
    CurveLine("Yeah, | how long does that take?", ("Do you do colours?",)),
    CurveLine(
        "Alright, | I'd like to book a haircut then | on Friday at two.",
        ("What are your hours on Friday?",),
    ),
    CurveLine("Yes, hello, my name is | um | Linda Brooks, I'd like to book a trim."),
    CurveLine("To Thursday | at eleven.", ("I'd like to move my appointment.",)),
    CurveLine("Okay, | do you have anything tomorrow?", ("How much is a beard trim?",)),
    CurveLine("Sure, | Thursday if possible.", ("I'd like to book a haircut.",)),
    CurveLine("Hmm, | the first one.", ("Can I get a beard trim tomorrow afternoon?",)),
    CurveLine("Okay, | what about Saturday?", ("Do you do kids cuts?",)),
    CurveLine("Uh, | Monday | at three.", ("I want to book a colour.",)),
    CurveLine("It's | for Marco.", ("I'd like to leave a message.",)),
    CurveLine("Hi, this is | Kate Wilson, | I'm calling to book a trim."),
    CurveLine("Yes, | at noon please.", ("Can I book a haircut on Friday?",)),
    CurveLine("Right, | and a haircut?", ("How much is a colour?",)),
)


@dataclass
class Pause:
    start: int  # the frame the endpointer said "paused" (pause_frames after the last speech)
    runs: list[int] = field(default_factory=list)  # the endpointer's silence count per frame
    final: bool = False
    audio_prob: float = float("nan")  # Smart Turn's probability that the turn is complete
    text_verdict: str = ""  # "complete", "hesitant", "unsure" ("" when not computed)
    heard: str = ""  # the trial transcript the text verdict was given on
    confidence: float = float("nan")  # Whisper's confidence in ``heard`` (Transcript's)
    # frames from the caller's last loud frame to the VAD's last speech frame (-1: unknown)
    vad_lag: int = -1

    def reached(self, wait_ms: int) -> int | None:
        """Frame at which the silence reaches ``wait_ms``; None if it never does."""
        need = max(1, math.ceil(wait_ms / FRAME_MS))
        for i, run in enumerate(self.runs):
            if run >= need:
                return self.start + i
        return None


@dataclass
class PausedTurn:
    voice: str
    text: str
    pauses: list[Pause]
    energy_end: int  # the last frame with the caller's energy
    asked: str = ""  # what the agent had just asked ("first words": nothing was said yet)


def paused_lines(conversations: list[list[str]]) -> list[CurveLine]:
    """The calls' lines with pauses, each after the lines before it in its call."""
    return [
        CurveLine(line, tuple(conv[:n]))
        for conv in conversations
        for n, line in enumerate(conv)
        if "|" in line
    ]


def _speak(models: Models, text: str, voice: str, rng: random.Random) -> np.ndarray:
    from receptionist.harness.bench_calls import spoken_line

    audio, _ = spoken_line(models, text, voice, rng)
    return np.concatenate([audio, np.zeros(int(8000 * TAIL_S), np.int16)])


def analyse_turn(
    models: Models,
    audio: np.ndarray,
    voice: str,
    text: str,
    judge: Callable[[str], str] | None,
    turn_model: SmartTurn,
) -> PausedTurn:
    """Find the pauses of one turn and what each verdict says at each."""
    never = 10**6
    endpointer = Endpointer(EndpointSettings(end_frames_default=never, end_frames_max=never))
    endpointer.set_end_wait(never)
    stream = models.vad.stream()
    pauses: list[Pause] = []
    levels: list[float] = []
    current: Pause | None = None
    first = 0
    for n, i in enumerate(range(0, len(audio) - 159, 160)):
        frame = audio[i : i + 160]
        levels.append(frame_rms(frame))
        for event in endpointer.push(stream.push(frame)):
            if isinstance(event, SpeechStarted) and not pauses:
                first = event.first_speech_frame
            elif isinstance(event, SpeechPaused):
                so_far = audio[max(0, first - 10) * 160 : (n + 1) * 160]
                current = Pause(start=n, audio_prob=turn_model.probability(so_far, 8000))
                loud = last_loud_frame(levels, first, event.last_speech_frame)
                current.vad_lag = max(0, event.last_speech_frame - loud)
                if judge is not None:
                    trial = models.stt.transcribe_sync(so_far, 8000)
                    current.heard, current.confidence = trial.text, trial.confidence
                    current.text_verdict = judge(current.heard)
                pauses.append(current)
            elif isinstance(event, SpeechResumed):
                current = None
        if current is not None:
            current.runs.append(endpointer.silence_frames)
    if pauses:
        pauses[-1].final = True
    last_speech = pauses[-1].start if pauses else len(levels) - 1
    return PausedTurn(voice, text, pauses, last_loud_frame(levels, first, last_speech))


def outcome(turn: PausedTurn, policy: Policy) -> tuple[bool, int | None]:
    """(cut off, added wait in ms when not cut off) of ``policy`` on ``turn``."""
    for pause in turn.pauses:
        at = pause.reached(policy(pause))
        if at is not None:
            if not pause.final:
                return True, None
            return False, (at - turn.energy_end) * FRAME_MS
    return False, None


def policies(with_text: bool) -> dict[str, list[tuple[str, Policy]]]:
    """Each family's settings, from the shortest wait to the longest. The waits for a
    hesitation and for anything else are the listener's own (EndpointSettings)."""
    live = EndpointSettings()
    hesitant = live.end_frames_max * FRAME_MS
    unsure = live.end_frames_default * FRAME_MS
    waits = {"hesitant": hesitant, "unsure": unsure}

    def timeout(ms: int) -> Policy:
        return lambda p: ms

    def audio(threshold: float, ms: int) -> Policy:
        return lambda p: ms if p.audio_prob > threshold else hesitant

    def words(ms: int) -> Policy:
        return lambda p: waits.get(p.text_verdict, ms)

    def words_after_energy(ms: int, quiet_ms: int) -> Policy:
        # The listener's: "complete" ends the turn after ``ms`` of the VAD's silence and no
        # sooner than ``quiet_ms`` after the last loud frame (COMPLETE_QUIET_FRAMES).
        def wait(p: Pause) -> int:
            if p.text_verdict != "complete":
                return waits.get(p.text_verdict, unsure)
            return max(ms, quiet_ms - max(0, p.vad_lag) * FRAME_MS)

        return wait

    def both(threshold: float, ms: int) -> Policy:
        # What the listener does with both: the words' hesitation wins, then the audio's
        # "complete", then the words' "complete" (160 ms), else the default.
        def wait(p: Pause) -> int:
            if p.text_verdict == "hesitant":
                return hesitant
            if p.audio_prob > threshold:
                return ms
            return 160 if p.text_verdict == "complete" else unsure

        return wait

    def agree(threshold: float, ms: int, late: int) -> Policy:
        def wait(p: Pause) -> int:
            if p.text_verdict == "complete" and p.audio_prob > threshold:
                return ms
            return max(late, hesitant) if p.text_verdict == "hesitant" else late

        return wait

    out: dict[str, list[tuple[str, Policy]]] = {
        "vad timeout": [(f"{ms} ms", timeout(ms)) for ms in (200, 300, 400, 500, 600, 800, 1000)],
        "smart turn": [
            (f">{t} then {ms} ms", audio(t, ms))
            for t in (0.5, 0.8)
            for ms in (100, 200, 300, 400, 600)
        ],
    }
    if with_text:
        out["text verdict"] = [(f"complete {ms} ms", words(ms)) for ms in (160, 300, 500)]
        out["text verdict"] += [
            (f"complete 160 ms, {q} ms after the energy", words_after_energy(160, q))
            for q in (300, 400)
        ]
        out["smart turn + text"] = [
            (f">{t} then {ms} ms", both(t, ms)) for t in (0.5, 0.8) for ms in (200, 300, 400)
        ]
        out["smart turn and text"] = [
            (f">{t}+complete {ms}, else {late}", agree(t, ms, late))
            for t in (0.5, 0.8)
            for ms in (200, 300)
            for late in (760, 1000)
        ]
    return out


def curve_rows(turns: list[PausedTurn], with_text: bool) -> list[dict[str, Any]]:
    rows = []
    for family, settings in policies(with_text).items():
        for name, policy in settings:
            rows.append({"policy": family, "setting": name, **_figures(turns, policy)})
    return rows


def _figures(turns: list[PausedTurn], policy: Policy) -> dict[str, float]:
    """The share of ``turns`` cut off under ``policy``, and the wait it added to the rest."""
    results = [outcome(t, policy) for t in turns]
    waits = [w for cut, w in results if not cut and w is not None]
    return {
        "cutoff_rate": sum(cut for cut, _ in results) / max(1, len(results)),
        "added_wait_p50_ms": float(np.median(waits)) if waits else math.nan,
        "added_wait_p95_ms": float(np.percentile(waits, 95)) if waits else math.nan,
    }


# What the live listener does (listener.py) by default: the dialog's verdict on the words
# ("complete": 160 ms and 300 ms after the energy, a hesitation: 1200, else 760); with
# [models] turn set, the words' hesitation, then Smart Turn's "complete" (300 ms), then the
# words' "complete".
OPERATING = (
    "text verdict",
    f"complete 160 ms, {COMPLETE_QUIET_FRAMES * FRAME_MS} ms after the energy",
)
OPERATING_WITH_AUDIO = ("smart turn + text", ">0.5 then 300 ms")


async def cutoff_curve(
    models: Models,
    turn_model: SmartTurn,
    voices: list[str],
    *,
    quick: bool = False,
    text_verdict: bool = True,
    conversations: list[list[str]] | None = None,
    audio_turns: bool = False,
) -> dict[str, Any]:
    """The curve on at least ``MIN_PAUSED_TURNS`` paused turns (fewer with ``quick``): the
    paused lines of ``conversations`` (the bench's calls'), and with the bench's own calls
    unless ``quick``, ``CURVE_LINES`` (first words), ``CONTEXT_LINES`` (answers) and
    ``LATER_LINES`` (both). Each is judged where in its call it is said."""
    from receptionist.app.config import load_settings
    from receptionist.harness.bench import CONVERSATIONS
    from receptionist.harness.bench_calls import TODAY

    lines = paused_lines(conversations or CONVERSATIONS)
    if conversations is None and not quick:
        lines += [CurveLine(text) for text in CURVE_LINES] + list(CONTEXT_LINES)
        lines += LATER_LINES
    judges = await judges_in_context(lines, load_settings().profile, TODAY)
    draws = 1 if quick else max(1, math.ceil(MIN_PAUSED_TURNS / (len(lines) * len(voices))))
    rng = random.Random(1124)
    turns = []
    for _ in range(draws):
        for voice in voices:
            for line in lines:
                audio = _speak(models, line.text, voice, rng)
                asked, judge = judges[line]
                turn = analyse_turn(models, audio, voice, line.text,
                                    judge if text_verdict else None, turn_model)  # fmt: skip
                turn.asked = asked
                turns.append(turn)
    rows = curve_rows(turns, text_verdict)
    point = OPERATING_WITH_AUDIO if audio_turns else OPERATING
    operating = next(
        (r for r in rows if (r["policy"], r["setting"]) == point),
        {"cutoff_rate": math.nan, "added_wait_p50_ms": math.nan},
    )
    return {
        "paused_turns": len(turns),
        "turns": [asdict(t) for t in turns],  # each pause's verdicts: other policies offline
        "voices": voices,
        "rows": rows,
        "operating": {"policy": point[0], "setting": point[1], **operating},
        "operating_by_asked": _by_asked(turns, point, text_verdict),
        "anchors": {
            "vad timeout": {"300 ms": 0.556, "600 ms": 0.217},
            "smart turn v3.2": {"300 ms": 0.352, "600 ms": 0.148},
        },
    }


def _by_asked(
    turns: list[PausedTurn], point: tuple[str, str], with_text: bool
) -> dict[str, dict[str, float]]:
    """The operating point's cut-offs and wait for each kind of turn: first words, and the
    answers to each thing asked."""
    policy = dict(policies(with_text).get(point[0], [])).get(point[1])
    if policy is None:
        return {}
    out = {}
    for asked in sorted({t.asked for t in turns}):
        these = [t for t in turns if t.asked == asked]
        out[asked or "nothing asked"] = {"turns": len(these), **_figures(these, policy)}
    return out


def print_curve(curve: dict[str, Any]) -> None:
    print(
        f"\npremature cut-offs on {curve['paused_turns']} paused turns "
        f"({', '.join(curve['voices'])}), against the wait added after speech ends"
    )
    print(f"{'policy':<20}{'setting':<28}{'cut-off':>9}{'wait p50':>10}{'wait p95':>10}")
    for r in curve["rows"]:
        print(
            f"{r['policy']:<20}{r['setting']:<28}{r['cutoff_rate']:>9.1%}"
            f"{r['added_wait_p50_ms']:>10.0f}{r['added_wait_p95_ms']:>10.0f}"
        )
    op = curve["operating"]
    print(f"operating point ({op['policy']}, {op['setting']}): {op['cutoff_rate']:.1%} cut off")
    for asked, r in curve.get("operating_by_asked", {}).items():
        print(f"  {asked:<18}{r['turns']:>4} turns {r['cutoff_rate']:>7.1%} cut off, "
              f"wait p50 {r['added_wait_p50_ms']:.0f} ms")  # fmt: skip
    print("anchors (eot-bench): vad timeout 55.6 % at 300 ms, 21.7 % at 600 ms; "
          "smart turn v3.2 35.2 % / 14.8 %")  # fmt: skip
