"""`receptionist eval`: the scenarios of SCENARIOS.md (and a site's own) played as calls.

Each scenario is a TOML file (docs/scenarios.md): the caller's lines, the setup (bookings
already there, how the backend behaves, what a transfer does) and what must hold at the end
in the store, the backend and the claims, and where the call went. A scenario passes on
those records, not on wording. Text level drives the conversation (``TextCall``) (fast); ``--audio``
plays the same lines as synthesized 8 kHz speech through the audio pipeline and transcribes
the agent's audio back.

Whatever a scenario expects, every run also checks the rules: reconciliation finds no false
claim, no backend key was committed twice, and every booked row is booked in the backend.
"""

from __future__ import annotations

import asyncio
import json
import re
import tempfile
import time
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from difflib import SequenceMatcher
from importlib import resources
from pathlib import Path
from typing import Any

from receptionist.app.config import ConfigError, Settings, example_config_text, example_settings
from receptionist.domain.saying import DAY_NAMES
from receptionist.harness.text_call import TextCall
from receptionist.media.leg import TransferResult
from receptionist.store.db import Store, now_iso
from receptionist.tools.booking import BookingService
from receptionist.tools.claims import asserts_outcome
from receptionist.tools.confirmation_route import route_for
from receptionist.tools.followup import outbox_worker
from receptionist.tools.reconcile import reconcile
from receptionist.tools.scripted_backend import ScriptedBackend

DEADLINE_S = 0.4  # the booking deadline in scenarios: short, so a timeout costs little
DEFAULT_CAPABILITY = "other"  # a scenario file without a `capability` key


@dataclass(frozen=True)
class Turn:
    say: str = ""
    dtmf: str = ""
    silence: bool = False
    hangup: bool = False  # the caller hangs up here
    barge_in_ms: int | None = None  # audio: start this long into the agent's reply


@dataclass(frozen=True)
class CallSpec:
    caller_id: str
    turns: tuple[Turn, ...]
    noise: bool = False  # audio: background noise on the caller's line


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    today: date
    calls: tuple[CallSpec, ...]
    setup: dict[str, Any]
    expect: dict[str, Any]
    path: str = ""
    capability: str = DEFAULT_CAPABILITY  # what the report groups it under ("book", "cancel", ...)
    # The business called, an example's name ("dental"): its profile in place of the one run
    # with (the salon's, unless a config says otherwise)
    business: str = ""

    @property
    def transfer_outcome(self) -> str:
        return str(self.setup.get("transfer", "answered"))


@dataclass
class CallRun:
    said: list[str] = field(default_factory=list)
    outcome: str = ""
    barge_ins: int = 0
    caller_turns: int = 0
    transcript: list[str] = field(default_factory=list)  # audio: the turns as the store has them
    # The call in order, as (speaker, text): ("agent", what it said), ("caller", what the
    # caller said, or "[keypad 0]", "[silence]", "[hangs up]"). Filled by the call runner;
    # the report shows it for a failed scenario.
    conversation: list[tuple[str, str]] = field(default_factory=list)
    # Text level: the end-of-turn verdict on each caller line, said whole where it is said
    # ("complete" ends the turn 300 ms after the caller, "unsure" 760, "hesitant" 1200).
    verdicts: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Line:
    """One line of a scenario's conversation in the report."""

    call: int  # 1 for the first call, 2 for a call-back, ...
    speaker: str  # "agent" or "caller" ("note" when the runner did not record the order)
    text: str

    def as_dict(self) -> dict[str, Any]:
        return {"call": self.call, "speaker": self.speaker, "text": self.text}


