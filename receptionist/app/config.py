"""Settings: one TOML file (the business profile and the daemon's settings).

The shipped example (the salon of SCENARIOS.md) is the default. Environment variables
override secrets and ports. A wrong key or value is an error naming the key, the file and
what is allowed.
"""

from __future__ import annotations

import dataclasses
import importlib
import itertools
import logging
import os
import re
import tomllib
import types
import typing
from dataclasses import dataclass, field
from datetime import time
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from receptionist.domain.phones import possible_region
from receptionist.domain.profile import (
    DAYS,
    BusinessProfile,
    EscalationRule,
    OpeningHours,
    Service,
    StaffMember,
)
from receptionist.domain.saying import CURRENCY_WORDS, REGION_CURRENCY
from receptionist.media.leg import RING_SECONDS

T = TypeVar("T")
log = logging.getLogger(__name__)


class ConfigError(ValueError):
    """The configuration file is wrong; the message names the file, the key and the fix."""


@dataclass
class ModelSettings:
    device: str = "cpu"
    stt: str = "models/whisper-tiny.en"
    # Seconds of audio Whisper's encoder sees for a caller's turn (it was trained on 30).
    # 15 decodes a turn in under half the time of 30, and with the business's hotwords
    # it heard caller voices not ours as well (receptionist/media/stt.py); 30 is Whisper's own.
    stt_window_s: int = 15
    tts: str = "models/piper/en_US-joe-medium.onnx"
    vad: str = "models/silero_vad.onnx"
    # An audio end-of-turn model (Smart Turn v3.2, placed by `make models`), off by default:
    # on callers in four voices not ours it doubled premature cut-offs (make bench's curve).
    turn: str = ""
    llm: str = "models/smollm2-135m-instruct.gguf"
    llm_enabled: bool = True
    llm_gpu_layers: int = 0
    # CPU threads for each model. Speech to text splits them between two decoders on a CPU
    # (two calls' turns at once, media/stt.py PARALLEL_DECODERS); with 1, one decoder.
    threads: int = 2
    # Caller turns read by the rules alone, or by a capable model checked by the rules
    # (docs/understanding.md). The model file defaults to `llm`.
    understanding: str = "rules"
    understanding_model: str = ""
    understanding_deadline_ms: int = 600
    understanding_gpu_layers: int = -1  # all layers on the GPU when device is not "cpu"

    @property
    def understanding_file(self) -> str:
        """The GGUF that understands caller turns when ``understanding = "model"``."""
        return self.understanding_model or self.llm


@dataclass
class BookingSettings:
    backend: str = "builtin"
    deadline_s: float = 2.5
    slot_minutes: int = 15
    caldav_url: str = ""
    caldav_username: str = ""
    caldav_password: str = ""
    caldav_calendar: str = "bookings"
    webhook_url: str = ""
    webhook_secret: str = ""
    outbox_max_attempts: int = 8


@dataclass
class StoreSettings:
    path: str = "var/receptionist.db"


@dataclass
class RecordingSettings:
    enabled: bool = True
    dir: str = "var/recordings"


@dataclass
class LimitsSettings:
    """One limit on calls in progress for every bridge (receptionist/media/call_limit.py)."""

    max_calls: int = 32


@dataclass
class RetentionSettings:
    """How long callers' data is kept (receptionist/tools/retention.py); 0 keeps it forever."""

    days: int = 0


@dataclass
class TransferSettings:
    ring_seconds: float = RING_SECONDS  # the one place to set it; every bridge takes it from here
    warm: bool = True


@dataclass
class HttpSettings:
    """The daemon's HTTP port: /metrics and the console (receptionist/app/http.py)."""

    enabled: bool = True
    host: str = "127.0.0.1"  # loopback: open it wider only behind a firewall or a proxy
    port: int = 8780
    token: str = ""  # empty: $RECEPTIONIST_CONSOLE_TOKEN, else a random one in var/console-token


@dataclass
class LoggingSettings:
    """How the daemon logs (app/logs.py): "text" lines, or "json", one object a line.
    ``RECEPTIONIST_LOG_FORMAT`` and ``receptionist --log-format`` override it."""

    format: str = "text"


