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


# ------------------------------------------------------------------ reasoning from the page's own statistics


def test_a_bullet_set_larger_than_its_text_keeps_the_wrapped_lines(tmp_path):
    """reportlab's ListFlowable: Helvetica's bullet at 12 pt (an unmapped glyph), text at 10 pt;
    the line's size is the size of most of its characters, so the wrapped line continues the item."""
    def draw(c, _):
        for i, y in enumerate((700, 670)):
            text_at(c, 50, y, "\x7f", size=12)
            text_at(c, 68, y, sentence(8, i))
            text_at(c, 68, y - 13, "care under the scheme.")
    got = blocks(pdf(tmp_path, draw))
    assert [(type(b), b.text) for b in got] == [
        (ListItem, sentence(8, 0) + " care under the scheme."), (ListItem, sentence(8, 1) + " care under the scheme.")]


def test_bullets_drawn_as_shapes_start_list_items(tmp_path):
    """A browser's list discs are drawn, not typed: a small filled shape left of a line's first word."""
    def draw(c, _):
        text_at(c, 50, 720, "Well-developed areas:")
        for i, y in enumerate((700, 672)):
            c.circle(72, y + 3.5, 1.5, stroke=0, fill=1)
            text_at(c, 80, y, sentence(8, i))
            text_at(c, 80, y - 13, "wrapped on.")
        text_at(c, 50, 630, "A paragraph with an icon")
        c.rect(50 + c.stringWidth("A paragraph with an icon ", "Helvetica", 10), 631, 5, 5, fill=1)
    got = blocks(pdf(tmp_path, draw))
    assert [type(b) for b in got] == [Paragraph, ListItem, ListItem, Paragraph]
    assert got[2].text == sentence(8, 1) + " wrapped on."
    assert got[3].text == "A paragraph with an icon"


def test_a_digit_raised_in_the_lines_own_size_is_a_marker(tmp_path):
    """A browser's <sup> in a heading: the digit is barely smaller, but raised by half its size."""
    def draw(c, _):
        text_at(c, 50, 700, "Dual citizenship", "Helvetica-Bold", 13)
        text_at(c, 50 + c.stringWidth("Dual citizenship", "Helvetica-Bold", 13), 706, "1", "Helvetica-Bold", 12)
        text_at(c, 50, 680, "Article 33 of 1993 allows it.")
    got = blocks(pdf(tmp_path, draw))
    assert (got[0].text, got[0].markers) == ("Dual citizenship", ((16, 1),))
    assert got[1].text == "Article 33 of 1993 allows it." and got[1].markers == ()


def test_a_line_end_hyphen_is_kept_unless_the_joined_word_is_attested(tmp_path):
    def draw(c, _):
        lines = ["The Well-being domain covers migrants' well-", "being and the govern-", "ment of regular provincial-",
                 "and district-level offices, all Government-", "funded."]
        for i, line in enumerate(lines):
            text_at(c, 50, 700 - 12 * i, line)
    [block] = blocks(pdf(tmp_path, draw))
    assert block.text == ("The Well-being domain covers migrants' well-being and the government of regular "
                          "provincial- and district-level offices, all Government-funded.")


def test_a_dash_wrapped_to_the_line_start_stays_in_the_text(tmp_path):
    def draw(c, _):
        text_at(c, 50, 700, "The team worked with the Ministry of Interior")
        text_at(c, 50, 688, "- to implement a project.")
        text_at(c, 50, 660, "The plan has two parts:")
        text_at(c, 50, 648, "- training abroad;")
        text_at(c, 50, 636, "- return.")
    got = blocks(pdf(tmp_path, draw))
    assert [(type(b), b.text) for b in got] == [
        (Paragraph, "The team worked with the Ministry of Interior - to implement a project."),
        (Paragraph, "The plan has two parts:"), (ListItem, "training abroad;"), (ListItem, "return.")]


