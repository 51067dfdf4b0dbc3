from __future__ import annotations

import numpy as np
import pytest
from conftest import SEED_CORPUS, FakeEmbedder

from mgiassist.assistant import Assistant
from mgiassist.errors import FilterError, QueryError
from mgiassist.evaluate.lookalike import generate_corpus
from mgiassist.index import build_index, load_index
from mgiassist.search.searcher import (
    MAX_QUERY_CHARS,
    Filters,
    Searcher,
    SearchSettings,
    convex_fuse,
    minmax,
    rrf_fuse,
    top_k,
    validate_query,
)


def test_rrf_rewards_agreement_between_lists():
    fused = rrf_fuse([[3, 1, 2], [1, 3, 4]], k=60)
    assert fused[1] == pytest.approx(1 / 62 + 1 / 61)
    assert fused[4] == pytest.approx(1 / 63)
    assert max(fused, key=fused.get) in (1, 3)
    weighted = rrf_fuse([[3, 1], [1, 3]], k=60, weights=[2.0, 1.0])
    assert weighted[3] > weighted[1]


def test_convex_fusion_and_minmax():
    dense = np.array([0.9, 0.5, 0.1])
    lexical = np.array([0.0, 10.0, 5.0])
    np.testing.assert_allclose(minmax(dense), [1.0, 0.5, 0.0], rtol=1e-6)
    np.testing.assert_allclose(convex_fuse(dense, lexical, alpha=1.0), [1.0, 0.5, 0.0], rtol=1e-6)
    np.testing.assert_allclose(convex_fuse(dense, lexical, alpha=0.5), [0.5, 0.75, 0.25], rtol=1e-6)
    np.testing.assert_allclose(minmax(np.array([2.0, 2.0])), [1.0, 1.0])
    with pytest.raises(ValueError):
        convex_fuse(dense, lexical, alpha=1.5)


def test_top_k_orders_ties_by_tiebreak_then_index():
    scores = np.array([0.5, 0.9, 0.5, 0.9, 0.1])
    assert top_k(scores, 3).tolist() == [1, 3, 0]
    assert top_k(scores, 2, tiebreak=np.array([0, 0.1, 0, 0.7, 0])).tolist() == [3, 1]
    assert top_k(scores, 2, candidates=np.array([0, 2, 4])).tolist() == [0, 2]
    assert top_k(scores, 0).tolist() == []


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "empty"),
        ("   \n\t ", "empty"),
        ("x" * 100_000, "100,000 characters"),
        ("vote\x07 abroad", "control characters"),
        ("?!", "no words"),
    ],
)
def test_bad_queries_get_clear_errors(query, message):
    with pytest.raises(QueryError, match=message):
        validate_query(query)


def test_query_whitespace_is_folded():
    assert validate_query("  Can Cambodians\n vote  abroad? ") == "Can Cambodians vote abroad?"
    assert len(validate_query("a" * MAX_QUERY_CHARS)) == MAX_QUERY_CHARS


@pytest.fixture
def assistant(fake_index, fake_embedder) -> Assistant:
    return Assistant.load(fake_index, embedder=fake_embedder)


def test_search_returns_cited_passages(assistant):
    result = assistant.search("Can Cambodians vote from abroad?", k=3)
    assert not result.abstained
    assert len(result.hits) == 3 and [h.rank for h in result.hits] == [1, 2, 3]
    assert any("vote from abroad" in h.chunk.text or "Voting from abroad" in h.chunk.text for h in result.hits[:2])
    payload = result.to_dict()
    assert set(payload) == {"query", "search_query", "abstained", "results"}
    first = payload["results"][0]
    assert set(first) == {"rank", "score", "chunk_id", "text", "citation"}
    assert set(first["citation"]) == {"country", "family", "title", "date", "domain", "section", "source", "footnotes"}
    assert first["citation"]["source"] in {p.name for p in SEED_CORPUS.glob("*.txt")}


def test_filters_narrow_results_and_unknown_values_are_named(assistant):
    result = assistant.search("migrant workers", k=10, family="mgi", polarity="further-development")
    assert result.hits and all(h.chunk.polarity == "further-development" for h in result.hits)
    result = assistant.search("migrant workers", k=10, domain="obstacles")
    assert result.hits and all(h.chunk.domain == "Obstacles" for h in result.hits)
    result = assistant.search("migrant workers", k=10, section="well-developed")
    assert result.hits and all(h.chunk.section == "Well-developed areas" for h in result.hits)
    with pytest.raises(FilterError, match="unknown domain 'Sports'.*Migrants' rights"):
        assistant.search("migrant workers", domain="Sports")
    with pytest.raises(FilterError, match="unknown country 'Kenya'.*Cambodia"):
        assistant.search("migrant workers", country="Kenya")
    with pytest.raises(FilterError, match="unknown polarity"):
        assistant.search("migrant workers", polarity="sideways")
    assert assistant.search("migrant workers", country="KHM").hits


def test_abstains_when_nothing_is_close(fake_index, fake_embedder):
    assistant = Assistant.load(fake_index, embedder=fake_embedder, settings=SearchSettings(abstain_threshold=0.35))
    assert assistant.search("Who won the 1998 Tour de France cycling race?").abstained
    assert not assistant.search("What do migrant workers resource centres provide?").abstained


