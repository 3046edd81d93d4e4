"""FreeSWITCH bridge: outbound ESL (one socket per call) + unicast UDP media + inbound ESL.

The package: ``bridge.py`` (this: call set-up, the inbound connection's api/bgapi, stop),
``settings.py`` (``[freeswitch]``, typed and checked), ``esl_link.py`` (the gevent thread and
the ESL connections, on gevent), ``leg.py`` (the ``CallLeg``),
``transfer.py`` (warm and cold transfer), ``media.py`` (our UDP end of ``unicast``); framing
in ``protocols/esl.py``.
"""

from __future__ import annotations

import asyncio
import logging
import uuid as uuidlib
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from receptionist import telemetry
from receptionist.bridges.allow import PeerAllowList
from receptionist.bridges.freeswitch import esl_link
from receptionist.bridges.freeswitch.esl_link import EslLink, GeventThread
from receptionist.bridges.freeswitch.leg import (
    FreeSwitchCommandError,
    FreeSwitchError,
    FreeSwitchLeg,
    FreeSwitchLinkError,
    FreeSwitchStartError,
    wait_or,
)
from receptionist.bridges.freeswitch.media import UnicastEndpoint
from receptionist.bridges.freeswitch.settings import FreeSwitchSettings
from receptionist.bridges.freeswitch.transfer import WarmTransfers
from receptionist.media.call_limit import CallLimit
from receptionist.media.leg import CallLeg, TransferResult, frame_bytes
from receptionist.media.pacer import Pacer
from receptionist.protocols import esl

__all__ = ["FreeSwitchBridge"]

log = logging.getLogger(__name__)
T = TypeVar("T")

SAMPLE_RATE = 8000  # unicast L16 is always the channel's 8 kHz here
INBOUND_EVENTS = ("BACKGROUND_JOB", "DTMF", "CHANNEL_HANGUP")


class _CallControl:
    """A leg's way to its own outbound socket and to the bridge (for transfers)."""

    def __init__(self, bridge: FreeSwitchBridge, session: EslLink) -> None:
        self.bridge = bridge
        self.session = session

    async def command(self, frame: bytes, limit_s: float | None = None) -> esl.EslFrame:
        return await self.bridge._hub_call(self.session.command, frame, limit_s)

    async def transfer(
        self,
        leg: FreeSwitchLeg,
        extension: str,
        summary: str,
        warm: bool,
        summary_audio: Sequence[bytes],
    ) -> TransferResult:
        return await self.bridge._transfer(leg, extension, summary, warm, summary_audio)


