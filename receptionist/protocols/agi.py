"""FastAGI: the ``agi_*`` environment, command lines and result lines. Pure, no I/O.

What the captures of a real Asterisk 22 show:

- the environment is ``key: value`` lines ending with a blank line, possibly split over
  several reads; ``agi_arg_N`` carries the dialplan's arguments;
- results: ``200 result=53 endpos=13600`` (STREAM FILE stopped by digit '5'),
  ``200 result=1 (value)`` (GET VARIABLE), ``200 result= (timeout)`` (GET DATA),
  ``200 result=-1`` (error or hangup), ``200 result=-2`` (EXEC of an unknown app),
  ``510 Invalid or unknown command``, a multi-line ``520-`` usage block ending ``520 ...``,
  and ``511 Command Not Permitted on a dead channel...``;
- a bare ``HANGUP`` line arrives when the channel dies, before a reply or between commands.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from receptionist.protocols.errors import LocalProtocolError, RemoteProtocolError


class AgiError(Exception):
    """Asterisk refused or failed an AGI command."""

    def __init__(self, command: str, result: AgiResult) -> None:
        self.command = command
        self.result = result
        super().__init__(f"AGI {command!r} failed: {result.line}")


class AgiInvalidCommand(AgiError):
    """510: Asterisk doesn't know the command."""


class AgiDeadChannel(AgiError):
    """511: the channel hung up; ANSWER, STREAM FILE, CHANNEL STATUS are refused."""


class AgiUsageError(AgiError):
    """520: wrong arguments; ``result.usage`` holds Asterisk's usage text."""


class AgiCommandFailed(AgiError):
    """200 result=-1: the command failed or the channel hung up during it."""


class AgiUnknownApplication(AgiError):
    """200 result=-2: EXEC of an application Asterisk doesn't have."""


# ---------------------------------------------------------------- environment


@dataclass
class AgiEnvironment:
    """The ``agi_*`` block Asterisk sends first on a FastAGI connection."""

    variables: dict[str, str] = field(default_factory=dict)

    def get(self, key: str, default: str = "") -> str:
        return self.variables.get(key, default)

    @property
    def channel(self) -> str:
        return self.get("agi_channel")

    @property
    def uniqueid(self) -> str:
        return self.get("agi_uniqueid")

    @property
    def caller_id(self) -> str:
        return _known(self.get("agi_callerid"))

    @property
    def caller_name(self) -> str:
        return _known(self.get("agi_calleridname"))

    @property
    def called_number(self) -> str:
        """The dialled number (``agi_dnid``), else the extension the dialplan ran in."""
        return _known(self.get("agi_dnid")) or self.get("agi_extension")

    @property
    def script(self) -> str:
        """``agi_network_script`` without its query string: the route."""
        return self.get("agi_network_script").split("?", 1)[0]

    @property
    def args(self) -> list[str]:
        out = []
        n = 1
        while f"agi_arg_{n}" in self.variables:
            out.append(self.variables[f"agi_arg_{n}"])
            n += 1
        return out


def _known(value: str) -> str:
    return "" if value in ("unknown", "<unknown>") else value


class EnvironmentReader:
    """Feed bytes; ``done`` once the blank line arrived. ``rest`` is what came after it."""

    MAX_BYTES = 16384

    def __init__(self) -> None:
        self._buf = bytearray()
        self.environment: AgiEnvironment | None = None
        self.rest = b""

    @property
    def done(self) -> bool:
        return self.environment is not None

    def feed(self, data: bytes) -> bool:
        self._buf += data
        end = self._buf.find(b"\n\n")
        if end < 0:
            if self._buf.startswith(b"\n"):
                end = -1
            elif len(self._buf) > self.MAX_BYTES:
                raise RemoteProtocolError(
                    f"AGI environment exceeds {self.MAX_BYTES} bytes without a blank line"
                )
            else:
                return False
        block, self.rest = bytes(self._buf[: max(end, 0)]), bytes(self._buf[end + 2 :])
        self.environment = parse_environment(block)
        return True

    def close(self) -> None:
        if not self.done:
            raise RemoteProtocolError(
                f"FastAGI connection closed inside the agi_* environment "
                f"({len(self._buf)} bytes, no blank line)"
            )


def parse_environment(block: bytes | str) -> AgiEnvironment:
    text = block.decode("utf-8", "replace") if isinstance(block, bytes) else block
    env = AgiEnvironment()
    for number, line in enumerate(text.split("\n"), 1):
        if not line:
            continue
        key, sep, value = line.partition(": ")
        if not sep:
            # "agi_accountcode: " loses nothing; "key:" with no space is the same thing
            key, sep, value = line.partition(":")
        if not sep or not key.startswith("agi_"):
            raise RemoteProtocolError(
                f"AGI environment line {number} is not 'agi_key: value': {line!r}"
            )
        env.variables[key] = value
    return env


def serialize_environment(env: AgiEnvironment) -> bytes:
    return "".join(f"{k}: {v}\n" for k, v in env.variables.items()).encode() + b"\n"


# ---------------------------------------------------------------- commands


def quote(arg: str) -> str:
    """One AGI argument: double-quoted, with backslash escapes (Asterisk's own parser)."""
    return '"' + arg.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _check_line(command: str) -> str:
    if "\n" in command or "\r" in command:
        raise LocalProtocolError(f"AGI command must be one line: {command!r}")
    return command + "\n"


