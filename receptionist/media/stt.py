"""Speech to text with faster-whisper, in its own worker thread.

Always loaded from a path (never a size name: no hub downloads), always ``temperature=0``
(the fallback schedule re-decodes for seconds), greedy, no timestamps.

The window: Whisper's encoder sees 30 s of audio whatever the turn's length, and on a CPU
the encoder is most of a decode. A caller's turn is a few seconds, so it is decoded in a
shorter window (``window_s``, the site's ``stt_window_s``, 15 by default). With the
business's hotwords as the prompt (what the product always gives it), over 212 caller turns
in four voices not ours (flite slt/rms/awb, Festival slt, through the G.711 line;
2026-11-30, the turns of ``python -m receptionist.harness.stt_speed --make``), word errors
were 13.2 % in the 30 s window, 12.7 % in 15 s and 13.0 % in 10 s, at p50 964 / 453 / 361
ms per turn on a 2-core CPU. Without the prompt the short window heard worse (15.7 %
against 14.0 % in 10 s): the prompt steadies it. In a window much shorter than Whisper's it
also repeats itself to fill it (7 % of the turns in 10 s): a transcript that loops is
decoded again in the full window, so a repetition never reaches the dialog, at the price of
both decodes.
In the 15 s window the loops come mostly from the prompt: the business's words (its services,
its weekdays) pull a short clip into them ("Thanks Bye Thanks Bye", "press, press, ...",
"Five five five" as "Friday, Friday, ..."). Such a reading is first done again in the same
window without the prompt. Over the bench's caller lines and the clips a trial decodes (each
line cut at every pause: 415 clips, four voices not ours, G.711; 2026-12-04, a 2-core box),
15 looped; 10 read without a loop unprompted, against 5 saved by the full window before, and
the 5 left still go there. A looping clip took 450-810 ms against 710-1720 (the full window's
decode is dearer, and itself looped on 9 of the 15), p99 1037 against 1153 ms over all the
clips. Of the 7 clips whose reading changed, 5 read closer to what was said ("Thanks,
bye.", "555", "I want to be a haircut on Wednesday." for "..., Saturday, Friday"), 1 worse
("on when it's due" for "on Wednesday at 2"), 1 as wrong.
A window fitted to each turn (its audio plus 1.5-3.5 s, at least 4-10 s; measured on an AMD
EPYC 2-core box without AVX-512, 2026-12-02, 304 turns of ``stt_speed --make``) loops far more
often: 30 to 80 of the 304 turns repeated themselves with floors of 4-8 s, 9 with 10 s (1 in
the fixed 15 s window), the first copy right as a rule ("Maria Lopez, Maria Lopez, ...").
Cut after the first copy (``without_loop``) instead of decoded again, a floor of 10 s took
176 ms p50 a turn against 231 in 15 s, at word errors 16.6 % against 16.0 %; floors of 6-8 s
took 167-189 ms (this box's noise) at 16.9-17.8 %. Not taken: ~55 ms a turn is not worth
words the dialog then misreads. Compute types there, 15 s: int8 257 ms p50, int8_float32
285, float32 319 (int8 stays).
Names and phone numbers, the words that become the record, were heard as well in 15 s as in
30: of 224 names in four voices, 93 right in 15 s and 95 in 30; of the 10 scenario lines
that give a number, in the same voices (40), 17 in 15 s and 15 in 30; of 20 bare digit
strings, 10 and 12 (2026-11-30). So where the site's window is ``RECORD_WINDOW_S`` or
longer, an answer to "what name?" or "what number?" is decoded there like any turn; in a
shorter one it goes to the full window (``record_in_full_window``, ``full_window=True``),
and a number heard there anyway is decoded again in the full one (``gives_a_number``). In
15 s a number whose digits can't be a phone number where the business is (``doubts_number``:
"5 5 5 5 8 6 7 5 3 0 9", eleven digits in the US) is decoded again in the full window too:
that reading is wrong for sure, and the full window read some of them right.
"""

from __future__ import annotations

import math
import re
import time
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from receptionist.media.audio import resample
from receptionist.media.worker import ModelWorker

