"""Editions: several publications of one profile in one index; the newest answers by default.

The corpus is built here: the Cambodia seeds plus two more editions of the mapping made by
editing a copy's date and a few figures (2020: remittances 1,105; 2023: remittances 1,510,
France 71,002, 170 %, an obstacle replaced).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import SEED_CORPUS, FakeEmbedder

from mgiassist.editions import (
    Edition,
    date_key,
    date_matches,
    edition_note,
    editions_of_manifest,
    group_editions,
    list_editions,
    question_years,
)
from mgiassist.errors import FilterError
from mgiassist.schema import FAMILY_MAPPING, FAMILY_MGI, FAMILY_OTHER

MAPPING = "eudif-diaspora-mapping-cambodia-2022.txt"
MGI = "mgi-profile-cambodia-2021.txt"
OLD = "eudif-diaspora-mapping-cambodia-2020.txt"
NEW = "eudif-diaspora-mapping-cambodia-2023.txt"
POLITICAL_DIVISION = (
    "- **Political division:** There is political division in the diaspora, linked to its history, making "
    "government-led diaspora engagement initiatives challenging for certain groups."
)
BRAIN_DRAIN = (
    "- **Brain drain:** Skilled workers leave faster than training programmes can replace them, and no "
    "scheme yet brings returnees into the civil service."
)


def write_editions(folder: Path) -> Path:
    """The two seeds, and the mapping's 2020 and 2023 editions beside its 2022 one."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in (MAPPING, MGI):
        shutil.copy2(SEED_CORPUS / name, folder / name)
    text = (SEED_CORPUS / MAPPING).read_text(encoding="utf-8")
    assert "Updated September 2022" in text and "**1,272**" in text and POLITICAL_DIVISION in text
    (folder / OLD).write_text(
        text.replace("Updated September 2022", "Updated September 2020").replace("**1,272**", "**1,105**"),
        encoding="utf-8",
    )
    (folder / NEW).write_text(
        text.replace("Updated September 2022", "Updated September 2023")
        .replace("**1,272**", "**1,510**")
        .replace("France\t69,748", "France\t71,002")
        .replace("seeing a 160% increase", "seeing a 170% increase")
        .replace(POLITICAL_DIVISION, BRAIN_DRAIN),
        encoding="utf-8",
    )
    return folder


@pytest.fixture(scope="module")
def editions_index(tmp_path_factory) -> Path:
    from mgiassist.index import build_index

    root = tmp_path_factory.mktemp("editions")
    corpus = write_editions(root / "corpus")
    build_index(corpus, root / "index", embedder=FakeEmbedder(), progress=False)
    return root / "index"


@pytest.fixture(scope="module")
def searcher(editions_index):
    from mgiassist.index import load_index
    from mgiassist.search.searcher import Searcher

    embedder = FakeEmbedder()
    return Searcher(load_index(editions_index), lambda text: embedder.encode([text])[0])


# -- the pure pieces --------------------------------------------------------------------------


def test_dates_are_read_as_profiles_and_users_write_them():
    assert date_key("September 2022") == (2022, 9)
    assert date_key("2021 February") == (2021, 2)
    assert date_key("Sept. 2020") == (2020, 9)
    assert date_key("2022-09") == (2022, 9)
    assert date_key("2022") == (2022, 0)
    assert date_key("undated") is None and date_key(None) is None
    assert date_matches("September 2022", "2022")
    assert date_matches("September 2022", "september 2022")
    assert date_matches("September 2022", "2022-09")
    assert not date_matches("September 2022", "2022-05")
    assert not date_matches("September 2022", "2020")
    assert question_years("What did the 2020 mapping say about remittances?") == [2020]


def test_editions_are_grouped_by_family_and_place_and_ordered_by_date():
    records = [
        Edition("b.txt", FAMILY_MAPPING, "Cambodia", None, "September 2022"),
        Edition("a.txt", FAMILY_MAPPING, "Cambodia", None, "September 2020"),
        Edition("c.txt", FAMILY_MAPPING, "Cambodia", None, "May 2023"),
        Edition("m.txt", FAMILY_MGI, "Cambodia", None, "February 2021"),
        Edition("accra.txt", FAMILY_MGI, "Ghana", "Accra", "March 2022"),
        Edition("ghana.txt", FAMILY_MGI, "Ghana", None, "2019"),
        # free-form profiles are never hidden behind one another
        Edition("x.txt", FAMILY_OTHER, "Cambodia", None, "2019"),
        Edition("y.txt", FAMILY_OTHER, "Cambodia", None, "2020"),
        # two renderings of one profile are one edition: neither hides the other
        Edition("k.pdf", FAMILY_MGI, "Kenya", None, "May 2020"),
        Edition("k.txt", FAMILY_MGI, "Kenya", None, "May 2020"),
    ]
    grouped = group_editions(records)
    mapping = grouped[(FAMILY_MAPPING, "Cambodia", None)]
    assert [e.source for e in mapping] == ["a.txt", "b.txt", "c.txt"]
    assert [e.newest for e in mapping] == [False, False, True]
    assert mapping[-1].note == "newest of 3 editions"
    assert mapping[0].note == "edition 1 of 3, not the newest"
    assert grouped[(FAMILY_MGI, "Ghana", "Accra")][0].count == 1  # a city is not its country
    assert all(len(members) == 1 for key, members in grouped.items() if key[0] != FAMILY_MAPPING and key[1] != "Kenya")
    kenya = grouped[(FAMILY_MGI, "Kenya", None)]
    assert [(e.newest, e.count, e.note) for e in kenya] == [(True, 1, None), (True, 1, None)]
    assert edition_note(1, 1) is None


