"""`receptionist`: serve, call, models, stats, eval, reconcile."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import uuid
from datetime import date
from pathlib import Path

from receptionist.app.config import ConfigError, Settings, load_settings
from receptionist.app.logs import setup_logging, use_format
from receptionist.media.models import ModelError
from receptionist.store.db import StoreError


def _settings(args: argparse.Namespace) -> Settings:
    """The settings of ``--config``; their ``[logging] format`` unless ``--log-format`` set
    one (RECEPTIONIST_LOG_FORMAT is already in them)."""
    settings = load_settings(args.config)
    if args.log_format is None:
        use_format(settings.logging.format)
    return settings


def _today(value: str | None) -> date:
    return date.fromisoformat(value) if value else date.today()


def cmd_serve(args: argparse.Namespace) -> int:
    from receptionist.app.daemon import serve

    settings = _settings(args)
    return asyncio.run(serve(settings))


def cmd_call(args: argparse.Namespace) -> int:
    from receptionist.harness.localcall import place_local_call

    settings = _settings(args)
    if args.db:
        settings.store.path = args.db
    summary = asyncio.run(
        place_local_call(
            settings,
            wavs=args.wavs,
            says=args.say or [],
            out_dir=args.out,
            caller_id=args.caller_id,
            speed=4.0 if args.fast else 1.0,
            today=_today(args.today),
            call_id=args.call_id or f"local-{uuid.uuid4().hex[:8]}",
            transfer_outcome=args.transfer_outcome,
        )
    )
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        for turn in summary["turns"]:
            print(f"{turn['speaker']:>6}: {turn['text']}  {turn['timings_ms']}")
        print(f"outcome: {summary['outcome']['kind']} ({summary['outcome']['reason']})")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from receptionist.harness.stats import print_stats

    settings = _settings(args)
    return print_stats(args.db or settings.store.path, as_json=args.json)


def cmd_models(args: argparse.Namespace) -> int:
    from receptionist.app.model_files import main as models_main

    return models_main(["--optional"] if args.optional else [])


def cmd_eval(args: argparse.Namespace) -> int:
    from receptionist.harness.eval import main_eval
    from receptionist.harness.voices import parse_voices

    if args.voice and not args.audio:
        raise ValueError("--voice is for the audio level: add --audio")
    if args.heard and args.audio:
        raise ValueError("--heard plays the lines as heard at the text level: drop --audio")
    voices = parse_voices(args.voice)  # a wrong name fails before the settings load
    settings = _settings(args)
    if args.audio:
        from receptionist.harness.eval_audio import main_eval_audio

        return main_eval_audio(
            settings, args.scenarios, args.json, args.only, args.speed, voices, args.conversations
        )
    if args.heard:
        from receptionist.harness.heard_eval import main_eval_heard

        return main_eval_heard(
            settings, args.scenarios, args.heard, args.json, args.only, args.conversations
        )
    drift = None
    if args.save_baseline or args.baseline:
        drift = {"save": args.save_baseline, "against": args.baseline, "margin": args.margin,
                 "latency_margin": args.latency_margin, "status": args.drift_status}  # fmt: skip
    return main_eval(
        settings, args.scenarios, args.audio, args.json, args.only, args.speed,
        args.conversations, drift,
    )  # fmt: skip


def cmd_reconcile(args: argparse.Namespace) -> int:
    from receptionist.app.runtime import booking_backend
    from receptionist.store.db import Store
    from receptionist.tools.reconcile import print_report, reconcile

    settings = _settings(args)
    store = Store(args.db or settings.store.path)
    try:
        report = asyncio.run(reconcile(store, booking_backend(settings, store)))
    finally:
        store.close()
    if args.json:
        print(json.dumps(report.as_dict(), indent=2))
    else:
        print_report(report)
    return 0 if report.ok else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="receptionist", description=__doc__)
    parser.add_argument(
        "--config",
        help="TOML settings (default: $RECEPTIONIST_CONFIG or the embedded salon example)",
    )
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument(
        "--log-format",
        choices=["text", "json"],
        help="log lines as text, or one JSON object a line (default: [logging] format, else text)",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the daemon: listen for calls from the PBX")
    serve.set_defaults(func=cmd_serve)

    call = sub.add_parser(
        "call", help="place a call without a PBX: WAV files (or --say) as the caller"
    )
    call.add_argument("wavs", nargs="*", help="the caller's lines, one WAV each, any rate")
    call.add_argument("--say", action="append", help="a caller line, synthesized with Piper")
    call.add_argument("--out", default="out", help="folder for agent.wav and caller.wav")
    call.add_argument("--json", action="store_true", help="print the summary as JSON")
    call.add_argument("--fast", action="store_true", help="run 4x faster than real time")
    call.add_argument("--caller-id", default="5551234567")
    call.add_argument("--call-id")
    call.add_argument("--db", help="store file (default: the config's store.path)")
    call.add_argument("--today", help="the date the call happens, YYYY-MM-DD (default: today)")
    call.add_argument(
        "--transfer-outcome",
        default="no_answer",
        choices=["answered", "no_answer", "failed"],
        help="what a transfer does on this simulated line",
    )
    call.set_defaults(func=cmd_call)

    stats = sub.add_parser("stats", help="per-stage latency of the calls in the store")
    stats.add_argument("--db")
    stats.add_argument("--json", action="store_true")
    stats.set_defaults(func=cmd_stats)

    ev = sub.add_parser("eval", help="play the scenarios as calls and check what they leave")
    ev.add_argument("scenarios", nargs="*", help="scenario files or folders (default: the "
                    "bundled scenarios of SCENARIOS.md)")  # fmt: skip
    ev.add_argument("--audio", action="store_true", help="through the audio pipeline "
                    "(synthesized 8 kHz caller speech; slow)")  # fmt: skip
    ev.add_argument("--json", action="store_true", help="print total, passed and scenarios")
    ev.add_argument("--only", help="run the scenarios whose id matches this regex")
    ev.add_argument("--speed", type=float, default=2.0, help="audio: line time this many "
                    "times faster than real time (default 2)")  # fmt: skip
    ev.add_argument("--verbose", dest="conversations", action="store_true",
                    help="print each failed scenario's conversation under its line")  # fmt: skip
    ev.add_argument("--voice", action="append", metavar="VOICE", help="audio: the caller's "
                    "voice: piper (the agent's own, default), flite:slt, flite:rms, flite:awb, "
                    "festival:slt; repeat or comma-separate to run the scenarios once per "
                    "voice and report each voice's pass rate")  # fmt: skip
    ev.add_argument("--heard", type=Path, metavar="FILE", help="text level, each caller line "
                    "replaced by what each voice was heard as (a file from `python -m "
                    "receptionist.harness.hearing --save FILE`): pass rates through each "
                    "voice's ears")  # fmt: skip
    ev.add_argument("--save-baseline", metavar="FILE", help="store this run (pass rates, "
                    "outcomes, times, model fingerprints) to compare later runs with")  # fmt: skip
    ev.add_argument("--baseline", metavar="FILE", help="compare with a stored run; exit 3 on "
                    "a regression beyond the margins")  # fmt: skip
    ev.add_argument("--margin", type=float, default=0.05, help="pass-rate drop allowed per "
                    "capability, as a fraction (default 0.05)")  # fmt: skip
    ev.add_argument("--latency-margin", type=float, default=0.5, help="p95 time growth "
                    "allowed, as a fraction (default 0.5)")  # fmt: skip
    ev.add_argument("--drift-status", metavar="FILE", help="with --baseline: write the "
                    "verdict here for /metrics (receptionist_drift_check_ok)")  # fmt: skip
    ev.set_defaults(func=cmd_eval)

    rec = sub.add_parser("reconcile", help="check every claim against the booking backend")
    rec.add_argument("--db", help="store file (default: the config's store.path)")
    rec.add_argument("--json", action="store_true")
    rec.set_defaults(func=cmd_reconcile)

    models = sub.add_parser("models", help="install and place the bundled models")
    models.add_argument("--optional", action="store_true")
    models.set_defaults(func=cmd_models)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    setup_logging(args.verbose, args.log_format)
    try:
        return int(args.func(args))
    except (ConfigError, ModelError, StoreError, ValueError) as exc:
        print(f"receptionist: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
