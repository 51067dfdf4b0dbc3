"""Political rights' yes/no values (issue 18, item 4): shown as a word, a check or cross glyph, or an
icon with alt text, each is read into the right's value; the text seeds show none, and their rights
stay without a value.

The look-alike with values (Kenya, from the Cambodia mapping) is made here: the text states
"Dual citizenship¹ Yes"; every rendering (``mgiassist.evaluate.renderings``, ``values=``) shows it
its own way and must give the text's profile.
"""

from __future__ import annotations

import unicodedata

import pytest
from conftest import SEED_CORPUS

from mgiassist.evaluate.lookalike import swap_country
from mgiassist.evaluate.producers import score
from mgiassist.evaluate.renderings import render
from mgiassist.ingest import load_profile, parse_profile
from mgiassist.ingest.blocks import Paragraph
from mgiassist.ingest.mapping.values import NO, YES, glyph_value, split_value, value_of
from mgiassist.text.countries import lookup_country

MAPPING = "eudif-diaspora-mapping-cambodia-2022"
# the rights of the seed and the values the look-alike gives them
RIGHTS = {
    "Dual citizenship¹": "Yes",
    "Right to vote in national elections for citizens residing abroad²": "Yes",
    "Voting from abroad³": "No",
}


def _seed() -> str:
    return (SEED_CORPUS / f"{MAPPING}.txt").read_text(encoding="utf-8")


def _valued_lookalike() -> str:
    text = swap_country(_seed(), lookup_country("Cambodia"), lookup_country("Kenya"))
    for right, value in RIGHTS.items():
        assert f"\n{right}\n" in text, right
        text = text.replace(f"\n{right}\n", f"\n{right} {value}\n", 1)
    return text


def _rights(profile) -> dict[str, tuple[str | None, str]]:
    return {s.attributes["right"]: (s.attributes.get("value"), s.text.split("\n")[0])
            for s in profile.sections if s.kind == "right"}


# ------------------------------------------------------------------------------ glyphs and words

# an explicit table: the glyphs fonts and templates use for ticks and crosses, and look-alikes
# that are not values (the multiplication sign is arithmetic; an empty box is unanswered)
GLYPHS = {
    "✓": YES, "✔": YES, "✅": YES, "☑": YES, "🗸": YES, "🗹": YES,
    "✗": NO, "✘": NO, "❌": NO, "❎": NO, "☒": NO, "✕": NO, "✖": NO, "🗴": NO, "🗷": NO,
    "×": None, "•": None, "X": None, "x": None, "☐": None, "⍻": None, "✚": None, "1": None,
}


@pytest.mark.parametrize("glyph", list(GLYPHS))
def test_glyphs_by_their_unicode_names(glyph):
    assert glyph_value(glyph) == GLYPHS[glyph], unicodedata.name(glyph, "?")


def test_every_check_mark_and_ballot_x_in_unicode_reads_as_a_value():
    """The rule is the names, so a check mark no table lists (any block) is read too."""
    import sys

    for code in range(0x2000, min(sys.maxunicode, 0x1FAFF)):
        name = unicodedata.name(chr(code), "")
        if name.endswith("CHECK MARK") and not name.startswith("NOT "):
            assert glyph_value(chr(code)) == YES, name
        if "BALLOT" in name and name.split()[-1] == "X":
            assert glyph_value(chr(code)) == NO, name


def test_words_and_glyphs_as_whole_tokens():
    assert [value_of(t) for t in ("Yes", "NO", "yes.", "✔\ufe0f", "✗")] == [YES, NO, YES, YES, NO]
    assert [value_of(t) for t in ("Yesterday", "Nope", "N/A", "", "Not")] == [None] * 5


@pytest.mark.parametrize("text, label, value", [
    ("Dual citizenship Yes", "Dual citizenship", YES),
    ("Dual citizenship: No", "Dual citizenship", NO),
    ("Voting from abroad – ✗", "Voting from abroad", NO),
    ("✔️ Voting from abroad", "Voting from abroad", YES),
    ("Right to vote\t✓", "Right to vote", YES),
])
def test_a_value_is_split_from_its_label(text, label, value):
    got = split_value(Paragraph(text))
    assert got is not None and (got[0].text, got[1]) == (label, value)


@pytest.mark.parametrize("text", [
    "Dual citizenship", "Cambodia does not have a diaspora engagement policy.",
    "Yes", "No Voting from abroad", "Box × 3",
])
def test_no_value_where_none_is_shown(text):
    """A leading word is not a value ("No voting…" is a sentence); only a leading glyph is."""
    assert split_value(Paragraph(text)) is None


def test_markers_keep_their_place_in_the_label():
    label, value = split_value(Paragraph("✓ Dual citizenship", markers=((18, 1),)))
    assert (label.text, label.markers, value) == ("Dual citizenship", ((16, 1),), YES)


# ------------------------------------------------------------------------------ the parse


