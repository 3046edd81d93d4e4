"""The store's schema, as ordered migrations (sqlite-utils ``Migrations``).

A unique index makes a duplicate impossible instead of checking first: bookings, messages
and transfers carry the idempotency key of the request that made them.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from receptionist.store.m007_audio_timing import m007_call_audio_timing

migrations = Migrations("receptionist")


@migrations()
def m001_calls_and_turns(db: Database) -> None:
    db.table("calls").create(
        {
            "id": str,
            "caller_id": str,
            "called_number": str,
            "bridge": str,
            "started_at": str,
            "ended_at": str,
            "outcome": str,  # completed, transferred, message, caller_hung_up, failed
            "outcome_reason": str,
            "hung_up_by": str,
            "recording_path": str,
            "state": str,  # JSON: unfinished intent and slots, for a call-back
        },
        pk="id",
    )
    db.table("calls").create_index(["caller_id", "started_at"])
    db.table("turns").create(
        {
            "id": int,
            "call_id": str,
            "seq": int,
            "speaker": str,  # caller or agent
            "text": str,
            "at": str,
            "interrupted": int,
            "timings": str,  # JSON: per stage, in ms
        },
        pk="id",
        foreign_keys=[("call_id", "calls", "id")],
    )
    db.table("turns").create_index(["call_id", "seq"], unique=True)


@migrations()
def m002_bookings_messages_claims(db: Database) -> None:
    db.table("bookings").create(
        {
            "id": int,
            "key": str,  # idempotency key of the request that made it
            "call_id": str,
            "service": str,
            "start": str,  # ISO 8601 local time of the business
            "end": str,
            "name": str,
            "phone": str,
            "status": str,  # booked, pending, cancelled, failed
            "backend": str,
            "backend_ref": str,
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
    )
    db.table("bookings").create_index(["key"], unique=True)
    db.table("bookings").create_index(["start"])
    db.table("messages").create(
        {
            "id": int,
            "key": str,
            "call_id": str,
            "for_staff": str,
            "caller_name": str,
            "callback_number": str,
            "text": str,
            "created_at": str,
        },
        pk="id",
    )
    db.table("messages").create_index(["key"], unique=True)
    db.table("claims").create(
        {
            "id": int,
            "call_id": str,
            "kind": str,  # booked, pending, cancelled, message, transfer
            "record_table": str,
            "record_id": int,
            "sentence": str,
            "at": str,
        },
        pk="id",
    )
    db.table("claims").create_index(["call_id"])


@migrations()
def m003_transfers_escalations(db: Database) -> None:
    db.table("transfers").create(
        {
            "id": int,
            "key": str,
            "call_id": str,
            "extension": str,
            "target": str,
            "reason": str,
            "summary": str,
            "warm": int,
            "outcome": str,  # requested, answered, no_answer, declined, failed
            "detail": str,
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
    )
    db.table("transfers").create_index(["key"], unique=True)
    db.table("escalations").create(
        {"id": int, "call_id": str, "rule": str, "words": str, "target": str, "at": str},
        pk="id",
    )


OUTBOX_DDL = (
    """
    CREATE TABLE IF NOT EXISTS outbox (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL CHECK (kind IN ('create', 'cancel')),
        payload TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending'
            CHECK (status IN ('pending', 'committed', 'escalated')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,
        last_error TEXT,
        committed_ref TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )
    """,
    "CREATE INDEX IF NOT EXISTS outbox_due ON outbox (status, next_attempt_at)",
)


def ensure_outbox_table(db: Database) -> None:
    """The outbox of tools/outbox.py: safe to call again on a store that has it."""
    for statement in OUTBOX_DDL:
        db.execute(statement)


@migrations()
def m004_outbox_confirmations_reconciliations(db: Database) -> None:
    ensure_outbox_table(db)
    # What the caller is owed once a pending booking commits: an SMS/e-mail hook or a
    # call-back task for staff. One per booking (the key is the booking's).
    db.table("confirmations").create(
        {
            "id": int,
            "key": str,
            "booking_id": int,
            "call_id": str,
            "channel": str,  # callback (a task for staff), sms, email
            "phone": str,
            "text": str,
            "status": str,  # to_send, sent
            "created_at": str,
        },
        pk="id",
    )
    db.table("confirmations").create_index(["key"], unique=True)
    db.table("reconciliations").create(
        {
            "id": int,
            "at": str,
            "backend": str,
            "claims_checked": int,
            "mismatches": int,
            "unverified": int,
            "details": str,  # JSON list of the mismatches
        },
        pk="id",
    )


@migrations()
def m005_call_understanding_counts(db: Database) -> None:
    # Leading indicators kept with each call: turns heard with low speech-to-text confidence
    # (checked with the caller before acting) and turns the dialog did not understand.
    calls = db.table("calls")
    calls.add_column("low_confidence_turns", int)
    calls.add_column("not_understood_turns", int)


@migrations()
def m006_confirmations_that_go_out(db: Database) -> None:
    # A confirmation is its own small outbox (tools/confirmations.py): where it goes, how many
    # attempts, when to try next, what failed, when it went and under which Message-ID.
    confirmations = db.table("confirmations")
    for column, kind in (("address", str), ("attempts", int), ("next_attempt_at", str),
                         ("last_error", str), ("sent_at", str), ("message_id", str)):  # fmt: skip
        confirmations.add_column(column, kind)


migrations()(m007_call_audio_timing)


@migrations()
def m009_call_model_fingerprints(db: Database) -> None:
    # The models that answered the call (role -> file name, size, sha256, as JSON): a change
    # of behaviour can be tied to a change of model, call by call (harness/drift.py).
    db.table("calls").add_column("models", str)


@migrations()
def m010_turn_voice_to_voice(db: Database) -> None:
    # An agent turn's two voice-to-voice figures as columns an operator can query: the
    # pipeline's (the VAD's last speech frame to the reply's first frame queued) and the
    # line's (the caller's last frame with energy in to the reply's first frame sent).
    turns = db.table("turns")
    turns.add_column("v2v_pipeline_ms", int)
    turns.add_column("v2v_line_ms", int)


@migrations()
def m011_booking_asked_for(db: Database) -> None:
    # The staff member a caller asked for ("a haircut with Marco"): the calendar has one
    # diary, so no promise is made; staff see the wish on the booking and in the calendar.
    db.table("bookings").add_column("asked_for", str, not_null_default="")
