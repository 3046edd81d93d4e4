"""The Asterisk bridge: FastAGI + AudioSocket for each call, AMI (panoramisk) for the rest.

How one call arrives (``dialplan/extensions_receptionist.conf``), AGI first, then media:

1. ``Set(RECEPTIONIST_UUID=${UUID()})`` and ``AGI(agi://host:4573/receptionist,${RECEPTIONIST_UUID})``:
   our FastAGI server reads the ``agi_*`` environment (caller id, dialled number, channel
   name for AMI), keeps it under that uuid, answers ``SET VARIABLE RECEPTIONIST_STATUS ok``
   (or ``busy``) and ends the AGI session so the dialplan can go on.
2. ``AudioSocket(${RECEPTIONIST_UUID},host:9092)``: the first frame Asterisk sends is the
   same uuid; it picks up what the AGI left and the call starts. A uuid with no AGI
   before it still gets a call (never lose a caller), just without caller id.

If our daemon is down the AGI fails, ``RECEPTIONIST_STATUS`` stays empty and the dialplan
rings the front desk instead.

Warm transfer: AMI ``Originate`` of ``Local/<ext>@<staff_context>/n`` into our summary context,
whose dialplan connects the answered staff leg to our AudioSocket with its own uuid; the
summary plays to the staff member alone while the caller hears our hold audio; then AMI
``Bridge`` joins the two (both AudioSocket apps end). ``OriginateResponse`` with
``Response: Failure`` (reason 3, no answer; 5, busy) leaves the caller with us. Cold
transfer: AMI ``Redirect`` of the caller to ``<ext>@<transfer_context>``. Recording:
AMI ``MixMonitor`` / ``StopMixMonitor``.

panoramisk is imported here and nowhere else, for AMI only; FastAGI is
``asterisk_agi.AgiChannel`` (panoramisk 1.4's FastAGI server can freeze the event loop).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import uuid as uuid_module
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from panoramisk import Manager

from receptionist import telemetry
from receptionist.bridges.asterisk_agi import AgiChannel
from receptionist.bridges.asterisk_leg import AsteriskLeg, AudioSocketMedia
from receptionist.media.leg import CallLeg, LegInfo, TransferResult
from receptionist.protocols import agi, ami
from receptionist.protocols import audiosocket as aso

log = logging.getLogger(__name__)

__all__ = [
    "AmiActionError",
    "AmiUnavailable",
    "AsteriskBridge",
    "AsteriskSettings",
    "AsteriskStartupError",
]


@dataclass
class AsteriskSettings:
    """The config file's ``[asterisk]`` table maps onto these fields."""

    agi_host: str = "127.0.0.1"
    agi_port: int = 4573
    agi_route: str = "receptionist"  # the path in agi://host:port/<route>
    audiosocket_host: str = "127.0.0.1"
    audiosocket_port: int = 9092
    ami_host: str = "127.0.0.1"
    ami_port: int = 5038
    ami_username: str = "receptionist"
    ami_secret: str = ""
    ami_timeout_s: float = 5.0  # one action's deadline (Originate adds the ring time)
    ami_reconnect_s: float = 2.0
    ami_ping_s: int = 10
    # With "Events: off" Asterisk sends no OriginateResponse (ami_driver_* captures), and
    # the warm transfer needs it; "call" is the class it belongs to.
    ami_events: str = "call"
    transfer_ring_s: float = 20.0
    staff_context: str = "receptionist-staff"  # Local/<ext>@<this>/n rings the staff member
    summary_context: str = "receptionist-summary"  # the answered staff leg hears the summary
    transfer_context: str = "receptionist-transfer"  # cold transfer: Redirect to <ext>@<this>
    transfer_caller_id: str = ""  # the name staff see on a warm transfer; empty: the caller's
    mixmonitor_options: str = ""  # e.g. "b" to record only while bridged
    media_timeout_s: float = 5.0  # AudioSocket must connect this soon after the AGI/answer
    max_calls: int = 32  # beyond this the AGI answers busy and the dialplan rings a person
    gap_fill_s: float = 0.1  # silence after this long without caller audio; 0 turns it off
    stop_grace_s: float = 30.0  # on stop, calls in flight get this long to finish
    pacer_speed: float = 1.0  # tests only


