"""Asterisk Manager Interface: banner, actions, responses and events. Pure, no I/O.

What the captures of a real Asterisk 22 show:

- the banner is one line, ``Asterisk Call Manager/11.0.0``, before anything else;
- a message is ``Key: Value`` lines ending with an empty line (CRLF everywhere); a read
  may hold several messages or part of one, and a ``Command`` response's final CRLF can
  arrive in a separate segment;
- ``OriginateResponse`` is an *event* that also carries ``Response:`` and the
  ``ActionID``: a message is an event whenever it has ``Event:``;
- ``Command`` output comes as ``Output:`` lines (repeated keys are kept in order);
- a failed login answers ``Response: Error`` / ``Message: Authentication failed`` after
  about 1 s, then the connection closes.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from receptionist.protocols.errors import LocalProtocolError, RemoteProtocolError

EOL = "\r\n"
BANNER_PREFIX = "Asterisk Call Manager/"


def parse_banner(line: str) -> str:
    """The AMI version from the greeting line."""
    line = line.rstrip("\r\n")
    if not line.startswith(BANNER_PREFIX):
        raise RemoteProtocolError(f"not an AMI banner: {line!r}")
    return line[len(BANNER_PREFIX) :]


@dataclass
class Message:
    """One AMI message: headers in arrival order; repeated keys keep every value."""

    headers: list[tuple[str, str]] = field(default_factory=list)

    def get(self, key: str, default: str = "") -> str:
        k = key.lower()
        for name, value in self.headers:
            if name.lower() == k:
                return value
        return default

    def get_all(self, key: str) -> list[str]:
        k = key.lower()
        return [v for name, v in self.headers if name.lower() == k]

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and any(n.lower() == key.lower() for n, _ in self.headers)

    @property
    def event(self) -> str:
        return self.get("Event")

    @property
    def is_event(self) -> bool:
        """True for events, including ``OriginateResponse`` (which also has ``Response:``)."""
        return "Event" in self

    @property
    def is_response(self) -> bool:
        return not self.is_event and "Response" in self

    @property
    def action_id(self) -> str:
        return self.get("ActionID")

    @property
    def success(self) -> bool:
        return self.get("Response") in ("Success", "Goodbye", "Follows")

    @property
    def output(self) -> str:
        """A ``Command`` action's output lines, joined."""
        return "\n".join(self.get_all("Output"))

    def serialize(self) -> bytes:
        return ("".join(f"{k}: {v}{EOL}" for k, v in self.headers) + EOL).encode()


def parse_message(block: str) -> Message:
    """One message without its terminating empty line."""
    msg = Message()
    for line in block.split(EOL):
        line = line.rstrip("\r\n")
        if not line:
            continue
        key, sep, value = line.partition(":")
        if not sep:
            raise RemoteProtocolError(f"AMI line is not 'Key: Value': {line!r}")
        msg.headers.append((key.strip(), value[1:] if value.startswith(" ") else value))
    return msg


class MessageReader:
    """Feed bytes, get banner and messages. Buffers partial messages across reads."""

    def __init__(self, expect_banner: bool = True) -> None:
        self._buf = ""
        self.banner: str | None = None if expect_banner else ""

    def feed(self, data: bytes) -> list[Message]:
        self._buf += data.decode("utf-8", "replace")
        out: list[Message] = []
        if self.banner is None:
            line, sep, rest = self._buf.partition(EOL)
            if not sep:
                return out
            self.banner = parse_banner(line)
            self._buf = rest
        while True:
            block, sep, rest = self._buf.partition(EOL + EOL)
            if not sep:
                break
            self._buf = rest
            if block.strip():
                out.append(parse_message(block))
        return out


_ids = itertools.count(1)


def next_action_id(prefix: str = "receptionist") -> str:
    return f"{prefix}-{next(_ids)}"


def build_action(
    action: str,
    fields: Mapping[str, str] | Iterable[tuple[str, str]] = (),
    action_id: str | None = None,
) -> tuple[str, bytes]:
    """``(action_id, bytes)`` for one action. Repeated keys (``Variable``) as pairs."""
    pairs = list(fields.items()) if isinstance(fields, Mapping) else list(fields)
    aid = action_id or next_action_id()
    msg = Message([("Action", action), ("ActionID", aid), *pairs])
    for k, v in msg.headers:
        if EOL in v or "\n" in v or "\r" in v:
            raise LocalProtocolError(f"AMI header {k!r} must be one line: {v!r}")
    return aid, msg.serialize()


# Originate failure reasons (Asterisk's AST_CONTROL_* numbers in OriginateResponse Reason).
ORIGINATE_REASONS = {
    "0": "failed",
    "1": "hung up",
    "3": "no answer",
    "4": "answered",
    "5": "busy",
    "8": "congestion",
}


def originate_reason(event: Message) -> str:
    return ORIGINATE_REASONS.get(event.get("Reason"), f"reason {event.get('Reason')}")
