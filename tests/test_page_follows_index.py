"""The page follows its index: after a rebuild adds a country, an open page's first screen (the
list of indexed profiles, the country filter, the example questions) shows it within seconds,
and so does any new load — without restarting the server.

The index is built with the hashing embedder (no model load), the page is the real server in
headless Chromium (Debian's /usr/bin/chromium, which `make test` installs).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import SEED_CORPUS
from page_server import running_page

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
WAIT_MS = 90_000  # a reload plus the page's poll on a loaded CI machine; not a speed assertion


def _build(corpus: Path, index: Path) -> None:
    from mgiassist.embed.hashing import HashingEmbedder
    from mgiassist.index import build_index

    build_index(corpus, index, embedder=HashingEmbedder(64), progress=False)


def _countries(page) -> list[str]:
    page.locator("#mgi-country input").click()
    options = page.locator("ul[role='listbox'] li").all_inner_texts()
    page.keyboard.press("Escape")
    return [o.strip() for o in options]


def test_an_open_page_and_a_new_load_follow_a_rebuilt_index(tmp_path: Path):
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium", pytrace=False)
    from playwright.sync_api import expect, sync_playwright

    from mgiassist.evaluate.lookalike import generate_corpus

    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    for path in SEED_CORPUS.glob("*.txt"):
        shutil.copy2(path, corpus / path.name)
    _build(corpus, index)
    with running_page(index) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()
            page.goto(url)
            intro = page.locator("#mgi-intro")
            expect(intro).to_contain_text("Cambodia", timeout=WAIT_MS)
            assert "Ghana" not in intro.inner_text()

            generate_corpus(corpus, corpus, 1, seed=0, countries=["Ghana"])
            _build(corpus, index)

            expect(intro).to_contain_text("Ghana", timeout=WAIT_MS)  # the open page, no reload
            assert "Ghana" in _countries(page)
            fresh = browser.new_page()
            fresh.goto(url)
            expect(fresh.locator("#mgi-intro")).to_contain_text("Ghana", timeout=WAIT_MS)
            assert "Ghana" in _countries(fresh)
        finally:
            browser.close()
