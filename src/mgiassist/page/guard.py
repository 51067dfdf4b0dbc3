"""The page's login guard: with a login set (``MGIASSIST_AUTH``), every route but the login page
and static assets refuses anonymous callers, and failed logins are rate-limited per client.

Gradio checks its login only on the routes it marks (``/config``, ``/gradio_api/call/…``);
FastAPI's ``/openapi.json``, ``/gradio_api/runs`` and others answered anyone. :class:`LoginGuard`
is an ASGI middleware on the page's app (passed as FastAPI's own ``middleware`` argument, so it
wraps every route, Gradio's and ours): a request passes when the page has no login, when its path
is on the short anonymous list (:data:`ANONYMOUS_PATHS`, :data:`ANONYMOUS_PREFIXES`), or when it
carries the session cookie ``POST /login`` set. Anything else is a 401 with one line.

``POST /login`` itself is counted per client address and per user name: after
``free_attempts`` failures in a row each further attempt must wait ``delay`` seconds, doubling
with every failure up to ``max_delay``; one that comes earlier is answered 429 with
``Retry-After`` and never reaches the password check, so the right password does not help during
the wait either. A successful login clears both counts. The user name's count stops a client
that changes its address (uvicorn trusts ``X-Forwarded-For`` from the loopback); it also means
someone guessing a user's password delays that user's own login by at most ``max_delay``.

Needs Starlette (the ``[ui]`` extra).
"""

from __future__ import annotations

import inspect
import json
import math
import os
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = [
    "ANONYMOUS_PATHS",
    "ANONYMOUS_PREFIXES",
    "LoginGuard",
    "LoginLimiter",
    "guard_options",
    "logged_in",
    "max_body_bytes",
]

LOGIN_PATHS = frozenset({"/login", "/login/"})
# What the login form needs before anyone has logged in: the page (which shows the form when
# the caller is anonymous), the form's POST, logging out, and static files.
ANONYMOUS_PATHS = frozenset({
    "/", "/login", "/login/", "/logout", "/favicon.ico", "/theme.css", "/gradio_api/theme.css",
    "/manifest.json", "/robots.txt", "/gradio_api/login_check", "/gradio_api/login_check/",
    "/gradio_api/startup-events",  # Gradio calls it itself once the server is up
})
ANONYMOUS_PREFIXES = ("/assets/", "/static/", "/svelte/", "/pwa_icon")


def _now() -> float:
    return time.monotonic()


@dataclass
class _Client:
    failures: int = 0
    not_before: float = 0.0  # monotonic time before which another attempt is refused
    in_flight: int = 0
    last_seen: float = 0.0


class LoginLimiter:
    """Failed logins per client: ``free_attempts`` failures, then a wait of ``delay`` seconds
    doubling with each failure up to ``max_delay``. Keeps at most ``capacity`` clients (the
    least recently seen are forgotten first)."""

    def __init__(
        self,
        free_attempts: int = 5,
        delay: float = 1.0,
        max_delay: float = 60.0,
        capacity: int = 10_000,
        clock: Callable[[], float] = _now,
    ) -> None:
        self.free_attempts = max(0, free_attempts)
        self.delay = max(0.0, delay)
        self.max_delay = max(self.delay, max_delay)
        self.capacity = max(1, capacity)
        self.clock = clock
        self._clients: OrderedDict[str, _Client] = OrderedDict()

    def wait(self, client: str) -> float:
        """Seconds ``client`` must still wait before its next attempt (0: it may try now)."""
        state = self._clients.get(client)
        if state is None:
            return 0.0
        now = self.clock()
        if now < state.not_before:
            return state.not_before - now
        # over the free budget, one attempt at a time: parallel guesses would all pass the clock
        if state.in_flight and state.failures + state.in_flight >= self.free_attempts:
            return max(self.delay, 0.001)
        return 0.0

    def started(self, client: str) -> None:
        state = self._state(client)
        state.in_flight += 1

    def finished(self, client: str, success: bool | None) -> None:
        """An attempt ended: ``True`` logged in, ``False`` a wrong password, ``None`` neither
        (malformed form, server error)."""
        state = self._state(client)
        state.in_flight = max(0, state.in_flight - 1)
        if success:
            state.failures, state.not_before = 0, 0.0
        elif success is False:
            state.failures += 1
            over = state.failures - self.free_attempts
            if over >= 0:
                wait = min(self.max_delay, self.delay * (2 ** min(over, 60)))
                state.not_before = self.clock() + wait

    def _state(self, client: str) -> _Client:
        state = self._clients.pop(client, None) or _Client()
        state.last_seen = self.clock()
        self._clients[client] = state  # most recently seen last
        while len(self._clients) > self.capacity:
            self._clients.popitem(last=False)
        return state


def guard_options() -> dict[str, Any]:
    """:class:`LoginGuard`'s settings from the environment: ``MGIASSIST_LOGIN_ATTEMPTS``
    (failures before the wait starts, default 5), ``MGIASSIST_LOGIN_DELAY`` (first wait in
    seconds, default 1; it doubles) and ``MGIASSIST_LOGIN_MAX_DELAY`` (default 60)."""

    def number(name: str, default: float) -> float:
        raw = os.environ.get(name, "").strip()
        if not raw:
            return default
        try:
            value = float(raw)
        except ValueError:
            raise SystemExit(f"{name} must be a number, not {raw!r}") from None
        if not math.isfinite(value) or value < 0:
            raise SystemExit(f"{name} must be a number ≥ 0, not {raw!r}")
        return value

    return {
        "free_attempts": int(number("MGIASSIST_LOGIN_ATTEMPTS", 5)),
        "delay": number("MGIASSIST_LOGIN_DELAY", 1.0),
        "max_delay": number("MGIASSIST_LOGIN_MAX_DELAY", 60.0),
    }


