"""How soon the agent's first audio of a reply is ready: Piper's time for the first piece a
speaker sends it, a whole sentence against a long sentence's first clause (see
receptionist.media.tts.speech_pieces), on the replies the bench's own calls made."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from receptionist.harness.bench_calls import pct
from receptionist.media.tts import Synthesizer, speech_pieces, split_sentences


def first_audio(tts: Synthesizer, replies: Iterable[str], rate: int = 8000) -> dict[str, Any]:
    """Synthesis time (ms) of each distinct reply's first sentence and of its first piece,
    both made afresh (never from the cache), in the same run."""
    sentence_ms: list[float] = []
    piece_ms: list[float] = []
    split = 0
    for reply in sorted({r.strip() for r in replies if r.strip()}):
        first_sentence = split_sentences(reply)[0]
        first_piece = speech_pieces(reply)[0]
        sentence_ms.append(tts.speak_sync(first_sentence, rate, use_cache=False).compute_ms)
        if first_piece == first_sentence:
            piece_ms.append(sentence_ms[-1])
            continue
        split += 1
        piece_ms.append(tts.speak_sync(first_piece, rate, use_cache=False).compute_ms)
    return {
        "replies": len(sentence_ms),
        "replies_split": split,
        "sentence_p50_ms": pct(sentence_ms, 50),
        "sentence_p95_ms": pct(sentence_ms, 95),
        "piece_p50_ms": pct(piece_ms, 50),
        "piece_p95_ms": pct(piece_ms, 95),
    }