@dataclass
class Result:
    id: str
    passed: bool
    reason: str
    seconds: float = 0.0
    heard: list[list[str]] = field(default_factory=list)  # audio: per call, turns and transcript
    capability: str = DEFAULT_CAPABILITY
    conversation: list[Line] = field(default_factory=list)
    verdicts: list[str] = field(default_factory=list)  # the calls' CallRun.verdicts

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "capability": self.capability,
                               "passed": self.passed, "reason": self.reason,
                               "seconds": round(self.seconds, 2)}  # fmt: skip
        if self.heard:
            out["calls"] = self.heard
        if not self.passed:
            out["conversation"] = [line.as_dict() for line in self.conversation]
        return out


# -- loading -----------------------------------------------------------------------------


def _turn(raw: Any, where: str) -> Turn:
    if isinstance(raw, str):
        return Turn(say=raw)
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: a turn is a string or a table, not {raw!r}")
    allowed = {"say", "dtmf", "silence", "hangup", "barge_in_ms"}
    unknown = set(raw) - allowed
    if unknown:
        raise ValueError(f"{where}: unknown turn key(s) {sorted(unknown)}; allowed: "
                         f"{sorted(allowed)}")  # fmt: skip
    return Turn(**raw)


def load_scenario(path: str | Path, text: str | None = None) -> Scenario:
    source = str(path)
    try:
        data = tomllib.loads(text if text is not None else Path(path).read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"{source}: cannot read the scenario ({exc})") from exc
    for key in ("id", "calls", "expect"):
        if key not in data:
            raise ValueError(f"{source}: '{key}' is missing")
    capability = data.get("capability", DEFAULT_CAPABILITY)
    if not isinstance(capability, str) or not re.fullmatch(r"[a-z0-9][a-z0-9-]*", capability):
        raise ValueError(f"{source}: 'capability' is a lowercase name such as \"book\" or "
                         f"\"time-taken\", not {capability!r}")  # fmt: skip
    business = str(data.get("business", ""))
    if business:
        try:
            example_config_text(business)
        except ConfigError as exc:
            raise ValueError(f"{source}: 'business': {exc}") from exc
    calls = []
    for n, raw in enumerate(data["calls"], 1):
        turns = tuple(_turn(t, f"{source}: calls[{n}]") for t in raw.get("turns", []))
        calls.append(CallSpec(str(raw.get("caller_id", "5551234567")), turns,
                              bool(raw.get("noise", False))))  # fmt: skip
    return Scenario(
        id=str(data["id"]),
        title=str(data.get("title", "")),
        today=date.fromisoformat(str(data.get("today", "2026-11-24"))),
        calls=tuple(calls),
        setup=dict(data.get("setup", {})),
        expect=dict(data["expect"]),
        path=source,
        capability=capability,
        business=business,
    )


def bundled_scenarios() -> list[Scenario]:
    folder = resources.files("receptionist") / "scenarios"
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".toml")), key=lambda f: f.name)
    return [load_scenario(f"receptionist/scenarios/{f.name}", f.read_text()) for f in files]


def load_scenarios(paths: list[str] | None = None) -> list[Scenario]:
    if not paths:
        return bundled_scenarios()
    found: list[Scenario] = []
    for p in paths:
        path = Path(p)
        files = sorted(path.glob("*.toml")) if path.is_dir() else [path]
        found += [load_scenario(f) for f in files]
    return found


# -- one scenario's world: a store file and a backend ------------------------------------


@dataclass
class World:
    scenario: Scenario
    folder: Path
    store: Store
    backend: ScriptedBackend
    bookings: BookingService

    @classmethod
    def make(cls, scenario: Scenario, settings: Settings, folder: Path) -> World:
        store = Store(folder / "receptionist.db")
        backend = ScriptedBackend(list(scenario.setup.get("backend", [])))
        for n, b in enumerate(scenario.setup.get("bookings", []), 1):
            service = settings.profile.service(b["service"])
            if service is None:
                raise ValueError(f"{scenario.path}: setup booking {n}: unknown service "
                                 f"{b['service']!r}")  # fmt: skip
            start = datetime.fromisoformat(b["start"])
            end = start + timedelta(minutes=service.minutes)
            key = f"setup-{n}"
            ref = backend.add(key, start, end, service.name, b.get("name", ""))
            store.insert(
                "bookings",
                {
                    "key": key,
                    "call_id": "",
                    "service": service.name,
                    "start": start.isoformat(timespec="minutes"),
                    "end": end.isoformat(timespec="minutes"),
                    "name": b.get("name", ""),
                    "phone": b.get("phone", ""),
                    "status": "booked",
                    "backend": backend.name,
                    "backend_ref": ref,
                    "created_at": now_iso(),
                    "updated_at": now_iso(),
                },
            )
        bookings = BookingService(
            store, backend, settings.profile, deadline_s=DEADLINE_S,
            slot_minutes=settings.booking.slot_minutes,
        )  # fmt: skip
        return cls(scenario, folder, store, backend, bookings)


