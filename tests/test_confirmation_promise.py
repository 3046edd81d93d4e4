"""The agent promises a confirmation only when one can reach the caller: a channel set up in
``[confirmations]`` and the number or address that channel needs; otherwise it says so.

Each case is a real call at the text level whose booking backend times out (the request is
pending), on the salon's own config file with a ``[confirmations]`` section appended."""

from __future__ import annotations

from pathlib import Path

import pytest

from receptionist.app.config import example_config_text, load_settings
from receptionist.dialog import replies
from receptionist.store.db import Store
from receptionist.tools.scripted_backend import ScriptedBackend
from tests.conftest_dialog import start_call

ASK = "A haircut on Thursday at 3, my name is John Smith."
NUMBER = "5551234567"
WITHHELD = "anonymous"


async def pending_said(tmp_path: Path, confirmations: str, caller_id: str) -> str:
    """What the caller hears about the pending request, checked against its saved claim."""
    config = tmp_path / "site.toml"
    config.write_text(example_config_text() + "\n[confirmations]\n" + confirmations + "\n")
    settings = load_settings(config)
    store = Store(tmp_path / "receptionist.db")
    backend = ScriptedBackend(["timeout"], hang_s=2.0)
    call = start_call(settings, store, "c1", caller_id=caller_id, backend=backend)
    said = await call.say(ASK)
    if replies.BOOKING_PHONE in said:  # the caller id withheld: asked for one, none given
        said = await call.say("I'd rather not give a number.")
    (sentence,) = [s for s in said if "taken your request" in s]
    (claim,) = store.rows("claims")
    assert (claim["kind"], claim["sentence"]) == ("pending", sentence)
    store.close()
    return sentence


async def test_an_sms_channel_and_the_callers_number_promise_a_text(tmp_path: Path) -> None:
    said = await pending_said(tmp_path, 'channel = "sms"\nsms_url = "http://sms.local/send"',
                              NUMBER)  # fmt: skip
    assert "You'll get a confirmation by text message at 5 5 5, 1 2 3, 4 5 6 7" in said


async def test_a_callback_with_the_callers_number_promises_a_call_back(tmp_path: Path) -> None:
    said = await pending_said(tmp_path, 'channel = "callback"', NUMBER)
    assert "We'll call you back at 5 5 5, 1 2 3, 4 5 6 7 with a confirmation" in said


@pytest.mark.parametrize(
    ("confirmations", "caller_id", "honest"),
    [
        # SMS chosen but no gateway set up: no channel can deliver.
        ('channel = "sms"', NUMBER, "I'm not able to send you a confirmation"),
        # E-mail set up, but the caller gave no address (the dialog does not ask for one).
        ('channel = "email"\nsmtp_host = "mail.local"', NUMBER,
         "I don't have an e-mail address for a confirmation"),
        # A text or a call back needs a number, and the caller withheld theirs.
        ('channel = "sms"\nsms_url = "http://sms.local/send"', WITHHELD,
         "I don't have a number to send a confirmation to"),
        ('channel = "callback"', WITHHELD, "I don't have a number to send a confirmation to"),
    ],
    ids=["sms-not-set-up", "email-no-address", "sms-withheld", "callback-withheld"],
)  # fmt: skip
async def test_no_way_to_confirm_is_said_honestly(
    tmp_path: Path, confirmations: str, caller_id: str, honest: str
) -> None:
    said = await pending_said(tmp_path, confirmations, caller_id)
    assert honest in said
    assert "You'll get" not in said and "call you back" not in said
    assert "please call us again later, and we can tell you whether it went through" in said
