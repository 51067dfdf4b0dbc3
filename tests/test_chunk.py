from __future__ import annotations

import re

import pytest
from conftest import SEED_CORPUS

from mgiassist.chunk import ABOUT_HEADING, KIND_ABOUT, about_section, chunk_profile, split_to_budget
from mgiassist.ingest import parse_profile
from mgiassist.schema import FAMILY_MGI, Profile, Section


def words(text: str) -> int:
    return len(re.findall(r"\w+", text))


def make_profile(*sections: Section) -> Profile:
    return Profile(source="x/kenya.txt", family=FAMILY_MGI, country="Kenya", country_code="KEN",
                   title="Migration Governance Profile: Kenya", date="March 2022", content_hash="h",
                   sections=list(sections))


def test_short_section_is_one_chunk_with_prefixed_embed_text():
    section = Section(heading_path=("Partnerships", "Well-developed areas"), text="Kenya signed an MOU.",
                      kind="finding", polarity="well-developed")
    chunk, about = chunk_profile(make_profile(section), count_tokens=words, max_tokens=64)
    assert about.kind == KIND_ABOUT  # the profile's own particulars come last
    assert chunk.text == "Kenya signed an MOU."
    assert chunk.embed_text == "Kenya · MGI profile · Partnerships › Well-developed areas\nKenya signed an MOU."
    assert (chunk.domain, chunk.section, chunk.polarity) == ("Partnerships", "Well-developed areas", "well-developed")


def test_oversized_section_is_split_within_the_model_budget_and_never_merged_with_another():
    long_text = " ".join(f"Sentence number {i} describes a labour migration policy." for i in range(120))
    sections = [
        Section(heading_path=("Trends",), text=long_text),
        Section(heading_path=("Obstacles", "Lack of resources"), text="Staff are few."),
    ]
    chunks = chunk_profile(make_profile(*sections), count_tokens=words, max_tokens=64)
    trend_chunks = [c for c in chunks if c.heading_path == ("Trends",)]
    assert len(trend_chunks) > 5
    for chunk in chunks:
        assert words(chunk.embed_text) + 2 <= 64  # [CLS] and [SEP] included
    assert chunks[-2].text == "Staff are few."
    assert all("Staff are few" not in c.text for c in trend_chunks)
    assert trend_chunks[0].attributes["part"] == f"1/{len(trend_chunks)}"
    # nothing of the section is lost: every sentence appears in some part
    joined = " ".join(c.text for c in trend_chunks)
    assert all(f"Sentence number {i} " in joined for i in range(120))


def test_a_single_overlong_word_is_cut_rather_than_truncated_by_the_model():
    pieces = split_to_budget("x" * 5000, count_tokens=lambda t: len(t) // 10 + 1, budget=50)
    assert all(len(p) // 10 + 1 <= 50 for p in pieces)
    assert sum(len(p) for p in pieces) >= 5000  # parts may overlap, none is dropped


def test_chunk_ids_are_stable_content_hashes():
    section = Section(heading_path=("Trends",), text="Emigration grew.")
    first = chunk_profile(make_profile(section), count_tokens=words, max_tokens=64)[0].chunk_id
    again = chunk_profile(make_profile(section), count_tokens=words, max_tokens=64)[0].chunk_id
    changed = chunk_profile(make_profile(Section(heading_path=("Trends",), text="Emigration fell.")),
                            count_tokens=words, max_tokens=64)[0].chunk_id
    assert first == again != changed
    assert re.fullmatch(r"[0-9a-f]{16}", first)


def test_seed_chunks_fit_a_small_budget(fake_embedder):
    for path in sorted(SEED_CORPUS.glob("*.txt")):
        profile = parse_profile(path.read_text(encoding="utf-8"), path.name)
        chunks = chunk_profile(profile, count_tokens=words, max_tokens=48)
        assert all(words(c.embed_text) + 2 <= 48 for c in chunks)
        assert {c.heading_path for c in chunks} == {s.heading_path for s in profile.sections} | {(ABOUT_HEADING,)}


def test_each_profile_has_one_passage_about_itself_from_its_title_date_and_credits():
    mapping = make_profile()
    mapping.metadata = {"authors": {"written": "Dr A. Author", "edited": "EUDiF"},
                        "written": "May 2020", "updated": "June 2023"}
    about = about_section(mapping)
    assert about.heading_path == (ABOUT_HEADING,) and about.kind == KIND_ABOUT
    assert about.text == ("Migration Governance Profile: Kenya, written by Dr A. Author, edited by EUDiF, "
                          "first published May 2020, updated June 2023.")
    assert about_section(make_profile()).text == "Migration Governance Profile: Kenya, published March 2022."
    mapping.metadata = {"updated": "June 2023"}
    assert about_section(mapping).text == "Migration Governance Profile: Kenya, updated June 2023."
    # one sentence, so a quote of it says everything it holds
    from mgiassist.text.sentences import split_sentences
    assert len(split_sentences(about.text)) == 1
    for path in sorted(SEED_CORPUS.glob("*.txt")):
        profile = parse_profile(path.read_text(encoding="utf-8"), path.name)
        [chunk] = [c for c in chunk_profile(profile, count_tokens=words, max_tokens=256) if c.kind == KIND_ABOUT]
        assert profile.date in chunk.text and profile.title in chunk.text


def test_too_small_budget_is_refused():
    with pytest.raises(ValueError, match="too small"):
        split_to_budget("some text here", count_tokens=words, budget=3)
