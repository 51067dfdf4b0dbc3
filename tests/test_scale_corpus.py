"""The scale corpus generator (issue 19, item 6): deterministic, parsed as what it claims to be,
editions that differ, countries that are not copies of one another. Model-free and fast."""

from __future__ import annotations

from pathlib import Path

import pytest

from mgiassist.evaluate.lookalike import swap_country
from mgiassist.evaluate.scale_corpus import generate_scale_corpus, scale_countries
from mgiassist.ingest import parse_profile, read_text
from mgiassist.text.countries import lookup_country

SEEDS = Path(__file__).resolve().parents[1] / "corpus"
FAMILY_OF = {"mgi-profile": "mgi-profile", "diaspora-mapping": "diaspora-mapping"}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("scale")
    return generate_scale_corpus(SEEDS, out, countries=3, editions=3, seed=7)


def test_counts_and_names(corpus):
    assert len(corpus) == 3 * 2 * 3
    assert len({f.path for f in corpus}) == len(corpus)
    assert {f.family for f in corpus} == {"mgi-profile", "diaspora-mapping"}
    assert sorted({f.edition for f in corpus}) == [1, 2, 3]


def test_deterministic(corpus, tmp_path):
    again = generate_scale_corpus(SEEDS, tmp_path, countries=3, editions=3, seed=7)
    assert [f.path.name for f in again] == [f.path.name for f in corpus]
    for a, b in zip(corpus, again):
        assert a.path.read_bytes() == b.path.read_bytes()
    other = generate_scale_corpus(SEEDS, tmp_path / "other", countries=["Kenya"], editions=1, seed=8)
    same = generate_scale_corpus(SEEDS, tmp_path / "same", countries=["Kenya"], editions=1, seed=7)
    assert other[0].path.read_text() != same[0].path.read_text()


def test_parsed_as_family_country_and_date(corpus):
    for item in corpus:
        profile = parse_profile(read_text(item.path), item.path.name)
        assert profile.family == item.family, item.path.name
        assert profile.country == item.country, item.path.name
        assert profile.date == item.date, item.path.name
        assert len(profile.sections) > 20, item.path.name


def test_editions_differ_and_are_dated_in_order(corpus):
    for country in {f.country for f in corpus}:
        for family in ("mgi-profile", "diaspora-mapping"):
            series = sorted((f for f in corpus if f.country == country and f.family == family), key=lambda f: f.edition)
            texts = [f.path.read_text(encoding="utf-8") for f in series]
            assert len(set(texts)) == len(texts)
            years = [int(f.date.split()[-1]) for f in series]
            assert years == sorted(years) and len(set(years)) == len(years)
            assert max(years) <= 2026
    mapping = next(f for f in corpus if f.family == "diaspora-mapping" and f.edition == 2)
    assert "\nUpdated " in mapping.path.read_text(encoding="utf-8")


def test_countries_are_not_name_swapped_copies(corpus):
    """The findings of two countries' MGI profiles, names aligned, are different sets."""
    first = [f for f in corpus if f.family == "mgi-profile" and f.edition == 1]
    a, b = first[0], first[1]
    ca, cb = lookup_country(a.country), lookup_country(b.country)

    def findings(text: str) -> set[str]:
        return {line.strip() for line in text.splitlines() if line.strip().startswith("•")}

    fa = findings(a.path.read_text(encoding="utf-8"))
    fb = findings(swap_country(b.path.read_text(encoding="utf-8"), cb, ca))
    assert len(fa & fb) / len(fa | fb) < 0.7
    maps = [f for f in corpus if f.family == "diaspora-mapping" and f.edition == 1]
    tables = [m.path.read_text(encoding="utf-8").split("Top countries of destination")[1][:200] for m in maps]
    assert len(set(tables)) == len(tables)


def test_scale_countries_distinct():
    names = [c.name for c in scale_countries(150)]
    assert len(set(names)) == 150
    assert "Cambodia" not in names
