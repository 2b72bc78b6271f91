"""Every route module, included once."""

from __future__ import annotations

from fastapi import APIRouter

from app.api.routes import (
    alerts,
    benchmarks,
    check_ins,
    feed,
    gyms,
    health,
    me,
    members,
    operations,
    people,
    scores,
    social,
    wearable_webhooks,
    wearables,
    workouts,
)

api_router = APIRouter()
api_router.include_router(health.router)
api_router.include_router(me.router)
api_router.include_router(gyms.router)
api_router.include_router(people.router)
api_router.include_router(members.router)
api_router.include_router(workouts.router)
api_router.include_router(benchmarks.router)
api_router.include_router(check_ins.router)
api_router.include_router(scores.router)
api_router.include_router(alerts.router)
api_router.include_router(wearable_webhooks.router)
api_router.include_router(wearables.router)
api_router.include_router(social.router)
api_router.include_router(feed.router)
api_router.include_router(operations.router)
