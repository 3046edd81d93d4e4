"""Caller voices that are not the agent's own: flite, Festival and espeak-ng from Debian
packages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from receptionist.harness.voices import (
    PEAK,
    RATE,
    SPEECH_DBFS,
    VoiceError,
    check_voice,
    flite_voices,
    parse_voices,
    synthesize,
)


def test_the_debian_flite_has_the_three_voices_we_name() -> None:
    assert {"slt", "rms", "awb"} <= set(flite_voices())


@pytest.mark.parametrize(
    "voice", ["flite:slt", "flite:rms", "flite:awb", "festival:slt", "espeak:en-us", "espeak:en-gb"]
)
def test_each_voice_speaks_8_khz_int16_at_piper_s_speech_level(voice: str) -> None:
    audio = synthesize("Thursday at three, please.", voice)
    assert audio.dtype == np.int16 and audio.ndim == 1
    seconds = len(audio) / RATE
    assert 0.8 < seconds < 4.0, seconds  # a short sentence, not silence and not 16 kHz read as 8
    frames = audio[: len(audio) // 160 * 160].reshape(-1, 160).astype(np.float64) / 32768
    rms = np.sqrt((frames**2).mean(axis=1))
    speech = rms[rms > rms.max() * 0.1]
    level = 20 * np.log10(np.sqrt((speech**2).mean()))
    peak = np.abs(frames).max()
    # At the level of Piper's speech, or as close as the peaks allow; never clipped.
    assert abs(level - SPEECH_DBFS) < 0.5 or peak > PEAK - 0.01, (level, peak)
    assert peak <= PEAK + 0.001
    assert len(speech) > 0.3 * len(rms)  # speech, not a click


def test_the_voices_differ_and_repeats_come_from_the_cache() -> None:
    slt = synthesize("My name is John Smith.", "flite:slt")
    awb = synthesize("My name is John Smith.", "flite:awb")
    assert len(slt) != len(awb) or not np.array_equal(slt, awb)
    again = synthesize("My name is John Smith.", "flite:slt")
    assert again is slt  # (voice, text) is the key: no second synthesis
    assert not again.flags.writeable  # shared, so nobody may change it in place


def test_voice_lists_repeat_or_comma_separate_and_default_to_piper() -> None:
    assert parse_voices(None) == ["piper"]
    assert parse_voices(["flite:slt,flite:rms", "festival:slt", "flite:slt"]) == [
        "flite:slt",
        "flite:rms",
        "festival:slt",
    ]


def test_an_unknown_voice_is_refused_with_the_choices() -> None:
    with pytest.raises(VoiceError, match="unknown voice 'espeak'.*flite:NAME"):
        parse_voices(["espeak"])
    with pytest.raises(VoiceError, match="flite has no voice 'nobody'.*slt"):
        check_voice("flite:nobody")  # flite itself would fall back to another voice silently
    with pytest.raises(VoiceError, match="espeak:nobody.*espeak-ng failed"):
        check_voice("espeak:nobody")
    with pytest.raises(VoiceError, match="needs the agent's loaded Piper model"):
        synthesize("Hello.", "piper")


def test_a_missing_program_names_the_debian_package(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # a machine without flite or festival
    with pytest.raises(VoiceError, match=r"'flite'.*not installed.*apt-get install flite"):
        synthesize("Hello there.", "flite:rms", use_cache=False)
    with pytest.raises(VoiceError, match=r"'text2wave'.*apt-get install festival"):
        check_voice("festival:slt")
    with pytest.raises(VoiceError, match=r"'espeak-ng'.*apt-get install espeak-ng"):
        check_voice("espeak:en-us")


def test_recorded_lines_play_back_where_the_programs_are_missing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A run recorded where flite is installed repeats on a machine without it (a GPU box),
    with the same audio; a line it never recorded still needs the program."""
    recorded = tmp_path / "voices"
    monkeypatch.setenv("RECEPTIONIST_VOICE_DIR", str(recorded))
    spoken = synthesize("I'd like a haircut on Friday.", "flite:awb", use_cache=False)
    check_voice("flite:awb")  # records "Hello." too
    assert len(list(recorded.glob("flite-awb-*.npy"))) == 2

    monkeypatch.setenv("PATH", str(tmp_path))  # now no flite
    check_voice("flite:awb")
    again = synthesize("I'd like a haircut on Friday.", "flite:awb", use_cache=False)
    assert again.dtype == np.int16 and np.array_equal(again, spoken)
    with pytest.raises(VoiceError, match=r"'flite'.*not installed"):
        synthesize("A line nobody recorded.", "flite:awb", use_cache=False)
    with pytest.raises(VoiceError, match=r"'flite'.*not installed"):
        synthesize("I'd like a haircut on Friday.", "flite:slt", use_cache=False)  # other voice


def test_eval_audio_with_a_voice_reports_its_pass_rate_and_keeps_a_spoken_phone_number(
    tmp_path: Path,
) -> None:
    # The turn the old noise filter dropped: a caller giving only a number, in a voice that
    # is not the agent's own, through the whole pipeline (G.711 line, VAD, Whisper, filter).
    scenario = tmp_path / "number.toml"
    scenario.write_text(
        'id = "number-only"\n'
        "[[calls]]\n"
        'caller_id = ""\n'
        'turns = ["5 5 5, 8 6 7, 5 3 0 9."]\n'
        "[expect]\n"
        "caller_turns = 1\n"
        "bookings = []\n"
    )
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(
        [sys.executable, "-m", "receptionist.app.cli", "eval", str(scenario), "--audio",
         "--voice", "flite:slt", "--json"],
        capture_output=True, text=True, timeout=240, cwd=root,
    )  # fmt: skip
    report = json.loads(done.stdout)
    assert report["voices"] == [{"voice": "flite:slt", "passed": 1, "total": 1, "pass_rate": 1.0}]
    (row,) = report["scenarios"]
    assert row["voice"] == "flite:slt" and row["passed"], row["reason"]
    caller = [line for line in row["calls"][0] if line.startswith("caller: ")]
    digits = "".join(c for c in caller[0] if c.isdigit())
    assert digits == "5558675309", caller
    assert done.returncode == 0
