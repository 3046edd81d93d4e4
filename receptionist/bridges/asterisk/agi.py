"""One FastAGI connection: read the ``agi_*`` environment, send commands, read results.

The I/O around ``protocols/agi.py``. Not panoramisk's ``fast_agi``: in 1.4 its handler
spins forever (freezing the event loop) on a connection that closes before the blank line,
reads only one line of a multi-line ``520-`` usage block, and takes a bare ``HANGUP`` line
for the reply to the next command, shifting every later reply by one.
"""

from __future__ import annotations

import asyncio
import logging

from receptionist.protocols import agi
from receptionist.protocols.errors import RemoteProtocolError

log = logging.getLogger(__name__)


class AgiChannel:
    """Asterisk's side of one FastAGI session, as seen by our server."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.environment = agi.AgiEnvironment()
        self.hung_up = False  # a bare HANGUP line arrived: the channel is gone
        self._results = agi.ResultReader()
        self._buffer = b""

    async def read_environment(self) -> agi.AgiEnvironment:
        """The ``agi_*`` block; ValueError if the connection closes inside it."""
        env_reader = agi.EnvironmentReader()
        while not env_reader.done:
            data = await self.reader.read(4096)
            if not data:
                env_reader.close()  # raises: closed inside the environment
            env_reader.feed(data)
        assert env_reader.environment is not None
        self.environment = env_reader.environment
        self._buffer = env_reader.rest
        return self.environment

    async def command(self, line: str) -> agi.AgiResult:
        """Send one command (from the ``agi`` builders) and return its result.

        Raises the ``agi.AgiError`` subclass for 510, 511, 520, ``result=-1`` and ``-2``.
        """
        self.writer.write(line.encode())
        await self.writer.drain()
        while True:
            got = self._results.feed_line(await self._read_line())
            if isinstance(got, agi.AgiResult):
                return got.raise_for_status(line.strip())
            if isinstance(got, agi.AgiHangup):
                self.hung_up = True
                log.info("channel %s hung up during the AGI", self.environment.channel)

    async def _read_line(self) -> str:
        while (nl := self._buffer.find(b"\n")) < 0:
            if len(self._buffer) > agi.MAX_LINE_BYTES:
                raise RemoteProtocolError(
                    f"FastAGI line longer than {agi.MAX_LINE_BYTES} bytes without a newline"
                )
            more = await self.reader.read(4096)
            if not more:
                raise ConnectionError("Asterisk closed the FastAGI connection")
            self._buffer += more
        raw, self._buffer = self._buffer[:nl], self._buffer[nl + 1 :]
        return raw.decode("utf-8", "replace")
