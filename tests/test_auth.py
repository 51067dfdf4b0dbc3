"""MGIASSIST_AUTH: Gradio's own form login (POST /login sets a session cookie), not HTTP basic
auth. Without that cookie every route but the login page and static files is refused (the page's
LoginGuard, mgiassist.page.guard), `curl -u` gets 401 too, and failed logins are rate-limited
per client.

Starts `src/mgiassist/page/app.py` on a free loopback port over a small index built with the hashing test
embedder, so no model is loaded.
"""

from __future__ import annotations

import re
import time

import httpx
import pytest
from page_server import free_port, running_page

from mgiassist.embed.hashing import HashingEmbedder
from mgiassist.index import build_index
from mgiassist.page.guard import ANONYMOUS_PATHS, ANONYMOUS_PREFIXES, LoginLimiter

pytestmark = pytest.mark.slow

ASK = {"data": ["Can Cambodians vote from abroad?", [], "", "", "", ""]}


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    from conftest import SEED_CORPUS

    folder = tmp_path_factory.mktemp("auth") / "index"
    build_index(SEED_CORPUS, folder, embedder=HashingEmbedder(64), progress=False)
    return folder


@pytest.fixture(scope="module")
def page(index):
    with running_page(index, MGIASSIST_AUTH="alice:s3cret") as url:
        yield url


def test_api_and_config_are_refused_without_logging_in(page):
    for path in ("/config", "/gradio_api/info", "/gradio_api/openapi.json"):
        assert httpx.get(page + path).status_code == 401, path
    refused = httpx.post(page + "/gradio_api/call/ask", json=ASK)
    assert refused.status_code == 401 and refused.json()["detail"]["error"] == "Not authenticated"


def test_http_basic_auth_is_not_accepted(page):
    assert (
        httpx.post(page + "/gradio_api/call/ask", json=ASK, auth=("alice", "s3cret")).status_code
        == 401
    )


def test_wrong_password_is_refused(page):
    assert (
        httpx.post(page + "/login", data={"username": "alice", "password": "nope"}).status_code
        == 400
    )


def test_form_login_opens_the_api(page):
    with httpx.Client(base_url=page) as client:
        login = client.post("/login", data={"username": "alice", "password": "s3cret"})
        assert login.status_code == 200 and login.json() == {"success": True}
        event = client.post("/gradio_api/call/ask", json=ASK)
        assert event.status_code == 200
        stream = client.get(f"/gradio_api/call/ask/{event.json()['event_id']}", timeout=60).text
        assert "event: complete" in stream and "Cambodia" in stream


def test_openapi_runs_and_the_session_routes_are_refused_too(page):
    # these answered anonymous callers before the guard
    for path in ("/openapi.json", "/gradio_api/runs", "/gradio_api/app_id", "/gradio_api/token",
                 "/gradio_api/user", "/monitoring/x"):
        refused = httpx.get(page + path)
        assert refused.status_code == 401, path
        assert refused.json()["error"].startswith("not logged in")
    assert httpx.get(page + "/").status_code == 200  # the login form


def _routes(routes):
    for route in routes:
        if hasattr(route, "original_router"):  # an included APIRouter (Gradio's /gradio_api)
            yield from _routes(route.original_router.routes)
        elif hasattr(route, "path"):
            yield route


def test_every_route_of_the_app_refuses_anonymous_callers(index):
    # The page's real app, every route it has (Gradio's, FastAPI's, ours), path parameters filled
    # in: only the login page and static files answer without the login.
    from mgiassist.page.app import build_demo, launch_options, parse_args
    from mgiassist.page.core import Page

    page = Page(index)
    demo = build_demo(page)
    demo.queue()
    options = {**launch_options(parse_args(["--index", str(index)]), page),
               "server_port": free_port(), "auth": ("alice", "s3cret"),
               "prevent_thread_lock": True, "quiet": True}
    demo.launch(**options)
    answered, refused = [], 0
    try:
        with httpx.Client(base_url=demo.local_url.rstrip("/"), timeout=10) as http:
            for route in _routes(demo.app.routes):
                path = re.sub(r"\{[^}]+\}", "x", route.path)
                for method in sorted(getattr(route, "methods", None) or {"GET"}):
                    status = http.request(method, path).status_code
                    if status == 401:
                        refused += 1
                    elif not (path in ANONYMOUS_PATHS or path.startswith(ANONYMOUS_PREFIXES)):
                        answered.append((method, path, status))
            # logged in, the same client gets through
            assert http.post("/login", data={"username": "alice", "password": "s3cret"}).status_code == 200
            assert http.get("/openapi.json").status_code == 200
            assert http.get("/config").status_code == 200
    finally:
        demo.close()
    assert answered == []
    assert refused >= 50  # 70 with Gradio 6.31


