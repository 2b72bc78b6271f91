"""Every provisioning route, per caller: another gym's resources are 404, a
wrong role is 403, no token is 401 (one table, both backends)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable

import httpx
import pytest

from app.core.security import issue_admin_token
from app.main import create_app
from tests.support import api_world
from tests.support.api_world import World

pytestmark = pytest.mark.db
world, client = api_world.world, api_world.client  # fixtures

# (method, path template, json body); {home}/{away}: gyms, {ann}: a member of home.
ROUTES = {
    "read gym": ("GET", "/api/v1/gyms/{home}", None),
    "patch gym": ("PATCH", "/api/v1/gyms/{home}", {"name": "Renamed"}),
    "add person": ("POST", "/api/v1/gyms/{home}/members", "new-person"),
    "roster": ("GET", "/api/v1/members", None),
    "read person": ("GET", "/api/v1/members/{ann}", None),
    "patch membership": ("PATCH", "/api/v1/members/{ann}", {"status": "trial"}),
    "list pauses": ("GET", "/api/v1/members/{ann}/pauses", None),
    "add pause": (
        "POST",
        "/api/v1/members/{ann}/pauses",
        {"kind": "holiday", "starts_on": "2026-12-24"},
    ),
}
# Expected status per caller: ann (the member herself), bob (another member),
# cara (coach), olga (owner), zoe (coach of the other gym), admin, nobody.
EXPECTED = {
    "read gym": (403, 403, 403, 200, 404, 200, 401),
    "patch gym": (403, 403, 403, 200, 404, 200, 401),
    "add person": (403, 403, 403, 201, 404, 201, 401),
    "roster": (403, 403, 200, 200, 200, 401, 401),
    "read person": (200, 404, 200, 200, 404, 200, 401),
    "patch membership": (403, 404, 200, 200, 404, 200, 401),
    "list pauses": (200, 404, 200, 200, 404, 200, 401),
    "add pause": (403, 403, 201, 201, 404, 401, 401),
}
CALLERS = ("ann", "bob", "cara", "olga", "zoe", "admin", "nobody")


def headers_for(world: World, caller: str) -> dict[str, str]:
    if caller == "nobody":
        return {}
    if caller == "admin":
        token = issue_admin_token(world.settings, "ops")
        return {"Authorization": f"Bearer {token}"}
    return world.auth(caller)


def body_for(template: object) -> object:
    if template == "new-person":
        return {"user_id": str(uuid.uuid4())}
    return template


@pytest.mark.parametrize("route", sorted(ROUTES))
async def test_each_caller_gets_the_expected_status(
    client: httpx.AsyncClient, world: World, route: str
) -> None:
    method, template, body = ROUTES[route]
    path = template.format(
        home=world.members["olga"].gym_id,
        away=world.members["zoe"].gym_id,
        ann=world.id("ann"),
    )
    got = []
    for caller in CALLERS:
        answer = await client.request(
            method, path, json=body_for(body), headers=headers_for(world, caller)
        )
        got.append(answer.status_code)
        if answer.status_code >= 400:
            assert set(answer.json()) == {"code", "detail"}, (caller, answer.text)
    assert dict(zip(CALLERS, got, strict=True)) == dict(
        zip(CALLERS, EXPECTED[route], strict=True)
    )


async def test_admin_person_routes_404_for_unknown_gyms_and_people(
    client: httpx.AsyncClient, world: World
) -> None:
    admin: Callable[[], dict[str, str]] = lambda: headers_for(world, "admin")  # noqa: E731
    missing = uuid.uuid4()
    gym = await client.get(f"/api/v1/gyms/{missing}", headers=admin())
    assert (gym.status_code, gym.json()["code"]) == (404, "gym_not_found")
    person = await client.get(f"/api/v1/members/{missing}", headers=admin())
    assert (person.status_code, person.json()["code"]) == (404, "member_not_found")


def test_every_provisioning_route_declares_its_errors_in_the_one_shape(
    world: World,
) -> None:
    """The OpenAPI document shows what the table above checks: each error
    status a route answers, with the `{code, detail}` schema (422 included,
    instead of FastAPI's own validation schema)."""
    document = create_app(world.settings).openapi()
    error_schema = {"$ref": "#/components/schemas/ErrorRead"}
    for method, template, _ in ROUTES.values():
        operation = document["paths"][
            template.replace("{home}", "{gym_id}").replace("{ann}", "{member_id}")
        ][method.lower()]
        answered = {
            str(status)
            for status in EXPECTED[_route_name(method, template)]
            if status >= 400
        }
        declared = {
            status: response["content"]["application/json"]["schema"]
            for status, response in operation["responses"].items()
            if status.startswith("4")
        }
        assert answered <= set(declared), (method, template)
        assert all(v == error_schema for v in declared.values()), (method, template)
    assert "HTTPValidationError" not in json.dumps(
        {p: document["paths"][p] for p in document["paths"] if "gyms" in p}
    )


def _route_name(method: str, template: str) -> str:
    return next(n for n, r in ROUTES.items() if r[:2] == (method, template))
