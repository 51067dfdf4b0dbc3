"""PDF reader: each layout rule on a page or two drawn with reportlab."""

from __future__ import annotations

from pathlib import Path

import pytest

from mgiassist.errors import ProfileError
from mgiassist.ingest.blocks import FootnoteDefinition, Heading, ListItem, Paragraph, Table
from mgiassist.ingest.readers import read_document

canvas_module = pytest.importorskip("reportlab.pdfgen.canvas")

WORDS = ["migration", "governance", "diaspora", "remittances", "policy", "labour", "workers", "rights", "agency", "national", "embassy", "census", "strategy", "return", "training", "office"]


def sentence(n: int, start: int = 0) -> str:
    return " ".join(WORDS[(start + i) % len(WORDS)] for i in range(n))


def pdf(tmp_path: Path, draw, pages: int = 1, **options) -> Path:
    path = tmp_path / "doc.pdf"
    canvas = canvas_module.Canvas(str(path), pagesize=(595, 842), **options)
    for page in range(pages):
        draw(canvas, page)
        canvas.showPage()
    canvas.save()
    return path


def text_at(canvas, x, y, text, font="Helvetica", size=10):
    canvas.setFont(font, size)
    canvas.drawString(x, y, text)


def blocks(path: Path):
    return read_document(path).blocks


def test_headings_by_size_and_levels(tmp_path):
    def draw(c, _):
        text_at(c, 50, 780, "Migration in Chad", "Helvetica-Bold", 18)
        text_at(c, 50, 750, "Labour", "Helvetica-Bold", 13)
        for i in range(4):
            text_at(c, 50, 730 - 12 * i, sentence(8, i))
    got = blocks(pdf(tmp_path, draw))
    assert [(type(b).__name__, getattr(b, "level", None)) for b in got] == [
        ("Heading", 1), ("Heading", 2), ("Paragraph", None)]
    assert got[2].text == " ".join(sentence(8, i) for i in range(4))


def test_raised_small_digit_is_a_marker(tmp_path):
    def draw(c, _):
        text_at(c, 50, 700, "Voting from abroad")
        text_at(c, 50 + c.stringWidth("Voting from abroad", "Helvetica", 10) + 0.5, 704, "3", size=6)
        text_at(c, 50, 688, "is allowed in law.")
    [block] = blocks(pdf(tmp_path, draw))
    assert block.text == "Voting from abroad is allowed in law."
    assert block.markers == ((18, 3),)


@pytest.mark.parametrize("glyph,font", [("•", "Helvetica"), ("l", "ZapfDingbats"), ("\x7f", "Helvetica")])
def test_bullet_glyphs_start_list_items(tmp_path, glyph, font):
    def draw(c, _):
        for i, y in enumerate((700, 686)):
            text_at(c, 53, y, glyph, font)
            text_at(c, 66, y, sentence(6, i))
        text_at(c, 66, 674, "wrapped on.")
    got = blocks(pdf(tmp_path, draw))
    assert [type(b) for b in got] == [ListItem, ListItem]
    assert got[1].text == sentence(6, 1) + " wrapped on."


def test_reflow_mends_hyphenation_and_broken_links(tmp_path):
    def draw(c, _):
        text_at(c, 50, 700, "The govern-")
        text_at(c, 50, 688, "ment agreed.")
        text_at(c, 50, 600, "7", size=7)
        text_at(c, 56, 600, "https://example.org/reports/", size=7)
        text_at(c, 50, 592, "annual-2020.pdf", size=7)
        for i in range(3):
            text_at(c, 50, 560 - 12 * i, sentence(9, i))
    got = blocks(pdf(tmp_path, draw))
    assert got[0].text == "The government agreed."
    note = next(b for b in got if isinstance(b, FootnoteDefinition))
    assert (note.number, note.text) == (7, "https://example.org/reports/annual-2020.pdf")


def test_two_columns_read_left_then_right(tmp_path):
    def draw(c, _):
        for i in range(12):
            end = "." if i == 11 else ""
            text_at(c, 50, 750 - 12 * i, f"left{i} " + sentence(4, i) + end)
            text_at(c, 320, 750 - 12 * i, f"Right{i} " + sentence(4, i) + end)
    [left, right] = blocks(pdf(tmp_path, draw))
    assert left.text.startswith("left0") and "Right" not in left.text
    assert right.text.startswith("Right0") and right.text.count("Right") == 12


def test_paragraph_cut_by_the_column_break_continues(tmp_path):
    def draw(c, _):
        for i in range(12):
            text_at(c, 50, 750 - 12 * i, sentence(4, i))
        text_at(c, 320, 750, "continued here and ended.")
        for i in range(11):
            text_at(c, 320, 720 - 12 * i, sentence(4, i) + ("." if i == 10 else ""))
    got = blocks(pdf(tmp_path, draw))
    assert len(got) == 2 and got[0].text.endswith(" continued here and ended.")


