"""Bookings through a site's own HTTP endpoint (a CRM, a booking page): a signed JSON POST each.

The contract (what the receiver must do) is in ``docs/webhook.md``. In short: every request
carries ``Idempotency-Key``, ``X-Receptionist-Timestamp`` and ``X-Receptionist-Signature:
sha256=<hex HMAC-SHA256 of f"{timestamp}.{key}.{body}">``; a 200/201 with ``{"id", "status"}`` is a
commit, a 409/422 with ``{"error"}`` a refusal, and anything else (another status, a timeout,
a dropped connection, a body that isn't the expected JSON) means "unknown, retry with the same
key", which is ``BackendUnavailable``.

HTTP runs on the standard library's ``http.client`` in a worker thread, one connection per
request, under a deadline of ``timeout_s``.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import http.client
import json
import time
import uuid
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from receptionist.tools.backend import (
    BackendRecord,
    BackendRefused,
    BackendUnavailable,
    BookingBackend,
    BookingRequest,
)

__all__ = ["WebhookBackend", "sign", "verify_signature"]

SIGNATURE_HEADER = "X-Receptionist-Signature"
TIMESTAMP_HEADER = "X-Receptionist-Timestamp"
KEY_HEADER = "Idempotency-Key"
_STATUSES = ("booked", "cancelled")


def sign(secret: str, timestamp: str, key: str, body: bytes | str) -> str:
    """The signature header value: ``sha256=`` and the hex HMAC-SHA256 of
    ``timestamp.key.body``. The idempotency key is signed too, so a captured request can't be
    replayed under a new key (it would make a second booking)."""
    raw = body.encode("utf-8") if isinstance(body, str) else body
    signed = timestamp.encode("utf-8") + b"." + key.encode("utf-8") + b"." + raw
    return "sha256=" + hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()


def verify_signature(
    secret: str,
    timestamp: str,
    key: str,
    body: bytes | str,
    header: str | None,
    *,
    tolerance_s: float = 300.0,
    now: float | None = None,
) -> bool:
    """For receivers: True when ``header`` signs ``body`` at ``timestamp`` with ``secret``.

    A timestamp more than ``tolerance_s`` away from ``now`` (default: the clock) fails, so
    a captured request cannot be replayed later. Compares in constant time.
    """
    if not header or not timestamp or not header.isascii() or not timestamp.isascii():
        return False  # what a peer sends is refused cleanly, never raised on
    try:
        sent_at = int(timestamp)
    except ValueError:
        return False
    if abs((time.time() if now is None else now) - sent_at) > tolerance_s:
        return False
    return hmac.compare_digest(sign(secret, timestamp, key, body), header.strip())


class WebhookBackend(BookingBackend):
    name = "webhook"

    def __init__(
        self,
        url: str,
        secret: str,
        timeout_s: float = 2.5,
        timezone: str = "America/New_York",
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"webhook url must be http:// or https://, not {url!r}")
        if not secret:
            raise ValueError("webhook secret is empty")
        self.url = url
        self.timezone = timezone
        self._tz = ZoneInfo(timezone)
        self.timeout_s = timeout_s
        self._secret = secret
        self._parts = parts

    # -- the BookingBackend surface ------------------------------------------------------

    async def create(self, request: BookingRequest) -> BackendRecord:
        payload = {
            "action": "create",
            "key": request.key,
            "service": request.service,
            "start": request.start.isoformat(),
            "end": request.end.isoformat(),
            "timezone": self.timezone,
            "name": request.name,
            "phone": request.phone,
            "call_id": request.call_id,
        }
        if request.asked_for:
            payload["asked_for"] = request.asked_for  # a staff member asked for: a wish
        if request.replaces:
            payload["replaces"] = request.replaces  # a move: that booking's time is not taken
        status, body = await self._post("create", request.key, payload)
        return self._record("create", status, body)

    async def cancel(self, ref: str, key: str) -> BackendRecord:
        payload = {"action": "cancel", "key": key, "ref": ref}
        status, body = await self._post("cancel", key, payload)
        return self._record("cancel", status, body)

    async def lookup(self, key: str) -> BackendRecord | None:
        status, body = await self._post("lookup", key, {"action": "lookup", "key": key})
        if status == 404:
            return None
        return self._record("lookup", status, body)

    async def busy(self, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
        payload = {
            "action": "busy",
            "start": start.isoformat(),
            "end": end.isoformat(),
            "timezone": self.timezone,
        }
        # Reads change nothing; a fresh key keeps the header present on every request.
        status, body = await self._post("busy", f"busy-{uuid.uuid4().hex}", payload)
        data = self._answer("busy", status, body)
        try:
            return [(self._local(item["start"]), self._local(item["end"])) for item in data["busy"]]
        except (KeyError, TypeError, ValueError) as exc:
            raise BackendUnavailable(
                f"webhook {self.url}: busy answer is not {{'busy': [{{'start', 'end'}}]}}: "
                f"{_snippet(body)}"
            ) from exc

    # -- HTTP --------------------------------------------------------------------------------

    async def _post(self, action: str, key: str, payload: dict[str, Any]) -> tuple[int, bytes]:
        body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            "User-Agent": "receptionist-webhook/1",
            KEY_HEADER: key,
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: sign(self._secret, timestamp, key, body),
        }
        try:
            return await asyncio.wait_for(
                asyncio.to_thread(self._send, body, headers), self.timeout_s
            )
        except TimeoutError:
            raise BackendUnavailable(
                f"webhook {self.url}: {action} got no answer within {self.timeout_s:g} s"
            ) from None
        except (OSError, http.client.HTTPException) as exc:
            raise BackendUnavailable(
                f"webhook {self.url}: {action} failed: {_network_cause(exc)}"
            ) from exc

    def _send(self, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        parts = self._parts
        connection_class = (
            http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        )
        connection = connection_class(parts.hostname or "", parts.port, timeout=self.timeout_s)
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        try:
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def _local(self, text: str) -> datetime:
        """An ISO time from the receiver as the business's naive wall-clock time."""
        moment = datetime.fromisoformat(text)
        if moment.tzinfo is not None:  # the receiver gave an offset: honour it
            moment = moment.astimezone(self._tz).replace(tzinfo=None)
        return moment

    # -- answers ---------------------------------------------------------------------------

    def _answer(self, action: str, status: int, body: bytes) -> dict[str, Any]:
        """The JSON object of a 200/201; a refusal or anything unexpected raises."""
        if status in (409, 422):
            raise BackendRefused(f"webhook {self.url}: {action} refused: {_error_text(body)}")
        if status not in (200, 201):
            raise BackendUnavailable(
                f"webhook {self.url}: {action} answered HTTP {status}: {_snippet(body)}"
            )
        try:
            data = json.loads(body)
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise BackendUnavailable(
                f"webhook {self.url}: {action} answered {status} without a JSON object: "
                f"{_snippet(body)}"
            )
        return data

    def _record(self, action: str, status: int, body: bytes) -> BackendRecord:
        data = self._answer(action, status, body)
        ref, state = data.get("id"), data.get("status")
        if not isinstance(ref, str) or not ref or state not in _STATUSES:
            raise BackendUnavailable(
                f"webhook {self.url}: {action} answered {status} without an 'id' and a 'status' "
                f"of {' or '.join(_STATUSES)}: {_snippet(body)}"
            )
        start = None
        if isinstance(data.get("start"), str):
            try:
                start = self._local(data["start"])
            except ValueError:
                start = None
        return BackendRecord(
            ref=ref,
            status=str(state),
            start=start,
            service=str(data.get("service") or ""),
            name=str(data.get("name") or ""),
        )


def _snippet(body: bytes, limit: int = 200) -> str:
    text = body.decode("utf-8", "replace").strip()
    return repr(text[:limit] + ("..." if len(text) > limit else "")) if text else "(empty body)"


def _error_text(body: bytes) -> str:
    try:
        data = json.loads(body)
    except ValueError:
        return _snippet(body)
    if isinstance(data, dict) and isinstance(data.get("error"), str):
        return str(data["error"])
    return _snippet(body)


def _network_cause(exc: BaseException) -> str:
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused (is the receiver running?)"
    if isinstance(exc, http.client.RemoteDisconnected):
        return "the connection closed before an answer (the request may have been committed)"
    if isinstance(exc, TimeoutError):
        return "timed out"
    return f"{type(exc).__name__}: {exc}"
