"""End to end on a real FreeSWITCH 1.10.12: SIP phones call the office number, the
project's own dialplan sends them to the real daemon, and the tests check what the caller
heard, what staff heard and what the store holds (marker ``pbx``)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from tests.pbx.audio import words
from tests.pbx.fixtures import CALLER_NUMBER, Lab

pytestmark = [pytest.mark.pbx, pytest.mark.timeout(240)]


def test_booking_call(freeswitch_lab: Lab, transcriber: Any) -> None:
    lab = freeswitch_lab
    closed = lab.caller.count("CALL_CLOSED")
    call = lab.dial()
    call.wait_agent(min_speech_s=2.5)  # the recording notice and the greeting
    call.say("Hi, I'd like to book a haircut on Thursday at three, my name is John Smith.")
    call.wait_agent(min_speech_s=3.0)  # the read-back
    call.say("No, that's all, thank you.")
    lab.wait_closed(lab.caller, closed, 60)  # the agent said goodbye and hung up

    row = lab.daemon.wait_call_ended()
    assert row["bridge"] == "freeswitch"
    assert row["caller_id"] == CALLER_NUMBER
    assert row["outcome"] == "completed", row
    bookings = lab.daemon.rows("bookings", "call_id = ?", row["id"])
    assert len(bookings) == 1
    booking = bookings[0]
    assert (booking["status"], booking["service"], booking["name"]) == (
        "booked",
        "haircut",
        "John Smith",
    )
    start = dt.datetime.fromisoformat(booking["start"])
    assert (start.strftime("%A"), start.time()) == ("Thursday", dt.time(15, 0))
    claims = lab.daemon.rows("claims", "call_id = ?", row["id"])
    assert [(c["kind"], c["record_id"]) for c in claims] == [("booked", booking["id"])]
    assert claims[0]["at"] >= booking["created_at"]  # said only after the commit

    heard = words(call.transcript(transcriber))
    assert "thank you for calling" in heard
    assert re.search(r"\bbook", heard)
    assert "haircut" in heard and "thursday" in heard and "john smith" in heard, heard
    assert re.search(r"\b3 ?pm|three", heard), heard
