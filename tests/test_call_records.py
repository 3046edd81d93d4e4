"""Every call that reaches us has its own record, and what a switch sends never becomes a path."""

from __future__ import annotations

from pathlib import Path

from receptionist.call import recording_name
from receptionist.store.db import Store


def test_two_calls_with_the_same_id_get_two_records(tmp_path: Path) -> None:
    store = Store(tmp_path / "r.db")
    first = store.start_call("abc", "5551112222", "100", "freeswitch")
    second = store.start_call("abc", "5553334444", "100", "freeswitch")
    third = store.start_call("abc", "5555556666", "100", "freeswitch")
    assert (first, second, third) == ("abc", "abc-2", "abc-3")
    assert [c["caller_id"] for c in store.rows("calls", order_by="id")] == [
        "5551112222", "5553334444", "5555556666"
    ]  # fmt: skip
    store.close()


def test_a_call_id_is_a_recording_name_only_when_it_is_a_plain_name(tmp_path: Path) -> None:
    assert recording_name("8f2c1a3e-0b7d-4e1f-9a2b-3c4d5e6f7a8b") == (
        "8f2c1a3e-0b7d-4e1f-9a2b-3c4d5e6f7a8b"
    )
    for hostile in ("../../../..", "a/b", "x\x00y", "", ".hidden", "name with spaces"):
        name = recording_name(hostile)
        assert name.startswith("call-") and "/" not in name and "\x00" not in name
        assert (tmp_path / f"{name}.wav").resolve().parent == tmp_path.resolve()
