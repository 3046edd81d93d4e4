"""Piper's voice as the product loads it: the same speech as Piper's own loader, from a session
that does not spin (it shares two cores with Whisper)."""

from __future__ import annotations

import numpy as np
from piper import PiperVoice, SynthesisConfig

from receptionist.app.config import Settings
from receptionist.media.tts import load_voice


def _speech(voice: PiperVoice, text: str) -> np.ndarray:
    still = SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0)  # no randomness: comparable
    return np.concatenate([c.audio_int16_array for c in voice.synthesize(text, syn_config=still)])


def test_the_cpu_voice_sounds_like_pipers_own_and_does_not_spin(settings: Settings) -> None:
    path = settings.models.tts
    ours, theirs = load_voice(path), PiperVoice.load(path)
    assert ours.config == theirs.config
    text = "Thursday at 3 PM is free. What name should I put it under?"
    assert np.array_equal(_speech(ours, text), _speech(theirs, text))
    options = ours.session.get_session_options()
    assert options.get_session_config_entry("session.intra_op.allow_spinning") == "0"