# -- text level ------------------------------------------------------------------------


async def run_text_call(
    world: World,
    settings: Settings,
    spec: CallSpec,
    call_id: str,
    confidence: Mapping[str, float] | None = None,
) -> CallRun:
    """The call's turns said to the real conversation; ``confidence``: how sure speech to text
    was of a line (1.0 where not given)."""
    outcome = world.scenario.transfer_outcome

    async def connect(extension: str, summary: str, warm: bool) -> TransferResult:
        return TransferResult(extension, outcome)

    call = TextCall.start(
        settings.profile, world.store, world.bookings, call_id, spec.caller_id,
        world.scenario.today, connect=connect, warm_transfer=settings.transfer.warm,
        confirmations=route_for(settings),
    )  # fmt: skip
    run = CallRun()
    for turn in spec.turns:
        if call.ended:
            break
        if turn.hangup:
            call.lines.append(("caller", "[hangs up]"))
            break
        if turn.say:
            run.caller_turns += 1
            run.verdicts.append(call.end_of_turn_verdict(turn.say))
            await call.say(turn.say, (confidence or {}).get(turn.say, 1.0))
        elif turn.silence:
            await call.silence()
        else:
            await call.press(turn.dtmf)
    await call.hang_up()
    run.said = list(call.said)
    run.conversation = list(call.lines)
    run.outcome = str(call.conversation.outcome)
    return run


# -- the checks --------------------------------------------------------------------------


def _norm(text: str) -> str:
    """Words only: "3 P.M." and "3 pm" match, and so do "5 5 5, 8 6 7" and "555-867"."""
    words = re.sub(r"\s+", " ", re.sub(r"[^a-z0-9 ]", " ", text.lower().replace(".", "")))
    words = re.sub(r"(?<=\d)(?:st|nd|rd|th)\b", "", words)  # "26th" is "26"
    words = re.sub(r"(?<=\d) (?=\d)", "", words)
    return re.sub(r"(?<=\d) (?=(?:am|pm)\b)", "", words).strip()


def _heard_in(phrase: str, heard: str, original: str = "") -> bool:
    """The phrase in a transcript of the agent's audio, word by word, allowing for what a
    small Whisper does to it ("Ciao I cancel it", "canceled", "book for haircut"): each word
    may be a near spelling, one word in four may be lost or wrong, but names and numbers
    (capitalized or digit words of the original phrase) must be there."""
    if phrase in heard:
        return True
    want = phrase.split()
    keys = {
        w.lower()
        for n, w in enumerate(re.sub(r"[^\w' ]", " ", original).split())
        if any(c.isdigit() for c in w)
        or (n > 0 and len(w) > 1 and w[0].isupper())
        or w.lower() in _CALENDAR_WORDS
    }
    keys = {_norm(k) for k in keys} & set(want)
    allowed = len(want) // 4
    words = heard.split()
    for size in (len(want), len(want) - 1, len(want) + 1):
        for i in range(max(0, len(words) - size + 1)):
            window = [_nearest(h, want) for h in words[i : i + size]]
            blocks = SequenceMatcher(None, want, window, autojunk=False).get_matching_blocks()
            matched = {want[b.a + k] for b in blocks for k in range(b.size)}
            count = sum(b.size for b in blocks)
            if keys <= matched and count >= len(want) - allowed:
                return True
    return False


