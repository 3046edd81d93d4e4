"""The store holds callers' numbers, names and words: only the daemon's user can read it."""

from __future__ import annotations

from pathlib import Path

from receptionist.store.db import Store


def test_the_store_is_readable_by_the_daemons_user_alone(tmp_path: Path) -> None:
    path = tmp_path / "var" / "receptionist.db"
    store = Store(path)
    store.start_call("p1", "5551234567", "100", "text")
    for file in (path, path.with_name("receptionist.db-wal")):
        assert file.stat().st_mode & 0o077 == 0, oct(file.stat().st_mode)
    assert path.parent.stat().st_mode & 0o077 == 0
    store.close()
