"""The mapping parser on blocks as flattened text gives them (a PDF's text taken without its
layout: no emphasis, no bullets, running headers in the text): each rule on a few blocks, with
wording other than the seeds'."""

from __future__ import annotations

from mgiassist.ingest import parse_profile
from mgiassist.ingest.blocks import Document, FootnoteDefinition, Heading, ListItem, Paragraph


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


def _levels(*blocks) -> dict[str, str | None]:
    profile = parse_profile(mapping(Heading("Annex"), Heading("Diaspora related institutions"), *blocks,
                                    Heading("Diaspora organisations in Europe"),
                                    Paragraph("Chad Friends Association France 1999"),
                                    Paragraph("Development activities"), Paragraph("A cultural group.")),
                            "chad.txt")
    return {s.attributes["name"]: s.attributes["level"] for s in profile.sections if s.kind == "actor"}


def test_annex_levels_without_bullets_are_the_short_lines_with_no_body_of_their_own():
    # as flattened text gives them: every line a title, no list item, no emphasis. "At … level"
    # lines are levels; the line whose only content is such a level line ("Government bodies")
    # is the level they refine; an actor has its description
    levels = _levels(
        Paragraph("At international level"),
        Paragraph("World Diaspora Forum 2001"), Paragraph("A forum of diaspora ministers."),
        Paragraph("Government bodies"),
        Paragraph("At ministerial level"),
        Paragraph("Ministry of Chadians Abroad 2010"), Paragraph("It serves Chadians abroad."),
        Paragraph("Office of the Diaspora"), Paragraph("It keeps a register."),
        Paragraph("At provincial level"),
        Paragraph("Office of Returns 2012"), Paragraph("It welcomes returnees."),
    )
    assert levels == {
        "World Diaspora Forum": "At international level",
        "Ministry of Chadians Abroad": "Government bodies › At ministerial level",
        "Office of the Diaspora": "Government bodies › At ministerial level",
        "Office of Returns": "Government bodies › At provincial level",
        "Chad Friends Association": None,
    }


def test_annex_level_line_that_lost_its_bullet_takes_the_shape_of_the_listed_ones():
    # a bullet lost at a page break: the line has the shape of the document's listed levels
    # ("Regional offices" like "National offices"), and no body of its own
    levels = _levels(
        ListItem("National offices"),
        ListItem("At ministerial level"),
        Paragraph("Ministry of Chadians Abroad 2010"), Paragraph("It serves Chadians abroad."),
        Paragraph("At municipal level"),
        Paragraph("Office of Returns 2012"), Paragraph("It welcomes returnees."),
        Paragraph("Regional offices"),
        Paragraph("Lake Chad Office 2015"), Paragraph("It serves the lake's region."),
    )
    assert levels == {
        "Ministry of Chadians Abroad": "National offices › At ministerial level",
        "Office of Returns": "National offices › At municipal level",
        "Lake Chad Office": "Regional offices",
        "Chad Friends Association": None,
    }


def test_annex_short_actor_without_a_description_is_still_an_actor():
    # a title followed by another title is a level only when it has a level's shape or opens one
    levels = _levels(
        ListItem("At national level"),
        Paragraph("Diaspora Council 2004"),
        Paragraph("Ministry of Chadians Abroad 2010"), Paragraph("It serves Chadians abroad."),
    )
    assert levels == {"Diaspora Council": "At national level", "Ministry of Chadians Abroad": "At national level",
                      "Chad Friends Association": None}


OBSTACLES = (Heading("Obstacles"), Paragraph("Lack of data: There are no figures."))


def test_mapping_country_from_the_title_line_when_a_running_header_comes_first():
    # a viewer's copy keeps the running header on page 1 above the title: its line names the
    # mapping too, but with the publisher after the country
    header = "Diaspora engagement mapping GHANA · EUDiF / IOM"
    blocks = mapping(*OBSTACLES, title="Diaspora engagement mapping GHANA").blocks
    profile = parse_profile(doc(Paragraph(header), *blocks), "ghana.txt")
    assert (profile.country, profile.title) == ("Ghana", "Diaspora engagement mapping: Ghana")


def test_mapping_country_from_a_running_header_alone_is_the_name_before_its_separator():
    # the title line lost; the header (set aside by the reader) is all that names the country
    header = "Diaspora engagement mapping GHANA | EUDiF / IOM"
    blocks = mapping(*OBSTACLES).blocks[1:]
    profile = parse_profile(doc(*blocks, running=(header,)), "ghana.txt")
    assert (profile.country, profile.country_code) == ("Ghana", "GHA")


def test_the_heading_over_the_notes_gathered_at_the_end_is_not_a_passage():
    # endnotes under their own heading, after a part that a scrambled file left last: the heading
    # heads nothing but notes, so it is not the part's last paragraph
    notes = [FootnoteDefinition(f"https://a.org/{n}", number=n) for n in (1, 2)]
    blocks = [Paragraph("Diaspora engagement mapping – Chad"), Heading("Political rights"),
              Paragraph("Dual citizenship", markers=((16, 1),)), Paragraph("Written by: A. Author Updated March 2023"),
              Heading("Trends"), Paragraph("Emigration grew.", markers=((16, 2),)), Heading("References"), *notes]
    profile = parse_profile(doc(*blocks), "chad.txt")
    assert [s.text for s in profile.sections if s.heading_path[0] == "Trends"] == ["Emigration grew.²"]
    assert len(profile.metadata["footnotes"]) == 2
