"""``POST /api/ask``: one chat turn as plain JSON, without Gradio's queue and event stream.

The page's Gradio API (``/gradio_api/call/ask``) costs two HTTP requests and a server-sent event
stream per question, and about as much server CPU in Gradio's queue as the answer itself. This
route answers the same turn in one request:

    POST /api/ask  {"question": "...", "history": ["earlier question", ...],
                    "country": "...", "family": "...", "domain": "...", "polarity": "..."}
    200 → the object ``mgiassist ask --json`` prints (:meth:`mgiassist.answer.Answer.to_dict`)
    4xx/5xx → {"error": "one line"}

Only ``question`` is required. The turn runs on a worker thread, never on the event loop, at
most ``limit`` at once; the rest wait in FIFO order (:class:`anyio.CapacityLimiter`). Who may
ask is the caller's business (``authorised``): the page passes Gradio's own login check.

Needs the ``[ui]`` extra (FastAPI, which Gradio brings); nothing on the search path imports it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import anyio
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import JSONResponse

from mgiassist.errors import IndexError_, MgiassistError, QueryError
from mgiassist.search.query import MAX_QUERY_CHARS, validate_query

__all__ = [
    "ASK_PATH",
    "FILTER_FIELDS",
    "MAX_BODY_BYTES",
    "MAX_HISTORY",
    "AskRequest",
    "ask_route",
    "parse_ask",
]

log = logging.getLogger("mgiassist.page.http_api")

ASK_PATH = "/api/ask"
FILTER_FIELDS = ("country", "family", "domain", "polarity")
MAX_HISTORY = 50  # earlier questions accepted; the turn itself reads only the last few
# A full request is a question, its history and four filters: far below this. Larger bodies are
# refused before they are parsed.
MAX_BODY_BYTES = (MAX_HISTORY + 2) * MAX_QUERY_CHARS * 4


@dataclass(frozen=True)
class AskRequest:
    """A validated request: the question, earlier questions (oldest first), the filters."""

    question: str
    history: list[str] = field(default_factory=list)
    filters: dict[str, str | None] = field(default_factory=dict)


def _text(name: str, value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise QueryError(f"{name} must be a string, not {type(value).__name__}")
    return value


def parse_ask(body: Any) -> AskRequest:
    """The request a decoded JSON body describes, or :class:`QueryError` with one line saying
    what is wrong. Filter values are checked later, against the index, by the search itself."""
    if not isinstance(body, dict):
        raise QueryError('the body must be a JSON object such as {"question": "..."}')
    unknown = sorted(set(body) - {"question", "history", *FILTER_FIELDS})
    if unknown:
        allowed = ", ".join(("question", "history", *FILTER_FIELDS))
        raise QueryError(f"unknown field {unknown[0]!r}; the fields are {allowed}")
    question = _text("question", body.get("question"))
    if question is None:
        raise QueryError("the question is missing: send {\"question\": \"...\"}")
    validate_query(question)  # empty, over-long, control characters: refused before queueing
    history = body.get("history") or []
    if not isinstance(history, list) or not all(isinstance(h, str) for h in history):
        raise QueryError("history must be a list of earlier questions (strings), oldest first")
    if len(history) > MAX_HISTORY:
        raise QueryError(f"history holds {len(history)} questions; at most {MAX_HISTORY} are accepted")
    if any(len(h) > MAX_QUERY_CHARS for h in history):
        raise QueryError(f"an earlier question is over {MAX_QUERY_CHARS:,} characters long")
    filters = {name: (_text(name, body.get(name)) or "").strip() or None for name in FILTER_FIELDS}
    return AskRequest(question=question, history=list(history), filters=filters)


def _error(status: int, message: str) -> JSONResponse:
    line = " ".join(str(message).split()) or "error"
    return JSONResponse({"error": line}, status_code=status)


def _status_of(exc: MgiassistError) -> int:
    # No usable index is the server's state, not the caller's mistake.
    return 503 if isinstance(exc, IndexError_) else 400


def ask_route(
    answer: Callable[[AskRequest], dict[str, Any]],
    *,
    limit: int,
    authorised: Callable[[Request], bool | Awaitable[bool]] | None = None,
    path: str = ASK_PATH,
) -> APIRoute:
    """The ``POST`` route answering one turn with ``answer`` on a worker thread.

    ``answer`` raises :class:`MgiassistError` for what the caller can fix (unknown filter: 400)
    or what the server lacks (no index: 503); anything else is a 500 with one line, logged."""
    limiter = anyio.CapacityLimiter(max(1, limit))

    async def ask(request: Request) -> JSONResponse:
        if authorised is not None:
            allowed = authorised(request)
            if not isinstance(allowed, bool):
                allowed = await allowed
            if not allowed:
                return _error(401, "not logged in: POST /login with username and password first")
        raw = await request.body()
        if len(raw) > MAX_BODY_BYTES:
            return _error(413, f"the request body is over {MAX_BODY_BYTES:,} bytes")
        try:
            parsed = parse_ask(json.loads(raw or b"null"))
        except ValueError as exc:  # QueryError is a ValueError; so is malformed JSON
            message = str(exc) if isinstance(exc, QueryError) else "the body is not valid JSON"
            return _error(400, message)
        try:
            result = await anyio.to_thread.run_sync(answer, parsed, limiter=limiter)
        except MgiassistError as exc:
            return _error(_status_of(exc), str(exc))
        except Exception as exc:  # the caller gets one line; the log keeps the traceback
            log.exception("/api/ask failed")
            return _error(500, f"internal error: {type(exc).__name__}")
        return JSONResponse(result)

    return APIRoute(path, ask, methods=["POST"], name="mgiassist_ask", include_in_schema=True)
