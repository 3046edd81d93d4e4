"""pytest fixtures for the real-switch tests (marker ``pbx``): one switch, one daemon and
the phones per test module; the builds unpacked once per session."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.pbx.asterisk import AMI_SECRET, Asterisk
from tests.pbx.audio import (
    FRAME,
    hear,
    read_growing_wav,
    speech_seconds,
    synthesize,
    wait_spoken,
)
from tests.pbx.baresip import Baresip
from tests.pbx.daemon import Daemon, daemon_config
from tests.pbx.freeswitch import PASSWORD, FreeSwitch
from tests.pbx.shared import ASTERISK_TAR, FREESWITCH_TAR, ROOT, free_block, require

CALLER_NUMBER = "5551234567"
RING_S = 8.0  # the daemon's transfer ring time here: "no answer" within the test's patience


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "pbx: end to end on a real FreeSWITCH or Asterisk with SIP phones (slow)"
    )


@pytest.fixture(scope="session")
def pbx_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the switch builds are unpacked, once per session."""
    return tmp_path_factory.mktemp("pbx-builds")


@pytest.fixture(scope="session")
def transcriber() -> Any:
    """The project's Whisper, to hear what a phone heard."""
    from receptionist.media.stt import Transcriber

    path = ROOT / "models" / "whisper-tiny.en"
    if not path.exists():
        pytest.skip(f"{path} is missing: run `make models`")
    return Transcriber(path, threads=1)


@dataclass
class Call:
    """One call as one phone (the caller's or a staff phone) experiences it."""

    lab: Lab
    phone: Baresip
    dumps_before: set[Path]
    heard_path: Path | None = None
    heard_frames: int = 0
    line_ends: float = 0.0

    def heard(self) -> Path | None:
        if self.heard_path is None:
            new = set(self.phone.folder.glob("dump-*-dec.wav")) - self.dumps_before
            if new:
                self.heard_path = max(new, key=lambda p: p.stat().st_mtime)
        return self.heard_path

    def wait_agent(
        self,
        timeout_s: float = 90.0,
        quiet_s: float = 2.0,
        min_speech_s: float = 1.0,
        since: int | None = None,
    ) -> None:
        """Until the other side has said at least ``min_speech_s`` since this phone's last
        line ended (or since frame ``since``), and then paused for ``quiet_s``."""
        if since is None:
            wait = self.line_ends - time.monotonic()
            if wait > 0:
                time.sleep(wait)  # this phone's own line is still playing (its known length)
            since = self.mark()
        start = since
        self.heard_frames = wait_spoken(
            self.heard,
            timeout_s,
            after_frame=max(start, self.heard_frames),
            quiet_s=quiet_s,
            min_speech_s=min_speech_s,
        )

    def say(self, text: str) -> None:
        wav = self.lab.line(text)
        self.phone.say(wav)
        self.line_ends = time.monotonic() + speech_seconds(wav)

    def ask_for(self, staff: Baresip, text: str, timeout_s: float = 60.0) -> None:
        """Says ``text``, which should put the call through to ``staff``, until their phone
        rings. A caller the agent didn't understand ("Sorry, I didn't quite get that") says
        it once more, as callers do: tiny.en once heard flite's "I want a refund." over the
        real switch as "I want to respond." in one run of many (offline, 25 windows of the
        line gave four transcripts, all with "refund")."""
        rang = staff.count("CALL_INCOMING")
        ringing = lambda e: staff.count("CALL_INCOMING") > rang  # noqa: E731
        self.say(text)
        try:
            staff.wait_event("CALL_INCOMING", REPEAT_AFTER_S, ringing)
            return
        except TimeoutError:
            pass  # not put through: the agent's answer was something else
        self.wait_agent(min_speech_s=1.0)
        self.say(text)
        staff.wait_event("CALL_INCOMING", timeout_s, ringing)

    def mark(self) -> int:
        """Frames this phone has heard so far (to transcribe only what comes after)."""
        path = self.heard()
        return len(read_growing_wav(path)) // FRAME if path is not None else 0

    def transcript(self, transcriber: Any, from_frame: int = 0) -> str:
        path = self.heard()
        assert path is not None, f"{self.phone.name}'s phone recorded nothing"
        return hear(transcriber, read_growing_wav(path)[from_frame * FRAME :])


# How long a put-through may take to ring staff when the words were understood: well over
# the 4.1 s from the caller's key to the desk's new channel in one switch log here (the hold
# words, then the switch's originate).
REPEAT_AFTER_S = 20.0