def test_line_spacing_is_read_from_the_document(tmp_path):
    """Loose leading (a browser's line boxes): lines 6 pt apart at 10 pt still make one paragraph
    when that is the document's usual gap; a gap twice as large still parts paragraphs."""
    def draw(c, _):
        y = 760
        for p in range(3):
            for i in range(4):
                text_at(c, 50, y, sentence(10, p + i) + ("." if i == 3 else ""))
                y -= 16
            y -= 14
    got = blocks(pdf(tmp_path, draw))
    assert [type(b) for b in got] == [Paragraph] * 3
    assert got[0].text.endswith(sentence(10, 3) + ".")


def test_table_rows_whose_cells_touch_follow_the_other_rows_columns(tmp_path):
    """A borderless HTML table: one row's first cell runs up to the next column, with no gap wider
    than a word space; the other rows show where the columns start."""
    def draw(c, _):
        rows = [("Thailand", "689,451"), ("United States of America", "196,003"), ("France", "69,748"),
                ("Australia", "38,278")]
        x = 50 + c.stringWidth("United States of America ", "Helvetica", 10)
        for i, (country, people) in enumerate(rows):
            text_at(c, 50, 700 - 20 * i, country)  # rows 20 pt apart: more than the type size
            text_at(c, x, 700 - 20 * i, people)
    [table] = blocks(pdf(tmp_path, draw))
    assert isinstance(table, Table)
    assert table.rows[1] == ["United States of America", "196,003"] and len(table.rows) == 4


def test_a_note_number_alone_on_its_line_opens_the_note(tmp_path):
    """A long address cannot follow its note number on the line: the number stands alone."""
    def draw(c, _):
        for i in range(3):
            text_at(c, 50, 700 - 12 * i, sentence(9, i) + ("." if i == 2 else ""))
        text_at(c, 50, 600, "17", size=5)
        text_at(c, 50, 592, "https://www.example.org/culture/article/2018/05/22/a-very-long-address.html", size=7)
    got = blocks(pdf(tmp_path, draw))
    note = got[-1]
    assert isinstance(note, FootnoteDefinition)
    assert (note.number, note.text) == (17, "https://www.example.org/culture/article/2018/05/22/a-very-long-address.html")


def test_an_item_cut_by_a_page_break_goes_on_past_the_page_foot_notes(tmp_path):
    """The item's text resumes at its indent on the next page, after the notes at the page foot:
    it is the same item, not a new one with nothing in its gutter."""
    def draw(c, page):
        if page == 0:
            for i in range(3):
                text_at(c, 50, 700 - 12 * i, sentence(10, i) + ("." if i == 2 else ""))
            text_at(c, 53, 650, "•")
            text_at(c, 66, 650, "Lack of resources: the ministry has")
            text_at(c, 66, 638, "capacity limitations, which include")
            text_at(c, 50, 100, "1", size=7)
            text_at(c, 56, 100, "https://example.org/note-one", size=7)
        else:
            text_at(c, 66, 760, "lack of staff, weak co-ordination between")
            text_at(c, 66, 748, "ministries and no way to settle")
            text_at(c, 66, 736, "grievances.")
            for i in range(4):
                text_at(c, 50, 700 - 12 * i, sentence(10, i) + ("." if i == 3 else ""))
    got = blocks(pdf(tmp_path, draw, pages=2))
    items = [b for b in got if isinstance(b, ListItem)]
    assert [b.text for b in items] == [
        ("Lack of resources: the ministry has capacity limitations, which include lack of staff, weak "
         "co-ordination between ministries and no way to settle grievances.")]


def test_a_sentence_end_and_a_little_more_space_than_the_leading_part_paragraphs(tmp_path):
    """Full lines throughout (the next word could not have fitted), but the first paragraph's
    last line ends a sentence and the gap after it is 2.5 pt wider than the document's leading."""
    def draw(c, _):
        y = 760
        for p in range(2):
            for i in range(4):
                text_at(c, 50, y, sentence(10, 0) + ("." if i == 3 else ""))
                y -= 12
            y -= 2.5
    got = blocks(pdf(tmp_path, draw))
    assert [type(b) for b in got] == [Paragraph, Paragraph]


