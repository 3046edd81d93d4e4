"""protocols/esl.py against every ESL capture of a real FreeSWITCH 1.10.12."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from receptionist.protocols import esl
from tests.fake_freeswitch import CAPTURES, capture_chunks, capture_stream, split_frames

ALL = sorted(p.name.removesuffix(".jsonl") for p in CAPTURES.glob("*.jsonl"))
DIGITS = set("0123456789*#ABCD")


def notes(name: str) -> list[str]:
    lines = (CAPTURES / f"{name}.jsonl").read_text().splitlines()
    return [obj["data"] for obj in map(json.loads, lines) if obj["dir"] == "note"]


def replay(name: str) -> list[esl.EslFrame]:
    """Feed the switch's bytes exactly as each recv() returned them."""
    parser = esl.EslParser(name)
    frames: list[esl.EslFrame] = []
    for direction, data in capture_chunks(name):
        if direction == "S->C":
            frames += parser.feed(data)
    parser.close()
    return frames


def events(frames: list[esl.EslFrame], name: str | None = None) -> list[esl.EslEvent]:
    return [f for f in frames if isinstance(f, esl.EslEvent) and name in (None, f.name)]


def test_every_capture_is_here() -> None:
    assert len(ALL) == 23
    assert "unicast_l16" in ALL and "warm_transfer_summary_inbound" in ALL


@pytest.mark.parametrize("name", ALL)
def test_replay_accounts_for_every_byte(name: str) -> None:
    stream = capture_stream(name)
    frames = replay(name)
    # Same frames as an independent splitter finds, byte for byte, in order.
    independent = split_frames(stream)
    assert len(frames) == len(independent)
    assert b"".join(f.serialize() for f in frames) == stream
    for frame, (head, body) in zip(frames, independent, strict=True):
        assert frame.body == body
        assert frame.serialize().startswith(head.encode())
    # Whole stream in one read, and cut at random points, give the same frames.
    assert esl.parse_frames(stream) == frames
    rng = random.Random(name)
    parser, again = esl.EslParser(), []
    pos = 0
    while pos < len(stream):
        step = rng.choice([1, 2, 7, 64, 1000, 9000])
        again += parser.feed(stream[pos : pos + step])
        pos += step
    assert again == frames


@pytest.mark.parametrize("name", ALL)
def test_every_frame_is_typed_and_every_event_decoded(name: str) -> None:
    frames = replay(name)
    for frame in frames:
        assert type(frame) is not esl.EslFrame
        if isinstance(frame, esl.EslEvent):
            assert re.fullmatch(r"[A-Z_]+", frame.name), frame.name
            assert frame.content_type in ("text/event-plain", "text/event-json")
            if frame.name not in ("API", "HEARTBEAT", "RE_SCHEDULE", "BACKGROUND_JOB"):
                assert re.fullmatch(r"[0-9a-f-]{36}", frame.uuid), (frame.name, frame.uuid)
            if frame.content_type == "text/event-plain":
                # URL-decoded: no %XX escapes left in names that FreeSWITCH encodes
                assert "%3A" not in frame.get("Event-Date-Local")
        elif isinstance(frame, esl.CommandReply):
            assert frame.reply_text.startswith(("+OK", "-ERR")) or frame.reply_text == (
                "hello world & more"  # getvar's reply is the bare value (captured)
            )
        elif isinstance(frame, esl.ApiResponse):
            assert frame.headers["Content-Length"] == str(len(frame.body))
    for event in events(frames, "DTMF"):
        assert event.get("DTMF-Digit") in DIGITS


DTMF = {
    "inbound_json": "123#",
    "inbound_plain_dtmf": "*#90",
    "outbound_async_full_linger": "456",
    "unicast_l16": "57#",
    "unicast_native": "8",
}


@pytest.mark.parametrize("name", ALL)
def test_dtmf_digits(name: str) -> None:
    got = "".join(e.get("DTMF-Digit") for e in events(replay(name), "DTMF"))
    assert got == DTMF.get(name, "")


