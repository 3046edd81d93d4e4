"""The dialplan snippets point where the daemon's default settings listen."""

from __future__ import annotations

import re
from pathlib import Path

from receptionist.bridges.asterisk import AsteriskSettings

DIALPLAN = Path(__file__).parent.parent / "dialplan"


def contexts(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    name = ""
    for line in text.splitlines():
        line = line.split(";", 1)[0].rstrip()
        if m := re.fullmatch(r"\[([\w-]+)\]", line):
            name = m[1]
            out[name] = ""
        elif name and line:
            out[name] += line + "\n"
    return out


def test_agi_and_audiosocket_targets_match_the_defaults() -> None:
    s = AsteriskSettings()
    text = (DIALPLAN / "extensions_receptionist.conf").read_text()
    ctx = contexts(text)
    agi_urls = re.findall(r"AGI\(agi://([\d.]+):(\d+)/([\w-]+),\$\{RECEPTIONIST_UUID\}\)", text)
    assert agi_urls == [(s.agi_host, str(s.agi_port), s.agi_route)]
    sockets = re.findall(r"AudioSocket\(\$\{(\w+)\},([\d.]+):(\d+)\)", text)
    assert sockets == [
        ("RECEPTIONIST_UUID", s.audiosocket_host, str(s.audiosocket_port)),
        ("RECEPTIONIST_STAFF_UUID", s.audiosocket_host, str(s.audiosocket_port)),
    ]
    # AGI first, then AudioSocket, in the same context, with the fallback in between
    main = ctx["receptionist"]
    assert (
        main.index("AGI(")
        < main.index('"${RECEPTIONIST_STATUS}" != "ok"')
        < main.index("AudioSocket(")
    )
    assert "RECEPTIONIST_STAFF_UUID" in ctx[s.summary_context]
    assert "Dial(" in ctx[s.staff_context] and "VoiceMail" not in ctx[s.staff_context]
    assert "Dial(" in ctx[s.transfer_context]
    assert "receptionist-fallback" in ctx


def test_manager_account_matches_the_defaults() -> None:
    s = AsteriskSettings()
    ctx = contexts((DIALPLAN / "manager_receptionist.conf").read_text())
    account = dict(
        line.split(" = ", 1) for line in ctx[s.ami_username].splitlines() if " = " in line
    )
    assert "call" in account["read"].split(",")  # OriginateResponse
    assert {"call", "originate"} <= set(account["write"].split(","))


def test_readme_names_every_context() -> None:
    readme = (DIALPLAN / "README.md").read_text()
    for name in contexts((DIALPLAN / "extensions_receptionist.conf").read_text()):
        assert f"`{name}`" in readme


def test_a_stalled_daemon_sends_the_caller_to_a_person() -> None:
    """FastAGI waits for ever on a daemon that accepted and never answers: the AGI runs
    under an absolute timeout whose T extension goes to the fallback, and ends on hangup."""
    main = contexts((DIALPLAN / "extensions_receptionist.conf").read_text())["receptionist"]
    lines = main.splitlines()
    agi = next(i for i, line in enumerate(lines) if "AGI(" in line)
    assert "Set(AGIEXITONHANGUP=yes)" in "\n".join(lines[:agi])
    assert re.search(r"Set\(TIMEOUT\(absolute\)=[1-9]\d*\)", lines[agi - 1])
    assert "Set(TIMEOUT(absolute)=0)" in lines[agi + 1]  # the daemon answered: no limit
    t_ext = main[main.index("exten => T,1") :]
    assert "TIMEOUT(absolute)=0" in t_ext and "Goto(receptionist-fallback,s,1)" in t_ext
