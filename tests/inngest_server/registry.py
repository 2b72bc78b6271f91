"""Server-side state: registered functions, received events and routing."""

from __future__ import annotations

import datetime

from . import events, routing, timeparse
from .executor import Executor, Settings
from .models import EventRecord, JSONDict, RegisteredFunction, Run


class Registry:
    """What the stand-in knows; every mutation runs on the server's loop."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.functions: dict[str, RegisteredFunction] = {}
        self.events: list[EventRecord] = []
        self.event_posts: list[JSONDict] = []
        self.registrations: list[JSONDict] = []
        self.api_fetches: list[tuple[str, str]] = []  # (run id, "batch"|"actions")
        self.dedupe = routing.Deduper()
        self._checksums: dict[str, str] = {}
        self._executor: Executor | None = None

    @property
    def executor(self) -> Executor:
        if self._executor is None:
            raise RuntimeError("InngestServer is not started (use `async with`)")
        return self._executor

    def record_registration(
        self, body: JSONDict, headers: dict[str, str], checksum: str
    ) -> bool:
        """Replace the app's functions with the registered ones; True if changed."""
        app = str(body.get("appname") or body.get("appName") or body.get("app_id"))
        self.registrations.append({"body": body, "headers": headers})
        for fn_id in [k for k, fn in self.functions.items() if fn.app == app]:
            del self.functions[fn_id]
        for config in body.get("functions") or []:
            fn = RegisteredFunction.from_config(app, config)
            self.functions[fn.id] = fn
        modified = self._checksums.get(app) != checksum
        self._checksums[app] = checksum
        return modified

    def ingest(
        self,
        batch: list[object],
        *,
        seed: str | None = None,
        accepted: list[str] | None = None,
        internal: bool = False,
    ) -> list[EventRecord]:
        """Record events, start the runs they trigger and resume waits."""
        out: list[EventRecord] = []
        for raw, internal_id in zip(
            batch, events.internal_ids(seed, len(batch)), strict=True
        ):
            event = events.normalise(raw, internal_id, allow_reserved=internal)
            self.events.append(event)
            out.append(event)
            if accepted is not None:
                accepted.append(event.internal_id)
            for fn in routing.functions_for(event, list(self.functions.values())):
                if self.dedupe.admit(fn, event):
                    self.executor.start(fn, [event])
            self.executor.on_event(event)
        return out

    def emit(self, batch: list[JSONDict]) -> list[EventRecord]:
        """Internal events (lifecycle, invoke): reserved names allowed."""
        return self.ingest(list(batch), internal=True)

    def lookup(self, fn_id: str) -> RegisteredFunction | None:
        """A function by composite id, or by local id when unambiguous."""
        if fn_id in self.functions:
            return self.functions[fn_id]
        found = [fn for fn in self.functions.values() if fn.id == f"{fn.app}-{fn_id}"]
        return found[0] if len(found) == 1 else None

    def function(self, fn_id: str) -> RegisteredFunction:
        fn = self.lookup(fn_id)
        if fn is None:
            raise KeyError(
                f"no registered function {fn_id!r}; have {sorted(self.functions)}"
            )
        return fn

    def start_cron(self, fn_id: str, at: datetime.datetime | None) -> Run:
        fn = self.function(fn_id)
        if not fn.crons:
            raise ValueError(f"{fn.id} has no cron trigger")
        when = (at or timeparse.now()).replace(microsecond=0).astimezone(datetime.UTC)
        stamp = when.isoformat().replace("+00:00", "Z")
        data = {"cron": fn.crons[0], "scheduledAt": stamp, "fireAt": stamp}
        raw = {
            "id": stamp,
            "name": routing.CRON,
            "data": data,
            "ts": int(when.timestamp() * 1000),
        }
        (event,) = self.ingest([raw], internal=True)
        if not self.dedupe.admit(fn, event):
            raise ValueError(f"{fn.id} already ran for the tick {stamp}")
        return self.executor.start(fn, [event])

    # -- read-only views for assertions ---------------------------------------
    @property
    def runs(self) -> list[Run]:
        return list(self.executor.runs)

    def runs_for(self, fn_id: str) -> list[Run]:
        fn = self.function(fn_id)
        return [run for run in self.executor.runs if run.function.id == fn.id]

    def executor_run(self, run_id: str) -> Run | None:
        return next((run for run in self.executor.runs if run.id == run_id), None)

    def events_named(self, name: str) -> list[EventRecord]:
        return [e for e in self.events if e.name == name]
