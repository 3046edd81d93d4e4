"""End to end on a real FreeSWITCH 1.10.12: SIP phones call the office number, the
project's own dialplan sends them to the real daemon, and the tests check what the caller
heard, what staff heard and what the store holds (marker ``pbx``)."""

from __future__ import annotations

import datetime as dt
import re
import time
from typing import Any

import pytest

from receptionist.media.audio import read_wav
from tests.pbx.audio import trim_silence, wait_heard, words
from tests.pbx.fixtures import CALLER_NUMBER, RING_S, Lab

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
    assert row["bridge"] == lab.bridge
    assert row["caller_id"] == CALLER_NUMBER
    assert row["outcome"] == "completed", row
    # Defect 2: the agent's frames left on their 20 ms clock (a late one is a gap heard).
    assert row["frames_sent"] > 250, row  # the notice, the greeting, the read-back, goodbye
    assert row["late_frames"] <= row["frames_sent"] // 100, row
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


def test_dtmf_0_warm_transfer(freeswitch_lab: Lab, transcriber: Any) -> None:
    lab = freeswitch_lab
    desk_calls = lab.desk.count("CALL_ESTABLISHED")
    desk = lab.watch(lab.desk)
    call = lab.dial()
    call.wait_agent(min_speech_s=2.5)
    lab.caller.press("0")
    lab.desk.wait_event(  # the front desk's phone rings and answers by itself
        "CALL_ESTABLISHED", 60, lambda e: lab.desk.count("CALL_ESTABLISHED") > desk_calls
    )
    shown = [e for e in lab.desk.events if e.get("type") == "CALL_ESTABLISHED"][-1]
    assert CALLER_NUMBER in shown["peeruri"]  # staff see who is calling (defect 6)
    desk.wait_agent(min_speech_s=1.0)  # the summary, to staff alone
    summary = words(desk.transcript(transcriber))
    # Staff heard the summary: who is calling and why ("... call back number 555 123 4567
    # ... pressed 0"); Whisper may hear "pressed zero" as something else, not the number.
    assert "press" in summary or "5551234567" in summary, summary

    # Now caller and staff talk to each other.
    caller_from, desk_from = call.mark(), desk.mark()
    desk.say("Hello, this is the front desk speaking.")
    call.wait_agent(min_speech_s=1.0, since=caller_from)
    assert "front desk" in words(call.transcript(transcriber, caller_from))
    call.say("Great, I have a question about my appointment.")
    desk.wait_agent(min_speech_s=1.0, since=desk.mark())
    assert "appointment" in words(desk.transcript(transcriber, desk_from))

    # A few seconds of talk, then staff hang up (defect 4: the record ends there, not at the
    # bridge, and the recording goes on through the talk with staff).
    time.sleep(3.0)
    closed = lab.caller.count("CALL_CLOSED")
    lab.desk.hangup()
    staff_hung_up = time.time()
    lab.wait_closed(lab.caller, closed, 15)
    row = lab.daemon.wait_row("calls", "bridged_at is not null", timeout_s=30)
    assert row["outcome"] == "transferred", row
    bridged_at = dt.datetime.fromisoformat(row["bridged_at"]).timestamp()
    ended_at = dt.datetime.fromisoformat(row["ended_at"]).timestamp()
    assert ended_at - bridged_at > 4.0, row  # the talk with staff is inside the call
    assert abs(ended_at - staff_hung_up) < 2.0, row
    started_at = dt.datetime.fromisoformat(row["started_at"]).timestamp()
    assert abs(row["duration_s"] - (ended_at - started_at)) < 0.01
    # Staff hung up: the caller's call is over, and the dialplan's fallback (what follows
    # `socket`) must not send them to the front desk again: that rang the desk a second time.
    # The row is written after the caller's channel ended, so such a call was dialled by now.
    assert lab.desk.count("CALL_ESTABLISHED") == desk_calls + 1, _switch_log(lab, row["id"])
    samples, rate = read_wav(row["recording_path"])
    after_bridge = samples[int((bridged_at - started_at) * rate) :]
    recorded_s = len(samples) / rate
    assert recorded_s > ended_at - started_at - 4.0, (  # recorded up to the end
        f"{recorded_s:.1f} s recorded of a call of {ended_at - started_at:.1f} s "
        f"(bridged at {bridged_at - started_at:.1f} s)\n{_switch_log(lab, row['id'])}"
    )
    heard_after = words(transcriber.transcribe_sync(trim_silence(after_bridge), rate).text)
    assert "front desk" in heard_after or "appointment" in heard_after, heard_after
    (transfer,) = lab.daemon.rows("transfers", "call_id = ?", row["id"])
    assert (transfer["extension"], transfer["outcome"]) == ("200", "answered")
    claims = lab.daemon.rows("claims", "call_id = ?", row["id"])
    assert [(c["kind"], c["record_id"]) for c in claims] == [("transfer", transfer["id"])]


