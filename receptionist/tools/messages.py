"""Messages for staff: stored once per request (idempotency key), then read back."""

from __future__ import annotations

import hashlib

from receptionist.store.db import Store, now_iso


def message_key(call_id: str, for_staff: str, text: str) -> str:
    raw = f"msg|{call_id}|{for_staff}|{text.strip().lower()}"
    return "mg-" + hashlib.sha256(raw.encode()).hexdigest()[:24]


class MessageService:
    def __init__(self, store: Store) -> None:
        self.store = store

    def take(
        self, call_id: str, for_staff: str, caller_name: str, callback_number: str, text: str
    ) -> dict:
        row, _created = self.store.insert_once(
            "messages",
            {
                "key": message_key(call_id, for_staff, text),
                "call_id": call_id,
                "for_staff": for_staff,
                "caller_name": caller_name,
                "callback_number": callback_number,
                "text": text,
                "created_at": now_iso(),
            },
        )
        return row

    def add_words(self, message_id: int, words: str, caller_name: str = "") -> dict:
        """What the caller said once told the message was passed on, added to it (and their
        name, when the message had none)."""
        row = self.store.first("messages", "id = ?", [message_id])
        if row is None:
            raise KeyError(f"no message {message_id}")
        fields = {"text": f"{row['text']} {words.strip()}".strip()}
        if caller_name and not row["caller_name"]:
            fields["caller_name"] = caller_name
        return self.store.update("messages", message_id, fields)

    def change_callback(self, message_id: int, callback_number: str) -> dict:
        """The number staff call back on, given by the caller after the message was taken."""
        return self.store.update("messages", message_id, {"callback_number": callback_number})
