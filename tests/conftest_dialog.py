"""Fixtures for the conversation tests: the salon, a store file, and calls at the text level.

Loaded through ``pytest_plugins`` in ``tests/conftest.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest

from receptionist.app.config import Settings, load_settings
from receptionist.dialog.conversation import Conversation
from receptionist.harness.text_call import TextCall
from receptionist.media.leg import TransferResult
from receptionist.store.db import Store
from receptionist.tools.backend import BookingBackend
from receptionist.tools.booking import BookingService
from receptionist.tools.calendar import BuiltinCalendar
from receptionist.tools.confirmation_route import route_for

# A Tuesday: "Thursday" is 2026-11-26, the salon is open.
TODAY = date(2026, 11, 24)


@pytest.fixture(scope="session")
def salon() -> Settings:
    return load_settings()


@pytest.fixture
def store_file(tmp_path: Path) -> Iterator[Store]:
    store = Store(tmp_path / "receptionist.db")
    yield store
    store.close()


@dataclass
class DialogCall:
    """One call at the text level, with the transfers the PBX was asked for."""

    text: TextCall
    transfers: list[tuple[str, str]] = field(default_factory=list)  # (extension, summary)

    @property
    def conversation(self) -> Conversation:
        return self.text.conversation

    @property
    def said(self) -> list[str]:
        return self.text.said

    @property
    def hung_up(self) -> bool:
        return self.text.hung_up

    async def say(self, text: str, confidence: float = 1.0) -> list[str]:
        return await self.text.say(text, confidence)

    async def press(self, digit: str) -> list[str]:
        return await self.text.press(digit)

    async def silence(self) -> list[str]:
        return await self.text.silence()

    async def hang_up(self, last_words: str = "") -> None:
        await self.text.hang_up(last_words)


def start_call(
    settings: Settings,
    store: Store,
    call_id: str,
    caller_id: str = "5551234567",
    backend: BookingBackend | None = None,
    transfer_outcome: str = "answered",
    deadline_s: float = 0.5,
) -> DialogCall:
    """A call that has just been answered (greeting spoken)."""
    bookings = BookingService(
        store, backend or BuiltinCalendar(store), settings.profile, deadline_s=deadline_s
    )
    transfers: list[tuple[str, str]] = []

    async def connect(extension: str, summary: str, warm: bool) -> TransferResult:
        transfers.append((extension, summary))
        return TransferResult(extension, transfer_outcome)

    text = TextCall.start(settings.profile, store, bookings, call_id, caller_id, TODAY,
                          connect=connect, confirmations=route_for(settings))  # fmt: skip
    return DialogCall(text, transfers)
