"""A baresip 1.0 SIP phone driven over ctrl_tcp: callers and staff phones for the tests.

ctrl_tcp speaks netstring-framed JSON: commands ``{"command": ..., "params": ...,
"token": ...}``, replies ``{"response": true, "ok": ..., "token": ...}`` and events
``{"event": true, "type": "CALL_ESTABLISHED", ...}``. The sndfile module writes
``dump-*-dec.wav`` (what the phone heard) into the agent's folder. When an ``aufile`` source
reaches its end baresip hangs up, so every source file is padded with silence and speech
is switched in with ``ausrc`` when the test decides the caller speaks.
"""

from __future__ import annotations

import json
import socket
import subprocess
import threading
import time
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.pbx.shared import stop_process

Event = dict[str, Any]


def write_silence(path: Path, seconds: float, rate: int = 8000) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"\0\0" * int(seconds * rate))
    return path


class Baresip:
    """One baresip process with one account; ``answer`` is "auto" or "manual" (never)."""

    def __init__(self, folder: Path, name: str, sip_port: int, ctrl_port: int, answer: str) -> None:
        self.folder = folder
        self.name = name
        self.sip_port = sip_port
        self.ctrl_port = ctrl_port
        self.answer = answer
        self.events: list[Event] = []
        self._replies: dict[str, Event] = {}
        self._cond = threading.Condition()
        self._token = 0
        self._sock: socket.socket | None = None
        self._reader: threading.Thread | None = None
        self.proc: subprocess.Popen[bytes] | None = None
        folder.mkdir(parents=True, exist_ok=True)
        self.idle = write_silence(folder / "idle.wav", 600)

    @property
    def address(self) -> str:
        return f"{self.name}@127.0.0.1:{self.sip_port}"

    @property
    def uri(self) -> str:
        return f"sip:{self.address}"

    def start(self, timeout_s: float = 15.0) -> None:
        (self.folder / "config").write_text(
            "\n".join(
                [
                    "poll_method epoll",
                    f"sip_listen 127.0.0.1:{self.sip_port}",
                    "net_interface 127.0.0.1",
                    "audio_player alsa,null",
                    f"audio_source aufile,{self.idle}",
                    "audio_alert alsa,null",
                    "module_path /usr/lib/baresip/modules",
                    "module g711.so",
                    "module aufile.so",
                    "module alsa.so",
                    "module sndfile.so",
                    f"snd_path {self.folder}",
                    "module_app account.so",
                    "module_app menu.so",
                    "module_app ctrl_tcp.so",
                    f"ctrl_tcp_listen 127.0.0.1:{self.ctrl_port}",
                    "rtp_stats no",
                    "",
                ]
            )
        )
        (self.folder / "accounts").write_text(
            f"<{self.uri}>;regint=0;answermode={self.answer};audio_codecs=PCMU,PCMA\n"
        )
        log = (self.folder / "baresip.log").open("ab")
        self.proc = subprocess.Popen(
            ["baresip", "-f", str(self.folder)],
            cwd=self.folder,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                self._sock = socket.create_connection(("127.0.0.1", self.ctrl_port), 1)
                self._sock.settimeout(None)
                break
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"baresip {self.name} did not start:\n{self.log_tail()}"
                    ) from None
                time.sleep(0.1)
        self._reader = threading.Thread(target=self._read, name=f"baresip-{self.name}")
        self._reader.daemon = True
        self._reader.start()

    def _read(self) -> None:
        assert self._sock is not None
        buf = b""
        while True:
            try:
                data = self._sock.recv(65536)
            except OSError:
                data = b""
            if not data:
                with self._cond:
                    self.events.append({"event": True, "type": "CTRL_CLOSED"})
                    self._cond.notify_all()
                return
            buf += data
            while b":" in buf:
                length, _, rest = buf.partition(b":")
                size = int(length)
                if len(rest) < size + 1:
                    break
                message = json.loads(rest[:size])
                buf = rest[size + 1 :]  # past the trailing ","
                with self._cond:
                    if message.get("response"):
                        self._replies[str(message.get("token"))] = message
                    else:
                        message["at"] = time.monotonic()
                        self.events.append(message)
                    self._cond.notify_all()

    def command(self, command: str, params: str = "", timeout_s: float = 10.0) -> Event:
        assert self._sock is not None
        with self._cond:
            self._token += 1
            token = str(self._token)
        body = json.dumps({"command": command, "params": params, "token": token}).encode()
        self._sock.sendall(str(len(body)).encode() + b":" + body + b",")
        with self._cond:
            if not self._cond.wait_for(lambda: token in self._replies, timeout_s):
                raise TimeoutError(f"baresip {self.name}: no reply to {command} {params}")
            reply = self._replies.pop(token)
        if not reply.get("ok"):
            raise RuntimeError(f"baresip {self.name}: {command} {params} failed: {reply}")
        return reply

    def wait_event(
        self, kind: str, timeout_s: float, where: Callable[[Event], bool] = lambda e: True
    ) -> Event:
        """The first event of ``kind`` (ever seen) that matches ``where``."""
        with self._cond:
            found: list[Event] = []

            def seen() -> bool:
                found[:] = [e for e in self.events if e.get("type") == kind and where(e)]
                return bool(found)

            if not self._cond.wait_for(seen, timeout_s):
                kinds = [e.get("type") for e in self.events]
                raise TimeoutError(
                    f"baresip {self.name}: no {kind} in {timeout_s:g} s; saw {kinds}"
                )
            return found[0]

    def count(self, kind: str) -> int:
        with self._cond:
            return sum(1 for e in self.events if e.get("type") == kind)

    def dial(self, uri: str) -> None:
        self.command("dial", uri)

    def say(self, wav: Path) -> None:
        """The phone's microphone plays ``wav`` from now (padded with silence after it)."""
        self.command("ausrc", f"aufile,{wav}")

    def hush(self) -> None:
        self.command("ausrc", f"aufile,{self.idle}")

    def press(self, digits: str) -> None:
        """Key presses (RFC 4733), a quarter of a second apart as a person types them."""
        for i, digit in enumerate(digits):
            if i:
                time.sleep(0.25)
            self.command("sndcode", digit)

    def hangup(self) -> None:
        self.command("hangup")

    def heard(self) -> Path | None:
        """The newest recording of what this phone received (sndfile's ``-dec`` dump)."""
        dumps = sorted(self.folder.glob("dump-*-dec.wav"), key=lambda p: p.stat().st_mtime)
        return dumps[-1] if dumps else None

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None and self._sock is not None:
            try:
                self.command("quit", timeout_s=2)
            except (OSError, TimeoutError, RuntimeError):
                pass
            try:
                self.proc.wait(3)
            except subprocess.TimeoutExpired:
                pass
        stop_process(self.proc, 3)
        if self._sock is not None:
            self._sock.close()
        self.proc = None

    def log_tail(self, lines: int = 30) -> str:
        path = self.folder / "baresip.log"
        text = path.read_text(errors="replace") if path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])
