"""Query expansion by embedding neighbours in the corpus's own vocabulary.

A question worded unlike the profiles ("skin colour", "inside the ministry") shares no BM25 term
with the passage that answers it ("color", "within the ministry"). The index's own words are
encoded once, with the same model as the passages; each content word of a question then brings
the corpus words nearest to it (cosine at least ``cutoff``) into the BM25 query as weighted
terms: "colour" → "color" (cosine 0.97), "inside" → "within" (0.82), "kids" → "children" (0.88).
Only words the corpus uses can be added, so the expansion never searches for a term no passage
holds. Synonyms further apart ("faith" → "religion", 0.68) fall below the cut-off chosen on the
development questions: lower, generic neighbours ("many" → "some") cost more than they bring.

    vocabulary.npy    float32 rows, one per word (unit vectors)
    vocabulary.json   {"format", "model_id", "dimension", "words": [...]}
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from mgiassist.index.vector_table import header_problem, load_vector_file, read_vector_pair
from mgiassist.text.lexical import analyse, is_stopword

__all__ = [
    "VOCABULARY_JSON",
    "VOCABULARY_NPY",
    "Vocabulary",
    "build_vocabulary",
    "load_vocabulary",
    "looked_up_words",
    "neighbour_terms",
    "read_vocabulary",
    "vocabulary_words",
]

FORMAT = 1
VOCABULARY_JSON = "vocabulary.json"
VOCABULARY_NPY = "vocabulary.npy"
MIN_LETTERS = 3


def vocabulary_words(counts: Mapping[str, int]) -> list[str]:
    """The corpus words worth a vector: letters only, at least three, no stopwords, each giving
    one BM25 term (``counts`` are the surface words of the indexed texts, lower-case)."""
    words = []
    for word in counts:
        if len(word) >= MIN_LETTERS and word.isalpha() and not is_stopword(word) and len(analyse(word)) == 1:
            words.append(word)
    return sorted(words)


@dataclass
class Vocabulary:
    """The corpus words, their BM25 terms (stems) and their unit vectors."""

    model_id: str
    words: list[str]
    vectors: np.ndarray  # (len(words), dimension) float32
    _rows: dict[str, int] | None = field(default=None, repr=False)
    _terms: np.ndarray | None = field(default=None, repr=False)

    def __len__(self) -> int:
        return len(self.words)

    @property
    def dimension(self) -> int:
        return int(self.vectors.shape[1]) if self.vectors.ndim == 2 else 0

    @property
    def terms(self) -> np.ndarray:
        """The BM25 term of each word ("religious" → "religi"), aligned with :attr:`words`."""
        if self._terms is None:
            self._terms = np.array([analyse(w)[0] for w in self.words], dtype=object)
        return self._terms

    def row(self, word: str) -> int | None:
        if self._rows is None:
            self._rows = {w: i for i, w in enumerate(self.words)}
        return self._rows.get(word.lower())

    def save(self, folder: Path) -> None:
        np.save(folder / VOCABULARY_NPY, np.ascontiguousarray(self.vectors, np.float32), allow_pickle=False)
        payload = {"format": FORMAT, "model_id": self.model_id, "dimension": self.dimension, "words": self.words}
        (folder / VOCABULARY_JSON).write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")


def build_vocabulary(
    words: Sequence[str],
    model_id: str,
    encode: Callable[[list[str]], np.ndarray],
    *,
    reuse: Vocabulary | None = None,
    block: int = 512,
) -> tuple[Vocabulary, int]:
    """Encode ``words`` once (``encode`` takes a list of texts, returns unit rows) and say how
    many had to be encoded: rows of ``reuse`` (the previous build, same model) are copied."""
    words = list(words)
    usable = reuse is not None and reuse.model_id == model_id and len(reuse) > 0
    found = [reuse.row(w) if usable else None for w in words]
    missing = [i for i, row in enumerate(found) if row is None]
    fresh = [np.asarray(encode([words[i] for i in missing[s : s + block]]), np.float32)
             for s in range(0, len(missing), block)]
    dimension = fresh[0].shape[1] if fresh else reuse.dimension if usable else 0
    vectors = np.zeros((len(words), dimension), dtype=np.float32)
    if fresh:
        vectors[missing] = np.concatenate(fresh)
    known = [i for i, row in enumerate(found) if row is not None]
    if known:
        vectors[known] = reuse.vectors[[found[i] for i in known]]
    return Vocabulary(model_id, words, vectors), len(missing)


def _vocabulary(payload: dict[str, Any], vectors: np.ndarray) -> Vocabulary | None:
    words = [str(w) for w in payload["words"]]
    if (payload.get("format") != FORMAT or vectors.ndim != 2 or len(vectors) != len(words)
            or vectors.dtype != np.float32):
        return None
    return Vocabulary(str(payload.get("model_id", "")), words, vectors)


def vocabulary_problem(payload: Any, vectors: np.ndarray, *, model_id: str, dimension: int) -> str | None:
    """What is wrong with a stored vocabulary's structure, one phrase naming the file (None:
    all is well): format, the index's model, one float32 row of the index's dimension per word."""
    name = VOCABULARY_JSON
    problem = header_problem(name, payload, format_version=FORMAT, model_id=model_id)
    if problem:
        return problem
    words = payload.get("words")
    if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
        return f"{name} field words should be a list of strings"
    width = dimension if words else vectors.shape[-1] if vectors.ndim == 2 else 0
    if vectors.ndim != 2 or vectors.dtype != np.float32 or vectors.shape != (len(words), width):
        return (f"{VOCABULARY_NPY} holds a {'×'.join(map(str, vectors.shape))} {vectors.dtype} array, "
                f"expected {len(words)}×{dimension} float32 (one row per word of {name})")
    return None


def read_vocabulary(folder: Path | str, *, model_id: str, dimension: int) -> Vocabulary | None:
    """The vocabulary of an index being loaded, checked strictly: None when the index has none
    (built before it existed); ``ValueError`` with one phrase naming the file when it is
    unreadable or malformed."""
    pair = read_vector_pair(folder, VOCABULARY_JSON, VOCABULARY_NPY)
    if pair is None:
        return None
    payload, vectors = pair
    problem = vocabulary_problem(payload, vectors, model_id=model_id, dimension=dimension)
    if problem:
        raise ValueError(problem)
    return Vocabulary(model_id, list(payload["words"]), vectors)


def load_vocabulary(folder: Path | str) -> Vocabulary | None:
    """The vocabulary stored in an index folder, or None when it is absent or unusable (the
    search then expands nothing, as before)."""
    return load_vector_file(folder, VOCABULARY_JSON, VOCABULARY_NPY, _vocabulary, what="vocabulary vectors")


def looked_up_words(words: Iterable[str]) -> list[str]:
    """The words :func:`neighbour_terms` looks up: lower-case, letters only, at least three, no
    stopwords, each once."""
    lowered = (w.lower() for w in words)
    return [w for w in dict.fromkeys(lowered) if len(w) >= MIN_LETTERS and w.isalpha() and not is_stopword(w)]


def neighbour_terms(
    words: Iterable[str],
    vocabulary: Vocabulary,
    encode_words: Callable[[list[str]], np.ndarray],
    *,
    cutoff: float,
    per_word: int = 1,
) -> dict[str, float]:
    """The BM25 terms of the corpus words nearest to ``words`` (cosine at least ``cutoff``, the
    ``per_word`` nearest of each), each with its best cosine; terms ``words`` already give are
    not added. A word the vocabulary holds uses its stored vector; the others are encoded in one
    call (``encode_words`` takes a list of words, returns unit rows)."""
    words = looked_up_words(words)
    if not words or not len(vocabulary):
        return {}
    asked = {t for w in words for t in analyse(w)}
    rows = [vocabulary.row(w) for w in words]
    unknown = [w for w, row in zip(words, rows) if row is None]
    fresh = iter(np.asarray(encode_words(unknown), np.float32)) if unknown else iter(())
    vectors = np.stack([vocabulary.vectors[row] if row is not None else next(fresh) for row in rows])
    terms = vocabulary.terms
    found: dict[str, float] = {}
    for vector in vectors:
        # one matrix-vector product per word: a matrix product would wake OpenBLAS's threads,
        # which cost ~10 ms on two cores the model's runtime already uses (0.05 ms this way)
        scores = vocabulary.vectors @ vector
        near = np.flatnonzero(scores >= cutoff)
        taken: set[str] = set()
        for i in near[np.argsort(-scores[near], kind="stable")]:
            term = terms[i]
            if term in asked or term in taken:
                continue
            taken.add(term)
            found[term] = max(found.get(term, 0.0), float(scores[i]))
            if len(taken) == per_word:
                break
    return found
