"""Index-time sentence vectors: the table the answer step reads instead of encoding sentences."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import FakeEmbedder

from mgiassist.answer import cached_encoder, compose_answer
from mgiassist.assistant import Assistant
from mgiassist.index import build_index, load_index
from mgiassist.index.sentence_table import (
    SENTENCES_JSON,
    SENTENCES_NPY,
    answer_encoder,
    build_sentence_table,
    chunk_sentences,
    load_sentence_table,
    precomputed_encoder,
)
from mgiassist.schema import Chunk

QUESTIONS = [
    "Can Cambodians vote from abroad?",
    "What services do migrant resource centres provide?",
    "What are the obstacles to diaspora engagement?",
]


def _chunk(chunk_id: str, text: str, heading=("Political rights",)) -> Chunk:
    return Chunk(
        chunk_id=chunk_id, source="x.txt", family="diaspora-mapping", country="Kenya",
        country_code="KEN", title="Diaspora engagement mapping: Kenya", date="2022",
        heading_path=heading, kind="paragraph", polarity=None, text=text, embed_text=text,
    )


def test_chunk_sentences_follow_the_answer_step_split():
    chunk = _chunk("a", "Political rights\nKenyans abroad can vote² in presidential elections. "
                        "Dual citizenship is allowed since 2010.")
    texts = [text for _, text in chunk_sentences(chunk)]
    # the heading line is dropped (it repeats the heading), footnote marks are stripped
    assert texts == ["Kenyans abroad can vote in presidential elections.",
                     "Dual citizenship is allowed since 2010."]
    span, _ = chunk_sentences(chunk)[0]
    assert chunk.text[span.start : span.end].startswith("Kenyans abroad can vote²")


def test_table_dedupes_texts_and_reuses_old_rows():
    embedder = FakeEmbedder()
    chunks = [_chunk("a", "Kenyans abroad can vote from abroad. Dual citizenship is allowed now."),
              _chunk("b", "Dual citizenship is allowed now. Remittances are taxed at two percent.")]
    table, encoded = build_sentence_table(chunks, embedder)
    assert len(table) == encoded == 3
    assert [t for _, t in table.sentences_of("b")] == ["Dual citizenship is allowed now.",
                                                     "Remittances are taxed at two percent."]
    embedder.encoded.clear()
    chunks[1] = _chunk("b", "Dual citizenship is allowed now. Remittances are not taxed at all.")
    again, encoded = build_sentence_table(chunks, embedder, reuse=table)
    assert encoded == 1 and embedder.encoded == ["Remittances are not taxed at all."]
    row = again.row("Dual citizenship is allowed now.")
    np.testing.assert_array_equal(again.vectors[row], table.vectors[table.row("Dual citizenship is allowed now.")])
    other = FakeEmbedder()
    other.model_id = "another-model"
    _, encoded = build_sentence_table(chunks, other, reuse=table)
    assert encoded == 3  # vectors of another model are never reused


def test_titles_and_cells_the_answer_step_skips_are_stored_for_the_judge():
    chunk = _chunk("a", "Political rights\nKenyans abroad can vote² in presidential elections.")
    table, _ = build_sentence_table([chunk], FakeEmbedder())
    # not a sentence of the answer (it repeats the heading), but the judge scores it
    assert [t for _, t in table.sentences_of("a")] == ["Kenyans abroad can vote in presidential elections."]
    assert table.row("Political rights") is not None
    judged = FakeEmbedder()
    encode = precomputed_encoder(table, judged.encode)
    encode(["Political rights", "Kenyans abroad can vote in presidential elections."])
    assert judged.encoded == []


def test_precomputed_encoder_encodes_only_unknown_texts():
    embedder = FakeEmbedder()
    table, _ = build_sentence_table([_chunk("a", "Kenyans abroad can vote from abroad.")], embedder)
    calls: list[list[str]] = []

    def fallback(texts):
        calls.append(list(texts))
        return embedder.encode(texts)

    encode = precomputed_encoder(table, fallback)
    vectors = encode(["Can Kenyans vote?", "Kenyans abroad can vote from abroad."])
    assert calls == [["Can Kenyans vote?"]]
    np.testing.assert_allclose(vectors, embedder.encode(["Can Kenyans vote?",
                                                         "Kenyans abroad can vote from abroad."]))
    assert precomputed_encoder(None, fallback)(["x y"]).shape == (1, embedder.dimension)


def test_index_stores_sentence_vectors_without_pickle(fake_index):
    payload = json.loads((fake_index / SENTENCES_JSON).read_text())
    vectors = np.load(fake_index / SENTENCES_NPY, allow_pickle=False)
    assert len(payload["texts"]) == len(vectors) == len(set(payload["texts"])) > 100
    manifest = json.loads((fake_index / "manifest.json").read_text())
    assert manifest["sentence_count"] == len(vectors)
    chunks = load_index(fake_index).chunks
    assert set(payload["chunks"]) == {c.chunk_id for c in chunks}
    table = load_sentence_table(fake_index)
    for chunk in chunks[:20]:
        assert table.sentences_of(chunk.chunk_id) == chunk_sentences(chunk)


@pytest.mark.parametrize("question", QUESTIONS)
def test_answers_from_stored_vectors_equal_answers_from_encoding(fake_index, question):
    embedder = FakeEmbedder()
    assistant = Assistant.load(fake_index, embedder=embedder)
    result = assistant.search(question, k=5)
    expected = compose_answer(result, cached_encoder(FakeEmbedder().encode))
    embedder.encoded.clear()
    answer = compose_answer(result, answer_encoder(assistant))
    assert answer.to_dict() == expected.to_dict() and answer.sentences
    # the question's vector comes from the search's cache: nothing is encoded
    assert embedder.encoded == []


def test_damaged_or_old_tables_fall_back_to_encoding(fake_index):
    (fake_index / SENTENCES_NPY).write_bytes(b"not an array")
    assert load_sentence_table(fake_index) is None
    (fake_index / SENTENCES_JSON).unlink()
    assert load_sentence_table(fake_index) is None


def test_an_index_without_sentence_vectors_is_not_up_to_date(fake_index, corpus_copy):
    (fake_index / SENTENCES_JSON).unlink()
    embedder = FakeEmbedder()
    report = build_index(corpus_copy, fake_index, embedder=embedder, progress=False)
    assert not report.up_to_date and report.reused_chunks == report.chunk_count
    assert (fake_index / SENTENCES_JSON).is_file()
