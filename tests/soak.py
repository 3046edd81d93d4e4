"""`make soak`: the real daemon under N concurrent calls for SOAK_MINUTES, through the fake
Asterisk (FastAGI + AudioSocket, turn by turn) and the fake FreeSWITCH (outbound ESL + unicast
media, on a timeline), each caller booking a slot of its own in one sentence (Piper's voice on
a G.711 line, heard by the daemon's Whisper). Prints calls placed, records written, bookings
committed, duplicates (must be 0), calls left without an end, and the daemon's resident memory
(VmRSS) at the start, the middle and the end, with its slope per hour.

    python -m tests.soak --calls 4 --minutes 10
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import itertools
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

from receptionist.app.config import load_settings
from receptionist.app.runtime import models_from_settings
from receptionist.domain.profile import OpeningHours
from receptionist.domain.saying import DAY_NAMES
from receptionist.media.audio import array_to_pcm, phone_line, split_frames
from receptionist.media.models import Models
from receptionist.store.db import Store
from tests.daemon_process import DaemonProcess, asterisk_table, config_text, free_port
from tests.fake_asterisk import FakeAsterisk
from tests.fake_freeswitch import FakeCall as SwitchCall
from tests.fake_freeswitch import FakeSwitch

NAMES = ("Dana Smith", "John Brown", "Mary Jones", "Peter Hall", "Anna White", "Sam Lee")
SILENT = b"\0" * 320
HAIRCUT = dt.timedelta(minutes=30)
WARM_UP_S = 120.0  # the models' memory grows over the first calls, then holds (see report)


def _slots(hours: OpeningHours, today: dt.date) -> Iterator[tuple[str, str, str]]:
    """(day, hour, name) for each call: a slot of its own, so every booking can commit, for
    as long as the soak runs: each whole hour the salon is open, from tomorrow on, week after
    week. The day is said with its date ("Tuesday, December 1st"): weeks ahead, a weekday
    alone would be next week's. Hours are said as a caller would, "9" to "12", then "1" to
    "7" (the afternoon, as the agent reads a bare 1 to 7)."""
    names = itertools.cycle(NAMES)
    for offset in itertools.count(1):
        day = today + dt.timedelta(days=offset)
        opening = hours.on(day)
        if opening is None:
            continue
        for hour in range(9, 20):
            start = dt.datetime.combine(day, dt.time(hour))
            if start.time() < opening[0] or (start + HAIRCUT).time() > opening[1]:
                continue
            said_day = f"{DAY_NAMES[day.weekday()]}, {day:%B} {_ordinal(day.day)}"
            yield said_day, str(hour - 12 if hour > 12 else hour), next(names)


def _ordinal(n: int) -> str:
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _frames(models: Models, text: str) -> list[bytes]:
    speech = models.tts.speak_sync(text, 16000)
    line = phone_line(np.frombuffer(speech.pcm, dtype="<i2"), 16000)
    return list(split_frames(array_to_pcm(line), 8000))


def _timeline(parts: list[tuple[float, list[bytes]]]) -> Callable[[int], bytes]:
    """A FreeSWITCH caller's audio by frame index: (seconds of silence, then speech) each."""
    frames: list[bytes] = []
    for pause_s, speech in parts:
        frames += [SILENT] * int(pause_s * 50) + speech
    return lambda index: frames[index] if index < len(frames) else SILENT


