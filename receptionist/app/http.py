"""The daemon's HTTP port: ``/metrics`` for Prometheus and the operator's console.

uvicorn serves the Starlette app (receptionist/console/app.py) as a task of the daemon's own
asyncio loop, on a socket bound here first, so a port already in use stops start-up with a
clear message and a test can ask for port 0 and read the one it got.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
from dataclasses import dataclass
from pathlib import Path

import uvicorn

from receptionist.app.metrics import Live, registry_for
from receptionist.console import ConsoleConfig, build_app

log = logging.getLogger(__name__)

TOKEN_ENV = "RECEPTIONIST_CONSOLE_TOKEN"
PORT_ENV = "RECEPTIONIST_HTTP_PORT"


@dataclass
class HttpServer:
    host: str
    port: int
    token_source: str
    server: uvicorn.Server
    task: asyncio.Task[None]

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

    async def stop(self) -> None:
        self.server.should_exit = True
        try:
            await asyncio.wait_for(self.task, 5.0)
        except TimeoutError:
            self.task.cancel()
            await asyncio.gather(self.task, return_exceptions=True)


def console_token(store_path: str, configured: str = "") -> tuple[str, str]:
    """The token and where it came from: $RECEPTIONIST_CONSOLE_TOKEN, the config, or a file
    beside the store made once (0600) with a random token."""
    if os.environ.get(TOKEN_ENV):
        return os.environ[TOKEN_ENV], f"${TOKEN_ENV}"
    if configured:
        return configured, "the config's [http] token"
    folder = Path(store_path).parent if store_path != ":memory:" else Path("var")
    path = folder / "console-token"
    if path.is_file() and path.read_text().strip():
        return path.read_text().strip(), str(path)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    token = secrets.token_urlsafe(24)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(token + "\n")
    return token, str(path)


async def start_http(
    store_path: str,
    host: str = "127.0.0.1",
    port: int = 8780,
    token: str = "",
    live: Live | None = None,
) -> HttpServer:
    """Bind, then serve ``/metrics`` and the console until ``stop()``."""
    token, source = console_token(store_path, token)
    app = build_app(ConsoleConfig(store_path, token, registry_for(store_path, live)))
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise OSError(f"console/metrics port {host}:{port}: {exc.strerror or exc}") from exc
    sock.listen(64)
    sock.setblocking(False)
    bound = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False)
    server = uvicorn.Server(config)
    task = asyncio.get_running_loop().create_task(server.serve(sockets=[sock]), name="http")
    # uvicorn offers no "started" event to wait on
    while not server.started and not task.done():  # noqa: ASYNC110
        await asyncio.sleep(0.01)
    if task.done():
        task.result()  # raises what stopped it
    return HttpServer(host, bound, source, server, task)


def pbx_links(bridges: list[object]) -> dict[tuple[str, str], bool]:
    """The control link of each bridge the daemon runs: FreeSWITCH's inbound ESL, Asterisk's
    AMI (the links that carry transfers and recordings)."""
    links: dict[tuple[str, str], bool] = {}
    for bridge in bridges:
        name = type(bridge).__name__
        if name == "FreeSwitchBridge":
            links[("freeswitch", "esl")] = bool(getattr(bridge._inbound, "connected", False))  # type: ignore[attr-defined]
        elif name == "AsteriskBridge":
            links[("asterisk", "ami")] = bool(bridge.ami.connected)  # type: ignore[attr-defined]
        elif name == "SipBridge" and bridge.registration is not None:  # type: ignore[attr-defined]
            links[("sip", "register")] = bridge.registered.is_set()  # type: ignore[attr-defined]
    return links


async def start_for_daemon(settings: object, store_path: str, live: Live) -> HttpServer | None:
    """The daemon's HTTP port per ``[http]``; a port that can't be had is logged, not fatal:
    answering calls matters more than the console."""
    http = settings.http  # type: ignore[attr-defined]
    if not http.enabled:
        log.info("console and /metrics disabled ([http] enabled = false)")
        return None
    if store_path == ":memory:":
        log.warning("console and /metrics need a store file, not :memory:")
        return None
    try:
        server = await start_http(store_path, http.host, http.port, http.token, live)
    except OSError as exc:
        log.error("console and /metrics not started: %s", exc)
        return None
    log.info("console %s (token: %s), metrics %smetrics", server.url, server.token_source,
             server.url)  # fmt: skip
    return server
