"""Each family-parser rule on a few blocks, in renderings other than the seeds' text dump: the
rules read wording and structure, never one file's glyphs."""

from __future__ import annotations

from mgiassist.ingest import parse_profile
from mgiassist.ingest.blocks import (
    Document,
    FootnoteDefinition,
    Heading,
    ListItem,
    Paragraph,
    Table,
)
from mgiassist.schema import FAMILY_MAPPING, FAMILY_MGI, FAMILY_OTHER


def doc(*blocks) -> Document:
    return Document(source="x", format="test", blocks=list(blocks))


MGI = [
    Paragraph("Migration Governance Indicators"),
    Heading("Whole-of-government approach", level=2),
    Paragraph("Indicators in this domain assess frameworks."),
    Heading("Key findings"),
    Heading("Introduction"),
    Paragraph("This Profile describes the Republic of Chad (hereafter referred to as Chad) and more."),
    Paragraph("Tap the icons on the map to explore the key findings."),
    Heading("Key findings"),
    Heading("Whole-of-government approach"),
    Heading("Well-developed areas", level=3),
    Paragraph("Chad has a migration strategy."),
    Heading("Areas with potential for further development", level=3),
    ListItem("There is no diaspora office."),
    Paragraph("Updated: March 2023"),
]


def test_mgi_findings_by_wording_with_or_without_bullets():
    profile = parse_profile(doc(*MGI), "chad.pdf")
    assert (profile.family, profile.country, profile.date) == (FAMILY_MGI, "Chad", "March 2023")
    findings = [(s.domain, s.polarity, s.text) for s in profile.sections if s.kind == "finding"]
    assert findings == [
        ("Whole of government approach", "well-developed", "Chad has a migration strategy."),
        ("Whole of government approach", "further-development", "There is no diaspora office."),
    ]
    [definition] = [s for s in profile.sections if s.kind == "definition"]
    assert definition.domain == "Whole of government approach"
    assert not any("Tap the icons" in s.text for s in profile.sections)  # a page instruction


def mapping(*part_blocks) -> Document:
    return doc(Heading("Diaspora engagement mapping – Chad"), Heading("Political rights"),
               Paragraph("Dual citizenship", markers=((16, 1),)),
               FootnoteDefinition("https://a.org/dual", number=1), *part_blocks,
               Paragraph("Written by: A. Author Edited by: EUDiF May 2020 Updated March 2023"))


def test_timeline_entries_open_with_a_year_in_any_block():
    profile = parse_profile(mapping(
        Heading("Overview of the policy and legislative framework"),
        Paragraph("2010–2015 Diaspora Act: The act created an office.", markers=((23, 2),)),
        Paragraph("It also set fees."),
        ListItem("2019 National Migration Policy. A policy on return."),
        FootnoteDefinition("Ibid", number=2),
    ), "chad.html")
    entries = [s for s in profile.sections if s.kind == "timeline"]
    assert [(s.attributes["years"], s.attributes["title"]) for s in entries] == [
        ("2010–2015", "Diaspora Act"), ("2019", "National Migration Policy")]
    assert entries[0].text == "2010–2015: Diaspora Act:² The act created an office. It also set fees."
    assert (profile.family, profile.date, profile.metadata["written"]) == (FAMILY_MAPPING, "March 2023", "May 2020")
    assert profile.metadata["authors"] == {"written": "A. Author", "edited": "EUDiF"}
    right = next(s for s in profile.sections if s.kind == "right")
    assert [f.urls for f in right.footnotes] == [("https://a.org/dual",)]


def test_obstacles_by_label_when_the_list_lost_its_bullets():
    profile = parse_profile(mapping(
        Heading("Obstacles"),
        Paragraph("Lack of data: There are no figures."),
        Paragraph("They are not collected."),
        Paragraph("Mistrust: Many fled."),
    ), "chad.docx")
    obstacles = [(s.heading_path[-1], s.text) for s in profile.sections if s.kind == "obstacle"]
    assert obstacles == [("Lack of data", "Lack of data: There are no figures. They are not collected."),
                         ("Mistrust", "Mistrust: Many fled.")]


def test_spotlight_practice_is_a_title_then_capital_tags():
    profile = parse_profile(mapping(
        Heading("SPOTLIGHT: effective practices"),
        Paragraph("Diaspora bond 2017 – 2019", bold=((0, 25),)),
        Paragraph("INVESTMENT / SKILLS"),
        Paragraph("A bond for investors abroad."),
    ), "chad.pdf")
    [practice] = [s for s in profile.sections if s.kind == "practice"]
    assert practice.attributes == {"title": "Diaspora bond", "year": "2017–2019", "themes": ["INVESTMENT", "SKILLS"]}


def test_annex_levels_by_emphasis_nesting_or_wording():
    profile = parse_profile(mapping(
        Heading("Annex"),
        Heading("Diaspora related institutions"),
        ListItem("National institutions"),
        ListItem("At ministerial level"),
        Paragraph("Ministry of Chadians Abroad 2010"),
        Paragraph("It serves Chadians abroad."),
        Heading("Diaspora organisations in Europe"),
        Paragraph("Chad Friends Association France 1999"),
        Paragraph("Development activities"),
        Paragraph("A cultural group."),
    ), "chad.pdf")
    actors = {s.attributes["name"]: s.attributes for s in profile.sections if s.kind == "actor"}
    assert actors["Ministry of Chadians Abroad"]["level"] == "National institutions › At ministerial level"
    friends = actors["Chad Friends Association"]
    assert (friends["country"], friends["year"], friends["activities"]) == ("France", "1999", ["Development activities"])


def test_destination_table_takes_the_title_before_it():
    profile = parse_profile(mapping(
        Heading("Facts & figures"),
        Paragraph("Remittances as a share of GDP: 2%"),
        Heading("Top countries of destination"),
        Table("", rows=[["Sudan", "12"], ["France", "3"]]),
    ), "chad.html")
    [table] = [s for s in profile.sections if s.kind == "table"]
    assert table.heading_path == ("Facts & figures", "Top countries of destination")
    assert table.attributes["rows"] == [["Sudan", "12"], ["France", "3"]]


def test_generic_fallback_finds_titles_set_in_body_type():
    profile = parse_profile(doc(Paragraph("Migration in Ghana"), Paragraph("Ghana engages its diaspora."),
                                Paragraph("Remittances"), Paragraph("They reached four percent.")), "g.pdf")
    assert profile.family == FAMILY_OTHER and profile.metadata["ingest"]["parser"] == "generic"
    assert [s.heading_path for s in profile.sections] == [("Migration in Ghana",), ("Remittances",)]


def test_timeline_year_set_apart_from_its_entry():
    profile = parse_profile(mapping(
        Heading("Overview of the policy and legislative framework"),
        Paragraph("2003"),
        Paragraph("Labour MoU with Thailand calls for legal deployment.", bold=((0, 25),)),
        Paragraph("2007 – 2009"),
        Paragraph("Prakas 012: a taskforce."),
    ), "chad.html")
    entries = [s.attributes for s in profile.sections if s.kind == "timeline"]
    assert [(e["years"], e["title"]) for e in entries] == [("2003", "Labour MoU with Thailand"),
                                                         ("2007–2009", "Prakas 012")]


def test_key_findings_and_domain_in_one_heading():
    blocks = [Heading("Key findings: Partnerships") if b.text == "Whole-of-government approach" and i > 3 else b
              for i, b in enumerate(MGI) if b.text != "Key findings" or i < 5]
    profile = parse_profile(doc(*blocks), "chad.html")
    assert {s.domain for s in profile.sections if s.kind == "finding"} == {"Partnerships"}
