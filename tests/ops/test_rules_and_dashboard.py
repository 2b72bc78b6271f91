"""The Prometheus alert rules and the Grafana dashboard: every expression
parses (promql-parser) and names only metrics the app exports, and the
alerts the runbook promises exist."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import promql_parser
import pytest
import yaml

from app.core import metrics

ROOT = Path(__file__).resolve().parents[2]
ALERTS = ROOT / "deploy" / "prometheus" / "alerts.yml"
DASHBOARD = ROOT / "deploy" / "grafana" / "dashboard.json"
OPERATIONS = ROOT / "docs" / "operations.md"
# Grafana's variables, replaced by what they stand for before parsing.
GRAFANA_VARIABLES = {"$__rate_interval": "5m", "$__interval": "1m", "$__range": "1h"}


def metric_names(expr: str) -> set[str]:
    """The metric names an expression selects (raises on a syntax error)."""
    for variable, value in GRAFANA_VARIABLES.items():
        expr = expr.replace(variable, value)
    found: set[str] = set()

    def visit(node: Any) -> None:
        if isinstance(node, promql_parser.VectorSelector) and node.name:
            found.add(node.name)

    promql_parser.walk(promql_parser.parse(expr), visit)
    return found


def alert_rules() -> list[dict[str, Any]]:
    document = yaml.safe_load(ALERTS.read_text())
    return [rule for group in document["groups"] for rule in group["rules"]]


def dashboard_exprs() -> list[tuple[str, str]]:
    document = json.loads(DASHBOARD.read_text())
    return [
        (panel["title"], target["expr"])
        for panel in document["panels"]
        for target in panel["targets"]
    ]


def test_the_checker_catches_unknown_metrics_and_bad_syntax() -> None:
    assert metric_names("rate(gymjobs_nope_total[5m]) > 0") == {"gymjobs_nope_total"}
    assert not {"gymjobs_nope_total"} <= metrics.exported_names()
    with pytest.raises(ValueError, match="parenthesis"):
        metric_names("sum(rate(gymjobs_dead_letters_total[5m])")


@pytest.mark.parametrize("rule", alert_rules(), ids=lambda r: r["alert"])
def test_each_alert_names_exported_metrics(rule: dict[str, Any]) -> None:
    names = metric_names(rule["expr"])
    assert names, "an alert on no metric"
    assert names <= metrics.exported_names()
    assert rule["labels"]["severity"] in {"page", "ticket"}
    anchor = rule["annotations"]["runbook"].split("#")[1]
    headings = re.findall(r"^#+ (.+)$", OPERATIONS.read_text(), re.M)
    slugs = {re.sub(r"[^a-z0-9 -]", "", h.lower()).replace(" ", "-") for h in headings}
    assert anchor in slugs  # the runbook section exists


def test_the_promised_alerts_exist() -> None:
    alerts = {rule["alert"] for rule in alert_rules()}
    assert {
        "GymJobsOutboxBehind",
        "GymJobsDeadLettersRising",
        "GymJobsRefusedSignaturesSpike",
        "GymJobsCronPastSchedule",
        "GymJobsRelaySilent",
    } <= alerts
    [behind] = [r for r in alert_rules() if r["alert"] == "GymJobsOutboxBehind"]
    assert (behind["for"], behind["expr"].split(">")[1].strip()) == ("5m", "60")


@pytest.mark.parametrize("panel_expr", dashboard_exprs(), ids=lambda p: p[0])
def test_each_dashboard_panel_names_exported_metrics(
    panel_expr: tuple[str, str],
) -> None:
    _, expr = panel_expr
    names = metric_names(expr)
    assert names
    assert names <= metrics.exported_names()


def test_the_dashboard_covers_every_exported_metric_family() -> None:
    shown = set().union(*(metric_names(e) for _, e in dashboard_exprs()))
    families = {
        re.sub(r"_(total|bucket|count|sum)$", "", n) for n in metrics.exported_names()
    }
    covered = {re.sub(r"_(total|bucket|count|sum)$", "", n) for n in shown}
    assert families == covered


def test_the_docs_describe_each_metric() -> None:
    text = OPERATIONS.read_text()
    families = {
        re.sub(r"_(bucket|count|sum)$", "", n) for n in metrics.exported_names()
    }
    assert {f for f in families if f"`{f}`" not in text} == set()