@pytest.mark.parametrize(
    ("name", "bodies"),
    [
        ("inbound_json", ["+OK b215fead-2e9b-4922-bbc8-61d75a9244df\n"]),
        ("warm_transfer_inbound", ["+OK 94c78ca1-c1ba-4ed9-bd59-be4e124e7ac1\n"]),
        ("warm_transfer_summary_inbound", ["+OK c5131731-7d34-48c0-a6b2-07bfa508218b\n"]),
        ("warm_transfer_noanswer_inbound", ["-ERR NORMAL_TEMPORARY_FAILURE\n", "-ERR NO_ANSWER\n"]),
    ],
)
def test_background_job_bodies(name: str, bodies: list[str]) -> None:
    jobs = events(replay(name), "BACKGROUND_JOB")
    assert [j.event_body for j in jobs] == bodies
    sent = capture_stream(name, "C->S").decode()
    for job in jobs:  # each answers the Job-UUID we chose
        assert f"Job-UUID: {job.get('Job-UUID')}\n" in sent
        assert job.get("Job-Command") == "originate"


def test_plain_background_job_with_its_own_body() -> None:
    jobs = events(replay("inbound_plain"), "BACKGROUND_JOB")
    assert jobs[0].event_body == "+OK a7488157-afdc-454b-aae5-6aaefcf12666\n"
    assert jobs[1].event_body.startswith("UP 0 years")
    assert jobs[2].event_body == "-ERR CHAN_NOT_IMPLEMENTED\n"
    assert jobs[0].get("Job-Command-Arg").startswith("{origination_uuid=a7488157")


OUTBOUND = [n for n in ALL if not n.startswith("inbound") and not n.endswith("_inbound")]


@pytest.mark.parametrize("name", OUTBOUND)
def test_connect_reply_carries_decoded_channel_data(name: str) -> None:
    first = replay(name)[0]
    assert isinstance(first, esl.CommandReply) and "Content-Length" not in first.headers
    channel = first.channel
    assert first.reply_text == "+OK\n" and first.ok
    assert channel["Event-Name"] == "CHANNEL_DATA"
    noted = [n for n in notes(name) if n.startswith("channel uuid from connect reply")]
    later = events(replay(name))[0].uuid
    assert channel["Unique-ID"] == (noted[0].split(": ")[1] if noted else later)
    assert channel["Channel-Read-Codec-Rate"] == "8000"
    if name == "outbound_async_full_linger":
        assert channel["variable_ai_test_var"] == "hello world & more"
        assert channel["Caller-Channel-Name"] == "sofia/internal/caller@127.0.0.1:5070"
        assert channel["Socket-Mode"] == "async" and channel["Control"] == "full"


@pytest.mark.parametrize("name", OUTBOUND)
def test_every_event_uuid_we_sent_comes_back_as_application_uuid(name: str) -> None:
    sent = re.findall(r"Event-UUID: (\S+)", capture_stream(name, "C->S").decode())
    completes = {
        e.get("Application-UUID"): e for e in events(replay(name), "CHANNEL_EXECUTE_COMPLETE")
    }
    for event_uuid in sent:
        if event_uuid in completes:
            continue
        # Only a command sent after hangup may lack its completion.
        assert name in ("unicast_stop", "unicast_stop_transfer"), (name, event_uuid)


def test_record_session_completes_with_its_application_uuid() -> None:
    frames = replay("unicast_record_session")
    done = {
        e.get("Application"): e.get("Application-UUID")
        for e in events(frames, "CHANNEL_EXECUTE_COMPLETE")
    }
    sent = capture_stream("unicast_record_session", "C->S").decode()
    for app in ("answer", "record_session", "stop_record_session"):
        assert done[app] and f"Event-UUID: {done[app]}" in sent
    assert not events(frames, "RECORD_START")  # as the README says: not on myevents


@pytest.mark.parametrize("name", ALL)
def test_disconnect_and_linger_notices(name: str) -> None:
    frames = replay(name)
    notices = [f for f in frames if isinstance(f, esl.DisconnectNotice)]
    assert notices and notices[-1] is frames[-1]
    last = notices[-1]
    assert last.body.startswith(b"Disconnected, goodbye.")
    lingers = [n for n in notices if n.disposition == "linger"]
    if name == "outbound_async_full_linger":
        assert [n.linger_time for n in lingers] == [-1]
    if name.startswith("inbound") or name.endswith("_inbound"):
        assert last.disposition == "" and not lingers


def test_json_events_take_body_from_underscore_body() -> None:
    frames = replay("inbound_json")
    for event in events(frames):
        assert event.content_type == "text/event-json"
        assert "_body" not in event.fields
    dtmf = events(frames, "DTMF")[0]
    assert dtmf.get("FreeSWITCH-IPv6") == "fd00::2"


