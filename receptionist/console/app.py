"""The console and ``/metrics`` as one Starlette application.

Starlette + Jinja2, served by uvicorn inside the daemon's own asyncio loop: a small, well-kept
ASGI toolkit (no hand-written HTTP), templates rendered on the server, and page handlers that
are plain functions, so Starlette runs them in its thread pool and a page's SQLite reads never
hold up the loop that carries the calls' audio.

Every page but ``/metrics`` and ``/healthz`` needs the console token: the sign-in form (POST)
sets a cookie (HttpOnly, SameSite=Strict) holding an HMAC of the token, or a client sends
``Authorization: Bearer <token>``. ``/metrics`` is open, like any Prometheus exporter, and the
port listens on loopback unless the site says otherwise.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from jinja2 import Environment, PackageLoader, select_autoescape
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    HTMLResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Route

from receptionist.app.metrics import BUDGET_MS, connect_read_only
from receptionist.console import plot, queries

COOKIE = "receptionist_console"


@dataclass
class ConsoleConfig:
    store_path: str
    token: str
    registry: CollectorRegistry | None = None
    outbox_max_age_s: float = 900.0


_env = Environment(loader=PackageLoader("receptionist.console", "templates"),
                   autoescape=select_autoescape(["html"]))  # fmt: skip
# Why a caller's turn took long to end (CallerTurn.end_wait_by): beside its words.
END_WAITS = {
    "unsure": "waited for more: the words were not yet a whole request",
    "hesitant": "waited longer: the words trailed off",
    "default": "waited the default: the words were not known in time",
}
_env.globals.update(waterfall=plot.waterfall, budget_ms=BUDGET_MS, waits=END_WAITS)


def _session_value(token: str) -> str:
    return hmac.new(token.encode(), b"receptionist console session", hashlib.sha256).hexdigest()


def build_app(config: ConsoleConfig) -> Starlette:
    session = _session_value(config.token)

    def authorised(request: Request) -> bool:
        header = request.headers.get("authorization", "")
        if header.startswith("Bearer ") and hmac.compare_digest(
            header[7:].encode(), config.token.encode()
        ):
            return True
        cookie = request.cookies.get(COOKIE, "")
        return hmac.compare_digest(cookie.encode(), session.encode())

    def page(name: str, request: Request, status: int = 200, **values: Any) -> HTMLResponse:
        html = _env.get_template(name).render(request=request, **values)
        return HTMLResponse(html, status_code=status)

    def guarded(handler: Any) -> Any:
        def run(request: Request) -> Response:
            if not authorised(request):
                return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
            conn = connect_read_only(config.store_path)
            try:
                response: Response = handler(request, conn)
                return response
            finally:
                conn.close()

        return run

    async def login(request: Request) -> Response:
        # A POSTed form, so the token stays out of URLs, history and access logs.
        form = parse_qs((await request.body()).decode("utf-8", "replace"))
        target = (form.get("next") or [request.query_params.get("next", "/")])[0]
        if not target.startswith("/") or target.startswith("//"):
            target = "/"
        if request.method != "POST":
            return page("login.html", request, wrong=False, next=target)
        token = (form.get("token") or [""])[0]
        if hmac.compare_digest(token.encode(), config.token.encode()):
            response = RedirectResponse(target, status_code=303)
            response.set_cookie(COOKIE, session, httponly=True, samesite="strict")
            return response
        return page("login.html", request, status=401, wrong=True, next=target)

    def overview(request: Request, conn: sqlite3.Connection) -> Response:
        view = queries.overview(conn)
        return page("overview.html", request, view=view, plot=plot.latency_plot(view["days"]),
                    alerts=queries.alerts(view, config.outbox_max_age_s))  # fmt: skip

    def calls(request: Request, conn: sqlite3.Connection) -> Response:
        outcome = request.query_params.get("outcome", "")
        day = request.query_params.get("day", "")
        rows = queries.calls(conn, outcome, day)
        return page("calls.html", request, calls=rows, outcome=outcome, day=day,
                    outcomes=queries.outcomes(conn))  # fmt: skip

    def one_call(request: Request, conn: sqlite3.Connection) -> Response:
        record = queries.call(conn, request.path_params["call_id"])
        if record is None:
            return page("missing.html", request, status=404, call_id=request.path_params["call_id"])
        path = record.get("recording_path") or ""
        record["has_recording"] = bool(path) and Path(path).is_file()
        record["model_list"] = _models(record.get("models"))
        return page("call.html", request, call=record)

    def recording(request: Request, conn: sqlite3.Connection) -> Response:
        # Only the file the call's own record names: the URL carries a call id, never a path.
        row = conn.execute(
            "SELECT recording_path FROM calls WHERE id = ?", [request.path_params["call_id"]]
        ).fetchone()
        if row is None or not row[0] or not Path(row[0]).is_file():
            return PlainTextResponse("no recording for this call", status_code=404)
        return FileResponse(row[0], media_type="audio/wav")

    def metrics(request: Request) -> Response:
        if config.registry is None:
            return PlainTextResponse("metrics are not enabled", status_code=404)
        return Response(generate_latest(config.registry), media_type=CONTENT_TYPE_LATEST)

    def healthz(request: Request) -> Response:
        return PlainTextResponse("ok")

    return Starlette(
        routes=[
            Route("/", guarded(overview)),
            Route("/calls", guarded(calls)),
            Route("/calls/{call_id}", guarded(one_call)),
            Route("/calls/{call_id}/recording", guarded(recording)),
            Route("/login", login, methods=["GET", "POST"]),
            Route("/metrics", metrics),
            Route("/healthz", healthz),
        ]
    )


def _models(text: str | None) -> list[tuple[str, str, str]]:
    """The call's model fingerprints as (role, file, sha256 prefix), for the call page."""
    try:
        found = json.loads(text or "{}")
    except ValueError:
        return []
    if not isinstance(found, dict):
        return []
    return [(role, str(f.get("file")), str(f.get("sha256") or "?")[:12])
            for role, f in sorted(found.items()) if isinstance(f, dict)]  # fmt: skip
