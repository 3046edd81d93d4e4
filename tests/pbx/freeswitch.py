"""A real FreeSWITCH 1.10.12 on loopback, configured with the project's own snippets.

``freeswitch.xml`` is written here with free ports; the project's
``freeswitch-conf/autoload_configs/event_socket.conf.xml`` and
``freeswitch-conf/dialplan/receptionist.xml`` are copied next to it with only the values an
admin is told to edit changed (ports, password, the office number), and taken in with
``X-PRE-PROCESS include``: what the tests run is what an admin installs.
"""

from __future__ import annotations

import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.pbx.shared import FREESWITCH_TAR, ROOT, PortBlock, free_block, stop_process, unpack

CONF = ROOT / "freeswitch-conf"
PASSWORD = "TestClueCon"


def edited(text: str, replacements: dict[str, str], what: str) -> str:
    """``text`` with each key replaced; a key not found means the shipped file changed."""
    for old, new in replacements.items():
        if old not in text:
            raise AssertionError(f"{what}: expected {old!r} in it, to edit it")
        text = text.replace(old, new)
    return text


@dataclass
class FreeSwitch:
    """One FreeSWITCH process; ``staff`` maps extensions to staff phones' SIP addresses
    (``user@127.0.0.1:port``)."""

    base: Path  # unpacked builds live here (shared by the session)
    work: Path  # this switch's run folder
    daemon_port: int  # where the dialplan's `socket` connects (the daemon listens)
    staff: dict[str, str] = field(default_factory=dict)
    ports: PortBlock = field(default_factory=lambda: free_block(64))
    proc: subprocess.Popen[bytes] | None = None

    @property
    def sip_port(self) -> int:
        return self.ports[0]

    @property
    def esl_port(self) -> int:
        return self.ports[1]

    @property
    def rtp_range(self) -> tuple[int, int]:
        return self.ports[10], self.ports[63]

    @property
    def home(self) -> Path:
        return unpack(FREESWITCH_TAR, self.base)

    def write_config(self) -> None:
        conf = self.work / "conf"
        conf.mkdir(parents=True, exist_ok=True)
        (conf / "event_socket.conf.xml").write_text(
            edited(
                (CONF / "autoload_configs" / "event_socket.conf.xml").read_text(),
                {
                    '"listen-port" value="8021"': f'"listen-port" value="{self.esl_port}"',
                    '"password" value="ClueCon"': f'"password" value="{PASSWORD}"',
                },
                "freeswitch-conf/autoload_configs/event_socket.conf.xml",
            )
        )
        (conf / "receptionist.xml").write_text(
            edited(
                (CONF / "dialplan" / "receptionist.xml").read_text(),
                {'"127.0.0.1:8084 async full"': f'"127.0.0.1:{self.daemon_port} async full"'},
                "freeswitch-conf/dialplan/receptionist.xml",
            )
        )
        users = "\n".join(
            f'<user id="{ext}"><params><param name="dial-string" '
            f'value="sofia/internal/{address}"/></params></user>'
            for ext, address in self.staff.items()
        )
        staff_re = "|".join(self.staff) or "none"
        low, high = self.rtp_range
        (conf / "freeswitch.xml").write_text(f"""<?xml version="1.0"?>
<document type="freeswitch/xml">
  <section name="configuration">
    <configuration name="switch.conf">
      <settings>
        <param name="colorize-console" value="false"/>
        <param name="loglevel" value="info"/>
        <param name="rtp-start-port" value="{low}"/>
        <param name="rtp-end-port" value="{high}"/>
        <param name="dump-cores" value="no"/>
      </settings>
    </configuration>
    <configuration name="modules.conf">
      <modules>
        <load module="mod_console"/><load module="mod_logfile"/>
        <load module="mod_event_socket"/><load module="mod_sofia"/>
        <load module="mod_loopback"/><load module="mod_commands"/>
        <load module="mod_dptools"/><load module="mod_hash"/>
        <load module="mod_dialplan_xml"/><load module="mod_sndfile"/>
        <load module="mod_native_file"/><load module="mod_tone_stream"/>
      </modules>
    </configuration>
    <configuration name="console.conf">
      <mappings><map name="all" value="console,info,notice,warning,err,crit,alert"/></mappings>
      <settings>
        <param name="colorize" value="false"/><param name="loglevel" value="info"/>
      </settings>
    </configuration>
    <configuration name="logfile.conf">
      <profiles><profile name="default">
        <settings><param name="logfile" value="{self.work}/log/freeswitch.log"/></settings>
        <mappings><map name="all" value="info,notice,warning,err,crit,alert"/></mappings>
      </profile></profiles>
    </configuration>
    <X-PRE-PROCESS cmd="include" data="event_socket.conf.xml"/>
    <configuration name="sofia.conf">
      <global_settings><param name="log-level" value="0"/></global_settings>
      <profiles>
        <profile name="internal">
          <settings>
            <param name="context" value="public"/>
            <param name="dialplan" value="XML"/>
            <param name="sip-ip" value="127.0.0.1"/>
            <param name="sip-port" value="{self.sip_port}"/>
            <param name="rtp-ip" value="127.0.0.1"/>
            <param name="ext-sip-ip" value="127.0.0.1"/>
            <param name="ext-rtp-ip" value="127.0.0.1"/>
            <param name="inbound-codec-prefs" value="PCMU,PCMA"/>
            <param name="outbound-codec-prefs" value="PCMU,PCMA"/>
            <param name="dtmf-type" value="rfc2833"/>
            <param name="rfc2833-pt" value="101"/>
            <param name="auth-calls" value="false"/>
            <param name="manage-presence" value="false"/>
            <param name="rtp-timer-name" value="soft"/>
            <param name="hold-music" value="silence_stream://-1"/>
            <param name="apply-nat-acl" value=""/>
            <param name="local-network-acl" value="loopback.auto"/>
          </settings>
        </profile>
      </profiles>
    </configuration>
  </section>
  <section name="dialplan">
    <context name="public">
      <X-PRE-PROCESS cmd="include" data="receptionist.xml"/>
    </context>
    <context name="default">
      <extension name="staff">
        <condition field="destination_number" expression="^({staff_re})$">
          <action application="bridge" data="user/$1@127.0.0.1"/>
        </condition>
      </extension>
    </context>
  </section>
  <section name="directory">
    <domain name="127.0.0.1">
      <groups><group name="staff"><users>
{users}
      </users></group></groups>
    </domain>
  </section>
</document>
""")

    def start(self, timeout_s: float = 30.0) -> None:
        if self.proc is not None and self.proc.poll() is None:
            raise RuntimeError("FreeSWITCH is already running")
        home, run = self.home, self.work
        self.write_config()
        folders = ["log", "db", "run", "recordings", "sounds", "storage", "cache", "temp"]
        for name in folders:
            (run / name).mkdir(parents=True, exist_ok=True)
        args = [str(home / "bin" / "freeswitch"), "-nf", "-nc", "-nonat", "-nonatmap"]
        args += ["-conf", str(run / "conf"), "-mod", str(home / "mod")]
        for name in folders:
            args += [f"-{name}", str(run / name)]
        log = (run / "log" / "console.log").open("ab")
        self.proc = subprocess.Popen(
            args,
            cwd=run,
            env={"LD_LIBRARY_PATH": str(home / "lib"), "PATH": "/usr/bin:/bin"},
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        self.wait_ready(timeout_s)

    def wait_ready(self, timeout_s: float) -> None:
        """Ready when inbound ESL says ``auth/request`` and sofia has bound its SIP port."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"FreeSWITCH exited ({self.proc.returncode}):\n{self.log_tail()}"
                )
            if self._esl_answers() and self._sip_bound():
                return
            time.sleep(0.2)
        raise RuntimeError(f"FreeSWITCH not ready in {timeout_s:g} s:\n{self.log_tail()}")

    def _esl_answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.esl_port), 1) as s:
                return b"auth/request" in s.recv(200)
        except OSError:
            return False

    def _sip_bound(self) -> bool:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            try:
                s.bind(("127.0.0.1", self.sip_port))
            except OSError:
                return True
        return False

    def api(self, command: str) -> str:
        """One ``api`` on a fresh inbound ESL connection (for checks, not the product)."""
        with socket.create_connection(("127.0.0.1", self.esl_port), 5) as s:
            f = s.makefile("rb")

            def frame() -> tuple[dict[str, str], bytes]:
                headers: dict[str, str] = {}
                while (line := f.readline().decode().strip()) != "":
                    key, _, value = line.partition(": ")
                    headers[key] = value
                body = f.read(int(headers.get("Content-Length", "0")))
                return headers, body

            frame()
            s.sendall(f"auth {PASSWORD}\n\n".encode())
            frame()
            s.sendall(f"api {command}\n\n".encode())
            return frame()[1].decode()

    def stop(self) -> None:
        if self.proc is not None:
            stop_process(self.proc, 10)
            self.proc = None

    def kill(self) -> None:
        """Like a crash: SIGKILL, no goodbye to anyone."""
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(5)
            self.proc = None

    def log_tail(self, lines: int = 40) -> str:
        path = self.work / "log" / "freeswitch.log"
        text = path.read_text(errors="replace") if path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])
