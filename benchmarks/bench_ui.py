"""Accessibility and Evaluate-tab timing of a running chat page, printed as numbers.

    python benchmarks/bench_ui.py http://127.0.0.1:7860/ [--evaluate] [--screenshots docs]

For each of light/dark × 1400×1000/400×850 it asks one question, runs axe-core (the
``axe-playwright-python`` package) on the page, then opens the first citation and runs it again;
it prints the serious and critical violations found. ``--evaluate`` also times the first run of
the Evaluate tab (bm25 and hybrid on the first shipped question set) in a fresh browser page.
``--screenshots DIR`` saves screenshot-light.png and screenshot-dark.png (desktop, viewer open)
and screenshot-phone.png (light, the answer) there.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

VIEWPORTS = {"desktop": {"width": 1400, "height": 1000}, "phone": {"width": 400, "height": 850}}
QUESTION = "Can citizens vote from abroad?"


def serious(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}, {len(v['nodes'])} nodes)"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]


def count(found: list[str]) -> int:
    return sum(int(v.split("(")[1].split(",")[1].split()[0]) for v in found)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--evaluate", action="store_true")
    parser.add_argument("--screenshots", type=Path)
    args = parser.parse_args()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        for scheme in ("light", "dark"):
            for name, viewport in VIEWPORTS.items():
                context = browser.new_context(viewport=viewport, color_scheme=scheme)
                page = context.new_page()
                page.set_default_timeout(120_000)
                page.goto(args.url)
                box = page.locator("#mgi-question textarea")
                box.wait_for()
                page.wait_for_function("!document.querySelector('#mgi-question textarea').disabled")
                box.fill(QUESTION)
                page.locator("#mgi-send").click()
                page.locator("#mgi-chat .mgi-answer, #mgi-chat .mgi-error").first.wait_for()
                page.wait_for_timeout(500)
                if args.screenshots and name == "phone" and scheme == "light":
                    page.screenshot(path=args.screenshots / "screenshot-phone.png")
                after_answer = serious(page)
                page.locator("#mgi-chat .mgi-cite, #mgi-chat .mgi-marker").first.click()
                page.locator("#mgi-viewer .mgi-target").wait_for()
                page.wait_for_timeout(500)
                if args.screenshots and name == "desktop":
                    page.screenshot(path=args.screenshots / f"screenshot-{scheme}.png")
                viewer_open = serious(page)
                print(
                    f"{scheme:5} {name:7} after answer: {count(after_answer)} nodes "
                    f"{after_answer}; viewer open: {count(viewer_open)} nodes {viewer_open}"
                )
                context.close()
        if args.evaluate:
            page = browser.new_page()
            page.set_default_timeout(600_000)
            page.goto(args.url)
            page.get_by_role("tab", name="Evaluate").click()
            field = page.locator("#mgi-eval-retrievers textarea, #mgi-eval-retrievers input").first
            field.fill("bm25,hybrid")
            start = time.monotonic()
            page.locator("#mgi-eval-run").click()
            page.locator("#mgi-eval-headline").get_by_text("hybrid").first.wait_for()
            print(f"evaluate first run: {time.monotonic() - start:.1f} s")
        browser.close()


if __name__ == "__main__":
    main()
