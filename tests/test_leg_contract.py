"""The CallLeg contract: play() on a leg that has ended raises, it never returns at once
(a loop of play() calls, like ringback, would spin and freeze the event loop)."""

from __future__ import annotations

import asyncio

import pytest

from receptionist.media.leg import LegClosedError, frame_bytes
from receptionist.media.local_leg import LocalLeg
from receptionist.media.speaker import Speaker
from receptionist.media.wire import SENT

FRAME = b"\x01\x00" * (frame_bytes(8000) // 2)


async def test_play_on_an_ended_local_leg_raises() -> None:
    leg = LocalLeg([], speed=50.0)
    leg.start()
    await leg.play(FRAME)
    await leg.hangup()
    with pytest.raises(LegClosedError):
        await leg.play(FRAME)
    await leg.close()


async def test_a_ringback_loop_ends_with_the_call() -> None:
    """What froze the daemon: ``while True: await leg.play(tone)`` on a leg that ended."""
    leg = LocalLeg([], speed=50.0)
    leg.start()
    played = 0

    async def ringback() -> None:
        nonlocal played
        while True:
            await leg.play(FRAME)
            played += 1

    ringing = asyncio.ensure_future(ringback())
    while played < 20:
        await asyncio.sleep(0.01)
    await leg.hangup()
    with pytest.raises(LegClosedError):
        await asyncio.wait_for(ringing, 2)
    await leg.close()


class _SilentTts:
    async def speak(self, text: str, rate: int, cache: bool = False, use_cache: bool = True):
        class Speech:
            pcm = FRAME * 200  # 4 s
            compute_ms = 0

        return Speech()

    def call_started(self) -> None:
        pass

    def call_ended(self) -> None:
        pass


async def test_speaker_stops_when_the_leg_ends_and_drain_returns() -> None:
    leg = LocalLeg([], speed=50.0)
    leg.start()
    speaker = Speaker(leg, _SilentTts())  # type: ignore[arg-type]
    speaker.start()
    first = speaker.say("A long sentence.")
    while speaker.frames_played < 5:
        await asyncio.sleep(0.01)
    await leg.hangup()
    await asyncio.wait_for(speaker.drain(), 2)  # not stuck behind the ended leg
    assert await first.done is False  # not fully spoken
    later = speaker.say("Anything said after the end.")
    assert await asyncio.wait_for(later.done, 1) is False
    await speaker.stop()
    await leg.close()


async def test_no_frame_of_a_held_sentence_goes_out_after_the_hold() -> None:
    """Barge-in: the speaker waits in play() with the next frame while the leg's queue is
    full; the hold empties the queue, and that frame must not follow it onto the line."""
    leg = LocalLeg([], speed=10.0)
    leg.start()
    speaker = Speaker(leg, _SilentTts())  # type: ignore[arg-type]
    speaker.start()
    speaker.say("A long sentence.")
    while speaker.frames_played < 10:
        await asyncio.sleep(0.01)
    speaker.hold()
    held_at = leg.log.flushes[-1][0]
    while leg.tick < held_at + 10:
        await asyncio.sleep(0.01)
    assert leg.log.agent_frames and max(leg.log.agent_frames) < held_at
    await speaker.stop()
    await leg.close()


async def test_a_first_frame_watched_on_a_leg_that_ended_is_not_held() -> None:
    """The call watches each reply's first frame to time when it leaves (media/wire.py). A
    reply whose first frame meets a leg that has ended (the caller hung up as we began)
    never goes out: nothing may keep watching it, or every such call's reply is held for
    the life of the daemon (a flood of such calls grew it without end)."""
    leg = LocalLeg([], speed=50.0)
    leg.start()
    speaker = Speaker(leg, _SilentTts())  # type: ignore[arg-type]
    sent: list[float] = []
    speaker.on_first_frame = lambda _utterance, _speech, frame: SENT.watch(frame, sent.append)
    speaker.start()
    await leg.hangup()
    reply = speaker.say("Thanks for calling.")
    assert await asyncio.wait_for(reply.done, 2) is False
    assert len(SENT) == 0 and not sent
    await speaker.stop()
    await leg.close()
