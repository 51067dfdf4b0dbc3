"""Text and Markdown reader: each convention on a few inline lines."""

from __future__ import annotations

from mgiassist.ingest.blocks import FootnoteDefinition, Heading, ListItem, Paragraph, Table
from mgiassist.ingest.readers.text import text_blocks


def kinds(blocks):
    return [type(b).__name__ for b in blocks]


def test_tab_and_pipe_rows_are_tables():
    [table] = text_blocks("Thailand\t689,451\nFrance\t69,748\n")
    assert isinstance(table, Table) and table.rows == [["Thailand", "689,451"], ["France", "69,748"]]
    blocks = text_blocks("# T\n\n| Country | People |\n|---|---|\n| Chad | 12 |\n")
    assert blocks[1].rows == [["Country", "People"], ["Chad", "12"]]


def test_bulleted_lines_are_list_items_with_depth_and_wrapped_lines():
    blocks = text_blocks("Areas:\n\n  • First finding\n    wrapped on.\n- Second\n        - nested\nKey findings\n")
    items = [b for b in blocks if isinstance(b, ListItem)]
    assert [(i.text, i.depth) for i in items] == [("First finding wrapped on.", 0), ("Second", 0), ("nested", 2)]
    assert isinstance(blocks[-1], Heading) and blocks[-1].text == "Key findings"  # a title line ends the list


def test_superscripts_become_markers_on_the_text_they_follow():
    [block] = text_blocks("Voting from abroad³ is allowed¹²,\nin law.")
    assert block.text == "Voting from abroad is allowed,\nin law."
    assert block.markers == ((18, 3), (29, 12))
    assert block.marked_text() == "Voting from abroad³ is allowed¹²,\nin law."


def test_numbered_source_lines_are_footnote_definitions():
    blocks = text_blocks("4 http://a.org/x\n\n¹⁹ <https://b.org>\n\n22 Ibid\n\n15 migrants arrived in 2019.\n")
    notes = [b for b in blocks if isinstance(b, FootnoteDefinition)]
    assert [(n.number, n.text) for n in notes] == [(4, "http://a.org/x"), (19, "<https://b.org>"), (22, "Ibid")]
    assert isinstance(blocks[-1], Paragraph)  # a number without a source is prose


def test_emphasis_follows_the_flanking_rule():
    [item] = text_blocks("- 2003** ● **Memorandum on Workers⁴** calls for deployment.")
    assert item.text == "2003 Memorandum on Workers calls for deployment."
    assert item.lead() == "Memorandum on Workers"
    assert item.markers == ((26, 4),)


def test_year_range_icon_becomes_a_dash():
    [item] = text_blocks("- 2014** ∨\n2018 ● **Policy:⁸** The LMP.")
    assert item.text.startswith("2014 – 2018 Policy: The LMP")
    assert item.lead() == "Policy:"


def test_runs_of_short_lines_are_headings_and_prose_keeps_its_lines():
    blocks = text_blocks("Key findings\nMigrants' rights\n\nRemittances: 4.9%\nInflow: 1,272\n")
    assert kinds(blocks) == ["Heading", "Heading", "Paragraph"]
    assert blocks[2].text == "Remittances: 4.9%\nInflow: 1,272"


def test_markdown_headings_only_from_hashes():
    blocks = text_blocks("# Ghana\n\nShort line\n\n## Labour\n\nText.\n")
    assert [(type(b).__name__, getattr(b, "level", None)) for b in blocks] == [
        ("Heading", 1), ("Paragraph", None), ("Heading", 2), ("Paragraph", None)]
