"""One error family for every wire format, split as h11 splits it: the peer sent something
wrong (``RemoteProtocolError``), or we were asked to send something wrong
(``LocalProtocolError``). Both are ``ValueError``s, so a reader that catches the family
catches everything a parser can raise on any bytes (checked by property tests)."""

from __future__ import annotations


class ProtocolError(ValueError):
    """Something on the wire is wrong."""


class RemoteProtocolError(ProtocolError):
    """What the peer sent can't be parsed: the connection that carried it ends, with this."""


class LocalProtocolError(ProtocolError):
    """What we were about to send is invalid: a bug or a bad setting on our side."""
