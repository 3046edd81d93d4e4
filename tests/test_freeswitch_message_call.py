"""A warm transfer nobody answers, through the fake FreeSWITCH and the real call layer:
the caller is taken back and leaves a message (kept apart from test_freeswitch_call.py so
that each file stays well under a minute on a loaded two-core box)."""

from __future__ import annotations

from pathlib import Path

import pytest

from receptionist.app.runtime import Runtime
from receptionist.harness.report import call_summary
from tests.fake_freeswitch import StaffPhone, running_switch
from tests.test_freeswitch_call import (
    SPEED,
    Line,
    ScriptedCaller,
    heard_by_caller,
    place_call,
    spoken,
    words,
)

pytestmark = pytest.mark.timeout(120)


async def test_warm_transfer_not_answered_takes_a_message(runtime: Runtime, tmp_path: Path) -> None:
    models = runtime.models
    caller = ScriptedCaller([
        Line(dtmf="0"),
        spoken(models, "Please ask someone to call me back about my appointment."),
        spoken(models, "No, that's all, thank you."),
    ])  # fmt: skip
    async with running_switch(speed=SPEED) as switch:
        switch.phones["200"] = StaffPhone(answer=False, cause="NO_ANSWER", ring_s=0.3)
        fake, leg, session = await place_call(runtime, switch, caller, tmp_path)

    transfers = runtime.store.rows("transfers")
    assert [(t["extension"], t["outcome"]) for t in transfers] == [("200", "no_answer")]
    assert session.outcome == "message", call_summary(runtime.store, leg.call_id)
    messages = runtime.store.rows("messages")
    assert len(messages) == 1 and "call me back" in words(messages[0]["text"])
    assert fake.bridged_to == "" and leg.hangup_by == "agent"
    heard = heard_by_caller(runtime, fake)
    assert "message" in heard, heard  # the caller was taken back and heard about it
