from __future__ import annotations

import logging
from pathlib import Path

import pytest
from conftest import SEED_CORPUS

from mgiassist.errors import CorpusError, ProfileError
from mgiassist.evaluate.lookalike import swap_country
from mgiassist.ingest import MGI_DOMAINS, detect_family, load_corpus, parse_profile, read_text
from mgiassist.schema import (
    FAMILY_MAPPING,
    FAMILY_MGI,
    FAMILY_OTHER,
    POLARITY_FURTHER_DEVELOPMENT,
    POLARITY_WELL_DEVELOPED,
)
from mgiassist.text.countries import lookup_country

MGI_SEED = SEED_CORPUS / "mgi-profile-cambodia-2021.txt"
MAPPING_SEED = SEED_CORPUS / "eudif-diaspora-mapping-cambodia-2022.txt"


@pytest.fixture(scope="module")
def mgi():
    return parse_profile(MGI_SEED.read_text(encoding="utf-8"), MGI_SEED.name)


@pytest.fixture(scope="module")
def mapping():
    return parse_profile(MAPPING_SEED.read_text(encoding="utf-8"), MAPPING_SEED.name)


def test_mgi_profile_metadata(mgi):
    assert mgi.family == FAMILY_MGI
    assert (mgi.country, mgi.country_code) == ("Cambodia", "KHM")
    assert mgi.date == "February 2021"
    assert mgi.title == "Migration Governance Profile: The Kingdom of Cambodia"


def test_mgi_profile_has_six_domains_each_with_both_polarity_lists(mgi):
    findings = [s for s in mgi.sections if s.kind == "finding"]
    assert {s.domain for s in findings} == set(MGI_DOMAINS)
    for domain in MGI_DOMAINS:
        polarities = {s.polarity for s in findings if s.domain == domain}
        assert polarities == {POLARITY_WELL_DEVELOPED, POLARITY_FURTHER_DEVELOPMENT}, domain
    assert len(findings) == 27
    weak = [s.text for s in findings if s.polarity == POLARITY_FURTHER_DEVELOPMENT and s.domain == "Migrants' rights"]
    assert weak == [
        "Foreigners must fulfil certain specific requirements to stand for election as trade union representatives.",
        "Cambodians overseas cannot vote from abroad.",
    ]


def test_mgi_profile_keeps_national_and_city_definitions_and_introduction(mgi):
    definitions = [s for s in mgi.sections if s.kind == "definition"]
    assert {(s.domain, s.attributes["scope"]) for s in definitions} == {
        (d, scope) for d in MGI_DOMAINS for scope in ("national", "city level")
    }
    city = next(s for s in definitions if s.domain == "Partnerships" and s.attributes["scope"] == "city level")
    assert city.text.startswith("Indicators in this category focus on cities’ efforts")
    intro = [s for s in mgi.sections if s.domain == "Introduction"]
    assert intro and "hereafter referred to as Cambodia" in intro[0].text
    assert not any("Click the icons" in s.text for s in mgi.sections)


def test_mapping_metadata(mapping):
    assert mapping.family == FAMILY_MAPPING
    assert (mapping.country, mapping.country_code) == ("Cambodia", "KHM")
    assert mapping.metadata["written"] == "September 2020"
    assert mapping.metadata["updated"] == "September 2022"
    assert mapping.date == "September 2022"
    assert mapping.metadata["authors"] == {"written": "Dr Ronojoy Sen", "edited": "EUDiF"}


def test_mapping_destination_table_is_one_intact_section(mapping):
    tables = [s for s in mapping.sections if s.kind == "table"]
    assert len(tables) == 1
    assert tables[0].heading_path == ("Facts & figures", "Top countries of destination")
    assert tables[0].attributes["rows"] == [
        ["Thailand", "689,451"],
        ["United States of America", "196,003"],
        ["France", "69,748"],
        ["Australia", "38,278"],
        ["Canada", "24,836"],
    ]


