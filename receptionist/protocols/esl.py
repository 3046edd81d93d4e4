"""FreeSWITCH event-socket (ESL) framing and commands, pure: bytes in, typed frames out.

An ESL message is a header block (``Name: value`` lines, ended by a blank line), then
``Content-Length`` bytes of body when that header is present. What the body means depends
on ``Content-Type``:

- ``command/reply``: no body; the answer is ``Reply-Text``. The outbound ``connect`` reply
  is one such block that also carries the whole channel data, URL-encoded.
- ``api/response``: the body is the command's output (not always newline-terminated).
- ``text/event-plain``: the body is another header block, URL-encoded, optionally with its
  own ``Content-Length`` and body (``BACKGROUND_JOB`` carries the job's output that way).
- ``text/event-json``: the body is a JSON object; the event's own body is its ``_body`` key.
- ``text/disconnect-notice``: ``Content-Disposition`` says ``linger`` or ``disconnect``.

``EslParser.feed()`` takes whatever a read returned and gives every complete frame; frames
split across reads wait in the buffer. Bad input raises ``ValueError`` naming the problem.
Command builders return the exact bytes to write, blank line included.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from urllib.parse import unquote

from receptionist.protocols.errors import LocalProtocolError, RemoteProtocolError

__all__ = [
    "ApiResponse",
    "AuthRequest",
    "CommandReply",
    "DisconnectNotice",
    "EslEvent",
    "EslFrame",
    "EslParser",
    "RudeRejection",
    "api",
    "auth",
    "bgapi",
    "connect",
    "event_subscription",
    "exit_",
    "linger",
    "myevents",
    "parse_frames",
    "sendmsg_execute",
    "sendmsg_hangup",
    "sendmsg_unicast",
]

MAX_HEADER_BYTES = 256 * 1024  # the connect reply is ~7 KB; anything this big is garbage
MAX_BODY_BYTES = 16 * 1024 * 1024  # the inbound link: an api reply may list a lot
# A call's outbound socket carries only that call's events (the largest, CHANNEL_DATA, is ~7 KB):
# a bigger body is garbage, and there may be many such sockets at once.
MAX_CALL_BODY_BYTES = 1024 * 1024

Headers = tuple[tuple[str, str], ...]


def _decode_headers(raw: Headers) -> dict[str, str]:
    return {name: unquote(value) for name, value in raw}


def _parse_header_block(block: bytes, where: str) -> Headers:
    """``Name: value`` lines (no trailing blank line) -> ordered raw pairs."""
    try:
        text = block.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RemoteProtocolError(
            f"{where}: header block is not UTF-8 ({exc.reason} at byte {exc.start})"
        ) from None
    pairs: list[tuple[str, str]] = []
    for number, line in enumerate(text.split("\n"), start=1):
        name, sep, value = line.partition(": ")
        if not sep:
            # "Name:" with an empty value is legal; a line with no colon at all is not.
            if line.endswith(":") and line[:-1] and " " not in line:
                name, value = line[:-1], ""
            else:
                raise RemoteProtocolError(
                    f"{where}: header line {number} has no 'Name: value': {line[:80]!r}"
                )
        if not name or name != name.strip():
            raise RemoteProtocolError(
                f"{where}: header line {number} has a bad name: {line[:80]!r}"
            )
        pairs.append((name, value))
    return tuple(pairs)


def _content_length(headers: dict[str, str], where: str, limit: int = MAX_BODY_BYTES) -> int:
    raw = headers.get("Content-Length")
    if raw is None:
        return 0
    if not raw.isdigit():
        raise RemoteProtocolError(f"{where}: Content-Length is not a number: {raw!r}")
    length = int(raw)
    if length > limit:
        raise RemoteProtocolError(f"{where}: Content-Length {length} exceeds {limit}")
    return length


@dataclass(frozen=True)
class EslFrame:
    """One message as it came off the wire: ordered raw headers and the body bytes."""

    raw_headers: Headers
    body: bytes = b""

    @property
    def headers(self) -> dict[str, str]:
        return dict(self.raw_headers)

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "")

    def serialize(self) -> bytes:
        head = "".join(f"{name}: {value}\n" for name, value in self.raw_headers)
        return head.encode("utf-8") + b"\n" + self.body


@dataclass(frozen=True)
class AuthRequest(EslFrame):
    pass


@dataclass(frozen=True)
class CommandReply(EslFrame):
    """``+OK ...`` / ``-ERR ...``. For the outbound connect reply ``channel`` holds the
    decoded channel data (``Unique-ID``, ``Caller-Caller-ID-Number``, ``variable_*``)."""

    @property
    def reply_text(self) -> str:
        return (
            self.channel.get("Reply-Text", "")
            if self.channel
            else self.headers.get("Reply-Text", "")
        )

    @property
    def ok(self) -> bool:
        return self.reply_text.startswith("+OK")

    @property
    def channel(self) -> dict[str, str]:
        headers = self.headers
        if headers.get("Event-Name") != "CHANNEL_DATA":
            return {}
        return _decode_headers(self.raw_headers)


@dataclass(frozen=True)
class ApiResponse(EslFrame):
    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    @property
    def ok(self) -> bool:
        return self.text.startswith("+OK")


@dataclass(frozen=True)
class EslEvent(EslFrame):
    """A plain or JSON event. ``fields`` are decoded; ``event_body`` is the event's own body."""

    fields: dict[str, str] = field(default_factory=dict, compare=False)
    event_body: str = ""

    @property
    def name(self) -> str:
        return self.fields.get("Event-Name", "")

    @property
    def uuid(self) -> str:
        return self.fields.get("Unique-ID", "")

    def get(self, key: str, default: str = "") -> str:
        return self.fields.get(key, default)


