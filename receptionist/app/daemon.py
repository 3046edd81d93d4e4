"""`receptionist serve`: load the models, open the store, listen for the PBX, answer calls.

A health line at start-up says which models loaded and in how long. SIGTERM stops the
listeners, lets the calls in flight finish (up to a grace period) and records the rest as
failed with the reason, so no call is left without a record.
"""

from __future__ import annotations

import asyncio
import dataclasses
import importlib
import logging
import signal
import time
from datetime import datetime
from typing import Any

from receptionist.app import config
from receptionist.app.call_log import log_call
from receptionist.app.config import ConfigError, Settings
from receptionist.app.runtime import Runtime, build_runtime
from receptionist.call import Call
from receptionist.media.call_limit import CallLimit
from receptionist.media.leg import CallLeg, LegInfo
from receptionist.tools.recovery import recover

log = logging.getLogger("receptionist")

GRACE_S = 30.0


class Daemon:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.calls: set[asyncio.Task[Any]] = set()
        self.bridges: list[Any] = []
        self.stopping = asyncio.Event()
        # One limit for every bridge, checked where each call starts.
        self.limit = CallLimit(runtime.settings.limits.max_calls, on_refused=self._refused)

    def _refused(self, info: LegInfo, bridge: str, reason: str) -> None:
        """A call refused at the limit still gets its record (rule 4)."""
        store = self.runtime.store
        call_id = store.start_call(info.call_id, info.caller_id, info.called_number, bridge)
        store.end_call(call_id, "failed", f"refused: {reason}")

    async def on_call(self, leg: CallLeg, bridge: str = "pbx") -> None:
        if self.stopping.is_set():
            await leg.hangup()
            return
        call = Call.on(leg, self.runtime, bridge=bridge)
        task = asyncio.current_task()
        if task is not None:
            self.calls.add(task)
        try:
            await call.run()
        finally:
            if task is not None:
                self.calls.discard(task)
            log_call(self.runtime.store, leg.call_id)  # issue 12: one INFO line per call

    async def start_bridges(self) -> list[str]:
        started = []
        settings = self.runtime.settings
        for name, bridge_class in (("freeswitch", "FreeSwitchBridge"),
                                   ("asterisk", "AsteriskBridge"),
                                   ("sip", "SipBridge")):  # fmt: skip
            bridge_settings = config.bridge_settings(settings, name)
            if bridge_settings is None:
                continue
            module = importlib.import_module(config.BRIDGES[name][0])

            async def on_call(leg: CallLeg, _name: str = name) -> None:
                await self.on_call(leg, _name)

            bridge = getattr(module, bridge_class)(bridge_settings, on_call, limit=self.limit)
            await bridge.start()
            self.bridges.append(bridge)
            started.append(f"{name} {_describe(bridge_settings)}")
            if hasattr(bridge, "dial_address"):  # the SIP endpoint: a number to call
                started[-1] += f": dial {bridge.dial_address} from any softphone"
        return started

    async def stop(self) -> None:
        self.stopping.set()
        for bridge in self.bridges:
            try:
                await bridge.stop()
            except Exception as exc:
                log.warning("stopping a bridge: %s", exc)
        if self.calls:
            log.info("waiting up to %.0f s for %d call(s) in flight", GRACE_S, len(self.calls))
            _done, pending = await asyncio.wait(self.calls, timeout=GRACE_S)
            for task in pending:
                task.cancel()  # Call.run records "daemon stopped during the call"
            await asyncio.gather(*pending, return_exceptions=True)


def _start_outbox(runtime: Runtime) -> asyncio.Task[None] | None:
    """Retry the bookings a backend didn't commit in time, across restarts (same store file)."""
    if runtime.store.path == ":memory:":
        return None
    from receptionist.tools.followup import outbox_worker

    worker = outbox_worker(
        runtime.store,
        runtime.bookings.backend,
        max_attempts=runtime.settings.booking.outbox_max_attempts,
        channel=runtime.settings.confirmations.channel,
    )
    pending = len(worker.outbox.pending())
    log.info("outbox: %d pending request(s) to retry against %s", pending, worker.backend.name)
    return asyncio.get_running_loop().create_task(_run_outbox(worker), name="outbox")


