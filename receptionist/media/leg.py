"""The CallLeg contract: what every bridge (and the LocalLeg) gives the call layer.

A leg carries 20 ms frames of 16-bit signed little-endian mono PCM at ``sample_rate``
(8000 on G.711 lines, so 320 bytes a frame). The pipeline and the dialog never know
which PBX a leg comes from.
"""

from __future__ import annotations

import abc
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from receptionist.media.sender import SendTiming

FRAME_MS = 20


def frame_bytes(sample_rate: int) -> int:
    """Bytes in one 20 ms frame of 16-bit mono PCM at ``sample_rate``."""
    return sample_rate * FRAME_MS // 1000 * 2


class LegClosedError(RuntimeError):
    """``play()`` on a leg whose call has ended (hung up, handed over, link lost).

    Raised instead of returning at once, so a loop that plays frames (ringback, hold audio)
    can't spin without yielding and freeze the daemon's event loop.
    """


@dataclass(frozen=True)
class LegEvent:
    """Something the PBX tells us about the call, other than audio."""


@dataclass(frozen=True)
class DtmfPressed(LegEvent):
    digit: str  # one of 0-9 * # A-D


@dataclass(frozen=True)
class CallerHungUp(LegEvent):
    reason: str = "caller hung up"


@dataclass(frozen=True)
class LegFailed(LegEvent):
    """The link to the PBX broke (socket dropped, malformed frame): the call can't go on."""

    reason: str


RING_SECONDS = 20.0
"""How long a transfer rings the staff phone before the caller stays with the agent: the
one default for ``[transfer] ring_seconds`` and every bridge's ``ring_seconds``."""


@dataclass(frozen=True)
class TransferResult(LegEvent):
    extension: str
    outcome: str  # "answered", "no_answer", "declined", "failed"
    detail: str = ""

    @property
    def connected(self) -> bool:
        return self.outcome == "answered"


@dataclass
class LegInfo:
    call_id: str
    caller_id: str = ""
    called_number: str = ""
    sample_rate: int = 8000
    variables: dict[str, str] = field(default_factory=dict)


class CallLeg(abc.ABC):
    """One caller's side of a call, whatever the PBX."""

    def __init__(self, info: LegInfo) -> None:
        self.info = info

    @property
    def call_id(self) -> str:
        return self.info.call_id

    @property
    def caller_id(self) -> str:
        return self.info.caller_id

    @property
    def called_number(self) -> str:
        return self.info.called_number

    @property
    def sample_rate(self) -> int:
        return self.info.sample_rate

    @property
    def variables(self) -> dict[str, str]:
        return self.info.variables

    @abc.abstractmethod
    def audio_in(self) -> AsyncIterator[bytes]:
        """20 ms frames from the caller; ends when the caller hangs up or the link drops."""

    @abc.abstractmethod
    async def play(self, frame: bytes) -> None:
        """Queue one 20 ms frame for the caller. Sent in real time by the leg's pacer.

        Waits while the queue is more than a few frames ahead, so barge-in stays cheap.
        Raises ``LegClosedError`` once the call has ended (also while waiting).
        """

    @abc.abstractmethod
    def stop_playback(self) -> int:
        """Drop every queued frame at once (barge-in); returns how many were dropped."""

    @abc.abstractmethod
    async def wait_played(self) -> None:
        """Return once every queued frame has gone out to the caller."""

    @abc.abstractmethod
    def events(self) -> AsyncIterator[LegEvent]:
        """DTMF digits, hangup, link failures and transfer results, in order."""

    @abc.abstractmethod
    async def transfer(
        self,
        extension: str,
        summary: str,
        warm: bool = True,
        summary_audio: Sequence[bytes] = (),
    ) -> TransferResult:
        """Hand the caller to ``extension``.

        Warm: ring the extension, play ``summary_audio`` (the summary, already spoken as
        20 ms frames at this leg's rate) to the staff member alone, then connect the two.
        Cold: connect at once. Returns how it went; on anything but "answered" the caller
        is still with us.
        """

    @abc.abstractmethod
    async def start_recording(self, path: str) -> None: ...

    @abc.abstractmethod
    async def stop_recording(self) -> None: ...

    @abc.abstractmethod
    async def hangup(self) -> None: ...

    async def wait_released(self) -> float | None:
        """After a transfer connected the caller to someone else: wait until that call
        really ends (the caller or staff hangs up) and return when (epoch seconds); None
        when this leg can't tell (the record then ends at the transfer)."""
        return None

    def send_timing(self) -> SendTiming | None:
        """How punctually the caller's frames left (``media/sender.py``); None when the leg
        has no real-time sender (a test leg)."""
        return None
