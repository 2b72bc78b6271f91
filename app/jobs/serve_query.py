"""The query string of a signed call to `/api/inngest`, read strictly.

The signature covers the body and `t`, never the URL, so the query is where a
replay would change what runs. Only the parameters the SDK reads are allowed
(`fnId`, `stepId`, `probe`, `deployId`), each at most once, spelled plainly
(no %-escapes, no empty or repeated fields). What the call targets, method and
`fnId`, is what a signature gets bound to in the replay store.
"""

from __future__ import annotations

import dataclasses
import re

ALLOWED = frozenset({"fnId", "stepId", "probe", "deployId"})
FIELD = re.compile(r"(?P<name>[A-Za-z]+)=(?P<value>[A-Za-z0-9._:-]{1,200})")


@dataclasses.dataclass(frozen=True)
class CallTarget:
    target: str  # method and function: one signature, one target
    step: str  # the step (parallel steps share a body, so a MAC)


def parse_call_target(method: str, raw: bytes) -> CallTarget | None:
    """The call's target, or None when the query is not plainly allowed."""
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError:
        return None
    fields: dict[str, str] = {}
    for part in text.split("&") if text else ():
        found = FIELD.fullmatch(part)
        if found is None or found["name"] not in ALLOWED or found["name"] in fields:
            return None
        fields[found["name"]] = found["value"]
    step = fields.get("stepId") or fields.get("probe") or fields.get("deployId", "")
    return CallTarget(target=f"{method} {fields.get('fnId', '')}", step=step)