WHISPER_RATE = 16000
FULL_WINDOW_S = 30  # what Whisper was trained on
# faster-whisper's transcribe() as every decode here calls it: English, greedy, each window
# on its own, no VAD of its own (ours has already found the speech).
GREEDY = {
    "language": "en",
    "beam_size": 1,
    "temperature": 0.0,
    "condition_on_previous_text": False,
    "vad_filter": False,
}
# Room left in a short window after the turn: Whisper ends a transcript well when it hears
# some silence after the speech.
WINDOW_MARGIN_S = 1.5
HOP_SAMPLES = 160  # one frame of Whisper's log-mel features: 10 ms
TOKENS_PER_S = 8
# A window this long heard names and phone numbers as well as the full one (with the hotwords:
# of 224 names and 60 numbers in four voices, 120 right in 15 s and 122 in 30 s, at ~300
# against ~700 ms a decode); a shorter one decodes them in the full window. In 10 s, without
# the hotwords, it heard "Smith" as "Smitts" and a number with a digit too many.
RECORD_WINDOW_S = 15
# Turns decoded at once on a CPU, each on its share of the threads. CTranslate2 uses a second
# thread poorly for a model this small: on a 2-core box (AMD EPYC, 2026-12-04, 48 caller
# lines in four voices not ours, 15 s window) one decode took p50 311 ms on 2 threads and
# 290 on 1, and two turns decoded one after the other on 2 threads were both done in p50
# 596 ms, against 355 ms for the two at once, one thread each (same tokens).
# Turns waiting together are then decoded at once, not batched (``transcribe``).
PARALLEL_DECODERS = 2


@dataclass(frozen=True)
class Transcript:
    """What Whisper heard, with how sure it was.

    ``confidence`` (0..1) is the geometric mean of the text's token probabilities,
    exp(avg_logprob) over the segments weighted by their token counts; 0 when nothing was
    heard. ``no_speech_prob`` is Whisper's own estimate that the audio held no speech (the
    highest over the segments). Whisper's own silence rule is no_speech_prob > 0.6 with
    avg_logprob < -1 (confidence < 0.37).
    """

    text: str
    audio_ms: int
    compute_ms: int
    no_speech_prob: float = 0.0
    confidence: float = 1.0


def segment_confidence(segments: Sequence[tuple[float, int]]) -> float:
    """exp of the token-weighted mean avg_logprob of (avg_logprob, token count) segments."""
    weighted = [(lp, max(1, n)) for lp, n in segments if math.isfinite(lp)]
    total = sum(n for _, n in weighted)
    if not total:
        return 0.0
    return min(1.0, max(0.0, math.exp(sum(lp * n for lp, n in weighted) / total)))


def gives_a_number(text: str) -> bool:
    """Does ``text`` hold a phone number's worth of digits (seven or more)? In a window
    shorter than ``RECORD_WINDOW_S`` such a turn is decoded again in the full window. In
    15 s Whisper doubles or drops a digit now and then ("5 5 5 5, 8 6 7" from Festival slt),
    but no more often than in 30 s (flite slt's "It's 5 5 5, 8 6 7, ..." read "It's 5 5 5 5
    8 6 7 ..." in both): there only a reading that can be no phone number is done again."""
    return sum(c.isdigit() for c in text) >= 7


def repeats_itself(text: str) -> bool:
    """Does ``text`` end in a loop: a phrase said again and again to the end ("Yes. Yes.
    Yes.", "How much is it? How much is it? How much", "pre-arr-am-am-am")? What Whisper
    writes when a window is too short for it, and now and then in a full one. A whole text
    said twice counts (phrases of two words or more), and so does a text followed by most
    of itself again; a word or a phrase that takes over the end of a text counts from three
    times. "No, no" and "really, really sorry" don't."""
    return _loop(re.findall(r"[\w']+", text.lower())) is not None


def without_loop(text: str) -> str:
    """``text`` up to the end of the first copy of the phrase it loops on ("Thursday,
    Saturday, Saturday, Saturday, ..." -> "Thursday, Saturday"); a text with no loop as
    it is."""
    spans = [(m.start(), m.end()) for m in re.finditer(r"[\w']+", text)]
    loop = _loop([text[a:b].lower() for a, b in spans])
    if loop is None:
        return text
    start, size = loop
    end = spans[start + size - 1][1]
    stop = re.match(r"[.?!]*", text[end:])  # the copy's own full stop, not a comma
    return text[: end + (len(stop.group()) if stop else 0)]