class AsteriskStartupError(RuntimeError):
    """The bridge can't start: a port is taken, AMI is unreachable or refuses our login."""


class AmiUnavailable(RuntimeError):
    """AMI is disconnected (we keep reconnecting) or didn't answer in time."""


class AmiActionError(RuntimeError):
    """Asterisk answered an AMI action with ``Response: Error``."""

    def __init__(self, action: str, message: str) -> None:
        self.action = action
        self.message = message
        super().__init__(f"AMI {action} failed: {message}")


class _Everything:
    """panoramisk re-sends unanswered actions after a reconnect unless they are
    'forgetable'; a second Originate would ring the staff twice, so forget them all
    (our callers see AmiUnavailable and decide)."""

    def __contains__(self, item: object) -> bool:
        return True


class _Manager(Manager):
    """panoramisk's Manager, minus the reconnect after we closed it."""

    closing = False

    def connect(self, *args: Any, **kwargs: Any) -> Any:
        if self.closing:
            return None
        return super().connect(*args, **kwargs)


class AmiClient:
    """Logs in (again after every reconnect), sends actions with deadlines."""

    def __init__(self, settings: AsteriskSettings) -> None:
        self.settings = settings
        self._manager: _Manager | None = None
        self._ready = asyncio.Event()
        self._first_login: asyncio.Future[None] | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._pending: set[asyncio.Future[Any]] = set()
        self.logins = 0
        self.disconnects = 0

    @property
    def where(self) -> str:
        return f"{self.settings.ami_host}:{self.settings.ami_port}"

    @property
    def connected(self) -> bool:
        return self._ready.is_set()

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        s = self.settings
        self._first_login = loop.create_future()
        m = _Manager(
            loop=loop,
            host=s.ami_host,
            port=s.ami_port,
            ping_delay=s.ami_ping_s,
            ping_interval=s.ami_ping_s,
            forgetable_actions=_Everything(),
            on_connect=self._on_connect,
            on_disconnect=self._on_disconnect,
        )
        m.reconnect_timeout = s.ami_reconnect_s
        self._manager = m
        connecting = m.connect()
        await asyncio.wait([connecting])
        exc = connecting.exception()
        if exc is not None:
            await self.stop()
            raise AsteriskStartupError(f"cannot reach Asterisk AMI at {self.where}: {exc}")
        try:
            await asyncio.wait_for(self._first_login, s.ami_timeout_s + 2.0)
        except TimeoutError:
            await self.stop()
            raise AsteriskStartupError(
                f"Asterisk AMI at {self.where} did not answer our login in time"
            ) from None
        except AsteriskStartupError:
            await self.stop()
            raise

    async def stop(self) -> None:
        if self._manager is not None:
            self._manager.closing = True
            if self._ready.is_set():
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(self._send({"Action": "Logoff"}), 1.0)
            self._manager.close()
        self._ready.clear()
        for task in list(self._tasks):
            task.cancel()
        self._fail_pending("AMI client stopped")

    # -------------------------------------------------------- connection events

    def _on_connect(self, manager: Manager) -> None:
        task = asyncio.get_running_loop().create_task(self._login())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _on_disconnect(self, manager: Manager, exc: object) -> None:
        if self._ready.is_set():
            self.disconnects += 1
            log.warning("AMI connection to %s lost; reconnecting", self.where)
            telemetry.error("ami_link_lost", "asterisk")
        self._ready.clear()
        self._fail_pending(f"AMI connection to {self.where} lost")

    def _fail_pending(self, why: str) -> None:
        for fut in list(self._pending):
            if not fut.done():
                fut.set_exception(AmiUnavailable(why))
        self._pending.clear()

    async def _login(self) -> None:
        s = self.settings
        try:
            reply = await asyncio.wait_for(
                self._send(
                    {
                        "Action": "Login",
                        "Username": s.ami_username,
                        "Secret": s.ami_secret,
                        "Events": s.ami_events,
                    }
                ),
                s.ami_timeout_s + 2.0,  # a wrong password answers after about 1 s
            )
        except (TimeoutError, AmiUnavailable) as e:
            self._login_failed(f"Asterisk AMI at {self.where} did not answer our login: {e}")
            return
        if reply.get("Response") != "Success":
            self._login_failed(
                f"AMI login to {self.where} as {s.ami_username!r} failed: "
                f"{reply.get('Message') or reply.get('Response')} "
                "(check ami_username / ami_secret against manager.conf)"
            )
            return
        self.logins += 1
        self._ready.set()
        log.info("AMI logged in to %s as %s", self.where, s.ami_username)
        if self._first_login is not None and not self._first_login.done():
            self._first_login.set_result(None)

    def _login_failed(self, message: str) -> None:
        log.error("%s", message)
        telemetry.error("ami_login", "asterisk")
        if self._first_login is not None and not self._first_login.done():
            self._first_login.set_exception(AsteriskStartupError(message))

    # -------------------------------------------------------- actions

    def _send(self, action: dict[str, str]) -> asyncio.Future[Any]:
        assert self._manager is not None
        fut: asyncio.Future[Any] = self._manager.send_action(action)
        self._pending.add(fut)
        fut.add_done_callback(self._pending.discard)
        return fut

    async def action(
        self, name: str, fields: dict[str, str], timeout_s: float | None = None
    ) -> list[dict[str, str]]:
        """Send one action; the messages that answer it (an Originate: reply and event).

        Raises ``AmiActionError`` on ``Response: Error``, ``AmiUnavailable`` when
        disconnected or past the deadline.
        """
        deadline = self.settings.ami_timeout_s if timeout_s is None else timeout_s
        loop = asyncio.get_running_loop()
        start = loop.time()
        try:
            await asyncio.wait_for(self._ready.wait(), deadline)
        except TimeoutError:
            raise AmiUnavailable(f"AMI at {self.where} is not connected") from None
        try:
            reply = await asyncio.wait_for(
                self._send({"Action": name, **fields}), max(deadline - (loop.time() - start), 0.1)
            )
        except TimeoutError:
            raise AmiUnavailable(f"AMI {name} got no answer within {deadline:.1f} s") from None
        messages = [dict(m.items()) for m in (reply if isinstance(reply, list) else [reply])]
        if messages[0].get("Response") == "Error":
            raise AmiActionError(name, messages[0].get("Message", "error"))
        return messages


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


