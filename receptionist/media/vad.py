"""Silero VAD (ONNX, through onnxruntime alone: no torch) at 8 kHz.

The model takes 256-sample windows at 8 kHz with the last 32 samples of the previous window
prepended as context, and carries a recurrent state. One ``VadStream`` per call holds that
state; the ONNX session is shared by every call.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from receptionist.media.audio import resample

VAD_RATE = 8000
WINDOW = 256
CONTEXT = 32


class SileroVad:
    def __init__(self, model_path: str | Path, threads: int = 1) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(
            str(model_path), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self._sr = np.array(VAD_RATE, dtype=np.int64)

    def stream(self) -> VadStream:
        return VadStream(self)

    def window(self, samples: np.ndarray, state: np.ndarray) -> tuple[float, np.ndarray]:
        out, new_state = self.session.run(
            None, {"input": samples[np.newaxis, :], "state": state, "sr": self._sr}
        )
        return float(out[0][0]), new_state


class VadStream:
    """Per-call VAD: feed 20 ms frames, get the speech probability of the latest window."""

    def __init__(self, vad: SileroVad) -> None:
        self._vad = vad
        self._state = np.zeros((2, 1, 128), dtype=np.float32)
        self._context = np.zeros(CONTEXT, dtype=np.float32)
        self._pending = np.zeros(0, dtype=np.float32)
        self.probability = 0.0

    def reset(self) -> None:
        self._state[:] = 0
        self._context[:] = 0
        self._pending = np.zeros(0, dtype=np.float32)
        self.probability = 0.0

    def push(self, frame: np.ndarray, sample_rate: int = VAD_RATE) -> float:
        """Add int16 samples; returns the probability of the newest complete window."""
        samples = frame if sample_rate == VAD_RATE else resample(frame, sample_rate, VAD_RATE)
        self._pending = np.concatenate([self._pending, samples.astype(np.float32) / 32768.0])
        while len(self._pending) >= WINDOW:
            chunk = self._pending[:WINDOW]
            self._pending = self._pending[WINDOW:]
            joined = np.concatenate([self._context, chunk])
            self.probability, self._state = self._vad.window(joined, self._state)
            self._context = chunk[-CONTEXT:]
        return self.probability
