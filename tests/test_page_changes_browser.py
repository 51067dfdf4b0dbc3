"""The "What changed" tab in the browser: on a page over three editions of the Cambodia mapping,
the tab offers the mapping and shows the changed words and figures; another pair of dates shows
theirs. The index is built with the fake embedder; the page is the real server in Debian's
headless Chromium (which `make test` installs)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FakeEmbedder
from page_server import running_page
from test_editions import write_editions

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
WAIT_MS = 60_000  # a loaded CI machine; not a speed assertion


def test_the_what_changed_tab_shows_the_newest_changes_and_other_dates(tmp_path: Path):
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium", pytrace=False)
    from playwright.sync_api import expect, sync_playwright

    from mgiassist.index import build_index

    build_index(write_editions(tmp_path / "corpus"), tmp_path / "index", embedder=FakeEmbedder(), progress=False)
    with running_page(tmp_path / "index") as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()
            page.goto(url)
            page.get_by_role("tab", name="What changed").click()
            view = page.locator("#mgi-changes-view")
            expect(view).to_contain_text("1,272 → 1,510", timeout=WAIT_MS)
            expect(view.locator("del").first).to_be_visible()
            expect(page.locator("#mgi-changes-series input")).to_have_value(
                "Cambodia · Diaspora engagement mapping (September 2020 – September 2023)")
            page.locator("#mgi-changes-from input, #mgi-changes-from textarea").fill("2020")
            page.locator("#mgi-changes-to input, #mgi-changes-to textarea").fill("2022")
            page.locator("#mgi-changes-btn").click()
            expect(view).to_contain_text("1,105 → 1,272", timeout=WAIT_MS)
        finally:
            browser.close()