@dataclass(frozen=True)
class DisconnectNotice(EslFrame):
    @property
    def disposition(self) -> str:
        """``linger``, ``disconnect``, or empty (inbound connections send none)."""
        return self.headers.get("Content-Disposition", "")

    @property
    def linger_time(self) -> int | None:
        raw = self.headers.get("Linger-Time")
        return int(raw) if raw is not None and raw.lstrip("-").isdigit() else None


@dataclass(frozen=True)
class RudeRejection(EslFrame):
    pass


def _parse_event(raw: Headers, body: bytes, content_type: str, where: str) -> EslEvent:
    if content_type == "text/event-json":
        try:
            obj = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
            # RecursionError: a body nested deeper than the parser's stack ("[[[[...").
            raise RemoteProtocolError(f"{where}: JSON event body does not parse: {exc}") from None
        if not isinstance(obj, dict):
            raise RemoteProtocolError(
                f"{where}: JSON event body is a {type(obj).__name__}, not an object"
            )
        fields = {str(k): str(v) for k, v in obj.items() if k != "_body"}
        event_body = str(obj.get("_body", ""))
    else:
        # The event's own header block, then (BACKGROUND_JOB) its own Content-Length body.
        inner_head, sep, rest = body.partition(b"\n\n")
        if not sep:
            inner_head, rest = body.rstrip(b"\n"), b""
        inner = _parse_header_block(inner_head, f"{where} (event headers)")
        fields = _decode_headers(inner)
        inner_length = _content_length(fields, f"{where} (event headers)")
        if len(rest) < inner_length:
            raise RemoteProtocolError(
                f"{where}: event declares a {inner_length}-byte body, {len(rest)} arrived"
            )
        event_body = rest[:inner_length].decode("utf-8", errors="replace")
    if "Event-Name" not in fields:
        raise RemoteProtocolError(f"{where}: event has no Event-Name")
    return EslEvent(raw, body, fields=fields, event_body=event_body)


_SIMPLE: dict[str, type[EslFrame]] = {
    "auth/request": AuthRequest,
    "command/reply": CommandReply,
    "api/response": ApiResponse,
    "text/disconnect-notice": DisconnectNotice,
    "text/rude-rejection": RudeRejection,
}


def _typed(raw: Headers, body: bytes, where: str) -> EslFrame:
    content_type = dict(raw).get("Content-Type")
    if content_type is None:
        names = ", ".join(name for name, _ in raw[:4])
        raise RemoteProtocolError(f"{where}: frame has no Content-Type (headers: {names})")
    if content_type in ("text/event-plain", "text/event-json"):
        return _parse_event(raw, body, content_type, where)
    kind = _SIMPLE.get(content_type)
    if kind is None:
        raise RemoteProtocolError(f"{where}: unknown Content-Type {content_type!r}")
    return kind(raw, body)


class EslParser:
    """Incremental ESL parser. ``feed(bytes) -> [frames]``; call ``close()`` at EOF."""

    def __init__(self, name: str = "ESL", max_body: int = MAX_BODY_BYTES) -> None:
        self._name = name
        self._max_body = max_body
        self._buffer = bytearray()
        self._headers: Headers | None = None
        self._body_length = 0
        self.frames_parsed = 0

    @property
    def needed(self) -> int:
        """Body bytes still missing for the frame in progress (0 when reading headers)."""
        if self._headers is None:
            return 0
        return max(self._body_length - len(self._buffer), 0)

    def feed(self, data: bytes) -> list[EslFrame]:
        self._buffer += data
        frames: list[EslFrame] = []
        while True:
            frame = self._next()
            if frame is None:
                return frames
            frames.append(frame)

    def _where(self) -> str:
        return f"{self._name} frame {self.frames_parsed + 1}"

    def _next(self) -> EslFrame | None:
        if self._headers is None:
            # FreeSWITCH never sends stray blank lines, but tolerate them between frames.
            while self._buffer[:1] == b"\n":
                del self._buffer[:1]
            end = self._buffer.find(b"\n\n")
            if end < 0:
                if len(self._buffer) > MAX_HEADER_BYTES:
                    raise RemoteProtocolError(
                        f"{self._where()}: no blank line after {len(self._buffer)} header bytes"
                    )
                return None
            raw = _parse_header_block(bytes(self._buffer[:end]), self._where())
            del self._buffer[: end + 2]
            self._headers = raw
            self._body_length = _content_length(dict(raw), self._where(), self._max_body)
        if len(self._buffer) < self._body_length:
            return None
        body = bytes(self._buffer[: self._body_length])
        del self._buffer[: self._body_length]
        raw, self._headers = self._headers, None
        frame = _typed(raw, body, self._where())
        self.frames_parsed += 1
        return frame

    def close(self) -> None:
        """The peer closed the connection: complain if it did so in the middle of a frame."""
        if self._headers is not None:
            raise RemoteProtocolError(
                f"{self._where()}: connection closed mid-body, "
                f"{len(self._buffer)} of {self._body_length} body bytes arrived"
            )
        if self._buffer.strip(b"\n"):
            raise RemoteProtocolError(
                f"{self._where()}: connection closed mid-headers, "
                f"{len(self._buffer)} bytes without a blank line"
            )