def test_editions_are_listed_from_the_manifest(editions_index):
    editions = list_editions(editions_index)
    assert [(e.source, e.date, e.newest, e.position, e.count) for e in editions] == [
        (OLD, "September 2020", False, 1, 3),
        (MAPPING, "September 2022", False, 2, 3),
        (NEW, "September 2023", True, 3, 3),
        (MGI, "February 2021", True, 1, 1),
    ]
    assert [e.source for e in list_editions(editions_index, "KHM")] == [e.source for e in editions]
    with pytest.raises(FilterError, match="unknown country 'Ghana'; the index holds: Cambodia"):
        list_editions(editions_index, "Ghana")
    manifest = json.loads((editions_index / "manifest.json").read_text())
    assert [e.source for e in editions_of_manifest(manifest["profiles"])] == [e.source for e in editions]


# -- search ------------------------------------------------------------------------------------

QUESTION = "How much do Cambodians abroad send home? remittances inflow"


def test_the_newest_edition_answers_by_default_and_says_so(searcher):
    result = searcher.search(QUESTION, k=10)
    sources = {hit.chunk.source for hit in result.hits}
    assert OLD not in sources and MAPPING not in sources
    assert result.hits[0].chunk.source == NEW and "1,510" in result.hits[0].chunk.text
    citation = result.hits[0].citation
    assert citation.edition_note == "newest of 3 editions"
    assert citation.to_dict()["edition_note"] == "newest of 3 editions"
    assert "September 2023 (newest of 3 editions)" in citation.label()
    # a profile with one edition says nothing about editions
    mgi = next(hit for hit in searcher.search("Can Cambodians vote from abroad?", k=10).hits
               if hit.chunk.source == MGI)
    assert mgi.citation.edition_note is None and "edition_note" not in mgi.citation.to_dict()


def test_an_older_edition_answers_when_asked_by_date(searcher):
    from mgiassist.search.filters import Filters

    result = searcher.search(QUESTION, k=10, filters=Filters(edition="2020"))
    assert {hit.chunk.source for hit in result.hits} == {OLD}
    assert "1,105" in result.hits[0].chunk.text
    assert result.hits[0].citation.edition_note == "edition 1 of 3, not the newest"
    everything = searcher.search(QUESTION, k=10, filters=Filters(edition="all"))
    assert {OLD, MAPPING, NEW} <= {hit.chunk.source for hit in everything.hits}
    with pytest.raises(FilterError, match="no edition dated 1999"):
        searcher.search(QUESTION, filters=Filters(edition="1999"))


def test_a_year_named_in_the_question_picks_that_edition(searcher):
    result = searcher.search("What were remittances inflow in 2020?", k=5)
    mapping_hits = [hit for hit in result.hits if hit.chunk.family == FAMILY_MAPPING]
    assert mapping_hits and {hit.chunk.source for hit in mapping_hits} == {OLD}
    assert any("September 2020" in note for note in result.notes)


def test_one_edition_per_profile_changes_nothing(fake_index):
    from mgiassist.index import load_index
    from mgiassist.search.searcher import Searcher

    embedder = FakeEmbedder()
    searcher = Searcher(load_index(fake_index), lambda text: embedder.encode([text])[0])
    assert not searcher.filters.several_editions
    assert searcher.filter_mask(None).all()
    for hit in searcher.search("Can Cambodians vote from abroad?", k=10).hits:
        assert set(hit.citation.to_dict()) == {"country", "family", "title", "date", "domain", "section",
                                               "source", "footnotes"}
    chunks = [json.loads(line) for line in (fake_index / "chunks.jsonl").read_text().splitlines()]
    assert all("city" not in chunk for chunk in chunks)


# -- the commands --------------------------------------------------------------------------------


def test_editions_command(runner, editions_index):
    from mgiassist.cli.main import main

    result = runner.invoke(main, ["editions", "--index", str(editions_index)])
    assert result.exit_code == 0, result.output
    assert "Cambodia · Diaspora engagement mapping, 3 editions" in result.output
    assert f"September 2023  {NEW}  (newest)" in result.output
    as_json = runner.invoke(main, ["editions", "--index", str(editions_index), "--country", "Cambodian", "--json"])
    assert as_json.exit_code == 0, as_json.output
    editions = json.loads(as_json.output)["editions"]
    assert [(e["source"], e["newest"]) for e in editions][:3] == [(OLD, False), (MAPPING, False), (NEW, True)]
    assert {"family", "country", "date", "source", "newest"} <= set(editions[0])


def test_search_command_takes_an_edition(runner, editions_index):
    from mgiassist.cli.main import main

    result = runner.invoke(main, ["search", QUESTION, "--index", str(editions_index), "--edition", "September 2020",
                                  "--json", "--k", "3"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert {r["citation"]["source"] for r in payload["results"]} == {OLD}
    bad = runner.invoke(main, ["search", QUESTION, "--index", str(editions_index), "--edition", "1999"])
    assert bad.exit_code == 2 and bad.output.startswith("error: no edition dated 1999")
