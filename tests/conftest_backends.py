"""Real booking backends on loopback for the tests: a Radicale CalDAV server and a webhook server.

Loaded through ``pytest_plugins = ["tests.conftest_backends"]`` in ``tests/conftest.py``.
"""

from __future__ import annotations

import http.client
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from caldav.davclient import DAVClient

from tests.webhook_server import WebhookServer

RADICALE_USER = "frontdesk"
RADICALE_PASSWORD = "s3cret-frontdesk"
WEBHOOK_SECRET = "whsec-test-0123456789"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RadicaleServer:
    """``python -m radicale`` on 127.0.0.1 with its own storage folder and htpasswd file.

    ``stop()`` and ``start()`` keep the port and the storage, so a test can take the
    calendar away and bring it back with every event still there.
    """

    def __init__(self, folder: Path, port: int | None = None) -> None:
        self.folder = folder
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.username = RADICALE_USER
        self.password = RADICALE_PASSWORD
        self._process: subprocess.Popen[bytes] | None = None
        (folder / "users").write_text(f"{self.username}:{self.password}\n")
        (folder / "config").write_text(
            "[server]\n"
            f"hosts = 127.0.0.1:{self.port}\n"
            "[auth]\n"
            "type = htpasswd\n"
            f"htpasswd_filename = {folder / 'users'}\n"
            "htpasswd_encryption = plain\n"
            "delay = 0\n"
            "[storage]\n"
            f"filesystem_folder = {folder / 'storage'}\n"
            "[web]\n"
            "type = none\n"
            "[logging]\n"
            "level = warning\n"
        )

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self, wait_s: float = 15.0) -> None:
        assert not self.running, "Radicale is already running"
        log = (self.folder / "radicale.log").open("ab")
        self._process = subprocess.Popen(
            [sys.executable, "-m", "radicale", "-C", str(self.folder / "config")],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(
                    f"Radicale exited with {self._process.returncode}: "
                    + (self.folder / "radicale.log").read_text()[-2000:]
                )
            if self._answers():
                return
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"Radicale did not answer on {self.url} within {wait_s} s")

    def _answers(self) -> bool:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1)
            conn.request("OPTIONS", "/")
            conn.getresponse().read()
            conn.close()
            return True
        except OSError:
            return False

    def stop(self) -> None:
        if self._process is None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._process = None

    def make_calendar(self, name: str) -> str:
        """Create a calendar called ``name`` for the test user; returns its URL."""
        with DAVClient(self.url, username=self.username, password=self.password) as c:
            return str(c.principal().make_calendar(name=name).url)

    def event_files(self, calendar_url: str) -> list[Path]:
        """The .ics files Radicale holds in a calendar: what the server really stored."""
        path = calendar_url.split(f":{self.port}/", 1)[1].strip("/")
        folder = self.folder / "storage" / "collection-root" / path
        return sorted(folder.glob("*.ics"))


@dataclass
class RadicaleCalendar:
    server: RadicaleServer
    name: str
    url: str


@pytest.fixture(scope="session")
def radicale(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RadicaleServer]:
    """One Radicale for the session; each test takes its own calendar in it."""
    server = RadicaleServer(tmp_path_factory.mktemp("radicale"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def radicale_calendar(radicale: RadicaleServer) -> RadicaleCalendar:
    name = f"Salon {uuid.uuid4().hex[:8]}"
    return RadicaleCalendar(radicale, name, radicale.make_calendar(name))


@pytest.fixture
def restartable_radicale(tmp_path: Path) -> Iterator[RadicaleCalendar]:
    """A Radicale of the test's own, to stop (``.server.stop()``) and start again."""
    server = RadicaleServer(tmp_path)
    server.start()
    name = "Front desk"
    yield RadicaleCalendar(server, name, server.make_calendar(name))
    server.stop()


@pytest.fixture
def webhook_server() -> Iterator[WebhookServer]:
    server = WebhookServer(WEBHOOK_SECRET)
    server.start()
    yield server
    server.stop()
