"""The Asterisk captures copied from ../shared/captures/asterisk (only those the tests read)."""

from __future__ import annotations

from pathlib import Path

CAPTURES = Path(__file__).parent / "captures" / "asterisk"


def capture(name: str) -> bytes:
    return (CAPTURES / name).read_bytes()
