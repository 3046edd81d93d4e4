"""Logs redact callers' numbers and words by default."""

from __future__ import annotations

import logging

import pytest

from receptionist.app.logs import RedactingFilter, redact


def test_numbers_and_quoted_words_are_redacted() -> None:
    line = "dropped a turn that was only noise: '555-867-5309' from caller 5551234567"
    assert redact(line) == "dropped a turn that was only noise: '<12 chars>' from caller ••••67"
    # times, dates, ports and call ids stay readable
    assert redact("at 2026-11-26T15:00 on 127.0.0.1:8084, 3 turns") == (
        "at 2026-11-26T15:00 on 127.0.0.1:8084, 3 turns"
    )
    assert redact("call-back 555 867 5309.") == "call-back ••••09."
    # a call's uuid keeps its digits (they are an id, not a number to hide)
    uuid = "call 60d2ccd6-e0e3-46a2-aded-dc3742105afa ended"
    assert redact(uuid) == uuid
    # also when two of its groups are all digits, which reads like a phone number alone
    uuid = "call 512ebc2b-4272-4973-a143-28b01bcbc10f ended: from 555-867-5309"
    assert redact(uuid) == "call 512ebc2b-4272-4973-a143-28b01bcbc10f ended: from ••••09"


def test_a_log_record_is_redacted_by_the_filter(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("test.redaction")
    caplog.handler.addFilter(RedactingFilter())
    with caplog.at_level(logging.INFO):
        logger.info("call from %s said %r", "+1 (555) 123-4567", "my name is Ann Lee")
    assert caplog.messages == ["call from ••••67 said '<18 chars>'"]
