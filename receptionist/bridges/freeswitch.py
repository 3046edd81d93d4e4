"""FreeSWITCH bridge: outbound ESL (one socket per call) + unicast UDP media + inbound ESL.

Threads and loops
    greenswitch and gevent run in ONE dedicated thread with its own gevent hub, no
    monkey-patching. Everything else (media, pacing, the call layer) is on the asyncio loop.
    asyncio -> gevent: ``hub.loop.run_callback_threadsafe`` spawns a greenlet
    (``_GeventThread.call``).
    gevent -> asyncio: ``loop.call_soon_threadsafe``. Media never crosses: UDP is on the loop,
    so a slow ESL connection can't stall any call's audio.

What greenswitch does here, and what it doesn't
    Inbound: ``greenswitch.InboundESL`` does the connection, the ``auth/request`` handshake and
    password check, and its event queue / ``process_events`` greenlet dispatches events to the
    handlers we register. Outbound: each accepted socket is a ``greenswitch.OutboundSession``.
    Both are subclassed (``_GuardedEsl``) to fix greenswitch's sharp edges:

    - reading: greenswitch's ``readline`` parser spins forever when a socket closes mid-body
      (``_read_socket`` loops on empty reads), dies silently on a frame without
      ``Content-Type``, and mangles plain ``BACKGROUND_JOB`` bodies. We read with
      ``protocols/esl.py`` instead; a malformed frame or EOF mid-frame closes the connection
      with a reason that names the problem, and every waiting command fails at once;
    - replies are matched first-in-first-out: sends are serialized under a lock (so two
      greenlets can't interleave bytes or FIFO slots), ``sendall`` replaces ``send``, and a
      reply that doesn't come in time closes the connection, because after a missed reply
      every later reply would be handed to the wrong command;
    - ``call_command(block=True)`` waits on the *application name*, so two ``record_session``
      calls could take each other's completion: we never use it. Every ``execute`` carries an
      ``Event-UUID`` and waits for ``CHANNEL_EXECUTE_COMPLETE`` with that ``Application-UUID``;
    - ``OutboundESLServer.listen()`` calls ``sys.exit()`` when the port is taken, polls
      ``accept`` every 100 ms, treats port 0 as "not bound" and can't stop without waiting for
      every call. The listener is therefore our own gevent socket accept loop (same thread),
      which raises ``FreeSwitchStartError`` naming host:port when the bind fails.

Modules: this one (settings, the gevent thread, the guarded greenswitch connections, call
set-up), ``freeswitch_leg.py`` (the ``CallLeg``), ``freeswitch_transfer.py`` (warm and cold
transfer), ``unicast.py`` (our UDP end of the media); framing in ``protocols/esl.py``.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import uuid as uuidlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import gevent
import gevent.event
import gevent.lock
import gevent.socket
from greenswitch.esl import ESLEvent, InboundESL, NotConnectedError, OutboundSession

from receptionist import telemetry
from receptionist.bridges.freeswitch_leg import (
    FreeSwitchCommandError,
    FreeSwitchError,
    FreeSwitchLeg,
    FreeSwitchLinkError,
    FreeSwitchStartError,
    wait_or,
)
from receptionist.bridges.freeswitch_transfer import WarmTransfers
from receptionist.bridges.unicast import UnicastEndpoint
from receptionist.media.leg import CallLeg, TransferResult, frame_bytes
from receptionist.media.pacer import Pacer
from receptionist.protocols import esl

__all__ = [
    "FreeSwitchBridge",
    "FreeSwitchCommandError",
    "FreeSwitchError",
    "FreeSwitchLeg",
    "FreeSwitchLinkError",
    "FreeSwitchSettings",
    "FreeSwitchStartError",
]

log = logging.getLogger(__name__)
T = TypeVar("T")

SAMPLE_RATE = 8000  # unicast L16 is always the channel's 8 kHz here
INBOUND_EVENTS = ["BACKGROUND_JOB", "DTMF", "CHANNEL_HANGUP"]
_CLOSED = "RECEPTIONIST_CONNECTION_CLOSED"  # our own marker event, queued after the last frame


@dataclass
class FreeSwitchSettings:
    """Where the bridge listens and connects. The config's ``[freeswitch]`` table maps here."""

    listen_host: str = "127.0.0.1"  # target of the dialplan's `socket host:port async full`
    listen_port: int = 8084
    media_host: str = "127.0.0.1"  # our UDP sockets bind here; sent to the switch as remote-ip
    media_port_min: int = 40000
    media_port_max: int = 40999
    switch_media_ip: str = "127.0.0.1"  # local-ip: where the switch binds its end of unicast
    switch_port_min: int = 41000  # local-port range; keep clear of the switch's RTP range
    switch_port_max: int = 41999
    esl_host: str = "127.0.0.1"
    esl_port: int = 8021
    esl_password: str = "ClueCon"
    esl_timeout_s: float = 5.0  # a reply later than this breaks the connection (FIFO replies)
    esl_reconnect_s: float = 2.0  # first pause after the inbound ESL link drops; doubles
    esl_reconnect_max_s: float = 30.0  # up to this
    linger_s: int = 5
    first_datagram_s: float = 0.2  # unicast's +OK means nothing: no datagram by then = failed
    unicast_attempts: int = 2
    pacer_ahead: int = 3  # frames queued ahead of real time; barge-in drops at most these
    fallback_extension: str | None = None  # where a caller goes when media won't start
    transfer_ring_s: float = 20.0
    transfer_dial_string: str = "user/{extension}"
    transfer_context: str = "default"  # cold transfer: uuid_transfer <uuid> <ext> XML <context>
    # What the staff phone shows on a warm transfer; empty: the caller's own name / number.
    transfer_caller_id_name: str = ""
    transfer_caller_id_number: str = ""
    accept_digit: str | None = None  # staff must press this after the summary (None: answer)
    accept_wait_s: float = 10.0
    stop_grace_s: float = 30.0  # on stop, calls in progress get this long to finish


