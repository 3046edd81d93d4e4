"""The FreeSWITCH snippets we ship are well-formed and point at the daemon's defaults."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from receptionist.bridges.freeswitch import FreeSwitchSettings

CONF = Path(__file__).parent.parent / "freeswitch-conf"


def test_every_snippet_is_well_formed_xml() -> None:
    files = sorted(CONF.rglob("*.xml"))
    assert len(files) == 2
    for path in files:
        ET.parse(path)  # raises ParseError naming line and column


def test_dialplan_socket_target_matches_the_default_settings() -> None:
    root = ET.parse(CONF / "dialplan" / "receptionist.xml").getroot()
    actions = [(a.get("application"), a.get("data")) for a in root.iter("action")]
    sockets = [data for app, data in actions if app == "socket"]
    defaults = FreeSwitchSettings()
    assert sockets == [f"{defaults.listen_host}:{defaults.listen_port} async full"]
    apps = [app for app, _ in actions]
    assert "playback" not in apps and "answer" not in apps  # the daemon answers; no playback
    assert apps.index("socket") < apps.index("transfer")  # fallback only if socket fails


def test_event_socket_settings_match_the_default_settings() -> None:
    root = ET.parse(CONF / "autoload_configs" / "event_socket.conf.xml").getroot()
    assert root.get("name") == "event_socket.conf"
    params = {p.get("name"): p.get("value") for p in root.iter("param")}
    defaults = FreeSwitchSettings()
    assert params["listen-ip"] == defaults.esl_host
    assert params["listen-port"] == str(defaults.esl_port)
    assert params["password"] == defaults.esl_password
