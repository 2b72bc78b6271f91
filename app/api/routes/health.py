"""Probes: `/healthz` (the process is up) and `/readyz` (it can serve traffic)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from app.api.deps import RuntimeDep
from app.core.logging import get_logger
from app.core.unexpected_errors import RETRY_AFTER_S
from app.db.session import ping_failure

log = get_logger("app.health")

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(request: Request, runtime: RuntimeDep) -> JSONResponse:
    if getattr(request.app.state, "shutting_down", False):
        return JSONResponse({"status": "shutting_down"}, status_code=503)
    failure = await ping_failure(
        runtime.engine, runtime.settings.DATABASE_PING_TIMEOUT_S
    )
    if failure is None:
        return JSONResponse({"status": "ok", "database": True})
    log.error("database.unavailable", where="readyz", reason=failure)
    return JSONResponse(
        {"status": "unavailable", "database": False},
        status_code=503,
        headers={"retry-after": str(RETRY_AFTER_S)},
    )