def test_voting_from_abroad_passage_carries_footnote_three(mapping):
    rights = {s.heading_path[-1]: s for s in mapping.sections if s.kind == "right"}
    assert list(rights) == [
        "Dual citizenship",
        "Right to vote in national elections for citizens residing abroad",
        "Voting from abroad",
    ]
    voting = rights["Voting from abroad"]
    assert "in practice it has not yet been implemented" in voting.text
    [note] = voting.footnotes
    assert note.number == 3
    assert note.urls == (
        "https://www.khmertimeskh.com/6674/nec-pressed-on-election-reforms/",
        "https://www.phnompenhpost.com/national/group-calls-oversees-voting",
    )
    assert [f.number for f in rights["Dual citizenship"].footnotes] == [1]


def test_emigration_figures_keep_the_eu_share_with_the_emigrants(mapping):
    figures = {s.heading_path[-1]: s.text for s in mapping.sections if s.kind == "figures"}
    assert "% of which in the EU" in figures["Emigration"]
    assert figures["Remittances"] == "Remittances as a share of GDP: 4.9%\nRemittances inflow (USD million): 1,272"


def test_mapping_timeline_obstacles_practices_and_actors(mapping):
    timeline = [s for s in mapping.sections if s.kind == "timeline"]
    assert [s.attributes["years"] for s in timeline] == ["2003", "2007", "2014–2018", "2014–2018", "2017–2025"]
    assert timeline[0].attributes["title"].startswith("Memorandum of Understanding (MoU) between Thailand")
    assert [f.number for f in timeline[1].footnotes] == [5, 6, 7]
    obstacles = [s.heading_path[-1] for s in mapping.sections if s.kind == "obstacle"]
    assert obstacles == ["Lack of resources", "Media landscape", "Political division"]
    practices = {s.attributes["title"]: s.attributes for s in mapping.sections if s.kind == "practice"}
    mrc = practices["Migrant workers resource centres"]
    assert (mrc["year"], mrc["themes"]) == ("2013", ["TRAINING", "RIGHTS"])
    assert practices["The Employment Permit Scheme"]["year"] == "2006"
    actors = {s.attributes["name"]: s.attributes for s in mapping.sections if s.kind == "actor"}
    assert actors["Ministry of Interior"]["year"] == "1996"
    assert actors["Ministry of Interior"]["level"] == "National institutions › At ministerial level"
    assert actors["Khmer Rouge Victims' Collective"]["country"] == "France"
    assert actors["Khmer Rouge Victims' Collective"]["actor_type"] == "organisation"
    assert len(actors) == 15


def test_ibid_footnote_inherits_previous_source(mapping):
    notes = {n["number"]: n for n in mapping.metadata["footnotes"]}
    assert notes[22]["text"] == "Ibid"
    assert notes[22]["urls"] == notes[21]["urls"] and notes[21]["urls"]
    assert notes[19]["urls"] == ["https://www.mfaic.gov.kh/site/detail/41663"]  # a superscript-numbered note


@pytest.mark.parametrize("seed", [MGI_SEED, MAPPING_SEED], ids=["mgi", "mapping"])
def test_parsers_hold_no_country_strings(seed: Path):
    """A look-alike of another country parses the same way, with that country's names."""
    original = parse_profile(seed.read_text(encoding="utf-8"), seed.name)
    cambodia, kenya_names = lookup_country("Cambodia"), lookup_country("Kenya")
    kenya = parse_profile(swap_country(seed.read_text(encoding="utf-8"), cambodia, kenya_names), "kenya.txt")
    assert (kenya.country, kenya.country_code, kenya.family) == ("Kenya", "KEN", original.family)
    expected = [tuple(swap_country(h, cambodia, kenya_names) for h in s.heading_path) for s in original.sections]
    assert [s.heading_path for s in kenya.sections] == expected
    assert [s.kind for s in kenya.sections] == [s.kind for s in original.sections]
    assert not any("Cambodia" in s.text for s in kenya.sections)


def test_family_detection():
    assert detect_family(MGI_SEED.read_text(encoding="utf-8")) == FAMILY_MGI
    assert detect_family(MAPPING_SEED.read_text(encoding="utf-8")) == FAMILY_MAPPING
    assert detect_family("# Notes\n\nSomething about Kenya.") == FAMILY_OTHER