class FreeSwitchBridge(WarmTransfers):
    """Accepts FreeSWITCH's outbound-socket calls and hands each answered caller to ``on_call``."""

    def __init__(
        self,
        settings: FreeSwitchSettings,
        on_call: Callable[[CallLeg], Awaitable[None]],
        *,
        clock_speed: float = 1.0,
        limit: CallLimit | None = None,
    ) -> None:
        """``clock_speed`` > 1 paces our audio faster than real time: tests against a fake
        switch that runs its 20 ms clock equally fast. Never on a real switch."""
        self.settings = settings
        self._on_call = on_call
        self._speed = clock_speed
        # The daemon's one limit for every bridge; alone (tests), this bridge's max_calls.
        self.limit = limit or CallLimit(settings.max_calls)
        self._hub: GeventThread | None = None
        self._listener: Any = None
        self.listen_port = settings.listen_port  # the bound port (useful with 0)
        self._inbound: EslLink | None = None
        self._reconnect_task: asyncio.Task[None] | None = None
        self._jobs: dict[str, asyncio.Future[str]] = {}
        self._staff: dict[str, asyncio.Queue[str]] = {}
        self._switch_ports: set[int] = set()
        self._next_switch_port = settings.switch_port_min
        self._tasks: set[asyncio.Task[None]] = set()
        self._calls: dict[asyncio.Task[None], FreeSwitchLeg] = {}
        self._sessions: set[EslLink] = set()
        self._stopping = False

    @property
    def legs(self) -> list[FreeSwitchLeg]:
        """The calls this bridge holds now (set-up, active, or bridged and lingering)."""
        return list(self._calls.values())

    # --- start / stop --------------------------------------------------------------------

    async def start(self) -> None:
        problem = self.settings.problem()
        if problem:
            raise FreeSwitchStartError(f"[freeswitch] {problem}")
        self._hub = GeventThread(asyncio.get_running_loop())
        await asyncio.to_thread(self._hub.start)
        try:
            self.listen_port = await self._hub_call(self._listen)
            self._inbound = await self._hub_call(self._open_inbound)
        except BaseException:
            await self.stop()
            raise
        log.info(
            "FreeSWITCH bridge listening on %s:%d", self.settings.listen_host, self.listen_port
        )

    async def stop(self) -> None:
        """Stop taking calls, give the calls in progress ``stop_grace_s`` to finish, then
        end the rest (the call layer records why) and close every connection."""
        self._stopping = True
        if self._reconnect_task is not None:
            self._reconnect_task.cancel()
        if self._hub is not None and self._listener is not None:
            await self._hub_call(self._listener.close)
        loop = asyncio.get_running_loop()
        end = loop.time() + self.settings.stop_grace_s
        while (
            busy := [t for t, leg in self._calls.items() if leg.state in ("setup", "active")]
        ) and loop.time() < end:
            await asyncio.wait(busy, timeout=min(0.5, end - loop.time()))
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=5)
        if self._hub is not None:
            await self._hub_call(self._close_all)
            await asyncio.to_thread(self._hub.stop)
            self._hub = None

    def _hub_call(self, fn: Callable[..., T], *args: object) -> asyncio.Future[T]:
        if self._hub is None:
            raise FreeSwitchLinkError("the FreeSWITCH bridge is not running")
        return self._hub.call(fn, *args)

    # --- gevent side ---------------------------------------------------------------------

    def _listen(self) -> int:
        s = self.settings
        assert self._hub is not None
        hub = self._hub
        self._listener = esl_link.listen(
            s.listen_host,
            s.listen_port,
            s.esl_timeout_s,
            lambda session: hub.to_loop(self._start_call, session),
            s.max_connections,
            PeerAllowList("FreeSWITCH outbound ESL", s.allow_from),
        )
        return int(self._listener.getsockname()[1])

    def _open_inbound(self) -> EslLink:
        s = self.settings
        conn = esl_link.open_inbound(
            s.esl_host, s.esl_port, s.esl_password, s.esl_timeout_s, INBOUND_EVENTS
        )
        assert self._hub is not None
        hub = self._hub
        conn.sink = lambda frame: hub.to_loop(self._on_inbound_event, frame)
        conn.on_closed = lambda reason: hub.to_loop(self._on_inbound_closed, conn, reason)
        return conn

    def _close_all(self) -> None:
        if self._listener is not None:
            self._listener.close()
        if self._inbound is not None:
            self._inbound.close("bridge stopped")
        for session in list(self._sessions):
            session.close("bridge stopped")

    # --- inbound connection (loop side) ---------------------------------------------------

    def _on_inbound_event(self, frame: esl.EslFrame) -> None:
        if not isinstance(frame, esl.EslEvent):
            return
        if frame.name == "BACKGROUND_JOB":
            job = self._jobs.pop(frame.get("Job-UUID"), None)
            if job is not None and not job.done():
                job.set_result(frame.event_body)
        elif frame.uuid in self._staff:
            if frame.name == "DTMF":
                self._staff[frame.uuid].put_nowait(frame.get("DTMF-Digit"))
            elif frame.name == "CHANNEL_HANGUP":
                self._staff[frame.uuid].put_nowait("hangup")

    def _on_inbound_closed(self, conn: EslLink, reason: str) -> None:
        if self._inbound is not conn:
            return
        self._inbound = None
        (log.info if self._stopping else log.warning)("inbound ESL connection lost: %s", reason)
        if not self._stopping:
            telemetry.error("esl_link_lost", "freeswitch")
        for job in self._jobs.values():
            if not job.done():
                job.set_exception(FreeSwitchLinkError(reason))
        self._jobs.clear()
        if not self._stopping:
            self._reconnect_task = asyncio.get_running_loop().create_task(self._reconnect())

    async def _reconnect(self) -> None:
        """Try again with a growing pause (esl_reconnect_s doubling up to
        esl_reconnect_max_s); log when the state or the reason changes, not every try."""
        loop = asyncio.get_running_loop()
        lost_at, attempts, pause, last_reason = loop.time(), 0, self.settings.esl_reconnect_s, ""
        while not self._stopping and self._inbound is None:
            await asyncio.sleep(pause)
            attempts += 1
            try:
                self._inbound = await self._hub_call(self._open_inbound)
            except FreeSwitchError as exc:
                reason = str(exc)
                if reason != last_reason:
                    log.warning("inbound ESL still down (%s); retrying with back-off", reason)
                    last_reason = reason
                else:
                    log.debug("inbound ESL reconnect attempt %d failed: %s", attempts, reason)
                pause = min(pause * 2, max(self.settings.esl_reconnect_max_s, pause))
                continue
            log.info(
                "inbound ESL connection restored after %.1f s (%d attempt%s)",
                loop.time() - lost_at,
                attempts,
                "" if attempts == 1 else "s",
            )

    async def _inbound_command(self, frame: bytes) -> esl.EslFrame:
        conn = self._inbound
        if conn is None:
            raise FreeSwitchLinkError("no inbound ESL connection to FreeSWITCH")
        return await self._hub_call(conn.command, frame, None)

    async def api(self, command: str) -> str:
        """``api`` on the inbound connection; returns the body, raises on ``-ERR``."""
        reply = await self._inbound_command(esl.api(command))
        text = reply.text if isinstance(reply, esl.ApiResponse) else ""
        if not text.startswith("+OK") and text.startswith("-ERR"):
            raise FreeSwitchCommandError(f"api {command.split()[0]}: {text.strip()}")
        return text

    async def bgapi(self, command: str, limit_s: float) -> str:
        """``bgapi`` with our own Job-UUID; returns the BACKGROUND_JOB body."""
        job = str(uuidlib.uuid4())
        future: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._jobs[job] = future
        try:
            reply = await self._inbound_command(esl.bgapi(command, job))
            if isinstance(reply, esl.CommandReply) and not reply.ok:
                raise FreeSwitchCommandError(f"bgapi {command.split()[0]}: {reply.reply_text}")
            return await asyncio.wait_for(future, limit_s)
        except TimeoutError:
            raise FreeSwitchLinkError(
                f"no BACKGROUND_JOB for {command.split()[0]} within {limit_s:g} s"
            ) from None
        finally:
            self._jobs.pop(job, None)

    # --- calls (loop side) ------------------------------------------------------------------

    def _start_call(self, session: EslLink) -> None:
        if self._stopping or self._hub is None:
            self._hub_call(session.close, "bridge stopping")
            return
        self._sessions.add(session)
        control = _CallControl(self, session)
        leg = FreeSwitchLeg(control, exec_timeout_s=self.settings.esl_timeout_s)
        hub = self._hub
        session.sink = lambda frame: hub.to_loop(self._on_call_event, leg, frame)
        session.on_closed = lambda reason: hub.to_loop(leg.on_esl_closed, reason)
        task = asyncio.get_running_loop().create_task(self._run_call(leg, session))
        self._tasks.add(task)
        self._calls[task] = leg
        task.add_done_callback(self._call_done)

    def _call_done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        self._calls.pop(task, None)

    def _on_call_event(self, leg: FreeSwitchLeg, frame: esl.EslFrame) -> None:
        if isinstance(frame, esl.EslEvent):
            leg.on_esl_event(frame)

    async def _run_call(self, leg: FreeSwitchLeg, session: EslLink) -> None:
        ports: list[int] = []
        admitted: list[str] = []  # the call id once the call limit let it in
        try:
            try:
                await self._set_up(leg, ports, admitted)
            except (FreeSwitchError, OSError) as exc:
                log.error("FreeSWITCH call %s could not start: %s", leg.call_id or "?", exc)
                telemetry.error("call_setup", "freeswitch")
                await self._rescue(leg, str(exc))
                return
            if leg.state == "bridged":
                return  # handed on before we got to it (see _set_up)
            try:
                await self._on_call(leg)
            except Exception:
                log.exception("call %s: the call handler failed", leg.call_id)
                telemetry.error("call_handler", "freeswitch")
            if leg.state == "active":
                await leg.hangup()
                await wait_or(leg.done.wait(), 2.0)
        finally:
            if leg.pacer is not None:
                await leg.pacer.stop()
            leg.end_audio()
            for port in ports:
                self._switch_ports.discard(port)
            for call_id in admitted:
                self.limit.release(call_id)
            if leg.state == "bridged" or leg.hangup_by == "transfer":
                if leg.staff_uuid and leg.hangup_seen:
                    await self._release_staff(leg)
                # The caller is (or was, until they hung up) talking to staff; `exit` would
                # hang them up. The switch closes the socket itself after their hangup and
                # the linger time.
                await leg.link_closed.wait()
            elif self._hub is not None:
                await self._hub_call(session.finish_call, leg.state == "ended")
            self._sessions.discard(session)

    async def _release_staff(self, leg: FreeSwitchLeg) -> None:
        """The caller hung up while bridged to staff: make sure the staff phone is hung up.

        The switch usually ends the other side of a ``uuid_bridge`` itself, but not when the
        caller leaves just as the bridge forms: the real switch then left the staff phone
        up, parked, in silence. Ending a leg that is already gone is a no-op."""
        if await self._kill(leg.staff_uuid):
            log.info("call %s: hung up the staff leg the caller left behind", leg.call_id)

    async def _set_up(self, leg: FreeSwitchLeg, ports: list[int], admitted: list[str]) -> None:
        s = self.settings
        reply = await leg.command(esl.connect())
        channel = reply.channel if isinstance(reply, esl.CommandReply) else {}
        if not channel.get("Unique-ID"):
            raise FreeSwitchLinkError("the connect reply carries no channel data (Unique-ID)")
        leg.set_channel(channel)
        leg.info.sample_rate = SAMPLE_RATE
        if not self.limit.admit(leg.info, "freeswitch"):
            raise FreeSwitchError(f"call {leg.call_id}: at capacity, not answered")
        admitted.append(leg.call_id)
        app = leg.variables.get("current_application", "socket")
        if app != "socket":
            # We come too late (a stalled daemon): the dialplan's watchdog (sched_transfer)
            # has already sent the caller to a person. Leave the call alone: no `exit`.
            log.warning("call %s: already handed on (%s); not taking it", leg.call_id, app)
            leg.mark_bridged()
            return
        await leg.command(esl.myevents())
        await leg.command(esl.linger(s.linger_s))
        # The dialplan's watchdog (sched_transfer to a person if we don't answer in time):
        # we are answering, so cancel it.
        await leg.execute("sched_cancel")
        await leg.execute("answer")
        size = frame_bytes(SAMPLE_RATE)
        for attempt in range(1, max(s.unicast_attempts, 1) + 1):
            media = await UnicastEndpoint.open(
                f"call {leg.call_id}",
                size,
                leg.on_audio,
                s.media_host,
                s.media_port_min,
                s.media_port_max,
            )
            media.expect_ip = "" if s.switch_media_ip in ("0.0.0.0", "::") else s.switch_media_ip
            port = self._take_switch_port()
            media.expect_port = port  # the switch sends from the local-port we give it
            ports.append(port)
            await leg.command(
                esl.sendmsg_unicast(s.switch_media_ip, port, s.media_host, media.port)
            )
            if await wait_or(media.first_packet, s.first_datagram_s):
                pacer = Pacer(media.send, ahead=s.pacer_ahead, idle_frame=None, speed=self._speed)
                pacer.start()
                leg.attach_media(media, pacer)
                return
            media.close()
            log.warning(
                "call %s: no unicast datagram within %g s from %s:%d (attempt %d)",
                leg.call_id,
                s.first_datagram_s,
                s.switch_media_ip,
                port,
                attempt,
            )
        raise FreeSwitchError(
            f"call {leg.call_id}: FreeSWITCH sent no unicast audio within "
            f"{s.first_datagram_s:g} s ({s.unicast_attempts} attempts)"
        )

    async def _rescue(self, leg: FreeSwitchLeg, why: str) -> None:
        """Media won't start: send the caller to a person if we can, else hang up."""
        if leg.state in ("ended", "failed") or not leg.call_id:
            return
        try:
            if self.settings.fallback_extension:
                await leg.command(
                    esl.sendmsg_execute(
                        "transfer",
                        f"{self.settings.fallback_extension} XML {self.settings.transfer_context}",
                    )
                )
                leg.hangup_by = "transfer"
                leg.failure = why
                leg.state = "bridged"
            else:
                leg.failure = why
                await leg.hangup()
        except FreeSwitchError as exc:
            log.error("call %s: rescue failed too: %s", leg.call_id, exc)
            telemetry.error("rescue", "freeswitch")

    def _take_switch_port(self) -> int:
        s = self.settings
        span = s.switch_port_max - s.switch_port_min + 1
        for _ in range(span):
            port = self._next_switch_port
            self._next_switch_port = s.switch_port_min + (port + 1 - s.switch_port_min) % span
            if port not in self._switch_ports:
                self._switch_ports.add(port)
                return port
        raise FreeSwitchError(
            f"all switch unicast ports {s.switch_port_min}-{s.switch_port_max} are in use"
        )
