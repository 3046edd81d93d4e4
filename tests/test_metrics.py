"""/metrics on the daemon's HTTP port, scraped over loopback after real calls.

Calls at the text level go through the real conversation, effects, tools and a store file;
one call goes through the fake FreeSWITCH, the bridge and the daemon's wiring, so the PBX link
and calls in flight come from the running daemon.
"""

from __future__ import annotations

import asyncio
import dataclasses
import socket
import time

from receptionist.app.config import Settings
from receptionist.app.daemon import Daemon
from receptionist.app.http import Live, pbx_links, start_http
from receptionist.app.runtime import Runtime
from receptionist.store.db import Store
from receptionist.tools.calendar import BuiltinCalendar
from receptionist.tools.reconcile import reconcile
from tests.fake_freeswitch import FakeCall, StaffPhone, running_switch
from tests.ops_helpers import get, place_calls, samples
from tests.test_freeswitch_bridge import settings_for


async def test_metrics_count_what_the_calls_did(salon: Settings, store_file: Store) -> None:
    await place_calls(salon, store_file)
    await reconcile(store_file, BuiltinCalendar(store_file))
    # Replies with the per-stage timings a real call stores (call.py): 400, 900, 1500 ms.
    store_file.start_call("c-timed", "5550000009", "100", "freeswitch")
    for v2v, stt in ((400, 200), (900, 450), (1500, 700)):
        store_file.add_turn("c-timed", "caller", "hello", {"endpoint_ms": 120, "stt_ms": stt})
        store_file.add_turn("c-timed", "agent", "hi", {"dialog_ms": 30, "tts_ms": 150,
                                                        "v2v_ms": v2v})  # fmt: skip
    # A reply a cough cut off twice, said again each time (Call._noise_turn).
    store_file.add_turn("c-timed", "agent", "we open at 9", {"resumed_after_noise": 2})
    server = await start_http(store_file.path, port=0, token="secret")
    try:
        status, text = await get(server.url + "metrics")
        assert status == 200
        m = samples(text)

        def value(name: str, **labels: str) -> float:
            return m[(name, tuple(sorted(labels.items())))]

        assert value("receptionist_calls_total", outcome="completed") == 1
        assert value("receptionist_calls_total", outcome="message") == 1
        assert value("receptionist_calls_total", outcome="transferred") == 1
        assert value("receptionist_calls_total", outcome="caller_hung_up") == 2
        assert value("receptionist_calls_active") == 1  # c-timed has no end yet
        assert value("receptionist_bookings", status="booked") == 1
        assert value("receptionist_bookings", status="pending") == 1
        assert value("receptionist_messages_total") == 1
        assert value("receptionist_transfers_total", outcome="answered") == 1
        assert value("receptionist_escalations_total", rule="asks for a person") == 1
        assert value("receptionist_low_confidence_turns_total") == 1
        assert value("receptionist_claims_total", kind="booked") == 1
        assert value("receptionist_false_claims") == 0
        assert value("receptionist_reconcile_runs_total") == 1
        assert value("receptionist_outbox_pending") == 1
        assert value("receptionist_outbox_oldest_pending_age_seconds") > 0
        v2v = "receptionist_voice_to_voice_seconds"
        assert value(v2v + "_count") == 3
        assert value(v2v + "_bucket", le="0.5") == 1
        assert value(v2v + "_bucket", le="1.0") == 2
        assert value(v2v + "_bucket", le="+Inf") == 3
        assert abs(value(v2v + "_sum") - 2.8) < 1e-9
        assert value("receptionist_stage_seconds_count", stage="stt") == 3
        assert value("receptionist_stage_seconds_bucket", stage="stt", le="0.5") == 2
        assert value("receptionist_turns_over_budget_total") == 1
        assert value("receptionist_noise_barge_ins_total") == 2
        assert not any("call" in dict(labels) for _, labels in m)  # no per-call labels

        # A booking lost behind the agent's back: the claim the caller heard is now false.
        store_file.db.execute("DELETE FROM bookings WHERE status = 'booked'")
        await reconcile(store_file, BuiltinCalendar(store_file))
        _, text = await get(server.url + "metrics")
        assert samples(text)[("receptionist_false_claims", ())] >= 1
        # The histograms are read incrementally: a second scrape does not count turns twice.
        assert samples(text)[(v2v + "_count", ())] == 3
    finally:
        await server.stop()