def _paragraph(c, x, y, lines, size=10, pitch=12, start=0, width=9):
    """``lines`` lines of body text from ``y`` down, the last ending a sentence; the next free y."""
    for i in range(lines):
        text_at(c, x, y, sentence(width, start + i) + ("." if i == lines - 1 else ""), size=size)
        y -= pitch
    return y


def test_two_headings_in_a_row_part_at_the_headings_own_line_spacing(tmp_path):
    """Headings wrap at their own, tighter spacing (16 pt type on a 19 pt pitch, a 3 pt gap); two
    headings in a row are 9 pt apart, more than that but less than the body's spacing would
    allow (body 10 pt on a 14 pt pitch: the old reader ran them into one heading)."""
    def draw(c, _):
        y = 780
        for n, (first, second) in enumerate([("Overview of the policy and", "legislative framework"),
                                              ("Diaspora organisations and", "related institutions")]):
            text_at(c, 50, y, first, "Helvetica-Bold", 16)
            text_at(c, 50, y - 19, second, "Helvetica-Bold", 16)
            y -= 19 + 25
            if n == 1:
                text_at(c, 50, y, "Development activities", "Helvetica-Bold", 16)
                y -= 25
            y = _paragraph(c, 50, y, 5, pitch=14, start=n, width=5) - 10  # no room for "legislative"
    got = blocks(pdf(tmp_path, draw))
    assert [b.text for b in got if isinstance(b, Heading)] == [
        "Overview of the policy and legislative framework", "Diaspora organisations and related institutions",
        "Development activities"]


def test_a_page_of_glyphless_items_keeps_the_columns_margin_of_the_other_pages(tmp_path):
    """Page 3 holds only items with nothing in their gutter (first lines 6 pt in from the
    margin, wrapped lines 16 pt in): no line starts at the margin there, so the margin comes from
    pages 1 (same side: facing pages may mirror their margins)."""
    def draw(c, page):
        if page < 2:
            y = 780
            for p in range(4):
                y = _paragraph(c, 50, y, 6, start=p + page) - 8
            return
        y = 780
        for i in range(6):
            text_at(c, 56, y, f"Item {i} " + sentence(8, i))
            text_at(c, 66, y - 12, sentence(8, i + 1))
            text_at(c, 66, y - 24, sentence(3, i + 2) + ".")
            y -= 44
    got = blocks(pdf(tmp_path, draw, pages=3))
    items = [b for b in got if isinstance(b, ListItem)]
    assert [b.text.split()[:2] for b in items] == [["Item", str(i)] for i in range(6)]
    assert all(b.text.endswith(".") and b.depth == 0 for b in items)


def test_an_items_depth_is_its_indent_from_its_own_columns_margin(tmp_path):
    """A list that runs from the left column into the right one stays at depth 0: the right
    column's bullets are far right of the left column's, but level with its own margin."""
    def draw(c, _):
        y = _paragraph(c, 50, 780, 6, width=4) - 6
        for i in range(5):
            text_at(c, 52, y, "•")
            text_at(c, 62, y, f"Left {i} " + sentence(3, i) + ".")
            y -= 16
        y = _paragraph(c, 320, 780, 6, width=4) - 6
        for i in range(5):
            text_at(c, 322, y, "•")
            text_at(c, 332, y, f"Right {i} " + sentence(3, i) + ".")
            y -= 16
    got = blocks(pdf(tmp_path, draw))
    items = [b for b in got if isinstance(b, ListItem)]
    assert len(items) == 10 and {b.depth for b in items} == {0}


def test_a_glyphless_item_opens_a_page_after_an_unfinished_line(tmp_path):
    """Page 1 ends on a line with no final stop ("examples of well-developed areas"); page 2
    opens with an item whose wrapped lines hang further in: text carried over a page break does
    not start indented, so it is an item, not the rest of the line before."""
    def draw(c, page):
        if page == 0:
            y = _paragraph(c, 50, 780, 8)
            text_at(c, 50, y - 6, "Migration governance: examples of well-developed areas")
            return
        y = 780
        for i in range(3):
            text_at(c, 56, y, f"Item {i} " + sentence(8, i))
            text_at(c, 66, y - 12, sentence(3, i + 2) + ".")
            y -= 30
        _paragraph(c, 50, y - 6, 8)
    got = blocks(pdf(tmp_path, draw, pages=2))
    items = [b for b in got if isinstance(b, ListItem)]
    assert [b.text.split()[:2] for b in items] == [["Item", str(i)] for i in range(3)]
    assert any(b.text == "Migration governance: examples of well-developed areas" for b in got)


