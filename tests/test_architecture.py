"""Guards the pure core (``app/domain`` imports only pure stdlib and itself) and
the direction of imports between the layers of ``app/``."""

import ast
from pathlib import Path

import pytest

DOMAIN_DIR = Path(__file__).resolve().parents[1] / "app" / "domain"
DOMAIN_PACKAGE = "app.domain"

# Pure standard-library modules (no I/O, no clock, no randomness).
ALLOWED_STDLIB = frozenset(
    {
        "__future__",
        "base64",
        "collections",
        "collections.abc",
        "dataclasses",
        "datetime",
        "enum",
        "functools",
        "hashlib",
        "hmac",
        "itertools",
        "json",
        "math",
        "operator",
        "re",
        "statistics",
        "typing",
        "urllib.parse",
        "zoneinfo",
    }
)
# Calls that read the clock, the console or the file system.
FORBIDDEN_CALLS = frozenset(
    {"now", "utcnow", "today", "open", "print", "input", "eval", "exec", "__import__"}
)


def _domain_modules() -> list[Path]:
    return sorted(DOMAIN_DIR.rglob("*.py"))


def _package_of(path: Path) -> list[str]:
    relative = path.relative_to(DOMAIN_DIR.parents[1]).with_suffix("")
    parts = list(relative.parts)
    return parts if parts[-1] == "__init__" else parts[:-1]


def _resolve(node: ast.ImportFrom, package: list[str]) -> str:
    if node.level == 0:
        return node.module or ""
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _is_allowed(module: str) -> bool:
    return module in ALLOWED_STDLIB or (
        module == DOMAIN_PACKAGE or module.startswith(f"{DOMAIN_PACKAGE}.")
    )


def _called_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def find_violations(source: str, package: list[str]) -> list[str]:
    """Imports outside the allowlist and forbidden calls in ``source``."""
    problems: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [_resolve(node, package)]
        elif isinstance(node, ast.Call) and _called_name(node) in FORBIDDEN_CALLS:
            problems.append(f"line {node.lineno}: calls {_called_name(node)}()")
            continue
        else:
            continue
        problems += [
            f"line {node.lineno}: imports {n}" for n in names if not _is_allowed(n)
        ]
    return problems


def test_domain_package_has_modules() -> None:
    assert len(_domain_modules()) > 1


@pytest.mark.parametrize(
    "path", _domain_modules(), ids=lambda p: str(p.relative_to(DOMAIN_DIR))
)
def test_domain_module_stays_pure(path: Path) -> None:
    violations = find_violations(path.read_text(encoding="utf-8"), _package_of(path))
    assert violations == [], f"{path.name} breaks the pure-core rule: {violations}"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import math\nfrom datetime import date", []),
        ("from .errors import DomainInputError", []),
        ("from app.domain.values import Sex", []),
        ("import os", ["line 1: imports os"]),
        ("import sqlalchemy.orm", ["line 1: imports sqlalchemy.orm"]),
        ("from httpx import AsyncClient", ["line 1: imports httpx"]),
        ("from app.db import models", ["line 1: imports app.db"]),
        ("from .. import jobs", ["line 1: imports app"]),
        ("import logging", ["line 1: imports logging"]),
        ("import random", ["line 1: imports random"]),
        ("from datetime import datetime\nx = datetime.now()", ["line 2: calls now()"]),
        ("from datetime import date\nx = date.today()", ["line 2: calls today()"]),
        ("print('x')", ["line 1: calls print()"]),
    ],
)
def test_find_violations_flags_impure_code(source: str, expected: list[str]) -> None:
    assert find_violations(source, ["app", "domain"]) == expected


# --- Layers: imports go one way -------------------------------------------
#
# core is below everything; domain is pure (above); db and integrations sit on
# core and domain; services use those; jobs (workers) and api (routes) use
# services. cli, main and runtime are the entry points and the composition
# root: they may import anything, and nothing imports them.

