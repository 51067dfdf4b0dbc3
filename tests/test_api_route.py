"""``POST /api/ask`` (mgiassist.page.http_api, wired in src/mgiassist/page/app.py): the page's lean JSON route.

The route answers with exactly what ``mgiassist ask --json`` prints, refuses bad input with a
4xx and one line, runs at most ``limit`` turns at once, and sits behind the page's login.
The in-process tests use the page's own route over an index built with the hashing test
embedder (no model is loaded); the login test starts ``src/mgiassist/page/app.py`` in a subprocess.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from page_server import free_port, running_page

from mgiassist.embed.hashing import HashingEmbedder
from mgiassist.errors import FilterError
from mgiassist.index import build_index
from mgiassist.page.http_api import ASK_PATH, AskRequest, ask_route, parse_ask

QUESTION = "Can Cambodians vote from abroad?"
STATES = {"answered", "partial", "not_covered"}


@pytest.fixture(scope="module")
def hashing_index(tmp_path_factory) -> Path:
    from conftest import SEED_CORPUS

    index = tmp_path_factory.mktemp("api") / "index"
    build_index(SEED_CORPUS, index, embedder=HashingEmbedder(64), progress=False)
    return index


@pytest.fixture(scope="module")
def client(hashing_index):
    from mgiassist.page.app import lean_ask_route
    from mgiassist.page.core import Page

    page = Page(hashing_index)
    assert page.error is None
    return TestClient(FastAPI(routes=[lean_ask_route(page, limit=2)]))


def test_the_answer_is_what_ask_json_prints(client, hashing_index):
    from click.testing import CliRunner

    from mgiassist.cli.main import main

    history = ["What does the Thailand MoU cover?"]
    response = client.post(ASK_PATH, json={"question": QUESTION, "history": history})
    assert response.status_code == 200
    printed = CliRunner().invoke(
        main, ["ask", QUESTION, "--index", str(hashing_index), "--history", history[0], "--json"]
    )
    assert printed.exit_code == 0, printed.output
    assert response.json() == json.loads(printed.output)


def test_the_contract_keys_state_and_citations(client):
    body = client.post(ASK_PATH, json={"question": QUESTION, "country": "Cambodia"}).json()
    assert {"question", "state", "answer", "citations", "abstained", "filters", "nearest"} <= set(body)
    assert body["question"] == QUESTION
    assert body["state"] in STATES
    assert body["filters"] == {"country": "Cambodia"}
    for citation in body["citations"]:
        assert {"marker", "chunk_id", "label", "text", "highlights"} <= set(citation)
    if body["state"] == "answered":
        assert body["citations"] and f"[{body['citations'][0]['marker']}]" in body["answer"]


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({"question": ""}, "empty"),
        ({"question": "x" * 5000}, "limit"),
        ({}, "missing"),
        ({"question": 3}, "must be a string"),
        ({"question": QUESTION, "history": "not a list"}, "history"),
        ({"question": QUESTION, "colour": "red"}, "unknown field 'colour'"),
        ({"question": QUESTION, "family": "nonsense"}, "unknown family"),
        ({"question": QUESTION, "country": "Atlantis"}, "unknown country"),
        ([QUESTION], "JSON object"),
    ],
)
def test_bad_input_is_a_400_with_one_line(client, body, says):
    response = client.post(ASK_PATH, json=body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert says in error and "\n" not in error and "Traceback" not in error


def test_a_body_that_is_not_json_is_a_400(client):
    response = client.post(ASK_PATH, content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 400 and response.json() == {"error": "the body is not valid JSON"}


def test_parse_ask_reads_filters_and_drops_empty_ones():
    parsed = parse_ask({"question": "q?", "history": ["a"], "country": " Cambodia ", "family": ""})
    assert parsed == AskRequest(
        "q?", ["a"], {"country": "Cambodia", "family": None, "domain": None, "polarity": None}
    )


def _app(answer, limit: int = 1) -> FastAPI:
    return FastAPI(routes=[ask_route(answer, limit=limit)])


def test_a_missing_index_is_a_503_and_a_crash_a_500_one_line():
    from mgiassist.errors import IndexMissingError

    def no_index(request: AskRequest):
        raise IndexMissingError("the search index at idx is missing")

    def crash(request: AskRequest):
        raise KeyError("internal detail")

    missing = TestClient(_app(no_index)).post(ASK_PATH, json={"question": QUESTION})
    assert missing.status_code == 503 and missing.json() == {"error": "the search index at idx is missing"}
    crashed = TestClient(_app(crash)).post(ASK_PATH, json={"question": QUESTION})
    assert crashed.status_code == 500 and crashed.json() == {"error": "internal error: KeyError"}


def test_a_filter_error_from_the_search_is_a_400():
    def refuse(request: AskRequest):
        raise FilterError(f"unknown domain {request.filters['domain']!r}")

    response = TestClient(_app(refuse)).post(ASK_PATH, json={"question": QUESTION, "domain": "zz"})
    assert response.status_code == 400 and response.json() == {"error": "unknown domain 'zz'"}


@pytest.mark.parametrize("limit", [1, 3])
def test_at_most_limit_turns_run_at_once_off_the_event_loop(limit):
    running, peak, loop_threads = 0, 0, set()
    lock = threading.Lock()

    def answer(request: AskRequest):
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        time.sleep(0.05)
        with lock:
            running -= 1
        return {"question": request.question, "thread": threading.get_ident()}

    async def ask_many() -> list[httpx.Response]:
        loop_threads.add(threading.get_ident())
        transport = httpx.ASGITransport(app=_app(answer, limit))
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            return await asyncio.gather(
                *(http.post(ASK_PATH, json={"question": f"question {n}?"}) for n in range(8))
            )

    responses = asyncio.run(ask_many())
    assert [r.status_code for r in responses] == [200] * 8
    assert peak == limit
    assert not loop_threads & {r.json()["thread"] for r in responses}


@pytest.mark.slow
def test_with_auth_on_the_route_needs_the_page_login(hashing_index):
    with running_page(hashing_index, MGIASSIST_AUTH="alice:s3cret") as url:
        refused = httpx.post(url + ASK_PATH, json={"question": QUESTION})
        assert refused.status_code == 401 and "log" in refused.json()["error"]
        assert httpx.post(url + ASK_PATH, json={"question": QUESTION}, auth=("alice", "s3cret")).status_code == 401
        with httpx.Client(base_url=url) as http:
            assert http.post("/login", data={"username": "alice", "password": "s3cret"}).status_code == 200
            answered = http.post(ASK_PATH, json={"question": QUESTION})
            assert answered.status_code == 200 and answered.json()["state"] in STATES


@pytest.mark.slow
def test_the_page_keeps_at_most_session_capacity_sessions(hashing_index):
    # Every API call without a session is a session of its own; Gradio kept 10,000 of them by
    # default (~125 KB each), so the server's memory grew with every request.
    from mgiassist.page.app import build_demo, launch_options, parse_args
    from mgiassist.page.core import Page

    args = parse_args(["--index", str(hashing_index), "--session-capacity", "3"])
    page = Page(hashing_index)
    demo = build_demo(page)
    demo.queue()
    options = {**launch_options(args, page), "server_port": free_port(), "auth": None,
               "prevent_thread_lock": True, "quiet": True}
    demo.launch(**options)
    try:
        with httpx.Client(base_url=demo.local_url.rstrip("/"), timeout=60) as http:
            for n in range(8):
                posted = http.post("/gradio_api/call/ask", json={"data": [f"{QUESTION} ({n})", [], "", "", "", ""]})
                event = posted.json()["event_id"]
                streamed = http.get(f"/gradio_api/call/ask/{event}").text
                assert "event: complete" in streamed
        assert 1 <= len(demo.state_holder.session_data) <= 3
    finally:
        demo.close()


@pytest.mark.slow
def test_every_route_refuses_a_body_over_the_page_limit(hashing_index):
    # Gradio's JSON routes read a body whole (300 MB took the server from 268 MB to 1.1 GB, and
    # kept it); the page passes FastAPI's max_body_size, 1 MB here (MGIASSIST_MAX_BODY_MB).
    def chunks(megabytes: int):
        for _ in range(megabytes):
            yield b" " * (1 << 20)

    with running_page(hashing_index, MGIASSIST_MAX_BODY_MB="1") as url:
        for path in ("/gradio_api/call/ask", "/gradio_api/queue/join", ASK_PATH):
            refused = httpx.post(url + path, content=chunks(8), headers={"content-type": "application/json"},
                                 timeout=60)
            assert refused.status_code == 413, (path, refused.text[:200])
        assert httpx.post(url + ASK_PATH, json={"question": QUESTION}, timeout=60).status_code == 200
