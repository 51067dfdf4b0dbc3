"""Loading an index, validating everything a search will rely on.

Every way a folder can be damaged ends in :class:`IndexCorruptError` with a one-line reason
naming the file (missing, empty, truncated, checksum, wrong shape or dimension, a manifest field
of the wrong type), or :class:`IndexMismatchError` for an index of another format version.

Checksums only say a file is the one the build recorded. Each file's structure is checked too,
so a file rewritten with its checksum recorded again is still named: the BM25 matrix against the
chunk count and its vocabulary, the sentence and word tables against the chunks, the model and
the dimension, every ``countries`` entry of the manifest, and the manifest's ``model_id``
against the model the sentence and word vectors were made by.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from mgiassist.errors import IndexCorruptError, IndexMissingError
from mgiassist.index.integrity import file_problems
from mgiassist.index.layout import (
    BM25_DIR,
    CALIBRATION,
    CHUNKS,
    DENSE,
    MANIFEST,
    VECTORS,
    resolve_index_dir,
)
from mgiassist.index.lock import BuildLock
from mgiassist.index.manifest import HNSW_EF_SEARCH, Manifest, damaged, read_manifest
from mgiassist.index.sentence_table import SentenceTable, read_sentence_table
from mgiassist.index.vocabulary import Vocabulary, read_vocabulary
from mgiassist.schema import Chunk
from mgiassist.text.countries import CountryNames, lookup_country
from mgiassist.text.lexical import LexicalIndex

__all__ = [
    "HNSW_EF_SEARCH",
    "LoadedIndex",
    "damaged",
    "load_index",
    "model_problem",
    "valid_manifest",
    "write_calibration",
]

log = logging.getLogger("mgiassist.index")


@dataclass
class LoadedIndex:
    """A loaded index: everything search needs except the model."""

    path: Path
    manifest: Manifest
    chunks: list[Chunk]
    vectors: np.ndarray
    dense: faiss.Index
    lexical: LexicalIndex
    abstain_threshold: float | None = None
    # the corpus words' vectors (vocabulary.json/.npy), None for an index built before them
    vocabulary: Vocabulary | None = None
    # the answer step's sentence vectors (sentences.json/.npy), None for an index built before them
    sentences: SentenceTable | None = None

    @property
    def countries(self) -> list[CountryNames]:
        # Names as this version of the library knows them (translations an older index's
        # manifest lacks), else as recorded.
        return self.manifest.country_names()

    @property
    def model_id(self) -> str:
        return self.manifest.model_id


def valid_manifest(index_dir: Path) -> tuple[Path, Manifest]:
    """The folder and manifest of a readable index of this format, with fields of the right
    types; raises the typed error otherwise."""
    folder = resolve_index_dir(index_dir)
    try:
        return folder, read_manifest(index_dir)
    except RecursionError:  # JSON nested deeper than the decoder goes: no manifest
        raise damaged(index_dir, [f"{MANIFEST} is nested too deeply to be a manifest"]) from None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:200]}" if text else type(exc).__name__


def _read_chunks(path: Path) -> list[Chunk]:
    chunks = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                chunks.append(Chunk.from_dict(json.loads(line)))
            except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
                raise ValueError(
                    f"{CHUNKS} line {number} is not a valid chunk ({_first_line(exc)})"
                ) from exc
    return chunks


def _load_parts(
    folder: Path, manifest: Manifest
) -> tuple[list[Chunk], np.ndarray, faiss.Index, LexicalIndex]:
    """Read each part, naming the file that fails."""
    parts: dict[str, Any] = {}
    readers = (
        (CHUNKS, lambda: _read_chunks(folder / CHUNKS)),
        (VECTORS, lambda: np.load(folder / VECTORS, allow_pickle=False)),
        (DENSE, lambda: faiss.read_index(str(folder / DENSE))),
        (BM25_DIR, lambda: LexicalIndex.load(folder / BM25_DIR, manifest.chunk_count)),
    )
    for name, read in readers:
        try:
            parts[name] = read()
        except (
            OSError,
            ValueError,
            KeyError,
            TypeError,
            RuntimeError,
            EOFError,
            MemoryError,
            RecursionError,  # a JSON part nested deeper than the decoder goes
        ) as exc:
            message = (
                str(exc) if isinstance(exc, ValueError) and str(exc).startswith(CHUNKS) else None
            )
            raise ValueError(message or f"{name} cannot be read ({_first_line(exc)})") from exc
    return parts[CHUNKS], parts[VECTORS], parts[DENSE], parts[BM25_DIR]


def _shape_problems(
    manifest: Manifest, chunks: list[Chunk], vectors: np.ndarray, dense: faiss.Index
) -> list[str]:
    count, dimension = manifest.chunk_count, manifest.dimension
    problems = []
    if len(chunks) != count:
        problems.append(f"{CHUNKS} holds {len(chunks)} chunks, the manifest says {count}")
    if vectors.dtype != np.float32 or vectors.ndim != 2 or vectors.shape != (count, dimension):
        problems.append(
            f"{VECTORS} holds a {'×'.join(map(str, vectors.shape))} {vectors.dtype} array, "
            f"expected {count}×{dimension} float32"
        )
    if dense.d != dimension:
        problems.append(
            f"{DENSE} holds {dense.d}-dimensional vectors, the index {dimension}-dimensional ones"
        )
    if dense.ntotal != count:
        problems.append(f"{DENSE} holds {dense.ntotal} vectors, the manifest says {count}")
    return problems


def load_index(index_dir: Path | str, *, verify_hashes: bool = True) -> LoadedIndex:
    """Load and validate an index (files, checksums, shapes, dimensions). A build that swaps
    the folder away mid-read is not damage: the load starts again from the new folder."""
    index_dir = Path(index_dir)
    for attempt in range(3):
        before = _manifest_identity(index_dir)
        try:
            return _load_from(index_dir, verify_hashes)
        except IndexCorruptError:
            if attempt == 2 or _manifest_identity(index_dir) == before:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _manifest_identity(index_dir: Path) -> tuple[str, int, int] | None:
    try:
        folder = resolve_index_dir(index_dir)
        stat = (folder / MANIFEST).stat()
    except (IndexMissingError, OSError):
        return None
    return (str(folder), stat.st_ino, stat.st_mtime_ns)


def _load_from(index_dir: Path, verify_hashes: bool) -> LoadedIndex:
    folder, manifest = valid_manifest(index_dir)
    problems = file_problems(folder, manifest, hashes=verify_hashes)
    if problems:
        raise damaged(index_dir, problems)
    try:
        chunks, vectors, dense, lexical = _load_parts(folder, manifest)
    except ValueError as exc:
        raise damaged(index_dir, [str(exc)]) from exc
    problems = _shape_problems(manifest, chunks, vectors, dense)
    problems += _country_problems(manifest)
    problems += _bm25_problems(lexical, manifest.chunk_count)
    if problems:
        raise damaged(index_dir, problems)
    try:
        sentences = read_sentence_table(
            folder, model_id=manifest.model_id, dimension=manifest.dimension,
            chunk_lengths={c.chunk_id: len(c.text) for c in chunks},
        )
        vocabulary = read_vocabulary(folder, model_id=manifest.model_id, dimension=manifest.dimension)
    except ValueError as exc:
        raise damaged(index_dir, [str(exc)]) from exc
    if sentences is not None and manifest.sentence_count not in (None, len(sentences)):
        raise damaged(index_dir, [
            f"{SENTENCES} holds {len(sentences)} sentences, the manifest says {manifest.sentence_count}"
        ])
    if isinstance(dense, faiss.IndexHNSW):
        dense.hnsw.efSearch = manifest.hnsw_ef_search
    return LoadedIndex(
        path=folder,
        manifest=manifest,
        chunks=chunks,
        vectors=vectors,
        dense=dense,
        lexical=lexical,
        abstain_threshold=_read_threshold(folder / CALIBRATION),
        vocabulary=vocabulary,
        sentences=sentences,
    )


SENTENCES = "sentences.json"
_COUNTRY_TEXT = ("alpha_3", "alpha_2")


def _country_problems(manifest: Manifest) -> list[str]:
    """Each ``countries`` entry must give a country the search can name: one this library
    knows by its name, or a full record (name, codes, aliases and translations as strings)."""
    for number, entry in enumerate(manifest.countries, start=1):
        name = entry.get("name")
        what = f"manifest.json countries entry {number} ({str(name)[:40]!r})"
        if lookup_country(name) is not None:
            continue
        if not all(isinstance(entry.get(key), str) and entry.get(key) for key in _COUNTRY_TEXT):
            return [f"{what} lacks its alpha_3 and alpha_2 codes"]
        if not isinstance(entry.get("official_name"), (str, type(None))):
            return [f"{what} has an official_name that is not a string"]
        for key in ("aliases", "translations"):
            values = entry.get(key, [])
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                return [f"{what} field {key} should be a list of strings"]
    try:
        manifest.country_names()
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        return [f"manifest.json field countries cannot be read ({_first_line(exc)})"]
    return []


def _bm25_problems(lexical: LexicalIndex, count: int) -> list[str]:
    """The BM25 matrix (column-compressed, one column per term) and its vocabulary must agree
    with each other and with the chunk count, or a search would index outside them."""
    retriever = getattr(lexical, "_retriever", None)
    scores = getattr(retriever, "scores", None)
    vocab = getattr(retriever, "vocab_dict", None)
    if not isinstance(scores, dict) or not isinstance(vocab, dict):
        return [f"{BM25_DIR} cannot be read (no score matrix or vocabulary)"]
    data, indices, indptr = (np.asarray(scores.get(k)) for k in ("data", "indices", "indptr"))
    name = f"{BM25_DIR}/"
    if not (data.ndim == indices.ndim == indptr.ndim == 1):
        return [f"{name}data, indices and indptr should be flat arrays"]
    if not (np.issubdtype(indices.dtype, np.integer) and np.issubdtype(indptr.dtype, np.integer)):
        return [f"{name}indices and indptr should hold integers"]
    if not np.issubdtype(data.dtype, np.floating):
        return [f"{name}data.csc.index.npy should hold numbers"]
    if len(data) != len(indices):
        return [f"{name}data.csc.index.npy holds {len(data)} scores, indices.csc.index.npy {len(indices)}"]
    if len(indptr) == 0 or indptr[0] != 0 or indptr[-1] != len(indices) or np.any(np.diff(indptr) < 0):
        return [f"{name}indptr.csc.index.npy does not delimit the {len(indices)} scores (start 0, never decreasing)"]
    if len(indices) and (indices.min() < 0 or indices.max() >= count):
        return [f"{name}indices.csc.index.npy names document {int(indices.max())}, the index holds {count}"]
    ids = list(vocab.values())
    if not all(isinstance(k, str) for k in vocab) or not all(
        isinstance(i, int) and not isinstance(i, bool) for i in ids
    ):
        return [f"{name}vocab.index.json should map terms to integers"]
    terms = len(indptr) - 1  # columns of the matrix
    # bm25s numbers the empty token last, one past the matrix's columns
    used = [i for term, i in vocab.items() if term]
    if len(set(ids)) != len(ids) or (used and (min(used) < 0 or max(used) >= terms)):
        return [f"{name}vocab.index.json numbers its terms outside the {terms} columns of the score matrix"]
    return []


def model_problem(
    index: LoadedIndex, encode: Callable[[list[str]], np.ndarray], *, sample: int = 3,
    min_cosine: float = 0.95,
) -> str | None:
    """Whether the stored vectors are the output of the model about to search them: ``sample``
    chunks, spread over the index, are encoded with ``encode`` and compared with their stored
    rows. A manifest whose ``model_id`` names another model of the same dimension (every file
    naming the model rewritten together) passes every other check; its search would quietly
    rank with the wrong vectors. None when they agree (cosine ≥ ``min_cosine``), else one line.
    Costs ``sample`` encodes; ``load_index`` loads no model, so the caller that has one calls it."""
    count = len(index.chunks)
    if not count or not sample:
        return None
    picks = sorted({round(i * (count - 1) / max(1, sample - 1)) for i in range(min(sample, count))})
    fresh = np.asarray(encode([index.chunks[i].embed_text for i in picks]), np.float32)
    stored = np.asarray(index.vectors[picks], np.float32)
    if fresh.shape != stored.shape:
        return (f"{VECTORS} holds {stored.shape[1]}-dimensional vectors, the model makes "
                f"{fresh.shape[1] if fresh.ndim == 2 else '?'}-dimensional ones")

    def unit(rows: np.ndarray) -> np.ndarray:
        norms = np.linalg.norm(rows, axis=1, keepdims=True)
        return rows / np.where(norms == 0, 1, norms)

    cosine = float(np.min(np.sum(unit(fresh) * unit(stored), axis=1)))
    if cosine >= min_cosine:
        return None
    return (f"{VECTORS} was not made by {index.model_id}, the model the manifest names "
            f"(cosine {cosine:.2f} between stored and fresh vectors of {len(picks)} chunks)")


def _read_threshold(calibration: Path) -> float | None:
    if not calibration.is_file():
        return None
    try:
        return float(json.loads(calibration.read_text(encoding="utf-8"))["abstain_threshold"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("ignoring unreadable %s (%s)", calibration, exc)
        return None


def write_calibration(index_dir: Path | str, data: dict[str, Any]) -> Path:
    """Store an abstention calibration with an index (atomically; survives rebuilds with the same
    model). Not covered by the manifest's checksums: it may change after the build."""
    if "abstain_threshold" not in data:
        raise ValueError("calibration needs an abstain_threshold")
    with BuildLock(Path(index_dir)):  # a build running now would copy the old calibration
        folder = resolve_index_dir(Path(index_dir))
        target = folder / CALIBRATION
        tmp = target.with_name(f"{CALIBRATION}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, indent=2), encoding="utf-8")
        os.replace(tmp, target)
    return target
