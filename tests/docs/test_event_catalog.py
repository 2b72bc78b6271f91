"""docs/events.md is generated from the registry (`make catalog`) and must
match what the code produces: a new event, field, consumer, retry count or
flow-control rule fails here until the catalog is regenerated."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Literal

import pytest

from app.cli.__main__ import main as cli_main
from app.jobs import catalog
from app.jobs.events import load_catalog
from app.jobs.events.base import Code
from app.jobs.registry import load_workers


def test_the_committed_catalog_is_what_the_code_produces() -> None:
    committed = catalog.CATALOG_PATH.read_text(encoding="utf-8")
    assert committed == catalog.render(), "docs/events.md is stale: run make catalog"


def test_the_catalog_names_every_event_consumer_and_cron() -> None:
    text = catalog.render()
    registry = load_workers()
    for name, event in load_catalog().items():
        assert f"### `{name}`" in text
        for field in event.model_fields:
            assert f"| `{field}` |" in text
    for worker in registry.workers:
        assert f"| `{worker.fn_id}` |" in text
        if worker.cron:
            assert f"`{worker.cron}`" in text
    assert "throttle: key=event.data.provider" in text  # wearable sync's limit
    assert "timeouts: start=6h, finish=15m" in text


@pytest.mark.parametrize(
    ("annotation", "shown"),
    [
        (uuid.UUID, "uuid"),
        (dt.date, "date"),
        (int, "int"),
        (Code, "code"),
        (Literal["a", 1], '"a" \\| 1'),
        (uuid.UUID | None, "uuid \\| null"),
        (list[int], "list[int]"),
    ],
)
def test_field_types_are_short_and_readable(annotation: object, shown: str) -> None:
    assert catalog.type_name(annotation) == shown


def test_the_command_writes_and_checks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "events.md"
    monkeypatch.setattr(catalog, "CATALOG_PATH", target)
    assert cli_main(["catalog", "--check"]) == 1  # missing: stale
    assert cli_main(["catalog"]) == 0
    assert target.read_text(encoding="utf-8") == catalog.render()
    assert cli_main(["catalog"]) == 0  # a second run changes nothing
    assert cli_main(["catalog", "--check"]) == 0
    target.write_text("# hand-edited\n", encoding="utf-8")
    assert cli_main(["catalog", "--check"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "events.md: stale: run make catalog",
        "events.md: written",
        "events.md: unchanged",
        "events.md: up to date",
        "events.md: stale: run make catalog",
    ]
