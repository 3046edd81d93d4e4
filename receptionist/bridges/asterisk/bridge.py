"""The Asterisk bridge: FastAGI + AudioSocket for each call, AMI (panoramisk) for the rest.

How one call arrives (``dialplan/extensions_receptionist.conf``), AGI first, then media:

1. ``Set(RECEPTIONIST_UUID=${UUID()})`` and ``AGI(agi://host:4573/receptionist,${RECEPTIONIST_UUID})``:
   our FastAGI server reads the ``agi_*`` environment (caller id, dialled number, channel
   name for AMI), keeps it under that uuid, answers ``SET VARIABLE RECEPTIONIST_STATUS ok``
   (or ``busy``) and ends the AGI session so the dialplan can go on.
2. ``AudioSocket(${RECEPTIONIST_UUID},host:9092)``: the first frame Asterisk sends is the
   same uuid; it picks up what the AGI left and the call starts. A uuid with no AGI
   before it is refused and recorded (``require_agi``, the default: a peer guessing at the
   port is no caller); with ``require_agi = false`` (a dialplan without the AGI step) it
   gets a call without caller id. Both listeners take only peers in ``allow_from``.

If our daemon is down the AGI fails, ``RECEPTIONIST_STATUS`` stays empty and the dialplan
rings the front desk instead. Recording: AMI ``MixMonitor`` / ``StopMixMonitor``.

The package: ``bridge.py`` (this: the listeners and each call's life), ``settings.py``
(``[asterisk]``, typed and checked), ``ami.py`` (panoramisk, for AMI only), ``agi.py`` (our
FastAGI channel: panoramisk 1.4's FastAGI server can freeze the event loop), ``leg.py`` (the
``CallLeg``), ``transfer.py`` (warm and cold transfer), ``media.py`` (one AudioSocket
connection).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import uuid as uuid_module
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from receptionist import telemetry
from receptionist.bridges.allow import PeerAllowList
from receptionist.bridges.asterisk.agi import AgiChannel
from receptionist.bridges.asterisk.ami import AmiActionError, AmiClient, AsteriskStartupError
from receptionist.bridges.asterisk.leg import AsteriskLeg
from receptionist.bridges.asterisk.media import AudioSocketMedia
from receptionist.bridges.asterisk.settings import AsteriskSettings
from receptionist.bridges.asterisk.transfer import Transfers
from receptionist.media.call_limit import CallLimit
from receptionist.media.leg import CallLeg, LegInfo
from receptionist.protocols import agi
from receptionist.protocols import audiosocket as aso

log = logging.getLogger(__name__)

__all__ = ["AsteriskBridge"]


OnCall = Callable[[CallLeg], Awaitable[None]]


@dataclass
class _Pending:
    info: LegInfo
    channel: str
    expires: float


@dataclass
class _Counters:
    calls: int = 0
    failed: int = 0
    agi_sessions: int = 0
    active: set[str] = field(default_factory=set)


class AsteriskBridge(Transfers):
    """FastAGI and AudioSocket listeners plus an AMI client; one ``AsteriskLeg`` per call."""

    def __init__(
        self, settings: AsteriskSettings, on_call: OnCall, *, limit: CallLimit | None = None
    ) -> None:
        self.settings = settings
        self.on_call = on_call
        # The daemon's one limit for every bridge; alone (tests), this bridge's max_calls.
        self.limit = limit or CallLimit(settings.max_calls)
        self.agi_peers = PeerAllowList("FastAGI", settings.allow_from)
        self.audiosocket_peers = PeerAllowList("AudioSocket", settings.allow_from)
        self.ami = AmiClient(settings)
        self.legs: dict[str, AsteriskLeg] = {}
        self.counters = _Counters()
        self._pending: dict[str, _Pending] = {}
        self._staff_waiters: dict[str, asyncio.Future[AudioSocketMedia]] = {}
        self._staff_uuids: collections.OrderedDict[str, None] = collections.OrderedDict()
        self._bridged: dict[str, AsteriskLeg] = {}
        self._recordings: set[asyncio.Task[None]] = set()
        self.ami.on_event("Hangup", self._on_hangup_event)
        self.ami.on_lost = self._on_ami_lost
        self._servers: list[asyncio.Server] = []
        self._tasks: set[asyncio.Task[Any]] = set()
        self.agi_address: tuple[str, int] = (settings.agi_host, settings.agi_port)
        self.audiosocket_address: tuple[str, int] = (
            settings.audiosocket_host,
            settings.audiosocket_port,
        )

    # ------------------------------------------------------------ start / stop

    async def start(self) -> None:
        s = self.settings
        problem = s.problem()
        if problem:
            raise AsteriskStartupError(f"[asterisk] {problem}")
        try:
            agi_server = await self._listen("FastAGI", self._handle_agi, s.agi_host, s.agi_port)
            self.agi_address = agi_server.sockets[0].getsockname()[:2]
            as_server = await self._listen(
                "AudioSocket", self._handle_audiosocket, s.audiosocket_host, s.audiosocket_port
            )
            self.audiosocket_address = as_server.sockets[0].getsockname()[:2]
            await self.ami.start()
        except BaseException:
            await self.stop()
            raise
        log.info(
            "Asterisk bridge up: FastAGI %s:%d, AudioSocket %s:%d, AMI %s",
            *self.agi_address,
            *self.audiosocket_address,
            self.ami.where,
        )

    async def _listen(
        self,
        what: str,
        handler: Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]],
        host: str,
        port: int,
    ) -> asyncio.Server:
        try:
            server = await asyncio.start_server(handler, host, port)
        except OSError as e:
            raise AsteriskStartupError(
                f"cannot listen for {what} on {host}:{port}: {e.strerror or e}"
            ) from e
        self._servers.append(server)
        return server

    async def stop(self) -> None:
        """Stop taking calls at once; let the calls in flight finish (AMI stays up for their
        transfers) for up to ``stop_grace_s``; then hang up what is left and log off."""
        for server in self._servers:
            server.close()
        if self.legs:
            log.info("waiting up to %.0f s for %d Asterisk call(s)", self.settings.stop_grace_s,
                     len(self.legs))  # fmt: skip
            ends = [asyncio.ensure_future(leg.wait_ended()) for leg in self.legs.values()]
            _done, pending = await asyncio.wait(ends, timeout=self.settings.stop_grace_s)
            for waiter in pending:
                waiter.cancel()
        for leg in list(self.legs.values()):
            with contextlib.suppress(Exception):
                await leg.hangup()
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(BaseException):
                await task
        for server in self._servers:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(server.wait_closed(), 1.0)
        self._servers.clear()
        self._on_ami_lost()  # no Hangup will come any more for calls handed to staff
        await self.ami.stop()

    def _spawn(self, coro: Awaitable[Any], name: str) -> asyncio.Task[Any]:
        task = asyncio.ensure_future(coro)
        task.set_name(name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    # ------------------------------------------------------------ FastAGI

    async def _handle_agi(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = writer.get_extra_info("peername")
        if not self.agi_peers.allows(peer):
            writer.close()
            return
        self.counters.agi_sessions += 1
        try:
            await asyncio.wait_for(self._agi_session(reader, writer), self.settings.media_timeout_s)
        except (ValueError, agi.AgiError, TimeoutError, ConnectionError) as e:
            log.error("FastAGI session from %s failed: %s", peer, e)
            telemetry.error("agi_session", "asterisk")
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError, OSError):
                await writer.wait_closed()

    async def _agi_session(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        channel = AgiChannel(reader, writer)
        env = await channel.read_environment()
        command = channel.command
        if env.script != self.settings.agi_route:
            log.error(
                "FastAGI request for %r, we serve %r (check the AGI() URL in the dialplan)",
                env.get("agi_network_script"),
                self.settings.agi_route,
            )
            await command(agi.set_variable("RECEPTIONIST_STATUS", "unknown-route"))
            return
        if not env.args or not _is_uuid(env.args[0]):
            log.error(
                "FastAGI on %s without a uuid argument: use AGI(agi://host/%s,${UUID()})",
                env.channel,
                self.settings.agi_route,
            )
            await command(agi.set_variable("RECEPTIONIST_STATUS", "no-uuid"))
            return
        call_uuid = env.args[0]
        self._expire_pending()
        variables = {k.removeprefix("agi_"): v for k, v in env.variables.items()}
        info = LegInfo(
            call_id=call_uuid,
            caller_id=env.caller_id,
            called_number=env.called_number,
            variables=variables,
        )
        if not self.limit.admit(info, "asterisk"):
            log.warning("%s goes to a person (the dialplan's busy branch)", env.channel)
            await command(agi.set_variable("RECEPTIONIST_STATUS", "busy"))
            return
        loop = asyncio.get_running_loop()
        self._pending[call_uuid] = _Pending(
            info, env.channel, loop.time() + self.settings.media_timeout_s
        )
        try:
            await command(agi.set_variable("RECEPTIONIST_STATUS", "ok"))
        except BaseException:
            self._pending.pop(call_uuid, None)
            self.limit.release(call_uuid)
            raise

    def _expire_pending(self) -> None:
        now = asyncio.get_running_loop().time()
        for key, p in list(self._pending.items()):
            if p.expires < now:
                log.warning("call %s (%s) never connected its AudioSocket", key, p.channel)
                telemetry.error("audiosocket_missing", "asterisk")
                del self._pending[key]
                self.limit.release(key)

    # ------------------------------------------------------------ AudioSocket

    async def _handle_audiosocket(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        if not self.audiosocket_peers.allows(writer.get_extra_info("peername")):
            writer.close()
            return
        media = AudioSocketMedia(reader, writer, speed=self.settings.pacer_speed)
        try:
            first = await asyncio.wait_for(media.read_frame(), self.settings.media_timeout_s)
        except (ValueError, TimeoutError, ConnectionError) as e:
            log.error("AudioSocket connection without a valid uuid frame: %s", e or "timeout")
            telemetry.error("audiosocket_start", "asterisk")
            await media.close()
            return
        if first is None or first.kind is not aso.Kind.UUID:
            log.error("AudioSocket connection did not start with a uuid frame: %s", first)
            telemetry.error("audiosocket_start", "asterisk")
            await media.close()
            return
        call_uuid = first.uuid
        waiter = self._staff_waiters.get(call_uuid)
        if waiter is not None and not waiter.done():
            waiter.set_result(media)
            media.pacer.start()
            return  # the transfer owns it now
        if waiter is not None or call_uuid in self._staff_uuids:
            # never greet a staff member as a new caller: end that leg
            log.warning("staff leg %s reached our AudioSocket after its transfer", call_uuid)
            await media.send_hangup()
            return
        await self._run_call(call_uuid, media)

    async def _run_call(self, call_uuid: str, media: AudioSocketMedia) -> None:
        pending = self._pending.pop(call_uuid, None)
        if pending is None:
            info = LegInfo(call_id=call_uuid)
            if self.settings.require_agi:
                # Not a call our dialplan placed: a peer guessing at the port, or a uuid
                # whose AGI expired. It is recorded and ended, never greeted.
                reason = "no FastAGI session registered this uuid (require_agi)"
                log.warning("AudioSocket call %s refused: %s", call_uuid, reason)
                if self.limit.on_refused is not None:
                    self.limit.on_refused(info, "asterisk", reason)
                await media.send_hangup()
                return
            log.warning("AudioSocket call %s had no AGI before it: no caller id", call_uuid)
            pending = _Pending(info, "", 0.0)
            if not self.limit.admit(pending.info, "asterisk"):
                await media.send_hangup()  # no dialplan branch to go to: end it
                return
        leg = AsteriskLeg(
            pending.info, pending.channel, media, self, gap_fill_s=self.settings.gap_fill_s or None
        )
        self.legs[call_uuid] = leg
        self.counters.calls += 1
        leg.start()
        call_task = self._spawn(self._call(leg), f"call-{call_uuid}")
        try:
            await leg.wait_ended()
            if leg.failure:
                self.counters.failed += 1
            if leg.recording:
                with contextlib.suppress(Exception):
                    await leg.stop_recording()
            # the call layer finishes its record on its own; give it a moment, not forever
            with contextlib.suppress(BaseException):
                await asyncio.wait_for(asyncio.shield(call_task), 30.0)
        finally:
            self.legs.pop(call_uuid, None)
            self.limit.release(call_uuid)

    async def _call(self, leg: AsteriskLeg) -> None:
        try:
            await self.on_call(leg)
        except Exception:
            log.exception("call %s: the call layer raised", leg.call_id)
            telemetry.error("call_handler", "asterisk")
            await leg.hangup()

    async def start_recording(self, leg: AsteriskLeg, path: str) -> None:
        fields = {"Channel": leg.channel, "File": path}
        if self.settings.mixmonitor_options:
            fields["Options"] = self.settings.mixmonitor_options
        await self.ami.action("MixMonitor", fields)

    async def stop_recording(self, leg: AsteriskLeg) -> None:
        with contextlib.suppress(AmiActionError):  # the channel may be gone already
            await self.ami.action("StopMixMonitor", {"Channel": leg.channel})


def _is_uuid(text: str) -> bool:
    try:
        uuid_module.UUID(text)
    except ValueError:
        return False
    return True
