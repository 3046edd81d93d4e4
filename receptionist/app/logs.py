"""Logs without callers' personal data: phone numbers and the caller's own words are redacted
by default (ARCHITECTURE: operators see every rule hold, not every caller's number).

Set ``RECEPTIONIST_LOG_PII=1`` to log them in full while debugging on a site's own box.
"""

from __future__ import annotations

import logging
import os
import re

_DIGITS = re.compile(r"\+?\(?\d[\d\s()-]{5,}\d")
_QUOTED = re.compile(r"(?P<q>['\"])(?!<\d+ chars>)(?P<text>[^'\"]{3,})(?P=q)")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_UUID = re.compile(r"([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})")


def _number(match: re.Match[str]) -> str:
    run = match.group(0)
    digits = re.sub(r"\D", "", run)
    text = match.string
    before = text[max(0, match.start() - 1) : match.start()]
    after = text[match.end() : match.end() + 2]
    address = before in (".", ":") or after[:1] == ":" or re.match(r"\.\d", after)
    # Digits inside a word are part of an identifier (a call's uuid), not a phone number.
    inside = before.isalnum() or after[:1].isalnum()
    if len(digits) < 7 or _DATE.match(run) or address or inside:
        return run  # a date, a time, an address, a port or an id, not a phone number
    return "•" * 4 + digits[-2:]


def redact(text: str) -> str:
    """Quoted words (what a caller said) keep only their length; phone-like digit runs keep
    their last two digits."""
    text = _QUOTED.sub(lambda m: f"{m.group('q')}<{len(m.group('text'))} chars>{m.group('q')}",
                       text)  # fmt: skip
    # A call's uuid is an identifier even where a group of it is all digits ("-4272-4973-").
    parts = _UUID.split(text)  # odd items are the uuids
    return "".join(p if i % 2 else _DIGITS.sub(_number, p) for i, p in enumerate(parts))


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def setup_logging(verbose: bool = False, log_format: str | None = None) -> None:
    """Log to stderr at INFO (DEBUG with ``verbose``), as text or JSON lines: ``log_format``
    (the ``--log-format`` flag), else ``RECEPTIONIST_LOG_FORMAT``, else text until the config's
    ``[logging] format`` is known (``use_format``)."""
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO, format=TEXT_FORMAT)
    use_format(log_format or os.environ.get("RECEPTIONIST_LOG_FORMAT") or "text")
    if os.environ.get("RECEPTIONIST_LOG_PII") != "1":
        for handler in logging.getLogger().handlers:
            if not any(isinstance(f, RedactingFilter) for f in handler.filters):
                handler.addFilter(RedactingFilter())


def use_format(log_format: str) -> None:
    """Every root handler writes ``log_format``: "json" (one object a line) or "text"."""
    from receptionist.app.call_log import JsonFormatter

    formatter = JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)
    for handler in logging.getLogger().handlers:
        handler.setFormatter(formatter)
