"""Guards the pure core: ``app/domain`` imports only pure stdlib and itself."""

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
