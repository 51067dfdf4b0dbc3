"""Local (city) MGI profiles: an MGI profile of a city, filed under its city and its country.

The city profile is made here from the Cambodia MGI seed, its title and country changed: "Migration
Governance Profile: City of Accra", Ghana named where Cambodia was.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import SEED_CORPUS, FakeEmbedder

from mgiassist.editions import list_editions
from mgiassist.ingest.mgi import city_of
from mgiassist.schema import FAMILY_MGI

MGI = "mgi-profile-cambodia-2021.txt"
ACCRA = "mgi-local-accra-2022.txt"


def accra_profile(text: str) -> str:
    return (
        text.replace("The Kingdom of Cambodia (hereafter referred to as Cambodia)",
                     "the City of Accra (hereafter referred to as Accra)")
        .replace("Migration Governance Profile: The Kingdom of Cambodia", "Migration Governance Profile: City of Accra")
        .replace("This country Profile", "This Local Profile")
        .replace("Cambodians", "Ghanaians").replace("Cambodian", "Ghanaian").replace("Cambodia", "Ghana")
        .replace("2021 February", "2022 March")
    )


@pytest.fixture(scope="module")
def city_corpus(tmp_path_factory) -> Path:
    corpus = tmp_path_factory.mktemp("city") / "corpus"
    corpus.mkdir()
    shutil.copy2(SEED_CORPUS / MGI, corpus / MGI)
    text = (SEED_CORPUS / MGI).read_text(encoding="utf-8")
    assert "Migration Governance Profile: The Kingdom of Cambodia" in text
    (corpus / ACCRA).write_text(accra_profile(text), encoding="utf-8")
    return corpus


@pytest.fixture(scope="module")
def city_index(city_corpus) -> Path:
    from mgiassist.index import build_index

    index = city_corpus.parent / "index"
    build_index(city_corpus, index, embedder=FakeEmbedder(), progress=False)
    return index


@pytest.fixture(scope="module")
def searcher(city_index):
    from mgiassist.index import load_index
    from mgiassist.search.searcher import Searcher

    embedder = FakeEmbedder()
    return Searcher(load_index(city_index), lambda text: embedder.encode([text])[0])


def test_city_titles():
    assert city_of("City of Accra") == ("Accra", None)
    assert city_of("the City of Accra, Ghana") == ("Accra", "Ghana")
    assert city_of("Municipality of São Paulo (Brazil)") == ("São Paulo", "Brazil")
    assert city_of("THE CITY OF ACCRA") == ("Accra", None)
    assert city_of("The Kingdom of Cambodia") is None
    assert city_of("Mexico") is None and city_of(None) is None


def test_a_city_profile_is_an_mgi_profile_of_its_city_and_country(city_corpus):
    from mgiassist.ingest import parse_profile

    def parse_file(path: Path):
        return parse_profile(path.read_text(encoding="utf-8"), path.name)

    profile = parse_file(city_corpus / ACCRA)
    assert profile.family == FAMILY_MGI
    assert (profile.city, profile.country, profile.country_code) == ("Accra", "Ghana", "GHA")
    assert profile.place == "Accra (Ghana)"
    assert profile.title == "Migration Governance Profile: City of Accra"
    assert profile.date == "March 2022"
    assert sum(s.kind == "finding" for s in profile.sections) == 27
    # a Local MGI titled by the city's bare name, its country named in the text
    bare = (city_corpus / ACCRA).read_text(encoding="utf-8").replace(
        "Migration Governance Profile: City of Accra", "Migration Governance Profile: Accra").replace(
        "the City of Accra (hereafter", "Accra (hereafter")
    assert "Local Profile" in bare
    plain = parse_profile(bare, "accra.txt")
    assert (plain.city, plain.country, plain.title) == ("Accra", "Ghana", "Migration Governance Profile: City of Accra")
    national = parse_file(city_corpus / MGI)
    assert national.city is None and national.place == "Cambodia"


def test_filters_and_citations_say_accra_ghana(searcher, city_index):
    from mgiassist.search.filters import Filters

    assert "Accra (Ghana)" in searcher.facets["country"]
    for spelling in ("Accra", "City of Accra", "Accra (Ghana)", "accra"):
        result = searcher.search("Can migrants access health care?", k=5, filters=Filters(country=spelling))
        assert result.hits and {hit.chunk.source for hit in result.hits} == {ACCRA}
    hit = result.hits[0]
    assert hit.citation.label().startswith("Accra (Ghana) · MGI profile, March 2022 · ")
    assert hit.citation.to_dict()["city"] == "Accra" and hit.citation.to_dict()["country"] == "Ghana"
    # the country keeps its city's profile; a question naming the city is narrowed to it
    ghana = searcher.search("Can migrants access health care?", k=5, filters=Filters(country="Ghana"))
    assert {hit.chunk.source for hit in ghana.hits} == {ACCRA}
    named = searcher.search("What does Accra do about migrants' health care?", k=5)
    assert {hit.chunk.source for hit in named.hits} == {ACCRA} and "narrowed to Accra (Ghana)" in named.notes
    chunks = [json.loads(line) for line in (city_index / "chunks.jsonl").read_text().splitlines()]
    assert {c.get("city") for c in chunks if c["source"] == ACCRA} == {"Accra"}
    assert all("city" not in c for c in chunks if c["source"] == MGI)
    accra_chunk = next(c for c in chunks if c["source"] == ACCRA)
    assert accra_chunk["embed_text"].startswith("Accra (Ghana) · MGI profile")


def test_city_editions_are_listed_by_place(city_index):
    editions = list_editions(city_index)
    assert [(e.place, e.city, e.country, e.source) for e in editions] == [
        ("Accra (Ghana)", "Accra", "Ghana", ACCRA),
        ("Cambodia", None, "Cambodia", MGI),
    ]
    assert [e.source for e in list_editions(city_index, "Accra")] == [ACCRA]
    assert [e.source for e in list_editions(city_index, "Ghana")] == [ACCRA]
    manifest = json.loads((city_index / "manifest.json").read_text())
    assert manifest["profiles"][ACCRA]["city"] == "Accra" and "city" not in manifest["profiles"][MGI]
