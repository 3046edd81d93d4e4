"""AudioSocket frames (Asterisk ``res_audiosocket``): pure parsing and building, no I/O.

A frame is a 3-byte header, the kind (1 byte) and the payload length (16-bit big-endian),
then the payload. What the captures of a real Asterisk 22 show:

- the first frame from Asterisk is the uuid (0x01), 16 raw bytes;
- audio (0x10) is 8 kHz slin, 16-bit signed *little-endian* mono; usually 320 bytes, but
  shorter frames happen (a 40-byte one just before a DTMF), so a receiver re-chunks;
- DTMF (0x03) is one ASCII byte;
- Asterisk never sends hangup (0x00) or error (0xff): on hangup it just closes;
- from our side only audio and 0x00 (which closes at once) are safe; any other kind,
  0xff included, makes Asterisk log an error, hang up and reset the connection.
"""

from __future__ import annotations

import enum
import uuid as uuid_module
from dataclasses import dataclass

from receptionist.protocols.errors import LocalProtocolError, RemoteProtocolError

HEADER_BYTES = 3
MAX_PAYLOAD = 8192  # the largest 20 ms frame (0x18, 192 kHz) is 7680 bytes
SLIN8_FRAME_BYTES = 320


class Kind(enum.IntEnum):
    HANGUP = 0x00
    UUID = 0x01
    DTMF = 0x03
    AUDIO = 0x10  # slin 8 kHz
    AUDIO_12K = 0x11
    AUDIO_16K = 0x12
    AUDIO_24K = 0x13
    AUDIO_32K = 0x14
    AUDIO_44K = 0x15
    AUDIO_48K = 0x16
    AUDIO_96K = 0x17
    AUDIO_192K = 0x18
    ERROR = 0xFF


SAMPLE_RATES: dict[Kind, int] = {
    Kind.AUDIO: 8000,
    Kind.AUDIO_12K: 12000,
    Kind.AUDIO_16K: 16000,
    Kind.AUDIO_24K: 24000,
    Kind.AUDIO_32K: 32000,
    Kind.AUDIO_44K: 44100,
    Kind.AUDIO_48K: 48000,
    Kind.AUDIO_96K: 96000,
    Kind.AUDIO_192K: 192000,
}

_KINDS = {k.value: k for k in Kind}


@dataclass(frozen=True)
class Frame:
    kind: Kind
    payload: bytes = b""

    @classmethod
    def parse(cls, data: bytes) -> Frame:
        """One whole frame, nothing more, nothing less."""
        if len(data) < HEADER_BYTES:
            raise RemoteProtocolError(
                f"AudioSocket frame header needs {HEADER_BYTES} bytes, {len(data)} arrived"
            )
        kind = _kind(data[0])
        length = int.from_bytes(data[1:3], "big")
        _check_length(kind, length)
        body = data[HEADER_BYTES:]
        if len(body) < length:
            raise RemoteProtocolError(
                f"AudioSocket frame declares {length} bytes, {len(body)} arrived"
            )
        if len(body) > length:
            raise RemoteProtocolError(
                f"AudioSocket frame declares {length} bytes, {len(body)} arrived "
                f"({len(body) - length} extra)"
            )
        return cls(kind, bytes(body))

    def serialize(self) -> bytes:
        if len(self.payload) > 0xFFFF:
            raise LocalProtocolError(
                f"AudioSocket payload of {len(self.payload)} bytes exceeds 65535"
            )
        return bytes([self.kind]) + len(self.payload).to_bytes(2, "big") + self.payload

    @property
    def is_audio(self) -> bool:
        return self.kind in SAMPLE_RATES

    @property
    def sample_rate(self) -> int:
        return SAMPLE_RATES[self.kind]

    @property
    def uuid(self) -> str:
        if self.kind is not Kind.UUID:
            raise LocalProtocolError(f"AudioSocket frame of kind {self.kind.name} carries no uuid")
        return str(uuid_module.UUID(bytes=self.payload))

    @property
    def digit(self) -> str:
        if self.kind is not Kind.DTMF:
            raise LocalProtocolError(f"AudioSocket frame of kind {self.kind.name} carries no digit")
        return self.payload.decode("ascii")