def test_failed_logins_slow_down_and_the_right_password_works_afterwards(index):
    # 3 free failures, then a wait of 4 s (short for the test; 5 and 1 s doubling to 60 s by default)
    limits = {"MGIASSIST_LOGIN_ATTEMPTS": "3", "MGIASSIST_LOGIN_DELAY": "4", "MGIASSIST_LOGIN_MAX_DELAY": "4"}
    with running_page(index, MGIASSIST_AUTH="alice:s3cret", **limits) as url:
        wrong = {"username": "alice", "password": "nope"}
        right = {"username": "alice", "password": "s3cret"}
        assert [httpx.post(url + "/login", data=wrong).status_code for _ in range(3)] == [400] * 3
        started = time.monotonic()
        with httpx.Client(base_url=url) as guesser:
            statuses = [guesser.post("/login", data=wrong).status_code for _ in range(20)]
            # another address (X-Forwarded-For is trusted from the loopback) guessing the same
            # account, and another account guessed from this address: both wait as well
            statuses.append(guesser.post("/login", data=wrong, headers={"x-forwarded-for": "10.9.8.7"}).status_code)
            statuses.append(guesser.post("/login", data={"username": "bob", "password": "x"}).status_code)
        if time.monotonic() - started < 3.5:  # the wait has not passed: none was checked
            assert statuses == [429] * 22
        refused = httpx.post(url + "/login", data=right)  # the right password waits too
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
        assert "too many failed logins" in refused.json()["error"]
        assert httpx.post(url + "/login", files={"username": (None, "alice"), "password": (None, "s3cret")}
                          ).status_code == 429  # the multipart form the page's own login sends
        time.sleep(float(refused.headers["retry-after"]) + 0.1)
        with httpx.Client(base_url=url) as http:
            login = http.post("/login", data=right)
            assert login.status_code == 200 and login.json() == {"success": True}
            assert http.post("/gradio_api/call/ask", json=ASK).status_code == 200
        # a success clears the count: three more wrong passwords are checked again
        assert [httpx.post(url + "/login", data=wrong).status_code for _ in range(3)] == [400] * 3


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_wait_doubles_per_failure_up_to_the_limit_and_is_per_client():
    clock = _Clock()
    limiter = LoginLimiter(free_attempts=2, delay=1, max_delay=8, clock=clock)
    waits = []
    for _ in range(7):
        assert limiter.wait("a") == 0
        limiter.started("a")
        limiter.finished("a", False)
        waits.append(limiter.wait("a"))
        clock.now += waits[-1]
    assert waits == [0, 1, 2, 4, 8, 8, 8]
    limiter.started("a")
    limiter.finished("a", False)
    assert limiter.wait("a") > 0 and limiter.wait("b") == 0  # another client is not slowed
    clock.now += 8
    limiter.started("a")
    limiter.finished("a", True)
    assert limiter.wait("a") == 0


def test_parallel_guesses_over_the_budget_are_one_at_a_time():
    limiter = LoginLimiter(free_attempts=1, delay=1, clock=_Clock())
    limiter.started("a")
    assert limiter.wait("a") > 0  # a second guess while the first is being checked
    limiter.finished("a", None)  # a malformed form is no failure
    assert limiter.wait("a") == 0


def test_another_address_guessing_the_same_account_also_waits():
    clock = _Clock()
    limiter = LoginLimiter(free_attempts=1, delay=5, clock=clock)
    for key in ("client 10.0.0.1", "user alice"):
        limiter.started(key)
        limiter.finished(key, False)
    assert limiter.wait("client 10.0.0.2") == 0 and limiter.wait("user alice") == 5


def test_the_table_of_clients_is_bounded():
    limiter = LoginLimiter(capacity=3, clock=_Clock())
    for n in range(10):
        limiter.started(f"10.0.0.{n}")
        limiter.finished(f"10.0.0.{n}", False)
    assert len(limiter._clients) == 3
