"""A call at the text level: the caller's lines in, the agent's sentences out, with the real
conversation, effects, tools and store (no audio). Serves ``receptionist eval`` and the tests.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time

from receptionist.dialog.actions import Hangup, Say
from receptionist.dialog.conversation import Conversation
from receptionist.dialog.events import CallerLeft, CallerSaid, DigitPressed, Event, SilenceElapsed
from receptionist.domain.profile import BusinessProfile
from receptionist.effects import ConnectFn, Effects, drive
from receptionist.store.db import Store
from receptionist.tools.booking import BookingService
from receptionist.tools.confirmation_route import ConfirmationRoute


@dataclass
class TextCall:
    conversation: Conversation
    effects: Effects
    store: Store
    call_id: str
    said: list[str] = field(default_factory=list)  # every sentence the agent said, in order
    lines: list[tuple[str, str]] = field(default_factory=list)  # ("caller"|"agent", text)
    hung_up: bool = False

    @classmethod
    def start(
        cls,
        profile: BusinessProfile,
        store: Store,
        bookings: BookingService,
        call_id: str,
        caller_id: str,
        today: date,
        *,
        connect: ConnectFn | None = None,
        warm_transfer: bool = True,
        now: Callable[[], datetime] | None = None,
        confirmations: ConfirmationRoute | None = None,
    ) -> TextCall:
        """A call that has just been answered: the record is open, the greeting said."""
        clock = now or (lambda: datetime.combine(today, time(8, 0)))
        call_id = store.start_call(call_id, caller_id, "100", "text")
        conversation = Conversation(profile, caller_id=caller_id, today=today, now=clock,
                                    warm_transfer=warm_transfer)  # fmt: skip
        effects = Effects(store, bookings, call_id, connect=connect, now=clock,
                          confirmations=confirmations)  # fmt: skip
        call = cls(conversation, effects, store, call_id)
        for action in conversation.start(effects.resumable(caller_id)):
            if isinstance(action, Say):
                call._said(action)
        return call

    @property
    def ended(self) -> bool:
        return self.conversation.ended

    def end_of_turn_verdict(self, text: str) -> str:
        """What a call's listener would make of ``text`` as a trial transcript said now:
        "complete", "unsure" or "hesitant" (the wait before the agent answers)."""
        from receptionist.call import judge_caller_turn  # the call layer's, with the media's

        c = self.conversation
        return judge_caller_turn(text, c.frame, c.expecting, c.profile, c.today,
                                 first_words=not c.caller_spoke)  # fmt: skip

    async def say(self, text: str, confidence: float = 1.0) -> list[str]:
        self.store.add_turn(self.call_id, "caller", text, {})
        self.lines.append(("caller", text))
        return await self._feed(CallerSaid(text, confidence))

    async def press(self, digits: str) -> list[str]:
        self.lines.append(("caller", f"[keypad {digits}]"))
        out: list[str] = []
        for digit in digits:
            out += await self._feed(DigitPressed(digit))
        return out

    async def silence(self) -> list[str]:
        self.lines.append(("caller", "[silence]"))
        return await self._feed(SilenceElapsed())

    async def hang_up(self, last_words: str = "") -> None:
        """The caller hangs up (or the script ends), ``last_words`` said as they did: the
        call's record is closed."""
        by = "agent" if self.conversation.ended else "caller"
        if not self.conversation.ended:
            await self._feed(CallerLeft(last_words=last_words))
        c = self.conversation
        self.store.end_call(self.call_id, str(c.outcome), c.reason, by, c.counts)

    async def _feed(self, event: Event) -> list[str]:
        out = _Collect(self)
        await drive(self.conversation, self.effects, event, out)
        return out.sentences

    def _said(self, action: Say) -> None:
        self.said.append(action.text)
        self.lines.append(("agent", action.text))


class _Collect:
    def __init__(self, call: TextCall) -> None:
        self.call = call
        self.sentences: list[str] = []

    def say(self, action: Say) -> None:
        self.sentences.append(action.text)
        self.call._said(action)

    async def hangup(self, action: Hangup) -> None:
        self.call.hung_up = True
