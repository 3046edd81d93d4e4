"""The pacer sends one frame per tick, stays only a few frames ahead, flushes at once.
(It sends from the real-time sender thread: ``send`` is called there.)"""

import asyncio

from receptionist.media.pacer import Pacer


async def test_pacer_stays_a_few_frames_ahead_and_flushes() -> None:
    sent: list[bytes] = []
    pacer = Pacer(sent.append, ahead=3, speed=2.0)  # not started: nothing leaves yet
    frames = [bytes([i]) * 320 for i in range(30)]

    async def produce() -> None:
        for frame in frames:
            await pacer.put(frame)
            assert pacer.queued <= 3

    task = asyncio.ensure_future(produce())
    await asyncio.sleep(0.05)
    assert pacer.queued == 3 and not task.done()  # the fourth frame waits for room
    assert pacer.flush() == 3  # barge-in: everything queued goes at once
    pacer.start()
    await task
    await pacer.drained()
    await pacer.stop()
    # The fourth frame was on its way into the queue the flush emptied: dropped with it, not
    # sent 20 ms after the caller stopped us. Order kept, every frame sent or dropped once.
    assert sent == frames[4:]
    assert pacer.frames_dropped == 4


async def test_idle_frames_keep_the_line_alive() -> None:
    ticks: list[bytes] = []
    pacer = Pacer(ticks.append, idle_frame=b"\x00" * 320, speed=20.0)
    pacer.start()
    await asyncio.sleep(0.05)
    await pacer.stop()
    assert len(ticks) >= 5 and set(ticks) == {b"\x00" * 320}
