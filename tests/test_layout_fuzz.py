"""The layout fuzzer: random profiles typeset under random typographic choices read back like
their text (``mgiassist.evaluate.layout_fuzz``; ``benchmarks/layout_fuzz.py --n 1000`` for the
distribution)."""

from __future__ import annotations

import statistics

import pytest

from mgiassist.evaluate.layout_fuzz import BULLETS, case, random_layout, run

pytest.importorskip("reportlab")

SEEDS = range(20)
# measured on these 20 seeds (benchmarks/layout_fuzz.py --n 20): section F1 median 1.000, 20/20
# layouts >= 0.95, the worst 0.958; footnote recall >= 0.95 on 14/20 (the reader before the page
# statistics of issue 18's item 3 — own spacing per size, margins across pages, hang indents:
# 16/20 >= 0.95, the worst 0.789, recall 13/20; before issue 18: F1 median 0.490, 3/20 >= 0.95,
# the worst 0.026; recall >= 0.95 on 6/20). The floor it must keep:
MEDIAN_F1_FLOOR = 0.97
GOOD_SHARE_FLOOR = 0.95  # layouts with section F1 >= 0.95
WORST_F1_FLOOR = 0.93
RECALL_GOOD_SHARE_FLOOR = 0.65


def test_cases_are_reproducible_and_varied():
    import random

    assert str(case(7)[2]) == str(case(7)[2])
    assert [b.text for b in case(7)[0].blocks] == [b.text for b in case(7)[0].blocks]
    layouts = [random_layout(random.Random(s)) for s in range(200)]
    assert {lay.bullet for lay in layouts} == set(BULLETS)
    assert {lay.columns for lay in layouts} == {1, 2} and {lay.notes for lay in layouts} == {"flow", "foot"}


def test_footnotes_at_the_page_foot_are_drawn_on_the_citing_page(tmp_path):
    import pdfplumber

    from mgiassist.evaluate.layout_fuzz import typeset

    seed = next(s for s in range(100) if case(s)[2].notes == "foot" and "mapping" in case(s)[1])
    document, _, layout = case(seed)
    path = typeset(document, layout, tmp_path / "foot.pdf")
    with pdfplumber.open(path) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    # every note's text is on the page, and only once
    for block in document.blocks:
        if type(block).__name__ == "FootnoteDefinition":
            assert text.count(block.text[:30].split("\n")[0]) >= 1, block.number


def test_the_wider_variety_is_its_own_distribution(tmp_path):
    """``varied_layout`` adds three columns, a sidebar and a boxed opening part; the default
    generator's layouts (and so its 1000-seed numbers) are unchanged by it."""
    import random

    import pdfplumber

    from mgiassist.evaluate.layout_fuzz import typeset, varied_layout

    varied = [varied_layout(random.Random(s)) for s in range(60)]
    assert {lay.columns for lay in varied} == {1, 2, 3} and any(lay.sidebar for lay in varied)
    assert any(lay.boxed for lay in varied)
    assert not any(random_layout(random.Random(s)).sidebar or random_layout(random.Random(s)).boxed
                   for s in range(200))
    assert str(case(7, variety=True)[2]) == str(case(7, variety=True)[2])
    for want in ("sidebar", "boxed"):
        seed = next(s for s in range(100) if getattr(case(s, variety=True)[2], want)
                    and "mapping" in case(s, variety=True)[1])
        document, _, layout = case(seed, variety=True)
        path = typeset(document, layout, tmp_path / f"{want}.pdf")
        with pdfplumber.open(path) as pdf:
            first = pdf.pages[0]
            assert "Facts" in (first.extract_text() or "")
            if want == "boxed":  # the box's four sides are drawn around the opening part
                assert first.rects or len(first.lines) >= 4


@pytest.fixture(scope="module")
def scores(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz")
    return [run(seed, folder)[0] for seed in SEEDS]


def test_the_reader_keeps_its_floor_on_random_layouts(scores):
    f1 = [s.section_f1 for s in scores]
    good = sum(v >= 0.95 for v in f1) / len(f1)
    assert statistics.median(f1) >= MEDIAN_F1_FLOOR, f1
    assert good >= GOOD_SHARE_FLOOR, f1
    assert min(f1) >= WORST_F1_FLOOR, f1
    recall = [s.footnote_recall for s in scores]
    assert sum(v >= 0.95 for v in recall) / len(recall) >= RECALL_GOOD_SHARE_FLOOR, recall