APP_DIR = DOMAIN_DIR.parent
ENTRY_POINTS = frozenset({"cli", "main", "runtime"})
BELOW: dict[str, frozenset[str]] = {
    "core": frozenset(),
    "domain": frozenset(),
    "db": frozenset({"core"}),
    "integrations": frozenset({"core", "domain"}),
    "services": frozenset({"core", "domain", "db", "integrations"}),
    "jobs": frozenset({"core", "domain", "db", "integrations", "services"}),
    "api": frozenset({"core", "domain", "db", "integrations", "services"}),
}
# Upward imports that exist today (issue 19, "One direction in the code"),
# as (importing module, imported module). The test fails on any import not
# listed here and on an entry that no longer exists, so fixing one means
# deleting its line.
KNOWN_UPWARD = frozenset(
    {
        # services reach up into the job layer for dispatch() and the event
        # models: move the event catalog below services and give services a
        # dispatch protocol.
        *(
            (f"app.services.{module}", "app.jobs.dispatch")
            for module in (
                "churn_scan",
                "erasure",
                "injury_risk",
                "people",
                "readiness",
                "social_actions",
                "social_feed",
                "wearable_connections",
                "wearable_store",
                "wearable_sync",
                "wearable_webhooks",
            )
        ),
        ("app.services.churn_scan", "app.jobs.events.alerts"),
        ("app.services.erasure", "app.jobs.events.privacy"),
        ("app.services.injury_risk", "app.jobs.events.alerts"),
        ("app.services.people", "app.jobs.events.alerts"),
        ("app.services.people", "app.jobs.events.scoring"),
        ("app.services.readiness", "app.jobs.events.alerts"),
        ("app.services.social_actions", "app.jobs.events.social"),
        ("app.services.social_feed", "app.jobs.events.social"),
        ("app.services.wearable_connections", "app.jobs.events.sync"),
        ("app.services.wearable_sync", "app.jobs.events.sync"),
        ("app.services.wearable_webhooks", "app.jobs.events.sync"),
        # routes use the job layer: DispatchDep, event models, the operator
        # views (dead letters, status).
        ("app.api.deps", "app.jobs.dispatch"),
        ("app.api.deps", "app.jobs.events.base"),
        ("app.api.routes.benchmarks", "app.jobs.events.scoring"),
        ("app.api.routes.check_ins", "app.jobs.events.alerts"),
        ("app.api.routes.operations", "app.jobs.dead_letter_ops"),
        ("app.api.routes.operations", "app.jobs.operator_status"),
        ("app.api.routes.workouts", "app.jobs.events.scoring"),
        # the composition root is imported back: the api for the request's
        # runtime; jobs modules take the whole Runtime (TYPE_CHECKING cycle
        # runtime -> registry/inline_runner/... -> runtime); relay and purge
        # are commands living in jobs.
        ("app.api.deps", "app.runtime"),
        ("app.api.idempotency", "app.runtime"),
        *(
            (f"app.jobs.{module}", "app.runtime")
            for module in (
                "dead_letter_ops",
                "failure_handler",
                "inline_runner",
                "job_context",
                "operator_status",
                "purge",
                "registry",
                "relay",
                "scheduler",
                "serve_app",
            )
        ),
    }
)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(APP_DIR.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "app" and len(parts) > 1 else None


def app_imports(path: Path) -> set[str]:
    """The `app.…` modules that `path` imports (TYPE_CHECKING imports too)."""
    package = _package_of_app(path)
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.add(_resolve(node, package))
    return {name for name in found if name == "app" or name.startswith("app.")}


def _package_of_app(path: Path) -> list[str]:
    relative = path.relative_to(APP_DIR.parent).with_suffix("")
    parts = list(relative.parts)
    return parts if parts[-1] == "__init__" else parts[:-1]


def against_direction(source: str, targets: set[str]) -> set[tuple[str, str]]:
    """The imports of module `source` that go to a layer it may not use."""
    layer = _layer(source)
    if layer is None or layer in ENTRY_POINTS:
        return set()
    allowed = BELOW.get(layer, frozenset()) | {layer}
    return {
        (source, target)
        for target in targets
        if _layer(target) is not None and _layer(target) not in allowed
    }


def upward_imports() -> set[tuple[str, str]]:
    """Every import in app/ from one layer to a layer it may not use."""
    found: set[tuple[str, str]] = set()
    for path in sorted(APP_DIR.rglob("*.py")):
        found |= against_direction(_module_name(path), app_imports(path))
    return found


def test_every_app_package_has_a_layer() -> None:
    packages = {p.name for p in APP_DIR.iterdir() if (p / "__init__.py").exists()}
    assert packages == set(BELOW) | {"cli"}


def test_layers_form_no_cycle() -> None:
    """Listed bottom-up, each layer uses only layers listed before it."""
    seen: set[str] = set()
    for layer, below in BELOW.items():
        assert below <= seen, f"{layer} may use {sorted(below - seen)}"
        seen.add(layer)


def test_imports_go_one_way_except_the_known_upward_ones() -> None:
    found = upward_imports()
    new = sorted(found - KNOWN_UPWARD)
    fixed = sorted(KNOWN_UPWARD - found)
    assert new == [], f"imports against the layer direction: {new}"
    assert fixed == [], f"fixed, remove from KNOWN_UPWARD: {fixed}"


def test_nothing_imports_cli_or_main() -> None:
    targets = {target for _, target in upward_imports()}
    assert {_layer(target) for target in targets} & {"cli", "main"} == set()


@pytest.mark.parametrize(
    ("source", "targets", "expected"),
    [
        ("app.db.base", {"app.core.config", "app.db.models"}, set()),
        ("app.core.x", {"app.services.clock"}, {("app.core.x", "app.services.clock")}),
        (
            "app.services.x",
            {"app.jobs.dispatch"},
            {("app.services.x", "app.jobs.dispatch")},
        ),
        ("app.jobs.x", {"app.runtime"}, {("app.jobs.x", "app.runtime")}),
        ("app.api.x", {"app.services.people", "app.db.session"}, set()),
        ("app.cli.x", {"app.runtime", "app.api.deps"}, set()),
        ("app.runtime", {"app.jobs.registry"}, set()),
    ],
)
def test_against_direction_flags_upward_imports(
    source: str, targets: set[str], expected: set[tuple[str, str]]
) -> None:
    assert against_direction(source, targets) == expected


def test_app_imports_resolves_relative_and_type_checking_imports() -> None:
    imports = app_imports(APP_DIR / "jobs" / "registry.py")
    assert "app.runtime" in imports  # under TYPE_CHECKING
    assert "app.jobs.events.base" in imports
