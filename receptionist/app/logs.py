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


def _number(match: re.Match[str]) -> str:
    run = match.group(0)
    digits = re.sub(r"\D", "", run)
    text = match.string
    before = text[max(0, match.start() - 1) : match.start()]
    after = text[match.end() : match.end() + 2]
    address = before in (".", ":") or after[:1] == ":" or re.match(r"\.\d", after)
    if len(digits) < 7 or _DATE.match(run) or address:
        return run  # a date, a time, an address or a port, not a phone number
    return "•" * 4 + digits[-2:]


def redact(text: str) -> str:
    """Quoted words (what a caller said) keep only their length; phone-like digit runs keep
    their last two digits."""
    text = _QUOTED.sub(lambda m: f"{m.group('q')}<{len(m.group('text'))} chars>{m.group('q')}",
                       text)  # fmt: skip
    return _DIGITS.sub(_number, text)


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def setup_logging(verbose: bool = False) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if os.environ.get("RECEPTIONIST_LOG_FORMAT") == "json":  # issue 12: one JSON object a line
        from receptionist.app.call_log import JsonFormatter

        for handler in logging.getLogger().handlers:
            handler.setFormatter(JsonFormatter())
    if os.environ.get("RECEPTIONIST_LOG_PII") != "1":
        for handler in logging.getLogger().handlers:
            if not any(isinstance(f, RedactingFilter) for f in handler.filters):
                handler.addFilter(RedactingFilter())