_CALENDAR_WORDS = {d.lower() for d in DAY_NAMES} | {
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "am", "pm",
}  # fmt: skip


def _nearest(word: str, want: list[str]) -> str:
    for w in want:
        if w == word or SequenceMatcher(None, w, word).ratio() >= 0.75:
            return w
    return word


def _match_rows(what: str, rows: list[dict], expected: list[dict],
                fields: Callable[[dict], dict]) -> list[str]:  # fmt: skip
    """Each expected row matches one actual row on the fields it names; counts are equal."""
    actual = [fields(r) for r in rows]
    left = list(actual)
    problems = []
    for want in expected:
        hit = next((a for a in left if all(str(a.get(k)) == str(v) for k, v in want.items())),
                   None)  # fmt: skip
        if hit is None:
            problems.append(f"{what}: expected {want}, have {actual}")
        else:
            left.remove(hit)
    if left and not problems:
        problems.append(f"{what}: unexpected {left}")
    return problems


def _booking_fields(r: dict) -> dict:
    return {"service": r["service"], "start": r["start"], "status": r["status"],
            "name": r["name"], "phone": r["phone"]}  # fmt: skip


async def check(
    world: World, runs: list[CallRun], expect: dict[str, Any], audio: bool
) -> list[str]:
    store = world.store
    problems: list[str] = []
    if "bookings" in expect:
        problems += _match_rows("bookings", store.rows("bookings"), expect["bookings"],
                                _booking_fields)  # fmt: skip
    if "messages" in expect:
        problems += _match_rows("messages", store.rows("messages"), expect["messages"],
                                lambda r: {"for": r["for_staff"],
                                           "callback_number": r["callback_number"],
                                           "caller_name": r["caller_name"]})  # fmt: skip
    if "transfers" in expect:
        problems += _match_rows("transfers", store.rows("transfers"), expect["transfers"],
                                lambda r: {"extension": r["extension"], "target": r["target"],
                                           "outcome": r["outcome"], "warm": r["warm"]})  # fmt: skip
    if "escalations" in expect:
        rules = [r["rule"] for r in store.rows("escalations")]
        if rules != list(expect["escalations"]):
            problems.append(f"escalations: expected {expect['escalations']}, have {rules}")
    kinds = [c["kind"] for c in store.rows("claims")]
    if "claims" in expect and kinds != list(expect["claims"]):
        problems.append(f"claims: expected {expect['claims']}, have {kinds}")
    for kind in expect.get("claims_include", []):
        if kind not in kinds:
            problems.append(f"claims: expected a {kind!r} claim, have {kinds}")
    if "outcome" in expect and runs and runs[-1].outcome != expect["outcome"]:
        problems.append(f"outcome: expected {expect['outcome']}, have {runs[-1].outcome}")
    said = _norm(" ".join(s for r in runs for s in r.said))
    for phrase in expect.get("said", []):
        # A list is alternatives: what the text says, and what speech-to-text hears of it.
        options = [phrase] if isinstance(phrase, str) else list(phrase)
        if audio:
            hit = any(_heard_in(_norm(o), said, o) for o in options)
        else:
            hit = any(_norm(o) in said for o in options)
        if not hit:
            problems.append(f"said: {options[0]!r} not in what the agent said")
    for phrase in expect.get("not_said", []):
        if _norm(phrase) in said:
            problems.append(f"said: {phrase!r} should not have been said")
    if not audio:
        # Rule 1, sentence by sentence: whatever tells the caller something happened is a
        # claim saved from a committed record, word for word.
        claimed = {c["sentence"] for c in store.rows("claims")}
        for sentence in (x for r in runs for x in r.said):
            if asserts_outcome(sentence) and sentence not in claimed:
                problems.append(f"an outcome was said without a claim: {sentence!r}")
    if audio:
        if expect.get("barge_in") and not any(r.barge_ins for r in runs):
            problems.append("barge-in: the agent's audio was never cut")
        if "caller_turns" in expect:
            turns = sum(r.caller_turns for r in runs)
            if turns != expect["caller_turns"]:
                problems.append(f"caller turns: expected {expect['caller_turns']}, have {turns}")
    problems += await _rules_hold(world)
    retry = expect.get("after_retry")
    if retry is not None and not problems:
        problems += await _after_retry(world, retry)
    return problems


