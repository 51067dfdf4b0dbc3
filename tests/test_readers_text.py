"""Text and Markdown reader: each convention on a few inline lines."""

from __future__ import annotations

import codecs

import pytest

from mgiassist.errors import ProfileError
from mgiassist.ingest.blocks import FootnoteDefinition, Heading, ListItem, Paragraph, Table
from mgiassist.ingest.readers import read_document
from mgiassist.ingest.readers.text import read_text_document, text_blocks


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


# --- text extracted from a PDF (pdftotext, a viewer's copy-paste) -----------------------------


def test_glued_numbers_are_markers_only_where_a_later_note_defines_them_in_rising_order():
    text = ("Dual citizenship1 has been allowed since 2022 under Article 3 of the law.\n"
            "Voting from abroad.2 costs USD 1,272, and Decree 68/2009 (2009)3 came first; COVID-19 too.\n"
            "Table4 has no note, and Manpower 200520 is a year and a marker.\n\n"
            "1 https://a.org/x\n2 The constitution allows voting from abroad.\n3 https://c.org\n"
            "20 https://d.org\n")
    blocks = text_blocks(text)
    [paragraph] = [b for b in blocks if isinstance(b, Paragraph)]
    marked = paragraph.marked_text()
    assert "citizenship¹" in marked and "abroad.²" in marked and "(2009)³" in marked
    assert "Manpower 2005²⁰" in marked
    # no note 4; a year, an article, an amount, a date range and a disease name are no markers
    assert "Table4" in marked and "since 2022 under Article 3 of" in marked and "USD 1,272" in marked
    assert "68/2009" in marked and "COVID-19" in marked
    notes = [(b.number, b.text) for b in blocks if isinstance(b, FootnoteDefinition)]
    assert notes == [(1, "https://a.org/x"), (2, "The constitution allows voting from abroad."),
                     (3, "https://c.org"), (20, "https://d.org")]


def test_a_number_out_of_the_rising_order_is_not_a_marker():
    # notes 1 and 2 are cited in order; "Chapter1" after marker 2 would break it
    blocks = text_blocks("Voting1 is allowed.\nDual citizenship2 too, see Chapter1.\n\n"
                         "1 https://a.org\n2 https://b.org\n")
    assert blocks[0].marked_text() == "Voting¹ is allowed.\nDual citizenship² too, see Chapter1."


def test_a_prose_line_opening_with_a_number_is_a_note_only_when_cited():
    blocks = text_blocks("Migrants arrived.\n\n15 migrants arrived in 2019 from abroad.\n")
    assert [type(b).__name__ for b in blocks] == ["Paragraph", "Paragraph"]


def test_clean_seeds_have_no_glued_markers():
    from pathlib import Path

    from mgiassist.ingest.footnotes import glued_candidates, match_glued_markers, note_lines

    for path in sorted((Path(__file__).parents[1] / "corpus").glob("*.txt")):
        lines = path.read_text(encoding="utf-8").split("\n")
        notes = note_lines(lines, [True] * len(lines))
        assert match_glued_markers(glued_candidates(lines, skip=notes), notes) == [], path.name


def _pages(body: list[str], per_page: int, header: list[str], footer: str) -> str:
    """``body`` lines set on pages of ``per_page`` lines, with running lines at each break."""
    out: list[str] = []
    for page, start in enumerate(range(0, len(body), per_page), 1):
        out += [*header, *body[start : start + per_page], footer.replace("#", str(page))]
    return "\n".join(out) + "\n"


def _wrapped_paragraphs(count: int) -> list[str]:
    words = ["the", "ministry", "coordinates", "labour", "migration", "policy", "with", "partners", "and",
             "embassies", "abroad", "while", "the", "diaspora", "engagement", "office", "supports",
             "returning", "workers"]
    lines: list[str] = []
    for n in range(count):
        text = " ".join(words[(n + i) % len(words)] for i in range(60)).capitalize() + "."
        line = ""
        for word in text.split():
            if line and len(line) + 1 + len(word) > 60:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}".strip()
        lines += [line, ""]
    return lines


