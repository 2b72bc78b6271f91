"""Engine settings that keep values out of error text."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

pytestmark = pytest.mark.db


async def test_every_engine_hides_statement_parameters(engine: AsyncEngine) -> None:
    """Issue 16 #2: a failed statement's error text carries no values."""
    assert engine.sync_engine.hide_parameters