async def _rules_hold(world: World) -> list[str]:
    problems = []
    twice = {k: n for k, n in world.backend.commits.items() if n > 1}
    if twice:
        problems.append(f"duplicate commits in the backend: {twice}")
    report = await reconcile(world.store, world.backend)
    problems += [f"reconcile: {m}" for m in report.mismatches + report.unverified]
    return problems


async def _after_retry(world: World, retry: dict[str, Any]) -> list[str]:
    """The backend is back: one outbox pass (as a restarted daemon would do) settles it."""
    world.backend.modes.clear()
    worker = outbox_worker(world.store, world.backend)
    try:
        await worker.run_once()
    finally:
        worker.close()
    problems = []
    if "bookings" in retry:
        problems += _match_rows("after retry: bookings", world.store.rows("bookings"),
                                retry["bookings"], _booking_fields)  # fmt: skip
    if "commits" in retry:
        total = sum(world.backend.commits.values())
        if total != retry["commits"]:
            problems.append(f"after retry: {total} backend commits, expected {retry['commits']}")
    if "confirmations" in retry:
        count = len(world.store.rows("confirmations"))
        if count != retry["confirmations"]:
            problems.append(f"after retry: {count} confirmations, expected "
                            f"{retry['confirmations']}")  # fmt: skip
    kinds = [c["kind"] for c in world.store.rows("claims")]
    if "claims" in retry and kinds != list(retry["claims"]):
        problems.append(f"after retry: claims {kinds}, expected {retry['claims']}")
    return problems + await _rules_hold(world)


# -- running -----------------------------------------------------------------------------


CallRunner = Callable[[World, Settings, CallSpec, str], Any]


async def run_scenario(scenario: Scenario, settings: Settings,
                       call_runner: CallRunner | None = None) -> Result:  # fmt: skip
    started = time.perf_counter()
    if scenario.business:
        settings = replace(settings, profile=example_settings(scenario.business).profile)
    audio = call_runner is not None
    runner = call_runner or run_text_call
    with tempfile.TemporaryDirectory(prefix=f"eval-{scenario.id}-") as tmp:
        world = World.make(scenario, settings, Path(tmp))
        runs: list[CallRun] = []
        try:
            for n, spec in enumerate(scenario.calls, 1):
                runs.append(await runner(world, settings, spec, f"{scenario.id}-call{n}"))
            problems = await check(world, runs, scenario.expect, audio)
        except Exception as exc:  # a crash is a failure with its reason, not the end of the run
            problems = [f"error: {type(exc).__name__}: {exc}"]
        finally:
            world.store.close()
    reason = "; ".join(problems) if problems else "ok"
    heard = [r.transcript + [f"heard: {' '.join(r.said)}"] for r in runs] if audio else []
    # runs may stop short of the calls when one crashed
    pairs = enumerate(zip(scenario.calls, runs, strict=False), 1)
    lines = [line for n, (spec, r) in pairs for line in conversation(n, spec, r)]
    verdicts = [v for r in runs for v in r.verdicts]
    return Result(scenario.id, not problems, reason, time.perf_counter() - started, heard,
                  scenario.capability, lines, verdicts)  # fmt: skip


