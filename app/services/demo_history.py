"""The demo gym's people and their months of history, as plain plans.

Deterministic (a seeded `random.Random`), so two runs plan the same gym. Each
member follows a profile that makes one thing visible through the API:

- `spike`: steady training for months, then a far heavier last week
  (an injury-risk alert from the acute:chronic workload ratio);
- `drifting`: regular visits that stop five weeks ago (a churn alert);
- `fading`: visits thinning out over the last month (churn risk building);
- `badweek`: a wearable whose last seven nights are poor (low readiness);
- `wearable`: a wearable with steady nights;
- `steady`: two to four sessions a week, strength and aerobic;
- `newcomer`: joined ten days ago.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import uuid

NAMESPACE = uuid.UUID("6f1c2b8e-4a57-4c1e-9d1a-5e0c7b3d2a10")
HISTORY_DAYS = 120
RECENT_DAYS = 7  # logged through the services, so their work runs
EXERCISES = ("back_squat", "deadlift", "bench_press", "strict_press")
FIRST_NAMES = (
    "Ada", "Ben", "Cleo", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jo",
    "Kai", "Lea", "Max", "Nia", "Oto", "Pia", "Quin", "Rui", "Sol", "Tea",
    "Uma", "Vik", "Wen", "Xia", "Yan", "Zoe", "Abe", "Bea", "Cy", "Di",
    "Ed", "Flo", "Gil", "Hal", "Ira", "Jay", "Kit", "Lou", "Mo", "Ned",
    "Oli", "Pat", "Ray", "Sam", "Ted", "Uli", "Val", "Wyn", "Xan", "Yul",
    "Zed", "Ari", "Bo", "Cal", "Dan", "Eve", "Fin", "Gia", "Hux", "Ona",
)  # fmt: skip
PROFILES = ("spike", "drifting", "drifting", "fading", "badweek", "wearable")


def demo_id(name: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, name)


@dataclasses.dataclass(frozen=True)
class SetPlan:
    exercise: str
    load_kg: float
    reps: int
    rpe: float | None


@dataclasses.dataclass(frozen=True)
class WorkoutPlan:
    performed_at: dt.datetime
    kind: str
    minutes: float
    rpe: float
    distance_m: float | None
    sets: tuple[SetPlan, ...]


@dataclasses.dataclass(frozen=True)
class BenchmarkPlan:
    code: str
    performed_at: dt.datetime
    value: float
    lower_is_better: bool


@dataclasses.dataclass(frozen=True)
class PersonPlan:
    id: uuid.UUID
    role: str
    name: str
    profile: str
    joined_on: dt.date
    workouts: tuple[WorkoutPlan, ...] = ()
    visits: tuple[dt.datetime, ...] = ()
    benchmarks: tuple[BenchmarkPlan, ...] = ()


@dataclasses.dataclass(frozen=True)
class GymPlan:
    gym_id: uuid.UUID
    owner: PersonPlan
    coaches: tuple[PersonPlan, ...]
    members: tuple[PersonPlan, ...]

    def by_profile(self, profile: str) -> PersonPlan:
        return next(m for m in self.members if m.profile == profile)


def plan_gym(today: dt.date, members: int) -> GymPlan:
    rng = random.Random(20261207)  # noqa: S311 - demo data, not security
    owner = PersonPlan(demo_id("owner"), "owner", "Olga", "staff", today)
    coaches = tuple(
        PersonPlan(demo_id(f"coach-{i}"), "coach", name, "staff", today)
        for i, name in enumerate(("Cara", "Colm"))
    )
    people = []
    for i in range(members):
        profile = PROFILES[i] if i < len(PROFILES) else "steady"
        if i == members - 1:
            profile = "newcomer"
        people.append(_member(rng, i, profile, today))
    return GymPlan(demo_id("gym"), owner, coaches, tuple(people))


def _member(rng: random.Random, i: int, profile: str, today: dt.date) -> PersonPlan:
    joined = today - dt.timedelta(days=10 if profile == "newcomer" else HISTORY_DAYS)
    workouts: list[WorkoutPlan] = []
    visits: list[dt.datetime] = []
    per_week = (2, 3, 3, 4)[i % 4]
    start = 9 if profile == "newcomer" else HISTORY_DAYS - 1
    for days_ago in range(start, -1, -1):
        day = today - dt.timedelta(days=days_ago)
        if not _trains(profile, days_ago, per_week, day):
            continue
        at = dt.datetime.combine(day, dt.time(rng.choice((7, 12, 18))), tzinfo=dt.UTC)
        heavy = profile == "spike" and days_ago < RECENT_DAYS
        workouts.append(_workout(rng, at, heavy, progress=1 - days_ago / HISTORY_DAYS))
        visits.append(at - dt.timedelta(minutes=10))
    benchmarks = tuple(
        BenchmarkPlan(
            "row_2k",
            dt.datetime.combine(
                today - dt.timedelta(days=days_ago), dt.time(9), tzinfo=dt.UTC
            ),
            round(480 - 8 * (4 - n) + rng.uniform(-3, 3), 1),
            True,
        )
        for n, days_ago in enumerate((112, 84, 56, 28, 2))
        if profile in ("steady", "spike", "wearable") and days_ago <= start
    )
    return PersonPlan(
        demo_id(f"member-{i}"),
        "member",
        FIRST_NAMES[i % len(FIRST_NAMES)],
        profile,
        joined,
        tuple(workouts),
        tuple(visits),
        benchmarks,
    )


WEEKDAYS = {2: (1, 3), 3: (0, 2, 4), 4: (0, 1, 3, 5)}


def _trains(profile: str, days_ago: int, per_week: int, day: dt.date) -> bool:
    """A fixed weekly pattern (people keep their training days); the
    profiles change it where they say so."""
    if profile == "drifting" and days_ago < 35:
        return False
    if profile == "fading" and days_ago < 28:
        return day.weekday() == 0 and days_ago % 14 < 7
    if profile == "spike" and days_ago < RECENT_DAYS:
        return days_ago != 3  # six hard sessions in the last week
    return day.weekday() in WEEKDAYS[per_week]


def _workout(
    rng: random.Random, at: dt.datetime, heavy: bool, progress: float
) -> WorkoutPlan:
    if not heavy and at.weekday() in (3, 5):
        minutes = float(rng.choice((40, 45, 50)))
        return WorkoutPlan(at, "aerobic", minutes, 6.0, minutes * 180, ())
    exercise = rng.choice(EXERCISES)
    base = {"back_squat": 90, "deadlift": 120, "bench_press": 65, "strict_press": 42}
    top = round((base[exercise] * (0.85 + 0.2 * progress)) / 2.5) * 2.5
    sets = tuple(
        SetPlan(exercise, top - 2.5 * (3 - n), 5, 7.0 + 0.5 * n) for n in range(4)
    )
    minutes = 90.0 if heavy else float(rng.choice((55, 60, 65)))
    rpe = 9.0 if heavy else 7.0
    return WorkoutPlan(at, "strength", minutes, rpe, None, sets)
