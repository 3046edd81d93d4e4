"""What an operator sees after three real calls: each placed through the fake FreeSWITCH into
the bridge, the call layer and the bundled models (a booking, a question, a press of 0 to the
front desk), then the console in headless Chromium. The call page shows the transcript with
each reply's latency waterfall, the recording the switch made (played in the page), the
booking and the claim beside reconcile's verdict; the overview and the calls list show all
three. Screenshots are checked, and kept in RECEPTIONIST_SCREENSHOTS=DIR when set (the
README's docs/console-call.png comes from here)."""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path

import pytest

from receptionist.app.http import start_http
from receptionist.app.runtime import Runtime
from receptionist.tools.reconcile import reconcile
from tests.fake_freeswitch import StaffPhone, running_switch
from tests.test_console import ARGS, CHROMIUM, check_png
from tests.test_freeswitch_call import SPEED, Line, ScriptedCaller, place_call, spoken

pytestmark = pytest.mark.timeout(420)
TOKEN = "operator-token"


async def test_the_console_after_three_calls_through_the_fake_freeswitch(
    runtime: Runtime, tmp_path: Path
) -> None:
    from playwright.async_api import async_playwright

    models, store = runtime.models, runtime.store
    callers = [
        ScriptedCaller([
            spoken(models, "Hi, I'd like to book a haircut on Thursday at three, "
                           "my name is John Smith."),
            spoken(models, "No, that's all, thank you."),
        ]),
        ScriptedCaller([
            spoken(models, "How much is a beard trim?"),
            spoken(models, "No thanks, goodbye."),
        ]),
    ]  # fmt: skip
    async with running_switch(speed=SPEED) as switch:
        switch.phones["200"] = StaffPhone()  # the front desk answers
        for caller in callers:
            await place_call(runtime, switch, caller, tmp_path)
        # The third caller presses 0, talks to the front desk, then hangs up.
        third = asyncio.get_running_loop().create_task(
            place_call(runtime, switch, ScriptedCaller([Line(dtmf="0")]), tmp_path)
        )
        while not any(s.bridged_to for s in switch.staff.values()):
            await asyncio.sleep(0.05)
            assert not third.done(), third
        await asyncio.sleep(0.2)
        (fake,) = [c for c in switch.calls.values() if c.bridged_to]
        await fake.hang_up()
        await asyncio.wait_for(third, 30)
    report = await reconcile(store, runtime.bookings.backend)
    assert report.mismatches == []
    calls = store.rows("calls")
    assert sorted(c["outcome"] for c in calls) == ["completed", "completed", "transferred"]
    (booking,) = store.rows("bookings")
    booked = booking["call_id"]

    shots = tmp_path / "screenshots"
    shots.mkdir()
    server = await start_http(store.path, port=0, token=TOKEN)
    base = server.url.rstrip("/")
    try:
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                page = await browser.new_page(viewport={"width": 1200, "height": 900})
                await page.goto(base + "/login")
                await page.fill("input[name=token]", TOKEN)
                await page.click("button[type=submit]")
                await page.wait_for_url(base + "/")
                overview = await page.inner_text("main")
                assert "Transfer rate: 33%" in overview
                await page.screenshot(path=str(shots / "overview.png"), full_page=True)

                await page.goto(base + "/calls")
                assert await page.locator("#calls tbody tr").count() == 3
                listed = await page.inner_text("#calls")
                assert "••••67" in listed and "5551234567" not in listed
                await page.screenshot(path=str(shots / "calls.png"), full_page=True)

                await page.goto(f"{base}/calls/{booked}")
                main = await page.inner_text("main")
                assert "You're booked for a haircut on Thursday November 26 at 3 PM" in main
                assert "backed" in await page.inner_text("#claims")
                assert "haircut" in await page.inner_text("#bookings")
                assert "stt whisper-tiny.en" in await page.inner_text("#models")
                # A waterfall for every reply to the caller (greeting aside).
                assert await page.locator("svg.waterfall").count() >= 2
                duration = await page.evaluate(
                    "async () => { const a = document.getElementById('recording');"
                    " await a.play(); return a.duration; }"
                )
                assert duration > 5  # the recording the switch wrote, both sides
                await page.wait_for_function(
                    "document.getElementById('recording').currentTime > 0.5", timeout=10_000
                )
                await page.screenshot(path=str(shots / "call.png"), full_page=True)
            finally:
                await browser.close()
    finally:
        await server.stop()

    for name in ("overview.png", "calls.png", "call.png"):
        check_png(shots / name)
    keep = os.environ.get("RECEPTIONIST_SCREENSHOTS")
    if keep:
        shutil.copytree(shots, keep, dirs_exist_ok=True)
