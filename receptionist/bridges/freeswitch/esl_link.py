"""The ESL connections of the FreeSWITCH bridge, on their own gevent thread.

The boundary: the bridge sees ``GeventThread`` (start, stop, ``call`` from the loop,
``to_loop`` back), ``listen()`` (the switch's outbound sockets, one per call),
``open_inbound()`` (the event socket, logged in and subscribed) and ``EslLink``, one
connection: ``command(frame, timeout)``, ``close(reason)``, ``closed``, ``finish_call()``, and
two callbacks the bridge sets: ``sink`` (each non-reply frame) and ``on_closed`` (the reason,
once, after the last frame). Framing is ``protocols/esl.py``.

Threads
    gevent runs in ONE dedicated thread with its own hub, no monkey-patching. Everything else
    (media, pacing, the call layer) is on the asyncio loop. asyncio -> gevent:
    ``hub.loop.run_callback_threadsafe`` spawns a greenlet (``GeventThread.call``); gevent ->
    asyncio: ``loop.call_soon_threadsafe``. Media never crosses: UDP is on the loop, so a slow
    ESL connection can't stall any call's audio.

Why not greenswitch's classes
    The bridge used to subclass ``greenswitch.InboundESL`` / ``OutboundSession`` and override
    their private state (``_commands_sent``, ``_esl_event_queue``, ``_run``...), because:
    its reader spins forever when a socket closes mid-body, dies silently on a frame without
    ``Content-Type`` and mangles plain ``BACKGROUND_JOB`` bodies; its ``send`` can interleave
    two greenlets' bytes and waits for ever for a reply (and after a missed reply every later
    reply goes to the wrong command); ``call_command(block=True)`` waits on the *application
    name*, so two ``record_session`` calls could take each other's completion; and
    ``OutboundESLServer.listen()`` calls ``sys.exit()`` when the port is taken. With the
    reader, the sender, the dispatcher and the listener all replaced, what was left of
    greenswitch was ``socket.connect`` and the ``auth`` line, so this module does those too:
    sends are serialized under a lock, a reply that doesn't come in time closes the
    connection, every ``execute`` carries an ``Event-UUID`` and waits for the
    ``CHANNEL_EXECUTE_COMPLETE`` with that ``Application-UUID`` (``leg.py``), and a malformed
    frame or EOF mid-frame closes the connection with a reason that names the problem, failing
    every waiting command at once.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import gevent
import gevent.event
import gevent.lock
import gevent.socket

from receptionist.bridges.allow import PeerAllowList
from receptionist.bridges.freeswitch.leg import (
    FreeSwitchError,
    FreeSwitchLinkError,
    FreeSwitchStartError,
)
from receptionist.protocols import esl

__all__ = ["EslLink", "GeventThread", "listen", "open_inbound"]

log = logging.getLogger(__name__)
T = TypeVar("T")


class GeventThread:
    """The one thread that runs gevent (the ESL connections), with its own hub."""

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


class EslLink:
    """One ESL connection, read and written on the gevent thread (see the module docstring).

    Replies are matched to commands first-in-first-out, which is how ESL answers; every
    other frame goes to ``sink``; ``on_closed(reason)`` comes once, after the last frame.
    """

    def __init__(
        self, sock: Any, name: str, timeout: float, max_body: int = esl.MAX_BODY_BYTES
    ) -> None:
        self.name = name
        self.sock = sock
        self.connected = True
        self.lingering = False  # the switch said it lingers: hangup events still come
        self.closed = gevent.event.Event()
        self.sink: Callable[[esl.EslFrame], None] | None = None
        self.on_closed: Callable[[str], None] | None = None
        self._parser = esl.EslParser(name, max_body)
        self.on_finished: Callable[[EslLink], None] | None = None  # gevent side, at the end
        self._send_lock = gevent.lock.Semaphore()
        self._replies: collections.deque[gevent.event.AsyncResult] = collections.deque()
        self._reply_timeout = timeout
        self._auth_request = gevent.event.Event()
        self._close_reason = ""
        self._reader = gevent.spawn(self._read)

    def _read(self) -> None:
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
            self._auth_request.set()
        elif isinstance(frame, (esl.CommandReply, esl.ApiResponse)):
            if not self._replies:
                text = frame.reply_text if isinstance(frame, esl.CommandReply) else frame.text
                raise ValueError(f"{self.name}: reply {text[:60]!r} with no command waiting for it")
            self._replies.popleft().set(frame)
        elif isinstance(frame, esl.RudeRejection):
            raise ValueError(f"{self.name}: FreeSWITCH rejected the connection: {frame.body!r}")
        else:
            if isinstance(frame, esl.DisconnectNotice) and frame.disposition == "linger":
                self.lingering = True
            if self.sink is not None:
                self.sink(frame)

    def _finish(self, reason: str) -> None:
        self._close_reason = reason
        self.connected = False
        error = FreeSwitchLinkError(reason)
        while self._replies:
            self._replies.popleft().set_exception(error)
        self._auth_request.set()  # a login waiting for auth/request stops waiting
        try:
            self.sock.close()
        except OSError:
            pass
        self.closed.set()
        if self.on_finished is not None:
            self.on_finished(self)
        if self.on_closed is not None:
            self.on_closed(reason)

    def wait_for_auth_request(self) -> None:
        """Inbound only: the switch greets with ``auth/request`` before anything else."""
        self._auth_request.wait()
        if not self.connected:
            raise FreeSwitchLinkError(self._close_reason or f"{self.name}: closed before auth")

    def command(self, frame: bytes, timeout: float | None = None) -> esl.EslFrame:
        """Send one command and return its reply; a late reply closes the connection."""
        if not self.connected:
            raise FreeSwitchLinkError(self._close_reason or f"{self.name}: not connected")
        result = gevent.event.AsyncResult()
        with self._send_lock:  # one FIFO slot and one write, never interleaved
            self._replies.append(result)
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
        """Outbound: end the call's socket (``exit`` first when the call is ours to end)."""
        if send_exit and self.connected:
            try:
                self.command(esl.exit_(), timeout=1.0)
            except FreeSwitchError:
                pass
        self.close()
        self.closed.wait(2.0)


