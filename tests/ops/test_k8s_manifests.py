"""The Kubernetes manifests: base and production overlay rendered (kustomize's
subset, scripts/render_k8s.py) and validated against the Kubernetes 1.37
schema (kubernetes-validate, strict), plus what the schema cannot check: the
grace period covers the shutdown, probes and ports, settings exist."""

from __future__ import annotations

import copy
import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from app.core.config import Settings
from app.main import RELAY_STOP_TIMEOUT_S

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
BASE, PRODUCTION = K8S / "base", K8S / "overlays" / "production"
# Read from the environment by prometheus-client, not by Settings.
LIBRARY_VARIABLES = {"PROMETHEUS_MULTIPROC_DIR"}


def renderer() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "render_k8s", ROOT / "scripts" / "render_k8s.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


RENDER = renderer()


def by_kind(resources: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    [found] = [
        r for r in resources if r["kind"] == kind and r["metadata"]["name"] == name
    ]
    return found


@pytest.mark.parametrize("directory", [BASE, PRODUCTION], ids=["base", "production"])
def test_rendered_manifests_pass_the_kubernetes_schema(directory: Path) -> None:
    resources = RENDER.render(directory)
    kinds = {r["kind"] for r in resources}
    assert {
        "Deployment",
        "Service",
        "PodDisruptionBudget",
        "HorizontalPodAutoscaler",
        "Job",
        "ConfigMap",
    } <= kinds
    assert RENDER.validate(resources) == []


def test_the_secret_template_passes_the_schema_and_is_not_deployed() -> None:
    template = RENDER._load_all(BASE / "secret-template.yaml")
    assert RENDER.validate(template) == []
    assert "Secret" not in {r["kind"] for r in RENDER.render(PRODUCTION)}


def test_the_validation_catches_a_broken_manifest() -> None:
    deployment = by_kind(RENDER.render(BASE), "Deployment", "gym-jobs")
    broken = copy.deepcopy(deployment)
    broken["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["httpGet"][
        "prot"
    ] = 8000
    assert len(RENDER.validate([broken])) == 1


def test_the_grace_period_covers_the_whole_shutdown() -> None:
    resources = RENDER.render(PRODUCTION)
    config = by_kind(resources, "ConfigMap", "gym-jobs-config")["data"]
    pod = by_kind(resources, "Deployment", "gym-jobs")["spec"]["template"]["spec"]
    [app] = pod["containers"]
    args = app["command"]
    graceful = float(args[args.index("--timeout-graceful-shutdown") + 1])
    pre_stop = app["lifecycle"]["preStop"]["sleep"]["seconds"]
    drain = float(config["SHUTDOWN_DRAIN_S"])
    needed = pre_stop + drain + graceful + RELAY_STOP_TIMEOUT_S
    assert pod["terminationGracePeriodSeconds"] >= needed
    assert graceful == 20  # as the Dockerfile and `make run`
    assert app["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert app["livenessProbe"]["httpGet"]["path"] == "/healthz"


def test_production_serves_metrics_off_the_service_and_relays_apart() -> None:
    resources = RENDER.render(PRODUCTION)
    config = by_kind(resources, "ConfigMap", "gym-jobs-config")["data"]
    service = by_kind(resources, "Service", "gym-jobs")
    assert [p["targetPort"] for p in service["spec"]["ports"]] == ["http"]
    [app] = by_kind(resources, "Deployment", "gym-jobs")["spec"]["template"]["spec"][
        "containers"
    ]
    ports = {p["name"]: p["containerPort"] for p in app["ports"]}
    assert ports["metrics"] == int(config["METRICS_PORT"])
    assert "localhost" in config["ALLOWED_HOSTS"].split(",")
    assert config["OUTBOX_RELAY_IN_PROCESS"] == "false"
    relay = by_kind(resources, "Deployment", "gym-jobs-relay")
    assert relay["spec"]["template"]["spec"]["containers"][0]["command"][-1] == (
        "app.jobs.relay"
    )
    images = {
        c["image"]
        for r in resources
        if r["kind"] in {"Deployment", "Job"}
        for c in r["spec"]["template"]["spec"]["containers"]
    }
    assert images == {"registry.example.com/gym-platform/gym-jobs:0.1.0"}
    assert {r["metadata"].get("namespace") for r in resources} == {"gym-jobs"}


def test_every_configured_variable_is_a_setting() -> None:
    keys: set[str] = set()
    for path in [*K8S.rglob("*.yaml")]:
        for doc in yaml.safe_load_all(path.read_text()):
            if doc and doc.get("kind") in {"ConfigMap", "Secret"}:
                keys |= set(doc.get("data") or {}) | set(doc.get("stringData") or {})
    assert keys - LIBRARY_VARIABLES <= set(Settings.model_fields)