class Soak:
    def __init__(self, folder: Path, calls: int, minutes: float) -> None:
        self.folder = folder
        self.concurrent = calls
        self.seconds = minutes * 60
        settings = load_settings()
        self.models = models_from_settings(settings, with_llm=False)
        # The daemon's today is the real one: so are the soak's days.
        self.slots = _slots(settings.profile.hours, dt.date.today())
        self.placed = Counter[str]()
        self.rss: list[tuple[float, int]] = []  # (seconds in, KiB): start, middle, end
        self.by_minute: list[tuple[float, int]] = []

    def _line(self) -> tuple[list[bytes], list[bytes]]:
        day, hour, name = next(self.slots)
        booking = f"Hi, I'd like to book a haircut on {day} at {hour}, my name is {name}."
        return _frames(self.models, booking), _frames(self.models, "No, that's all. Goodbye.")

    async def run(self) -> None:
        fake = FakeAsterisk()
        await fake.start()
        switch = FakeSwitch()
        await switch.start()
        agi, media, listen = free_port(), free_port(), free_port()
        fake.agi_address, fake.audiosocket_address = ("127.0.0.1", agi), ("127.0.0.1", media)
        freeswitch = "\n".join([
            "[freeswitch]", "enabled = true", f"listen_port = {listen}",
            f"esl_port = {switch.port}", "media_port_min = 44000", "media_port_max = 44199",
            "switch_port_min = 44200", "switch_port_max = 44399",
        ])  # fmt: skip
        text = config_text(
            {
                "[recording]\nenabled = true": "[recording]\nenabled = false",
                "llm_enabled = true": "llm_enabled = false",
                "max_calls = 32": f"max_calls = {self.concurrent * 2 + 2}",
                "[asterisk]\nenabled = false": asterisk_table(agi, media, fake.ami_port),
                "[freeswitch]\nenabled = false\n": "",
            },
            extra=freeswitch + "\n[http]\nenabled = false\n",
        )
        daemon = DaemonProcess(self.folder, text)
        await asyncio.to_thread(daemon.start)
        self.daemon = daemon
        started = time.monotonic()
        self.rss.append((0.0, daemon.rss_kib()))
        end = started + self.seconds
        try:
            workers = [self._caller(n, fake, switch, listen, end) for n in range(self.concurrent)]
            await asyncio.gather(self._sample(started, end), *workers)
        finally:
            self.rss.append((time.monotonic() - started, daemon.rss_kib()))
            daemon.stop()
            await fake.stop()
            await switch.stop()
        self.elapsed = time.monotonic() - started

    async def _sample(self, started: float, end: float) -> None:
        """RSS at the middle (the start/middle/end line) and every minute, calls in flight:
        three samples can't tell the models' warm-up from a leak, a series can."""
        middle = started + (end - started) / 2
        minutes = [started + 60 * k for k in range(1, int((end - started) // 60) + 1)]
        for mark in sorted({*minutes, middle}):
            await asyncio.sleep(max(mark - time.monotonic(), 0.0))
            sample = (time.monotonic() - started, self.daemon.rss_kib())
            if mark == middle:
                self.rss.append(sample)
            if mark in minutes:
                self.by_minute.append(sample)

    async def _caller(
        self, n: int, fake: FakeAsterisk, switch: FakeSwitch, listen: int, end: float
    ) -> None:
        while time.monotonic() < end:
            booking, goodbye = await asyncio.to_thread(self._line)
            serial = sum(self.placed.values())  # a caller id of its own for each call
            if n % 2 == 0:
                call = fake.call(lines=[booking, goodbye], caller_id=f"55580{n:02d}{serial:03d}")
                self.placed["asterisk"] += 1
                try:
                    await asyncio.wait_for(call.run(), 120)
                except TimeoutError:
                    if call.media is not None:
                        call.media.close()
            else:
                audio = _timeline([(9.0, booking), (12.0, goodbye)])
                fs_call = SwitchCall(switch, caller_id=f"55590{n:02d}{serial:03d}",
                                     audio=audio)  # fmt: skip
                self.placed["freeswitch"] += 1
                await fs_call.dial("127.0.0.1", listen)
                try:
                    await asyncio.wait_for(fs_call.closed.wait(), 120)
                except TimeoutError:
                    fs_call.drop()

    def report(self) -> str:
        store = Store(self.daemon.db)
        try:
            calls = store.rows("calls")
            bookings = store.rows("bookings")
        finally:
            store.close()
        committed = [b for b in bookings if b["status"] == "booked"]
        by_key = Counter(b["key"] for b in bookings)
        by_slot = Counter((b["service"], b["start"]) for b in committed)
        duplicates = sum(n - 1 for n in by_key.values() if n > 1)
        duplicates += sum(n - 1 for n in by_slot.values() if n > 1)
        open_calls = sum(1 for c in calls if not c["ended_at"])
        (t0, r0), (t1, r1), (t2, r2) = self.rss[0], self.rss[1], self.rss[-1]
        hours = max(t2 - t0, 1.0) / 3600
        lines = [
            f"soak: {self.concurrent} concurrent calls for {self.elapsed / 60:.1f} min "
            "(fake Asterisk + fake FreeSWITCH, the real daemon in a subprocess)",
            f"calls placed: {sum(self.placed.values())} ({self.placed['asterisk']} Asterisk, "
            f"{self.placed['freeswitch']} FreeSWITCH)",
            f"records written: {len(calls)} (without an end: {open_calls})",
            f"bookings committed: {len(committed)} (rows: {len(bookings)})",
            f"duplicates: {duplicates}",
            f"RSS: start {r0 / 1024:.0f} MiB, middle {r1 / 1024:.0f} MiB (at {t1 / 60:.1f} min), "
            f"end {r2 / 1024:.0f} MiB; slope {(r2 - r0) / 1024 / hours:+.0f} MiB/hour",
        ]
        if self.by_minute:
            series = ", ".join(f"{s / 60:.0f}: {kib / 1024:.0f}" for s, kib in self.by_minute)
            lines.append(f"RSS by minute (MiB, calls in flight): {series}")
        settled = [(s, kib) for s, kib in self.by_minute if s >= WARM_UP_S]
        if len(settled) >= 2:
            (sa, ra), (sb, rb) = settled[0], settled[-1]
            lines.append(
                f"RSS slope after the first {WARM_UP_S / 60:.0f} min (the models' warm-up): "
                f"{(rb - ra) / 1024 / ((sb - sa) / 3600):+.0f} MiB/hour"
            )
        return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--calls", type=int, default=4, help="concurrent calls (default 4)")
    parser.add_argument("--minutes", type=float, default=10.0, help="how long (default 10)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="soak-") as folder:
        soak = Soak(Path(folder), args.calls, args.minutes)
        asyncio.run(soak.run())
        text = soak.report()
    print(text)
    return 0 if "\nduplicates: 0\n" in text else 1


if __name__ == "__main__":
    raise SystemExit(main())