def listen(
    host: str,
    port: int,
    timeout: float,
    on_session: Callable[[EslLink], None],
    max_connections: int = 64,
    peers: PeerAllowList | None = None,
) -> Any:
    """Gevent thread: listen for the switch's outbound sockets; each accepted one becomes an
    ``EslLink`` handed to ``on_session``. Returns the listening socket (close it
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
    on_session: Callable[[EslLink], None],
    max_connections: int,
    peers: PeerAllowList | None,
) -> None:
    open_links: set[EslLink] = set()
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
        link = EslLink(sock, f"call socket from {address[0]}:{address[1]}", timeout,
                       esl.MAX_CALL_BODY_BYTES)  # fmt: skip
        open_links.add(link)
        link.on_finished = open_links.discard
        on_session(link)


def open_inbound(
    host: str, port: int, password: str, timeout: float, events: Sequence[str]
) -> EslLink:
    """Gevent thread: connect and log in to the event socket, subscribe to ``events``.
    Raises ``FreeSwitchStartError`` saying what went wrong (unreachable, password, silence)."""
    where = f"{host}:{port}"
    try:
        sock = gevent.socket.create_connection((host, port), timeout=timeout)
    except OSError as exc:
        raise FreeSwitchStartError(
            f"can't connect to the FreeSWITCH event socket at {where}: {exc}"
        ) from None
    sock.settimeout(None)
    conn = EslLink(sock, f"inbound ESL {where}", timeout)
    try:
        with gevent.Timeout(
            timeout,
            FreeSwitchStartError(
                f"FreeSWITCH event socket at {where} did not answer within {timeout:g} s"
            ),
        ):
            conn.wait_for_auth_request()
            reply = conn.command(esl.auth(password))
            if not (isinstance(reply, esl.CommandReply) and reply.ok):
                raise FreeSwitchStartError(
                    f"FreeSWITCH event socket at {where} refused the password "
                    "(-ERR invalid): check esl_password"
                )
            conn.command(esl.event_subscription("plain", list(events)))
    except FreeSwitchLinkError as exc:
        conn.close()
        raise FreeSwitchStartError(
            f"can't connect to the FreeSWITCH event socket at {where}: {exc}"
        ) from None
    except FreeSwitchStartError:
        conn.close()
        raise
    return conn
