"""The demo: a gym with months of history whose printed API calls show the
roster with risk levels, an injury-risk alert, a churn alert (from the churn
cron), readiness, a progress score with reasons and a feed. Running it again
writes nothing."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.cli import demo
from app.core.config import Settings
from app.db.models import CronRun, Member, Workout
from app.main import create_app
from app.runtime import build_runtime
from tests.support.serving import serve

pytestmark = pytest.mark.db
CURL = re.compile(r'^curl -s -H "Authorization: Bearer \$(\w+)" "\$BASE(/[^"]+)"$')


async def counts(engine: AsyncEngine) -> tuple[int, int, int]:
    async with engine.connect() as conn:
        return (
            int(await conn.scalar(select(func.count()).select_from(Member)) or 0),
            int(await conn.scalar(select(func.count()).select_from(Workout)) or 0),
            int(await conn.scalar(select(func.count()).select_from(CronRun)) or 0),
        )


def printed_calls(text: str) -> list[tuple[str, str, str]]:
    """(comment, token variable, path) of every curl command the demo prints."""
    calls, comment = [], ""
    for line in text.splitlines():
        if line.startswith("# "):
            comment = line[2:]
        elif match := CURL.match(line):
            calls.append((comment, match.group(1), match.group(2)))
    return calls


async def test_the_demo_gym_shows_every_insight_through_its_printed_calls(
    settings_factory: Callable[..., Settings], engine: AsyncEngine
) -> None:
    settings = demo.demo_settings(settings_factory())
    runtime = build_runtime(settings)
    try:
        made = await demo.run_demo(runtime, members=8)
    finally:
        await runtime.dispose()
    assert made.created
    written = await counts(engine)
    text = demo.render(made, settings, base_url="http://unused", as_json=False)
    tokens = dict(re.findall(r"^export (\w+_TOKEN)=(\S+)$", text, re.MULTILINE))
    calls = printed_calls(text)
    assert len(calls) == 6
    answers: dict[str, Any] = {}
    async with serve(create_app(settings)) as server, httpx.AsyncClient() as client:
        for comment, token, path in calls:
            answer = await client.get(
                server.url + path, headers={"Authorization": f"Bearer {tokens[token]}"}
            )
            assert answer.status_code == 200, (comment, answer.text)
            answers[comment.split(" (")[0]] = answer.json()
    plan = made.plan
    spike, badweek = plan.by_profile("spike").id, plan.by_profile("badweek").id
    drifting = {str(m.id) for m in plan.members if m.profile == "drifting"}

    roster = {
        i["id"]: i for i in answers["The coach's roster with risk levels"]["items"]
    }
    assert len(roster) == 8
    assert roster[str(spike)]["risk_level"] == "high"
    assert all(roster[m]["risk_level"] == "high" for m in drifting)
    assert roster[str(badweek)]["readiness"]["band"] == "red"

    injuries = answers["An injury-risk alert"]["items"]
    assert str(spike) in {a["member_id"] for a in injuries}
    assert all(a["kind"] == "injury_risk" for a in injuries)
    churn = answers["Churn alerts"]["items"]
    assert drifting <= {a["member_id"] for a in churn}
    for alert in churn:
        if alert["member_id"] in drifting:
            texts = [r["text"] for r in alert["reasons"]]
            assert any("days since last visit" in t for t in texts)

    [today, *_] = answers["A readiness score"]
    assert today["band"] == "red"
    assert today["reasons"]
    scores = answers["A member's progress score with its reasons"]["items"]
    assert scores
    assert scores[0]["score"] is not None
    assert scores[0]["reasons"]
    assert answers["The member's feed"]["items"]

    # Again: the demo gym is found and nothing is written.
    runtime = build_runtime(settings)
    try:
        again = await demo.run_demo(runtime, members=8)
    finally:
        await runtime.dispose()
    assert not again.created
    assert again.plan.gym_id == plan.gym_id
    assert await counts(engine) == written