def test_a_line_left_of_an_indented_blocks_wrapped_lines_starts_a_block(tmp_path):
    """An item cut by a page break goes on at its text's indent on the next page, and then a
    short line ("Trends", 1 pt further down than the leading) starts back at the margin: it is
    not the item's (the block's wrapped lines share their x, 16 pt in; a paragraph's first-line
    indent is the other way round)."""
    def draw(c, page):
        if page == 0:
            y = _paragraph(c, 50, 780, 8)
            text_at(c, 53, y - 6, "•")
            text_at(c, 66, y - 6, "Lack of resources: the ministry has")
            text_at(c, 66, y - 18, "capacity limitations, which include")
            return
        text_at(c, 66, 780, "lack of staff, weak co-ordination between")
        text_at(c, 66, 768, "ministries and no way to settle")
        text_at(c, 66, 756, "grievances.")
        text_at(c, 50, 743, "Trends")  # 1 pt more than the leading: no cue but the x
        _paragraph(c, 50, 725, 6)
    got = blocks(pdf(tmp_path, draw, pages=2))
    [item] = [b for b in got if isinstance(b, ListItem)]
    assert item.text.endswith("settle grievances.")
    assert any(b.text == "Trends" for b in got)


def test_body_lines_set_clearly_further_apart_than_the_leading_part_blocks(tmp_path):
    """Full lines with no final stop (no other cue), 2 pt more than the leading between the
    fourth and the fifth: two blocks ("Remittances inflow: 1,272" and "% of which in the EU").
    With a raised marker on the line before the gap (a browser's <sup> makes its line box
    taller) the gap alone does not part them."""
    def draw(c, _, marker=False):
        y = 760
        for p in range(2):
            for i in range(4):
                text_at(c, 50, y, sentence(10, i))
                if marker and p == 0 and i == 3:
                    text_at(c, 52 + c.stringWidth(sentence(10, i), "Helvetica", 10), y + 4, "7", size=6)
                y -= 12
            y -= 2
    got = blocks(pdf(tmp_path, draw))
    assert [type(b) for b in got] == [Paragraph, Paragraph]
    got = blocks(pdf(tmp_path, lambda c, page: draw(c, page, marker=True)))
    assert [type(b) for b in got] == [Paragraph] and got[0].markers


def test_a_one_line_item_at_the_indent_the_documents_glyphless_items_hang_from(tmp_path):
    """Items with nothing in their gutter, first lines 6 pt in and wrapped lines 16 pt in; later
    a one-line item at the same 6 pt indent with a heading after it ("At regional level" in an
    annex): nothing hangs under it, but the document's items start at that indent."""
    def draw(c, _):
        y = _paragraph(c, 50, 780, 5) - 6
        for i in range(3):
            text_at(c, 56, y, f"Item {i} " + sentence(8, i))
            text_at(c, 66, y - 12, sentence(3, i + 2) + ".")
            y -= 30
        text_at(c, 50, y, "Diaspora related institutions", "Helvetica-Bold", 14)
        text_at(c, 56, y - 20, "At regional level")
        text_at(c, 50, y - 42, "International Labour Organisation", "Helvetica-Bold", 14)
        _paragraph(c, 50, y - 62, 5)
    got = blocks(pdf(tmp_path, draw))
    assert [b.text for b in got if isinstance(b, ListItem)][3:] == ["At regional level"]