def test_running_headers_and_page_numbers_are_dropped_and_the_cut_paragraph_joined():
    body = ["Key findings", "", *_wrapped_paragraphs(4), "Key findings", "", *_wrapped_paragraphs(4)]
    text = _pages(body, 17, ["CAMBODIA", "DIASPORA ENGAGEMENT MAPPING"], "Page #")
    document = read_text_document(text, "flat.txt")
    joined = [b.text for b in document.blocks]
    assert not any(t in ("CAMBODIA", "DIASPORA ENGAGEMENT MAPPING") or t.startswith("Page ") for t in joined)
    assert joined.count("Key findings") == 2  # recurring content, away from the page breaks, stays
    paragraphs = [b for b in document.blocks if isinstance(b, Paragraph)]
    assert len(paragraphs) == 8 and all(p.text.endswith(".") for p in paragraphs)
    assert document.running == ["CAMBODIA", "DIASPORA ENGAGEMENT MAPPING", "Page 1"]


def test_a_line_recurring_at_regular_intervals_through_sentences_is_running_without_page_numbers():
    text = _pages(_wrapped_paragraphs(6), 13, ["MIGRATION GOVERNANCE PROFILE"], "")
    blocks = text_blocks(text)
    assert not any("MIGRATION GOVERNANCE PROFILE" in b.text for b in blocks)
    assert len(blocks) == 6


def test_wrapped_lines_are_reflowed_and_line_end_hyphens_mended_by_the_document():
    text = ("The ministry coordinates labour migration policy with partners and\n"
            "embassies abroad while the diaspora office supports the well-\n"
            "being of returning workers and the govern-\n"
            "ment funds provincial- and district-level meetings for them all.\n\n"
            "Migrants' well-being is a priority of the ministry and its partners,\n"
            "and of the embassies abroad that support the workers who return.\n\n"
            "A heading\n\n"
            "The Labour Law protects foreigners against discrimination in the\n"
            "workplace.\n"
            "Cambodians overseas cannot vote from abroad.\n")
    blocks = text_blocks(text)
    assert blocks[0].text == ("The ministry coordinates labour migration policy with partners and embassies abroad "
                              "while the diaspora office supports the well-being of returning workers and the "
                              "government funds provincial- and district-level meetings for them all.")
    assert isinstance(blocks[2], Heading)
    # a sentence ending short of the measure ends its block (a list that lost its bullets)
    assert [b.text for b in blocks[3:]] == [
        "The Labour Law protects foreigners against discrimination in the workplace.",
        "Cambodians overseas cannot vote from abroad."]


def test_a_line_end_hyphen_is_mended_in_british_spellings_and_kept_in_compounds():
    from mgiassist.ingest.readers.text_pages import _mend

    words = frozenset({"well-being"})
    pairs = [("fully opti-", "mised"), ("coun-", "selling"), ("govern-", "ment"), ("Government-", "funded"),
             ("the well-", "being"), ("provincial-", "and district-level")]
    assert [_mend(a, b, words) for a, b in pairs] == [
        "fully optimised", "counselling", "government", "Government-funded", "the well-being",
        "provincial- and district-level"]


def test_a_table_a_page_break_cut_is_one_table_and_a_notes_number_is_no_page_number():
    body = [*_wrapped_paragraphs(1), "Thailand\t689,451", "France\t69,748"]
    text = ("\n".join(body) + "\n2\n\nCAMBODIA\nCanada\t24,836\n\n"
            "Dual citizenship1 is allowed.\n\n1\nhttps://www.wto.org/a.pdf\n\n"
            + "\n".join(_wrapped_paragraphs(1)) + "\n3\n\nCAMBODIA\n" + "\n".join(_wrapped_paragraphs(1)) + "\n4\n")
    blocks = text_blocks(text)
    [table] = [b for b in blocks if isinstance(b, Table)]
    assert table.rows == [["Thailand", "689,451"], ["France", "69,748"], ["Canada", "24,836"]]
    [note] = [b for b in blocks if isinstance(b, FootnoteDefinition)]
    assert (note.number, note.text) == (1, "https://www.wto.org/a.pdf")
    assert not any(b.text in ("CAMBODIA", "2", "3", "4") for b in blocks)


