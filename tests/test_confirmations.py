"""Confirmations that go out: a real SMTP server (aiosmtpd) and a real HTTP receiver on
loopback, each failing first, with a restart (sender and store closed, reopened) in between,
and a real crash (the sender's process killed in the middle of the SMTP transaction, then
started again): the caller's confirmation arrives exactly once, under one Message-ID /
Idempotency-Key."""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import subprocess
import sys
import threading
from datetime import timedelta
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from receptionist.app.config import Settings, example_config_text
from receptionist.store.db import Store
from receptionist.tools.confirmations import ConfirmationSender, EmailChannel, SmsChannel
from receptionist.tools.followup import outbox_worker
from receptionist.tools.outbox import utc_now
from receptionist.tools.scripted_backend import ScriptedBackend
from receptionist.tools.webhook_backend import verify_signature
from tests.conftest_dialog import start_call

SECRET = "sms-gateway-secret"
ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Inbox:
    """An aiosmtpd handler: refuses the first ``busy`` messages with a 451, keeps the rest."""

    def __init__(self, busy: int = 0) -> None:
        self.busy = busy
        self.received: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.busy:
            self.busy -= 1
            return "451 4.3.0 try again later"
        self.received.append(envelope)
        return "250 OK"


async def pending_booking_committed(salon: Settings, path: Path, channel: str) -> None:
    """The real path: a booking the backend didn't commit in time, then the outbox's retry
    commits it and the follow-up records the caller's confirmation on ``channel``."""
    store = Store(path)
    backend = ScriptedBackend(["timeout"], hang_s=2.0)
    call = start_call(salon, store, "c1", caller_id="5557654321", backend=backend)
    said = await call.say("A colour on Friday at 10, my name is Kim Lee.")
    assert any("a confirmation as soon as it goes through" in s for s in said)
    await call.hang_up()
    worker = outbox_worker(store, backend, channel=channel)
    run = await worker.run_once()
    worker.close()
    assert len(run.committed) == 1
    store.close()