@dataclass
class Lab:
    folder: Path
    switch: Any  # FreeSwitch or Asterisk
    daemon: Daemon
    caller: Baresip
    desk: Baresip  # ext 200, the front desk: answers at once
    sarah: Baresip  # ext 201: rings, nobody answers
    dial_uri: str
    bridge: str  # "freeswitch" or "asterisk", as the store names it
    lines: dict[str, Path] = field(default_factory=dict)

    def line(self, text: str) -> Path:
        """The caller's ``text`` as a WAV (made once)."""
        if text not in self.lines:
            folder = self.folder / "lines"
            folder.mkdir(exist_ok=True)
            self.lines[text] = synthesize(text, folder / f"line{len(self.lines)}.wav")
        return self.lines[text]

    def watch(self, phone: Baresip) -> Call:
        """The next call on ``phone`` (a staff phone about to ring)."""
        phone.hush()
        return Call(self, phone, set(phone.folder.glob("dump-*-dec.wav")))

    def dial(self) -> Call:
        _past_the_last_dump_second(self.caller.folder)
        call = Call(self, self.caller, set(self.caller.folder.glob("dump-*-dec.wav")))
        before = self.caller.count("CALL_ESTABLISHED")
        self.caller.hush()
        self.caller.dial(self.dial_uri)
        deadline = time.monotonic() + 20
        while self.caller.count("CALL_ESTABLISHED") == before:
            if time.monotonic() > deadline:
                raise TimeoutError(f"the call was not answered:\n{self.daemon.tail()}")
            time.sleep(0.05)
        return call

    def wait_closed(self, phone: Baresip, before: int, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while phone.count("CALL_CLOSED") <= before:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{phone.name}'s call did not end:\n{self.daemon.tail()}")
            time.sleep(0.05)


def _past_the_last_dump_second(folder: Path) -> None:
    """baresip names a call's recording by the second it began (dump-YYYY-mm-dd-HH-MM-SS):
    a call dialled in the same second as the last one (a test that hangs up at once, then the
    next) would write over that file, and the new call's recording would never appear as
    new. Dial only once the clock has left the newest recording's second (at most 1 s)."""
    names = sorted(p.name[5:24] for p in folder.glob("dump-*-dec.wav"))
    while names and time.strftime("%Y-%m-%d-%H-%M-%S") <= names[-1]:
        time.sleep(0.05)


def _phones(folder: Path) -> tuple[Baresip, Baresip, Baresip]:
    ports = free_block(9)  # sip_listen P also binds TLS on P+1
    return (
        Baresip(folder / "caller", CALLER_NUMBER, ports[0], ports[6], "auto"),
        Baresip(folder / "desk", "desk", ports[2], ports[7], "auto"),
        Baresip(folder / "sarah", "sarah", ports[4], ports[8], "manual"),
    )


@pytest.fixture(scope="module")
def freeswitch_lab(pbx_base: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    require(FREESWITCH_TAR)
    folder = tmp_path_factory.mktemp("freeswitch-lab")
    caller, desk, sarah = _phones(folder)
    daemon_ports = free_block(202)
    switch = FreeSwitch(
        pbx_base,
        folder / "switch",
        daemon_port=daemon_ports[0],
        staff={"200": desk.address, "201": sarah.address},
    )
    options = {
        "listen_port": daemon_ports[0],
        "esl_port": switch.esl_port,
        "esl_password": PASSWORD,
        "media_port_min": daemon_ports[2],
        "media_port_max": daemon_ports[101],
        "switch_port_min": daemon_ports[102],
        "switch_port_max": daemon_ports[201],
        "transfer_dial_string": "user/{extension}@127.0.0.1",
        "fallback_extension": "200",
    }
    daemon = Daemon(folder, daemon_config(folder, "freeswitch", options, RING_S))
    dial = f"sip:1000@127.0.0.1:{switch.sip_port}"
    lab = Lab(folder, switch, daemon, caller, desk, sarah, dial, "freeswitch")
    try:
        switch.start()
        for phone in (desk, sarah, caller):
            phone.start()
        daemon.start()
        yield lab
    finally:
        for phone in (caller, desk, sarah):
            phone.stop()
        daemon.thaw()
        daemon.stop()
        switch.stop()


@pytest.fixture(scope="module")
def asterisk_lab(pbx_base: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    require(ASTERISK_TAR)
    folder = tmp_path_factory.mktemp("asterisk-lab")
    caller, desk, sarah = _phones(folder)
    daemon_ports = free_block(2)
    switch = Asterisk(
        pbx_base,
        folder / "switch",
        agi_port=daemon_ports[0],
        audiosocket_port=daemon_ports[1],
        staff={"100": desk.address, "200": desk.address, "201": sarah.address},
    )
    options = {
        "agi_port": daemon_ports[0],
        "audiosocket_port": daemon_ports[1],
        "ami_port": switch.ami_port,
        "ami_secret": AMI_SECRET,
    }
    daemon = Daemon(folder, daemon_config(folder, "asterisk", options, RING_S))
    dial = f"sip:1000@127.0.0.1:{switch.sip_port}"
    lab = Lab(folder, switch, daemon, caller, desk, sarah, dial, "asterisk")
    try:
        switch.start()
        for phone in (desk, sarah, caller):
            phone.start()
        daemon.start()
        yield lab
    finally:
        for phone in (caller, desk, sarah):
            phone.stop()
        daemon.stop()
        switch.stop()
