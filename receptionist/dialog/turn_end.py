"""Has the caller finished? A verdict on a speculative transcript, from what the dialog knows.

"complete": a whole request or the answer to what was just asked: end the turn quickly.
"hesitant": stops mid-thought (media decides that from the words alone): wait longest.
"unsure": anything else, such as a request still missing what it needs ("I'd like to
book a colour on Thursday" may go on "at ten"): wait long enough for a natural pause.
"""

from __future__ import annotations

from datetime import date

from receptionist.domain.profile import BusinessProfile
from receptionist.dialog.state import DialogState
from receptionist.dialog.understand import understand


def judge_turn(text: str, state: DialogState, profile: BusinessProfile, today: date) -> str:
    u = understand(text, profile, today, state.expecting)
    answered = {
        "name": u.name,
        "day": u.day,
        "time": u.time,
        "phone": u.phone,
        "service": u.service,
        "staff": u.staff,
        "choose_slot": u.choice is not None or u.time or u.yes or u.no,
        "message_text": False,  # a message runs on: wait for the caller to stop
    }.get(state.expecting or "")
    if answered or (not u.intents and (u.yes or u.no or u.goodbye)):
        return "complete"
    if u.intents == ("question",) and text.strip().endswith("?"):
        return "complete"
    if "book" in u.intents or state.intent == "book":
        service = u.service or state.service
        day = u.day or state.day
        clock = u.time or state.time
        if service and day and clock:
            return "complete"  # all a booking needs (Whisper often leaves off the period)
    return "unsure"
