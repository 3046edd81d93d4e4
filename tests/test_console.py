"""The console in a real headless Chromium (Debian's ``chromium``, driven by Playwright).

Calls go through the real conversation into a store file; the console serves it over loopback;
the browser signs in with the token, reads the overview, filters the calls, opens a call whose
recording plays (the audio element's clock advances), and each page is saved as a screenshot
that is checked: a real PNG of the page's size, not blank, taken after the expected text was
on the page. Set RECEPTIONIST_SCREENSHOTS=DIR to keep them.
"""

from __future__ import annotations

import math
import os
import shutil
import struct
import wave
import zlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from receptionist.app.config import Settings
from receptionist.app.http import HttpServer, start_http
from receptionist.store.db import Store
from receptionist.tools.calendar import BuiltinCalendar
from receptionist.tools.reconcile import reconcile
from tests.ops_helpers import get, place_calls

pytestmark = pytest.mark.timeout(180)

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run",
        "--autoplay-policy=no-user-gesture-required"]  # fmt: skip
TOKEN = "console-test-token"
LINE_CALL = [
    ("agent", "Thank you for calling Salon Example. How can I help?", {}),
    ("caller", "what time do you close on saturday", {"endpoint_ms": 180, "stt_ms": 360}),
    ("agent", "On Saturday we're open until 4 PM.",
     {"dialog_ms": 40, "tts_ms": 210, "v2v_ms": 820, "resumed_after_noise": 1}),
    ("caller", "thanks that's all", {"endpoint_ms": 150, "stt_ms": 700, "end_wait_by": "unsure"}),
    ("agent", "Thank you for calling. Goodbye!", {"dialog_ms": 30, "tts_ms": 400, "v2v_ms": 1300}),
    ("caller", "bye now", {"stt_ms": 310, "after_hangup": 1}),
    ("caller", "you too", {"stt_ms": 250, "over_goodbye": 1, "end_wait_by": "complete"}),
]  # fmt: skip


def write_recording(path: Path, seconds: float = 4.0) -> None:
    """What record_session leaves: a mono 8 kHz 16-bit WAV (here a falling tone)."""
    rate = 8000
    frames = bytearray()
    for n in range(int(rate * seconds)):
        frames += struct.pack(
            "<h", int(8000 * math.sin(2 * math.pi * (600 - 50 * n / rate) * n / rate))
        )
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(bytes(frames))


