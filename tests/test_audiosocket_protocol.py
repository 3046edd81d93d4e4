"""AudioSocket frames against the captures of a real Asterisk 22."""

from __future__ import annotations

import json
import re
import wave

import numpy as np
import pytest

from receptionist.protocols import audiosocket as aso
from tests.asterisk_captures import CAPTURES, capture

FRAME_LINE = re.compile(
    r"^\s*(?P<t>[\d.]+) (?P<dir>\S+) kind=0x(?P<kind>[0-9a-f]{2}) .*?len=(?P<len>\d+)"
)


def frames_txt(name: str, direction: str) -> list[tuple[int, int, str]]:
    """(kind, len, rest of line) per frame of one direction, as the capture tool saw them."""
    out = []
    for line in (CAPTURES / name).read_text().splitlines():
        m = FRAME_LINE.match(line)
        assert m, line
        if m["dir"] == direction:
            out.append((int(m["kind"], 16), int(m["len"]), line))
    return out


def parse_stream(data: bytes) -> list[aso.Frame]:
    reader = aso.FrameReader()
    reader.feed(data)
    frames = []
    while (f := reader.next_frame()) is not None:
        frames.append(f)
    reader.close()
    return frames


@pytest.mark.parametrize("name", ["audiosocket_app", "audiosocket_sip"])
def test_every_frame_from_asterisk_matches_the_capture(name: str) -> None:
    frames = parse_stream(capture(f"{name}.s2c.raw"))
    expected = frames_txt(f"{name}.frames.txt", "S->C")
    assert [(f.kind.value, len(f.payload)) for f in frames] == [(k, n) for k, n, _ in expected]
    # the first frame is the uuid, 16 raw bytes
    assert frames[0].kind is aso.Kind.UUID
    assert frames[0].uuid in expected[0][2]
    digits = [f.digit for f in frames if f.kind is aso.Kind.DTMF]
    assert digits == [re.search(r"digit=b'(.)'", line)[1] for k, _, line in expected if k == 3]  # type: ignore[index]
    # Asterisk never sends hangup or error frames
    assert not [f for f in frames if f.kind in (aso.Kind.HANGUP, aso.Kind.ERROR)]


def test_short_audio_frame_before_dtmf_is_real() -> None:
    sizes = [len(f.payload) for f in parse_stream(capture("audiosocket_app.s2c.raw")) if f.is_audio]
    assert 40 in sizes and set(sizes) == {320, 40}


@pytest.mark.parametrize("name", ["audiosocket_app", "audiosocket_sip"])
def test_audio_payloads_are_the_received_wav(name: str) -> None:
    pcm = b"".join(f.payload for f in parse_stream(capture(f"{name}.s2c.raw")) if f.is_audio)
    with wave.open(str(CAPTURES / f"{name}_rx.wav")) as w:
        assert (w.getframerate(), w.getsampwidth(), w.getnchannels()) == (8000, 2, 1)
        assert w.readframes(w.getnframes()) == pcm


def test_slin_is_little_endian() -> None:
    # What we sent was a smooth tone: read little-endian it is smooth, big-endian it is noise.
    payload = b"".join(f.payload for f in parse_stream(capture("audiosocket_app.c2s.raw")))
    le = np.frombuffer(payload, "<i2").astype(np.int64)
    be = np.frombuffer(payload, ">i2").astype(np.int64)
    assert np.abs(np.diff(le)).mean() * 5 < np.abs(np.diff(be)).mean()


@pytest.mark.parametrize(
    "name,kinds",
    [
        ("audiosocket_app", {0x10}),
        ("audiosocket_app_srvhangup", {0x10, 0x00}),
        ("audiosocket_chan", {0x10, 0xFF}),
    ],
)
def test_our_side_streams_round_trip(name: str, kinds: set[int]) -> None:
    raw = capture(f"{name}.c2s.raw")
    if name == "audiosocket_chan":
        # 0x55 is not an AudioSocket kind: the capture sent it on purpose, we refuse it
        with pytest.raises(ValueError, match="unknown kind 0x55"):
            parse_stream(raw)
        raw = raw.replace(b"\x55\x00\x02\x01\x02", b"")
    frames = parse_stream(raw)
    assert b"".join(f.serialize() for f in frames) == raw
    assert {f.kind.value for f in frames} == kinds
    expected = [(k, n) for k, n, _ in frames_txt(f"{name}.frames.txt", "C->S") if k != 0x55]
    assert [(f.kind.value, len(f.payload)) for f in frames] == expected