def settings_problem(s: FreeSwitchSettings) -> str:
    """What is wrong with these settings, or an empty string."""
    for name in ("media_port", "switch_port"):
        low, high = getattr(s, f"{name}_min"), getattr(s, f"{name}_max")
        if not 0 < low <= high < 65536:
            return f"{name}_min..{name}_max = {low}..{high} is not a range of UDP ports"
    if s.media_host == s.switch_media_ip and not (
        s.media_port_max < s.switch_port_min or s.switch_port_max < s.media_port_min
    ):
        return (
            "media_port_min..max and switch_port_min..max overlap on the same host "
            f"{s.media_host}: the switch and we would bind the same ports"
        )
    if s.accept_digit is not None and (
        len(s.accept_digit) != 1 or s.accept_digit not in "0123456789*#ABCD"
    ):
        return f"accept_digit = {s.accept_digit!r} is not one DTMF digit"
    if "{extension}" not in s.transfer_dial_string:
        return f"transfer_dial_string = {s.transfer_dial_string!r} has no {{extension}}"
    for name in ("linger_s", "pacer_ahead", "unicast_attempts"):
        if getattr(s, name) < 1:
            return f"{name} = {getattr(s, name)} must be at least 1"
    return ""


class _GeventThread:
    """The one thread that runs gevent (and greenswitch), with its own hub."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._main, name="freeswitch-gevent", daemon=True)
        self._hub: Any = None
        self._stop: gevent.event.Event | None = None

    def start(self) -> None:
        self._thread.start()
        if not self._ready.wait(10):
            raise FreeSwitchStartError("the gevent thread for FreeSWITCH did not start")

    def _main(self) -> None:
        self._hub = gevent.get_hub()
        self._stop = gevent.event.Event()
        self._ready.set()
        while not self._stop.wait(1.0):  # the timeout keeps the hub's loop alive
            pass

    def stop(self) -> None:
        """Blocking: ask the hub to finish and join the thread (call via to_thread)."""
        if self._stop is not None and self._thread.is_alive():
            self._hub.loop.run_callback_threadsafe(self._stop.set)
            self._thread.join(5)

    def spawn(self, fn: Callable[..., object], *args: object) -> None:
        """Thread-safe: run ``fn(*args)`` in a new greenlet on the gevent thread."""
        self._hub.loop.run_callback_threadsafe(gevent.spawn, fn, *args)

    def to_loop(self, fn: Callable[..., object], *args: object) -> None:
        """From the gevent thread: run ``fn(*args)`` on the asyncio loop."""
        try:
            self._loop.call_soon_threadsafe(fn, *args)
        except RuntimeError:  # the loop is closed: nobody is listening any more
            log.debug("asyncio loop closed; dropped %r", fn)

    def call(self, fn: Callable[..., T], *args: object) -> asyncio.Future[T]:
        """From the loop: run blocking-gevent ``fn(*args)`` in a greenlet, await its result."""
        future: asyncio.Future[T] = self._loop.create_future()

        def settle(ok: bool, value: Any) -> None:
            if future.done():
                return
            if ok:
                future.set_result(value)
            else:
                future.set_exception(value)

        def run() -> None:
            try:
                result = fn(*args)
            except Exception as exc:
                self.to_loop(settle, False, exc)
            else:
                self.to_loop(settle, True, result)

        self.spawn(run)
        return future


def _as_greenswitch_event(frame: esl.EslFrame) -> ESLEvent:
    """Wrap our typed frame in greenswitch's event type so its dispatcher can route it."""
    event = ESLEvent.__new__(ESLEvent)
    if isinstance(frame, esl.EslEvent):
        event.headers = {**frame.fields, "Content-Type": frame.content_type}
    else:
        event.headers = frame.headers
    event.frame = frame
    return event


