"""DTMF in a SIP INFO body (the fallback to RFC 4733 some phones and PBXs use):
``application/dtmf-relay`` (``Signal=5\\r\\nDuration=160``) and ``application/dtmf`` (``5``)."""

from __future__ import annotations

from receptionist.protocols.errors import RemoteProtocolError

DIGITS = "0123456789*#ABCD"
_EVENTS = {"10": "*", "11": "#", "12": "A", "13": "B", "14": "C", "15": "D"}


def parse_dtmf_info(content_type: str, body: str) -> str:
    """The digit an INFO carries; raises ``RemoteProtocolError`` naming what is wrong."""
    kind = content_type.split(";")[0].strip().lower()
    if kind == "application/dtmf-relay":
        for line in body.splitlines():
            name, _, value = line.partition("=")
            if name.strip().lower() == "signal":
                return _digit(value.strip())
        raise RemoteProtocolError(f"dtmf-relay INFO without a Signal= line: {body[:60]!r}")
    if kind == "application/dtmf":
        return _digit(body.strip())
    raise RemoteProtocolError(f"INFO of type {content_type[:60]!r} carries no DTMF we know")


def _digit(value: str) -> str:
    digit = _EVENTS.get(value, value.upper())
    if len(digit) != 1 or digit not in DIGITS:
        raise RemoteProtocolError(f"DTMF signal {value[:20]!r} is not one of {DIGITS}")
    return digit