def test_chunked_reads_as_the_socket_delivered_them() -> None:
    reader = aso.FrameReader()
    frames = []
    for line in (CAPTURES / "audiosocket_app.jsonl").read_text().splitlines():
        chunk = json.loads(line)
        if chunk["dir"] != "S->C":
            continue
        reader.feed(chunk["data"].encode("latin-1"))
        while (f := reader.next_frame()) is not None:
            frames.append(f)
    reader.close()
    assert frames == parse_stream(capture("audiosocket_app.s2c.raw"))


def test_byte_by_byte_with_needed() -> None:
    data = capture("audiosocket_sip.s2c.raw")[: 19 + 323 * 3]
    reader = aso.FrameReader()
    pos, frames = 0, []
    while pos < len(data):
        n = reader.needed
        assert n > 0
        reader.feed(data[pos : pos + n])
        pos += n
        if (f := reader.next_frame()) is not None:
            frames.append(f)
            assert reader.needed == aso.HEADER_BYTES
    assert [f.kind for f in frames] == [aso.Kind.UUID] + [aso.Kind.AUDIO] * 3


def test_round_trip_builders() -> None:
    u = "ab8197d9-da14-457e-b152-e8ee16cbe19f"
    assert aso.Frame.parse(aso.uuid_frame(u)).uuid == u
    assert aso.uuid_frame(u) == capture("audiosocket_app.s2c.raw")[:19]
    assert aso.Frame.parse(aso.dtmf("#")).digit == "#"
    assert aso.HANGUP == b"\x00\x00\x00"
    f = aso.Frame.parse(aso.audio(b"\x01\x00" * 160))
    assert f.is_audio and f.sample_rate == 8000 and len(f.payload) == 320
    assert aso.Frame(aso.Kind.AUDIO_16K, b"\0" * 640).sample_rate == 16000


def test_truncated_frame_names_sizes() -> None:
    reader = aso.FrameReader()
    reader.feed(b"\x10\x02\x80" + b"\0" * 12)
    assert reader.next_frame() is None
    assert reader.needed == 640 - 12
    with pytest.raises(ValueError, match="AudioSocket frame declares 640 bytes, 12 arrived"):
        reader.close()
    with pytest.raises(ValueError, match="AudioSocket frame declares 640 bytes, 12 arrived"):
        aso.Frame.parse(b"\x10\x02\x80" + b"\0" * 12)


def test_bad_frames() -> None:
    with pytest.raises(ValueError, match="declares 9000 bytes, more than the 8192 allowed"):
        aso.Frame.parse(b"\x10" + (9000).to_bytes(2, "big") + b"\0" * 9000)
    with pytest.raises(ValueError, match="uuid frame declares 4 bytes"):
        aso.Frame.parse(b"\x01\x00\x04abcd")
    with pytest.raises(ValueError, match="DTMF frame declares 2 bytes"):
        aso.Frame.parse(b"\x03\x00\x0212")
    with pytest.raises(ValueError, match="header needs 3 bytes, 2 arrived"):
        aso.Frame.parse(b"\x10\x00")
    with pytest.raises(ValueError, match="2 extra"):
        aso.Frame.parse(b"\x03\x00\x01123")
    reader = aso.FrameReader()
    reader.feed(b"\x10\x01")
    with pytest.raises(ValueError, match="ended inside a frame header: 2 of 3"):
        reader.close()
    reader = aso.FrameReader()
    reader.feed(b"\x42\x00\x00")
    with pytest.raises(ValueError, match="unknown kind 0x42"):
        reader.next_frame()


def test_rechunker_makes_20ms_frames_from_short_ones() -> None:
    r = aso.Rechunker(320)
    assert r.push(b"\1" * 300) == []
    out = r.push(b"\2" * 40)
    assert out == [b"\1" * 300 + b"\2" * 20] and r.pending == 20
