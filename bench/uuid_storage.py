"""UUIDs as text vs native `uuid` on PostgreSQL (migration 0010): table and
index sizes and the cost of a lookup, before and after, on the same rows.

`python -m bench.uuid_storage [--members N] [--workouts-per-member N]
[--lookups N]` builds a throwaway database with the real migrations up to
0005 (ids as varchar(36)), seeds gyms/members/workouts, measures, upgrades to
0010 (ids as uuid), measures again, and writes
bench/results/uuid-storage.{json,md}. Both states are measured after
`VACUUM FULL ANALYZE` (tables and indexes freshly rewritten), so the sizes
compare the types, not the bloat of an insert order.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import time
import uuid
from typing import Any

import asyncpg

from bench.databases import ROOT, _plain, postgres_admin_url
from tests.support.databases import create_postgres_database, drop_postgres_database

RESULTS = ROOT / "bench" / "results"
GYM = str(uuid.UUID(int=1))
RELATIONS = (
    "workouts",
    "pk_workouts",
    "ix_workouts_member_performed",
    "members",
    "pk_members",
)
LOOKUPS = {
    "workout by id": "SELECT * FROM workouts WHERE id = $1",
    "member's last 20 workouts": (
        "SELECT * FROM workouts WHERE member_id = $1"
        " ORDER BY performed_at DESC LIMIT 20"
    ),
}


def alembic(url: str, revision: str) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.attributes["database_url"] = url
    command.upgrade(config, revision)


async def seed(conn: asyncpg.Connection, members: int, per_member: int) -> None:
    await conn.execute(
        "INSERT INTO gyms (id, name, timezone, created_at)"
        " VALUES ($1, 'bench', 'UTC', now())",
        GYM,
    )
    await conn.execute(
        "INSERT INTO members (id, gym_id, role, timezone, contract_kind, created_at)"
        " SELECT gen_random_uuid()::text, $1, 'member', 'UTC', 'month_to_month',"
        " now() FROM generate_series(1, $2)",
        GYM,
        members,
    )
    await conn.execute(
        "INSERT INTO workouts (id, member_id, gym_id, performed_at, tz, kind,"
        " minutes, created_at)"
        " SELECT gen_random_uuid()::text, m.id, m.gym_id,"
        " now() - g * interval '7 hours', 'UTC', 'strength', 60, now()"
        " FROM generate_series(1, $1) g CROSS JOIN members m",
        per_member,
    )


async def measure(conn: asyncpg.Connection, lookups: int) -> dict[str, Any]:
    await conn.execute("VACUUM FULL ANALYZE workouts")
    await conn.execute("VACUUM FULL ANALYZE members")
    sizes = {
        name: await conn.fetchval("SELECT pg_relation_size($1::regclass)", name)
        for name in RELATIONS
    }
    types = {
        column: await conn.fetchval(
            "SELECT data_type FROM information_schema.columns"
            " WHERE table_name = 'workouts' AND column_name = $1",
            column,
        )
        for column in ("id", "member_id")
    }
    workout_ids = [r["id"] for r in await conn.fetch("SELECT id FROM workouts")]
    member_ids = [r["id"] for r in await conn.fetch("SELECT id FROM members")]
    rng = random.Random(21)
    keys = {
        "workout by id": [str(rng.choice(workout_ids)) for _ in range(lookups)],
        "member's last 20 workouts": [
            str(rng.choice(member_ids)) for _ in range(lookups)
        ],
    }
    cost: dict[str, Any] = {}
    for label, query in LOOKUPS.items():
        statement = await conn.prepare(query)
        for key in keys[label][:50]:  # warm the cache and the plan
            await statement.fetch(key)
        times = []
        for key in keys[label]:
            start = time.perf_counter()
            await statement.fetch(key)
            times.append(time.perf_counter() - start)
        plan = await conn.fetchval(
            f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {query}", keys[label][0]
        )
        top = json.loads(plan)[0]
        cost[label] = {
            "median_us": round(statistics.median(times) * 1e6, 1),
            "p95_us": round(statistics.quantiles(times, n=20)[-1] * 1e6, 1),
            "shared_buffers_hit": top["Plan"].get("Shared Hit Blocks", 0),
            "plan": top["Plan"]["Node Type"]
            + (
                f" on {top['Plan']['Index Name']}"
                if "Index Name" in top["Plan"]
                else ""
            ),
        }
    return {"column_types": types, "bytes": sizes, "lookups": cost}


async def run_state(url: str, lookups: int, seed_args: tuple[int, int] | None) -> Any:
    conn = await asyncpg.connect(_plain(url), timeout=10)
    try:
        if seed_args is not None:
            await seed(conn, *seed_args)
        return await measure(conn, lookups)
    finally:
        await conn.close()


def mib(n: int) -> str:
    return f"{n / 2**20:.2f} MiB"


def report(result: dict[str, Any]) -> str:
    before, after = result["before"], result["after"]
    lines = [
        "# UUIDs as varchar(36) (0005) vs native uuid (0010), PostgreSQL",
        "",
        f"{result['members']} members x {result['per_member']} workouts ="
        f" {result['workouts']} rows; {result['lookups']} lookups per query;"
        f" PostgreSQL {result['server']}; `python -m bench.uuid_storage`.",
        "",
        "| relation | text (0005) | uuid (0010) | change |",
        "|---|---|---|---|",
    ]
    for name in RELATIONS:
        b, a = before["bytes"][name], after["bytes"][name]
        lines.append(f"| {name} | {mib(b)} | {mib(a)} | {100 * (a - b) / b:+.0f}% |")
    lines += [
        "",
        "| lookup | text: median / p95 µs, buffers | uuid: median / p95 µs, buffers |",
        "|---|---|---|",
    ]
    for label in LOOKUPS:
        b, a = before["lookups"][label], after["lookups"][label]
        lines.append(
            f"| {label} ({a['plan']}) | {b['median_us']} / {b['p95_us']},"
            f" {b['shared_buffers_hit']} | {a['median_us']} / {a['p95_us']},"
            f" {a['shared_buffers_hit']} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--workouts-per-member", type=int, default=100)
    parser.add_argument("--lookups", type=int, default=2000)
    parser.add_argument("--out", default="uuid-storage")
    args = parser.parse_args(argv)
    url = create_postgres_database()
    try:
        alembic(url, "0005")
        seed_args = (args.members, args.workouts_per_member)
        before = asyncio.run(run_state(url, args.lookups, seed_args))
        alembic(url, "0010")
        after = asyncio.run(run_state(url, args.lookups, None))

        async def version() -> str:
            conn = await asyncpg.connect(_plain(postgres_admin_url()), timeout=5)
            try:
                return str(await conn.fetchval("SHOW server_version"))
            finally:
                await conn.close()

        result = {
            "members": args.members,
            "per_member": args.workouts_per_member,
            "workouts": args.members * args.workouts_per_member,
            "lookups": args.lookups,
            "server": asyncio.run(version()),
            "before": before,
            "after": after,
        }
    finally:
        drop_postgres_database(url)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{args.out}.json").write_text(json.dumps(result, indent=2) + "\n")
    text = report(result)
    (RESULTS / f"{args.out}.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
