"""The call limit on the SIP endpoint, with the real daemon (`receptionist serve` in a
subprocess) and real SIP phones (baresip over ctrl_tcp, on loopback).

``[limits] max_calls = 1``: one phone's call is up; a second phone's INVITE is answered
``486 Busy Here`` (what baresip's ctrl_tcp reports in its CALL_CLOSED event), the first
call goes on as if nothing happened, the refused call has its own row (``failed``,
"refused: at capacity"), and once the first call ends the place is free again.

Why 486 and not 503: the other bridges say "busy" at the limit (Asterisk's AGI sets
``RECEPTIONIST_STATUS=busy`` and the dialplan rings a person). A PBX or proxy maps 486 to
USER_BUSY, which its dialplan can send to a person as it does for a busy extension; a 503
is a server failure that proxies may turn into a 500 or use to take the whole endpoint out
of rotation for Retry-After seconds, though only one call was too many.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from receptionist.store.db import Store
from tests.daemon_process import DaemonProcess, config_text
from tests.pbx.audio import wait_heard
from tests.pbx.baresip import Baresip
from tests.pbx.shared import free_block
from tests.test_sip_bridge import need_baresip

pytestmark = pytest.mark.timeout(300)

FIRST = "5551110001"
SECOND = "5552220002"
REFUSED = "refused: at capacity (1 calls in progress)"


def _sip_daemon(folder: Path, sip_port: int, rtp: tuple[int, int]) -> DaemonProcess:
    replacements = {
        'dir = "var/recordings"': f'dir = "{folder / "recordings"}"',
        "llm_enabled = true": "llm_enabled = false",
        "max_calls = 32": "max_calls = 1",
        "[sip]\nenabled = true": "\n".join(
            [
                "[sip]",
                "enabled = true",
                f"port = {sip_port}",
                f"rtp_port_min = {rtp[0]}",
                f"rtp_port_max = {rtp[1]}",
            ]
        ),  # fmt: skip
    }
    return DaemonProcess(folder, config_text(replacements, "[http]\nenabled = false\n"))


@pytest.fixture
async def lab(tmp_path: Path) -> AsyncIterator[tuple[DaemonProcess, Baresip, Baresip, str]]:
    need_baresip()
    ports = free_block(8)  # baresip's sip_listen P also binds TLS on P+1
    rtp = free_block(40)
    first = Baresip(tmp_path / "first", FIRST, ports[0], ports[4], "manual")
    second = Baresip(tmp_path / "second", SECOND, ports[2], ports[5], "manual")
    daemon = _sip_daemon(tmp_path, ports[6], (rtp[0], rtp[39]))
    try:
        first.start()
        second.start()
        await asyncio.to_thread(daemon.start)
        yield daemon, first, second, f"sip:receptionist@127.0.0.1:{ports[6]}"
    finally:
        first.stop()
        second.stop()
        if daemon.proc is not None:
            daemon.stop()


def _calls(daemon: DaemonProcess, caller_id: str) -> list[dict[str, Any]]:
    store = Store(daemon.db)
    try:
        return store.rows("calls", "caller_id = ?", [caller_id])
    finally:
        store.close()


async def test_an_invite_past_the_limit_gets_486_and_a_record_and_the_call_up_goes_on(
    lab: tuple[DaemonProcess, Baresip, Baresip, str],
) -> None:
    daemon, first, second, dial = lab
    await asyncio.to_thread(first.dial, dial)
    await asyncio.to_thread(first.wait_event, "CALL_ESTABLISHED", 20)
    answered_line = daemon.wait_for("SIP: answered", 20)
    first_id = re.sub(r"[^A-Za-z0-9_.-]", "_", answered_line.split("SIP: answered ")[1].split()[0])

    await asyncio.to_thread(second.dial, dial)
    closed = await asyncio.to_thread(second.wait_event, "CALL_CLOSED", 20)
    assert "486 Busy Here" in str(closed.get("param", "")), closed
    assert second.count("CALL_ESTABLISHED") == 0
    daemon.wait_for(REFUSED, 10)

    # The first call is untouched: still up, and the agent still talks to it (the
    # recording notice and the greeting take several seconds; 2 s of them is after the
    # refusal on any box).
    await asyncio.to_thread(wait_heard, first.heard, 30, 2.0)
    assert first.count("CALL_CLOSED") == 0, first.events

    (refused,) = _calls(daemon, SECOND)
    assert (refused["bridge"], refused["outcome"], refused["outcome_reason"]) == (
        "sip", "failed", REFUSED
    )  # fmt: skip

    # The first caller hangs up: its own record, not a refusal, and the place is free.
    await asyncio.to_thread(first.hangup)
    await asyncio.to_thread(first.wait_event, "CALL_CLOSED", 10)
    daemon.wait_for(f"call {first_id} ended: caller_hung_up", 30)
    (answered,) = _calls(daemon, FIRST)
    assert (answered["id"], answered["bridge"]) == (first_id, "sip"), answered

    await asyncio.to_thread(second.dial, dial)
    await asyncio.to_thread(
        second.wait_event, "CALL_ESTABLISHED", 20
    )  # the limit let go of the first call's place
    await asyncio.to_thread(second.hangup)
