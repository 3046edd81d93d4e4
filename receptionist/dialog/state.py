"""What the conversation knows so far: the intent in progress and its slots.

Saved with the call when it ends unfinished, so a call-back can pick it up.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time
from typing import Any


@dataclass
class DialogState:
    intent: str | None = None  # book, cancel, message
    service: str | None = None
    day: date | None = None
    time: time | None = None
    name: str | None = None
    phone: str | None = None
    staff: str | None = None
    message_text: str | None = None
    expecting: str | None = None  # the slot or answer just asked for
    offered: list[datetime] = field(default_factory=list)
    booking_id: int | None = None  # committed in this call
    cancel_id: int | None = None  # the booking the caller is asked to confirm cancelling
    misunderstood: int = 0
    silences: int = 0
    failed_tools: int = 0
    digits: str = ""

    def clear_task(self) -> None:
        keep = (self.name, self.phone, self.misunderstood, self.failed_tools)
        self.__init__()  # type: ignore[misc]
        self.name, self.phone, self.misunderstood, self.failed_tools = keep

    def unfinished(self) -> dict[str, Any] | None:
        """The part worth resuming on a call-back: a task started and not committed."""
        if self.intent != "book" or self.booking_id is not None:
            return None
        data = {
            "intent": self.intent,
            "service": self.service,
            "day": self.day.isoformat() if self.day else None,
            "time": self.time.isoformat(timespec="minutes") if self.time else None,
            "name": self.name,
        }
        return data if data["service"] or data["day"] else None

    @classmethod
    def resumed(cls, saved: dict[str, Any]) -> DialogState:
        return cls(
            intent=saved.get("intent"),
            service=saved.get("service"),
            day=date.fromisoformat(saved["day"]) if saved.get("day") else None,
            time=time.fromisoformat(saved["time"]) if saved.get("time") else None,
            name=saved.get("name"),
        )

    def to_json(self) -> str:
        return json.dumps(asdict(self), default=str)