def test_polarity_cue_prefers_findings_of_that_polarity(fake_index, fake_embedder):
    question = "What are the weaknesses of Cambodia on migrants' rights?"

    def polarities(boost: float) -> list[str | None]:
        settings = SearchSettings(polarity_boost=boost)
        hits = Assistant.load(fake_index, embedder=fake_embedder, settings=settings).search(question, k=3).hits
        return [h.chunk.polarity for h in hits]

    assert polarities(0.0)[0] == "well-developed"  # the fake embedder alone gets this wrong
    assert polarities(1.0) == ["further-development"] * 3
    # an explicit filter is never overridden by the cue
    strong = Assistant.load(fake_index, embedder=fake_embedder, settings=SearchSettings(polarity_boost=1.0))
    hits = strong.search(question, k=3, polarity="well-developed").hits
    assert {h.chunk.polarity for h in hits} == {"well-developed"}


def test_question_naming_a_country_is_narrowed_to_it(tmp_path, corpus_copy, fake_embedder):
    generate_corpus(SEED_CORPUS, corpus_copy, 2, seed=3)
    index_dir = tmp_path / "two"
    build_index(corpus_copy, index_dir, embedder=fake_embedder, progress=False)
    searcher = Searcher(load_index(index_dir), lambda text: fake_embedder.encode([text])[0])
    other = next(c for c in searcher.facets["country"] if c != "Cambodia")
    demonym = next(a for a in searcher.matcher.countries[other].aliases if a.endswith("s") and a != other) \
        if any(a.endswith("ns") for a in searcher.matcher.countries[other].aliases) else other
    for name in ("Cambodians", demonym):
        result = searcher.search(f"Can {name} vote from abroad?", k=5)
        expected = "Cambodia" if name == "Cambodians" else other
        assert {h.chunk.country for h in result.hits} == {expected}, name
    # an explicit filter wins over the country named in the question
    result = searcher.search("Can Cambodians vote from abroad?", k=5, filters=Filters(country=other))
    assert {h.chunk.country for h in result.hits} == {other}
    # a follow-up keeps the country of the conversation
    result = searcher.search("What about remittances?", k=5, history=[f"Can {demonym} vote from abroad?"])
    assert {h.chunk.country for h in result.hits} == {other}


def test_source_viewer_helpers_only_show_indexed_profiles(assistant):
    hit = assistant.search("migrant resource centres", k=1).hits[0]
    section = assistant.section_chunks(hit.chunk.chunk_id)
    assert hit.chunk in section
    profile = assistant.profile_chunks(hit.chunk.source)
    assert all(c.source == hit.chunk.source for c in profile) and len(profile) >= len(section)
    with pytest.raises(FilterError):
        assistant.profile_chunks("../../etc/passwd")
    with pytest.raises(FilterError):
        assistant.chunk("nope")


def test_query_embeddings_are_reused_within_a_session(fake_index):
    embedder = FakeEmbedder()
    assistant = Assistant.load(fake_index, embedder=embedder)
    assistant.search("warm up")  # another model than the shipped reader's: its wordings are encoded once
    before = len(embedder.encoded)
    assistant.search("remittances")
    assistant.search("remittances", k=2)
    assert len(embedder.encoded) - before == 1


def test_question_about_a_country_no_profile_covers_abstains(assistant):
    result = assistant.search("Can Kenyans vote from abroad?")
    assert result.abstained and "no indexed profile covers Kenya" in result.notes
    # a country that the profiles mention is searched: the question may be about that passage
    thailand = assistant.search("What does the MoU with Thailand cover?")
    assert not thailand.abstained and thailand.hits
    assert not assistant.search("WHAT IS THE POLICY ON MIGRANT WORKERS?").notes  # "IS" is not Iceland


def test_unusable_earlier_turns_are_ignored_not_fatal(assistant):
    result = assistant.search("Who runs them?", history=["", "x" * 100_000, "What do migrant resource centres offer?"])
    assert result.search_query == "Who runs them? migrant resource centres offer"


def test_filtered_dense_search_is_the_same_exact_or_through_faiss(assistant, monkeypatch):
    import mgiassist.search.searcher as search_module

    def ids() -> list[str]:
        return [h.chunk.chunk_id for h in assistant.search("labour migration policy", k=8, family="mgi").hits]

    exact = ids()
    monkeypatch.setattr(search_module, "EXACT_SCAN_ROWS", 0)
    assert ids() == exact and len(exact) == 8


def test_country_no_profile_covers_is_noted_beside_an_indexed_one(assistant):
    result = assistant.search("How many Cambodians live in Germany?")
    assert "no indexed profile covers Germany" in result.notes
    assert result.hits  # still searched in Cambodia's profiles


def test_a_country_code_is_searched_by_the_countrys_name(assistant):
    # no passage's words match "US" (a stopword to BM25): the table row names "United States of America"
    result = assistant.search("How many Cambodians live in the US?", k=3)
    assert "US → United States" in result.expansions
    assert any("United States of America" in h.chunk.text for h in result.hits)



def test_the_corrected_question_replaces_whole_misspelt_words_only() -> None:
    from mgiassist.text.spelling import corrected

    corrections = (("obstacels", "obstacles"), ("diaspra", "diaspora"))
    assert corrected("obstacels to diaspra; diaspras?", corrections) == "obstacles to diaspora; diaspras?"
    assert corrected("as asked", ()) == "as asked"