def max_body_bytes() -> int:
    """The largest request body the page reads, for any route (FastAPI's ``max_body_size``):
    ``MGIASSIST_MAX_BODY_MB`` megabytes, 16 by default (a question set upload is a few KB, a
    Gradio event with a long conversation well under 1 MB). Larger bodies are a 413."""
    raw = os.environ.get("MGIASSIST_MAX_BODY_MB", "").strip() or "16"
    try:
        megabytes = float(raw)
    except ValueError:
        raise SystemExit(f"MGIASSIST_MAX_BODY_MB must be a number, not {raw!r}") from None
    if not math.isfinite(megabytes) or megabytes <= 0:
        raise SystemExit(f"MGIASSIST_MAX_BODY_MB must be a number > 0, not {raw!r}")
    return int(megabytes * 1024 * 1024)


async def logged_in(app: Any, cookies: dict[str, str], request: Any = None) -> bool:
    """Gradio's own check (its ``/gradio_api/login_check``): with a login set, the session
    cookie from ``POST /login`` must name a live session. ``app`` is the page's Gradio app."""
    if getattr(app, "auth", None) is None and getattr(app, "auth_dependency", None) is None:
        return True
    if getattr(app, "auth_dependency", None) is not None and request is not None:
        user = app.auth_dependency(request)
        if inspect.isawaitable(user):
            user = await user
        return user is not None
    cookie_id = getattr(app, "cookie_id", None)
    token = cookies.get(f"access-token-{cookie_id}") or cookies.get(f"access-token-unsecure-{cookie_id}")
    return token is not None and getattr(app, "tokens", {}).get(token) is not None


def _route_path(scope: dict) -> str:
    """The path as the app's routes see it: without the ``root_path`` a proxy mounts it under."""
    path, root = scope.get("path", ""), scope.get("root_path", "") or ""
    if root and (path == root or path.startswith(root + "/")):
        return path[len(root):] or "/"
    return path or "/"


def _anonymous(path: str) -> bool:
    return path in ANONYMOUS_PATHS or path.startswith(ANONYMOUS_PREFIXES)


class LoginGuard:
    """ASGI middleware: see the module's description."""

    def __init__(self, app: Any, **limits: Any) -> None:
        self.app = app
        self.limiter = LoginLimiter(**limits)

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        from starlette.requests import HTTPConnection

        page = scope.get("app")
        if getattr(page, "auth", None) is None and getattr(page, "auth_dependency", None) is None:
            await self.app(scope, receive, send)
            return
        path = _route_path(scope)
        if scope["type"] == "http" and path in LOGIN_PATHS and scope.get("method") == "POST":
            await self._login(scope, receive, send)
            return
        if _anonymous(path) or await logged_in(page, HTTPConnection(scope).cookies, HTTPConnection(scope)):
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        await _json(send, 401, {
            "error": "not logged in: POST /login with username and password first",
            "detail": {"error": "Not authenticated"},  # the shape Gradio's own refusals have
        })

    async def _login(self, scope: dict, receive: Callable, send: Callable) -> None:
        body = await _read_upto(receive, LOGIN_BODY_BYTES)
        if body is None:
            await _json(send, 413, {"error": f"the login form is over {LOGIN_BODY_BYTES:,} bytes"})
            return
        replay = _replay(body)
        client = "client " + (scope.get("client") or ("unknown", 0))[0]
        # the account too: a client that changes address (X-Forwarded-For is trusted from the
        # loopback) still meets the limit of the account it is guessing
        user = "user " + (await _username(scope, body)).strip().lower()
        keys = (client, user)
        wait = max(self.limiter.wait(key) for key in keys)
        if wait > 0:
            seconds = max(1, math.ceil(wait))
            await _json(
                send, 429,
                {"error": f"too many failed logins; try again in {seconds} s",
                 "detail": "Too many failed logins."},
                headers=[(b"retry-after", str(seconds).encode())],
            )
            return
        status: list[int] = []

        async def watch(message: dict) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])
            await send(message)

        for key in keys:
            self.limiter.started(key)
        try:
            await self.app(scope, replay, watch)
        finally:
            code = status[0] if status else 500
            for key in keys:
                self.limiter.finished(key, True if code < 300 else False if code == 400 else None)


LOGIN_BODY_BYTES = 64 * 1024  # a user name and a password, urlencoded or multipart


async def _read_upto(receive: Callable, limit: int) -> bytes | None:
    """The request body, or None once it passes ``limit`` bytes."""
    body = bytearray()
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        body += message.get("body", b"")
        if len(body) > limit:
            return None
        if not message.get("more_body", False):
            break
    return bytes(body)


def _replay(body: bytes) -> Callable:
    """A ``receive`` that hands ``body`` to the app once, then waits for the disconnect."""
    sent = False

    async def receive() -> dict:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive


async def _username(scope: dict, body: bytes) -> str:
    """The form's ``username`` ("" when the form cannot be read: the login refuses it anyway)."""
    from starlette.requests import Request

    try:
        form = await Request(scope, _replay(body)).form()
        name = form.get("username")
        return name if isinstance(name, str) else ""
    except Exception:  # noqa: BLE001 (a malformed form is the login's to refuse, not ours)
        return ""


async def _json(send: Callable, status: int, body: dict, headers: list | None = None) -> None:
    payload = json.dumps(body).encode()
    await send({
        "type": "http.response.start",
        "status": status,
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(payload)).encode()),
            *(headers or []),
        ],
    })
    await send({"type": "http.response.body", "body": payload})