def _loop(words: list[str]) -> tuple[int, int] | None:
    """(first word, words per copy) of the loop that ends ``words``, if one does."""
    n = len(words)
    for start in range(n):
        for size in range(1, n - start):
            phrase = words[start : start + size]
            copies = 1
            while words[start + copies * size : start + (copies + 1) * size] == phrase:
                copies += 1
            rest = words[start + copies * size :]
            if (
                rest
                and not (  # a copy cut off by the window may end the text, mid-word
                    rest[:-1] == phrase[: len(rest) - 1]
                    and phrase[len(rest) - 1].startswith(rest[-1])
                )
            ):
                continue  # the text goes on with something else
            if copies >= 3 or (copies == 2 and start == 0 and size >= 2):
                return start, size
            if start == 0 and size >= 3 and len(rest) >= max(3, size // 2):
                return start, size  # the whole text, then most of it again
    return None


def _whisper_audio(samples: np.ndarray, sample_rate: int) -> np.ndarray:
    """Float samples at 16 kHz, at least 1 s long (Whisper hallucinates on very short
    clips: padded with silence)."""
    audio = resample(samples, sample_rate, WHISPER_RATE)
    if audio.dtype == np.int16:
        audio = audio.astype(np.float32) / 32768.0
    if len(audio) < WHISPER_RATE:
        audio = np.concatenate([audio, np.zeros(WHISPER_RATE - len(audio), np.float32)])
    return audio


class Transcriber:
    def __init__(
        self,
        model_path: str | Path,
        device: str = "cpu",
        compute_type: str = "int8",
        threads: int = 2,
        hotwords: str | None = None,
        window_s: int = FULL_WINDOW_S,
        decoders: int | None = None,
    ) -> None:
        """``decoders``: turns decoded at once, each on ``threads // decoders`` threads; by
        default two on a CPU (see ``PARALLEL_DECODERS``), one on a GPU."""
        from faster_whisper import WhisperModel
        from faster_whisper.tokenizer import Tokenizer

        if not 1 <= window_s <= FULL_WINDOW_S:
            raise ValueError(f"the speech-to-text window is {window_s} s: use 1 to 30")
        self.window_s = window_s
        self.threads = threads
        self.model_path = Path(model_path)
        self.repeats_redone = 0  # short-window loops decoded again in the full window
        self.loops_unprompted = 0  # short-window loops read without one there, unprompted
        self.batched = 0  # turns decoded in a batch with others
        self.loops_cut = 0  # full-window transcripts that looped, cut after the first copy
        self.full_window_turns = 0  # decoded in the full window on request (a name, a number)
        self.numbers_redone = 0  # short-window transcripts with a phone number, decoded again
        # Can the digits of a transcript be no phone number where the business is? Such a
        # reading in the short window is decoded again in the full one (the runtime sets it
        # from the business's country; by default no number is doubted).
        self.doubts_number: Callable[[str], bool] = lambda text: False
        # On a CPU the encoder's cost grows with the batch, and in the full window a batch
        # saved only 7 % (three turns: 2670 against 2880 ms): batches only in a short window.
        # On a GPU a batch costs about what one turn does, in any window.
        self.device = device

        if decoders is None:
            decoders = min(PARALLEL_DECODERS, threads) if device == "cpu" else 1
        self.decoders = max(1, decoders)
        self.model = WhisperModel(
            str(model_path),
            device=device,
            compute_type=compute_type,
            cpu_threads=max(1, threads // self.decoders),
            num_workers=self.decoders,  # CTranslate2 runs that many generate() calls at once
        )
        self._tokenizer = Tokenizer(
            self.model.hf_tokenizer, self.model.model.is_multilingual, "transcribe", "en"
        )
        self.hotwords = hotwords
        self.worker = ModelWorker("stt", threads=self.decoders)
        # Listeners whose caller is in a turn now, on any call: each will want this worker
        # when its caller stops, so speculative work that could be in its way waits.
        self.open_turns: weakref.WeakSet[object] = weakref.WeakSet()

    def warm(self) -> None:
        """Decode a second of silence on every decoder at once: the first decode of each
        (allocations, kernel selection) is slow, and must not be a caller's turn."""
        from concurrent.futures import ThreadPoolExecutor

        silence = np.zeros(WHISPER_RATE, np.int16)
        with ThreadPoolExecutor(self.decoders) as pool:
            list(
                pool.map(
                    lambda _: self.transcribe_sync(silence, WHISPER_RATE), range(self.decoders)
                )
            )

    def batches(self, window_s: int) -> bool:
        """Can turns be decoded together in one batch in this window (a short one, or any on
        a GPU)? ``transcribe`` batches the turns waiting together only where there is one
        decoder; ``transcribe_batch_sync`` decodes in the short window only where this holds."""
        return window_s < FULL_WINDOW_S or self.device != "cpu"

    def record_in_full_window(self) -> bool:
        """Should an answer the dialog asked for, a name or a phone number, be decoded in the
        full window? Only where the site's window is shorter than ``RECORD_WINDOW_S``: in
        15 s they were heard as well as in 30, in less than half the time."""
        return self.window_s < RECORD_WINDOW_S

    def word_times(self, samples: np.ndarray, sample_rate: int) -> list[tuple[str, float, float]]:
        """Each word Whisper hears, with where it starts and ends (s): in its own window,
        with its word timestamps. For tools that place things in audio (the bench puts a
        caller's pauses between words with it); a call never needs it."""
        segments, _info = self.model.transcribe(
            _whisper_audio(samples, sample_rate), word_timestamps=True, **GREEDY
        )
        return [(w.word.strip(), w.start, w.end) for s in segments for w in s.words or []]

    def transcribe_sync(self, samples: np.ndarray, sample_rate: int) -> Transcript:
        return self.transcribe_batch_sync([(samples, sample_rate)])[0]

    def transcribe_batch_sync(
        self, items: Sequence[tuple[np.ndarray, int]], full_window: bool = False
    ) -> list[Transcript]:
        """Several turns (other calls' too) at once: those that fit the short window go
        through the encoder and the decoder together, in one batch; the rest one by one
        (all of them with ``full_window``, in Whisper's own window). Each transcript's
        ``compute_ms`` is the time its caller waited: the whole batch."""
        started = time.perf_counter()
        audios = [_whisper_audio(samples, rate) for samples, rate in items]
        limit = (self.window_s - WINDOW_MARGIN_S) * WHISPER_RATE
        in_window = self.batches(self.window_s) and not full_window
        batch = [i for i, a in enumerate(audios) if in_window and len(a) <= limit]
        heard: dict[int, tuple[str, float, float]] = {}
        if batch:
            decoded = self._decode_in_window([audios[i] for i in batch])
            looped = [k for k, (text, _, _) in enumerate(decoded) if repeats_itself(text)]
            if looped and self.hotwords:
                # The business's words as the prompt pull a short clip into a loop now and
                # then ("Thanks Bye Thanks Bye", "press, press, press, ..."): read again in
                # the same window without them, before the full window's far dearer decode.
                again = self._decode_in_window([audios[batch[k]] for k in looped], prompted=False)
                for k, reading in zip(looped, again, strict=True):
                    if not repeats_itself(reading[0]):
                        self.loops_unprompted += 1
                        decoded[k] = reading
            for i, (text, no_speech, confidence) in zip(batch, decoded, strict=True):
                if repeats_itself(text):
                    self.repeats_redone += 1
                    continue
                if gives_a_number(text) and (
                    self.window_s < RECORD_WINDOW_S or self.doubts_number(text)
                ):
                    self.numbers_redone += 1  # every digit is the record: as 30 s reads it
                    continue
                heard[i] = (text, no_speech, confidence)
            if len(batch) > 1:
                self.batched += len(batch)
        for i, audio in enumerate(audios):
            if i not in heard:
                text, no_speech, confidence = self._decode(audio)
                if repeats_itself(text):  # even the full window loops now and then
                    self.loops_cut += 1
                    text = without_loop(text)
                heard[i] = (text, no_speech, confidence)
        compute_ms = int((time.perf_counter() - started) * 1000)
        return [
            Transcript(
                text=heard[i][0],
                audio_ms=len(samples) * 1000 // rate,
                compute_ms=compute_ms,
                no_speech_prob=heard[i][1],
                confidence=heard[i][2] if heard[i][0] else 0.0,
            )
            for i, (samples, rate) in enumerate(items)
        ]

    def _decode(self, audio: np.ndarray) -> tuple[str, float, float]:
        """faster-whisper's own way: 30 s windows, any length of audio. Tokens per window
        are capped as in the short window (a loop stops soon instead of running to 448
        tokens: seen at 2.4 s for one turn)."""
        seconds = min(len(audio) / WHISPER_RATE, FULL_WINDOW_S)
        segments, _info = self.model.transcribe(
            audio,
            without_timestamps=True,
            hotwords=self.hotwords,
            max_new_tokens=int(seconds * TOKENS_PER_S) + 8,
            **GREEDY,
        )
        parts = list(segments)
        text = " ".join(p.text.strip() for p in parts).strip()
        no_speech = max((p.no_speech_prob for p in parts), default=1.0)
        confidence = segment_confidence([(p.avg_logprob, len(p.tokens)) for p in parts])
        return text, no_speech, confidence

    def _decode_in_window(
        self, audios: Sequence[np.ndarray], prompted: bool = True
    ) -> list[tuple[str, float, float]]:
        """One greedy decode of each audio (shorter than the window) padded with silence to
        ``window_s``, all in one batch: the encoder's cost is in proportion to the window.
        faster-whisper pads every window to 30 s, so this calls its CTranslate2 model
        directly, with the same prompt (the hotwords; none where not ``prompted``) and the
        same scores as faster-whisper's own decode."""
        import ctranslate2

        frames = self.window_s * WHISPER_RATE // HOP_SAMPLES
        features = []
        for audio in audios:
            window = np.zeros(self.window_s * WHISPER_RATE, np.float32)
            window[: len(audio)] = audio
            features.append(self.model.feature_extractor(window)[:, :frames])
        prompt = self.model.get_prompt(
            self._tokenizer,
            [],
            without_timestamps=True,
            hotwords=self.hotwords if prompted else None,
        )
        # Room for fast speech (8 tokens a second, twice a fast talker's) and no more: a loop
        # stops soon, and is then decoded again (unprompted, else in the full window).
        longest = max(len(a) for a in audios)
        most = len(prompt) + int(longest / WHISPER_RATE * TOKENS_PER_S) + 8
        results = self.model.model.generate(
            ctranslate2.StorageView.from_array(np.ascontiguousarray(np.stack(features))),
            [prompt] * len(audios),
            beam_size=1,
            max_length=min(most, self.model.max_length),
            return_scores=True,
            return_no_speech_prob=True,
        )
        heard = []
        for result in results:
            tokens = result.sequences_ids[0]
            text = self._tokenizer.decode(tokens).strip()
            avg_logprob = result.scores[0] * len(tokens) / (len(tokens) + 1)
            confidence = segment_confidence([(avg_logprob, len(tokens))])
            heard.append((text, result.no_speech_prob, confidence))
        return heard

    async def transcribe(
        self,
        samples: np.ndarray,
        sample_rate: int,
        urgent: bool = False,
        full_window: bool = False,
    ) -> Transcript:
        """``urgent``: a caller's finished turn, decoded before any waiting trial decode.
        Turns waiting at the same time are decoded in one batch where ``batches`` says so
        (a short window, or a GPU) and there is one decoder; with several, each turn gets
        its own (two turns on two 1-thread decoders were both done in p50 352 ms, in one
        batch on one decoder in 453: a CPU batch runs on one core). ``full_window``: in
        Whisper's own 30 s window, whatever the site's (a name, a number: see
        ``record_in_full_window``)."""
        if full_window and self.window_s < FULL_WINDOW_S:
            self.full_window_turns += 1
            return await self.worker.run(
                lambda: self.transcribe_batch_sync([(samples, sample_rate)], full_window=True)[0],
                urgent,
            )
        if self.decoders == 1 and self.batches(self.window_s):
            transcript: Transcript = await self.worker.run_batched(
                (samples, sample_rate), self.transcribe_batch_sync, urgent
            )
            return transcript
        return await self.worker.run(lambda: self.transcribe_sync(samples, sample_rate), urgent)
