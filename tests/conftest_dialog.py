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
from receptionist.media.leg import TransferResult
from receptionist.session import Hangup, Say, Session
from receptionist.store.db import Store
from receptionist.tools.backend import BookingBackend
from receptionist.tools.booking import BookingService
from receptionist.tools.calendar import BuiltinCalendar

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
class TextCall:
    """One call at the text level: what the caller says in, what the agent does out."""

    session: Session
    said: list[str] = field(default_factory=list)
    transfers: list[tuple[str, str]] = field(default_factory=list)  # (extension, summary)
    hung_up: bool = False

    def greet(self) -> list[str]:
        lines = [s.text for s in self.session.greeting()]
        self.said += lines
        return lines

    async def say(self, text: str) -> list[str]:
        return await self._take(self.session.respond(text))

    async def press(self, digit: str) -> list[str]:
        return await self._take(self.session.on_digit(digit))

    async def silence(self) -> list[str]:
        return await self._take(self.session.on_silence())

    def hang_up(self) -> None:
        self.session.caller_left()
        store = self.session.store
        store.end_call(self.session.call_id, self.session.outcome.kind,
                       self.session.outcome.reason, "caller")  # fmt: skip

    async def _take(self, actions):  # type: ignore[no-untyped-def]
        out = []
        async for action in actions:
            if isinstance(action, Say):
                out.append(action.text)
            elif isinstance(action, Hangup):
                self.hung_up = True
        self.said += out
        return out


def start_call(
    settings: Settings,
    store: Store,
    call_id: str,
    caller_id: str = "5551234567",
    backend: BookingBackend | None = None,
    transfer_outcome: str = "answered",
    deadline_s: float = 0.5,
) -> TextCall:
    """A call that has just been answered (greeting spoken)."""
    bookings = BookingService(
        store, backend or BuiltinCalendar(store), settings.profile, deadline_s=deadline_s
    )
    call: TextCall

    async def transfer(extension: str, summary: str, warm: bool) -> TransferResult:
        call.transfers.append((extension, summary))
        return TransferResult(extension, transfer_outcome)

    store.start_call(call_id, caller_id, "100", "text")
    session = Session(call_id, caller_id, settings.profile, store, bookings,
                      transfer_fn=transfer, today=lambda: TODAY)  # fmt: skip
    call = TextCall(session)
    call.greet()
    return call
