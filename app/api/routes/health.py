"""Probes: `/healthz` (the process is up) and `/readyz` (it can serve traffic)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from app.api.deps import RuntimeDep
from app.db.session import ping

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(request: Request, runtime: RuntimeDep) -> JSONResponse:
    if getattr(request.app.state, "shutting_down", False):
        return JSONResponse({"status": "shutting_down"}, status_code=503)
    db_ok = await ping(runtime.engine, runtime.settings.DATABASE_PING_TIMEOUT_S)
    status = 200 if db_ok else 503
    body = {"status": "ok" if db_ok else "unavailable", "database": db_ok}
    return JSONResponse(body, status_code=status)
