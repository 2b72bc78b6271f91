"""The event catalog. `load_catalog()` imports every module of this package,
so each event model registers itself in `CATALOG` (no hand-kept list)."""

from __future__ import annotations

import importlib
import pkgutil

from app.jobs.events.base import CATALOG, PlatformEvent


def load_catalog() -> dict[str, type[PlatformEvent]]:
    for info in pkgutil.iter_modules(__path__, prefix=f"{__name__}."):
        importlib.import_module(info.name)
    return {
        name: cls
        for name, cls in CATALOG.items()
        if cls.__module__.startswith(f"{__name__}.")
    }
