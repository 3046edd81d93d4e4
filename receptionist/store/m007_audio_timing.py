"""Migration m007: each call's audio timing (issue 10, defect 2), beside its other counts.

``frames_sent`` / ``late_frames``: the agent's frames sent to the caller, and those sent a
frame period or more after they were due (a gap the caller hears); ``loop_lag_max_ms`` /
``loop_lag_p95_ms``: how late the daemon's event loop ran during the call.

And the real end of a transferred call (defect 4): ``bridged_at`` is when the caller was
handed to staff (what ``ended_at`` used to say), ``ended_at`` then becomes when the caller
or staff hung up, and ``duration_s`` is the whole call, from the first ring to that end.
"""

from __future__ import annotations

from sqlite_utils import Database


def m007_call_audio_timing(db: Database) -> None:
    calls = db.table("calls")
    for column in ("frames_sent", "late_frames", "loop_lag_max_ms", "loop_lag_p95_ms"):
        calls.add_column(column, int)
    calls.add_column("bridged_at", str)
    calls.add_column("duration_s", float)
