"""A real webhook receiver on loopback that keeps bookings and can be told to misbehave.

It does what ``docs/webhook.md`` asks of a site: verifies the signature, stores bookings by
``Idempotency-Key`` (a retry returns the first record), refuses an overlapping slot with 409.
Before each request it takes the next mode queued with ``misbehave()``:

- ``"slow:<seconds>"``: sleep, then do the work (commits even if the client gave up);
- ``"500"``: answer 500 without doing anything;
- ``"hang"``: never answer, commit nothing, until the client goes away or the server stops;
- ``"lose_response"``: do the work (commit), then drop the connection without answering;
- ``"answer_twice"``: do the work and send the whole response twice on the connection;
- ``"bad_json"``: do the work, then answer 200 with a body that isn't JSON.

``first_create`` gives a mode to the first ``create`` alone, whatever requests come before it.

``commits[key]`` counts how many times a booking was really written under each key.
"""

from __future__ import annotations

import collections
import json
import socket
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from zoneinfo import ZoneInfo

from receptionist.tools.webhook_backend import (
    KEY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    verify_signature,
)


class WebhookServer:
    def __init__(self, secret: str, hang_s: float = 30.0) -> None:
        self.secret = secret
        self.hang_s = hang_s
        self.bookings: dict[str, dict[str, Any]] = {}  # by idempotency key
        self.commits: collections.Counter[str] = collections.Counter()
        self.requests: list[tuple[str, str, str]] = []  # (action, key, mode)
        self.rejected_signatures = 0
        self.request_seen = threading.Event()  # set once a request has arrived
        # When set, answers carry times in UTC ("...Z"), read as wall-clock time of this zone.
        self.answer_in_utc_from: ZoneInfo | None = None
        self.lock = threading.Lock()
        self._modes: collections.deque[str] = collections.deque()
        self.first_create = ""  # a mode for the first "create" request only
        self.create_seen = threading.Event()
        self._stopping = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.receiver = self  # type: ignore[attr-defined]
        self.port = int(self._httpd.server_address[1])
        self.url = f"http://127.0.0.1:{self.port}/booking-hook"
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def misbehave(self, *modes: str) -> None:
        """Queue modes for the next requests, one each; then back to normal."""
        with self.lock:
            self._modes.extend(modes)

    def next_mode(self) -> str:
        with self.lock:
            return self._modes.popleft() if self._modes else "ok"

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    # -- the booking logic of a well-behaved site ------------------------------------------

    def handle(self, payload: dict[str, Any], key: str) -> tuple[int, dict[str, Any]]:
        status, answer = self._handle(payload, key)
        zone = self.answer_in_utc_from
        if zone is None:
            return status, answer
        answer = dict(answer)
        for field in ("start", "end"):
            if field in answer:
                answer[field] = _utc(answer[field], zone)
        if "busy" in answer:
            answer["busy"] = [{k: _utc(v, zone) for k, v in b.items()} for b in answer["busy"]]
        return status, answer

    def _handle(self, payload: dict[str, Any], key: str) -> tuple[int, dict[str, Any]]:
        action = payload.get("action")
        with self.lock:
            if action == "create":
                return self._create(payload, key)
            if action == "cancel":
                return self._cancel(payload)
            if action == "lookup":
                found = self.bookings.get(str(payload.get("key")))
                return (200, found) if found else (404, {"error": "not found"})
            if action == "busy":
                start = datetime.fromisoformat(payload["start"])
                end = datetime.fromisoformat(payload["end"])
                busy = [
                    {"start": b["start"], "end": b["end"]}
                    for b in self.bookings.values()
                    if b["status"] == "booked" and _overlaps(b, start, end)
                ]
                return 200, {"busy": sorted(busy, key=lambda b: b["start"])}
        return 400, {"error": f"unknown action {action!r}"}

    def _create(self, payload: dict[str, Any], key: str) -> tuple[int, dict[str, Any]]:
        if key in self.bookings:
            return 200, self.bookings[key]
        start = datetime.fromisoformat(payload["start"])
        end = datetime.fromisoformat(payload["end"])
        for other in self.bookings.values():
            if other["key"] == payload.get("replaces"):
                continue  # a move: the booking it replaces is given back once this one commits
            if other["status"] == "booked" and _overlaps(other, start, end):
                return 409, {"error": f"slot taken by booking {other['id']}"}
        record = {
            "id": f"crm-{len(self.bookings) + 1}",
            "status": "booked",
            "key": key,
            "start": payload["start"],
            "end": payload["end"],
            "service": payload["service"],
            "name": payload["name"],
            "phone": payload["phone"],
        }
        if "asked_for" in payload:
            record["asked_for"] = payload["asked_for"]  # the CRM keeps the wish as a note
        self.bookings[key] = record
        self.commits[key] += 1
        return 201, record

    def _cancel(self, payload: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        for record in self.bookings.values():
            if record["id"] == payload.get("ref"):
                record["status"] = "cancelled"
                return 200, record
        return 422, {"error": f"no booking {payload.get('ref')!r}"}


def _utc(local: str, zone: ZoneInfo) -> str:
    moment = datetime.fromisoformat(local).replace(tzinfo=zone).astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _overlaps(booking: dict[str, Any], start: datetime, end: datetime) -> bool:
    return datetime.fromisoformat(booking["start"]) < end and start < datetime.fromisoformat(
        booking["end"]
    )


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base's name
        pass

    def do_POST(self) -> None:
        receiver: WebhookServer = self.server.receiver  # type: ignore[attr-defined]
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        key = self.headers.get(KEY_HEADER, "")
        mode = receiver.next_mode()
        try:
            action = str(json.loads(body).get("action"))
        except (ValueError, AttributeError):
            action = "?"
        if action == "create":
            with receiver.lock:
                mode, receiver.first_create = receiver.first_create or mode, ""
        receiver.requests.append((action, key, mode))
        receiver.request_seen.set()
        if action == "create":
            receiver.create_seen.set()

        if mode == "hang":
            self._hang(receiver)
            return
        if mode == "500":
            self._send(500, b'{"error": "internal error"}')
            return
        if mode.startswith("slow:"):
            time.sleep(float(mode.split(":", 1)[1]))

        if not verify_signature(
            receiver.secret,
            self.headers.get(TIMESTAMP_HEADER, ""),
            key,
            body,
            self.headers.get(SIGNATURE_HEADER),
        ):
            with receiver.lock:
                receiver.rejected_signatures += 1
            self._send(401, b'{"error": "bad signature"}')
            return
        if not key:
            self._send(400, b'{"error": "no Idempotency-Key"}')
            return
        status, answer = receiver.handle(json.loads(body), key)
        data = json.dumps(answer).encode()

        if mode == "lose_response":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if mode == "bad_json":
            self._send(200, b"<html>Thanks!</html>", "text/html")
            return
        self._send(status, data, repeat=2 if mode == "answer_twice" else 1)

    def _hang(self, receiver: WebhookServer) -> None:
        """Hold the connection without answering until the client leaves or the server stops."""
        self.close_connection = True
        self.connection.settimeout(0.05)
        deadline = time.monotonic() + receiver.hang_s
        while time.monotonic() < deadline:
            try:
                if self.connection.recv(1) == b"":
                    return  # the client closed
            except TimeoutError:
                pass
            except OSError:
                return
            if receiver.stopping:
                return

    def _send(
        self, status: int, data: bytes, content_type: str = "application/json", repeat: int = 1
    ) -> None:
        for _ in range(repeat):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        self.wfile.flush()
        self.close_connection = True