def test_markdown_profile_falls_back_to_heading_sections(tmp_path):
    text = "# Migration in Kenya\n\nKenya hosts refugees.\n\n## Labour\n\nKenyan workers go to the Gulf.\n"
    profile = parse_profile(text, "notes.md")
    assert profile.family == FAMILY_OTHER
    assert profile.country == "Kenya"
    assert [(s.heading_path, s.text) for s in profile.sections] == [
        (("Migration in Kenya",), "Kenya hosts refugees."),
        (("Migration in Kenya", "Labour"), "Kenyan workers go to the Gulf."),
    ]


def test_html_profile_is_read_by_its_headings(tmp_path):
    path = tmp_path / "ghana.html"
    path.write_text("<html><body><h1>Ghana</h1><p>Ghana engages its diaspora.</p>"
                    "<h2>Remittances</h2><p>Remittances are <b>large</b>.</p></body></html>", encoding="utf-8")
    profile = parse_profile(read_text(path), path.name)
    assert profile.country == "Ghana"
    assert ("Ghana", "Remittances") in [s.heading_path for s in profile.sections]


def test_bad_files_are_skipped_with_a_warning_naming_them(tmp_path, caplog, monkeypatch):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.md").write_text("# Kenya\n\nKenya has a diaspora policy.\n", encoding="utf-8")
    (corpus / "empty.txt").write_text("   \n", encoding="utf-8")
    (corpus / "binary.txt").write_bytes(b"\x00\x01\x02garbage")
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.4 not really a pdf")
    (corpus / "locked.txt").write_text("secret", encoding="utf-8")
    real_read = Path.read_bytes

    def read_bytes(self):
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied")
        return real_read(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    with caplog.at_level(logging.WARNING):
        loaded = load_corpus(corpus)
    assert [p.source for p in loaded.profiles] == ["good.md"]
    assert len(loaded.skipped) == 4
    for name in ("empty.txt", "binary.txt", "broken.pdf", "locked.txt"):
        assert any(name in message for message in caplog.messages), name


def test_malformed_mgi_profile_falls_back_to_headings(caplog):
    text = "Migration Governance Profile: Kenya\n\nwell-developed areas are described elsewhere.\n\nKenya text.\n"
    with caplog.at_level(logging.WARNING):
        profile = parse_profile(text, "odd.txt")
    assert profile.family == FAMILY_OTHER
    assert any("Key findings" in m for m in caplog.messages)


def test_missing_or_empty_corpus_is_a_clear_error(tmp_path):
    with pytest.raises(CorpusError, match="does not exist"):
        load_corpus(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(CorpusError, match="no readable profile"):
        load_corpus(tmp_path / "empty")


def test_read_text_rejects_empty_file(tmp_path):
    path = tmp_path / "x.txt"
    path.write_text("", encoding="utf-8")
    with pytest.raises(ProfileError, match="empty"):
        read_text(path)


def test_page_references_are_not_part_of_footnote_urls(mapping):
    notes = {n["number"]: n for n in mapping.metadata["footnotes"]}
    assert notes[14]["urls"] == [
        "http://ilo.org/wcmsp5/groups/public/---asia/---ro-bangkok/documents/publication/wcms_228484.pdf"
    ]
    assert notes[14]["text"].endswith(".pdf: 17")


def test_pdf_profile_is_read_by_its_title_lines(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    lines = ["Migration in Ghana", "Ghana engages its diaspora through a diaspora affairs office.",
             "Remittances", "Remittances reached four percent of GDP."]
    figure = plt.figure(figsize=(8.5, 11))
    for i, line in enumerate(lines):
        figure.text(0.1, 0.9 - i * 0.05, line)
    path = tmp_path / "ghana.pdf"
    figure.savefig(path)
    plt.close(figure)
    profile = parse_profile(read_text(path), path.name)
    assert profile.country == "Ghana"
    assert [(s.heading_path, s.text) for s in profile.sections] == [
        (("Migration in Ghana",), "Ghana engages its diaspora through a diaspora affairs office."),
        (("Remittances",), "Remittances reached four percent of GDP."),
    ]
