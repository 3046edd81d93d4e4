"""Helpers for the ops tests (metrics, console): calls at the text level into a real store file,
and plain HTTP over loopback (urllib, in a thread: the server runs in the test's loop)."""

from __future__ import annotations

import asyncio
import urllib.error
import urllib.request

from prometheus_client.parser import text_string_to_metric_families

from receptionist.app.config import Settings
from receptionist.store.db import Store
from receptionist.tools.scripted_backend import ScriptedBackend
from tests.conftest_dialog import start_call

# (call id, caller, lines, confidence, a backend that times out)
CALLS = [
    ("c-book", "5550000001", ["A haircut on Thursday at 3, my name is John Smith.",
                              "No, that's all, thank you."], 1.0, False),
    ("c-msg", "5550000002", ["I'd like to leave a message please",
                             "Please call me about moving my colour appointment."], 1.0, False),
    ("c-person", "5550000003", ["Can I speak to a real person please"], 1.0, False),
    ("c-pending", "5550000004", ["A colour on Friday at 10, my name is Kim Lee."], 1.0, True),
    ("c-unsure", "5550000005", ["Mumble haircut thirsday"], 0.3, False),
]  # fmt: skip


async def place_calls(salon: Settings, store: Store) -> None:
    for call_id, caller, lines, confidence, slow in CALLS:
        backend = ScriptedBackend(["timeout"], hang_s=2.0) if slow else None
        call = start_call(salon, store, call_id, caller, backend=backend)
        for line in lines:
            await call.say(line, confidence)
        await call.hang_up()


def _get(url: str, token: str | None) -> tuple[int, str]:
    request = urllib.request.Request(
        url, headers={"Authorization": f"Bearer {token}"} if token else {}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


async def get(url: str, token: str | None = None) -> tuple[int, str]:
    return await asyncio.to_thread(_get, url, token)


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a scrape: (name, sorted labels) -> value."""
    out = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            out[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return out
