"""The chat page in headless Chromium: the real server, the real model, the seed profiles.

One server (with its own index built from corpus/ into a temporary folder) serves the whole
module; it is always terminated at the end. Chromium is Debian's /usr/bin/chromium, which
`make test` installs with apt-get; when it is missing these tests fail with that message
instead of skipping, so a CI run without a browser never passes silently.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STARTUP_SECONDS = 240  # model load + index build on a slow CI machine; not an assertion
ANSWER_MS = 120_000  # a generous wait for a loaded CI machine, not a speed assertion


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"the page exited with {process.returncode}:\n{log.read_text()[-3000:]}"
            )
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"the page did not answer at {url}:\n{log.read_text()[-3000:]}")


@contextlib.contextmanager
def _running_page(index: Path, log: Path) -> Iterator[str]:
    """The real page on a free loopback port, serving ``index``; always stopped afterwards."""
    port = _free_port()
    env = {
        **os.environ,
        "GRADIO_SERVER_NAME": "127.0.0.1",
        "GRADIO_SERVER_PORT": str(port),
        "GRADIO_ANALYTICS_ENABLED": "False",
        "MGIASSIST_AUTH": "",
    }
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, str(REPO / "ui" / "app.py"), "--index", str(index)],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_until_up(url, process, log)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("ui")
    index = root / "index"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "mgiassist.cli",
            "index",
            "--corpus",
            str(REPO / "corpus"),
            "--index",
            str(index),
        ],
        check=True,
        cwd=REPO,
    )
    with _running_page(index, root / "server.log") as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's Chromium "
            "(`sudo apt-get install -y chromium`, which `make test` runs)",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture()
def page(browser, server):
    context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(ANSWER_MS)
    page.goto(server)
    page.locator("#mgi-question textarea").wait_for()
    try:
        yield page
    finally:
        context.close()


def _ask(page, question: str) -> None:
    before = page.locator("#mgi-chat .mgi-answer, #mgi-chat .mgi-error").count()
    box = page.locator("#mgi-question textarea")
    box.fill(question)
    page.locator("#mgi-send").click()
    page.locator("#mgi-chat .mgi-answer, #mgi-chat .mgi-error").nth(before).wait_for()


def _last_reply(page):
    return page.locator("#mgi-chat .mgi-answer, #mgi-chat .mgi-error").last


def _pick(page, elem_id: str, option: str) -> None:
    page.locator(f"#{elem_id} input").click()
    page.get_by_role("option", name=option, exact=True).click()


def test_answer_cites_a_profile_with_footnote_link_and_follow_up(page) -> None:
    _ask(page, "Can Cambodians vote from abroad?")
    reply = _last_reply(page)
    assert "[1]" in reply.locator(".mgi-short").inner_text()
    citations = reply.locator(".mgi-cite").all_inner_texts()
    assert any(
        "Diaspora engagement mapping" in c or "MGI profile" in c and "Migrants' rights" in c
        for c in citations
    ), citations
    assert reply.locator("mark.answer-sentence").count() >= 1
    # Every marker in the answer points to a passage that is shown.
    markers = {m.strip("[]") for m in reply.locator(".mgi-marker").all_inner_texts()}
    shown = {c.split("]")[0].strip("[") for c in citations}
    assert markers and markers <= shown
    links = reply.locator("a.mgi-source")
    assert links.count() >= 1
    assert links.first.get_attribute("href").startswith("http")

    _ask(page, "What about migrant resource centres there?")
    reply = _last_reply(page)
    assert "Searched for:" in reply.inner_text()
    assert "Cambodia" in reply.locator(".mgi-searched").inner_text()
    text = reply.inner_text().lower()
    assert "resource centre" in text
    assert any(
        c.startswith("[") and "Cambodia" in c for c in reply.locator(".mgi-cite").all_inner_texts()
    )

    # Citations live in the browser's session storage, so a reload shows the same conversation.
    page.reload()
    page.locator("#mgi-chat .mgi-answer").nth(1).wait_for()
    assert page.locator("#mgi-chat .mgi-cite").count() >= 2


def test_country_filter_and_source_viewer(page) -> None:
    _pick(page, "mgi-country", "Cambodia")
    _pick(page, "mgi-polarity", "further-development")
    _ask(page, "What are the gaps in migrants' rights?")
    reply = _last_reply(page)
    cites = reply.locator(".mgi-cite").all_inner_texts()
    assert cites and all("Cambodia" in c for c in cites)

    reply.locator(".mgi-cite").first.click()
    viewer = page.locator("#mgi-viewer")
    viewer.locator(".mgi-target").wait_for()
    assert "Section" in viewer.locator(".mgi-viewer-meta").inner_text()
    assert viewer.locator(".mgi-target mark.answer-sentence").count() >= 1
    sections = viewer.locator(".mgi-chunk").count()

    page.locator("#mgi-whole-profile").click()
    page.wait_for_function(
        "n => document.querySelectorAll('#mgi-viewer .mgi-chunk').length > n", arg=sections
    )
    assert "Whole profile" in viewer.locator(".mgi-viewer-meta").inner_text()
    assert viewer.locator(".mgi-target").count() == 1


def test_compare_countries_with_csv(page) -> None:
    page.get_by_role("tab", name="Compare countries").click()
    page.locator("#mgi-compare-q textarea").fill("Can citizens vote from abroad?")
    page.locator("#mgi-compare-btn").click()
    link = page.locator("#mgi-compare-file a").first
    link.wait_for()
    assert "Cambodia" in page.locator("#mgi-compare-table").inner_text()
    with page.expect_download() as info:
        link.click()
    rows = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8"))))
    assert [r["country"] for r in rows] == ["Cambodia"]
    assert rows[0]["citation"].startswith("Cambodia ·") or rows[0]["answer"] == "no passage found"


def test_export_holds_answers_and_citations(page) -> None:
    _ask(page, "What are the obstacles to diaspora engagement?")
    page.locator("#mgi-export-json").click()
    link = page.locator("#mgi-export-file a").first
    link.wait_for()
    with page.expect_download() as info:
        link.click()
    data = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
    last = data["turns"][-1]
    assert last["question"] == "What are the obstacles to diaspora engagement?"
    assert last["citations"] and all(c["label"].startswith("Cambodia ·") for c in last["citations"])
    assert f"[{last['citations'][0]['marker']}]" in last["answer"]

    page.locator("#mgi-export-md").click()
    page.locator('#mgi-export-file td.filename[aria-label$=".md"]').wait_for()
    with page.expect_download() as info:
        page.locator("#mgi-export-file a").first.click()
    markdown = Path(info.value.path()).read_text(encoding="utf-8")
    assert "What are the obstacles to diaspora engagement?" in markdown
    assert last["citations"][0]["label"] in markdown


def test_bad_input_gives_a_clear_message_and_the_server_stays_up(page, server) -> None:
    _ask(page, "   ")
    assert "empty" in _last_reply(page).inner_text()
    long = "migration " * 10_000  # 100,000 characters
    page.locator("#mgi-question textarea").evaluate(
        "(box, v) => { box.value = v; box.dispatchEvent(new Event('input', {bubbles: true})); }",
        long,
    )
    before = page.locator("#mgi-chat .mgi-error").count()
    page.locator("#mgi-send").click()
    page.locator("#mgi-chat .mgi-error").nth(before).wait_for()
    assert "limit is 2,000" in _last_reply(page).inner_text()
    with urllib.request.urlopen(server, timeout=10) as response:
        assert response.status == 200
    _ask(page, "Can Cambodians vote from abroad?")
    assert _last_reply(page).locator(".mgi-cite").count() >= 1


def test_api_returns_answer_with_citations(server) -> None:
    from gradio_client import Client

    client = Client(server, verbose=False)
    first = client.predict("Can Cambodians vote from abroad?", api_name="/ask")
    assert first["citations"] and f"[{first['citations'][0]['marker']}]" in first["answer"]
    assert first["citations"][0]["label"].startswith("Cambodia ·")
    follow = client.predict(
        "What about migrant resource centres there?",
        ["Can Cambodians vote from abroad?"],
        api_name="/ask",
    )
    assert follow["contextualised"] and any(
        "resource centre" in c["text"].lower() for c in follow["citations"]
    )
    assert "empty" in client.predict("", api_name="/ask")["error"]
    rows = client.predict("Can citizens vote from abroad?", api_name="/compare")["rows"]
    assert [r["country"] for r in rows] == ["Cambodia"]


def test_missing_index_shows_a_clear_message(browser, tmp_path) -> None:
    with _running_page(tmp_path / "no-index", tmp_path / "missing.log") as url:
        context = browser.new_context()
        page = context.new_page()
        page.set_default_timeout(ANSWER_MS)
        page.goto(url)
        assert "is missing" in page.locator("#mgi-index-error").inner_text()
        _ask(page, "Can Cambodians vote from abroad?")
        assert "mgiassist index" in _last_reply(page).inner_text()
        context.close()


def test_evaluate_tab_scores_a_shipped_question_set(page) -> None:
    page.get_by_role("tab", name="Evaluate").click()
    # the first shipped set is chosen already; picking it again would unselect it
    assert "cambodia-seeds.jsonl" in page.locator("#mgi-eval-sets").inner_text()
    retrievers = page.locator("#mgi-eval-retrievers textarea, #mgi-eval-retrievers input").first
    retrievers.fill("bm25,hybrid")  # the baseline would re-embed the corpus: slow, and not under test here
    page.locator("#mgi-eval-run").click()
    headline = page.locator("#mgi-eval-headline")
    headline.get_by_text("hybrid").first.wait_for()
    text = headline.inner_text()
    assert "92 questions" in text and "hit@1" in text.lower()
    assert page.locator("#mgi-eval-plot img").count() == 1
    link = page.locator("#mgi-eval-download a").first
    link.wait_for()
    with page.expect_download() as info:
        link.click()
    import zipfile

    names = zipfile.ZipFile(info.value.path()).namelist()
    assert {"report.md", "metrics.json", "plot.png"} <= set(names)
