"""One conversation with its side effects: dialog + tools + store, no audio.

``respond(text)`` yields what the agent does next, in order: sentences to say, a transfer,
a hangup. Sentences that report an outcome come only from tools/claims.py, after the
record is committed. The same session serves a real call (call.py) and the text-level
scenario runs.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from receptionist.dialog.escalation import (
    Escalation,
    check_escalation,
    failed_tool,
    repeated_misunderstanding,
)
from receptionist.dialog.model_understanding import ModelUnderstanding, merge
from receptionist.domain.profile import BusinessProfile, Service
from receptionist.domain.saying import DAY_NAMES, say_day, say_time
from receptionist.dialog.state import DialogState
from receptionist.dialog.understand import Understanding, understand
from receptionist.media.leg import TransferResult
from receptionist.store.db import Store, now_iso
from receptionist.tools.booking import BookingService, at, booking_key
from receptionist.tools.claims import Claims, asserts_outcome
from receptionist.tools.messages import MessageService
from receptionist.tools.transfers import TransferService

log = logging.getLogger(__name__)

RESUME_WINDOW = timedelta(minutes=30)
FILLER_BOOKING = "One moment while I check that for you."
ANYTHING_ELSE = "Is there anything else I can help you with?"
GOODBYE = "Thank you for calling. Goodbye!"


@dataclass(frozen=True)
class Say:
    text: str
    cache: bool = False  # a fixed sentence: synthesize once, reuse
    claim: bool = False  # built from a committed record


@dataclass(frozen=True)
class Hangup:
    reason: str


Action = Say | Hangup
TransferFn = Callable[[str, str, bool], Awaitable[TransferResult]]
Phraser = Callable[[str], AsyncIterator[str]]


@dataclass
class Outcome:
    kind: str = "completed"  # completed, transferred, message, caller_hung_up, failed
    reason: str = ""


@dataclass
class Session:
    call_id: str
    caller_id: str
    profile: BusinessProfile
    store: Store
    bookings: BookingService
    transfer_fn: TransferFn | None = None
    phraser: Phraser | None = None
    today: Callable[[], date] = date.today
    warm_transfer: bool = True
    understander: ModelUnderstanding | None = None  # a capable model, where a site has one
    state: DialogState = field(default_factory=DialogState)
    outcome: Outcome = field(default_factory=Outcome)
    ended: bool = False
    replaced_model_sentences: int = 0

    def __post_init__(self) -> None:
        self.claims = Claims(self.store)
        self.messages = MessageService(self.store)
        self.transfers = TransferService(self.store)
        if self.caller_id and not self.state.phone:
            self.state.phone = _digits(self.caller_id) or None

    # -- the start ---------------------------------------------------------------------------

    def greeting(self) -> list[Say]:
        says = []
        if self.profile.recording_notice:
            says.append(Say(self.profile.recording_notice, cache=True))
        saved = self._resumable()
        if saved is not None:
            self.state = DialogState.resumed(saved)
            self.state.phone = _digits(self.caller_id) or None
            self.state.expecting = "resume"
            what = f"your {self.state.service}" if self.state.service else "your appointment"
            when = f" on {DAY_NAMES[self.state.day.weekday()]}" if self.state.day else ""
            says.append(Say(f"Welcome back! Shall we finish booking {what}{when}?"))
        else:
            says.append(Say(self.profile.greeting, cache=True))
        return says

    def _resumable(self) -> dict | None:
        if not self.caller_id:
            return None
        since = (datetime.now().astimezone() - RESUME_WINDOW).isoformat(timespec="milliseconds")
        row = self.store.first(
            "calls",
            "caller_id = ? and id != ? and state is not null and started_at >= ? "
            "order by started_at desc",
            [self.caller_id, self.call_id, since],
        )
        if row is None:
            return None
        self.store.set_call_state(row["id"], None)  # offered once
        return dict(json.loads(row["state"]))

    # -- each caller turn --------------------------------------------------------------------

    async def respond(self, text: str) -> AsyncIterator[Action]:
        if self.ended:
            return
        self.state.silences = 0
        escalation = check_escalation(text, self.profile)
        if escalation is not None and not self._is_message_text():
            async for action in self._escalate(escalation, text):
                yield action
            return
        u = understand(text, self.profile, self.today(), self.state.expecting)
        if self.understander is not None:
            model = await self.understander.understand(text, self.today(), self.state.expecting)
            u = merge(u, model)
        async for action in self._handle(u):
            yield action

    def _is_message_text(self) -> bool:
        return self.state.expecting == "message_text"

    async def _handle(self, u: Understanding) -> AsyncIterator[Action]:
        s = self.state
        expecting = s.expecting
        s.expecting = None
        if expecting == "message_text" and u.text:
            s.message_text = u.text
            u = Understanding(text=u.text, phone=u.phone, name=u.name)
        elif (
            expecting == "staff"
            and u.staff is None
            and u.text
            and not ({"cancel", "message"} & set(u.intents) or u.no or u.goodbye)
        ):
            # "Who is it for?" answered with the message itself: the front desk gets it.
            s.staff, s.message_text = "front desk", u.text
            u = Understanding(text=u.text, phone=u.phone, name=u.name)
            expecting = "message_text"
        elif expecting == "resume":
            if u.no and not u.intents:
                s.clear_task()
                yield Say("No problem. How can I help you today?")
                return
            if u.yes:
                u = Understanding(text=u.text, intents=("book",))
        elif expecting == "confirm_cancel":
            if u.yes and not u.no:
                async for action in self._cancel_confirmed():
                    yield action
                return
            if u.no:
                s.clear_task()
                yield Say("Okay, I've left your appointment as it is.")
                yield Say(ANYTHING_ELSE, cache=True)
                s.expecting = "anything_else"
                return
        elif expecting == "choose_slot" and s.offered:
            chosen = self._chosen_slot(u)
            if chosen is not None:
                s.day, s.time = chosen.date(), chosen.time()
                s.offered = []
                u = Understanding(text=u.text, name=u.name)
        elif expecting == "anything_else" and (u.no or u.goodbye) and not u.intents:
            async for action in self._goodbye("caller had nothing else"):
                yield action
            return

        if u.empty and s.intent is None and expecting != "message_text":
            async for action in self._not_understood(u.text):
                yield action
            return
        if not u.empty or expecting == "message_text":
            s.misunderstood = 0

        if "question" in u.intents:
            for sentence in self._answer_question(u):
                yield Say(sentence)
        self._take_slots(u)

        if s.intent is None:
            if "question" in u.intents:
                yield Say(ANYTHING_ELSE, cache=True)
                s.expecting = "anything_else"
                return
            if u.goodbye or u.no:
                async for action in self._goodbye("caller said goodbye"):
                    yield action
                return
            async for action in self._not_understood(u.text):
                yield action
            return
        async for action in self._advance():
            yield action

    def _take_slots(self, u: Understanding) -> None:
        s = self.state
        for intent in ("cancel", "message", "book"):
            if intent in u.intents and (s.intent != intent):
                if s.intent is not None and not (intent == "book" and s.intent == "book"):
                    s.clear_task()
                s.intent = intent
                break
        if u.service:
            s.service = u.service
        if u.day:
            s.day = u.day  # a new day keeps the time asked for unless a new one is said
        if u.time:
            s.time = u.time
        if u.name:
            s.name = u.name
        if u.phone:
            s.phone = u.phone
        if u.staff and s.intent == "message":
            s.staff = u.staff

    def _chosen_slot(self, u: Understanding) -> datetime | None:
        offered = self.state.offered
        if u.choice is not None:
            return offered[u.choice] if -len(offered) <= u.choice < len(offered) else None
        if u.time is not None:
            for slot in offered:
                if slot.time() == u.time and (u.day is None or u.day == slot.date()):
                    return slot
        if u.yes and len(offered) >= 1 and not u.no:
            return offered[0]
        return None

    # -- the tasks ---------------------------------------------------------------------------

    async def _advance(self) -> AsyncIterator[Action]:
        intent = self.state.intent
        if intent == "book":
            async for action in self._advance_booking():
                yield action
        elif intent == "cancel":
            async for action in self._advance_cancel():
                yield action
        elif intent == "message":
            async for action in self._advance_message():
                yield action

    async def _advance_booking(self) -> AsyncIterator[Action]:
        s = self.state
        p = self.profile
        service = p.service(s.service) if s.service else None
        if service is None:
            names = ", ".join(x.name for x in p.services[:-1]) + f" or {p.services[-1].name}"
            s.expecting = "service"
            yield Say(f"Sure. What would you like to book? We offer a {names}.")
            return
        if s.day is not None and not p.hours.is_open(s.day):
            options = self.bookings.nearest_open_days(s.day, self.today())
            day_name = DAY_NAMES[s.day.weekday()]
            s.day = None
            s.expecting = "day"
            yield Say(
                f"I'm sorry, we're closed on {day_name}s. We could do "
                f"{DAY_NAMES[options[0].weekday()]} or {DAY_NAMES[options[1].weekday()]}. "
                "Which day works for you?"
            )
            return
        if s.day is None:
            s.expecting = "day"
            yield Say(f"Sure, a {service.name}. What day would you like to come in?")
            return
        if s.time is None:
            s.expecting = "time"
            yield Say(f"What time on {DAY_NAMES[s.day.weekday()]} would suit you?")
            return
        start = at(s.day, s.time)
        if start < datetime.now() and s.day <= self.today():
            s.time = None
            s.expecting = "time"
            yield Say("That time has already passed today. What other time would suit you?")
            return
        current = self._committed_booking()
        if (
            current is not None
            and current["status"] == "booked"
            and current["start"] == start.isoformat(timespec="minutes")
            and current["service"] == service.name
        ):
            # The same request again (a repeat after barge-in): the booking stands, once.
            yield Say(self.claims.booked(self.call_id, current), claim=True)
            self._task_done()
            yield Say(ANYTHING_ELSE, cache=True)
            s.expecting = "anything_else"
            return
        # A repeat of a request still pending asks the backend again, under the same key.
        key = booking_key(s.phone or self.call_id, service.name, start)
        same = self.store.first("bookings", "key = ? and status in ('booked', 'pending')", [key])
        if same is None and not await self.bookings.is_free(service, start):
            async for action in self._offer_alternatives(service, start):
                yield action
            return
        if not s.name:
            s.expecting = "name"
            yield Say(
                f"{DAY_NAMES[s.day.weekday()]} at {say_time(s.time)} is free. "
                "What name should I put the booking under?"
            )
            return
        yield Say(FILLER_BOOKING, cache=True)
        outcome = await self.bookings.book(
            self.call_id, s.phone or self.call_id, service, start, s.name, s.phone or ""
        )
        if outcome.status == "booked" and outcome.booking is not None:
            if current is not None and current["id"] != outcome.booking["id"]:
                await self.bookings.cancel(current)  # moved: the old slot is given back
            s.booking_id = outcome.booking["id"]
            yield Say(self.claims.booked(self.call_id, outcome.booking), claim=True)
            self._task_done()
            yield Say(ANYTHING_ELSE, cache=True)
            s.expecting = "anything_else"
        elif outcome.status == "pending" and outcome.booking is not None:
            s.booking_id = outcome.booking["id"]
            s.failed_tools += 1
            yield Say(self.claims.pending(self.call_id, outcome.booking), claim=True)
            self._task_done()
            async for action in self._tool_failed(f"booking pending: {outcome.reason}"):
                yield action
        else:
            async for action in self._offer_alternatives(service, start):
                yield action

    async def _offer_alternatives(self, service: Service, start: datetime) -> AsyncIterator[Action]:
        s = self.state
        slots = await self.bookings.free_slots(service, start)
        if not slots:
            s.time = None
            s.expecting = "day"
            yield Say(f"I'm sorry, {say_time(start.time())} is taken and I can't find a free "
                      "time nearby. Which other day would suit you?")  # fmt: skip
            return
        s.offered = slots
        s.expecting = "choose_slot"
        said = " or ".join(_say_slot(slot, start.date()) for slot in slots)
        yield Say(
            f"I'm sorry, {say_time(start.time())} on {DAY_NAMES[start.weekday()]} is taken. "
            f"The nearest free times are {said}. Would one of those work?"
        )

    def _committed_booking(self) -> dict | None:
        if self.state.booking_id is None:
            return None
        row = self.store.first("bookings", "id = ?", [self.state.booking_id])
        return row if row and row["status"] in ("booked", "pending") else None

    async def _advance_cancel(self) -> AsyncIterator[Action]:
        s = self.state
        if not s.phone:
            s.expecting = "phone"
            yield Say("What phone number is the booking under?")
            return
        found = self.bookings.bookings_for(s.phone, s.day)
        if not found:
            s.clear_task()
            when = f" on {DAY_NAMES[s.day.weekday()]}" if s.day else ""
            yield Say(f"I couldn't find a booking{when} under your number.")
            yield Say(ANYTHING_ELSE, cache=True)
            s.expecting = "anything_else"
            return
        if len(found) > 1 and s.day is None:
            s.expecting = "day"
            yield Say("I see more than one booking under your number. Which day is the one "
                      "you'd like to cancel?")  # fmt: skip
            return
        booking = found[0]
        s.cancel_id = booking["id"]
        s.expecting = "confirm_cancel"
        moment = datetime.fromisoformat(booking["start"])
        yield Say(
            f"I found your {booking['service']} on {say_day(moment.date())} at "
            f"{say_time(moment.time())}. Shall I cancel it?"
        )

    async def _cancel_confirmed(self) -> AsyncIterator[Action]:
        s = self.state
        booking = self.store.first("bookings", "id = ?", [s.cancel_id])
        if booking is None:
            s.clear_task()
            return
        yield Say("One moment.", cache=True)
        outcome = await self.bookings.cancel(booking)
        if outcome.status == "cancelled" and outcome.booking is not None:
            yield Say(self.claims.cancelled(self.call_id, outcome.booking), claim=True)
            self._task_done()
            yield Say(ANYTHING_ELSE, cache=True)
            s.expecting = "anything_else"
            return
        s.failed_tools += 1
        if outcome.status == "pending":
            yield Say(self.claims.cancel_pending(self.call_id, booking), claim=True)
            self._task_done()
        else:
            yield Say("I'm sorry, I couldn't cancel it in our system just now.")
        async for action in self._tool_failed("cancellation failed: " + outcome.reason):
            yield action

    async def _advance_message(self) -> AsyncIterator[Action]:
        s = self.state
        if s.staff is None:
            s.staff = "front desk" if s.message_text else None
        if s.staff is None:
            s.expecting = "staff"
            names = " or ".join(m.name for m in self.profile.staff)
            yield Say(f"Who is the message for? {names}, or the front desk?")
            return
        if not s.message_text:
            s.expecting = "message_text"
            yield Say(f"What would you like me to tell {s.staff}?")
            return
        if not s.phone:
            s.expecting = "phone"
            yield Say("What number should they call you back on?")
            return
        row = self.messages.take(self.call_id, s.staff, s.name or "", s.phone or "", s.message_text)
        yield Say(self.claims.message(self.call_id, row), claim=True)
        if self.outcome.kind != "transferred":
            self.outcome = Outcome("message", f"message for {s.staff}")
        self._task_done()
        yield Say(ANYTHING_ELSE, cache=True)
        s.expecting = "anything_else"

    def _task_done(self) -> None:
        s = self.state
        booking_id, name, phone = s.booking_id, s.name, s.phone
        s.clear_task()
        s.booking_id, s.name, s.phone = booking_id, name, phone

    # -- answers -----------------------------------------------------------------------------

    def _answer_question(self, u: Understanding) -> list[str]:
        p = self.profile
        sentences = []
        if u.asks_price:
            service = p.service(u.service) if u.service else None
            if service:
                sentences.append(
                    f"A {service.name} is {service.price_words} and takes about "
                    f"{service.minutes} minutes."
                )
            else:
                listed = ", ".join(f"a {s.name} is {s.price_words}" for s in p.services)
                sentences.append(f"Our prices: {listed}.")
        if u.asks_hours:
            if u.day is not None:
                hours = p.hours.on(u.day)
                if hours is None:
                    sentences.append(f"We're closed on {DAY_NAMES[u.day.weekday()]}s.")
                else:
                    sentences.append(
                        f"On {DAY_NAMES[u.day.weekday()]} we're open from {say_time(hours[0])} "
                        f"to {say_time(hours[1])}."
                    )
            else:
                sentences.append(f"We're open {p.hours.describe()}.")
        return sentences

    async def _not_understood(self, text: str) -> AsyncIterator[Action]:
        s = self.state
        s.misunderstood += 1
        escalation = repeated_misunderstanding(s.misunderstood, self.profile)
        if escalation is not None:
            async for action in self._escalate(escalation, text):
                yield action
            return
        if self.phraser is not None and _looks_like_question(text):
            async for sentence in self._model_sentences(text):
                yield Say(sentence)
        yield Say(
            "Sorry, I didn't quite get that. I can book or cancel an appointment, take a "
            "message, or tell you about our prices and hours.",
            cache=True,
        )

    async def _model_sentences(self, text: str) -> AsyncIterator[str]:
        assert self.phraser is not None
        try:
            async for sentence in self.phraser(text):
                if asserts_outcome(sentence) or any(ch.isdigit() for ch in sentence):
                    # Outcomes and facts (prices, times) come from records and the profile,
                    # never from the model.
                    self.replaced_model_sentences += 1
                    log.info("model sentence replaced: %r", sentence)
                    continue
                yield sentence
        except Exception as exc:
            log.warning("language model failed: %s", exc)

    # -- endings -----------------------------------------------------------------------------

    async def _escalate(self, escalation: Escalation, text: str) -> AsyncIterator[Action]:
        self.store.insert(
            "escalations",
            {
                "call_id": self.call_id,
                "rule": escalation.rule,
                "words": escalation.words,
                "target": escalation.target,
                "at": now_iso(),
            },
        )
        if escalation.say:
            yield Say(escalation.say, cache=True)
        summary = self._summary(escalation.rule, text)
        if escalation.action == "both":
            # The person is told in writing too, whether or not the transfer connects.
            self.messages.take(
                self.call_id,
                escalation.target,
                self.state.name or "",
                self.state.phone or "",
                f"Escalated ({escalation.rule}, on the words {escalation.words!r}): {text}",
            )
        if escalation.action in ("transfer", "both") and self.transfer_fn is not None:
            async for action in self.transfer(escalation.target, escalation.rule, summary):
                yield action
            return
        s = self.state
        s.clear_task()
        s.intent, s.staff = "message", escalation.target
        async for action in self._advance_message():
            yield action

    def _summary(self, reason: str, text: str) -> str:
        who = self.state.name or "unknown caller"
        return f"Caller {who}, {reason}: {text.strip()[:140]}"

    async def transfer(self, target: str, reason: str, summary: str) -> AsyncIterator[Action]:
        extension = self.profile.extension_for(target)
        row = self.transfers.request(
            self.call_id, target, extension, reason, summary, self.warm_transfer
        )
        yield Say(self.claims.transferring(self.call_id, row), claim=True)
        if self.transfer_fn is None:
            result = TransferResult(extension, "failed", "no PBX link on this call")
        else:
            try:
                result = await self.transfer_fn(extension, summary, self.warm_transfer)
            except Exception as exc:  # the caller stays with us whatever the PBX did
                result = TransferResult(extension, "failed", f"transfer error: {exc}")
        self.transfers.finish(row["id"], result.outcome, result.detail)
        if result.connected:
            self.outcome = Outcome("transferred", f"to {target} ({extension}): {reason}")
            self.ended = True
            return
        who = "the front desk" if target == "front desk" else target
        s = self.state
        s.clear_task()
        s.intent, s.staff, s.expecting = "message", target, "message_text"
        yield Say(
            f"I'm sorry, {who} isn't available right now. I can take a message. "
            "What would you like me to pass on?"
        )

    async def _tool_failed(self, reason: str) -> AsyncIterator[Action]:
        escalation = failed_tool(self.state.failed_tools)
        if escalation is not None:
            async for action in self._escalate(escalation, reason):
                yield action
            return
        yield Say(ANYTHING_ELSE, cache=True)
        self.state.expecting = "anything_else"

    async def _goodbye(self, reason: str) -> AsyncIterator[Action]:
        yield Say(GOODBYE, cache=True)
        if self.outcome.kind not in ("message", "transferred"):
            self.outcome = Outcome("completed", reason)
        self.ended = True
        yield Hangup(reason)

    async def on_silence(self) -> AsyncIterator[Action]:
        s = self.state
        s.silences += 1
        if s.silences <= self.profile.silence_reprompts:
            yield Say("Are you still there? How can I help you?", cache=True)
            return
        yield Say("I haven't heard anything, so I'll hang up now. Please call again anytime. "
                  "Goodbye!", cache=True)  # fmt: skip
        self.outcome = Outcome("completed", "no answer from the caller")
        self.ended = True
        yield Hangup("silence")

    async def on_digit(self, digit: str) -> AsyncIterator[Action]:
        s = self.state
        if s.expecting == "phone" and digit not in "*#":
            s.digits += digit
            s.expecting = "phone"
            return
        if s.expecting == "phone" and digit == "#" and s.digits:
            number, s.digits = s.digits, ""
            async for action in self.respond(" ".join(number)):
                yield action
            return
        if digit == "0":
            # The claim "I'm transferring you ..." follows the transfer record, nothing before it.
            async for action in self.transfer("front desk", "caller pressed 0",
                                              self._summary("pressed 0", "")):  # fmt: skip
                yield action

    def caller_left(self) -> None:
        """The caller hung up: keep what was unfinished for a call-back."""
        if not self.ended:
            self.store.set_call_state(self.call_id, self.state.unfinished())
            if self.outcome.kind not in ("message", "transferred"):
                self.outcome = Outcome("caller_hung_up", self._left_reason())
            self.ended = True

    def _left_reason(self) -> str:
        s = self.state
        return f"caller hung up during {s.intent}" if s.intent else "caller hung up"


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def _say_slot(slot: datetime, asked_day: date) -> str:
    if slot.date() == asked_day:
        return say_time(slot.time())
    return f"{DAY_NAMES[slot.weekday()]} at {say_time(slot.time())}"


def _looks_like_question(text: str) -> bool:
    lowered = text.lower().strip()
    return lowered.endswith("?") or lowered.split(" ", 1)[0] in {
        "do", "does", "can", "could", "is", "are", "what", "where", "who", "how", "why", "will",
    }  # fmt: skip


__all__ = ["Action", "Hangup", "Outcome", "Say", "Session"]
