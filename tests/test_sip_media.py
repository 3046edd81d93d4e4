"""RTP as the SIP bridge receives it, over a real loopback socket: 20 ms frames out in
order whatever the network does, a lost packet concealed (the last frame faded) rather
than holding everything back, a late packet put back in its place."""

from __future__ import annotations

import asyncio
import math

import numpy as np
from aiortp import RtpPacket
from aiosipua import parse_sdp

from receptionist.bridges.sip.media import RtpMedia
from receptionist.protocols.g711 import ulaw_encode

OFFER = (
    "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
    "m=audio {port} RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n"
)


def level(frame: bytes) -> float:
    return float(np.sqrt(np.mean(np.frombuffer(frame, "<i2").astype(np.float64) ** 2)))


async def test_a_lost_packet_is_concealed_and_a_late_one_reordered() -> None:
    loop = asyncio.get_running_loop()
    sender, _ = await loop.create_datagram_endpoint(
        asyncio.DatagramProtocol, local_addr=("127.0.0.1", 0)
    )
    port = sender.get_extra_info("sockname")[1]
    frames: list[bytes] = []
    media = await RtpMedia.answer(
        parse_sdp(OFFER.format(port=port)), frames.append, lambda _d: None,
        bind="127.0.0.1", advertised_ip="", port_min=47400, port_max=47499, jitter_frames=3,
    )  # fmt: skip
    try:
        # A steady tone whose loudness rises packet by packet: order shows in the levels.
        t = np.arange(160 * 30) / 8000
        ramp = np.repeat(np.linspace(2000, 12000, 30), 160)
        tone = (ramp * np.sin(2 * math.pi * 440 * t)).astype(np.int16)
        sent = [i for i in range(30) if i != 10]  # packet 10 is lost
        sent[15], sent[16] = sent[16], sent[15]  # and one arrives late
        for i in sent:
            packet = RtpPacket(
                payload_type=0, sequence_number=500 + i, timestamp=160 * i, ssrc=42,
                payload=ulaw_encode(tone[160 * i : 160 * (i + 1)]).tobytes(),
            )  # fmt: skip
            sender.sendto(packet.serialize(), ("127.0.0.1", media.port))
            await asyncio.sleep(0.02)  # the sender's own 20 ms clock
        deadline = loop.time() + 2
        while len(frames) < 27 and loop.time() < deadline:  # the last few stay buffered
            await asyncio.sleep(0.02)
        assert {len(f) for f in frames} == {320}
        assert len(frames) >= 27  # nothing held back behind the lost packet
        levels = [level(f) for f in frames[:27]]
        # In order: each real frame is louder than the one before (the ramp) ...
        real = levels[:10] + levels[11:]
        assert all(b > a for a, b in zip(real, real[1:], strict=False)), levels
        # ... and the lost one is filled by the last frame repeated with a fade, not silence.
        assert 0 < levels[10] < levels[9]
    finally:
        await media.close()
        sender.close()
