"""`piapi mcp --http PORT`: streamable HTTP on 127.0.0.1 only, behind a token and an
Origin check, so no web page and no other local process can spend the user's money."""

from __future__ import annotations

import socket
import sys
from typing import Any

import uvicorn
from mcp.server.mcpserver import MCPServer
from starlette.types import ASGIApp, Receive, Scope, Send

from piapi.mcp._config import TOKEN_ENV, ServerConfig
from piapi.mcp._rules import http_refusal

__all__ = ["Guard", "serve_http"]

HOST = "127.0.0.1"
PATH = "/mcp"


class Guard:
    """ASGI middleware: every HTTP request passes `http_refusal` or gets its status."""

    def __init__(self, app: ASGIApp, *, token: str, port: int) -> None:
        self._app = app
        self._token = token
        self._port = port

    def __repr__(self) -> str:  # never the token
        return f"Guard(port={self._port})"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = {
                name.decode("latin-1").lower(): value.decode("latin-1")
                for name, value in scope.get("headers", [])
            }
            refusal = http_refusal(
                authorization=headers.get("authorization"),
                origin=headers.get("origin"),
                host=headers.get("host"),
                token=self._token,
                port=self._port,
            )
            if refusal is not None:
                status, message = refusal
                body = message.encode()
                response_headers: list[tuple[bytes, bytes]] = [
                    (b"content-type", b"text/plain; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                ]
                if status == 401:
                    response_headers.append((b"www-authenticate", b"Bearer"))
                await send(
                    {"type": "http.response.start", "status": status, "headers": response_headers}
                )
                await send({"type": "http.response.body", "body": body})
                return
        await self._app(scope, receive, send)


async def serve_http(server: MCPServer[Any], config: ServerConfig) -> None:
    """Serve `server` at http://127.0.0.1:PORT/mcp until Ctrl-C (port 0: a free one)."""
    assert config.http_port is not None
    assert config.token is not None
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((HOST, config.http_port))
    port: int = listener.getsockname()[1]
    inner = server.streamable_http_app(host=HOST, streamable_http_path=PATH)
    app = Guard(inner, token=config.token, port=port)
    print(f"piapi mcp: listening on http://{HOST}:{port}{PATH}", file=sys.stderr)
    if config.token_generated:
        # The one line that shows a secret: the user needs it to configure the client.
        print(
            f"piapi mcp: bearer token (set {TOKEN_ENV} to choose it): {config.token}",
            file=sys.stderr,
        )
    sys.stderr.flush()
    settings = uvicorn.Config(app, log_level="warning", lifespan="on")
    await uvicorn.Server(settings).serve(sockets=[listener])
