"""The language models (llama.cpp), each in its own worker thread.

``LanguageModel`` phrases sentences; it never decides that something happened (ARCHITECTURE
rule 1). ``JsonModel`` answers in JSON under a schema's grammar, for the optional model
understanding (``receptionist/dialog/model_understanding.py``).
The system prompt is evaluated once at start-up; llama.cpp keeps the evaluated tokens and
reuses the longest common prefix, so each turn only evaluates its own new tokens.
Every generation has a deadline: what has not come by then is not waited for.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

from receptionist.media.worker import ModelWorker

_CLAUSE_END = re.compile(r"[.!?](\s|$)")


def _load(model_path: str | Path, n_ctx: int, threads: int, gpu_layers: int) -> Any:
    from llama_cpp import Llama

    return Llama(model_path=str(model_path), n_ctx=n_ctx, n_threads=threads,
                 n_gpu_layers=gpu_layers, verbose=False)  # fmt: skip


class LanguageModel:
    def __init__(
        self,
        model_path: str | Path,
        system_prompt: str,
        n_ctx: int = 2048,
        threads: int = 2,
        gpu_layers: int = 0,
        max_tokens: int = 60,
    ) -> None:
        self.llm = _load(model_path, n_ctx, threads, gpu_layers)
        self.system_prompt = system_prompt
        self.max_tokens = max_tokens
        self.worker = ModelWorker("llm")
        self._lock = threading.Lock()

    def close(self) -> None:
        self.worker.close()
        close = getattr(self.llm, "close", None)
        if close is not None:
            close()

    def _messages(self, history: Sequence[tuple[str, str]]) -> list[dict[str, str]]:
        messages = [{"role": "system", "content": self.system_prompt}]
        messages += [{"role": role, "content": text} for role, text in history]
        return messages

    def warm(self) -> None:
        """Evaluate the system prompt now so that the first call finds it cached."""
        self.worker.submit_sync(lambda: self._complete_sync([("user", "Hello")], 1, None))

    def _complete_sync(
        self,
        history: Sequence[tuple[str, str]],
        max_tokens: int,
        on_sentence: Any,
        deadline: float | None = None,
    ) -> str:
        stream = self.llm.create_chat_completion(
            messages=self._messages(history),
            max_tokens=max_tokens,
            temperature=0.0,
            stream=True,
        )
        text = ""
        emitted = 0
        for chunk in stream:
            delta: Any = chunk["choices"][0]["delta"]
            text += str(delta.get("content") or "")
            if on_sentence is not None:
                ends = [m.end() for m in _CLAUSE_END.finditer(text, emitted)]
                if ends and ends[-1] > emitted:
                    on_sentence(text[emitted : ends[-1]].strip())
                    emitted = ends[-1]
            if deadline is not None and time.monotonic() > deadline:
                break
        if on_sentence is not None and text[emitted:].strip():
            on_sentence(text[emitted:].strip())
        return text.strip()

    async def stream_sentences(
        self, history: Sequence[tuple[str, str]], deadline_s: float
    ) -> AsyncIterator[str]:
        """Sentences of the reply as they complete; stops at the deadline."""
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[str | None] = asyncio.Queue()
        deadline = time.monotonic() + deadline_s

        def on_sentence(sentence: str) -> None:
            loop.call_soon_threadsafe(queue.put_nowait, sentence)

        job = asyncio.ensure_future(
            self.worker.run(
                lambda: self._complete_sync(history, self.max_tokens, on_sentence, deadline)
            )
        )
        job.add_done_callback(lambda _f: loop.call_soon_threadsafe(queue.put_nowait, None))
        while True:
            remaining = deadline - time.monotonic()
            try:
                item = await asyncio.wait_for(queue.get(), timeout=max(remaining, 0.01))
            except TimeoutError:
                return
            if item is None:
                if job.done() and job.exception() is not None:
                    raise job.exception()  # type: ignore[misc]
                return
            yield item


class DeadlineMissed(TimeoutError):
    """A generation was stopped, or never started, because its deadline had passed."""


class JsonModel:
    """A GGUF that answers in JSON held to a schema by a grammar (llama.cpp), in its own
    worker thread: the understanding model, apart from the model that phrases sentences.

    A separate model and worker, even when the file is the same, keeps each system prompt in
    its own context, so neither evicts the other's cached tokens; a 7-8B understanding model
    also wants the GPU while the phrasing model stays small.
    """

    def __init__(
        self,
        model_path: str | Path,
        n_ctx: int = 2048,
        threads: int = 2,
        gpu_layers: int = 0,
        max_tokens: int = 200,
    ) -> None:
        self.llm = _load(model_path, n_ctx, threads, gpu_layers)
        self.max_tokens = max_tokens
        self.worker = ModelWorker("understanding")
        self._grammars: dict[str, Any] = {}

    def close(self) -> None:
        self.worker.close()
        close = getattr(self.llm, "close", None)
        if close is not None:
            close()

    def _grammar(self, schema: dict[str, Any]) -> Any:
        from llama_cpp import LlamaGrammar

        key = json.dumps(schema, sort_keys=True)
        if key not in self._grammars:
            self._grammars[key] = LlamaGrammar.from_json_schema(json.dumps(schema), verbose=False)
        return self._grammars[key]

    def complete_sync(
        self,
        system: str,
        user: str,
        schema: dict[str, Any],
        deadline: float | None = None,
        max_tokens: int | None = None,
    ) -> str:
        """The model's JSON text; stops between two tokens once ``deadline`` (a
        ``time.monotonic()`` instant) has passed, and raises ``DeadlineMissed``."""
        if deadline is not None and time.monotonic() > deadline:
            raise DeadlineMissed("the deadline passed while the turn waited for the model")
        stream = self.llm.create_chat_completion(
            messages=[
                {"role": "system", "content": system},
                {"role": "user", "content": user},
            ],
            grammar=self._grammar(schema),
            max_tokens=max_tokens or self.max_tokens,
            temperature=0.0,
            stream=True,
        )
        text = ""
        for chunk in stream:
            delta: Any = chunk["choices"][0]["delta"]
            text += str(delta.get("content") or "")
            if deadline is not None and time.monotonic() > deadline:
                raise DeadlineMissed(f"stopped after {len(text)} characters")
        return text

    async def __call__(
        self, system: str, user: str, schema: dict[str, Any], deadline: float | None = None
    ) -> str:
        """``complete_sync`` on the worker thread: a ``JsonCompleter``."""
        return await self.worker.run(lambda: self.complete_sync(system, user, schema, deadline))

    def warm(self, system: str, schema: dict[str, Any]) -> None:
        """Evaluate the system prompt and build the grammar now, before the first call."""
        self.worker.submit_sync(lambda: self.complete_sync(system, "Hello", schema, max_tokens=4))