def test_line_measures_are_computed_once_per_set_of_words(tmp_path, monkeypatch):
    """A line's size, top, bottom and edges are asked for hundreds of times while the page is
    read: they are computed once for its words and again only when a word joins the line."""
    from mgiassist.ingest.readers import pdf_layout

    class Counting:
        calls = 0

        def sub(self, *args):
            Counting.calls += 1
            return pdf_layout.re.sub(r"\(cid:\d+\)", *args)

    def draw(c, _):
        text_at(c, 50, 780, "Migration in Chad", "Helvetica-Bold", 16)
        for i in range(40):
            text_at(c, 50, 750 - 12 * i, sentence(9, i) + ("." if i % 5 == 4 else ""))
    path = pdf(tmp_path, draw, pages=2)
    monkeypatch.setattr(pdf_layout, "_CID", Counting())
    got = blocks(path)
    assert [type(b) for b in got[:2]] == [Heading, Paragraph]
    words = 2 * (3 + 40 * 9)
    assert Counting.calls <= 2 * words, Counting.calls  # before: 38,844, about 50 per word

    line = pdf_layout.Line([pdf_layout.Word("Rights", 50, 80, 100, 110, 10.0, False)], page=1)
    assert (line.size, line.top, line.x1) == (10.0, 100, 80)
    line.words.append(pdf_layout.Word("abroad", 82, 120, 99, 111, 12.0, True))
    line.words.append(pdf_layout.Word("voting", 122, 160, 99, 111, 12.0, True))
    assert (line.size, line.top, line.x1, line.bold) == (12.0, 99, 160, True)  # "Rights" set smaller
    line.words = [pdf_layout.Word("Key", 10, 30, 90, 102, 14.0, True)]
    assert (line.size, line.x0, line.bold) == (14.0, 10, True)


def test_page_foot_notes_set_a_little_smaller_than_the_body(tmp_path):
    """LibreOffice's page-foot notes: 10 pt under an 11 pt body, the number on the baseline (and
    glued to the text in some producers' output), a note running on at the next page's foot.
    Lines below the body, set smaller, opening with a number a raised marker cites, are notes."""
    def marked(c, x, y, text, number):
        text_at(c, x, y, text, size=11)
        text_at(c, x + c.stringWidth(text, "Helvetica", 11) + 0.5, y + 4, str(number), size=6.4)

    def draw(c, page):
        if page == 0:
            marked(c, 57, 780, "Dual citizenship is allowed in law", 1)
            for i in range(6):
                text_at(c, 57, 760 - 12.6 * i, sentence(9, i), size=11)
            marked(c, 57, 680, "Voting from abroad is not implemented", 2)
            text_at(c, 57, 100, "1https://example.org/dual-citizenship-law", size=10)
            text_at(c, 57, 80, "2", size=10)
            text_at(c, 74, 80, "Whilst voting from abroad is legally allowed, it has not been", size=10)
            text_at(c, 74, 68.5, "implemented, as a lack of funding prevents registration. See", size=10)
            text_at(c, 74, 57, "https://example.org/elections/report?", size=10)
        else:
            marked(c, 57, 780, "Remittances rose in the last decade", 3)
            for i in range(4):
                text_at(c, 57, 760 - 12.6 * i, sentence(9, i + 3), size=11)
            text_at(c, 57, 120, "7 regions took part in the survey.", size=10)  # no marker cites 7
            text_at(c, 74, 100, "page=12&year=2019", size=10)
            text_at(c, 57, 80, "3", size=10)
            text_at(c, 74, 80, "https://example.org/remittances", size=10)
    got = blocks(pdf(tmp_path, draw, pages=2))
    notes = {b.number: b.text for b in got if isinstance(b, FootnoteDefinition)}
    assert notes == {
        1: "https://example.org/dual-citizenship-law",
        2: "Whilst voting from abroad is legally allowed, it has not been implemented, as a lack of "
           "funding prevents registration. See https://example.org/elections/report?page=12&year=2019",
        3: "https://example.org/remittances"}
    assert not any("example.org" in b.text or "Whilst" in b.text for b in got if not isinstance(b, FootnoteDefinition))
    assert [m for b in got for _, m in b.markers] == [1, 2, 3]
    assert any(type(b) is Paragraph and b.text == "7 regions took part in the survey." for b in got)
