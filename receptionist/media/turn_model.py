"""Has the caller finished? Smart Turn v3.2, an audio end-of-turn model (ONNX, no torch).

It hears what words can't show: a falling pitch at the end of a request, a held vowel
before "um". Its input is the last 8 s of the turn at 16 kHz (zero-padded in front),
normalised to zero mean and unit variance, as an 80 x 800 Whisper log-mel spectrogram;
its output is the probability that the turn is complete. The features are transformers'
``WhisperFeatureExtractor(chunk_length=8)`` in numpy (as pipecat computes them), with
faster-whisper's mel filter bank.

The ONNX session is shared by every call; it runs in its own worker thread, like silero.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from receptionist.media.audio import resample

TURN_RATE = 16000
WINDOW_S = 8
N_FFT = 400
HOP = 160
_NORM_EPS = 1e-7


class SmartTurn:
    def __init__(self, model_path: str | Path, threads: int = 1) -> None:
        import onnxruntime as ort
        from faster_whisper.feature_extractor import FeatureExtractor

        options = ort.SessionOptions()
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(
            str(model_path), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self._mel = FeatureExtractor.get_mel_filters(TURN_RATE, N_FFT, n_mels=80)
        self._window = np.hanning(N_FFT + 1)[:-1]
        self.last_ms = 0  # compute time of the latest verdict

    def features(self, samples: np.ndarray, sample_rate: int) -> np.ndarray:
        """The model's input for the end of ``samples`` (int16 or float): (1, 80, 800)."""
        floats = samples.astype(np.float32) / 32768.0 if samples.dtype == np.int16 else samples
        x = resample(floats.astype(np.float32), sample_rate, TURN_RATE)  # not back to int16
        n = TURN_RATE * WINDOW_S
        x = x[-n:] if len(x) >= n else np.pad(x, (n - len(x), 0))
        x = (x - x.mean()) / np.sqrt(x.var() + _NORM_EPS)
        # In float64 like the reference: the model is sensitive to the features' last digits
        # (faster-whisper's complex64 STFT moved some verdicts by 0.2).
        padded = np.pad(x.astype(np.float64), (N_FFT // 2, N_FFT // 2), mode="reflect")
        frames = sliding_window_view(padded, N_FFT)[::HOP]
        power = np.abs(np.fft.rfft(frames * self._window, axis=-1)) ** 2
        mel = np.log10(np.maximum(1e-10, self._mel @ power.T))[:, :-1]
        mel = (np.maximum(mel, mel.max() - 8.0) + 4.0) / 4.0
        return mel[np.newaxis, :, :].astype(np.float32)

    def probability(self, samples: np.ndarray, sample_rate: int) -> float:
        """The probability that the speech in ``samples`` ends a complete turn."""
        started = time.perf_counter()
        (out,) = self.session.run(None, {"input_features": self.features(samples, sample_rate)})
        self.last_ms = int((time.perf_counter() - started) * 1000)
        return float(np.asarray(out).reshape(-1)[0])
