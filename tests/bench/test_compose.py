"""compose.yaml (the scale-out path) is checked statically: Docker is not here."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def _checker() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "check_compose", ROOT / "scripts" / "check_compose.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_compose_yaml_is_consistent_with_settings_and_docs() -> None:
    checker = _checker()
    assert (
        checker.problems(ROOT / "compose.yaml", ROOT / "docs" / "operations.md") == []
    )


def test_the_checker_catches_typos_dev_mode_and_undocumented_variables(
    tmp_path: Path,
) -> None:
    checker = _checker()
    text = (ROOT / "compose.yaml").read_text()
    broken = text.replace(
        '  INNGEST_ENABLED: "true"\n',
        '  INNGEST_ENABLED: "true"\n  INNGEST_DEV: "1"\n  INNGEST_SIGNNG_KEY: x\n'
        "  LOG_FORMAT: ${UNDOCUMENTED_VAR:-json}\n",
    )
    assert broken != text
    compose = tmp_path / "compose.yaml"
    compose.write_text(broken)
    found = checker.problems(compose, ROOT / "docs" / "operations.md")
    assert "service app sets INNGEST_DEV (no signatures)" in found
    assert "service app: INNGEST_SIGNNG_KEY is not an app setting" in found
    assert "${UNDOCUMENTED_VAR} is not documented in 'Scale-out with compose'" in found
