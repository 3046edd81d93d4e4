"""Where in a call a paused line is said: the dialog's state when the caller says it.

The end-of-turn verdict depends on what was asked ("Mary" answers "What name?" and is whole;
as a call's first word it opens a request). A line of the cut-off curve carries the caller's
earlier lines in its call; they are said, whole, to the real conversation at the text level
(harness/text_call.py, a store of its own, the built-in calendar, the bench's day), and the
line is judged as the call would judge it then.
"""

from __future__ import annotations

import copy
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from receptionist.dialog.frame import Expect, Frame
from receptionist.domain.profile import BusinessProfile
from receptionist.harness.text_call import TextCall
from receptionist.store.db import Store
from receptionist.tools.booking import BookingService
from receptionist.tools.calendar import BuiltinCalendar

CALLER_ID = "5550000001"  # a caller id that can be called back, as the bench's calls have


@dataclass(frozen=True)
class CurveLine:
    """A caller's line with ``|`` where they pause, and what they said before it."""

    text: str
    before: tuple[str, ...] = ()  # the caller's earlier lines in the call, said whole
    caller_id: str = CALLER_ID


def whole(line: str) -> str:
    """A line as said without its pauses."""
    return " ".join(line.replace("|", " ").split())


Judge = Callable[[str], str]


async def judges_in_context(
    lines: Sequence[CurveLine], profile: BusinessProfile, today: date
) -> dict[CurveLine, tuple[str, Judge]]:
    """For each line: what the agent had just asked ("first words" before the caller said
    anything, "" when nothing) and the verdict on a transcript of it said then."""
    out: dict[CurveLine, tuple[str, Judge]] = {}
    with tempfile.TemporaryDirectory() as folder:
        for n, line in enumerate(dict.fromkeys(lines)):
            store = Store(Path(folder) / f"context-{n}.db")
            try:
                bookings = BookingService(store, BuiltinCalendar(store), profile)
                call = TextCall.start(profile, store, bookings, f"curve-{n}", line.caller_id,
                                      today)  # fmt: skip
                for said in line.before:
                    await call.say(whole(said))
                conversation = call.conversation
                frame = copy.deepcopy(conversation.frame)
                expecting = conversation.expecting
                first = not conversation.caller_spoke
            finally:
                store.close()
            asked = "first words" if first else (expecting.value if expecting else "")
            out[line] = (asked, _judge(frame, expecting, first, profile, today))
    return out


def _judge(
    frame: Frame, expecting: Expect | None, first: bool, profile: BusinessProfile, today: date
) -> Judge:
    from receptionist.call import judge_caller_turn

    def judge(text: str) -> str:
        return judge_caller_turn(text, frame, expecting, profile, today, first_words=first)

    return judge
