"""Confirmations that go out: e-mail by SMTP and SMS through a signed HTTP gateway.

The ``confirmations`` table is their outbox. A row is ``to_send`` with an ``address`` (an
e-mail address or a phone number) when the follow-up of a booking records it
(tools/followup.py); the sender claims a due row (``sending``, one more attempt), sends it, and
marks it ``sent`` with the time and the message's id. A failure is retried with backoff under
the same key; a refusal (a bad address, a 4xx from the gateway) or the last attempt marks it
``failed``, which the console and ``receptionist_confirmations{status="failed"}`` show.

Never sent twice: a row leaves ``to_send`` only through one compare-and-set on its attempt
count, so two senders cannot both take it, and a sent row is never taken again. The one window
no protocol closes is a crash after the server accepted the message and before the row says
``sent``: the row is found ``sending`` at the next start and sent again under the *same*
Message-ID (e-mail) or Idempotency-Key (SMS), which the receiving side uses to drop the copy
(the SMS gateway contract requires it, docs/confirmations.md).
"""

from __future__ import annotations

import asyncio
import json
import logging
import smtplib
import sqlite3
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any, Protocol

from receptionist import telemetry
from receptionist.tools.outbox import utc_now
from receptionist.tools.webhook_backend import KEY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, sign

log = logging.getLogger(__name__)

TO_SEND, SENDING, SENT, FAILED = "to_send", "sending", "sent", "failed"


class ConfirmationRefused(Exception):
    """The other side refused this confirmation for good (retrying would not help)."""


class Channel(Protocol):
    name: str

    def send(self, key: str, address: str, text: str) -> str:
        """Blocking: deliver ``text`` to ``address``; returns the message's id."""


@dataclass
class EmailChannel:
    """SMTP with the standard library's client, run in a worker thread."""

    host: str
    port: int = 25
    sender: str = "receptionist@localhost"
    subject: str = "Your booking"
    starttls: bool = False
    username: str = ""
    password: str = ""
    timeout_s: float = 10.0
    name: str = "email"

    def send(self, key: str, address: str, text: str) -> str:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = address
        message["Subject"] = self.subject
        message["Date"] = formatdate(localtime=True)
        # The same id on every attempt: a copy sent again after a crash is the same message.
        domain = self.sender.rpartition("@")[2] or "receptionist"
        message["Message-ID"] = f"<{key}@{domain}>"
        message.set_content(text)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout_s) as smtp:
                if self.starttls:
                    smtp.starttls()
                if self.username:
                    smtp.login(self.username, self.password)
                smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            raise ConfirmationRefused(f"SMTP refused {address}: {exc.recipients}") from exc
        except smtplib.SMTPResponseException as exc:
            if 500 <= exc.smtp_code < 600:
                raise ConfirmationRefused(f"SMTP {exc.smtp_code} {exc.smtp_error!r}") from exc
            raise
        return str(message["Message-ID"])


@dataclass
class SmsChannel:
    """One signed JSON POST per message to the site's SMS gateway (docs/confirmations.md)."""

    url: str
    secret: str
    timeout_s: float = 10.0
    name: str = "sms"

    def send(self, key: str, address: str, text: str) -> str:
        body = json.dumps({"to": address, "text": text, "key": key}).encode()
        stamp = str(int(time.time()))
        request = urllib.request.Request(self.url, data=body, method="POST", headers={
            "Content-Type": "application/json", KEY_HEADER: key, TIMESTAMP_HEADER: stamp,
            SIGNATURE_HEADER: sign(self.secret, stamp, key, body)})  # fmt: skip
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
                answer = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            if 400 <= exc.code < 500 and exc.code not in (408, 429):
                raise ConfirmationRefused(f"SMS gateway answered {exc.code}") from exc
            raise OSError(f"SMS gateway answered {exc.code}") from exc
        except json.JSONDecodeError as exc:
            raise OSError(f"SMS gateway answered something that is not JSON ({exc})") from exc
        return str(answer.get("id") or key) if isinstance(answer, dict) else key


@dataclass
class SendResult:
    key: str
    status: str
    error: str = ""


