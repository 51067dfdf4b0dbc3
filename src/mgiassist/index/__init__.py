"""Build, check and load the on-disk index.

Layout of an index folder (no pickle anywhere)::

    manifest.json     format version, model id, dimension, chunk count, one hash per profile,
                      and the size and SHA-256 of every other file (shape and dtype of arrays)
    chunks.jsonl      every chunk with its citation metadata, in vector order
    vectors.npy       normalised float32 embeddings, reused by incremental builds
    dense.faiss       FAISS inner-product index (flat, or HNSW for large corpora)
    bm25/             bm25s index
    calibration.json  optional abstention threshold written by ``mgiassist eval --calibrate``

Modules: :mod:`~mgiassist.index.layout` (file and folder names, clean-up of dead builds),
:mod:`~mgiassist.index.lock` (one writer at a time), :mod:`~mgiassist.index.manifest` and
:mod:`~mgiassist.index.integrity` (what the files should be, and whether they are),
:mod:`~mgiassist.index.load`, :mod:`~mgiassist.index.status`, :mod:`~mgiassist.index.build`,
and :mod:`~mgiassist.index.hooks` (pause and crash points for the chaos tests).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mgiassist.embed import load_embedder  # noqa: F401 - looked up here by the build
    from mgiassist.index.build import BuildReport, build_index
    from mgiassist.index.layout import resolve_index_dir
    from mgiassist.index.load import LoadedIndex, load_index, write_calibration
    from mgiassist.index.lock import BuildLock
    from mgiassist.index.manifest import FAISS_KINDS, FORMAT_VERSION, Manifest, read_manifest
    from mgiassist.index.status import IndexStatus, index_status

# Imported on first use (PEP 562): a search loads the index without importing the builder and,
# through it, the readers of every file format.
_EXPORTS = {
    "load_embedder": "mgiassist.embed",  # the build looks it up here (tests replace it)
    "BuildReport": "mgiassist.index.build",
    "build_index": "mgiassist.index.build",
    "resolve_index_dir": "mgiassist.index.layout",
    "LoadedIndex": "mgiassist.index.load",
    "load_index": "mgiassist.index.load",
    "write_calibration": "mgiassist.index.load",
    "BuildLock": "mgiassist.index.lock",
    "FAISS_KINDS": "mgiassist.index.manifest",
    "FORMAT_VERSION": "mgiassist.index.manifest",
    "Manifest": "mgiassist.index.manifest",
    "read_manifest": "mgiassist.index.manifest",
    "IndexStatus": "mgiassist.index.status",
    "index_status": "mgiassist.index.status",
}

__all__ = [
    "FAISS_KINDS",
    "FORMAT_VERSION",
    "BuildLock",
    "BuildReport",
    "IndexStatus",
    "LoadedIndex",
    "Manifest",
    "build_index",
    "index_status",
    "load_index",
    "read_manifest",
    "resolve_index_dir",
    "write_calibration",
]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'mgiassist.index' has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
