"""Text and Markdown reader: each convention on a few inline lines."""

from __future__ import annotations

import codecs

import pytest

from mgiassist.errors import ProfileError
from mgiassist.ingest.blocks import FootnoteDefinition, Heading, ListItem, Paragraph, Table
from mgiassist.ingest.readers import read_document
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


# --- encodings --------------------------------------------------------------------------------

PROFILE = "# Ghana\n\nGhana’s diaspora policy dates from 2020 — see the annex.\n"


@pytest.mark.parametrize("encoding, bom", [
    ("utf-8", codecs.BOM_UTF8),
    ("utf-16-le", codecs.BOM_UTF16_LE),
    ("utf-16-be", codecs.BOM_UTF16_BE),
    ("utf-32-le", codecs.BOM_UTF32_LE),
    ("utf-32-be", codecs.BOM_UTF32_BE),
])
@pytest.mark.parametrize("suffix", [".txt", ".md", ".html"])
def test_text_with_a_byte_order_mark_is_decoded_by_it(tmp_path, encoding, bom, suffix):
    path = tmp_path / f"ghana{suffix}"
    text = PROFILE if suffix != ".html" else f"<html><body><main><p>{PROFILE}</p></main></body></html>"
    path.write_bytes(bom + text.replace("\n", "\r\n").encode(encoding))
    document = read_document(path)
    joined = " ".join(b.text for b in document.blocks)
    assert "Ghana’s diaspora policy dates from 2020 — see the annex." in joined
    assert "\ufeff" not in joined and "\r" not in joined


def test_nul_bytes_without_a_byte_order_mark_are_still_binary(tmp_path):
    path = tmp_path / "ghana.txt"
    path.write_bytes(PROFILE.encode("utf-16-le"))  # no mark: nothing says how to read it
    with pytest.raises(ProfileError, match="looks binary"):
        read_document(path)


@pytest.mark.parametrize("data, reason", [
    (codecs.BOM_UTF16_LE + b"G\x00h\x00a", "UTF-16 byte-order mark but is not UTF-16"),  # odd length
    (codecs.BOM_UTF16_LE + "Gh\x00ana".encode("utf-16-le"), "looks binary"),
    (codecs.BOM_UTF16_LE, "holds no text"),
])
def test_a_byte_order_mark_over_bad_text_is_one_reason(tmp_path, data, reason):
    path = tmp_path / "ghana.txt"
    path.write_bytes(data)
    with pytest.raises(ProfileError, match=reason) as caught:
        read_document(path)
    assert "\n" not in str(caught.value)