def check_png(path: Path, min_width: int = 800) -> None:
    """A PNG whose pixels are not all alike (a blank page compresses to a handful of values)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    width, height = struct.unpack(">II", data[16:24])
    assert width >= min_width and height >= 300, (width, height)
    idat, at = b"", 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        if data[at + 4 : at + 8] == b"IDAT":
            idat += data[at + 8 : at + 8 + length]
        at += 12 + length
    assert len(set(zlib.decompress(idat))) > 16, f"{path} looks blank"


@pytest.fixture
async def console(salon: Settings, store_file: Store, tmp_path: Path) -> AsyncIterator[HttpServer]:
    await place_calls(salon, store_file)
    # A call as the call layer records it (call.py): caller turns with endpoint and STT
    # times, agent replies with dialog, TTS and voice-to-voice times, and a recording.
    recording = tmp_path / "recordings" / "c-line.wav"
    recording.parent.mkdir()
    write_recording(recording)
    store_file.start_call("c-line", "5550000006", "100", "freeswitch")
    for who, text, timings in LINE_CALL:
        store_file.add_turn("c-line", who, text, timings)
    store_file.update("calls", "c-line", {"recording_path": str(recording)})
    store_file.end_call("c-line", "completed", "caller had nothing else", "agent")
    await reconcile(store_file, BuiltinCalendar(store_file))
    server = await start_http(store_file.path, port=0, token=TOKEN)
    yield server
    await server.stop()


async def test_the_console_in_chromium(
    console: HttpServer, store_file: Store, tmp_path: Path
) -> None:
    from playwright.async_api import async_playwright

    shots = tmp_path / "screenshots"
    shots.mkdir()
    base = console.url.rstrip("/")
    # Without the token there is nothing to see.
    status, body = await get(base + "/calls")
    assert status == 200 and "Sign in" in body and "c-book" not in body

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = await browser.new_page(viewport={"width": 1200, "height": 900})
            await page.goto(base + "/calls")
            assert await page.title() == "Sign in · receptionist console"
            await page.fill("input[name=token]", "wrong")
            await page.click("button[type=submit]")
            assert "not this console's" in await page.inner_text("main")
            await page.fill("input[name=token]", TOKEN)
            await page.click("button[type=submit]")
            await page.wait_for_url(base + "/calls")

            # The calls list: every call, callers masked, outcomes shown.
            rows = page.locator("#calls tbody tr")
            assert await rows.count() == 6
            listed = await page.inner_text("#calls")
            for outcome in ("completed", "message", "transferred", "caller_hung_up"):
                assert outcome in listed
            assert "5550000001" not in listed and "••••01" in listed
            await page.screenshot(path=str(shots / "calls.png"), full_page=True)

            # Filter by outcome, then by a day with no calls.
            await page.select_option("#outcome", "message")
            await page.click("#apply")
            await page.wait_for_url("**/calls?outcome=message*")
            assert await rows.count() == 1
            assert "1 call(s) with outcome message" in await page.inner_text("#count")
            await page.screenshot(path=str(shots / "calls-message.png"), full_page=True)
            await page.goto(base + "/calls?day=2001-01-01")
            assert await rows.count() == 0

            # One call: transcript, waterfall, claims with reconcile's verdict, the recording.
            await page.goto(base + "/calls")
            await page.click("#calls tbody tr:has-text('••••06') a")
            await page.wait_for_url("**/calls/c-line")
            main = await page.inner_text("main")
            assert "On Saturday we're open until 4 PM." in main
            assert await page.locator("svg.waterfall").count() == 2
            assert "over budget" in main  # the 1300 ms reply
            assert "noise cut in once: said again" in main  # a false barge-in, recovered
            assert "bye now (said as the caller hung up)" in main  # last words, kept
            assert "you too (said over our goodbye)" in main  # kept, though it asked nothing
            # Why a reply came late: its turn waited, its words not yet a whole request.
            assert "thanks that's all (waited for more: the words were not yet" in main
            assert main.count("waited") == 1  # a turn whose words were whole says nothing
            played = await page.evaluate(
                "async () => { const a = document.getElementById('recording');"
                " await a.play(); return a.duration; }"
            )
            assert 3.9 < played < 4.1
            await page.wait_for_function(
                "document.getElementById('recording').currentTime > 0.5", timeout=10_000
            )
            await page.screenshot(path=str(shots / "call.png"), full_page=True)

            await page.goto(base + "/calls/c-book")
            main = await page.inner_text("main")
            assert "A haircut on Thursday at 3, my name is John Smith." in main
            assert "backed" in await page.inner_text("#claims")
            assert "haircut" in await page.inner_text("#bookings")
            assert "No recording for this call." in main

            # The transferred call shows the escalation and why it fired.
            await page.goto(base + "/calls?outcome=transferred")
            await page.click("#calls tbody tr a")
            assert "asks for a person" in await page.inner_text("#escalations")

            # Overview: the plot, outcomes per day, rates, the outbox's pending request.
            await page.goto(base + "/")
            assert await page.locator("svg.plot polyline").count() == 2
            assert await page.inner_text("#outbox-pending") == "1"
            assert "Transfer rate: 17%" in await page.inner_text("main")
            await page.screenshot(path=str(shots / "overview.png"), full_page=True)
        finally:
            await browser.close()

    for name in ("calls.png", "calls-message.png", "call.png", "overview.png"):
        check_png(shots / name)
    keep = os.environ.get("RECEPTIONIST_SCREENSHOTS")
    if keep:
        shutil.copytree(shots, keep, dirs_exist_ok=True)


async def test_a_claim_found_false_is_shown_beside_what_the_caller_heard(
    console: HttpServer, store_file: Store
) -> None:
    base = console.url.rstrip("/")
    _, page = await get(base + "/calls/c-book", TOKEN)
    assert 'class="verdict-backed">backed' in page
    store_file.db.execute("DELETE FROM bookings WHERE status = 'booked'")  # lost behind our back
    await reconcile(store_file, BuiltinCalendar(store_file))
    _, page = await get(base + "/calls/c-book", TOKEN)
    assert 'class="verdict-false">false' in page and "no bookings row" in page
    _, overview = await get(base + "/", TOKEN)
    assert "claim(s) found false by the last reconciliation" in overview
    status, refused = await get(base + "/calls/c-book", "not-the-token")
    assert status == 200 and "Sign in" in refused and "John Smith" not in refused