def test_a_list_that_lost_its_bullets_keeps_one_item_a_line_even_when_one_fills_the_line():
    text = ("Regular migrant workers have equal access as citizens to health\n"
            "care under the social security scheme.\n"
            "The National Social Security Fund covers pension benefits for all.\n"
            "The Labour Law protects foreigners against discrimination at work.\n\n"
            "A paragraph that runs over lines goes on after a full stop that\n"
            "ends a full line. It stays one paragraph, wrapped as it was set\n"
            "by the typesetter on its page.\n")
    blocks = text_blocks(text)
    assert [b.text.split()[0] for b in blocks] == ["Regular", "The", "The", "A"]


def test_markdown_line_breaks_are_its_authors_and_only_plain_text_is_reflowed(tmp_path):
    text = ("The ministry coordinates labour migration policy with partners and\n"
            "embassies abroad while the office supports returning workers and\n"
            "families who stay behind in the provinces of the north and the\n"
            "south.\n"
            "It also funds training.\n")
    assert [b.text.split()[0] for b in text_blocks(text)] == ["The", "It"]
    path = tmp_path / "notes.md"
    path.write_text("# Ghana\n\n" + text, encoding="utf-8")
    [_, paragraph] = read_document(path).blocks
    assert paragraph.text == text.strip()


def test_a_viewers_copy_without_blank_lines_keeps_titles_items_and_sentences_apart():
    # no blank lines between blocks, pdfminer's unmapped bullet, a text box break inside an item,
    # a footer naming the site
    paragraph = ("Indicators in this domain assess the institutional, legal and regulatory\n"
                 "frameworks related to migration policies.\n")
    page = ("Whole of government approach\n" + paragraph * 3 + "www.example.org/profiles Page #\n"
            "(cid:127) 2003 Memorandum of Understanding between Thailand and Cambodia on\n\n"
            "Cooperation in the Employment of Workers calls for the legal deployment of\n"
            "workers to Thailand.\n")
    text = "".join(page.replace("#", str(n)) for n in (1, 2, 3))
    blocks = text_blocks(text)
    assert [type(b).__name__ for b in blocks][:5] == ["Heading", "Paragraph", "Paragraph", "Paragraph", "ListItem"]
    assert blocks[4].text.endswith("between Thailand and Cambodia on Cooperation in the Employment of "
                                   "Workers calls for the legal deployment of workers to Thailand.")
    assert not any("Page" in b.text for b in blocks)


def test_a_text_with_no_blank_line_at_all_has_one_block_a_logical_line():
    lines = ["Political rights", "Dual citizenship", "Right to vote in national elections",
             "Terminology: the terms are used to refer to the diaspora, though they are not",
             "commonly used, and the ministries use other words for the people abroad.",
             "Cambodia does not have a diaspora engagement policy.",
             "The ministry coordinates labour migration policy with partners and",
             "embassies abroad while the office supports returning workers and",
             "families who stay behind."]
    blocks = text_blocks("\n".join(lines) + "\n")
    assert [b.text.split()[0] for b in blocks] == ["Political", "Dual", "Right", "Terminology:", "Cambodia", "The"]


@pytest.mark.parametrize("text", [
    "Word1 and more text here that goes on and on.\n\n3\n" * 20000,  # a glued number, a bare one
    "A line of text that wraps\nand continues here in lower case\n" * 4900,  # one long paragraph
    ("A line that wraps and continues on\nand on in lower case\n" * 15 + "Page 1\nCAMBODIA\n") * 1000,
])
def test_long_flattened_texts_are_read_without_quadratic_passes(text):
    # every pass over the lines is linear or n log n (the rising runs by a Fenwick tree or by
    # number); a 1 MB text is read in about a second, so a quadratic pass would not finish here
    assert text_blocks(text)
