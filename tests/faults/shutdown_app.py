"""The real app plus one slow route, for the SIGTERM test's uvicorn process.

`uvicorn tests.faults.shutdown_app:create_app --factory` (settings from the
environment, as in production).
"""

from __future__ import annotations

import asyncio

from fastapi import FastAPI

from app import main


def create_app() -> FastAPI:
    app = main.create_app()

    @app.get("/slow")
    async def slow(seconds: float = 2.0) -> dict[str, float]:
        await asyncio.sleep(seconds)
        return {"slept": seconds}

    return app
