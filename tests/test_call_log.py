"""One INFO line per call with its outcome and timings; JSON lines as an option."""

from __future__ import annotations

import json
import logging

import pytest

from receptionist.app.call_log import JsonFormatter, log_call
from receptionist.store.db import Store


def test_one_line_per_call_with_outcome_and_timings(
    store_file: Store, caplog: pytest.LogCaptureFixture
) -> None:
    store_file.start_call("c1", "5551234567", "100", "asterisk")
    for v2v in (640, 1210, 880):
        store_file.add_turn("c1", "caller", "hello", {"endpoint_ms": 150, "stt_ms": 300})
        store_file.add_turn("c1", "agent", "hi", {"dialog_ms": 20, "tts_ms": 200, "v2v_ms": v2v})
    store_file.end_call("c1", "message", "message for Sarah", "agent",
                        {"low_confidence_turns": 1, "not_understood_turns": 0})  # fmt: skip
    with caplog.at_level(logging.INFO, logger="receptionist.calls"):
        log_call(store_file, "c1")
    (record,) = caplog.records
    line = record.getMessage()
    assert line.startswith("call c1 ended: message (message for Sarah), ")
    assert "3 replies, voice-to-voice p50 880 ms max 1210 ms, 1 over budget" in line
    assert "5551234567" not in line
    entry = json.loads(JsonFormatter().format(record))
    assert (entry["level"], entry["logger"], entry["outcome"]) == ("INFO", "receptionist.calls",
                                                                   "message")  # fmt: skip
    assert (entry["v2v_p50_ms"], entry["over_budget"], entry["low_confidence_turns"]) == (880, 1, 1)
    assert entry["message"] == line
