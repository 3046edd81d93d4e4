"""A real Asterisk 22 on loopback, with the project's own dialplan and manager snippets.

The etc folder comes from the build's ``etc-template`` (paths filled in), with our own
``pjsip.conf``, ``rtp.conf`` and AMI port; ``dialplan/extensions_receptionist.conf`` and
``dialplan/manager_receptionist.conf`` are copied in with only what an admin is told to
edit changed (the daemon's ports, the AMI secret).
"""

from __future__ import annotations

import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.pbx.freeswitch import edited
from tests.pbx.shared import ASTERISK_TAR, ROOT, PortBlock, free_block, stop_process, unpack

DIALPLAN = ROOT / "dialplan"
AMI_SECRET = "test-secret-1234"


@dataclass
class Asterisk:
    base: Path
    work: Path
    agi_port: int
    audiosocket_port: int
    staff: dict[str, str] = field(default_factory=dict)
    ports: PortBlock = field(default_factory=lambda: free_block(64))
    proc: subprocess.Popen[bytes] | None = None

    @property
    def sip_port(self) -> int:
        return self.ports[0]

    @property
    def ami_port(self) -> int:
        return self.ports[1]

    @property
    def home(self) -> Path:
        return unpack(ASTERISK_TAR, self.base)

    def write_config(self) -> None:
        home, run = self.home, self.work
        etc = run / "etc"
        for sub in ("etc", "var/lib/asterisk/agi-bin", "var/spool/asterisk", "run", "log"):
            (run / sub).mkdir(parents=True, exist_ok=True)
        for template in (home / "etc-template").glob("*.conf"):
            text = template.read_text().replace("@ASTERISK@", str(home))
            (etc / template.name).write_text(text.replace("@WORK@", str(run)))
        manager = (etc / "manager.conf").read_text()
        (etc / "manager.conf").write_text(
            edited(manager, {"port = 5038": f"port = {self.ami_port}"}, "manager.conf")
        )
        (etc / "rtp.conf").write_text(
            f"[general]\nrtpstart = {self.ports[10]}\nrtpend = {self.ports[63]}\n"
        )
        staff = "".join(
            f"\n[{ext}](staff-endpoint)\naors = {ext}\n"
            f"[{ext}]\ntype = aor\ncontact = sip:{address}\n"
            for ext, address in self.staff.items()
        )
        (etc / "pjsip.conf").write_text(f"""[global]
type = global
user_agent = Asterisk-test

[transport-udp]
type = transport
protocol = udp
bind = 127.0.0.1:{self.sip_port}

[local]
type = endpoint
transport = transport-udp
context = from-sip
disallow = all
allow = ulaw,alaw
dtmf_mode = rfc4733
direct_media = no
rtp_symmetric = yes

[local-identify]
type = identify
endpoint = local
match = 127.0.0.1

[staff-endpoint](!)
type = endpoint
transport = transport-udp
context = from-sip
disallow = all
allow = ulaw,alaw
dtmf_mode = rfc4733
direct_media = no
{staff}""")
        (etc / "extensions_receptionist.conf").write_text(
            edited(
                (DIALPLAN / "extensions_receptionist.conf").read_text(),
                {
                    "agi://127.0.0.1:4573/": f"agi://127.0.0.1:{self.agi_port}/",
                    ",127.0.0.1:9092)": f",127.0.0.1:{self.audiosocket_port})",
                },
                "dialplan/extensions_receptionist.conf",
            )
        )
        (etc / "manager_receptionist.conf").write_text(
            edited(
                (DIALPLAN / "manager_receptionist.conf").read_text(),
                {"secret = change-me-to-a-long-random-secret": f"secret = {AMI_SECRET}"},
                "dialplan/manager_receptionist.conf",
            )
        )

    def start(self, timeout_s: float = 60.0) -> None:
        if self.proc is not None and self.proc.poll() is None:
            raise RuntimeError("Asterisk is already running")
        self.write_config()
        home = self.home
        log = (self.work / "log" / "console.log").open("ab")
        self.proc = subprocess.Popen(
            [str(home / "sbin" / "asterisk"), "-C", str(self.work / "etc" / "asterisk.conf")]
            + ["-f", "-n", "-g"],
            cwd=self.work,
            env={"LD_LIBRARY_PATH": str(home / "lib"), "PATH": "/usr/bin:/bin"},
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"Asterisk exited ({self.proc.returncode}):\n{self.log_tail()}")
            if self._ami_banner() and self._booted():
                return
            time.sleep(0.2)
        raise RuntimeError(f"Asterisk not ready in {timeout_s:g} s:\n{self.log_tail()}")

    def _booted(self) -> bool:
        """Asterisk 22 says "Asterisk Ready." once every module is loaded (older releases
        said "fully booted"); the AMI banner alone comes before the dialplan is loaded."""
        tail = self.log_tail(400).lower()
        return "asterisk ready." in tail or "fully booted" in tail

    def _ami_banner(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.ami_port), 1) as s:
                return s.recv(100).startswith(b"Asterisk Call Manager")
        except OSError:
            return False

    def cli(self, command: str) -> str:
        home = self.home
        out = subprocess.run(
            [str(home / "sbin" / "asterisk"), "-C", str(self.work / "etc" / "asterisk.conf")]
            + ["-rx", command],
            env={"LD_LIBRARY_PATH": str(home / "lib"), "PATH": "/usr/bin:/bin"},
            capture_output=True,
            timeout=20,
            check=False,
        )
        return out.stdout.decode(errors="replace")

    def stop(self) -> None:
        if self.proc is not None:
            stop_process(self.proc, 10)
            self.proc = None

    def kill(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(5)
            self.proc = None

    def log_tail(self, lines: int = 40) -> str:
        path = self.work / "log" / "console.log"
        text = path.read_text(errors="replace") if path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])
