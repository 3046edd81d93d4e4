"""End to end on the SIP endpoint with real SIP phones: baresip (Debian's) calls the real
daemon straight on its SIP port, no PBX between (marker ``pbx``, like the real-switch
tests). What the caller heard is transcribed with Whisper; the store is read as an
operator would read it."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.pbx.audio import wait_heard, words
from tests.pbx.baresip import Baresip
from tests.pbx.daemon import Daemon, daemon_config
from tests.pbx.fixtures import CALLER_NUMBER, RING_S, Lab
from tests.pbx.shared import free_block, in_ci

pytestmark = [pytest.mark.pbx, pytest.mark.timeout(240)]


def _require_phones() -> None:
    missing = [tool for tool in ("baresip", "flite") if shutil.which(tool) is None]
    if missing:
        message = "SIP end-to-end tests need: " + ", ".join(missing) + " (apt-get install)"
        if in_ci():
            pytest.fail(message + " (CI=true: a missing tool is a failure, not a skip)")
        pytest.skip(message)


@pytest.fixture(scope="module")
def sip_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    _require_phones()
    folder = tmp_path_factory.mktemp("sip-lab")
    ports = free_block(12)  # baresip's sip_listen P also binds TLS on P+1
    caller = Baresip(folder / "caller", CALLER_NUMBER, ports[0], ports[6], "auto")
    desk = Baresip(folder / "desk", "desk", ports[2], ports[7], "auto")
    sarah = Baresip(folder / "sarah", "sarah", ports[4], ports[8], "manual")
    rtp = free_block(200)
    options = {
        "port": ports[10],
        "rtp_port_min": rtp[0],
        "rtp_port_max": rtp[199],
        "staff": {"200": desk.uri, "201": sarah.uri},
    }
    daemon = Daemon(folder, daemon_config(folder, "sip", options, RING_S))
    dial = f"sip:receptionist@127.0.0.1:{ports[10]}"
    lab = Lab(folder, None, daemon, caller, desk, sarah, dial, "sip")
    try:
        for phone in (desk, sarah, caller):
            phone.start()
        daemon.start()
        yield lab
    finally:
        for phone in (caller, desk, sarah):
            phone.stop()
        daemon.stop()


def test_booking_call(sip_lab: Lab, transcriber: Any) -> None:
    lab = sip_lab
    closed = lab.caller.count("CALL_CLOSED")
    call = lab.dial()
    call.wait_agent(min_speech_s=2.5)  # the recording notice and the greeting
    call.say("Hi, I'd like to book a haircut on Thursday at three, my name is John Smith.")
    call.wait_agent(min_speech_s=3.0)  # the read-back
    call.say("No, that's all, thank you.")
    lab.wait_closed(lab.caller, closed, 60)  # the agent said goodbye and hung up (BYE)

    row = lab.daemon.wait_call_ended()
    assert row["bridge"] == "sip"
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

    # The recording: both sides, from the notice on, in the recordings folder.
    recording = Path(row["recording_path"])
    assert recording.exists() and recording.stat().st_size > 8000 * 2 * 2 * 5


def test_caller_hanging_up_mid_sentence(sip_lab: Lab) -> None:
    lab = sip_lab
    call = lab.dial()
    wait_heard(call.heard, 60, seconds=0.6)  # into the greeting, far from its end
    lab.caller.hangup()
    row = lab.daemon.wait_call_ended()
    assert row["outcome"] == "caller_hung_up", row
    turns = lab.daemon.rows("turns", "call_id = ? and speaker = 'agent'", row["id"])
    assert len(turns) == 1 and "Thank you for calling" in turns[0]["text"]
    assert turns[0]["interrupted"] == 1


def test_dtmf_0_warm_transfer(sip_lab: Lab, transcriber: Any) -> None:
    lab = sip_lab
    desk_calls = lab.desk.count("CALL_ESTABLISHED")
    desk = lab.watch(lab.desk)
    call = lab.dial()
    call.wait_agent(min_speech_s=2.5)
    lab.caller.press("0")
    lab.desk.wait_event(  # the front desk's phone rings (our call) and answers by itself
        "CALL_ESTABLISHED", 60, lambda e: lab.desk.count("CALL_ESTABLISHED") > desk_calls
    )
    shown = [e for e in lab.desk.events if e.get("type") == "CALL_ESTABLISHED"][-1]
    assert CALLER_NUMBER in shown["peeruri"]  # staff see who is calling
    desk.wait_agent(min_speech_s=1.0)  # the summary, to staff alone
    summary = words(desk.transcript(transcriber))
    # Staff heard the summary: who is calling and why ("... call back number 555 123 4567
    # ... pressed 0"); Whisper may hear "pressed zero" as something else, not the number.
    assert "press" in summary or "5551234567" in summary, summary

    # Then REFER: the caller's own phone calls the desk, and our call with staff ends.
    lab.desk.wait_event(
        "CALL_ESTABLISHED", 30, lambda e: f":{lab.caller.sip_port}" in str(e.get("peeruri"))
    )
    row = lab.daemon.wait_call_ended()
    assert row["outcome"] == "transferred", row
    (transfer,) = lab.daemon.rows("transfers", "call_id = ?", row["id"])
    assert (transfer["extension"], transfer["outcome"]) == ("200", "answered")
    claims = lab.daemon.rows("claims", "call_id = ?", row["id"])
    assert [(c["kind"], c["record_id"]) for c in claims] == [("transfer", transfer["id"])]
    closed = lab.desk.count("CALL_CLOSED")
    lab.caller.hangup()
    lab.wait_closed(lab.desk, closed, 15)


def test_staff_not_answering_leads_to_a_message(sip_lab: Lab, transcriber: Any) -> None:
    lab = sip_lab
    closed = lab.caller.count("CALL_CLOSED")
    call = lab.dial()
    call.wait_agent(min_speech_s=2.5)
    # Escalates to Sarah by rule; her phone rings, nobody answers.
    call.ask_for(lab.sarah, "I want a refund.")
    ringing = [e for e in lab.sarah.events if e.get("type") == "CALL_INCOMING"][-1]
    assert CALLER_NUMBER in ringing["peeruri"]  # staff see who is calling
    lab.daemon.wait_row("transfers", "extension = '201' and outcome = 'no_answer'")
    mark = call.mark()  # the ringback has stopped; the agent is back
    call.wait_agent(min_speech_s=2.0, since=mark)  # "... isn't available ... a message"
    assert "message" in words(call.transcript(transcriber, mark))
    call.say("Please ask her to call me back about my appointment.")
    mark = call.mark()
    lab.daemon.wait_row("messages", "for_staff = 'Sarah' and callback_number = ?", CALLER_NUMBER)
    call.wait_agent(min_speech_s=2.0)  # the read-back, then "anything else?"
    assert "sarah" in words(call.transcript(transcriber, mark))
    lab.caller.hangup()
    lab.wait_closed(lab.caller, closed, 10)

    row = lab.daemon.wait_call_ended()
    assert row["outcome"] == "message", row
    (transfer,) = lab.daemon.rows("transfers", "call_id = ?", row["id"])
    assert (transfer["extension"], transfer["outcome"]) == ("201", "no_answer")
    (message,) = lab.daemon.rows("messages", "call_id = ?", row["id"])
    assert (message["for_staff"], message["callback_number"]) == ("Sarah", CALLER_NUMBER)
    assert "appointment" in message["text"].lower()
