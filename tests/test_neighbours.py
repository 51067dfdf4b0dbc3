"""Query expansion by the corpus words nearest to a question's words (mgiassist.index.vocabulary)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from test_search_structure import FILLER, profile, searcher

from mgiassist.embed.cache import EncodeCache
from mgiassist.index.vocabulary import (
    VOCABULARY_JSON,
    VOCABULARY_NPY,
    Vocabulary,
    build_vocabulary,
    load_vocabulary,
    neighbour_terms,
    vocabulary_words,
)
from mgiassist.schema import Section
from mgiassist.search.searcher import SearchSettings
from mgiassist.text.lexical import LexicalIndex, analyse

DIMENSION = 16


def _unit(*weights: float) -> np.ndarray:
    vector = np.zeros(DIMENSION, dtype=np.float32)
    vector[: len(weights)] = weights
    return vector / np.linalg.norm(vector)


def _vocabulary(vectors: dict[str, np.ndarray]) -> Vocabulary:
    words = sorted(vectors)
    return Vocabulary("fake", words, np.stack([vectors[w] for w in words]))


def _never(words: list[str]) -> np.ndarray:
    raise AssertionError(f"{words!r} should have used their stored vectors")


def _encoder(vectors: dict[str, np.ndarray]):
    return lambda words: np.stack([vectors[w] for w in words])


VOCABULARY = _vocabulary({
    "religion": _unit(1, 0, 0),
    "religious": _unit(1, 0.1, 0),  # another term ("religi"), next to "religion"
    "color": _unit(0, 1, 0),
    "employers": _unit(0, 0, 1),
    "employer": _unit(0, 0.05, 1),
})


def test_vocabulary_words_are_whole_words_that_give_one_term():
    counts = {"religion": 3, "abroad²": 1, "the": 9, "of": 4, "2020": 2, "ab": 1, "color": 1}
    assert vocabulary_words(counts) == ["color", "religion"]


def test_an_unknown_word_brings_its_nearest_corpus_word_above_the_cutoff():
    encode = _encoder({"faith": _unit(1, -0.1, 0), "colour": _unit(0.05, 1, 0)})
    found = neighbour_terms(["faith", "colour"], VOCABULARY, encode, cutoff=0.8)
    assert set(found) == {analyse("religion")[0], analyse("color")[0]}
    assert found[analyse("religion")[0]] == pytest.approx(float(_unit(1, -0.1, 0) @ _unit(1, 0, 0)), abs=1e-6)
    # below the cut-off nothing is added
    assert neighbour_terms(["faith"], VOCABULARY, encode, cutoff=0.999) == {}


def test_per_word_limits_the_terms_one_word_brings():
    encode = _encoder({"faith": _unit(1, 0.05, 0)})
    one = neighbour_terms(["faith"], VOCABULARY, encode, cutoff=0.5, per_word=1)
    two = neighbour_terms(["faith"], VOCABULARY, encode, cutoff=0.5, per_word=2)
    assert len(one) == 1 and len(two) == 2 and set(one) < set(two)


def test_a_corpus_word_uses_its_stored_vector_and_adds_no_term_the_question_has():
    # "employers" is stored: never encoded; its neighbour "employer" gives the same term
    assert neighbour_terms(["employers"], VOCABULARY, _never, cutoff=0.5) == {}
    # stopwords, digits and short words are not expanded at all
    assert neighbour_terms(["the", "2020", "ab"], VOCABULARY, _never, cutoff=0.0) == {}


def test_unknown_words_are_encoded_once_in_one_call_and_cached():
    calls: list[list[str]] = []

    def encode(words: list[str]) -> np.ndarray:
        calls.append(list(words))
        return np.stack([_unit(1, len(w), 0) for w in words])

    cache = EncodeCache(encode, maxsize=2)
    neighbour_terms(["faith", "colour", "employers"], VOCABULARY, cache.encode, cutoff=0.5)
    assert calls == [["faith", "colour"]]  # "employers" is stored
    neighbour_terms(["colour", "faith"], VOCABULARY, cache.encode, cutoff=0.5)
    assert len(calls) == 1
    cache.encode(["skin"])  # the least recently used word ("colour") makes room
    cache.encode(["colour"])
    assert calls[-1] == ["colour"] and len(calls) == 3


def test_build_reuses_the_vectors_of_words_it_already_has():
    calls: list[list[str]] = []

    def encode(texts: list[str]) -> np.ndarray:
        calls.append(list(texts))
        return np.stack([_unit(len(t), 1) for t in texts])

    first, encoded = build_vocabulary(["color", "religion"], "fake", encode)
    assert encoded == 2 and first.dimension == DIMENSION
    second, encoded = build_vocabulary(["color", "faith", "religion"], "fake", encode, reuse=first)
    assert encoded == 1 and calls[-1] == ["faith"]
    assert np.array_equal(second.vectors[second.row("religion")], first.vectors[first.row("religion")])
    # another model's vectors are never reused
    _, encoded = build_vocabulary(["color"], "other", encode, reuse=first)
    assert encoded == 1


def test_save_and_load_round_trip(tmp_path):
    VOCABULARY.save(tmp_path)
    loaded = load_vocabulary(tmp_path)
    assert loaded is not None and loaded.words == VOCABULARY.words
    assert np.array_equal(loaded.vectors, VOCABULARY.vectors)


def test_an_unusable_vocabulary_is_ignored(tmp_path):
    assert load_vocabulary(tmp_path) is None  # an index built before word vectors
    VOCABULARY.save(tmp_path)
    payload = json.loads((tmp_path / VOCABULARY_JSON).read_text())
    payload["words"] = payload["words"][:-1]  # one row too many
    (tmp_path / VOCABULARY_JSON).write_text(json.dumps(payload))
    assert load_vocabulary(tmp_path) is None
    (tmp_path / VOCABULARY_NPY).write_bytes(b"not an array")
    assert load_vocabulary(tmp_path) is None


def test_weighted_extra_terms_add_bm25_score():
    lexical = LexicalIndex.build(["employers and religion", "employers and papers"])
    plain = lexical.scores("employers")
    assert plain[0] == plain[1]
    extra = lexical.scores("employers", extra={analyse("religion")[0]: 0.5})
    assert extra[0] > plain[0] and extra[1] == plain[1]
    fuller = lexical.scores("employers", extra={analyse("religion")[0]: 1.0})
    assert fuller[0] - plain[0] == pytest.approx(2 * (extra[0] - plain[0]), rel=1e-5)
    # a term no passage holds changes nothing
    assert np.array_equal(lexical.scores("employers", extra={"zzz": 1.0}), plain)


RELIGION = Section(("Migrants' rights",), "Employers may not refuse workers on the basis of religion.", "paragraph")
PAPERS = Section(("Obstacles",), "Employers refuse workers without papers; employers refuse them again.", "paragraph")


def _bm25_first(question: str, **settings: object) -> str:
    search = searcher(profile(RELIGION, PAPERS, *FILLER), settings=SearchSettings(fusion="bm25", **settings))
    words = vocabulary_words(search.index.lexical.speller.counts)
    rng = np.random.default_rng(0)
    vectors = {w: rng.normal(size=DIMENSION).astype(np.float32) for w in words}
    vectors = {w: v / np.linalg.norm(v) for w, v in vectors.items()}
    vectors["religion"] = _unit(1, 0, 0)
    search.vocabulary = _vocabulary(vectors)
    dense = search.encode_query
    search.encode_query = lambda text: _unit(1, 0.2, 0) if text == "faith" else dense(text)
    return search.search(question, k=1).hits[0].chunk.text


def test_a_question_word_the_profiles_never_use_finds_their_word():
    question = "Can employers refuse workers for their faith?"
    assert "religion" in _bm25_first(question)
    assert "papers" in _bm25_first(question, neighbour_weight=0.0)
    assert "papers" in _bm25_first(question, neighbour_cutoff=0.99)


# -- stored with the index ------------------------------------------------------------------------


def test_the_index_stores_the_corpus_words_vectors(fake_index):
    from mgiassist.index import load_index

    index = load_index(fake_index)
    vocabulary = index.vocabulary
    assert vocabulary is not None and vocabulary.model_id == index.model_id
    assert vocabulary.words == vocabulary_words(index.lexical.speller.counts)
    assert "remittances" in vocabulary.words and vocabulary.vectors.shape == (len(vocabulary), index.vectors.shape[1])
    manifest = json.loads((fake_index / "manifest.json").read_text())
    assert {VOCABULARY_JSON, VOCABULARY_NPY} <= set(manifest["files"])  # covered by the checksums


def test_an_index_without_word_vectors_gains_them_and_a_rebuild_reuses_them(fake_index, corpus_copy):
    from conftest import FakeEmbedder

    from mgiassist.index import build_index, load_index
    from mgiassist.index.manifest import file_records

    (fake_index / VOCABULARY_JSON).unlink()
    (fake_index / VOCABULARY_NPY).unlink()
    manifest = json.loads((fake_index / "manifest.json").read_text())
    manifest["files"], manifest["arrays"] = file_records(fake_index)
    (fake_index / "manifest.json").write_text(json.dumps(manifest))
    assert load_index(fake_index).vocabulary is None  # an older index still loads, without expansion
    embedder = FakeEmbedder()
    report = build_index(corpus_copy, fake_index, embedder=embedder, progress=False)
    assert not report.up_to_date and load_index(fake_index).vocabulary is not None

    mgi = corpus_copy / "mgi-profile-cambodia-2021.txt"
    mgi.write_text(mgi.read_text().replace("cannot vote from abroad", "cannot vote from abroad like zanzibarian quokkas"))
    old = set(load_index(fake_index).vocabulary.words)
    embedder.encoded.clear()
    build_index(corpus_copy, fake_index, embedder=embedder, progress=False)
    words = set(load_index(fake_index).vocabulary.words)
    assert {"zanzibarian", "quokkas"} <= words - old
    assert set(embedder.encoded) & words == words - old  # only the new words were encoded


def test_a_searcher_with_a_batch_encoder_encodes_the_unknown_words_in_one_call():
    # (the question's intent, read by meaning through the same encoder, is not what is counted)
    search = searcher(profile(RELIGION, PAPERS, *FILLER), settings=SearchSettings(cues_by_meaning=False))
    search.vocabulary = VOCABULARY
    calls: list[list[str]] = []
    dense = search.encode_query
    search.encode_query = lambda text: dense(text) if " " in text else pytest.fail(f"{text!r} encoded alone")

    def encode_texts(texts: list[str]) -> np.ndarray:
        calls.append(list(texts))
        return np.stack([_unit(1, 0, 0) for _ in texts])

    search.encode_texts = encode_texts
    search.search("Do employers refuse workers for faith or colour?")
    assert calls == [["refuse", "workers", "faith", "colour"]]  # "employers" has its stored vector
