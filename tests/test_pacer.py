"""The pacer sends one frame per tick, stays only a few frames ahead, flushes at once."""

import asyncio

from receptionist.media.pacer import Pacer


async def test_pacer_stays_a_few_frames_ahead_and_flushes() -> None:
    sent: list[bytes] = []
    ten_sent = asyncio.Event()

    def send(frame: bytes) -> None:
        sent.append(frame)
        if len(sent) == 10:
            ten_sent.set()

    pacer = Pacer(send, ahead=3, speed=10.0)
    pacer.start()
    frames = [bytes([i]) * 320 for i in range(30)]

    async def produce() -> None:
        for frame in frames:
            await pacer.put(frame)
            assert pacer.queued <= 3

    task = asyncio.ensure_future(produce())
    await ten_sent.wait()
    dropped = pacer.flush()
    assert 0 < dropped <= 3
    await task
    await pacer.drained()
    await pacer.stop()
    # Order kept, every frame sent or dropped exactly once.
    assert len(sent) + dropped == 30
    indexes = [f[0] for f in sent]
    assert indexes == sorted(indexes)


async def test_idle_frames_keep_the_line_alive() -> None:
    ticks: list[bytes] = []
    pacer = Pacer(ticks.append, idle_frame=b"\x00" * 320, speed=20.0)
    pacer.start()
    await asyncio.sleep(0.05)
    await pacer.stop()
    assert len(ticks) >= 5 and set(ticks) == {b"\x00" * 320}
