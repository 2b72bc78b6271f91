"""Static checks of compose.yaml (no Docker needed): `python scripts/check_compose.py`.

- it parses as YAML and has the services the scale-out path needs;
- every environment variable given to a service running our image is a field
  of the app's `Settings` (a typo would be silently ignored at run time);
- every `${VAR}` it interpolates is documented in docs/operations.md,
  "Scale-out with compose";
- the app services never set INNGEST_DEV (it turns signature checks off).

Exit status 0 when clean; the problems are printed otherwise.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.core.config import Settings  # noqa: E402 - after the path fix

REQUIRED_SERVICES = {
    "migrate",
    "app",
    "lb",
    "postgres",
    "inngest",
    "inngest-postgres",
    "inngest-redis",
}
OUR_IMAGE_COMMANDS = {"migrate", "app", "relay"}
INTERPOLATION = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)(?:[:?\-][^}]*)?\}")
# The section of docs/operations.md that documents every compose variable.
SECTION = "Scale-out with compose"


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text())
    if not isinstance(data, dict):
        raise ValueError(f"{path} is not a YAML mapping")
    return data


def _environment(service: dict[str, Any]) -> dict[str, Any]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        return dict(item.split("=", 1) if "=" in item else (item, None) for item in env)
    if not isinstance(env, dict):
        raise ValueError("environment must be a mapping or a list")
    return env


def problems(compose_path: Path, docs_path: Path) -> list[str]:
    found: list[str] = []
    data = load(compose_path)
    services: dict[str, Any] = data.get("services") or {}
    missing = REQUIRED_SERVICES - set(services)
    if missing:
        found.append(f"missing services: {', '.join(sorted(missing))}")
    fields = set(Settings.model_fields)
    for name in sorted(OUR_IMAGE_COMMANDS & set(services)):
        env = _environment(services[name])
        if not env:
            found.append(f"service {name} has no environment")
        for key in env:
            if key not in fields:
                found.append(f"service {name}: {key} is not an app setting")
        if "INNGEST_DEV" in env:
            found.append(f"service {name} sets INNGEST_DEV (no signatures)")
        if env.get("APP_ENV") != "production":
            found.append(f"service {name} does not run with APP_ENV=production")
    app_env = _environment(services.get("app") or {})
    for key in ("INNGEST_SIGNING_KEY", "INNGEST_EVENT_KEY"):
        server_env = _environment(services.get("inngest") or {})
        if app_env.get(key) != server_env.get(key):
            found.append(f"{key} differs between the app and the inngest service")
    scale_out = _section(docs_path.read_text(), SECTION)
    if scale_out is None:
        found.append(f"{docs_path.name} has no '{SECTION}' section")
    else:
        for var in sorted(set(INTERPOLATION.findall(compose_path.read_text()))):
            if f"`{var}`" not in scale_out:
                found.append(f"${{{var}}} is not documented in '{SECTION}'")
    return found


def _section(text: str, title: str) -> str | None:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    return match.group(1) if match else None


def main() -> int:
    found = problems(ROOT / "compose.yaml", ROOT / "docs" / "operations.md")
    for problem in found:
        sys.stdout.write(f"compose.yaml: {problem}\n")
    if not found:
        sys.stdout.write("compose.yaml: ok\n")
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
