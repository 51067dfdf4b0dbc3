"""The mapping parser on blocks as flattened text gives them (a PDF's text taken without its
layout: no emphasis, no bullets, running headers in the text): each rule on a few blocks, with
wording other than the seeds'."""

from __future__ import annotations

from mgiassist.ingest import parse_profile
from mgiassist.ingest.blocks import Document, FootnoteDefinition, Heading, Paragraph


def doc(*blocks, running: tuple[str, ...] = ()) -> Document:
    return Document(source="x", format="test", blocks=list(blocks), running=list(running))


def mapping(*part_blocks, title: str = "Diaspora engagement mapping – Chad") -> Document:
    return doc(Paragraph(title), Heading("Political rights"), Paragraph("Dual citizenship"), *part_blocks,
               Paragraph("Written by: A. Author Updated March 2023"))


def after(text: str, words: str, number: int) -> tuple[tuple[int, int]]:
    """A marker right after ``words`` in ``text``."""
    return ((text.index(words) + len(words), number),)


def _timeline_titles(*blocks) -> list[tuple[str, str, tuple[int, ...]]]:
    profile = parse_profile(mapping(Heading("Overview of the policy and legislative framework"), *blocks,
                                    *(FootnoteDefinition(f"https://a.org/{n}", number=n) for n in range(1, 6))),
                            "chad.txt")
    return [(s.attributes["years"], s.attributes["title"], tuple(f.number for f in s.footnotes))
            for s in profile.sections if s.kind == "timeline"]


def test_timeline_title_without_emphasis_ends_at_its_first_footnote_marker():
    # the marker closes the title as the emphasis did ("**Diaspora Act¹** set up …"); the first
    # full stop would have taken the whole first sentence
    text = "2010 Diaspora Act set up an office for Chadians abroad. It was amended in 2015."
    assert _timeline_titles(Paragraph(text, markers=after(text, "Act", 1))) == [("2010", "Diaspora Act", (1,))]
    # the year alone on its line, the title and its marker in the next block
    text = "Return Programme of the Ministry helped returnees. It ran four years."
    assert _timeline_titles(Paragraph("2012 – 2016"), Paragraph(text, markers=after(text, "Ministry", 2))) == [
        ("2012–2016", "Return Programme of the Ministry", (2,))]


def test_timeline_title_without_emphasis_still_ends_at_a_stop_before_any_marker():
    policy, fund = "2019 National Migration Policy. A policy on return.", "2020 Remittance Fund: a fund for firms."
    assert _timeline_titles(Paragraph(policy, markers=after(policy, "return.", 3)),
                            Paragraph(fund, markers=after(fund, "firms.", 4))) == [("2019", "National Migration Policy", (3,)), ("2020", "Remittance Fund", (4,))]


def test_timeline_title_with_emphasis_is_the_emphasis_whatever_the_markers():
    text = "2010 Diaspora Act for Chadians abroad set up an office."
    assert _timeline_titles(Paragraph(text, markers=after(text, "Act", 1), bold=((5, 37),))) == [
        ("2010", "Diaspora Act for Chadians abroad", (1,))]