def parse_frames(data: bytes, name: str = "ESL") -> list[EslFrame]:
    """Parse a whole byte stream (a capture) that must end on a frame boundary."""
    parser = EslParser(name)
    frames = parser.feed(data)
    parser.close()
    return frames


# --- commands -------------------------------------------------------------------------


def _check(value: str, what: str) -> str:
    if "\n" in value or "\r" in value:
        raise LocalProtocolError(f"{what} contains a line break: {value!r}")
    return value


def _command(line: str, headers: list[tuple[str, str]] = ()) -> bytes:  # type: ignore[assignment]
    text = _check(line, "ESL command") + "\n"
    for name, value in headers:
        text += f"{_check(name, 'header name')}: {_check(value, name)}\n"
    return (text + "\n").encode("utf-8")


def connect() -> bytes:
    return _command("connect")


def auth(password: str) -> bytes:
    if not password or " " in password:
        raise LocalProtocolError("ESL password must be one non-empty word")
    return _command(f"auth {password}")


def myevents(fmt: str = "") -> bytes:
    return _command(f"myevents {fmt}".rstrip())


def event_subscription(fmt: str, names: list[str]) -> bytes:
    if fmt not in ("plain", "json"):
        raise LocalProtocolError(f"event format must be plain or json, not {fmt!r}")
    if not names:
        raise LocalProtocolError("event subscription needs at least one event name")
    return _command(f"event {fmt} " + " ".join(names))


def linger(seconds: int | None = None) -> bytes:
    if seconds is not None and seconds <= 0:
        raise LocalProtocolError(f"linger seconds must be positive, not {seconds}")
    return _command("linger" if seconds is None else f"linger {seconds}")


def exit_() -> bytes:
    return _command("exit")


def api(command: str) -> bytes:
    if not command.strip():
        raise LocalProtocolError("api command is empty")
    return _command(f"api {command}")


def bgapi(command: str, job_uuid: str) -> bytes:
    if not command.strip():
        raise LocalProtocolError("bgapi command is empty")
    if not job_uuid:
        raise LocalProtocolError("bgapi needs a Job-UUID")
    return _command(f"bgapi {command}", [("Job-UUID", job_uuid)])


def _sendmsg_line(uuid: str | None) -> str:
    return f"sendmsg {uuid}" if uuid else "sendmsg"


def sendmsg_execute(
    app: str,
    arg: str | None = None,
    *,
    event_uuid: str | None = None,
    uuid: str | None = None,
    event_lock: bool = False,
) -> bytes:
    """``execute`` an application; the switch echoes ``event_uuid`` as ``Application-UUID``
    in the matching ``CHANNEL_EXECUTE``/``CHANNEL_EXECUTE_COMPLETE``."""
    if not app or " " in app:
        raise LocalProtocolError(f"application name must be one word, not {app!r}")
    headers = [("call-command", "execute"), ("execute-app-name", app)]
    if arg:
        headers.append(("execute-app-arg", arg))
    if event_lock:
        headers.append(("event-lock", "true"))
    if event_uuid:
        headers.append(("Event-UUID", event_uuid))
    return _command(_sendmsg_line(uuid), headers)


def sendmsg_unicast(
    local_ip: str,
    local_port: int,
    remote_ip: str,
    remote_port: int,
    *,
    uuid: str | None = None,
    transport: str = "udp",
    flags: str | None = None,
) -> bytes:
    """Start unicast media: the switch binds ``local_ip:local_port`` and sends the channel's
    audio to ``remote_ip:remote_port`` (ours)."""
    for what, port in (("local-port", local_port), ("remote-port", remote_port)):
        if not 0 < port < 65536:
            raise LocalProtocolError(f"unicast {what} {port} is not a UDP port")
    headers = [
        ("call-command", "unicast"),
        ("local-ip", local_ip),
        ("local-port", str(local_port)),
        ("remote-ip", remote_ip),
        ("remote-port", str(remote_port)),
        ("transport", transport),
    ]
    if flags:
        headers.append(("flags", flags))
    return _command(_sendmsg_line(uuid), headers)


def sendmsg_hangup(cause: str = "NORMAL_CLEARING", *, uuid: str | None = None) -> bytes:
    return _command(_sendmsg_line(uuid), [("call-command", "hangup"), ("hangup-cause", cause)])