def answer() -> str:
    return _check_line("ANSWER")


def hangup() -> str:
    return _check_line("HANGUP")


def channel_status() -> str:
    return _check_line("CHANNEL STATUS")


def get_variable(name: str) -> str:
    return _check_line(f"GET VARIABLE {name}")


def get_full_variable(expression: str) -> str:
    return _check_line(f"GET FULL VARIABLE {quote(expression)}")


def set_variable(name: str, value: str) -> str:
    return _check_line(f"SET VARIABLE {name} {quote(value)}")


def verbose(message: str, level: int = 1) -> str:
    return _check_line(f"VERBOSE {quote(message)} {level}")


def exec_app(application: str, data: str = "") -> str:
    return _check_line(f"EXEC {application} {data}".rstrip())


def stream_file(name: str, escape_digits: str = "") -> str:
    return _check_line(f"STREAM FILE {name} {quote(escape_digits)}")


def wait_for_digit(timeout_ms: int) -> str:
    return _check_line(f"WAIT FOR DIGIT {timeout_ms}")


# ---------------------------------------------------------------- results

_RESULT = re.compile(
    r"^result=(?P<result>\S*)(?:\s+\((?P<data>.*)\))?(?P<extra>(?:\s+\S+=\S*)*)\s*$"
)


@dataclass(frozen=True)
class AgiResult:
    code: int
    result: str = ""
    data: str | None = None  # the "(...)" part: a variable's value, "timeout"
    extra: dict[str, str] = field(default_factory=dict)  # endpos=13600
    line: str = ""
    usage: str = ""  # the body of a 520 block

    @property
    def ok(self) -> bool:
        return self.code == 200 and self.result not in ("-1", "-2")

    @property
    def value(self) -> int | None:
        """``result`` as a number (an empty result, a GET DATA timeout, is None)."""
        try:
            return int(self.result)
        except ValueError:
            return None

    @property
    def digit(self) -> str | None:
        """The digit a STREAM FILE or WAIT FOR DIGIT returned (ASCII code), None if none."""
        v = self.value
        return chr(v) if v is not None and v > 0 else None

    def raise_for_status(self, command: str) -> AgiResult:
        """Turn Asterisk's failure codes into our exceptions; return self on success."""
        if self.code == 510:
            raise AgiInvalidCommand(command, self)
        if self.code == 511:
            raise AgiDeadChannel(command, self)
        if self.code == 520:
            raise AgiUsageError(command, self)
        if self.code != 200:
            raise AgiError(command, self)
        if self.result == "-1":
            raise AgiCommandFailed(command, self)
        if self.result == "-2":
            raise AgiUnknownApplication(command, self)
        return self


@dataclass(frozen=True)
class AgiHangup:
    """A bare ``HANGUP`` line: the channel is gone (not a reply to any command)."""


def parse_agi_result(line: str) -> AgiResult | AgiHangup:
    """One result line (without its newline). Multi-line 520 blocks: use ``ResultReader``."""
    line = line.rstrip("\r\n")
    if line == "HANGUP":
        return AgiHangup()
    code_text, _, rest = line.partition(" ")
    if len(code_text) != 3 or not code_text.isdigit():
        if code_text[:4].rstrip("-").isdigit() and code_text[3:4] == "-":
            raise LocalProtocolError(f"AGI 520- usage block must go through ResultReader: {line!r}")
        raise RemoteProtocolError(f"AGI result line doesn't start with a 3-digit code: {line!r}")
    code = int(code_text)
    if code != 200:
        return AgiResult(code=code, line=line, usage=rest)
    m = _RESULT.match(rest)
    if m is None:
        raise RemoteProtocolError(f"AGI 200 result without 'result=': {line!r}")
    extra = dict(kv.split("=", 1) for kv in m.group("extra").split())
    return AgiResult(code, m.group("result"), m.group("data"), extra, line)


MAX_LINE_BYTES = 8192  # Asterisk's longest line (a usage line, a result) is far shorter
MAX_USAGE_LINES = 200  # Asterisk's longest usage block has a few dozen lines


class ResultReader:
    """Feed lines from Asterisk, get results and hangup notices in order.

    Collects a ``520-`` usage block until its ``520 `` line, so the next command doesn't
    read the leftover usage text as its reply; a block that never ends is an error after
    ``MAX_USAGE_LINES`` lines, not a growing list.
    """

    def __init__(self) -> None:
        self._usage: list[str] | None = None
        self._usage_first = ""

    def feed_line(self, line: str) -> AgiResult | AgiHangup | None:
        line = line.rstrip("\r\n")
        if self._usage is not None:
            if line.startswith("520 "):
                usage = "\n".join(self._usage)
                first, self._usage = self._usage_first, None
                return AgiResult(520, line=first, usage=usage)
            if len(self._usage) >= MAX_USAGE_LINES:
                raise RemoteProtocolError(
                    f"AGI 520- usage block runs past {MAX_USAGE_LINES} lines without its "
                    "closing '520 ' line"
                )
            self._usage.append(line[:MAX_LINE_BYTES])
            return None
        if line.startswith("520-"):
            self._usage, self._usage_first = [], line
            return None
        if not line:
            return None
        return parse_agi_result(line)