@dataclass
class ConfirmationSettings:
    """Confirmations that go out once a pending booking commits (tools/confirmations.py):
    "callback" leaves a task for staff; "sms" texts the caller's number through the site's
    gateway; "email" needs an address the caller gave."""

    channel: str = "callback"
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_starttls: bool = False
    smtp_username: str = ""
    smtp_password: str = ""
    email_from: str = "receptionist@localhost"
    email_subject: str = "Your booking"
    sms_url: str = ""
    sms_secret: str = ""
    max_attempts: int = 8


@dataclass
class Settings:
    profile: BusinessProfile
    models: ModelSettings = field(default_factory=ModelSettings)
    booking: BookingSettings = field(default_factory=BookingSettings)
    store: StoreSettings = field(default_factory=StoreSettings)
    recording: RecordingSettings = field(default_factory=RecordingSettings)
    retention: RetentionSettings = field(default_factory=RetentionSettings)
    limits: LimitsSettings = field(default_factory=LimitsSettings)
    transfer: TransferSettings = field(default_factory=TransferSettings)
    http: HttpSettings = field(default_factory=HttpSettings)
    confirmations: ConfirmationSettings = field(default_factory=ConfirmationSettings)
    logging: LoggingSettings = field(default_factory=LoggingSettings)
    freeswitch: dict[str, Any] = field(default_factory=dict)
    asterisk: dict[str, Any] = field(default_factory=dict)
    sip: dict[str, Any] = field(default_factory=dict)
    source: str = "<embedded salon example>"


LOG_FORMATS = ("text", "json")
_CHOICES = {
    ("models", "device"): ("cpu", "cuda", "auto"),
    ("booking", "backend"): ("builtin", "caldav", "webhook"),
    ("models", "understanding"): ("rules", "model"),
    ("confirmations", "channel"): ("callback", "sms", "email"),
    ("logging", "format"): LOG_FORMATS,
}
# Numbers with a sane range: (lowest, highest, unit).
_RANGES: dict[tuple[str, str], tuple[int, int, str]] = {
    ("models", "understanding_deadline_ms"): (50, 5000, "milliseconds"),
    ("models", "stt_window_s"): (3, 30, "seconds of audio per decode; 30 is Whisper's own"),
    ("models", "understanding_gpu_layers"): (-1, 1000, "layers, -1 for all"),
    ("http", "port"): (0, 65535, "a TCP port, 0 for any free one"),
    ("retention", "days"): (0, 36500, "days, 0 keeps everything"),
    ("limits", "max_calls"): (1, 10000, "calls in progress at once, for every bridge"),
}
_ALLOWED_TABLES = (
    "business",
    "hours",
    "services",
    "staff",
    "transfer",
    "escalation",
    "booking",
    "store",
    "recording",
    "retention",
    "limits",
    "models",
    "freeswitch",
    "asterisk",
    "sip",
    "http",
    "confirmations",
    "logging",
)


