"""The startup heap is frozen out of the garbage collector once the app runs."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator

import httpx
import pytest

from app.core.config import Settings
from app.core.gc_tuning import freeze_startup_heap
from app.main import create_app
from tests.support.serving import serve


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    try:
        yield
    finally:
        gc.unfreeze()  # give the test process its collector back


@pytest.mark.usefixtures("unfrozen")
def test_freezing_moves_what_exists_to_the_permanent_generation() -> None:
    kept = [[n] for n in range(1000)]  # tracked objects alive right now
    frozen = freeze_startup_heap()
    assert frozen == gc.get_freeze_count()
    assert frozen >= len(kept)
    later = [[n] for n in range(10)]
    assert gc.get_freeze_count() == frozen  # made after: collected as usual
    assert later


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