class _GuardedEsl:
    """Replaces greenswitch's reader and sender (see the module docstring). Gevent thread only."""

    sock: Any
    connected: bool
    _commands_sent: list[gevent.event.AsyncResult]
    _auth_request_event: gevent.event.Event
    _esl_event_queue: Any
    _lingering: bool
    _run: bool
    register_handle: Callable[[str, Callable[[ESLEvent], None]], None]

    def _guard(self, name: str, timeout: float) -> None:
        self.name = name
        self._parser = esl.EslParser(name)
        self._send_lock = gevent.lock.Semaphore()
        self._reply_timeout = timeout
        self._close_reason = ""
        self._finished = False
        self.closed = gevent.event.Event()
        self.sink: Callable[[esl.EslFrame], None] | None = None
        self.on_closed: Callable[[str], None] | None = None
        self.register_handle(_CLOSED, self._deliver_closed)

    # greenswitch calls this in its own greenlet (start_event_handlers)
    def receive_events(self) -> None:
        reason = f"{self.name}: FreeSWITCH closed the connection"
        try:
            while True:
                data = self.sock.recv(65536)
                if not data:
                    self._parser.close()
                    break
                for frame in self._parser.feed(data):
                    self._dispatch(frame)
        except ValueError as exc:
            reason = f"malformed ESL frame from FreeSWITCH: {exc}"
        except OSError as exc:
            reason = f"{self.name}: ESL socket error: {exc}"
        self._finish(self._close_reason or reason)

    def _dispatch(self, frame: esl.EslFrame) -> None:
        if isinstance(frame, esl.AuthRequest):
            self._auth_request_event.set()
        elif isinstance(frame, (esl.CommandReply, esl.ApiResponse)):
            if not self._commands_sent:
                text = frame.reply_text if isinstance(frame, esl.CommandReply) else frame.text
                raise ValueError(f"{self.name}: reply {text[:60]!r} with no command waiting for it")
            self._commands_sent.pop(0).set(frame)
        elif isinstance(frame, esl.RudeRejection):
            raise ValueError(f"{self.name}: FreeSWITCH rejected the connection: {frame.body!r}")
        else:
            if isinstance(frame, esl.DisconnectNotice) and frame.disposition == "linger":
                self._lingering = True
            self._esl_event_queue.put(_as_greenswitch_event(frame))

    def _finish(self, reason: str) -> None:
        if self._finished:
            return
        self._finished = True
        self._close_reason = reason
        self.connected = False
        error = FreeSwitchLinkError(reason)
        pending, self._commands_sent[:] = list(self._commands_sent), []
        for result in pending:
            result.set_exception(error)
        self._auth_request_event.set()  # a connect() waiting for auth/request stops waiting
        for closable in (getattr(self, "sock_file", None), self.sock):
            try:
                if closable is not None:
                    closable.close()
            except OSError:
                pass
        # Queued behind the events already read, so a hangup is seen before the close.
        marker = ESLEvent.__new__(ESLEvent)
        marker.headers = {"Event-Name": _CLOSED, "Content-Type": "x-receptionist/closed"}
        self._esl_event_queue.put(marker)

    def _deliver_closed(self, _event: ESLEvent) -> None:
        self._run = False  # greenswitch's process_events loop ends after this
        self.closed.set()
        if self.on_closed is not None:
            self.on_closed(self._close_reason)

    def deliver(self, event: ESLEvent) -> None:
        """Registered greenswitch handler: hand the frame to the asyncio side."""
        frame = getattr(event, "frame", None)
        if frame is not None and self.sink is not None:
            self.sink(frame)

    # greenswitch's own helpers (connect, authenticate, myevents, linger) call send(text)
    def send(self, data: str) -> esl.EslFrame:
        return self.command((data + "\n\n").encode("utf-8"))

    def command(self, frame: bytes, timeout: float | None = None) -> esl.EslFrame:
        if not self.connected:
            raise FreeSwitchLinkError(self._close_reason or f"{self.name}: not connected")
        result = gevent.event.AsyncResult()
        with self._send_lock:  # one FIFO slot and one write, never interleaved
            self._commands_sent.append(result)
            try:
                self.sock.sendall(frame)
            except OSError as exc:
                self.close(f"{self.name}: ESL write failed: {exc}")
                raise FreeSwitchLinkError(self._close_reason) from None
        wait = timeout if timeout is not None else self._reply_timeout
        try:
            reply: esl.EslFrame = result.get(timeout=wait)
        except gevent.Timeout:
            what = frame.split(b"\n", 1)[0].decode("utf-8", "replace")
            self.close(
                f"{self.name}: no reply to {what!r} within {wait:g} s (replies are "
                "matched in order, so the connection can't be trusted any more)"
            )
            raise FreeSwitchLinkError(self._close_reason) from None
        except FreeSwitchLinkError:
            raise
        except Exception as exc:  # greenswitch's OutboundSessionHasGoneAway and the like
            raise FreeSwitchLinkError(f"{self.name}: {type(exc).__name__} {exc}") from None
        return reply

    def close(self, reason: str = "") -> None:
        """Close from our side; the reader notices and finishes with ``reason``."""
        if reason and not self._close_reason:
            self._close_reason = reason
        self.connected = False
        try:
            self.sock.shutdown(gevent.socket.SHUT_RDWR)
        except OSError:
            pass

    def finish_call(self, send_exit: bool) -> None:
        if send_exit and self.connected:
            try:
                self.command(esl.exit_(), timeout=1.0)
            except FreeSwitchError:
                pass
        self.close()
        self.closed.wait(2.0)


