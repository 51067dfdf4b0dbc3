"""The real packaged model over the real seed profiles."""

from __future__ import annotations

import pytest
from conftest import SEED_CORPUS

from mgiassist.assistant import Assistant
from mgiassist.chunk import chunk_profile
from mgiassist.evaluate.lookalike import generate_corpus
from mgiassist.index import build_index
from mgiassist.ingest import load_corpus

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def seed_index(tmp_path_factory, real_embedder):
    index_dir = tmp_path_factory.mktemp("seed") / "index"
    build_index(SEED_CORPUS, index_dir, embedder=real_embedder, progress=False)
    return index_dir


@pytest.fixture(scope="module")
def assistant(seed_index, real_embedder) -> Assistant:
    return Assistant.load(seed_index, embedder=real_embedder)


def test_no_chunk_exceeds_the_model_sequence_length(real_embedder):
    assert real_embedder.max_tokens == 256
    for profile in load_corpus(SEED_CORPUS).profiles:
        for chunk in chunk_profile(profile, count_tokens=real_embedder.count_tokens, max_tokens=real_embedder.max_tokens):
            assert real_embedder.count_tokens(chunk.embed_text) + 2 <= 256, chunk.heading_path


def test_voting_from_abroad_ranks_the_not_implemented_passage_first(assistant):
    result = assistant.search("Can Cambodians vote from abroad?", k=5)
    assert not result.abstained
    top = result.hits[0]
    assert "in practice it has not yet been implemented" in top.chunk.text
    note = next(f for f in top.citation.footnotes if f.number == 3)
    assert "https://www.khmertimeskh.com/6674/nec-pressed-on-election-reforms/" in note.urls
    assert "https://www.phnompenhpost.com/national/group-calls-oversees-voting" in note.urls
    assert any("cannot vote from abroad" in h.chunk.text for h in result.hits[:3])


def test_migrant_resource_centre_services(assistant):
    result = assistant.search("What services do migrant resource centres provide?", k=3)
    texts = [h.chunk.text for h in result.hits[:2]]
    assert any("provide information, counselling and legal assistance" in t for t in texts)
    assert any("Migrant Resource Centres provide potential Cambodian migrants" in t for t in texts)


@pytest.mark.parametrize(
    ("question", "evidence"),
    [
        ("What is the Thailand MoU about?", "Cooperation in the Employment of Workers"),
        ("How much do remittances represent in GDP?", "Remittances as a share of GDP: 4.9%"),
        ("What are the main destination countries of Cambodian emigrants?", "Thailand\t689,451"),
        ("Is there training for border police?", "no national training system in place for front-line border police"),
    ],
)
def test_other_questions_find_their_passage_in_the_top_three(assistant, question, evidence):
    result = assistant.search(question, k=3)
    assert any(evidence in h.chunk.text for h in result.hits), [h.chunk.text[:80] for h in result.hits]


def test_unrelated_question_abstains(assistant):
    assert assistant.search("Who won the 1998 Tour de France?").abstained
    assert assistant.search("What is the recipe for banana bread?").abstained


def test_follow_up_keeps_the_subject(assistant):
    result = assistant.search("Who runs them?", history=["What do migrant resource centres offer?"], k=3)
    assert "migrant resource centres" in result.search_query
    assert any("resource centres" in h.chunk.text.lower() for h in result.hits)


def test_two_country_corpus_answers_from_the_named_country(tmp_path, real_embedder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in SEED_CORPUS.glob("*.txt"):
        (corpus / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    generated = generate_corpus(SEED_CORPUS, corpus, 2, seed=11)
    index_dir = tmp_path / "index"
    build_index(corpus, index_dir, embedder=real_embedder, progress=False)
    assistant = Assistant.load(index_dir, embedder=real_embedder)
    other = next(c for c in assistant.facets["country"] if c != "Cambodia")
    assert all(other.lower().replace(" ", "-") in p.name for p in generated)
    for country in ("Cambodia", other):
        result = assistant.search(f"Can citizens of {country} vote from abroad?", k=3)
        assert result.hits[0].citation.country == country
        assert "vote" in result.hits[0].chunk.text.lower()