class ConfirmationSender:
    """Sends the due confirmations of the channels it has; one per daemon."""

    def __init__(
        self,
        store_path: str,
        channels: list[Channel],
        clock: Callable[[], datetime] = utc_now,
        *,
        max_attempts: int = 8,
        base_delay_s: float = 30.0,
        max_delay_s: float = 1800.0,
    ) -> None:
        self.conn = sqlite3.connect(store_path, isolation_level=None, check_same_thread=False)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA busy_timeout=5000")
        self.channels = {channel.name: channel for channel in channels}
        self.clock = clock
        self.max_attempts = max_attempts
        self.base_delay_s = base_delay_s
        self.max_delay_s = max_delay_s

    def close(self) -> None:
        self.conn.close()

    def due(self) -> list[dict[str, Any]]:
        names = list(self.channels)
        marks = ",".join("?" * len(names))
        rows = self.conn.execute(
            f"SELECT * FROM confirmations WHERE channel IN ({marks}) AND status IN (?, ?)"
            " AND coalesce(address, '') != '' AND coalesce(next_attempt_at, '') <= ? ORDER BY id",
            [*names, TO_SEND, SENDING, self.clock().isoformat()],
        )
        return [dict(r) for r in rows]

    async def run_once(self) -> list[SendResult]:
        results = []
        for row in self.due():
            if not self._claim(row):
                continue  # another sender took it
            results.append(await self._send(row))
        return results

    def _claim(self, row: dict[str, Any]) -> bool:
        attempts = row["attempts"] or 0
        cursor = self.conn.execute(
            "UPDATE confirmations SET status = ?, attempts = ? WHERE id = ? AND status = ?"
            " AND coalesce(attempts, 0) = ?",
            [SENDING, attempts + 1, row["id"], row["status"], attempts],
        )
        row["attempts"] = attempts + 1
        return cursor.rowcount == 1

    async def _send(self, row: dict[str, Any]) -> SendResult:
        channel = self.channels[row["channel"]]
        try:
            message_id = await asyncio.to_thread(
                channel.send, row["key"], row["address"], row["text"]
            )
        except ConfirmationRefused as exc:
            return self._failed(row, str(exc), final=True)
        except (OSError, smtplib.SMTPException, TimeoutError) as exc:
            return self._failed(row, f"{type(exc).__name__}: {exc}", final=False)
        self.conn.execute(
            "UPDATE confirmations SET status = ?, sent_at = ?, message_id = ?, last_error = NULL"
            " WHERE id = ?",
            [SENT, self.clock().isoformat(), message_id, row["id"]],
        )
        log.info("confirmation %s sent by %s", row["key"], channel.name)
        return SendResult(row["key"], SENT)

    def _failed(self, row: dict[str, Any], error: str, final: bool) -> SendResult:
        telemetry.tool_failed(f"confirmation_{row['channel']}", "refused" if final else "error")
        if final or row["attempts"] >= self.max_attempts:
            self.conn.execute(
                "UPDATE confirmations SET status = ?, last_error = ? WHERE id = ?",
                [FAILED, error, row["id"]],
            )
            log.warning("confirmation %s not sent, given up: %s", row["key"], error)
            return SendResult(row["key"], FAILED, error)
        delay = min(self.max_delay_s, self.base_delay_s * 2 ** (row["attempts"] - 1))
        self.conn.execute(
            "UPDATE confirmations SET status = ?, last_error = ?, next_attempt_at = ? WHERE id = ?",
            [TO_SEND, error, (self.clock() + timedelta(seconds=delay)).isoformat(), row["id"]],
        )
        log.info("confirmation %s: attempt %d failed (%s), retry in %.0f s", row["key"],
                 row["attempts"], error, delay)  # fmt: skip
        return SendResult(row["key"], TO_SEND, error)

    async def run_forever(self, interval_s: float = 5.0) -> None:
        try:
            while True:
                try:
                    await self.run_once()
                except sqlite3.Error:  # one bad pass must not end the sending
                    log.exception("confirmation pass failed")
                await asyncio.sleep(interval_s)
        finally:
            self.close()


def sender_for(settings: Any, store_path: str) -> ConfirmationSender | None:
    """The sender ``[confirmations]`` asks for, or None for call-back tasks (staff call)."""
    c = settings.confirmations
    channels: list[Channel] = []
    if c.channel == "email" and c.smtp_host:
        channels.append(
            EmailChannel(
                c.smtp_host,
                c.smtp_port,
                c.email_from,
                c.email_subject,
                c.smtp_starttls,
                c.smtp_username,
                c.smtp_password,
            )  # fmt: skip
        )
    elif c.channel == "sms" and c.sms_url:
        channels.append(SmsChannel(c.sms_url, c.sms_secret))
    if not channels or store_path == ":memory:":
        return None
    return ConfirmationSender(store_path, channels, max_attempts=c.max_attempts)
