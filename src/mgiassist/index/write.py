"""Writing an index folder and swapping it in place of the old one.

The new folder is complete (every file, then the manifest with their sizes and checksums) and
fsynced before it replaces the old one by two renames; :mod:`mgiassist.index.hooks` marks the
points where the chaos tests kill a build.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import faiss
import numpy as np

from mgiassist.index.hooks import checkpoint
from mgiassist.index.layout import (
    BM25_DIR,
    CHUNKS,
    DENSE,
    MANIFEST,
    VECTORS,
    discard,
    remove_dead_leftovers,
    sibling,
)
from mgiassist.index.manifest import HNSW_EF_SEARCH, Manifest, folder_records
from mgiassist.index.sentence_table import SentenceTable
from mgiassist.index.vocabulary import Vocabulary
from mgiassist.schema import Chunk
from mgiassist.text.lexical import LexicalIndex

__all__ = ["swap_in", "write_folder"]

HNSW_M = 32
HNSW_EF_CONSTRUCTION = 200


def _dense_index(vectors: np.ndarray, kind: str) -> faiss.Index:
    dimension = vectors.shape[1]
    if kind == "flat":
        index = faiss.IndexFlatIP(dimension)
    else:
        index = faiss.IndexHNSWFlat(dimension, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.hnsw.efSearch = HNSW_EF_SEARCH
    if len(vectors):
        index.add(vectors)
    return index


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            with path.open("rb") as handle:
                os.fsync(handle.fileno())
    _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def write_folder(
    building: Path,
    chunks: list[Chunk],
    vectors: np.ndarray,
    faiss_kind: str,
    manifest: Manifest,
    sentences: SentenceTable,
    keep_from: Path | None,
    keep: tuple[str, ...],
    *,
    vocabulary: Vocabulary | None = None,
) -> None:
    """Every index file, then the manifest recording their sizes and checksums, then fsync."""
    with (building / CHUNKS).open("w", encoding="utf-8") as handle:
        for chunk in chunks:
            handle.write(json.dumps(chunk.to_dict(), ensure_ascii=False) + "\n")
    np.save(building / VECTORS, vectors, allow_pickle=False)
    checkpoint("mid-write")
    faiss.write_index(_dense_index(vectors, faiss_kind), str(building / DENSE))
    LexicalIndex.build([c.embed_text for c in chunks]).save(building / BM25_DIR)
    sentences.save(building)  # the answer step's sentence vectors (mgiassist.index.sentence_table)
    if vocabulary is not None:
        vocabulary.save(building)  # the corpus words' vectors, for query expansion (mgiassist.index.vocabulary)
    if keep_from is not None:
        for name in keep:
            if (keep_from / name).is_file():
                shutil.copy2(keep_from / name, building / name)
    manifest = manifest.with_files(*folder_records(building))
    (building / MANIFEST).write_text(
        json.dumps(manifest.to_dict(), indent=2, ensure_ascii=False), encoding="utf-8"
    )
    _fsync_tree(building)


def swap_in(new: Path, target: Path) -> None:
    """Replace ``target`` by ``new``. Between the two renames ``target`` is briefly absent, but
    ``target.previous-*`` is complete and :func:`load_index` falls back to it."""
    previous = sibling(target, "previous")
    if target.exists():
        os.rename(target, previous)
    checkpoint("between-renames")
    os.rename(new, target)
    _fsync_dir(target.parent)
    discard(previous)
    remove_dead_leftovers(target)
