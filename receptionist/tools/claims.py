"""Sentences that tell the caller something happened, built only from committed records.

Each one is saved as a claim tied to its record (ARCHITECTURE rule 1). Nothing else in the
project may produce these sentences; ``asserts_outcome`` catches a model that tries.
"""

from __future__ import annotations

import re
from datetime import datetime

from receptionist.domain.saying import say_day, say_digits, say_time, with_article
from receptionist.store.db import Store
from receptionist.tools.confirmation_route import ConfirmationRoute

_OUTCOME_WORDS = re.compile(
    r"\b(you'?re (all )?(booked|set|confirmed|scheduled)|(is|are|been|have|has|i'?ve|we'?ve) "
    r"(booked|confirmed|scheduled|cancell?ed|reserved)|booking is (confirmed|made|complete)|"
    r"(i'?m|i am) (transferring|connecting|putting you through)|passed (on )?your message|"
    r"(sent|left|taken) (your|the) message|changed the number|"
    r"appointment is (set|confirmed|booked|cancell?ed))\b",
    re.I,
)


def asserts_outcome(sentence: str) -> bool:
    """Does this sentence tell the caller that something happened?"""
    return bool(_OUTCOME_WORDS.search(sentence))


def _when(start: str) -> str:
    moment = datetime.fromisoformat(start)
    return f"{say_day(moment.date())} at {say_time(moment.time())}"


class Claims:
    def __init__(
        self, store: Store, route: ConfirmationRoute | None = None, region: str = "US"
    ) -> None:
        self.store = store
        self.route = route or ConfirmationRoute()
        self.region = region  # where the business is: how a number's digits are grouped

    def _promise(self, booking: dict) -> str:
        """A confirmation is promised only where one can reach the caller (issue 12)."""
        return self.route.promise(
            booking.get("phone") or "", booking.get("email") or "", self.region
        )

    def _save(self, call_id: str, kind: str, table: str, record: dict, sentence: str) -> str:
        self.store.add_claim(call_id, kind, table, int(record["id"]), sentence)
        return sentence

    def booked(self, call_id: str, booking: dict) -> str:
        if booking["status"] != "booked":
            raise ValueError(f"booking {booking['id']} is {booking['status']}, not booked")
        sentence = (
            f"You're booked for {with_article(booking['service'])} on {_when(booking['start'])}, "
            f"under the name {booking['name']}."
        )
        if booking.get("asked_for"):
            # A wish on the record, not a promise: the calendar has one diary.
            sentence += f" I've noted that you asked for {booking['asked_for']}."
        return self._save(call_id, "booked", "bookings", booking, sentence)

    def pending(self, call_id: str, booking: dict) -> str:
        sentence = (
            f"I've taken your request for {with_article(booking['service'])} on "
            f"{_when(booking['start'])}, "
            "but our booking system isn't answering right now. " + self._promise(booking)
        )
        return self._save(call_id, "pending", "bookings", booking, sentence)

    def confirmation(self, call_id: str, booking: dict) -> str:
        """The message the caller gets once a pending request has committed."""
        if booking["status"] != "booked":
            raise ValueError(f"booking {booking['id']} is {booking['status']}, not booked")
        sentence = (
            f"Your {booking['service']} on {_when(booking['start'])} is confirmed, "
            f"under the name {booking['name']}."
        )
        return self._save(call_id, "confirmed", "bookings", booking, sentence)

    def cancelled(self, call_id: str, booking: dict) -> str:
        if booking["status"] != "cancelled":
            raise ValueError(f"booking {booking['id']} is {booking['status']}, not cancelled")
        sentence = f"Your {booking['service']} on {_when(booking['start'])} is cancelled."
        return self._save(call_id, "cancelled", "bookings", booking, sentence)

    def cancel_pending(self, call_id: str, booking: dict) -> str:
        sentence = (
            f"I've taken your request to cancel your {booking['service']} on "
            f"{_when(booking['start'])}, but our booking system isn't answering right now. "
            + self._promise(booking)
        )
        return self._save(call_id, "cancel_pending", "bookings", booking, sentence)

    def status(self, call_id: str, booking: dict) -> str:
        """The truth about an existing booking, from its record: "did my booking go through?"."""
        when = _when(booking["start"])
        status = booking["status"]
        if status == "booked":
            name = f", under the name {booking['name']}" if booking["name"] else ""
            sentence = f"You have {with_article(booking['service'])} booked on {when}{name}."
            if booking.get("asked_for"):
                sentence += f" It has a note that you asked for {booking['asked_for']}."
        elif status == "pending":
            sentence = (
                f"Your request for {with_article(booking['service'])} on {when} is still being "
                "confirmed "
                "with our booking system. " + self._promise(booking)
            )
        elif status == "cancelled":
            sentence = f"Your {booking['service']} on {when} was cancelled."
        else:
            sentence = (
                f"Your request for {with_article(booking['service'])} on {when} didn't go "
                "through, and the "
                "front desk has been told."
            )
        return self._save(call_id, "status", "bookings", booking, sentence)

    def message(self, call_id: str, message: dict) -> str:
        number = message["callback_number"]
        back = (
            f" to call you back at {say_digits(number, self.region)}"
            if number
            else ", though I don't have a number for them to call you back on"
        )
        who = message["for_staff"]
        who = "the front desk" if who == "front desk" else who
        sentence = f"I've passed your message to {who}{back}."
        return self._save(call_id, "message", "messages", message, sentence)

    def callback_changed(self, call_id: str, message: dict) -> str:
        who = message["for_staff"]
        who = "the front desk" if who == "front desk" else who
        sentence = (
            f"I've changed the number on your message: {who} will call you back at "
            f"{say_digits(message['callback_number'], self.region)}."
        )
        return self._save(call_id, "callback", "messages", message, sentence)

    def message_added(self, call_id: str, message: dict) -> str:
        who = message["for_staff"]
        who = "the front desk" if who == "front desk" else who
        sentence = f"I've added that to your message for {who}."
        return self._save(call_id, "message", "messages", message, sentence)

    def transferring(self, call_id: str, transfer: dict) -> str:
        who = "the front desk" if transfer["target"] == "front desk" else transfer["target"]
        sentence = f"I'm transferring you to {who} now, please hold."
        return self._save(call_id, "transfer", "transfers", transfer, sentence)