def test_running_header_footer_and_page_numbers_are_dropped(tmp_path):
    def draw(c, page):
        text_at(c, 50, 815, "Migration profile · Chad", size=8)
        text_at(c, 280, 25, f"Page {page + 1}", size=8)
        text_at(c, 50, 700, f"Body of page {page + 1}.")
    got = blocks(pdf(tmp_path, draw, pages=2))
    assert [b.text for b in got] == ["Body of page 1.", "Body of page 2."]
    assert [b.origin.page for b in got] == [1, 2]


def test_aligned_columns_are_a_table(tmp_path):
    def draw(c, _):
        text_at(c, 50, 700, "Top countries of destination", "Helvetica-Bold", 13)
        for i, (country, people) in enumerate([("Thailand", "689,451"), ("United States", "196,003"), ("France", "69,748")]):
            text_at(c, 50, 680 - 13 * i, country)
            text_at(c, 200, 680 - 13 * i, people)
    got = blocks(pdf(tmp_path, draw))
    table = next(b for b in got if isinstance(b, Table))
    assert table.rows == [["Thailand", "689,451"], ["United States", "196,003"], ["France", "69,748"]]


def test_bold_short_line_is_a_heading_and_bold_lead_is_kept(tmp_path):
    def draw(c, _):
        text_at(c, 50, 700, "Obstacles", "Helvetica-Bold")
        text_at(c, 50, 680, "Lack of resources:", "Helvetica-Bold")
        text_at(c, 50 + c.stringWidth("Lack of resources: ", "Helvetica-Bold", 10), 680, "few staff.")
    got = blocks(pdf(tmp_path, draw))
    assert isinstance(got[0], Heading) and isinstance(got[1], Paragraph)
    assert got[1].lead() == "Lack of resources:"


def test_bold_heading_in_body_size_is_not_run_into_the_text(tmp_path):
    def draw(c, _):
        text_at(c, 50, 700, "Political rights", "Helvetica-Bold")
        text_at(c, 50, 688, "Voting from abroad is allowed.")
        text_at(c, 50, 676, "Trends", "Helvetica-Bold")
    got = blocks(pdf(tmp_path, draw))
    assert [(type(b).__name__, b.text) for b in got] == [
        ("Heading", "Political rights"), ("Paragraph", "Voting from abroad is allowed."), ("Heading", "Trends")]


def test_image_only_pdf_needs_ocr(tmp_path):
    def draw(c, _):
        c.rect(50, 50, 400, 600, fill=1)
    with pytest.raises(ProfileError, match=r"no text layer \(scanned\?\); OCR it first"):
        read_document(pdf(tmp_path, draw))


def test_a_scanned_page_among_text_pages_is_a_warning(tmp_path):
    def draw(c, page):
        if page == 1:
            c.rect(50, 50, 400, 600, fill=1)
        else:
            text_at(c, 50, 700, f"Text on page {page + 1}.")
    document = read_document(pdf(tmp_path, draw, pages=3))
    assert [b.text for b in document.blocks] == ["Text on page 1.", "Text on page 3."]
    assert document.warnings == ["page 2 without a text layer (scanned?); OCR it first"]


def test_encrypted_pdf_is_named(tmp_path):
    path = pdf(tmp_path, lambda c, _: text_at(c, 50, 700, "Secret profile text."), encrypt="s3cret")
    with pytest.raises(ProfileError, match="encrypted"):
        read_document(path)


def test_truncated_pdf_is_not_readable(tmp_path):
    path = pdf(tmp_path, lambda c, _: text_at(c, 50, 700, "Profile text."))
    path.write_bytes(path.read_bytes()[:300])
    with pytest.raises(ProfileError, match="doc.pdf"):
        read_document(path)


def test_sections_keep_the_page_they_start_on(tmp_path):
    from mgiassist.ingest import parse_document

    def draw(c, page):
        text_at(c, 50, 815, "Migration profile · Ghana · February 2021", size=8)
        text_at(c, 50, 760, f"Part {page + 1}", "Helvetica-Bold", 14)
        text_at(c, 50, 740, f"Ghana text on page {page + 1}.")
    document = read_document(pdf(tmp_path, draw, pages=2))
    assert document.running == ["Migration profile · Ghana · February 2021"]
    profile = parse_document(document, "ghana.pdf", "hash")
    assert [(s.heading_path, s.origin["page"]) for s in profile.sections] == [(("Part 1",), 1), (("Part 2",), 2)]