def test_staff_not_answering_leads_to_a_message(freeswitch_lab: Lab, transcriber: Any) -> None:
    lab = freeswitch_lab
    closed = lab.caller.count("CALL_CLOSED")
    call = lab.dial()
    call.wait_agent(min_speech_s=2.5)
    # Escalates to Sarah by rule; her phone rings, nobody answers.
    call.ask_for(lab.sarah, "I want a refund.")
    ringing = [e for e in lab.sarah.events if e.get("type") == "CALL_INCOMING"][-1]
    assert CALLER_NUMBER in ringing["peeruri"]  # staff see who is calling (defect 6)
    lab.daemon.wait_row("transfers", "extension = '201' and outcome = 'no_answer'")
    mark = call.mark()  # the ringback has stopped; the agent is back
    call.wait_agent(min_speech_s=2.0, since=mark)  # "... isn't available ... a message"
    assert "message" in words(call.transcript(transcriber, mark))
    call.say("Please ask her to call me back about my appointment.")
    mark = call.mark()
    # The call-back number is the caller id: the message is taken and read back at once.
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
    claims = lab.daemon.rows("claims", "call_id = ?", row["id"])
    assert ("message", message["id"]) in [(c["kind"], c["record_id"]) for c in claims]


def test_caller_hanging_up_while_staff_ring_stops_the_ringing(freeswitch_lab: Lab) -> None:
    """Defect 1: the daemon froze at 100 % CPU (ringback kept calling play() on the ended
    leg) and the staff phone rang on. Now the ringing stops and the daemon answers again."""
    lab = freeswitch_lab
    sarah_closed = lab.sarah.count("CALL_CLOSED")
    call = lab.dial()
    call.wait_agent(min_speech_s=2.5)
    call.ask_for(lab.sarah, "I want a refund.")
    lab.caller.hangup()
    hung_up = time.monotonic()
    lab.wait_closed(lab.sarah, sarah_closed, 30)
    stopped = [e for e in lab.sarah.events if e.get("type") == "CALL_CLOSED"][-1]["at"]
    assert stopped - hung_up < RING_S / 2, "the staff phone rang on after the caller left"
    row = lab.daemon.wait_call_ended()
    assert row["outcome"] == "caller_hung_up", row
    (transfer,) = lab.daemon.rows("transfers", "call_id = ?", row["id"])
    assert transfer["outcome"] == "failed", transfer
    assert "ended" in transfer["detail"] or "hung up" in transfer["detail"], transfer

    # The daemon is not frozen: the next caller is greeted.
    again = lab.dial()
    again.wait_agent(min_speech_s=2.5)
    closed = lab.caller.count("CALL_CLOSED")
    lab.caller.hangup()
    lab.wait_closed(lab.caller, closed, 10)


def test_reply_cut_off_by_hangup_is_stored_as_interrupted(freeswitch_lab: Lab) -> None:
    """Defect 9: a reply the caller hung up on was stored as fully spoken."""
    lab = freeswitch_lab
    call = lab.dial()
    wait_heard(call.heard, 60, seconds=0.6)  # into the greeting, far from its end
    lab.caller.hangup()
    row = lab.daemon.wait_call_ended()
    assert row["outcome"] == "caller_hung_up", row
    turns = lab.daemon.rows("turns", "call_id = ? and speaker = 'agent'", row["id"])
    assert len(turns) == 1 and "Thank you for calling" in turns[0]["text"]
    assert turns[0]["interrupted"] == 1