async def test_metrics_after_a_call_through_the_fake_freeswitch(runtime: Runtime) -> None:
    """The daemon's wiring: the ESL link is up, the call is active while it lasts and is
    counted by outcome after it ends."""
    async with running_switch() as switch:
        switch.phones["200"] = StaffPhone()
        # The config refuses listen_port 0: a port free now, on loopback.
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        table = dataclasses.asdict(settings_for(switch, listen_port=port))
        del table["ring_seconds"]  # [transfer] ring_seconds sets it
        runtime.settings.freeswitch = {"enabled": True, **table}
        daemon = Daemon(runtime)
        await daemon.start_bridges()
        live = Live(calls_active=lambda: len(daemon.calls), links=lambda: pbx_links(daemon.bridges))
        server = await start_http(runtime.store.path, port=0, token="t", live=live)
        try:
            _, text = await get(server.url + "metrics")
            m = samples(text)
            assert m[("receptionist_pbx_link_up", (("bridge", "freeswitch"), ("link", "esl")))] == 1
            assert m[("receptionist_calls_active", ())] == 0
            fake = FakeCall(switch, caller_id="5551234567")
            await fake.dial("127.0.0.1", daemon.bridges[0].listen_port)
            while not daemon.calls:
                await asyncio.sleep(0.02)
            _, text = await get(server.url + "metrics")
            assert samples(text)[("receptionist_calls_active", ())] == 1
            await fake.press("0")  # the front desk
            while not any(s.bridged_to for s in switch.staff.values()):
                await asyncio.sleep(0.05)
            await fake.hang_up()
            while daemon.calls:
                await asyncio.sleep(0.05)
            _, text = await get(server.url + "metrics")
            m = samples(text)
            assert m[("receptionist_calls_active", ())] == 0
            assert m[("receptionist_calls_total", (("outcome", "transferred"),))] == 1
            assert m[("receptionist_transfers_total", (("outcome", "answered"),))] == 1
        finally:
            await server.stop()
            await daemon.stop()


async def test_a_stall_of_the_daemon_is_on_the_call_record_and_in_metrics(
    runtime: Runtime,
) -> None:
    """Issue 10, defect 2: each call keeps its frames sent, those sent late, and how late
    the event loop ran (max, p95); /metrics counts the late frames and histograms the lag."""
    async with running_switch() as switch:
        daemon = Daemon(runtime)
        table = dataclasses.asdict(settings_for(switch))
        del table["ring_seconds"]
        runtime.settings.freeswitch = {"enabled": True, **table}
        await daemon.start_bridges()
        server = await start_http(runtime.store.path, port=0, token="t")
        try:
            fake = FakeCall(switch, caller_id="5551234567")
            await fake.dial("127.0.0.1", daemon.bridges[0].listen_port)
            while len(fake.played) < 25:  # the greeting is playing
                await asyncio.sleep(0.02)
            time.sleep(0.3)  # noqa: ASYNC251  a 300 ms stall of the whole daemon
            while len(fake.played) < 60:
                await asyncio.sleep(0.02)
            await fake.hang_up()
            while daemon.calls:
                await asyncio.sleep(0.05)
            (row,) = runtime.store.rows("calls")
            assert row["loop_lag_max_ms"] >= 250, row
            assert 0 <= row["loop_lag_p95_ms"] <= row["loop_lag_max_ms"]
            assert row["frames_sent"] >= len(fake.played) - 1 > 0
            assert row["late_frames"] is not None
            _, text = await get(server.url + "metrics")
            m = samples(text)
            lag = "receptionist_call_loop_lag_max_seconds"
            assert m[(lag + "_count", ())] == 1
            assert m[(lag + "_bucket", (("le", "0.2"),))] == 0
            assert m[(lag + "_bucket", (("le", "0.5"),))] == 1
            assert m[("receptionist_late_frames_total", ())] == row["late_frames"]
        finally:
            await server.stop()
            await daemon.stop()
