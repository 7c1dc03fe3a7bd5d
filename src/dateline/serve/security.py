"""Request-size limit, security headers and bearer tokens.

The middlewares are plain ASGI (not Starlette's BaseHTTPMiddleware) so that they add almost
nothing to each request and can stop an oversized body while it streams in.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import HTTPException, Request

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class BodyTooLarge(Exception):
    pass


class BodySizeLimit:
    """Answers 413 for a request whose body is over `limit` bytes: at once when its
    Content-Length says so, else as soon as the streamed (chunked) body passes the limit."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = _header(scope, b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            await _json_error(send, 413, f"request body over {self.limit} bytes")
            return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise BodyTooLarge
            return message

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, tracked)
        except BodyTooLarge:
            if not started:
                await _json_error(send, 413, f"request body over {self.limit} bytes")


def csp(tile_origin: str | None, docs: bool = False) -> str:
    """A strict Content-Security-Policy: scripts, styles, data only from this server (and map
    tiles from the configured tile server). Article text can never run as code here even if
    it were ever put into the page as markup. The API docs page (Swagger UI) sets inline
    style attributes, so only it may use inline styles; scripts stay 'self' everywhere."""
    img = "'self' data:" + (f" {tile_origin}" if tile_origin else "")
    style = "'self' 'unsafe-inline'" if docs else "'self'"
    return (f"default-src 'none'; script-src 'self'; style-src {style}; img-src {img}; "
            "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; "
            "frame-ancestors 'none'")


class SecurityHeaders:
    """Adds CSP and the usual hardening headers to every response."""

    def __init__(self, app: ASGIApp, tile_origin: str | None) -> None:
        self.app = app
        common = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"),
                  (b"x-frame-options", b"DENY")]
        self.page = [*common, (b"content-security-policy", csp(tile_origin).encode())]
        self.docs = [*common, (b"content-security-policy", csp(tile_origin, True).encode())]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = self.docs if scope["path"].startswith("/api/docs") else self.page

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, with_headers)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin-1").strip()
    return None


async def _json_error(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


def bearer(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    scheme, _, token = auth.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def check_token(request: Request, expected: str, what: str) -> None:
    """401 without a token, 403 with a wrong one; constant-time comparison."""
    given = bearer(request)
    if given is None:
        raise HTTPException(401, f"{what} needs a token: send 'Authorization: Bearer TOKEN'",
                            headers={"WWW-Authenticate": "Bearer"})
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise HTTPException(403, f"wrong token for {what}")
