"""ops/: the alert rules and the Grafana dashboard use only metrics the daemon exports, and
the systemd units run the commands that exist."""

from __future__ import annotations

import configparser
import json
import re
from pathlib import Path

import yaml

from receptionist.app.cli import build_parser
from receptionist.app.metrics import metric_names
from receptionist.store.db import Store

OPS = Path(__file__).resolve().parent.parent / "ops"
METRIC = re.compile(r"\b(receptionist_[a-z0-9_]+)")
PROMETHEUS_OWN = {"up"}  # set by Prometheus for each scrape target


def exported(tmp_path: Path) -> set[str]:
    Store(tmp_path / "r.db").close()
    return metric_names(str(tmp_path / "r.db"))


def test_alert_rules_use_exported_metrics(tmp_path: Path) -> None:
    rules = yaml.safe_load((OPS / "prometheus" / "alerts.yml").read_text())
    names = exported(tmp_path)
    alerts = {}
    for group in rules["groups"]:
        for rule in group["rules"]:
            assert rule["annotations"]["summary"], rule
            assert rule["labels"]["severity"] in ("warning", "critical"), rule
            alerts[rule["alert"]] = rule["expr"]
    # What the issue asks to alert on.
    for wanted in ("ReceptionistVoiceToVoiceOverBudget", "ReceptionistPbxLinkDown",
                   "ReceptionistFalseClaim", "ReceptionistOutboxStuck",
                   "ReceptionistTransferFailures"):  # fmt: skip
        assert wanted in alerts
    for name, expr in alerts.items():
        used = set(METRIC.findall(expr))
        if name != "ReceptionistDown":
            assert used, f"{name} uses no receptionist metric"
        assert used <= names, f"{name} uses {used - names}, not exported"


def test_dashboard_uses_exported_metrics(tmp_path: Path) -> None:
    dashboard = json.loads((OPS / "grafana" / "receptionist.json").read_text())
    names = exported(tmp_path)
    used: set[str] = set()
    for panel in dashboard["panels"]:
        assert panel["targets"], panel["title"]
        for target in panel["targets"]:
            used |= set(METRIC.findall(target["expr"]))
    assert used and used <= names, used - names
    # Every family the exporter has appears on the dashboard (bar the helpers).
    families = {n.removesuffix("_bucket").removesuffix("_count").removesuffix("_sum")
                for n in names}  # fmt: skip
    shown = {n.removesuffix("_bucket") for n in used}
    not_charted = {
        "receptionist_unverified_claims",
        "receptionist_reconcile_runs_total",
        "receptionist_reconcile_last_run_timestamp_seconds",  # alerted on, not charted
        "receptionist_outbox_escalated",
        "receptionist_claims_total",
        "receptionist_drift_check_timestamp_seconds",
    }
    missing = families - shown - not_charted
    assert not missing, missing


def test_systemd_units_run_real_commands() -> None:
    commands = set(build_parser()._subparsers._group_actions[0].choices)  # type: ignore[union-attr]
    for unit in (OPS / "systemd").glob("*.service"):
        parser = configparser.ConfigParser(strict=False, interpolation=None)
        parser.optionxform = str  # type: ignore[assignment,method-assign]
        parser.read(unit)
        service = parser["Service"]
        exec_start = service["ExecStart"].split()
        assert exec_start[0].endswith("/receptionist"), unit
        assert exec_start[1] in commands, (unit, exec_start)
        assert service["User"] == "receptionist", unit
        assert "RECEPTIONIST_CONFIG=" in service["Environment"], unit
    daemon = configparser.ConfigParser(strict=False, interpolation=None)
    daemon.read(OPS / "systemd" / "receptionist.service")
    assert daemon["Service"]["Restart"] == "on-failure"
    for timer in (OPS / "systemd").glob("*.timer"):
        assert (timer.with_suffix(".service")).is_file(), timer