def test_the_text_seeds_rights_stay_without_a_value():
    rights = _rights(parse_profile(_seed(), MAPPING))
    assert set(rights) == {r.rstrip("¹²³") for r in RIGHTS}
    assert all(value is None for value, _ in rights.values())
    assert rights["Dual citizenship"][1] == "Dual citizenship¹"


def test_a_value_typed_in_the_text_is_the_rights_value():
    rights = _rights(parse_profile(_valued_lookalike(), MAPPING))
    assert rights == {
        "Dual citizenship": (YES, "Dual citizenship¹: Yes"),
        "Right to vote in national elections for citizens residing abroad": (
            YES, "Right to vote in national elections for citizens residing abroad²: Yes"),
        "Voting from abroad": (NO, "Voting from abroad³: No"),
    }


def test_a_value_on_its_own_line_belongs_to_the_right_above():
    text = _valued_lookalike().replace("Dual citizenship¹ Yes\n", "Dual citizenship¹\n\n✔\n", 1)
    rights = _rights(parse_profile(text, MAPPING))
    assert rights["Dual citizenship"] == (YES, "Dual citizenship¹: Yes")


def test_an_item_with_a_value_is_no_longer_an_empty_item():
    """The answer step says "its text gives no value" only for an item whose passage is its own
    heading (answer/partial.py); a right with its value has more to quote."""
    from mgiassist.answer.partial import _is_empty_item
    from mgiassist.chunk import chunk_profile

    def empty(text: str) -> dict[str, bool]:
        chunks = chunk_profile(parse_profile(text, MAPPING), count_tokens=lambda t: len(t.split()),
                               max_tokens=256)
        return {c.heading_path[-1]: _is_empty_item(c) for c in chunks if c.kind == "right"}

    assert empty(_seed())["Dual citizenship"] is True
    assert empty(_valued_lookalike())["Dual citizenship"] is False


# ------------------------------------------------------------------------------ renderings

RENDERINGS = [("html", "text"), ("html", "glyph"), ("html", "icon"), ("docx", "text"), ("docx", "glyph"),
              ("docx", "icon"), ("pdf-1col", "glyph"), ("pdf-2col", "glyph")]


@pytest.mark.parametrize("fmt, values", RENDERINGS)
def test_every_way_of_showing_a_value_reads_like_the_text(tmp_path, fmt, values):
    pytest.importorskip("docx" if fmt == "docx" else "bs4" if fmt == "html" else "reportlab")
    text = _valued_lookalike()
    path = render(text, fmt, tmp_path, "kenya-mapping", values=values)
    shown = path.read_bytes()
    if values == "icon":  # the word is only in the icon's alt text
        assert (b'alt="Yes"' in shown) if fmt == "html" else (b"<w:t>Yes</w:t>" not in _document_xml(path))
    expected = parse_profile(text, MAPPING)
    got = load_profile(path, tmp_path)
    assert _rights(got) == _rights(expected)
    result = score(expected, got)
    assert (result.section_f1, result.footnote_recall) == (1.0, 1.0), result.missing


def _tabled_lookalike() -> str:
    """The look-alike with its rights set as a table of names and values (no note markers: a
    table cell keeps none)."""
    text = _valued_lookalike()
    rows = ["Right\tStatus"]
    for right, value in RIGHTS.items():
        text = text.replace(f"\n{right} {value}\n", "\n", 1)
        rows.append(f"{right.rstrip('¹²³')}\t{value}")
    return text.replace("\nPolitical rights\n", "\nPolitical rights\n" + "\n".join(rows) + "\n", 1)


@pytest.mark.parametrize("fmt, values", [("html", "glyph"), ("html", "icon"), ("docx", "glyph"), ("docx", "icon")])
def test_a_table_of_rights_and_values_reads_like_the_text(tmp_path, fmt, values):
    pytest.importorskip("docx" if fmt == "docx" else "bs4")
    text = _tabled_lookalike()
    expected = parse_profile(text, MAPPING)
    assert {name: value for name, (value, _) in _rights(expected).items()} == {
        "Dual citizenship": YES, "Right to vote in national elections for citizens residing abroad": YES,
        "Voting from abroad": NO}
    got = load_profile(render(text, fmt, tmp_path, "kenya-mapping", values=values), tmp_path)
    assert _rights(got) == _rights(expected)
    assert score(expected, got).section_f1 == 1.0


def _document_xml(path) -> bytes:
    import zipfile

    with zipfile.ZipFile(path) as archive:
        return archive.read("word/document.xml")


def test_icons_without_alt_text_leave_the_right_without_a_value(tmp_path):
    """An icon nobody named says nothing: the right reads as in the text seeds."""
    path = render(_valued_lookalike(), "html", tmp_path, "kenya-mapping", values="icon")
    page = path.read_text(encoding="utf-8").replace('alt="Yes"', 'alt=""').replace('alt="No"', 'alt=""')
    path.write_text(page, encoding="utf-8")
    rights = _rights(load_profile(path, tmp_path))
    assert all(value is None for value, _ in rights.values())
