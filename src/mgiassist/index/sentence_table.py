"""Index-time sentence vectors for the answer step.

:func:`mgiassist.answer.compose_answer` scores the sentences of the top passages against the
question. Those sentences depend only on the chunk, so ``mgiassist index`` splits every chunk
the way the answer step does (``candidate_spans`` and ``strip_footnote_marks``, from
:mod:`mgiassist.text.sentences`), encodes each distinct sentence once and stores them with the index:

    sentences.npy    float32 rows, one per distinct sentence text (memory-mapped when loaded)
    sentences.json   {"format", "model_id", "dimension", "texts": [...],
                      "chunks": {chunk_id: [[start, end, row], ...]}}

At question time :func:`precomputed_encoder` answers from the table and encodes only what it
does not hold, normally just the question, whose vector the search has already computed.
Lookups go by exact text, so a table that is stale or missing costs speed, never correctness.
Builds are incremental: sentences already in the old table keep their vectors.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from mgiassist.index.vector_table import header_problem, load_vector_file, read_vector_pair
from mgiassist.schema import Chunk
from mgiassist.text.sentences import (
    Encoder,
    Span,
    candidate_spans,
    split_sentences,
    strip_footnote_marks,
)

__all__ = [
    "SENTENCES_JSON",
    "SENTENCES_NPY",
    "SentenceTable",
    "answer_encoder",
    "build_sentence_table",
    "chunk_sentences",
    "load_sentence_table",
    "precomputed_encoder",
    "read_sentence_table",
]

FORMAT = 1
SENTENCES_JSON = "sentences.json"
SENTENCES_NPY = "sentences.npy"
_BLOCK = 512  # texts per encode call, so a progress bar moves


def chunk_sentences(chunk: Chunk) -> list[tuple[Span, str]]:
    """The candidate sentences of ``chunk`` exactly as :func:`compose_answer` makes them."""
    headings = (*chunk.heading_path, str(chunk.attributes.get("title", "")))
    return [
        (span, strip_footnote_marks(chunk.text[span.start : span.end]))
        for span in candidate_spans(chunk.text, headings)
    ]


@dataclass
class SentenceTable:
    """Distinct sentence texts, their vectors, and where each sits in each chunk."""

    model_id: str
    texts: list[str]
    vectors: np.ndarray  # (len(texts), dimension) float32
    chunks: dict[str, list[tuple[int, int, int]]] = field(default_factory=dict)
    _rows: dict[str, int] | None = field(default=None, repr=False)

    def __len__(self) -> int:
        return len(self.texts)

    @property
    def dimension(self) -> int:
        return int(self.vectors.shape[1]) if self.vectors.ndim == 2 else 0

    def row(self, text: str) -> int | None:
        if self._rows is None:
            self._rows = {t: i for i, t in enumerate(self.texts)}
        return self._rows.get(text)

    def sentences_of(self, chunk_id: str) -> list[tuple[Span, str]]:
        return [(Span(s, e), self.texts[r]) for s, e, r in self.chunks.get(chunk_id, [])]

    def save(self, folder: Path) -> None:
        np.save(folder / SENTENCES_NPY, np.ascontiguousarray(self.vectors, np.float32), allow_pickle=False)
        payload = {
            "format": FORMAT,
            "model_id": self.model_id,
            "dimension": self.dimension,
            "texts": self.texts,
            "chunks": {cid: [list(t) for t in spans] for cid, spans in self.chunks.items()},
        }
        (folder / SENTENCES_JSON).write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")


def _sentence_table(payload: dict[str, Any], vectors: np.ndarray) -> SentenceTable | None:
    texts = list(payload["texts"])
    chunks = {cid: [tuple(map(int, t)) for t in spans] for cid, spans in payload["chunks"].items()}
    if payload.get("format") != FORMAT or vectors.ndim != 2 or len(vectors) != len(texts):
        return None
    return SentenceTable(str(payload.get("model_id", "")), texts, vectors, chunks)


def load_sentence_table(folder: Path | str, *, mmap: bool = True) -> SentenceTable | None:
    """The table stored in an index folder, or None when it is absent or unusable (the answer
    step then encodes sentences itself, as before)."""
    return load_vector_file(folder, SENTENCES_JSON, SENTENCES_NPY, _sentence_table,
                            what="sentence vectors", mmap=mmap)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def sentence_table_problem(
    payload: Any, vectors: np.ndarray, *, model_id: str, dimension: int,
    chunk_lengths: Mapping[str, int] | None = None,
) -> str | None:
    """What is wrong with a stored table's structure, as one phrase naming the file (None: all
    is well): the format, the model and dimension of the index, one float32 row per text, and
    every span ``[start, end, row]`` inside its chunk's text (``chunk_lengths``: chunk id →
    length) and pointing at a row that exists."""
    name = SENTENCES_JSON
    problem = header_problem(name, payload, format_version=FORMAT, model_id=model_id)
    if problem:
        return problem
    if payload.get("dimension") != dimension:
        return f"{name} says dimension {payload.get('dimension')!r}, the index has {dimension}"
    texts, chunks = payload.get("texts"), payload.get("chunks")
    if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
        return f"{name} field texts should be a list of strings"
    if vectors.ndim != 2 or vectors.dtype != np.float32 or vectors.shape != (len(texts), dimension):
        return (f"{SENTENCES_NPY} holds a {'×'.join(map(str, vectors.shape))} {vectors.dtype} array, "
                f"expected {len(texts)}×{dimension} float32 (one row per text of {name})")
    if not isinstance(chunks, dict):
        return f"{name} field chunks should be an object"
    ids, counts, flat = [], [], []
    for chunk_id, spans in chunks.items():
        if chunk_lengths is not None and chunk_id not in chunk_lengths:
            return f"{name} lists sentences of chunk {chunk_id[:40]!r}, which the index does not hold"
        if not isinstance(spans, list):
            return f"{name} entry chunks[{chunk_id[:40]!r}] should be a list of [start, end, row]"
        ids.append(chunk_id)
        counts.append(len(spans))
        flat.extend(spans)
    if not flat:
        return None
    # one array for every span of every chunk: 30 ms of Python per 6,000 chunks checked at once
    try:
        table = np.asarray(flat)
    except (ValueError, TypeError):
        table = np.asarray([], dtype=object)
    if table.ndim != 2 or table.shape[1:] != (3,) or not np.issubdtype(table.dtype, np.integer):
        bad = next((i for i, span in enumerate(flat) if not (
            isinstance(span, list) and len(span) == 3 and all(_is_int(v) for v in span))), 0)
        owner = ids[int(np.searchsorted(np.cumsum(counts), bad, side="right"))]
        return f"{name} entry chunks[{owner[:40]!r}] holds {str(flat[bad])[:40]}, not [start, end, row]"
    starts, ends, at = table[:, 0], table[:, 1], table[:, 2]
    limits = (np.repeat([chunk_lengths[c] for c in ids], counts) if chunk_lengths is not None
              else np.full(len(table), np.iinfo(np.int64).max))
    outside = (starts < 0) | (starts > ends) | (ends > limits)
    missing = (at < 0) | (at >= len(texts))
    for wrong, what in ((outside, "has a span {s}–{e} outside its chunk"),
                        (missing, "points at row {r} of " + str(len(texts)))):
        if wrong.any():
            bad = int(np.argmax(wrong))
            owner = ids[int(np.searchsorted(np.cumsum(counts), bad, side="right"))]
            detail = what.format(s=int(starts[bad]), e=int(ends[bad]), r=int(at[bad]))
            return f"{name} entry chunks[{owner[:40]!r}] {detail}"
    return None


def read_sentence_table(
    folder: Path | str, *, model_id: str, dimension: int,
    chunk_lengths: Mapping[str, int] | None = None, mmap: bool = True,
) -> SentenceTable | None:
    """The table of an index being loaded, checked strictly: None when the index has none (built
    before it existed); ``ValueError`` with one phrase naming the file when it is unreadable or
    malformed (damage the manifest's checksums cannot see when they were recorded again)."""
    pair = read_vector_pair(folder, SENTENCES_JSON, SENTENCES_NPY, mmap=mmap)
    if pair is None:
        return None
    payload, vectors = pair
    problem = sentence_table_problem(
        payload, vectors, model_id=model_id, dimension=dimension, chunk_lengths=chunk_lengths
    )
    if problem:
        raise ValueError(problem)
    chunks = {cid: [tuple(t) for t in spans] for cid, spans in payload["chunks"].items()}
    return SentenceTable(model_id, payload["texts"], vectors, chunks)


def build_sentence_table(
    chunks: Sequence[Chunk],
    embedder: Any,
    *,
    reuse: SentenceTable | None = None,
    batch_size: int = 64,
    progress: Callable[[int], None] | None = None,
) -> tuple[SentenceTable, int]:
    """The table for ``chunks`` and how many sentences had to be encoded. Rows of ``reuse``
    (the previous build, same model) are copied for texts it already holds."""
    rows: dict[str, int] = {}
    spans: dict[str, list[tuple[int, int, int]]] = {}
    for chunk in chunks:
        entries = spans.setdefault(chunk.chunk_id, [])
        for span, text in chunk_sentences(chunk):
            entries.append((span.start, span.end, rows.setdefault(text, len(rows))))
    # The answerability judge scores every sentence, titles and table cells too ("The Employment
    # Permit Scheme (2006)."), which the answer step leaves out: stored as well, they cost the
    # build a few short texts and save a turn its second encode.
    for chunk in chunks:
        for span in split_sentences(chunk.text):
            rows.setdefault(strip_footnote_marks(chunk.text[span.start : span.end]), len(rows))
    texts = list(rows)
    vectors = np.zeros((len(texts), embedder.dimension), dtype=np.float32)
    usable = reuse is not None and reuse.model_id == embedder.model_id and reuse.dimension == embedder.dimension
    missing: list[int] = []
    for i, text in enumerate(texts):
        old = reuse.row(text) if usable else None
        if old is None:
            missing.append(i)
        else:
            vectors[i] = reuse.vectors[old]
    missing.sort(key=lambda i: -len(texts[i]))  # similar lengths share a batch: less padding
    for start in range(0, len(missing), _BLOCK):
        block = missing[start : start + _BLOCK]
        vectors[block] = embedder.encode([texts[i] for i in block], batch_size=batch_size)
        if progress is not None:
            progress(len(block))
    return SentenceTable(embedder.model_id, texts, vectors, spans), len(missing)


def precomputed_encoder(table: SentenceTable | None, fallback: Encoder) -> Encoder:
    """An :data:`~mgiassist.answer.Encoder` that returns stored rows for the sentences ``table``
    holds and calls ``fallback`` once for the rest (normally only the question)."""

    def encode(texts: Iterable[str]) -> np.ndarray:
        texts = list(texts)
        found = [table.row(t) if table is not None else None for t in texts]
        unknown = [i for i, row in enumerate(found) if row is None]
        fresh = np.asarray(fallback([texts[i] for i in unknown]), np.float32) if unknown else None
        if table is None or not texts:
            return fresh if fresh is not None else np.zeros((0, 0), np.float32)
        width = table.dimension if fresh is None else fresh.shape[1]
        out = np.empty((len(texts), width), dtype=np.float32)
        known = [i for i, row in enumerate(found) if row is not None]
        if known:
            out[known] = table.vectors[[found[i] for i in known]]
        if fresh is not None:
            out[unknown] = fresh
        return out

    return encode


def answer_encoder(assistant: Any, table: SentenceTable | None = None) -> Encoder:
    """The encoder for :func:`compose_answer` with an :class:`~mgiassist.Assistant`: stored
    sentence vectors, then the assistant's own encode cache, which already holds the question's
    vector from the search (so an answer costs no encode beyond the search's)."""
    if table is None:
        # the table load_index checked, else (an index loaded some other way) read it now
        table = getattr(assistant.index, "sentences", None) or load_sentence_table(assistant.index.path)
    return precomputed_encoder(table, assistant.encoder.encode)
