"""The startup heap is frozen out of the garbage collector once the app runs."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator

import httpx
import pytest

from app.core.config import Settings
from app.core.gc_tuning import freeze_startup_heap, set_young_threshold
from app.main import create_app
from tests.support.serving import serve


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    try:
        yield
    finally:
        gc.unfreeze()  # give the test process its collector back


@pytest.fixture
def thresholds() -> Iterator[tuple[int, int, int]]:
    before = gc.get_threshold()
    try:
        yield before
    finally:
        gc.set_threshold(*before)  # the test process's own collector


def test_the_young_threshold_changes_alone(thresholds: tuple[int, int, int]) -> None:
    assert set_young_threshold(4321) == 4321
    assert gc.get_threshold() == (4321, thresholds[1], thresholds[2])


@pytest.mark.db
@pytest.mark.parametrize("young", [5000, 0])
async def test_the_app_sets_the_young_threshold_unless_unset(
    settings_factory: Callable[..., Settings],
    thresholds: tuple[int, int, int],
    young: int,
) -> None:
    gc.set_threshold(700, thresholds[1], thresholds[2])
    app = create_app(settings_factory(GC_YOUNG_THRESHOLD=young))
    async with serve(app) as server, httpx.AsyncClient(base_url=server.url) as c:
        assert (await c.get("/healthz")).status_code == 200
        assert gc.get_threshold()[0] == (young or 700)


def test_the_young_threshold_is_bounded() -> None:
    for refused in (10, -1):
        with pytest.raises(ValueError, match="GC_YOUNG_THRESHOLD"):
            Settings(_env_file=None, GC_YOUNG_THRESHOLD=refused)


@pytest.mark.usefixtures("unfrozen")
def test_freezing_moves_what_exists_to_the_permanent_generation() -> None:
    kept = [[n] for n in range(1000)]  # tracked objects alive right now
    frozen = freeze_startup_heap()
    assert frozen >= len(kept)
    later = [[n] for n in range(10)]
    # The collector's own lists leave out the permanent generation: what
    # existed is there, what was made after is collected as usual. (Counts
    # alone would be flaky: a frozen object freed meanwhile lowers them.)
    collected = {id(o) for o in gc.get_objects()}
    assert not any(id(o) in collected for o in kept)
    assert all(id(o) in collected for o in later)


@pytest.mark.db
@pytest.mark.usefixtures("unfrozen")
@pytest.mark.parametrize("freeze", [True, False])
async def test_the_app_freezes_its_startup_heap_unless_told_not_to(
    settings_factory: Callable[..., Settings], freeze: bool
) -> None:
    app = create_app(settings_factory(GC_FREEZE_AT_STARTUP=freeze))
    async with serve(app) as server, httpx.AsyncClient(base_url=server.url) as c:
        assert (await c.get("/healthz")).status_code == 200
        assert (gc.get_freeze_count() > 0) is freeze
