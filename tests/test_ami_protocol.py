"""AMI messages against the captures of a real Asterisk 22."""

from __future__ import annotations

import json

import pytest

from receptionist.protocols import ami
from tests.asterisk_captures import CAPTURES, capture


def session_messages() -> list[ami.Message]:
    reader = ami.MessageReader()
    out = []
    for line in (CAPTURES / "ami_session.jsonl").read_text().splitlines():
        chunk = json.loads(line)
        if chunk["dir"] == "S->C":
            out += reader.feed(chunk["data"].encode("latin-1"))
    assert reader.banner == "11.0.0"
    return out


def test_whole_session_parses_and_matches_the_raw_stream() -> None:
    msgs = session_messages()
    reader = ami.MessageReader()
    assert reader.feed(capture("ami_session.s2c.raw")) == msgs
    # every message is either a response or an event, never both
    assert all(m.is_event != m.is_response for m in msgs)
    responses = [m for m in msgs if m.is_response]
    assert [m.action_id for m in responses] == [
        "peers-1", "peers-2", "peers-3", "peers-4", "peers-5", "peers-6", "peers-7",
        "peers-8", "peers-9", "peers-10", "orig-bridge", "peers-12", "peers-13",
        "peers-14", "peers-15", "peers-16", "peers-17",
    ]  # fmt: skip


def test_originate_response_is_an_event() -> None:
    msgs = session_messages()
    orig = [m for m in msgs if m.event == "OriginateResponse"]
    assert len(orig) == 2
    assert all(m.is_event and not m.is_response and m.success for m in orig)
    assert orig[0].action_id == "peers-6"
    assert orig[0].get("Channel") == "Local/400@from-sip-00000003;1"
    assert ami.originate_reason(orig[0]) == "answered"


def test_command_output_with_crlf_in_its_own_segment() -> None:
    msgs = {m.action_id: m for m in session_messages() if m.is_response}
    assert msgs["peers-3"].output.startswith("Asterisk 22.10.1 built by root")
    bad = msgs["peers-5"]
    assert bad.get("Response") == "Error" and not bad.success
    assert bad.output.startswith("No such command 'no such cli command'")
    # the ping reply was split over two reads too
    assert msgs["peers-2"].get("Ping") == "Pong"


def test_errors() -> None:
    msgs = {m.action_id: m for m in session_messages() if m.is_response}
    assert msgs["peers-4"].get("Message").startswith("Invalid/unknown command: NoSuchAction")
    assert msgs["peers-10"].get("Message") == "Channel does not exist: PJSIP/nonexistent-00000000"
    assert msgs["peers-16"].get("Message") == "No such channel"
    assert msgs["peers-17"].get("Response") == "Goodbye" and msgs["peers-17"].success


def test_bad_login() -> None:
    reader = ami.MessageReader()
    (msg,) = reader.feed(capture("ami_badlogin.s2c.raw"))
    assert msg.is_response and not msg.success
    assert msg.get("Message") == "Authentication failed"


def test_dtmf_events_with_features() -> None:
    msgs = ami.MessageReader().feed(capture("ami_sipcall_features.s2c.raw"))
    digits = [
        m.get("Digit") for m in msgs if m.event == "DTMFEnd" and m.get("Direction") == "Received"
    ]
    assert digits == ["7", "8", "#"]


def test_actions_are_byte_exact() -> None:
    sent = capture("ami_session.c2s.raw")
    _, login = ami.build_action(
        "Login", {"Username": "peers", "Secret": "peers", "Events": "on"}, "peers-1"
    )
    assert sent.startswith(login)
    _, originate = ami.build_action(
        "Originate",
        [
            ("Channel", "Local/400@from-sip/n"),
            ("Context", "from-sip"),
            ("Exten", "600"),
            ("Priority", "1"),
            ("CallerID", '"AMI Test" <5551234>'),
            ("Timeout", "15000"),
            ("Async", "true"),
            ("Variable", "AI_VAR1=one,AI_VAR2=two words"),
        ],
        "peers-6",
    )
    assert originate in sent
    aid, data = ami.build_action("Ping")
    assert aid.startswith("receptionist-") and f"ActionID: {aid}\r\n".encode() in data
    assert ami.build_action("Ping")[0] != aid
    with pytest.raises(ValueError, match="one line"):
        ami.build_action("Redirect", {"Channel": "x\r\nAction: Hangup"})


def test_banner_and_garbage() -> None:
    with pytest.raises(ValueError, match="not an AMI banner"):
        ami.MessageReader().feed(b"HTTP/1.1 400 Bad Request\r\n")
    with pytest.raises(ValueError, match="not 'Key: Value'"):
        ami.parse_message("Response Success")