def test_caller_talking_over_the_greeting_stops_it(freeswitch_lab: Lab, transcriber: Any) -> None:
    """Barge-in through the real switch: the caller talks over the greeting; their phone
    never hears the rest of it, and then hears an answer to what they said."""
    lab = freeswitch_lab
    call = lab.dial()
    wait_heard(call.heard, 60, seconds=2.5)  # the recording notice, then into the greeting
    # Not Thursday: test_booking_call booked 3 PM from this number, and the agent says so
    call.say("Sorry, can I book a haircut on Friday at three?")
    call.wait_agent(min_speech_s=1.5)  # waits out the caller's line first, then the answer
    heard = words(call.transcript(transcriber))
    assert "thank you for calling" in heard, heard
    assert "help you today" not in heard, heard  # the greeting's end: cut, and not said again
    # The answer to the caller's words ("Friday at 3 PM is free. What name ..."; Whisper
    # runs the cut greeting into "Friday", so the test hears the rest).
    assert re.search(r"\b3 ?pm\b.*\bwhat name\b", heard), heard
    closed = lab.caller.count("CALL_CLOSED")
    lab.caller.hangup()
    lab.wait_closed(lab.caller, closed, 10)
    row = lab.daemon.wait_call_ended()
    turns = lab.daemon.rows("turns", "call_id = ? and speaker = 'agent'", row["id"])
    greeting = [t for t in turns if "Thank you for calling" in t["text"]]
    assert len(greeting) == 1 and greeting[0]["interrupted"] == 1, turns


def test_switch_restart(freeswitch_lab: Lab) -> None:
    """FreeSWITCH dies and comes back: the daemon logs the outage once (defect 8: a warning
    every 2 s before), reconnects its inbound ESL and carries calls and transfers again."""
    lab = freeswitch_lab
    since = len(lab.daemon.log_text())
    lab.switch.kill()
    lab.daemon.wait_log("inbound ESL connection lost", 10, since)
    outage_s = 9.0
    time.sleep(outage_s)  # the outage itself: how long the switch stays down
    lab.switch.start()
    lab.daemon.wait_log("inbound ESL connection restored", 60, since)
    warnings = [
        line
        for line in lab.daemon.log_text()[since:].splitlines()
        if "WARNING" in line and "ESL" in line
    ]
    assert len(warnings) <= 2, warnings  # "lost", then one "still down (reason)"

    desk_calls = lab.desk.count("CALL_ESTABLISHED")
    call = lab.dial()
    call.wait_agent(min_speech_s=2.5)
    lab.caller.press("0")
    lab.desk.wait_event(
        "CALL_ESTABLISHED", 60, lambda e: lab.desk.count("CALL_ESTABLISHED") > desk_calls
    )
    (newest,) = lab.daemon.rows("calls", "1 order by started_at desc limit 1")
    lab.daemon.wait_row("transfers", "call_id = ? and outcome = 'answered'", newest["id"])
    closed = lab.desk.count("CALL_CLOSED")
    lab.caller.hangup()
    lab.wait_closed(lab.desk, closed, 15)
    row = lab.daemon.wait_call_ended()
    assert row["id"] == newest["id"] and row["outcome"] == "transferred", row


def test_stalled_daemon_callers_reach_a_person(freeswitch_lab: Lab) -> None:
    """Defect 3 on FreeSWITCH: a daemon that accepts the socket but never answers left the
    caller in silence. The dialplan's sched_transfer sends them to the front desk; the
    daemon, once it wakes, leaves that call alone."""
    lab = freeswitch_lab
    desk_calls = lab.desk.count("CALL_ESTABLISHED")
    since = len(lab.daemon.log_text())
    lab.daemon.freeze()
    try:
        started = time.monotonic()
        lab.dial()  # answered by the front desk's phone, not by the daemon
        lab.desk.wait_event(
            "CALL_ESTABLISHED", 5, lambda e: lab.desk.count("CALL_ESTABLISHED") > desk_calls
        )
        assert time.monotonic() - started < 15
    finally:
        lab.daemon.thaw()
    lab.daemon.wait_log("already handed on", 30, since)
    closed = lab.desk.count("CALL_CLOSED")
    lab.caller.hangup()
    lab.wait_closed(lab.desk, closed, 15)


def _switch_log(lab: Lab, call_id: str) -> str:
    """FreeSWITCH's log lines from the call's first line on, then the daemon's last lines:
    what a failure shows."""
    lines = lab.switch.log_tail(2000).splitlines()
    first = next((i for i, line in enumerate(lines) if call_id in line), 0)
    switch = "\n".join(line[:200] for line in lines[first:] if "Deleting" not in line)
    return f"{switch[-6000:]}\n--- the daemon:\n{lab.daemon.tail(60)}"
