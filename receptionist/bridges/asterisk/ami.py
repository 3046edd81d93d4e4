"""AMI for the Asterisk bridge: panoramisk's ``Manager`` behind ``AmiClient``.

The boundary: ``AmiClient`` (start, stop, ``action(name, fields, timeout_s)``, ``connected``)
and its three errors. panoramisk is imported here and nowhere else.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

from panoramisk import Manager

from receptionist import telemetry
from receptionist.bridges.asterisk.settings import AsteriskSettings

__all__ = ["AmiActionError", "AmiClient", "AmiUnavailable", "AsteriskStartupError"]

log = logging.getLogger(__name__)


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
        self._event_handlers: list[tuple[str, Callable[[dict[str, str]], None]]] = []
        self.on_lost: Callable[[], None] | None = None  # events may have been missed

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
        for name, handler in self._event_handlers:
            m.register_event(name, _event_callback(handler))
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
        if self.on_lost is not None:
            self.on_lost()

    def on_event(self, name: str, handler: Callable[[dict[str, str]], None]) -> None:
        """Call ``handler(fields)`` for each AMI event ``name``; register before ``start``."""
        self._event_handlers.append((name, handler))

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


def _event_callback(handler: Callable[[dict[str, str]], None]) -> Callable[[Any, Any], None]:
    def callback(_manager: Any, message: Any) -> None:
        handler(dict(message.items()))

    return callback
