"""MGIASSIST_AUTH: Gradio's own form login (POST /login sets a session cookie), not HTTP basic
auth. Without that cookie the API and the page's config are refused, and `curl -u` gets 401 too.

Starts `src/mgiassist/page/app.py` on a free loopback port over a small index built with the hashing test
embedder, so no model is loaded.
"""

from __future__ import annotations

import httpx
import pytest
from page_server import running_page

from mgiassist.embed.hashing import HashingEmbedder
from mgiassist.index import build_index

pytestmark = pytest.mark.slow

ASK = {"data": ["Can Cambodians vote from abroad?", [], "", "", "", ""]}


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    from conftest import SEED_CORPUS

    index = tmp_path_factory.mktemp("auth") / "index"
    build_index(SEED_CORPUS, index, embedder=HashingEmbedder(64), progress=False)
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
