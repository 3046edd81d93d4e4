"""The ESL connections of the FreeSWITCH bridge, on their own gevent thread.

The boundary: the bridge sees ``GeventThread`` (start, stop, ``call`` from the loop,
``to_loop`` back) and two link classes, ``InboundLink`` (the event socket we connect to) and
``OutboundCallLink`` (one socket per call that the switch opens to us), each with
``command(frame, timeout)``, ``close(reason)``, ``closed``, and two callbacks set by the
bridge: ``sink`` (each frame from the switch) and ``on_closed`` (the reason). Nothing else
of this module is used outside it.

How it works
    greenswitch and gevent run in ONE dedicated thread with its own gevent hub, no
    monkey-patching. Everything else (media, pacing, the call layer) is on the asyncio loop.
    asyncio -> gevent: ``hub.loop.run_callback_threadsafe`` spawns a greenlet
    (``GeventThread.call``).
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
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import gevent
import gevent.event
import gevent.lock
import gevent.socket
from greenswitch.esl import ESLEvent, InboundESL, NotConnectedError, OutboundSession

from receptionist.bridges.allow import PeerAllowList
from receptionist.bridges.freeswitch.leg import (
    FreeSwitchError,
    FreeSwitchLinkError,
    FreeSwitchStartError,
)
from receptionist.protocols import esl

__all__ = ["GeventThread", "InboundLink", "OutboundCallLink", "listen", "open_inbound"]

log = logging.getLogger(__name__)
T = TypeVar("T")

_CLOSED = "RECEPTIONIST_CONNECTION_CLOSED"  # our own marker event, queued after the last frame


class GeventThread:
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

    def _guard(self, name: str, timeout: float, max_body: int = esl.MAX_BODY_BYTES) -> None:
        self.name = name
        self._parser = esl.EslParser(name, max_body)
        self._send_lock = gevent.lock.Semaphore()
        self._reply_timeout = timeout
        self._close_reason = ""
        self._finished = False
        self.closed = gevent.event.Event()
        self.sink: Callable[[esl.EslFrame], None] | None = None
        self.on_closed: Callable[[str], None] | None = None
        self.on_finished: Callable[[Any], None] | None = None  # gevent side, once, at the end
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
        if self.on_finished is not None:
            self.on_finished(self)
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


class OutboundCallLink(_GuardedEsl, OutboundSession):
    session_data: dict[str, str] | None
    _outbound_connected: bool

    def __init__(self, sock: Any, address: Any, timeout: float) -> None:
        super().__init__(address, sock)
        self._guard(f"call socket from {address[0]}:{address[1]}", timeout, esl.MAX_CALL_BODY_BYTES)
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


class InboundLink(_GuardedEsl, InboundESL):
    def __init__(self, host: str, port: int, password: str, timeout: float) -> None:
        super().__init__(host, port, password, timeout=timeout)
        self._guard(f"inbound ESL {host}:{port}", timeout)
        self.register_handle("*", self.deliver)


def listen(
    host: str,
    port: int,
    timeout: float,
    on_session: Callable[[OutboundCallLink], None],
    max_connections: int = 64,
    peers: PeerAllowList | None = None,
) -> Any:
    """Gevent thread: listen for the switch's outbound sockets; each accepted one becomes an
    ``OutboundCallLink`` handed to ``on_session``. Returns the listening socket (close it
    to stop). Raises ``FreeSwitchStartError`` naming host:port when the bind fails."""
    listener = gevent.socket.socket(gevent.socket.AF_INET, gevent.socket.SOCK_STREAM)
    listener.setsockopt(gevent.socket.SOL_SOCKET, gevent.socket.SO_REUSEADDR, 1)
    try:
        listener.bind((host, port))
        listener.listen(128)
    except OSError as exc:
        listener.close()
        raise FreeSwitchStartError(
            f"can't listen for FreeSWITCH outbound sockets on {host}:{port}: {exc.strerror or exc}"
        ) from None
    gevent.spawn(_accept_loop, listener, timeout, on_session, max_connections, peers)
    return listener


def _accept_loop(
    listener: Any,
    timeout: float,
    on_session: Callable[[OutboundCallLink], None],
    max_connections: int,
    peers: PeerAllowList | None,
) -> None:
    open_links: set[OutboundCallLink] = set()
    refused = 0
    while True:
        try:
            sock, address = listener.accept()
        except OSError:
            return  # closed by the bridge
        if peers is not None and not peers.allows(address):
            sock.close()
            continue
        if len(open_links) >= max_connections:
            refused += 1
            if refused in (1, 10, 100) or refused % 1000 == 0:
                log.warning("closed FreeSWITCH outbound socket from %s: %d already open "
                            "(max_connections); %d closed so far", address[0],
                            len(open_links), refused)  # fmt: skip
            sock.close()
            continue
        link = OutboundCallLink(sock, address, timeout)
        open_links.add(link)
        link.on_finished = open_links.discard
        on_session(link)


def open_inbound(
    host: str, port: int, password: str, timeout: float, events: Sequence[str]
) -> InboundLink:
    """Gevent thread: connect and log in to the event socket, subscribe to ``events``.
    Raises ``FreeSwitchStartError`` saying what went wrong (unreachable, password, silence)."""
    where = f"{host}:{port}"
    conn = InboundLink(host, port, password, timeout)
    try:
        with gevent.Timeout(
            timeout,
            FreeSwitchStartError(
                f"FreeSWITCH event socket at {where} did not answer within {timeout:g} s"
            ),
        ):
            conn.connect()
            conn.command(esl.event_subscription("plain", list(events)))
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
    return conn