def _type_ok(value: Any, annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return any(_type_ok(value, arg) for arg in typing.get_args(annotation))
    if annotation is type(None):
        return value is None
    if annotation is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if annotation is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if origin in (list, tuple):
        return isinstance(value, list)
    if origin is dict:
        return isinstance(value, dict)
    if isinstance(annotation, type):
        return isinstance(value, annotation)
    return True


def _type_name(annotation: Any) -> str:
    return getattr(annotation, "__name__", str(annotation))


def build_section(cls: type[T], table: Any, where: str, source: str) -> T:
    """Build dataclass ``cls`` from a TOML table, naming any wrong key or value."""
    if not isinstance(table, dict):
        raise ConfigError(f"{source}: [{where}] must be a table")
    hints = typing.get_type_hints(cls)
    names = [f.name for f in dataclasses.fields(cls)]  # type: ignore[arg-type]
    for key, value in table.items():
        if key not in names:
            raise ConfigError(
                f"{source}: unknown key '{where}.{key}'; allowed keys: {', '.join(names)}"
            )
        if not _type_ok(value, hints[key]):
            raise ConfigError(
                f"{source}: '{where}.{key}' = {value!r} must be {_type_name(hints[key])}"
            )
        choices = _CHOICES.get((where, key))
        if choices and value not in choices:
            raise ConfigError(
                f"{source}: '{where}.{key}' = {value!r}; allowed: {', '.join(choices)}"
            )
        bounds = _RANGES.get((where, key))
        if bounds is None and key.endswith("port") and isinstance(value, int):
            bounds = (0, 65535, "a TCP/UDP port; 0 picks a free one")
        if bounds and not bounds[0] <= value <= bounds[1]:
            raise ConfigError(
                f"{source}: '{where}.{key}' = {value!r}; allowed: "
                f"{bounds[0]} to {bounds[1]} ({bounds[2]})"
            )
    return cls(**table)


def _parse_hours(table: Any, source: str) -> OpeningHours:
    if not isinstance(table, dict):
        raise ConfigError(f"{source}: [hours] must be a table of mon..sun")
    days: list[tuple[time, time] | None] = []
    breaks: list[tuple[time, time] | None] = []
    for key in table:
        if key not in DAYS:
            raise ConfigError(f"{source}: unknown key 'hours.{key}'; allowed: {', '.join(DAYS)}")
    for day in DAYS:
        value = table.get(day, "closed")
        if value == "closed":
            days.append(None)
            breaks.append(None)
            continue
        try:
            spans = [
                tuple(time.fromisoformat(part.strip()) for part in span.split("-"))
                for span in str(value).split(",")
            ]
            if len(spans) > 2 or any(len(span) != 2 for span in spans):
                raise ValueError(value)
        except ValueError:
            raise ConfigError(
                f"{source}: 'hours.{day}' = {value!r}; allowed: \"HH:MM-HH:MM\", "
                '"HH:MM-HH:MM, HH:MM-HH:MM" (closed for a break between) or "closed"'
            ) from None
        times = [t for span in spans for t in span]
        if any(b <= a for a, b in itertools.pairwise(times)):
            raise ConfigError(
                f"{source}: 'hours.{day}' = {value!r}: each time must come after the one "
                "before (it closes before it opens, or the break is out of order)"
            )
        days.append((times[0], times[-1]))
        breaks.append((times[1], times[2]) if len(times) == 4 else None)
    return OpeningHours(tuple(days), tuple(breaks))


def _warn_of_rules_on_services(
    rules: list[EscalationRule], services: list[Service], source: str
) -> None:
    """An escalation word inside a service's name ("emergency" and an "emergency exam"):
    rules come first, so every caller asking for that service goes to a person. Allowed (a
    site may want that), and said at start-up so an admin who did not mean it sees why."""
    for rule in rules:
        for word in rule.words:
            pattern = re.compile(rf"\b{re.escape(word.lower())}\b")
            for service in services:
                named = [n for n in (service.name, *service.aliases) if pattern.search(n.lower())]
                if named:
                    log.warning(
                        "%s: escalation rule %r listens for %r, which is in the service %r "
                        "(%r): a caller asking for that service goes to %s by the rule",
                        source, rule.name, word, service.name, named[0], rule.target,
                    )  # fmt: skip


def _optional(
    table: dict[str, Any], key: str, kind: type, default: Any, where: str, source: str
) -> Any:
    return _require(table, key, kind, where, source) if key in table else default


def _words(table: dict[str, Any], key: str, where: str, source: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(w, str) for w in value):
        raise ConfigError(f"{source}: '{where}.{key}' = {value!r} must be a list of strings")
    return tuple(w.lower() for w in value)


def _tables(data: dict[str, Any], key: str, source: str) -> list[dict[str, Any]]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(x, dict) for x in value):
        raise ConfigError(f"{source}: '{key}' must be a list of [[{key}]] tables")
    return value


def _require(table: dict[str, Any], key: str, kind: type, where: str, source: str) -> Any:
    if key not in table:
        raise ConfigError(f"{source}: '{where}.{key}' is missing")
    value = table[key]
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise ConfigError(f"{source}: '{where}.{key}' = {value!r} must be {kind.__name__}")
    return value


def _check_keys(table: dict[str, Any], allowed: tuple[str, ...], where: str, source: str) -> None:
    for key in table:
        if key not in allowed:
            raise ConfigError(
                f"{source}: unknown key '{where}.{key}'; allowed keys: {', '.join(allowed)}"
            )


