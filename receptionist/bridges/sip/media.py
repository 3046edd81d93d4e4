"""One call's audio over RTP: aiortp (through aiosipua's ``CallSession``) does the packets,
the RFC 4733 events, the jitter buffer and the loss concealment (the last frame repeated
with a fade, then silence); this module cuts what it delivers into 20 ms frames, sends
our frames through a small ``FrameSink`` interface, and records both directions.

The send path is ``Pacer`` (one frame per 20 ms, silence when idle so the RTP clock runs
on) -> ``RtpMedia.send``: another sender that paces in real time can take the Pacer's
place as long as it calls ``send`` once per frame.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import random
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from aiosipua import CallSession, SdpMessage

from receptionist.media.leg import frame_bytes

log = logging.getLogger(__name__)

SAMPLE_RATE = 8000
FRAME = frame_bytes(SAMPLE_RATE)  # 320 bytes of 16-bit PCM
SILENCE = b"\0" * FRAME
CODECS = [0, 8]  # PCMU, PCMA: the offerer's order decides


class FrameSink(Protocol):
    """Where outgoing 20 ms frames go, one call per frame, in real time."""

    def send(self, frame: bytes) -> None: ...


class Reframer:
    """Sans-I/O: PCM of any length in, whole 20 ms frames out (a peer may packetise at
    10 or 30 ms, and concealment may cover a stretch of any length)."""

    def __init__(self, size: int = FRAME) -> None:
        self.size = size
        self._rest = b""

    def feed(self, pcm: bytes) -> list[bytes]:
        data = self._rest + pcm
        whole = len(data) - len(data) % self.size
        self._rest = data[whole:]
        return [data[i : i + self.size] for i in range(0, whole, self.size)]


class Recorder:
    """The call's audio both ways as a stereo WAV (caller left, agent right), one frame
    pair per send tick, so the two sides stay in step whatever the network does."""

    def __init__(self, path: str) -> None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._wav: Any = wave.open(path, "wb")  # noqa: SIM115 (closed in close())
        self._wav.setnchannels(2)
        self._wav.setsampwidth(2)
        self._wav.setframerate(SAMPLE_RATE)
        self._heard: collections.deque[bytes] = collections.deque(maxlen=50)

    def heard(self, frame: bytes) -> None:
        self._heard.append(frame)

    def tick(self, sent: bytes | None) -> None:
        if self._wav is None:
            return
        left = self._heard.popleft() if self._heard else SILENCE
        right = sent if sent is not None else SILENCE
        stereo = bytearray(len(left) * 2)
        for ch, side in enumerate((left, right)):
            for i in range(2):
                stereo[ch * 2 + i :: 4] = side[i::2]
        self._wav.writeframes(bytes(stereo))

    def close(self) -> None:
        if self._wav is not None:
            self._wav.close()
            self._wav = None


class RtpMedia:
    """A bound RTP session for one dialog, negotiated from the peer's SDP offer."""

    def __init__(
        self,
        session: CallSession,
        on_frame: Callable[[bytes], None],
        on_digit: Callable[[str], None],
    ) -> None:
        self.session = session
        self._on_frame = on_frame
        self._on_digit = on_digit
        self._reframer = Reframer()
        self.recorder: Recorder | None = None
        self.sending = True  # False while the peer holds the call (we answer recvonly)
        self.frames_in = 0
        self.frames_out = 0
        session.on_audio = self._audio
        session.on_dtmf = self._dtmf

    @classmethod
    async def answer(
        cls,
        offer: SdpMessage,
        on_frame: Callable[[bytes], None],
        on_digit: Callable[[str], None],
        *,
        bind: str,
        advertised_ip: str,
        port_min: int,
        port_max: int,
        jitter_frames: int,
    ) -> RtpMedia:
        """Negotiate ``offer`` (raises ``SdpNegotiationError``) and bind an even RTP port
        of ``port_min..port_max`` (RTCP on the next one), tried from a random start."""
        ports = list(range(port_min + port_min % 2, port_max, 2))
        if not ports:
            raise OSError(f"no even RTP port in {port_min}-{port_max}")
        start = random.randrange(len(ports))
        last: OSError | None = None
        for port in ports[start:] + ports[:start]:
            session = CallSession(
                bind,
                port,
                offer,
                advertised_ip=advertised_ip or None,
                supported_codecs=CODECS,
                jitter_prefetch=jitter_frames,
                # A gap counts as lost once a later packet is in: without this a single lost
                # packet holds back every frame after it until the buffer overflows.
                skip_audio_gaps=True,
                plc=True,
                symmetric_rtp=True,
            )
            try:
                await session.start()
            except OSError as exc:
                last = exc
                await session.close()
                continue
            return cls(session, on_frame, on_digit)
        raise OSError(
            f"no free RTP port on {bind}:{port_min}-{port_max}"
            + (f" (last error: {last.strerror})" if last else "")
        )

    @property
    def port(self) -> int:
        return int(self.session.sdp_answer.media[0].port)

    def _audio(self, pcm: bytes, _timestamp: int) -> None:
        for frame in self._reframer.feed(pcm):
            self.frames_in += 1
            if self.recorder is not None:
                self.recorder.heard(frame)
            self._on_frame(frame)

    def _dtmf(self, digit: str, _duration: int) -> None:
        self._on_digit(digit)

    def send(self, frame: bytes) -> None:
        """One 20 ms frame to the peer (``FrameSink``)."""
        if len(frame) != FRAME:
            raise ValueError(f"outgoing frame is {len(frame)} bytes, RTP here needs {FRAME}")
        if self.sending:
            self.session.rtp_session.send_audio_pcm_auto(frame)
            self.frames_out += 1

    def tick(self, sent: bytes | None) -> None:
        """Called after each send (recording keeps both sides in step)."""
        if self.recorder is not None:
            self.recorder.tick(sent)

    def sender_for(self, loop: asyncio.AbstractEventLoop) -> Callable[[bytes], None]:
        """The pacer's ``send``: called on the real-time sender thread, it hands each frame
        to ``loop``, since aiortp's transport belongs to the loop and is not thread-safe.
        The frame's due time is kept by the sender thread; a stalled loop delays it here."""

        def send(frame: bytes) -> None:
            try:
                loop.call_soon_threadsafe(self._send_and_record, frame)
            except RuntimeError:  # the loop has closed: the call is over
                pass

        return send

    def _send_and_record(self, frame: bytes) -> None:
        self.send(frame)
        self.tick(frame)

    def reoffer(self, offer: SdpMessage) -> None:
        """A re-INVITE: follow a new address, stop sending while the peer holds us."""
        address = offer.rtp_address
        audio = offer.audio
        direction = audio.direction if audio is not None else "sendrecv"
        if address is not None and address[0] not in ("0.0.0.0", "::"):
            self.session.update_remote(address)
        self.sending = direction in ("sendrecv", "recvonly") and (
            address is None or address[0] not in ("0.0.0.0", "::")
        )

    async def close(self) -> None:
        if self.recorder is not None:
            self.recorder.close()
            self.recorder = None
        await self.session.close()


async def wait_first(*aws: Any) -> None:
    """Wait until the first of ``aws`` finishes; cancel the rest."""
    tasks = [asyncio.ensure_future(a) for a in aws]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