class _OutboundCall(_GuardedEsl, OutboundSession):
    session_data: dict[str, str] | None
    _outbound_connected: bool

    def __init__(self, sock: Any, address: Any, timeout: float) -> None:
        super().__init__(address, sock)
        self._guard(f"call socket from {address[0]}:{address[1]}", timeout)
        for name in (
            "DTMF",
            "CHANNEL_EXECUTE_COMPLETE",
            "CHANNEL_HANGUP",
            "CHANNEL_BRIDGE",
            "DISCONNECT",
        ):
            self.register_handle(name, self.deliver)

    def _dispatch(self, frame: esl.EslFrame) -> None:
        if isinstance(frame, esl.CommandReply) and frame.channel:
            # what greenswitch's connect() would have stored (its handlers read it)
            self.session_data = frame.channel
            self._outbound_connected = True
        super()._dispatch(frame)


class _InboundEsl(_GuardedEsl, InboundESL):
    def __init__(self, host: str, port: int, password: str, timeout: float) -> None:
        super().__init__(host, port, password, timeout=timeout)
        self._guard(f"inbound ESL {host}:{port}", timeout)
        self.register_handle("*", self.deliver)


class _CallControl:
    """A leg's way to its own outbound socket and to the bridge (for transfers)."""

    def __init__(self, bridge: FreeSwitchBridge, session: _OutboundCall) -> None:
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
    ) -> None:
        """``clock_speed`` > 1 paces our audio faster than real time: tests against a fake
        switch that runs its 20 ms clock equally fast. Never on a real switch."""
        self.settings = settings
        self._on_call = on_call
        self._speed = clock_speed
        self._hub: _GeventThread | None = None
        self._listener: Any = None
        self.listen_port = settings.listen_port  # the bound port (useful with 0)
        self._inbound: _InboundEsl | None = None
        self._reconnect_task: asyncio.Task[None] | None = None
        self._jobs: dict[str, asyncio.Future[str]] = {}
        self._staff: dict[str, asyncio.Queue[str]] = {}
        self._switch_ports: set[int] = set()
        self._next_switch_port = settings.switch_port_min
        self._tasks: set[asyncio.Task[None]] = set()
        self._calls: dict[asyncio.Task[None], FreeSwitchLeg] = {}
        self._sessions: set[_OutboundCall] = set()
        self._stopping = False

    @property
    def legs(self) -> list[FreeSwitchLeg]:
        """The calls this bridge holds now (set-up, active, or bridged and lingering)."""
        return list(self._calls.values())

    # --- start / stop --------------------------------------------------------------------

    async def start(self) -> None:
        problem = settings_problem(self.settings)
        if problem:
            raise FreeSwitchStartError(f"[freeswitch] {problem}")
        self._hub = _GeventThread(asyncio.get_running_loop())
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
        host, port = self.settings.listen_host, self.settings.listen_port
        listener = gevent.socket.socket(gevent.socket.AF_INET, gevent.socket.SOCK_STREAM)
        listener.setsockopt(gevent.socket.SOL_SOCKET, gevent.socket.SO_REUSEADDR, 1)
        try:
            listener.bind((host, port))
            listener.listen(128)
        except OSError as exc:
            listener.close()
            raise FreeSwitchStartError(
                f"can't listen for FreeSWITCH outbound sockets on {host}:{port}: "
                f"{exc.strerror or exc}"
            ) from None
        self._listener = listener
        gevent.spawn(self._accept_loop, listener)
        return int(listener.getsockname()[1])

    def _accept_loop(self, listener: Any) -> None:
        assert self._hub is not None
        while True:
            try:
                sock, address = listener.accept()
            except OSError:
                return  # closed by stop()
            session = _OutboundCall(sock, address, self.settings.esl_timeout_s)
            self._hub.to_loop(self._start_call, session)

    def _open_inbound(self) -> _InboundEsl:
        s = self.settings
        where = f"{s.esl_host}:{s.esl_port}"
        conn = _InboundEsl(s.esl_host, s.esl_port, s.esl_password, s.esl_timeout_s)
        try:
            with gevent.Timeout(
                s.esl_timeout_s,
                FreeSwitchStartError(
                    f"FreeSWITCH event socket at {where} did not answer within "
                    f"{s.esl_timeout_s:g} s"
                ),
            ):
                conn.connect()
                conn.command(esl.event_subscription("plain", INBOUND_EVENTS))
        except ValueError:  # greenswitch's authenticate(): anything but "+OK accepted"
            conn.close()
            raise FreeSwitchStartError(
                f"FreeSWITCH event socket at {where} refused the password "
                "(-ERR invalid): check esl_password"
            ) from None
        except (OSError, NotConnectedError, FreeSwitchLinkError) as exc:
            conn.close()
            raise FreeSwitchStartError(
                f"can't connect to the FreeSWITCH event socket at {where}: {exc}"
            ) from None
        except FreeSwitchStartError:
            conn.close()
            raise
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

    def _on_inbound_closed(self, conn: _InboundEsl, reason: str) -> None:
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

    def _start_call(self, session: _OutboundCall) -> None:
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

    async def _run_call(self, leg: FreeSwitchLeg, session: _OutboundCall) -> None:
        ports: list[int] = []
        try:
            try:
                await self._set_up(leg, ports)
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
            if leg.state == "bridged":
                # The caller is talking to staff; `exit` would hang them up. The switch
                # closes the socket itself after their hangup and the linger time.
                await leg.link_closed.wait()
            elif self._hub is not None:
                await self._hub_call(session.finish_call, leg.state == "ended")
            self._sessions.discard(session)

    async def _set_up(self, leg: FreeSwitchLeg, ports: list[int]) -> None:
        s = self.settings
        reply = await leg.command(esl.connect())
        channel = reply.channel if isinstance(reply, esl.CommandReply) else {}
        if not channel.get("Unique-ID"):
            raise FreeSwitchLinkError("the connect reply carries no channel data (Unique-ID)")
        leg.set_channel(channel)
        leg.info.sample_rate = SAMPLE_RATE
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