def _parse_profile(data: dict[str, Any], source: str) -> BusinessProfile:
    business = data.get("business")
    if not isinstance(business, dict):
        raise ConfigError(f"{source}: the [business] table is missing")
    _check_keys(
        business,
        (
            "name",
            "timezone",
            "region",
            "currency",
            "greeting",
            "recording_notice",
            "front_desk",
            "misunderstood_limit",
            "silence_reprompts",
            "second_detail_limit",
        ),
        "business",
        source,
    )
    services = []
    for i, raw in enumerate(_tables(data, "services", source)):
        where = f"services[{i}]"
        _check_keys(raw, ("name", "minutes", "price", "aliases"), where, source)
        name = _require(raw, "name", str, where, source)
        aliases = _words(raw, "aliases", where, source) + (name.lower(),)
        minutes = _require(raw, "minutes", int, where, source)
        if minutes <= 0:
            raise ConfigError(f"{source}: '{where}.minutes' must be a positive number of minutes")
        services.append(
            Service(name, minutes, _require(raw, "price", float, where, source), aliases)
        )
    if not services:
        raise ConfigError(f"{source}: at least one [[services]] entry is needed")
    staff = []
    for i, raw in enumerate(_tables(data, "staff", source)):
        where = f"staff[{i}]"
        _check_keys(raw, ("name", "role", "extension"), where, source)
        staff.append(
            StaffMember(
                _require(raw, "name", str, where, source),
                str(_require(raw, "extension", str, where, source)),
                _optional(raw, "role", str, "", where, source),
            )
        )
    rules = []
    for i, raw in enumerate(_tables(data, "escalation", source)):
        where = f"escalation[{i}]"
        _check_keys(raw, ("name", "words", "target", "action", "say"), where, source)
        action = raw.get("action", "transfer")
        if action not in ("transfer", "message", "both"):
            raise ConfigError(
                f"{source}: '{where}.action' = {action!r}; allowed: transfer, message, both"
            )
        target = _require(raw, "target", str, where, source)
        if target != "front desk" and target.lower() not in {s.name.lower() for s in staff}:
            raise ConfigError(
                f"{source}: '{where}.target' = {target!r}; allowed: 'front desk' or a staff name "
                f"({', '.join(s.name for s in staff)})"
            )
        rules.append(
            EscalationRule(
                name=_require(raw, "name", str, where, source),
                words=_words(raw, "words", where, source),
                target=target,
                action=action,
                say=_optional(raw, "say", str, "", where, source),
            )
        )
    _warn_of_rules_on_services(rules, services, source)
    transfer = data.get("transfer", {})
    if not isinstance(transfer, dict):
        raise ConfigError(f"{source}: [transfer] must be a table")
    limit = _optional(business, "misunderstood_limit", int, 3, "business", source)
    reprompts = _optional(business, "silence_reprompts", int, 2, "business", source)
    if limit < 1 or reprompts < 0:
        raise ConfigError(f"{source}: 'business.misunderstood_limit' must be 1 or more and "
                          "'business.silence_reprompts' 0 or more")  # fmt: skip
    wrong_details = _optional(business, "second_detail_limit", int, 2, "business", source)
    if not 1 <= wrong_details <= 10:
        raise ConfigError(f"{source}: 'business.second_detail_limit' = {wrong_details}; it must "
                          "be 1 to 10 (names or days that match no booking before a person "
                          "takes over)")  # fmt: skip
    region = _optional(business, "region", str, "US", "business", source).upper()
    if not possible_region(region):
        raise ConfigError(f"{source}: 'business.region' = {region!r} is not a country code "
                          "phone numbers know (two letters, ISO 3166: US, CA, GB)")  # fmt: skip
    currency = _optional(
        business, "currency", str, REGION_CURRENCY.get(region, ""), "business", source
    ).upper()
    if currency not in CURRENCY_WORDS:
        raise ConfigError(
            f"{source}: 'business.currency' = {currency!r}: "
            + ("none is set, and the region has no default; " if not currency else "")
            + f"set it to one the receptionist can say prices in ({', '.join(CURRENCY_WORDS)})"
        )
    return BusinessProfile(
        name=_require(business, "name", str, "business", source),
        greeting=_require(business, "greeting", str, "business", source),
        recording_notice=_optional(business, "recording_notice", str, "", "business", source),
        services=tuple(services),
        hours=_parse_hours(data.get("hours", {}), source),
        staff=tuple(staff),
        front_desk=str(_require(business, "front_desk", str, "business", source)),
        timezone=_optional(business, "timezone", str, "America/New_York", "business", source),
        region=region,
        currency=currency,
        escalation=tuple(rules),
        misunderstood_limit=limit,
        silence_reprompts=reprompts,
        second_detail_limit=wrong_details,
    )