async def _run_outbox(worker: Any) -> None:
    try:
        while True:
            try:
                await worker.run_once()
            except Exception:  # one bad pass must not end the retries
                log.exception("outbox pass failed")
            await asyncio.sleep(5.0)
    finally:
        worker.close()


async def _start_http(settings: Settings, runtime: Runtime, daemon: Daemon) -> Any:
    from receptionist.app.http import pbx_links, start_for_daemon
    from receptionist.app.metrics import Live

    understander = runtime.understander
    live = Live(
        calls_active=lambda: len(daemon.calls),
        links=lambda: pbx_links(daemon.bridges),
        model_fallbacks=lambda: dict(understander.fallbacks) if understander else {},
    )
    return await start_for_daemon(settings, runtime.store.path, live)


def _start_confirmations(settings: Settings, runtime: Runtime) -> asyncio.Task[None] | None:
    from receptionist.tools.confirmations import sender_for

    sender = sender_for(settings, runtime.store.path)
    if sender is None:
        return None
    log.info("confirmations: sending by %s", ", ".join(sender.channels))
    return asyncio.get_running_loop().create_task(sender.run_forever(), name="confirmations")


def _start_retention(settings: Settings, runtime: Runtime) -> asyncio.Task[None] | None:
    """The retention sweep: once at start-up, before any call, then every day."""
    if settings.retention.days <= 0:
        log.info("retention: callers' data is kept (set [retention] days to expire it)")
        return None
    _sweep(settings, runtime.store)
    return asyncio.get_running_loop().create_task(
        _run_retention(settings, runtime.store), name="retention"
    )


def _sweep(settings: Settings, store: Any) -> None:
    from receptionist.tools.retention import sweep

    try:
        sweep(store, settings.recording.dir, settings.retention.days, datetime.now().astimezone())
    except Exception:  # one bad sweep must not stop the daemon nor the next sweeps
        log.exception("retention sweep failed")


async def _run_retention(settings: Settings, store: Any) -> None:
    from receptionist.tools.retention import SWEEP_EVERY

    while True:
        await asyncio.sleep(SWEEP_EVERY.total_seconds())
        await asyncio.to_thread(_sweep, settings, store)


def _describe(bridge_settings: Any) -> str:
    fields = {f.name: getattr(bridge_settings, f.name) for f in dataclasses.fields(bridge_settings)}
    ports = [f"{k}={v}" for k, v in fields.items() if k.endswith("port")]
    return "(" + ", ".join(ports) + ")"


async def serve(settings: Settings) -> int:
    started = time.perf_counter()
    # Before anything slow: a SIGTERM during start-up still means a clean stop.
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    runtime = build_runtime(settings)
    log.info("%s", runtime.models.health_line())
    recover(runtime.store)  # a crash left calls open or requests unsent: finish them first
    retention = _start_retention(settings, runtime)  # expired data goes before any call
    daemon = Daemon(runtime)
    try:
        bridges = await daemon.start_bridges()
    except (ConfigError, OSError, RuntimeError) as exc:
        log.error("cannot start: %s", exc)
        await daemon.stop()
        runtime.close()
        return 2
    log.info(
        "ready in %.1f s: %s; store %s; config %s",
        time.perf_counter() - started,
        ", ".join(bridges) or "no bridge enabled (set [sip], [freeswitch] or [asterisk] enabled)",
        settings.store.path,
        settings.source,
    )
    retries = _start_outbox(runtime)
    http = await _start_http(settings, runtime, daemon)  # issue 12: /metrics and the console
    confirmations = _start_confirmations(settings, runtime)  # issue 12: e-mail / SMS out
    await stop.wait()
    log.info("stopping")
    await daemon.stop()
    if retries is not None:
        retries.cancel()  # what it didn't finish stays pending in the store for the next start
        await asyncio.gather(retries, return_exceptions=True)
    if retention is not None:
        retention.cancel()
        await asyncio.gather(retention, return_exceptions=True)
    if http is not None:
        await http.stop()
    if confirmations is not None:
        confirmations.cancel()  # a row left "sending" is sent again at the next start
        await asyncio.gather(confirmations, return_exceptions=True)
    runtime.close()
    log.info("stopped")
    return 0
