"""The harness serves ASGI apps with the project's shared loopback server."""

from tests.support.serving import serve_asgi

__all__ = ["serve_asgi"]
