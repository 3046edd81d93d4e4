"""Our end of FreeSWITCH ``unicast`` media: one UDP socket per leg, on the asyncio loop.

The switch sends one datagram per 20 ms (320 bytes of 16-bit little-endian PCM at 8 kHz)
from its ``local-port`` and plays whatever 320-byte datagrams come back, unpaced. Facts
from the captures that shape this class:

- the switch sends from the ``local-ip:local-port`` we announced to it: only a datagram from
  that port (and that address, unless the switch binds every address) can take the lock, and
  once locked, anything from elsewhere is dropped: a local sender spraying our media ports
  can't take a call's audio;
- a datagram of any other size is dropped (and counted), never passed on;
- we never send an empty datagram: one stops the switch reading our audio for good.

Frames go out from the real-time sender thread (``media/sender.py``) through a duplicate of
the socket (``ThreadSafeSocket``); the loop only reads.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable
from typing import cast

from receptionist.media.sender import ThreadSafeSocket

log = logging.getLogger(__name__)

Address = tuple[str, int]


class UnicastEndpoint(asyncio.DatagramProtocol):
    """A bound UDP socket that hands frames from the locked peer to ``on_frame``."""

    def __init__(self, name: str, frame_size: int, on_frame: Callable[[bytes], None]) -> None:
        self.name = name
        self.frame_size = frame_size
        self._on_frame = on_frame
        self._transport: asyncio.DatagramTransport | None = None
        self._out: ThreadSafeSocket | None = None
        self.port = 0
        self.peer: Address | None = None
        self.expect_ip = ""  # when set, only a datagram from this address can take the lock
        self.expect_port = 0  # when set, only a datagram from this port can take the lock
        self.first_packet: asyncio.Future[Address] = asyncio.get_running_loop().create_future()
        self.frames_in = 0
        self.frames_out = 0
        self.dropped_foreign = 0
        self.dropped_size = 0

    @classmethod
    async def open(
        cls,
        name: str,
        frame_size: int,
        on_frame: Callable[[bytes], None],
        host: str,
        port_min: int,
        port_max: int,
    ) -> UnicastEndpoint:
        """Bind the first free port of ``port_min..port_max`` (tried from a random start)."""
        loop = asyncio.get_running_loop()
        ports = list(range(port_min, port_max + 1))
        start = random.randrange(len(ports))
        last_error: OSError | None = None
        for port in ports[start:] + ports[:start]:
            endpoint = cls(name, frame_size, on_frame)
            try:
                await loop.create_datagram_endpoint(_factory(endpoint), local_addr=(host, port))
            except OSError as exc:
                last_error = exc
                continue
            endpoint.port = port
            return endpoint
        raise OSError(
            f"no free UDP port for unicast media on {host}:{port_min}-{port_max}"
            + (f" (last error: {last_error.strerror})" if last_error else "")
        )

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = cast(asyncio.DatagramTransport, transport)
        self._out = ThreadSafeSocket(transport.get_extra_info("socket"))

    def datagram_received(self, data: bytes, addr: Address) -> None:
        source = (addr[0], addr[1])
        if self.peer is None:
            if (self.expect_ip and source[0] != self.expect_ip) or (
                self.expect_port and source[1] != self.expect_port
            ):
                self.dropped_foreign += 1  # not the switch: don't let it take the lock
                if self.dropped_foreign in (1, 1000):
                    log.warning("%s: ignored %d datagram(s) not from the switch's %s:%s "
                                "(latest from %s:%d)", self.name, self.dropped_foreign,
                                self.expect_ip or "*", self.expect_port or "*",
                                *source)  # fmt: skip
                return
            self.peer = source
            if not self.first_packet.done():
                self.first_packet.set_result(source)
        elif source != self.peer:
            self.dropped_foreign += 1
            return
        if len(data) != self.frame_size:
            self.dropped_size += 1
            if self.dropped_size in (1, 100, 1000):
                log.warning(
                    "%s: dropped %d datagrams of the wrong size (latest %d bytes)",
                    self.name,
                    self.dropped_size,
                    len(data),
                )
            return
        self.frames_in += 1
        self._on_frame(data)

    def error_received(self, exc: Exception) -> None:
        log.debug("%s: UDP error %s", self.name, exc)

    def send(self, frame: bytes) -> None:
        """Send one frame to the locked peer; silently nothing before the peer is known.
        Thread-safe (the real-time sender calls it); never blocks."""
        if len(frame) != self.frame_size:
            raise ValueError(
                f"{self.name}: outgoing frame is {len(frame)} bytes, "
                f"unicast needs {self.frame_size}"
            )
        peer, out = self.peer, self._out
        if out is None or peer is None:
            return
        out.sendto(frame, peer)
        self.frames_out += 1

    def close(self) -> None:
        if self._out is not None:
            self._out.close()
        if self._transport is not None:
            self._transport.close()
        if not self.first_packet.done():
            self.first_packet.cancel()


def _factory(endpoint: UnicastEndpoint) -> Callable[[], UnicastEndpoint]:
    return lambda: endpoint