def _kind(byte: int) -> Kind:
    try:
        return _KINDS[byte]
    except KeyError:
        raise RemoteProtocolError(f"AudioSocket frame of unknown kind 0x{byte:02x}") from None


def _check_length(kind: Kind, length: int) -> None:
    if kind is Kind.UUID and length != 16:
        raise RemoteProtocolError(f"AudioSocket uuid frame declares {length} bytes, a uuid is 16")
    if kind is Kind.DTMF and length != 1:
        raise RemoteProtocolError(f"AudioSocket DTMF frame declares {length} bytes, a digit is 1")
    if length > MAX_PAYLOAD:
        raise RemoteProtocolError(
            f"AudioSocket frame declares {length} bytes, more than the {MAX_PAYLOAD} allowed"
        )


def audio(payload: bytes, kind: Kind = Kind.AUDIO) -> bytes:
    return Frame(kind, payload).serialize()


def uuid_frame(call_uuid: str) -> bytes:
    return Frame(Kind.UUID, uuid_module.UUID(call_uuid).bytes).serialize()


def dtmf(digit: str) -> bytes:
    return Frame(Kind.DTMF, digit.encode("ascii")).serialize()


HANGUP = Frame(Kind.HANGUP).serialize()


class FrameReader:
    """Incremental parser: ``feed`` bytes as they arrive, take frames with ``next_frame``.

    ``needed`` says how many more bytes the next frame needs, so an adapter can
    ``readexactly(reader.needed)``. ``close`` at end of stream raises ``ValueError`` if a
    frame was cut short (a truncated frame names its declared and arrived sizes).
    """

    def __init__(self) -> None:
        self._buf = bytearray()

    def feed(self, data: bytes) -> None:
        self._buf += data

    @property
    def needed(self) -> int:
        if len(self._buf) < HEADER_BYTES:
            return HEADER_BYTES - len(self._buf)
        length = int.from_bytes(self._buf[1:3], "big")
        return max(HEADER_BYTES + length - len(self._buf), 0)

    def next_frame(self) -> Frame | None:
        """The next whole frame, or None until more bytes arrive. Bad headers raise at once."""
        if len(self._buf) < HEADER_BYTES:
            return None
        kind = _kind(self._buf[0])
        length = int.from_bytes(self._buf[1:3], "big")
        _check_length(kind, length)
        end = HEADER_BYTES + length
        if len(self._buf) < end:
            return None
        payload = bytes(self._buf[HEADER_BYTES:end])
        del self._buf[:end]
        return Frame(kind, payload)

    def close(self) -> None:
        """The stream ended: fine between frames, a ValueError inside one."""
        if not self._buf:
            return
        if len(self._buf) < HEADER_BYTES:
            raise RemoteProtocolError(
                f"AudioSocket stream ended inside a frame header: "
                f"{len(self._buf)} of {HEADER_BYTES} bytes arrived"
            )
        length = int.from_bytes(self._buf[1:3], "big")
        raise RemoteProtocolError(
            f"AudioSocket frame declares {length} bytes, {len(self._buf) - HEADER_BYTES} arrived"
        )


class Rechunker:
    """Turns audio payloads of any length into fixed-size frames (Asterisk sends short ones)."""

    def __init__(self, frame_bytes: int = SLIN8_FRAME_BYTES) -> None:
        self.frame_bytes = frame_bytes
        self._buf = bytearray()

    def push(self, payload: bytes) -> list[bytes]:
        self._buf += payload
        out = []
        while len(self._buf) >= self.frame_bytes:
            out.append(bytes(self._buf[: self.frame_bytes]))
            del self._buf[: self.frame_bytes]
        return out

    @property
    def pending(self) -> int:
        return len(self._buf)
