"""A real `kill -9` of the daemon in the middle of a booking, then a restart.

The daemon runs in a subprocess with the Asterisk bridge on loopback; a fake Asterisk places a
call whose caller (Piper's voice on a G.711 line) books a haircut; the booking backend is a
real webhook receiver on loopback that holds the create request. While it holds it, the daemon
gets SIGKILL; the receiver then commits the request anyway (the site did its work, nobody heard
the answer). After the restart there is exactly one booking at the site and in the store, and
the call row is closed as failed with the reason.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import numpy as np
import pytest

from receptionist.app.config import Settings, load_settings
from receptionist.app.runtime import models_from_settings
from receptionist.media.audio import array_to_pcm, phone_line, split_frames
from receptionist.media.models import Models
from receptionist.store.db import Store
from receptionist.tools.recovery import CRASH_REASON
from tests.conftest_backends import WEBHOOK_SECRET
from tests.daemon_process import DaemonProcess, asterisk_table, config_text, free_port
from tests.fake_asterisk import FakeAsterisk
from tests.webhook_server import WebhookServer

MODELS_DIR = Path(
    os.environ.get("RECEPTIONIST_MODELS_DIR", Path(__file__).parent.parent / "models")
)
CALLER = "5557770001"


@pytest.fixture(scope="module")
def models() -> Models:
    s: Settings = load_settings()
    for key in ("stt", "tts", "vad"):
        path = MODELS_DIR / Path(getattr(s.models, key)).relative_to("models")
        if not path.exists():
            pytest.fail(f"{key} model not installed at {path} (make models)")
        setattr(s.models, key, str(path))
    return models_from_settings(s, with_llm=False)


def spoken(models: Models, text: str) -> list[bytes]:
    speech = models.tts.speak_sync(text, 16000)
    line = phone_line(np.frombuffer(speech.pcm, dtype="<i2"), 16000)
    return list(split_frames(array_to_pcm(line), 8000))


def daemon_config(tmp_path: Path, receiver: WebhookServer, fake: FakeAsterisk) -> DaemonProcess:
    agi, media = free_port(), free_port()
    fake.agi_address = ("127.0.0.1", agi)
    fake.audiosocket_address = ("127.0.0.1", media)
    text = config_text(
        {
            'backend = "builtin"': (
                f'backend = "webhook"\nwebhook_url = "{receiver.url}"\n'
                f'webhook_secret = "{WEBHOOK_SECRET}"'
            ),
            "deadline_s = 2.5": "deadline_s = 30",  # the kill comes while the request is out
            'dir = "var/recordings"': f'dir = "{tmp_path / "recordings"}"',
            "llm_enabled = true": "llm_enabled = false",
            "[asterisk]\nenabled = false": asterisk_table(agi, media, fake.ami_port),
        },
        extra="[http]\nenabled = false\n",
    )
    return DaemonProcess(tmp_path, text)


async def _booked_within(db: Path, timeout_s: float) -> bool:
    """Poll the store the daemon writes until its booking is committed, or time runs out."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while loop.time() < deadline:
        store = Store(db)
        try:
            if [b["status"] for b in store.rows("bookings")] == ["booked"]:
                return True
        finally:
            store.close()
        await asyncio.sleep(0.25)
    return False


async def test_kill_9_mid_booking_then_restart_commits_exactly_once_and_closes_the_call(
    models: Models, tmp_path: Path
) -> None:
    receiver = WebhookServer(WEBHOOK_SECRET)
    receiver.first_create = "slow:3"  # holds the request, then commits it: the daemon is dead
    receiver.start()
    fake = FakeAsterisk()
    await fake.start()
    daemon = daemon_config(tmp_path, receiver, fake)
    try:
        await asyncio.to_thread(daemon.start)
        lines = [
            spoken(models, "Hi, I'd like to book a haircut on Thursday at 3 pm."),
            spoken(models, "My name is Dana Smith."),
        ]
        call = fake.call(
            lines=lines, caller_id=CALLER, agent_gap_frames=75
        )  # a phone sends at line speed
        placed = asyncio.ensure_future(call.run())
        seen = await asyncio.to_thread(receiver.create_seen.wait, 180)
        assert seen, daemon.output
        daemon.kill9()
        await asyncio.wait_for(placed, 30)  # the line drops with the daemon

        store = Store(daemon.db)
        (before,) = store.rows("bookings")
        assert before["status"] == "pending"  # what the crash left
        store.close()

        await asyncio.to_thread(daemon.start)  # the same store, config and receiver
        daemon.wait_for("recovered after a crash: 1 call(s) closed as failed", 30)
        assert await _booked_within(daemon.db, 90), daemon.output  # the outbox's retry
    finally:
        daemon.stop()
        await fake.stop()
        receiver.stop()

    store = Store(daemon.db)
    (booking,) = store.rows("bookings")
    assert (booking["service"], booking["name"], booking["status"]) == (
        "haircut", "Dana Smith", "booked"
    ), daemon.output  # fmt: skip
    assert list(receiver.commits.values()) == [1]
    (row,) = store.rows("calls", "caller_id = ?", [CALLER])
    assert row["ended_at"] is not None
    assert (row["outcome"], row["outcome_reason"]) == ("failed", CRASH_REASON)
    store.close()
