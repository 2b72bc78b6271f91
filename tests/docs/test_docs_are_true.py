"""The docs stay true: in README.md and docs/*.md, every Python code block
compiles, every `make <target>` exists in the Makefile, every
`python -m app.…` module exists and every relative link points to a file."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```([\w-]*)[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)
INLINE_CODE = re.compile(r"`([^`\n]+)`")
MAKE = re.compile(r"\bmake ([a-z][a-z-]*)")
MODULE = re.compile(r"python -m (app(?:\.[a-z_]+)+)")
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
TARGET = re.compile(r"^([a-z][a-z-]*):", re.MULTILINE)
# A code block whose first line names its source: `# app/….py (abridged)`.
SOURCE = re.compile(r"^# (app/[\w/]+\.py)\b")


def ids(paths: list[Path]) -> list[str]:
    return [str(p.relative_to(ROOT)) for p in paths]


def code_text(markdown: str) -> str:
    """Fenced blocks and inline code spans: where commands are written."""
    blocks = [body for _, body in FENCE.findall(markdown)]
    prose = FENCE.sub("", markdown)
    return "\n".join([*blocks, *INLINE_CODE.findall(prose)])


def test_the_readme_is_a_five_minute_read() -> None:
    assert (ROOT / "README.md").stat().st_size <= 10 * 1024


def test_every_page_is_checked() -> None:
    names = ids(DOCS)
    for page in ("README.md", "docs/events.md", "docs/configuration.md"):
        assert page in names


@pytest.mark.parametrize("page", ["README.md", "docs/architecture.md"])
def test_the_layout_names_every_app_package(page: str) -> None:
    text = (ROOT / page).read_text(encoding="utf-8")
    layout = text.split("## Layout", 1)[1].split("\n## ", 1)[0]
    packages = sorted(
        p.name for p in (ROOT / "app").iterdir() if (p / "__init__.py").exists()
    )
    assert [name for name in packages if f"{name}/" not in layout] == []


@pytest.mark.parametrize("page", DOCS, ids=ids(DOCS))
def test_python_code_blocks_compile(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    for language, body in FENCE.findall(text):
        if language in ("python", "py"):
            compile(body, f"{page.name} code block", "exec")  # raises if it does not


@pytest.mark.parametrize("page", DOCS, ids=ids(DOCS))
def test_code_quoted_from_a_source_file_is_in_it(page: Path) -> None:
    """A block that names its file (`# app/….py`) shows only lines of it."""
    for language, body in FENCE.findall(page.read_text(encoding="utf-8")):
        named = SOURCE.match(body)
        if language != "python" or named is None:
            continue
        source = {line.strip() for line in (ROOT / named[1]).read_text().splitlines()}
        shown = [line.strip() for line in body.splitlines()[1:]]
        assert [s for s in shown if s not in source and s != "..."] == []


@pytest.mark.parametrize("page", DOCS, ids=ids(DOCS))
def test_every_make_target_mentioned_exists(page: Path) -> None:
    targets = set(TARGET.findall((ROOT / "Makefile").read_text(encoding="utf-8")))
    mentioned = set(MAKE.findall(code_text(page.read_text(encoding="utf-8"))))
    assert mentioned - targets == set()


@pytest.mark.parametrize("page", DOCS, ids=ids(DOCS))
def test_every_app_module_mentioned_exists(page: Path) -> None:
    modules = set(MODULE.findall(page.read_text(encoding="utf-8")))
    missing = {name for name in modules if importlib.util.find_spec(name) is None}
    assert missing == set()


@pytest.mark.parametrize("page", DOCS, ids=ids(DOCS))
def test_every_relative_link_points_to_a_file(page: Path) -> None:
    broken = []
    for target in LINK.findall(page.read_text(encoding="utf-8")):
        if re.match(r"^[a-z]+:", target) or target.startswith("#"):
            continue  # a URL or an anchor on the same page
        path = target.split("#", 1)[0]
        if not (page.parent / path).exists():
            broken.append(target)
    assert broken == []


def test_the_checks_catch_what_they_are_for(tmp_path: Path) -> None:
    """The patterns find a bad block, target, module and link."""
    sample = (
        "Run `make nonsense` or `python -m app.nothing_here`, see [x](missing.md).\n"
        "```python\ndef broken(:\n```\n"
    )
    assert MAKE.findall(code_text(sample)) == ["nonsense"]
    assert MODULE.findall(sample) == ["app.nothing_here"]
    assert importlib.util.find_spec("app.nothing_here") is None
    assert LINK.findall(sample) == ["missing.md"]
    [(language, body)] = FENCE.findall(sample)
    assert language == "python"
    with pytest.raises(SyntaxError):
        compile(body, "sample", "exec")
    assert "make sure" not in code_text("Make sure `x` works; make sure.")
    named = SOURCE.match("# app/api/routes/check_ins.py (abridged)\n@router")
    assert named is not None
    assert named[1] == "app/api/routes/check_ins.py"