def conversation(call: int, spec: CallSpec, run: CallRun) -> list[Line]:
    """The call's lines in order: from ``run.conversation`` when the runner recorded it, else
    from the store's turns (audio), else the caller's turns then the agent's lines, marked so."""
    if run.conversation:
        return [Line(call, speaker, text) for speaker, text in run.conversation]
    if run.transcript:
        said = [t.split(": ", 1) for t in run.transcript if ": " in t]
        return [Line(call, speaker, text) for speaker, text in said]
    note = Line(call, "note", "the runner did not record the order: caller turns, then agent")
    caller = [Line(call, "caller", _turn_text(t)) for t in spec.turns]
    return [note, *caller, *(Line(call, "agent", s) for s in run.said)]


def _turn_text(turn: Turn) -> str:
    if turn.hangup:
        return "[hangs up]"
    if turn.silence:
        return "[silence]"
    if turn.dtmf:
        return f"[keypad {turn.dtmf}]"
    return turn.say


async def run_all(scenarios: list[Scenario], settings: Settings,
                  call_runner: CallRunner | None = None) -> list[Result]:  # fmt: skip
    return [await run_scenario(s, settings, call_runner) for s in scenarios]


def by_capability(results: list[Result]) -> dict[str, list[Result]]:
    """The results grouped by capability, capabilities in alphabetical order."""
    groups: dict[str, list[Result]] = {}
    for r in results:
        groups.setdefault(r.capability, []).append(r)
    return dict(sorted(groups.items()))


def report(results: list[Result], level: str) -> dict[str, Any]:
    return {
        "level": level,
        "total": len(results),
        "passed": sum(r.passed for r in results),
        "capabilities": {
            name: {"passed": sum(r.passed for r in group), "total": len(group)}
            for name, group in by_capability(results).items()
        },
        "scenarios": [r.as_dict() for r in results],
    }


def print_table(results: list[Result], level: str, verbose: bool = False) -> None:
    """One line per scenario, grouped by capability, each group closed by its tally; with
    ``verbose``, a failed scenario's conversation under its line; then every tally again and
    the total."""
    width = max([len(r.id) for r in results] + [8])
    print(f"{'scenario':<{width}}  result  reason")
    groups = by_capability(results)
    tallies = {name: f"{sum(r.passed for r in g)}/{len(g)}" for name, g in groups.items()}
    for name, group in groups.items():
        print(f"-- {name}")
        for r in group:
            print(f"{r.id:<{width}}  {'pass' if r.passed else 'FAIL':<6}  {r.reason}")
            if verbose and not r.passed:
                _print_conversation(r.conversation)
        print(f"{name}: {tallies[name]}")
    print()
    for name, tally in tallies.items():
        print(f"{name}: {tally}")
    passed = sum(r.passed for r in results)
    print(f"{passed}/{len(results)} passed ({level} level)")


def _print_conversation(lines: list[Line]) -> None:
    calls = {line.call for line in lines}
    current = 0
    for line in lines:
        if len(calls) > 1 and line.call != current:
            current = line.call
            print(f"      call {current}:")
        print(f"      {line.speaker + ':':<7} {line.text}")


def main_eval(
    settings: Settings,
    paths: list[str] | None,
    audio: bool,
    as_json: bool,
    only: str | None = None,
    speed: float = 2.0,
    verbose: bool = False,
    drift: dict[str, Any] | None = None,
) -> int:
    scenarios = load_scenarios(paths)
    if only:
        scenarios = [s for s in scenarios if re.search(only, s.id)]
    runner: CallRunner | None = None
    if audio:
        from receptionist.harness.eval_audio import audio_call_runner

        runner = audio_call_runner(settings, speed)
    results = asyncio.run(run_all(scenarios, settings, runner))
    level = "audio" if audio else "text"
    if as_json:
        print(json.dumps(report(results, level), indent=2))
    else:
        print_table(results, level, verbose)
    if drift:  # issue 12: --save-baseline / --baseline (harness/drift.py)
        from receptionist.harness.drift import check_or_save

        return check_or_save(report(results, level), settings, **drift)
    return 0 if all(r.passed for r in results) else 1