async def test_an_email_arrives_once_across_a_refusal_a_crash_and_a_retry(
    salon: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "receptionist.db"
    await pending_booking_committed(salon, path, "email")
    store = Store(path)
    (row,) = store.rows("confirmations")
    assert (row["channel"], row["status"], row["address"]) == ("email", "to_send", None)
    # The dialog does not yet ask for an e-mail address: without one nothing is sent. A site
    # whose dialog collects it writes it here (see the report).
    store.update("confirmations", row["id"], {"address": "kim@example.org"})
    store.close()

    inbox = Inbox(busy=1)
    port = free_port()
    smtp = Controller(inbox, hostname="127.0.0.1", port=port)
    smtp.start()
    try:
        email = EmailChannel("127.0.0.1", port, sender="salon@example.org", subject="Booked")
        first = ConfirmationSender(str(path), [email], base_delay_s=60)
        (result,) = await first.run_once()
        assert result.status == "to_send" and "451" in result.error
        assert await first.run_once() == []  # not due again before the backoff
        first.close()  # the daemon stops (or crashes) here

        later = utc_now() + timedelta(minutes=2)
        second = ConfirmationSender(str(path), [email], clock=lambda: later)
        (result,) = await second.run_once()
        assert result.status == "sent"
        assert await second.run_once() == []
        second.close()
        third = ConfirmationSender(str(path), [email], clock=lambda: later + timedelta(hours=1))
        assert await third.run_once() == []  # a restart sends nothing again
        third.close()
    finally:
        smtp.stop()

    (envelope,) = inbox.received
    assert envelope.rcpt_tos == ["kim@example.org"]
    message = message_from_bytes(envelope.content)
    assert message["Subject"] == "Booked"
    assert "colour on Friday November 27 at 10 AM" in message.get_payload(decode=True).decode()
    store = Store(path)
    (row,) = store.rows("confirmations")
    assert (row["status"], row["attempts"]) == ("sent", 2)
    assert row["message_id"] == message["Message-ID"] == f"<{row['key']}@example.org>"
    store.close()


class Gateway(BaseHTTPRequestHandler):
    """The SMS gateway contract (docs/confirmations.md): verify, dedupe by Idempotency-Key."""

    posts: list[str] = []
    delivered: dict[str, dict[str, str]] = {}
    fail_first = 1

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        key = self.headers["Idempotency-Key"]
        ok = verify_signature(SECRET, self.headers["X-Receptionist-Timestamp"], key, body,
                              self.headers["X-Receptionist-Signature"])  # fmt: skip
        Gateway.posts.append(key)
        if not ok:
            self._answer(401, {"error": "bad signature"})
        elif Gateway.fail_first:
            Gateway.fail_first -= 1
            self._answer(503, {"error": "busy"})
        else:
            Gateway.delivered.setdefault(key, json.loads(body))
            self._answer(200, {"id": f"sms-{len(Gateway.delivered)}"})

    def _answer(self, status: int, payload: dict[str, str]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


async def test_an_sms_goes_to_the_callers_number_once(salon: Settings, tmp_path: Path) -> None:
    path = tmp_path / "receptionist.db"
    await pending_booking_committed(salon, path, "sms")
    server = ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/sms"
        sender = ConfirmationSender(str(path), [SmsChannel(url, SECRET)], base_delay_s=0)
        (result,) = await sender.run_once()
        assert result.status == "to_send" and "503" in result.error
        (result,) = await sender.run_once()
        assert result.status == "sent"
        assert await sender.run_once() == []
        sender.close()
    finally:
        server.shutdown()
        server.server_close()
    (key,) = set(Gateway.posts)
    assert len(Gateway.posts) == 2  # the retry carried the same key
    assert Gateway.delivered[key]["to"] == "5557654321"
    assert Gateway.delivered[key]["text"] == (
        "Your colour on Friday November 27 at 10 AM is confirmed, under the name Kim Lee."
    )
    store = Store(path)
    (row,) = store.rows("confirmations")
    assert (row["status"], row["message_id"]) == ("sent", "sms-1")
    store.close()


async def test_a_callback_confirmation_is_left_for_staff(salon: Settings, tmp_path: Path) -> None:
    """No channel configured: the confirmation is a call-back task, nothing is sent."""
    path = tmp_path / "receptionist.db"
    await pending_booking_committed(salon, path, "callback")
    store = Store(path)
    (row,) = store.rows("confirmations")
    assert (row["channel"], row["status"], row["address"]) == ("callback", "to_send", None)
    store.close()


class StallFirst:
    """An aiosmtpd handler whose first DATA never gets an answer while the sender lives: the
    test kills the sender there, then the server answers 451 to nobody (not accepted, not
    kept, as a real MTA does when the client is gone before the end of DATA's reply)."""

    def __init__(self) -> None:
        self.received: list[Any] = []
        self.stalled = threading.Event()  # the first DATA has arrived
        self.release = threading.Event()  # the sender is dead: answer it

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if not self.stalled.is_set():
            self.stalled.set()
            await asyncio.to_thread(self.release.wait, 60)
            return "451 4.3.0 try again later"
        self.received.append(envelope)
        return "250 OK"


SENDER = """
import asyncio, sys
from receptionist.app.config import load_settings
from receptionist.tools.confirmations import sender_for
sender = sender_for(load_settings(sys.argv[1]), sys.argv[2])
asyncio.run(sender.run_forever(0.1) if sys.argv[3] == "forever" else sender.run_once())
"""


def sender_process(config: Path, db: Path, mode: str) -> subprocess.Popen[str]:
    """The daemon's confirmation sender (``sender_for`` on the site's config), in a process
    of its own so that it can really die."""
    return subprocess.Popen([sys.executable, "-c", SENDER, str(config), str(db), mode],
                            cwd=ROOT, text=True)  # fmt: skip


async def test_an_email_arrives_once_when_the_sender_is_killed_mid_send(
    salon: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "receptionist.db"
    await pending_booking_committed(salon, path, "email")
    store = Store(path)
    (row,) = store.rows("confirmations")
    store.update("confirmations", row["id"], {"address": "kim@example.org"})
    store.close()

    inbox = StallFirst()
    port = free_port()
    smtp = Controller(inbox, hostname="127.0.0.1", port=port)
    smtp.start()
    config = tmp_path / "site.toml"
    config.write_text(example_config_text() + f'\n[confirmations]\nchannel = "email"\n'
                      f'smtp_host = "127.0.0.1"\nsmtp_port = {port}\n'
                      'email_from = "salon@example.org"\n')  # fmt: skip
    try:
        first = sender_process(config, path, "forever")
        assert await asyncio.to_thread(inbox.stalled.wait, 60), "the sender never sent"
        first.send_signal(signal.SIGKILL)  # a crash in the middle of the SMTP transaction
        assert await asyncio.to_thread(first.wait, 30) == -signal.SIGKILL
        inbox.release.set()
        store = Store(path)
        (row,) = store.rows("confirmations")
        assert (row["status"], row["attempts"]) == ("sending", 1)  # what the crash left
        store.close()

        second = sender_process(config, path, "forever")  # the daemon starts again
        try:
            async with asyncio.timeout(60):
                while not inbox.received:
                    await asyncio.sleep(0.05)
            store = Store(path)
            async with asyncio.timeout(30):
                while store.rows("confirmations")[0]["status"] != "sent":
                    await asyncio.sleep(0.05)
            store.close()
        finally:
            second.terminate()
            await asyncio.to_thread(second.wait, 30)
        third = sender_process(config, path, "once")  # and again: nothing left to send
        assert await asyncio.to_thread(third.wait, 60) == 0
    finally:
        smtp.stop()

    (envelope,) = inbox.received
    assert envelope.rcpt_tos == ["kim@example.org"]
    message = message_from_bytes(envelope.content)
    assert "colour on Friday November 27 at 10 AM" in message.get_payload(decode=True).decode()
    store = Store(path)
    (row,) = store.rows("confirmations")
    assert (row["status"], row["attempts"]) == ("sent", 2)
    assert row["message_id"] == message["Message-ID"] == f"<{row['key']}@example.org>"
    store.close()