class AsteriskBridge:
    """FastAGI and AudioSocket listeners plus an AMI client; one ``AsteriskLeg`` per call."""

    def __init__(self, settings: AsteriskSettings, on_call: OnCall) -> None:
        self.settings = settings
        self.on_call = on_call
        self.ami = AmiClient(settings)
        self.legs: dict[str, AsteriskLeg] = {}
        self.counters = _Counters()
        self._pending: dict[str, _Pending] = {}
        self._staff_waiters: dict[str, asyncio.Future[AudioSocketMedia]] = {}
        self._staff_uuids: collections.OrderedDict[str, None] = collections.OrderedDict()
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
        await self.ami.stop()

    def _spawn(self, coro: Awaitable[Any], name: str) -> asyncio.Task[Any]:
        task = asyncio.ensure_future(coro)
        task.set_name(name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    # ------------------------------------------------------------ FastAGI

    async def _handle_agi(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.counters.agi_sessions += 1
        peer = writer.get_extra_info("peername")
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
        if len(self.legs) + len(self._pending) >= self.settings.max_calls:
            log.warning("at capacity (%d calls): %s goes to a person", len(self.legs), env.channel)
            await command(agi.set_variable("RECEPTIONIST_STATUS", "busy"))
            return
        variables = {k.removeprefix("agi_"): v for k, v in env.variables.items()}
        info = LegInfo(
            call_id=call_uuid,
            caller_id=env.caller_id,
            called_number=env.called_number,
            variables=variables,
        )
        loop = asyncio.get_running_loop()
        self._pending[call_uuid] = _Pending(
            info, env.channel, loop.time() + self.settings.media_timeout_s
        )
        try:
            await command(agi.set_variable("RECEPTIONIST_STATUS", "ok"))
        except BaseException:
            self._pending.pop(call_uuid, None)
            raise

    def _expire_pending(self) -> None:
        now = asyncio.get_running_loop().time()
        for key, p in list(self._pending.items()):
            if p.expires < now:
                log.warning("call %s (%s) never connected its AudioSocket", key, p.channel)
                telemetry.error("audiosocket_missing", "asterisk")
                del self._pending[key]

    # ------------------------------------------------------------ AudioSocket

    async def _handle_audiosocket(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
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
            log.warning("AudioSocket call %s had no AGI before it: no caller id", call_uuid)
            pending = _Pending(LegInfo(call_id=call_uuid), "", 0.0)
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

    async def _call(self, leg: AsteriskLeg) -> None:
        try:
            await self.on_call(leg)
        except Exception:
            log.exception("call %s: the call layer raised", leg.call_id)
            telemetry.error("call_handler", "asterisk")
            await leg.hangup()

    # ------------------------------------------------------------ LegControl

    async def transfer(
        self, leg: AsteriskLeg, extension: str, warm: bool, summary_audio: Sequence[bytes]
    ) -> TransferResult:
        if not leg.channel:
            return TransferResult(extension, "failed", "the channel name is unknown (no AGI)")
        if not warm:
            return await self._cold_transfer(leg, extension)
        return await self._warm_transfer(leg, extension, summary_audio)

    async def _cold_transfer(self, leg: AsteriskLeg, extension: str) -> TransferResult:
        leg.handed_over = True
        try:
            await self.ami.action(
                "Redirect",
                {
                    "Channel": leg.channel,
                    "Context": self.settings.transfer_context,
                    "Exten": extension,
                    "Priority": "1",
                },
            )
        except (AmiActionError, AmiUnavailable) as e:
            leg.handed_over = False
            return TransferResult(extension, "failed", str(e))
        return TransferResult(extension, "answered", "cold transfer: redirected")

    async def _warm_transfer(
        self, leg: AsteriskLeg, extension: str, summary_audio: Sequence[bytes]
    ) -> TransferResult:
        s = self.settings
        loop = asyncio.get_running_loop()
        staff_uuid = str(uuid_module.uuid4())
        waiter: asyncio.Future[AudioSocketMedia] = loop.create_future()
        self._staff_waiters[staff_uuid] = waiter
        self._staff_uuids[staff_uuid] = None  # every staff uuid we ever dialled (the last 1000)
        while len(self._staff_uuids) > 1000:
            self._staff_uuids.popitem(last=False)
        staff_channel = ""
        staff_media: AudioSocketMedia | None = None
        bridged = False
        try:
            try:
                originate = asyncio.ensure_future(self.ami.action(
                    "Originate",
                    {
                        "Channel": f"Local/{extension}@{s.staff_context}/n",
                        "Context": s.summary_context,
                        "Exten": "s",
                        "Priority": "1",
                        "Timeout": str(int(s.transfer_ring_s * 1000)),
                        "CallerID": _caller_id(s.transfer_caller_id, leg),
                        "Variable": f"RECEPTIONIST_STAFF_UUID={staff_uuid}",
                        # our own uniqueid for the Local channel: we can hang it up by
                        # name while it still rings (the caller may leave meanwhile)
                        "ChannelId": staff_uuid,
                        "Async": "true",
                    },
                    timeout_s=s.transfer_ring_s + s.ami_timeout_s,
                ))  # fmt: skip
                caller_gone = asyncio.ensure_future(leg.ended.wait())
                try:
                    await asyncio.wait(
                        {originate, caller_gone}, return_when=asyncio.FIRST_COMPLETED
                    )
                finally:
                    caller_gone.cancel()
                if not originate.done():
                    # The caller hung up while the staff phone rang: stop it ringing.
                    with contextlib.suppress(AmiActionError, AmiUnavailable):
                        await self.ami.action("Hangup", {"Channel": staff_uuid})
                    await asyncio.wait({originate}, timeout=s.ami_timeout_s)
                    originate.cancel()
                    with contextlib.suppress(BaseException):
                        answered = [
                            m for m in await originate if m.get("Event") == "OriginateResponse"
                        ]
                        if answered and answered[0].get("Response") == "Success":
                            staff_channel = answered[0].get("Channel", "")  # hung up below
                    return TransferResult(
                        extension, "failed", "the caller hung up while staff rang"
                    )
                messages = originate.result()
            except AmiActionError as e:
                return TransferResult(extension, "failed", str(e))
            except AmiUnavailable as e:
                hint = ""
                if "no answer within" in str(e):
                    hint = " (no OriginateResponse: does the AMI user have 'read = call'?)"
                return TransferResult(extension, "failed", f"{e}{hint}")
            outcome = next(
                (m for m in messages if m.get("Event") == "OriginateResponse"), messages[-1]
            )
            if outcome.get("Response") != "Success":
                # Reason: 3 rang out, 5 busy, 1 rejected (hung up before answering)
                reason = outcome.get("Reason", "")
                kind = {"3": "no_answer", "5": "declined", "1": "declined"}.get(reason, "failed")
                detail = f"staff leg: {ami.ORIGINATE_REASONS.get(reason, 'reason ' + reason)}"
                return TransferResult(extension, kind, detail)
            staff_channel = outcome.get("Channel", "")
            if leg.ended.is_set():
                return TransferResult(extension, "failed", "the caller hung up while it rang")
            try:
                staff_media = await asyncio.wait_for(waiter, s.media_timeout_s)
            except TimeoutError:
                return TransferResult(
                    extension, "failed", "the staff leg answered but never reached our AudioSocket"
                )
            if not await self._play_to_staff(staff_media, summary_audio, leg):
                if leg.ended.is_set():
                    return TransferResult(
                        extension, "failed", "the caller hung up during the summary"
                    )
                return TransferResult(extension, "declined", "staff hung up during the summary")
            if leg.ended.is_set():
                return TransferResult(extension, "failed", "the caller hung up during the summary")
            leg.handed_over = True
            try:
                await self.ami.action(
                    "Bridge", {"Channel1": leg.channel, "Channel2": staff_channel, "Tone": "no"}
                )
            except (AmiActionError, AmiUnavailable) as e:
                leg.handed_over = False
                return TransferResult(extension, "failed", f"bridging failed: {e}")
            staff_channel, bridged = "", True  # not ours to hang up any more
            return TransferResult(extension, "answered", "warm transfer: summary played, bridged")
        finally:
            self._staff_waiters.pop(staff_uuid, None)
            if staff_media is None and waiter.done() and not waiter.cancelled():
                staff_media = waiter.result()  # connected although we gave up on it
            if staff_media is not None:
                if not bridged:  # end the staff leg: 0x00, then the dialplan's Hangup()
                    await staff_media.send_hangup()
                await staff_media.close()
            if staff_channel:
                with contextlib.suppress(AmiActionError, AmiUnavailable):
                    await self.ami.action("Hangup", {"Channel": staff_channel})

    async def _play_to_staff(
        self, media: AudioSocketMedia, frames: Sequence[bytes], leg: AsteriskLeg
    ) -> bool:
        """Play the summary on the staff leg; False if the staff member or the caller hung
        up meanwhile."""

        async def watch() -> None:
            while (frame := await media.read_frame()) is not None:
                del frame  # the staff member's audio isn't needed

        watcher = asyncio.ensure_future(watch())
        try:
            for frame in frames:
                if watcher.done() or leg.ended.is_set():
                    return False
                await media.pacer.put(frame)
            drained = asyncio.ensure_future(media.pacer.drained())
            gone = asyncio.ensure_future(leg.ended.wait())
            await asyncio.wait([drained, watcher, gone], return_when=asyncio.FIRST_COMPLETED)
            drained.cancel()
            gone.cancel()
            return not watcher.done() and not leg.ended.is_set()
        finally:
            watcher.cancel()
            with contextlib.suppress(BaseException):
                await watcher

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


def _caller_id(name: str, leg: AsteriskLeg) -> str:
    """What the staff phone shows: the caller's name and number (``name`` if set)."""
    number = leg.caller_id or "0"
    shown = name or leg.variables.get("calleridname", "") or number
    if shown.lower() in ("unknown", ""):
        shown = number
    shown = shown.replace('"', "").replace("<", "").replace(">", "")
    return f'"{shown}" <{number}>'
