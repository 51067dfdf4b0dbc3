"""``POST /api/ask``: one chat turn as plain JSON, without Gradio's queue and event stream.

The page's Gradio API (``/gradio_api/call/ask``) costs two HTTP requests and a server-sent event
stream per question, and about as much server CPU in Gradio's queue as the answer itself. This
route answers the same turn in one request:

    POST /api/ask  {"question": "...", "history": ["earlier question", ...],
                    "country": "...", "family": "...", "domain": "...", "polarity": "..."}
    200 → the object ``mgiassist ask --json`` prints (:meth:`mgiassist.answer.Answer.to_dict`)
    4xx/5xx → {"error": "one line"}

Only ``question`` is required. The body is read incrementally and refused with 413 as soon as
it passes :data:`MAX_BODY_BYTES` (a declared ``Content-Length`` over it is refused unread), so a
huge or endless chunked body costs at most that much memory; JSON nested too deeply, strings
holding lone surrogates and anything else malformed are a 400 with one line. The turn runs on a worker thread, never on the event loop, at
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
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse

from mgiassist.errors import IndexError_, MgiassistError, QueryError
from mgiassist.search.query import MAX_QUERY_CHARS, validate_query

__all__ = [
    "ASK_PATH",
    "FILTER_FIELDS",
    "MAX_BODY_BYTES",
    "MAX_HISTORY",
    "AskRequest",
    "BodyTooLarge",
    "ask_route",
    "decode_body",
    "parse_ask",
    "read_body",
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
    _no_surrogates(name, value)
    return value


def _no_surrogates(name: str, value: str) -> None:
    # A lone surrogate ("\udfff" in JSON) is no character: a reply echoing it cannot be encoded.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise QueryError(f"{name} contains a broken character (a lone UTF-16 surrogate)") from None


def _short(value: str, limit: int = 60) -> str:
    return value if len(value) <= limit else value[:limit] + "…"


def parse_ask(body: Any) -> AskRequest:
    """The request a decoded JSON body describes, or :class:`QueryError` with one line saying
    what is wrong. Filter values are checked later, against the index, by the search itself."""
    if not isinstance(body, dict):
        raise QueryError('the body must be a JSON object such as {"question": "..."}')
    unknown = sorted(set(body) - {"question", "history", *FILTER_FIELDS})
    if unknown:
        allowed = ", ".join(("question", "history", *FILTER_FIELDS))
        raise QueryError(f"unknown field {_short(unknown[0])!r}; the fields are {allowed}")
    question = _text("question", body.get("question"))
    if question is None:
        raise QueryError("the question is missing: send {\"question\": \"...\"}")
    validate_query(question)  # empty, over-long, control characters: refused before queueing
    history = body.get("history")
    history = [] if history is None else history  # not `or []`: 0, false and "" are refused too
    if not isinstance(history, list) or not all(isinstance(h, str) for h in history):
        raise QueryError("history must be a list of earlier questions (strings), oldest first")
    if len(history) > MAX_HISTORY:
        raise QueryError(f"history holds {len(history)} questions; at most {MAX_HISTORY} are accepted")
    if any(len(h) > MAX_QUERY_CHARS for h in history):
        raise QueryError(f"an earlier question is over {MAX_QUERY_CHARS:,} characters long")
    for h in history:
        _no_surrogates("history", h)
    filters = {name: (_text(name, body.get(name)) or "").strip() or None for name in FILTER_FIELDS}
    return AskRequest(question=question, history=list(history), filters=filters)


def _error(status: int, message: str) -> JSONResponse:
    line = " ".join(str(message).split()) or "error"
    return JSONResponse({"error": line}, status_code=status)


class BodyTooLarge(Exception):
    """The request body passed the limit; nothing beyond it was read."""


async def read_body(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
    """The request body, read chunk by chunk; :class:`BodyTooLarge` as soon as it passes
    ``limit`` bytes (or when ``Content-Length`` says it will), so memory stays bounded by
    ``limit`` whatever the client sends. ``ValueError`` for a malformed ``Content-Length``."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.strip().isdigit():
            raise ValueError("the Content-Length header is not a number")
        if int(declared) > limit:
            raise BodyTooLarge
    received = bytearray()
    async for chunk in request.stream():
        received += chunk
        if len(received) > limit:
            raise BodyTooLarge
    return bytes(received)


def decode_body(raw: bytes) -> Any:
    """The JSON value of a body; :class:`QueryError` with one line for anything else (not
    UTF-8, not JSON, nested so deep that the decoder gives up)."""
    try:
        return json.loads(raw or b"null")
    except RecursionError:  # e.g. 100,000 nested brackets, at the top or inside "history"
        raise QueryError("the body is nested too deeply (arrays or objects inside each other)") from None
    except ValueError:  # malformed JSON, or bytes that are not UTF-8
        raise QueryError("the body is not valid JSON") from None


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
        try:
            raw = await read_body(request)
        except BodyTooLarge:
            return _error(413, f"the request body is over {MAX_BODY_BYTES:,} bytes")
        except ValueError as exc:
            return _error(400, str(exc))
        except ClientDisconnect:
            return _error(400, "the client closed the connection before the body ended")
        try:
            parsed = parse_ask(decode_body(raw))
        except QueryError as exc:
            return _error(400, str(exc))
        try:
            result = await anyio.to_thread.run_sync(answer, parsed, limiter=limiter)
            return JSONResponse(result)  # rendered here: a reply that cannot be encoded is a 500 too
        except MgiassistError as exc:
            return _error(_status_of(exc), str(exc))
        except Exception as exc:  # the caller gets one line; the log keeps the traceback
            log.exception("/api/ask failed")
            return _error(500, f"internal error: {type(exc).__name__}")

    return APIRoute(path, ask, methods=["POST"], name="mgiassist_ask", include_in_schema=True)