def test_error_replies_are_kept_verbatim() -> None:
    frames = replay("inbound_plain")
    replies = [f.reply_text for f in frames if isinstance(f, esl.CommandReply)]
    assert "-ERR command not found" in replies
    apis = [f.text for f in frames if isinstance(f, esl.ApiResponse)]
    assert any(re.fullmatch(r"-ERR \S+ Command not found!\n", t) for t in apis)
    assert "vm" in apis  # no trailing newline: bodies don't always end with one
    bad = replay("inbound_badauth")
    assert isinstance(bad[1], esl.CommandReply) and bad[1].reply_text == "-ERR invalid"
    assert not bad[1].ok


# --- bad input --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"Content-Type: api/response\nContent-Length: 12x\n\n",
            "ESL frame 1: Content-Length is not a number: '12x'",
        ),
        (b"Reply-Text: +OK\n\n", "ESL frame 1: frame has no Content-Type (headers: Reply-Text)"),
        (b"Content-Type: text/html\n\n", "ESL frame 1: unknown Content-Type 'text/html'"),
        (
            b"Content-Type: command/reply\ngarbage line\n\n",
            "ESL frame 1: header line 2 has no 'Name: value': 'garbage line'",
        ),
        (
            b"Content-Type: text/event-json\nContent-Length: 2\n\n[]",
            "ESL frame 1: JSON event body is a list, not an object",
        ),
        (
            b"Content-Type: text/event-json\nContent-Length: 3\n\n{x}",
            "ESL frame 1: JSON event body does not parse",
        ),
        (
            b"Content-Type: text/event-plain\nContent-Length: 12\n\nJob-UUID: x\n",
            "ESL frame 1: event has no Event-Name",
        ),
        (
            b"Content-Type: text/event-plain\nContent-Length: 48\n\n"
            b"Event-Name: BACKGROUND_JOB\nContent-Length: 9\n\nab",
            "ESL frame 1: event declares a 9-byte body, 2 arrived",
        ),
        (b"Content-Type: api/response\n\xff\xfe: x\n\n", "ESL frame 1: header block is not UTF-8"),
    ],
)
def test_malformed_frames_name_the_problem(data: bytes, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        esl.parse_frames(data)
    assert str(caught.value).startswith(message)


def test_a_later_frame_is_numbered() -> None:
    parser = esl.EslParser("call socket")
    parser.feed(b"Content-Type: command/reply\nReply-Text: +OK\n\n")
    with pytest.raises(ValueError, match=r"^call socket frame 2: Content-Length is not a number"):
        parser.feed(b"Content-Type: api/response\nContent-Length: -1\n\n")


def test_close_mid_body_and_mid_headers() -> None:
    parser = esl.EslParser()
    assert parser.feed(b"Content-Type: api/response\nContent-Length: 40\n\n+OK") == []
    assert parser.needed == 37
    with pytest.raises(ValueError, match=r"closed mid-body, 3 of 40 body bytes arrived"):
        parser.close()
    parser = esl.EslParser()
    parser.feed(b"Content-Type: api/resp")
    with pytest.raises(ValueError, match="closed mid-headers, 22 bytes without a blank line"):
        parser.close()


def test_endless_headers_are_refused() -> None:
    with pytest.raises(ValueError, match="no blank line after"):
        esl.EslParser().feed(b"X-Filler: " + b"a" * (esl.MAX_HEADER_BYTES + 1))


# --- commands ---------------------------------------------------------------------------


def sent_chunks(name: str) -> list[bytes]:
    return [data for d, data in capture_chunks(name) if d == "C->S"]


def test_builders_reproduce_the_captured_bytes() -> None:
    linger = sent_chunks("outbound_async_full_linger")
    assert esl.connect() == linger[0]
    assert esl.myevents() == linger[1]
    assert esl.linger() == linger[2]
    l16 = sent_chunks("unicast_l16")
    assert esl.linger(5) == l16[2]
    answer_uuid = re.search(rb"Event-UUID: (\S+)", l16[3]).group(1).decode()  # type: ignore[union-attr]
    assert esl.sendmsg_execute("answer", event_uuid=answer_uuid) == l16[3]
    assert esl.sendmsg_unicast("127.0.0.1", 39821, "127.0.0.1", 35578) == l16[4]
    rec = sent_chunks("unicast_record_session")
    start = next(c for c in rec if b"execute-app-name: record_session" in c)
    stop = next(c for c in rec if b"stop_record_session" in c)
    hangup = next(c for c in rec if b"call-command: hangup" in c)
    for chunk, app in ((start, "record_session"), (stop, "stop_record_session")):
        arg = re.search(rb"execute-app-arg: (\S+)", chunk).group(1).decode()  # type: ignore[union-attr]
        uid = re.search(rb"Event-UUID: (\S+)", chunk).group(1).decode()  # type: ignore[union-attr]
        assert esl.sendmsg_execute(app, arg, event_uuid=uid) == chunk
    assert esl.sendmsg_hangup() == hangup
    summary = sent_chunks("warm_transfer_summary_inbound")
    assert esl.auth("ClueCon") == summary[0]
    originate = summary[2].decode()
    command = originate.split("\n")[0].removeprefix("bgapi ")
    job = originate.split("Job-UUID: ")[1].strip()
    assert esl.bgapi(command, job) == summary[2]
    assert (
        esl.sendmsg_unicast(
            "127.0.0.1", 33586, "127.0.0.1", 50246, uuid="c5131731-7d34-48c0-a6b2-07bfa508218b"
        )
        == summary[3]
    )
    assert (
        esl.api(
            "uuid_bridge f1ff11ca-c291-4c42-b60c-a0e2faf1e608 c5131731-7d34-48c0-a6b2-07bfa508218b"
        )
        == summary[4]
    )
    assert esl.exit_() == summary[-1]
    assert esl.event_subscription("plain", summary[1].decode().split()[2:]) == summary[1]
    native = sent_chunks("unicast_native")
    assert esl.sendmsg_unicast("127.0.0.1", 49734, "127.0.0.1", 49453, flags="native") in native
    dtmf = sent_chunks("inbound_plain_dtmf")
    assert esl.sendmsg_hangup("CALL_REJECTED", uuid="ee6df67b-c371-4a98-bdc8-45de5fb8b33e") in dtmf
    playback = sent_chunks("outbound_async_full_linger")[4]
    assert (
        esl.sendmsg_execute("playback", "/opt/switch/sip/in_callee.wav", event_lock=True)
        == playback
    )


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: esl.api("uuid_kill x\nexit"), "ESL command contains a line break"),
        (lambda: esl.api(" "), "api command is empty"),
        (lambda: esl.bgapi("status", ""), "bgapi needs a Job-UUID"),
        (lambda: esl.sendmsg_execute("two words"), "application name must be one word"),
        (
            lambda: esl.sendmsg_execute("record_session", "/tmp/a\n.wav"),
            "execute-app-arg contains a line break",
        ),
        (lambda: esl.sendmsg_unicast("127.0.0.1", 0, "127.0.0.1", 5), "unicast local-port 0"),
        (lambda: esl.linger(0), "linger seconds must be positive"),
        (lambda: esl.auth("two words"), "ESL password must be one non-empty word"),
        (lambda: esl.event_subscription("xml", ["DTMF"]), "event format must be plain or json"),
    ],
)
def test_builders_refuse_bad_input(build: object, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        build()  # type: ignore[operator]


def test_captures_are_copies_of_the_shared_ones() -> None:
    # The project's copies must stay byte-identical to the originals in ../shared, where
    # those lie beside the checkout (a developer's machine and CI).
    shared = Path(__file__).resolve().parents[2] / "shared" / "captures" / "freeswitch"
    if not shared.exists():
        pytest.skip("../shared is not beside this checkout")
    for name in ALL:
        assert capture_stream(name) == (shared / f"{name}.s2c.raw").read_bytes()


def test_header_order_does_not_matter() -> None:
    # events put Content-Length first, api/response puts Content-Type first (captured)
    api_first = b"Content-Type: api/response\nContent-Length: 4\n\n+OK\n"
    length_first = b"Content-Length: 4\nContent-Type: api/response\n\n+OK\n"
    (a,), (b,) = esl.parse_frames(api_first), esl.parse_frames(length_first)
    assert isinstance(a, esl.ApiResponse) and isinstance(b, esl.ApiResponse)
    assert a.text == b.text == "+OK\n" and a.headers == b.headers
    assert a.serialize() == api_first and b.serialize() == length_first


def test_several_frames_in_one_read_and_one_frame_over_many() -> None:
    stream = capture_stream("inbound_badauth")  # reply + disconnect notice arrive together
    parser = esl.EslParser()
    kinds = [type(f).__name__ for f in parser.feed(stream)]
    assert kinds == ["AuthRequest", "CommandReply", "DisconnectNotice"]
    parser = esl.EslParser()
    got = [f for byte in stream for f in parser.feed(bytes([byte]))]
    assert [type(f).__name__ for f in got] == kinds
