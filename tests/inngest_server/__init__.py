"""A stand-in for the Inngest server's side of the protocol, for tests.

See README.md. Main entry points: ``InngestServer`` (async context manager),
``serve_asgi`` and the pytest fixtures in ``tests.inngest_server.plugin``.
"""

from .calls import NotLoopbackError
from .executor import Settings
from .models import (
    CallRecord,
    ErrorInfo,
    EventRecord,
    RegisteredFunction,
    Run,
    RunStatus,
    StepRecord,
)
from .server import InngestServer, SyncError
from .serving import serve_asgi
from .signing import hash_signing_key, new_signing_key, sign
from .waiting import DrainTimeoutError

__all__ = [
    "CallRecord",
    "DrainTimeoutError",
    "ErrorInfo",
    "EventRecord",
    "InngestServer",
    "NotLoopbackError",
    "RegisteredFunction",
    "Run",
    "RunStatus",
    "Settings",
    "StepRecord",
    "SyncError",
    "hash_signing_key",
    "new_signing_key",
    "serve_asgi",
    "sign",
]