def _env_overrides(settings: Settings) -> None:
    env = os.environ
    log_format = env.get("RECEPTIONIST_LOG_FORMAT")
    if log_format:
        if log_format not in LOG_FORMATS:
            raise ConfigError(f"RECEPTIONIST_LOG_FORMAT={log_format!r}; allowed: "
                              f"{', '.join(LOG_FORMATS)}")  # fmt: skip
        settings.logging.format = log_format
    if "RECEPTIONIST_DB" in env:
        settings.store.path = env["RECEPTIONIST_DB"]
    if "RECEPTIONIST_CALDAV_PASSWORD" in env:
        settings.booking.caldav_password = env["RECEPTIONIST_CALDAV_PASSWORD"]
    if "RECEPTIONIST_WEBHOOK_SECRET" in env:
        settings.booking.webhook_secret = env["RECEPTIONIST_WEBHOOK_SECRET"]
    if "RECEPTIONIST_ESL_PASSWORD" in env:
        settings.freeswitch["esl_password"] = env["RECEPTIONIST_ESL_PASSWORD"]
    if "RECEPTIONIST_AMI_SECRET" in env:
        settings.asterisk["ami_secret"] = env["RECEPTIONIST_AMI_SECRET"]
    if "RECEPTIONIST_SIP_PASSWORD" in env:
        settings.sip["register_password"] = env["RECEPTIONIST_SIP_PASSWORD"]
    for name, table, key in (
        ("RECEPTIONIST_ESL_LISTEN_PORT", settings.freeswitch, "listen_port"),
        ("RECEPTIONIST_ESL_PORT", settings.freeswitch, "esl_port"),
        ("RECEPTIONIST_AGI_PORT", settings.asterisk, "agi_port"),
        ("RECEPTIONIST_AUDIOSOCKET_PORT", settings.asterisk, "audiosocket_port"),
        ("RECEPTIONIST_AMI_PORT", settings.asterisk, "ami_port"),
        ("RECEPTIONIST_SIP_PORT", settings.sip, "port"),
    ):
        if name in env:
            try:
                table[key] = int(env[name])
            except ValueError:
                raise ConfigError(
                    f"environment: {name}={env[name]!r} must be a port number"
                ) from None


def _ops_overrides(settings: Settings) -> None:
    if "RECEPTIONIST_SMTP_PASSWORD" in os.environ:
        settings.confirmations.smtp_password = os.environ["RECEPTIONIST_SMTP_PASSWORD"]
    if "RECEPTIONIST_SMS_SECRET" in os.environ:
        settings.confirmations.sms_secret = os.environ["RECEPTIONIST_SMS_SECRET"]
    value = os.environ.get("RECEPTIONIST_HTTP_PORT")
    if value is None:
        return
    try:
        settings.http.port = int(value)
    except ValueError:
        raise ConfigError(
            f"environment: RECEPTIONIST_HTTP_PORT={value!r} must be a port number"
        ) from None


