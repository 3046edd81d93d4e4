"""Every parser in protocols/, and the config loader, fed any bytes: only our own error types
come out (ProtocolError / ConfigError), never an IndexError, a RecursionError or a hang."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from receptionist.app.config import ConfigError, example_config_text, load_settings
from receptionist.protocols import agi, ami, audiosocket, esl
from receptionist.protocols.errors import ProtocolError, RemoteProtocolError

# Bytes that look a little like each protocol, so the parsers get past their first checks.
ESLISH = st.lists(
    st.sampled_from([b"Content-Type: ", b"text/event-json", b"text/event-plain",
                     b"command/reply", b"api/response", b"Content-Length: ", b"12", b"99999999",
                     b"Event-Name: HEARTBEAT", b"Reply-Text: +OK", b"\n", b"\n\n", b": ",
                     b"{", b"[", b"}", b'"a":', b"%", b"\xff", b"auth/request"])
    | st.binary(max_size=16),
    max_size=40,
).map(b"".join)  # fmt: skip
AGIISH = st.lists(
    st.sampled_from([b"agi_", b"request: ", b"channel: ", b"\n", b"\n\n", b"200 result=",
                     b"520-Invalid", b"520 End", b"511 ", b"HANGUP", b"-1", b"(", b")", b"\xff"])
    | st.binary(max_size=12),
    max_size=40,
).map(b"".join)  # fmt: skip
AMIISH = st.lists(
    st.sampled_from([b"Asterisk Call Manager/11.0.0\r\n", b"Response: ", b"Event: ",
                     b"ActionID: ", b"\r\n", b"\r\n\r\n", b": ", b"Success", b"\xff"])
    | st.binary(max_size=12),
    max_size=40,
).map(b"".join)  # fmt: skip
FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def chunks(data: bytes, cut: int) -> list[bytes]:
    cut = max(1, cut)
    return [data[i : i + cut] for i in range(0, len(data), cut)] or [b""]


@FAST
@given(ESLISH, st.integers(1, 64))
def test_esl_parser(data: bytes, cut: int) -> None:
    parser = esl.EslParser()
    try:
        for piece in chunks(data, cut):
            parser.feed(piece)
        parser.close()
    except ProtocolError:
        pass


def test_a_deeply_nested_json_event_is_a_peer_error() -> None:
    body = b"[" * 200_000
    frame = b"Content-Type: text/event-json\nContent-Length: %d\n\n" % len(body) + body
    with pytest.raises(RemoteProtocolError, match="JSON event body does not parse"):
        esl.EslParser().feed(frame)


@FAST
@given(AGIISH, st.integers(1, 64))
def test_agi_environment_and_results(data: bytes, cut: int) -> None:
    reader = agi.EnvironmentReader()
    try:
        for piece in chunks(data, cut):
            if reader.feed(piece):
                break
        reader.close()
    except ProtocolError:
        pass
    results = agi.ResultReader()
    for line in data.decode("utf-8", "replace").split("\n"):
        try:
            results.feed_line(line)
        except ProtocolError:
            pass


@FAST
@given(AMIISH, st.integers(1, 64), st.booleans())
def test_ami_reader(data: bytes, cut: int, banner: bool) -> None:
    reader = ami.MessageReader(expect_banner=banner)
    try:
        for piece in chunks(data, cut):
            reader.feed(piece)
    except ProtocolError:
        pass


@FAST
@given(st.binary(max_size=400), st.integers(1, 64))
def test_audiosocket_reader(data: bytes, cut: int) -> None:
    reader = audiosocket.FrameReader()
    try:
        for piece in chunks(data, cut):
            reader.feed(piece)
            while reader.next_frame() is not None:
                pass
        reader.close()
    except ProtocolError:
        pass
    try:
        audiosocket.Frame.parse(data)
    except ProtocolError:
        pass


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300) | st.text(max_size=300).map(lambda s: s.encode("utf-8")))
def test_the_config_loader_on_any_bytes(tmp_path_factory: pytest.TempPathFactory,
                                        data: bytes) -> None:  # fmt: skip
    path = Path(tmp_path_factory.mktemp("cfg")) / "site.toml"
    path.write_bytes(data)
    try:
        load_settings(path)
    except ConfigError:
        pass


_EXAMPLE = example_config_text().splitlines()
_VALUE_LINES = [i for i, line in enumerate(_EXAMPLE) if " = " in line and not line.startswith("#")]
TOML_VALUES = st.sampled_from(
    ['"no"', "70000", "-1", "0", "true", "1.5", '""', "[]", "[1, 2]", '"x"', "{}",
     '"25:99-26:00"', '"Nobody"', "99999999999"]
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_VALUE_LINES), TOML_VALUES), min_size=1, max_size=3))
def test_the_config_loader_on_wrong_values(
    tmp_path_factory: pytest.TempPathFactory, changes: list[tuple[int, str]]
) -> None:
    lines = list(_EXAMPLE)
    for index, value in changes:
        key = lines[index].split(" = ", 1)[0]
        lines[index] = f"{key} = {value}"
    path = Path(tmp_path_factory.mktemp("cfg")) / "site.toml"
    path.write_text("\n".join(lines))
    try:
        load_settings(path)
    except ConfigError as exc:
        assert str(path) in str(exc)  # every refusal names the file
