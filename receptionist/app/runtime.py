"""Assembling the parts from settings: the store, the models, the booking backend."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from receptionist.app.config import Settings
from receptionist.dialog.model_understanding import ModelUnderstanding
from receptionist.dialog.numbers import find_phone
from receptionist.domain.phones import possible_phone
from receptionist.domain.saying import DAY_NAMES
from receptionist.media.models import ModelError, Models, load_models
from receptionist.store.db import Store
from receptionist.tools.backend import BookingBackend
from receptionist.tools.booking import BookingService
from receptionist.tools.calendar import BuiltinCalendar

log = logging.getLogger(__name__)


def models_from_settings(settings: Settings, with_llm: bool | None = None) -> Models:
    m = settings.models
    use_llm = m.llm_enabled if with_llm is None else with_llm
    models = load_models(
        stt=m.stt,
        tts=m.tts,
        vad=m.vad,
        turn=m.turn,
        llm=m.llm if use_llm else None,
        device=m.device,
        threads=m.threads,
        llm_gpu_layers=m.llm_gpu_layers,
        business_name=settings.profile.name,
        hotwords=stt_hotwords(settings),
        stt_window_s=m.stt_window_s,
    )
    models.stt.doubts_number = partial(no_phone_here, region=settings.profile.region)
    return models


def no_phone_here(text: str, region: str) -> bool:
    """Do the digits in ``text`` make no phone number dialled from ``region``?"""
    number = find_phone(text)
    return number is None or not possible_phone(number, region)


def stt_hotwords(settings: Settings) -> str:
    """Words of this business that Whisper should expect: names, services, staff, and the
    words the escalation rules listen for (a misheard "refund" would miss its rule)."""
    p = settings.profile
    words = [p.name, *(s.name for s in p.services), *(m.name for m in p.staff)]
    words += ["appointment", "refund", "cancel", "message"]
    # The days too: with staff names alone, tiny.en hears "Thursday" as "Sarah's D" from
    # voices that aren't Piper's (measured with flite; the weekdays fixed 2 of 4 such lines).
    words += [DAY_NAMES[i] for i, hours in enumerate(p.hours.days) if hours is not None]
    return ", ".join(dict.fromkeys(words))


def booking_backend(settings: Settings, store: Store) -> BookingBackend:
    """The backend the config names; the built-in calendar is the embedded default."""
    b = settings.booking
    if b.backend == "caldav":
        from receptionist.tools.caldav_backend import CalDavBackend

        return CalDavBackend(
            b.caldav_url,
            b.caldav_username,
            b.caldav_password,
            b.caldav_calendar,
            settings.profile.timezone,
            b.deadline_s,
        )
    if b.backend == "webhook":
        from receptionist.tools.webhook_backend import WebhookBackend

        return WebhookBackend(b.webhook_url, b.webhook_secret, b.deadline_s)
    return BuiltinCalendar(store)


@dataclass
class Runtime:
    settings: Settings
    store: Store
    models: Models
    bookings: BookingService
    today: Callable[[], date] = date.today
    # The capable-model reading of caller turns, when [models] understanding = "model".
    understander: ModelUnderstanding | None = None
    # role -> file name, size, sha256 of the models loaded: kept with every call's record.
    model_fingerprints: dict[str, dict[str, Any]] = field(default_factory=dict)

    def close(self) -> None:
        if self.understander is not None:
            self.understander.close()
        self.models.close()
        self.store.close()


def build_understander(settings: Settings) -> ModelUnderstanding | None:
    """The model understanding the config asks for, loaded and warmed now; None for rules.

    The model gets its own llama.cpp instance and worker thread, even when it is the same
    file as `llm`: the understanding prompt and the phrasing prompt each stay cached in
    their own context, an understanding turn never queues behind a sentence being phrased
    for another call, and a site can put a 7-8B model on the GPU for understanding while
    phrasing stays on the small one (or off).
    """
    m = settings.models
    if m.understanding != "model":
        return None
    from receptionist.media.llm import JsonModel

    path = Path(m.understanding_file)
    if not (path.is_file() and path.stat().st_size > 0):
        raise ModelError(
            f"understanding model not found at {path} ([models] understanding_model in "
            f'{settings.source}; or set understanding = "rules")'
        )
    started = time.perf_counter()
    # A CPU build of llama.cpp ignores GPU layers, so "auto" needs no probe here.
    gpu_layers = 0 if m.device == "cpu" else m.understanding_gpu_layers
    try:
        model = JsonModel(path, threads=m.threads, gpu_layers=gpu_layers)
    except Exception as exc:
        raise ModelError(f"understanding model {path} failed to load: {exc}") from exc
    # The model is the completer; understander.close() closes it.
    understander = ModelUnderstanding(
        model, settings.profile, deadline_s=m.understanding_deadline_ms / 1000
    )
    model.warm(understander.system, understander.schema)
    log.info(
        "understanding model %s loaded in %d ms (deadline %d ms)",
        path,
        (time.perf_counter() - started) * 1000,
        m.understanding_deadline_ms,
    )
    return understander


def build_runtime(
    settings: Settings,
    models: Models | None = None,
    store: Store | None = None,
    today: Callable[[], date] = date.today,
) -> Runtime:
    store = store or Store(settings.store.path)
    models = models or models_from_settings(settings)
    bookings = BookingService(
        store,
        booking_backend(settings, store),
        settings.profile,
        deadline_s=settings.booking.deadline_s,
        slot_minutes=settings.booking.slot_minutes,
    )
    warm_fixed_sentences(settings, models)
    understander = build_understander(settings)
    return Runtime(settings, store, models, bookings, today, understander,
                   model_fingerprints(settings))  # fmt: skip


def model_fingerprints(settings: Settings) -> dict[str, dict[str, Any]]:
    """The models' fingerprints (harness/drift.py), hashed once per process."""
    from receptionist.harness.drift import fingerprints

    started = time.perf_counter()
    found = fingerprints(settings)
    log.info("model fingerprints in %d ms: %s", (time.perf_counter() - started) * 1000,
             ", ".join(f"{role} {f['file']} {(f['sha256'] or '?')[:12]}"
                       for role, f in found.items()))  # fmt: skip
    return found


def warm_fixed_sentences(settings: Settings, models: Models, sample_rate: int = 8000) -> None:
    """Synthesize the sentences every call says (greeting, notice, fillers) once, up front;
    then, in the background, the business's answers and questions and the offer of each of
    its slots, so that a reply that starts with one of them plays at once."""
    from receptionist.dialog import replies

    profile = settings.profile
    sentences = [profile.recording_notice, profile.greeting, *replies.FIXED]
    sentences += [rule.say for rule in profile.escalation if rule.say]
    models.tts.warm([s for s in sentences if s], sample_rate)
    models.tts.warm_later(
        replies.profile_sentences(profile)
        + replies.slot_offers(profile, settings.booking.slot_minutes),
        sample_rate,
    )
    # The first decode of each model is slow (allocations, kernel selection): do it now.
    models.stt.warm()
    if models.llm is not None:
        models.llm.warm()
    # The region's holiday dates (dialog/holiday_names.py) are read once, not on a first turn.
    from receptionist.dialog.holiday_names import find_holiday

    find_holiday("", date.today(), profile.region)