def parse_settings(data: dict[str, Any], source: str) -> Settings:
    for key in data:
        if key not in _ALLOWED_TABLES:
            raise ConfigError(
                f"{source}: unknown table '[{key}]'; allowed: {', '.join(_ALLOWED_TABLES)}"
            )
    settings = Settings(
        profile=_parse_profile(data, source),
        models=build_section(ModelSettings, data.get("models", {}), "models", source),
        booking=build_section(BookingSettings, data.get("booking", {}), "booking", source),
        store=build_section(StoreSettings, data.get("store", {}), "store", source),
        recording=build_section(RecordingSettings, data.get("recording", {}), "recording", source),
        retention=build_section(RetentionSettings, data.get("retention", {}), "retention", source),
        limits=build_section(LimitsSettings, data.get("limits", {}), "limits", source),
        transfer=build_section(TransferSettings, data.get("transfer", {}), "transfer", source),
        http=build_section(HttpSettings, data.get("http", {}), "http", source),
        confirmations=build_section(
            ConfirmationSettings, data.get("confirmations", {}), "confirmations", source
        ),
        logging=build_section(LoggingSettings, data.get("logging", {}), "logging", source),
        freeswitch=dict(data.get("freeswitch", {})),
        asterisk=dict(data.get("asterisk", {})),
        sip=dict(data.get("sip", {})),
        source=source,
    )
    _env_overrides(settings)
    _ops_overrides(settings)
    for name in BRIDGES:
        bridge_settings(settings, name)  # a wrong bridge table stops every command, not only serve
    return settings


OLD_RING_KEY = "transfer_ring_s"  # a bridge table's own ring time, before [transfer] ring_seconds
BRIDGES = {
    "freeswitch": ("receptionist.bridges.freeswitch", "FreeSwitchSettings"),
    "asterisk": ("receptionist.bridges.asterisk", "AsteriskSettings"),
    "sip": ("receptionist.bridges.sip", "SipSettings"),
}


def bridge_settings(settings: Settings, name: str) -> Any | None:
    """The typed settings of bridge ``name``, or None when its table doesn't enable it.
    ``enabled`` must be true or false (a string such as "no" is refused, not read as true)."""
    options = dict(getattr(settings, name))
    if not options:
        return None
    enabled = options.pop("enabled", False)
    if not isinstance(enabled, bool):
        raise ConfigError(
            f"{settings.source}: '{name}.enabled' = {enabled!r} must be true or false"
        )
    if not enabled:
        return None
    if "ring_seconds" in options:
        raise ConfigError(
            f"{settings.source}: '{name}.ring_seconds': the ring time of a transfer is set "
            "once, as [transfer] ring_seconds"
        )
    if OLD_RING_KEY in options:
        options["ring_seconds"] = options.pop(OLD_RING_KEY)
        log.warning(
            "%s: '%s.%s' is deprecated: set [transfer] ring_seconds instead (using %r s)",
            settings.source,
            name,
            OLD_RING_KEY,
            options["ring_seconds"],
        )
    else:
        options["ring_seconds"] = settings.transfer.ring_seconds
    module_name, class_name = BRIDGES[name]
    module = importlib.import_module(module_name)
    typed = build_section(getattr(module, class_name), options, name, settings.source)
    problem = typed.problem()
    if problem:
        raise ConfigError(f"{settings.source}: [{name}] {problem}")
    return typed


def example_config_text(business: str = "salon") -> str:
    """The text of an example configuration shipped in ``receptionist/examples``."""
    path = resources.files("receptionist").joinpath(f"examples/{business}.toml")
    if not re.fullmatch(r"[a-z0-9_-]+", business) or not path.is_file():
        names = sorted(
            f.name.removesuffix(".toml")
            for f in resources.files("receptionist").joinpath("examples").iterdir()
            if f.name.endswith(".toml")
        )
        raise ConfigError(f"no example business {business!r}; there are: {', '.join(names)}")
    return path.read_text("utf-8")


def example_settings(business: str) -> Settings:
    """The settings of an example business ("salon", "dental")."""
    source = f"<example {business}>"
    return parse_settings(tomllib.loads(example_config_text(business)), source)


def load_settings(path: str | Path | None = None) -> Settings:
    """Load ``path``, or $RECEPTIONIST_CONFIG, or the embedded salon example."""
    chosen = path or os.environ.get("RECEPTIONIST_CONFIG")
    if chosen:
        source = str(chosen)
        try:
            text = Path(chosen).read_text("utf-8")
        except OSError as exc:
            raise ConfigError(f"{source}: cannot read the configuration file ({exc})") from exc
        except UnicodeDecodeError as exc:
            raise ConfigError(
                f"{source}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset "
                f"{exc.start}); save the file as UTF-8"
            ) from exc
    else:
        source, text = "<embedded salon example>", example_config_text()
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: not valid TOML ({exc})") from exc
    return parse_settings(data, source)
