"""Loading the four local models, with a clear error naming a missing or broken file."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from receptionist.media.llm import LanguageModel
from receptionist.media.stt import Transcriber
from receptionist.media.tts import Synthesizer
from receptionist.media.turn_model import SmartTurn
from receptionist.media.vad import SileroVad
from receptionist.media.worker import ModelWorker

log = logging.getLogger(__name__)

SYSTEM_PROMPT = (
    "You are the friendly receptionist of {name}, answering the phone. Answer in one short "
    "sentence. Never say that anything was booked, cancelled, sent or transferred. Never give "
    "prices, times or numbers. If you don't know, say so politely."
)


class ModelError(RuntimeError):
    """A model file is missing or unreadable; the message names it and the fix."""


@dataclass
class Models:
    vad: SileroVad
    stt: Transcriber
    tts: Synthesizer
    llm: LanguageModel | None
    vad_worker: ModelWorker = field(default_factory=lambda: ModelWorker("vad"))
    turn: SmartTurn | None = None  # the audio end-of-turn model; None: the words alone
    turn_worker: ModelWorker = field(default_factory=lambda: ModelWorker("turn"))
    load_ms: dict[str, int] = field(default_factory=dict)

    def close(self) -> None:
        """Stop the model threads and free the models before the interpreter exits.

        Native libraries (llama.cpp, CTranslate2) abort the process if they are torn down
        by the interpreter's finalizer while their threads still run.
        """
        self.vad_worker.close()
        self.turn_worker.close()
        self.stt.worker.close()
        self.tts.worker.close()
        if self.llm is not None:
            self.llm.close()
        self.llm = None

    def health_line(self) -> str:
        parts = [f"{name} {ms} ms" for name, ms in self.load_ms.items()]
        llm = "" if self.llm is not None else " (language model off)"
        turn = "" if self.turn is not None else " (end-of-turn model off)"
        return "models loaded: " + ", ".join(parts) + llm + turn


def _check(path: str | Path, what: str, is_dir: bool = False) -> Path:
    p = Path(path)
    ok = p.is_dir() if is_dir else p.is_file() and p.stat().st_size > 0
    if not ok:
        raise ModelError(
            f"{what} model not found at {p} (run `make models` to install the bundled models, "
            f"or set [models] in the config file to a file of your own)"
        )
    return p


def load_models(
    stt: str,
    tts: str,
    vad: str,
    llm: str | None,
    device: str = "cpu",
    threads: int = 2,
    llm_gpu_layers: int = 0,
    business_name: str = "the office",
    hotwords: str | None = None,
    turn: str | None = None,
    stt_window_s: int = 15,
) -> Models:
    """Load every model now, at start-up, so that a bad file never surfaces mid-call."""
    times: dict[str, int] = {}
    if device == "auto":
        device = "cuda" if _cuda_available() else "cpu"

    def timed(name: str, fn):
        started = time.perf_counter()
        try:
            value = fn()
        except ModelError:
            raise
        except Exception as exc:
            raise ModelError(f"{name} model failed to load: {exc} (run `make models`)") from exc
        times[name] = int((time.perf_counter() - started) * 1000)
        return value

    vad_path = _check(vad, "VAD (silero)")
    stt_path = _check(stt, "speech-to-text (Whisper)", is_dir=True)
    _check(stt_path / "model.bin", "speech-to-text (Whisper)")
    tts_path = _check(tts, "text-to-speech (Piper)")
    _check(str(tts_path) + ".json", "text-to-speech (Piper) config")
    vad_model = timed("vad", lambda: SileroVad(vad_path))
    compute = "float16" if device == "cuda" else "int8"
    stt_model = timed(
        "stt", lambda: Transcriber(stt_path, device, compute, threads, hotwords, stt_window_s)
    )
    tts_model = timed("tts", lambda: Synthesizer(tts_path, device))
    llm_model = None
    if llm:
        llm_path = _check(llm, "language (GGUF)")
        gpu_layers = llm_gpu_layers if device == "cuda" else 0
        llm_model = timed(
            "llm",
            lambda: LanguageModel(
                llm_path,
                SYSTEM_PROMPT.format(name=business_name),
                threads=threads,
                gpu_layers=gpu_layers,
            ),
        )
    turn_model = None
    if turn and Path(turn).is_file():
        turn_model = timed("turn", lambda: SmartTurn(turn))
    elif turn:  # the words alone still end turns, only later: say so, don't stop
        log.warning(
            "end-of-turn model not found at %s (run `make models`): turns end on the words "
            "and the silence alone",
            turn,
        )
    return Models(
        vad=vad_model, stt=stt_model, tts=tts_model, llm=llm_model, load_ms=times, turn=turn_model
    )


def _cuda_available() -> bool:
    try:
        import ctranslate2

        return int(ctranslate2.get_cuda_device_count()) > 0
    except Exception:
        return False
