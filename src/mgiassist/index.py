"""Build, check and load the on-disk index.

Layout of an index folder (no pickle anywhere)::

    manifest.json     format version, model id, dimension, chunk count, one hash per profile
    chunks.jsonl      every chunk with its citation metadata, in vector order
    vectors.npy       normalised float32 embeddings, reused by incremental builds
    dense.faiss       FAISS inner-product index (flat, or HNSW for large corpora)
    bm25/             bm25s index
    sentences.npy     the answer step's sentence vectors, and sentences.json their texts and
                      offsets (see mgiassist.sentence_vectors)
    calibration.json  optional abstention threshold written by ``mgiassist eval --calibrate``

A build writes a complete new folder beside the old one and then swaps the two by renames; a
crash at any point leaves either the old or the new index loadable (see :func:`_swap_in`).
"""

from __future__ import annotations

import datetime as _dt
import json
import logging
import os
import shutil
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import faiss
import numpy as np
from tqdm.auto import tqdm

from mgiassist.chunk import CHUNKER_VERSION, chunk_profile
from mgiassist.countries import CountryNames
from mgiassist.embed import DEFAULT_MODEL, Embedder, backend_of, load_embedder
from mgiassist.errors import (
    IndexCorruptError,
    IndexMismatchError,
    IndexMissingError,
    ProfileError,
)
from mgiassist.ingest import file_hash, iter_profile_paths, load_profile
from mgiassist.lexical import ANALYSER, LexicalIndex
from mgiassist.schema import Chunk
from mgiassist.sentence_vectors import SENTENCES_JSON, build_sentence_table, load_sentence_table

__all__ = [
    "FAISS_KINDS",
    "FORMAT_VERSION",
    "BuildReport",
    "IndexStatus",
    "LoadedIndex",
    "build_index",
    "index_status",
    "load_index",
    "read_manifest",
    "write_calibration",
]

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
FAISS_KINDS = ("flat", "hnsw")
MANIFEST = "manifest.json"
CHUNKS = "chunks.jsonl"
VECTORS = "vectors.npy"
DENSE = "dense.faiss"
BM25_DIR = "bm25"
CALIBRATION = "calibration.json"
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 200
HNSW_EF_SEARCH = 128


@dataclass
class BuildReport:
    index_dir: Path
    up_to_date: bool
    chunk_count: int
    profiles: int
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    embedded_chunks: int = 0
    reused_chunks: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        if self.up_to_date:
            return f"{self.index_dir} is up to date ({self.profiles} profiles, {self.chunk_count} chunks)"
        parts = [
            f"indexed {self.profiles} profiles into {self.chunk_count} chunks in {self.index_dir}",
            f"embedded {self.embedded_chunks}, reused {self.reused_chunks}",
        ]
        for label, names in (("added", self.added), ("changed", self.changed), ("removed", self.removed)):
            if names:
                parts.append(f"{label}: {', '.join(names)}")
        parts.append(f"{self.seconds:.1f}s")
        return "; ".join(parts)


@dataclass
class IndexStatus:
    state: str  # "missing", "current", "stale", "corrupt" or "mismatch"
    reasons: list[str] = field(default_factory=list)

    @property
    def usable(self) -> bool:
        return self.state in ("current", "stale")

    def message(self) -> str:
        return f"index is {self.state}" + (f": {'; '.join(self.reasons)}" if self.reasons else "")


@dataclass
class LoadedIndex:
    """A loaded index: everything search needs except the model."""

    path: Path
    manifest: dict[str, Any]
    chunks: list[Chunk]
    vectors: np.ndarray
    dense: faiss.Index
    lexical: LexicalIndex
    abstain_threshold: float | None = None

    @property
    def countries(self) -> list[CountryNames]:
        return [CountryNames.from_dict(c) for c in self.manifest.get("countries", [])]

    @property
    def model_id(self) -> str:
        return self.manifest["model_id"]


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------


def _previous_copies(index_dir: Path) -> list[Path]:
    return sorted(index_dir.parent.glob(f"{index_dir.name}.previous-*"), key=lambda p: p.stat().st_mtime)


def _resolve_index_dir(index_dir: Path) -> Path:
    """The folder holding the index; after a crash between the two renames of a swap, the
    previous copy is still complete and is used."""
    if (index_dir / MANIFEST).is_file():
        return index_dir
    for previous in reversed(_previous_copies(index_dir)):
        if (previous / MANIFEST).is_file():
            log.warning("index %s was being replaced when a build stopped; using %s", index_dir, previous)
            return previous
    raise IndexMissingError(f"no index at {index_dir}: build it with `mgiassist index --index {index_dir}`")


def read_manifest(index_dir: Path) -> dict[str, Any]:
    folder = _resolve_index_dir(Path(index_dir))
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise IndexCorruptError(f"index {index_dir} has an unreadable manifest.json ({exc}); rebuild it with `mgiassist index`") from exc
    if not isinstance(manifest, dict) or "format_version" not in manifest:
        raise IndexCorruptError(f"index {index_dir} has a manifest.json without a format version; rebuild it")
    return manifest


def _check_versions(manifest: dict[str, Any], index_dir: Path) -> None:
    found = (manifest.get("format_version"), manifest.get("chunker_version"), manifest.get("analyser"))
    wanted = (FORMAT_VERSION, CHUNKER_VERSION, ANALYSER)
    if found != wanted:
        raise IndexMismatchError(
            f"index {index_dir} was built by another mgiassist version (format {found[0]}, chunker "
            f"{found[1]}; this one writes {wanted[0]}, {wanted[1]}): rebuild it with `mgiassist index`"
        )


def load_index(index_dir: Path | str) -> LoadedIndex:
    index_dir = Path(index_dir)
    folder = _resolve_index_dir(index_dir)
    manifest = read_manifest(index_dir)
    _check_versions(manifest, index_dir)
    try:
        with (folder / CHUNKS).open(encoding="utf-8") as handle:
            chunks = [Chunk.from_dict(json.loads(line)) for line in handle if line.strip()]
        vectors = np.load(folder / VECTORS, allow_pickle=False)
        dense = faiss.read_index(str(folder / DENSE))
        lexical = LexicalIndex.load(folder / BM25_DIR, len(chunks))
    except (OSError, ValueError, KeyError, TypeError, RuntimeError, json.JSONDecodeError) as exc:
        raise IndexCorruptError(
            f"index {index_dir} is damaged ({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}); "
            "rebuild it with `mgiassist index`"
        ) from exc
    expected = int(manifest.get("chunk_count", -1))
    counts = {"chunks.jsonl": len(chunks), "vectors.npy": len(vectors), "dense.faiss": dense.ntotal}
    if any(n != expected for n in counts.values()) or vectors.ndim != 2 or vectors.shape[1] != manifest.get("dimension"):
        raise IndexCorruptError(
            f"index {index_dir} is inconsistent (manifest says {expected} chunks, found "
            + ", ".join(f"{k} {v}" for k, v in counts.items())
            + "); rebuild it with `mgiassist index`"
        )
    if isinstance(dense, faiss.IndexHNSW):
        dense.hnsw.efSearch = int(manifest.get("hnsw_ef_search", HNSW_EF_SEARCH))
    threshold = None
    calibration = folder / CALIBRATION
    if calibration.is_file():
        try:
            threshold = float(json.loads(calibration.read_text(encoding="utf-8"))["abstain_threshold"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("ignoring unreadable %s (%s)", calibration, exc)
    return LoadedIndex(
        path=folder,
        manifest=manifest,
        chunks=chunks,
        vectors=vectors,
        dense=dense,
        lexical=lexical,
        abstain_threshold=threshold,
    )


def write_calibration(index_dir: Path | str, data: dict[str, Any]) -> Path:
    """Store an abstention calibration with an index (atomically; survives rebuilds with the same model)."""
    folder = _resolve_index_dir(Path(index_dir))
    if "abstain_threshold" not in data:
        raise ValueError("calibration needs an abstain_threshold")
    target = folder / CALIBRATION
    tmp = target.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2), encoding="utf-8")
    os.replace(tmp, target)
    return target


# ---------------------------------------------------------------------------------------------
# Status
# ---------------------------------------------------------------------------------------------


def _corpus_hashes(corpus_dir: Path) -> dict[str, str | None]:
    hashes: dict[str, str | None] = {}
    for path in iter_profile_paths(corpus_dir):
        source = path.relative_to(corpus_dir).as_posix()
        try:
            hashes[source] = file_hash(path.read_bytes())
        except OSError:
            hashes[source] = None  # unreadable now; it will be skipped with a warning
    return hashes


def _indexed_hashes(manifest: dict[str, Any]) -> dict[str, str | None]:
    hashes: dict[str, str | None] = {s: p["content_hash"] for s, p in manifest.get("profiles", {}).items()}
    hashes.update(manifest.get("skipped_files", {}))
    return hashes


def _corpus_of(manifest: dict[str, Any], folder: Path) -> Path | None:
    relative = manifest.get("corpus")
    return (folder / relative).resolve() if relative else None


def index_status(index_dir: Path | str, corpus_dir: Path | str | None = None, model: str | None = None) -> IndexStatus:
    """Whether the index is missing, current, stale (the corpus changed), corrupt, or built for
    another model or format. Reads hashes only; loads no model."""
    index_dir = Path(index_dir)
    try:
        manifest = read_manifest(index_dir)
        _check_versions(manifest, index_dir)
    except IndexMissingError as exc:
        return IndexStatus("missing", [str(exc)])
    except IndexCorruptError as exc:
        return IndexStatus("corrupt", [str(exc)])
    except IndexMismatchError as exc:
        return IndexStatus("mismatch", [str(exc)])
    if model is not None and _model_key(model) != manifest.get("model_id"):
        return IndexStatus("mismatch", [f"built with {manifest.get('model_id')}, asked for {model}"])
    folder = _resolve_index_dir(index_dir)
    corpus = Path(corpus_dir) if corpus_dir is not None else _corpus_of(manifest, folder)
    if corpus is None or not corpus.is_dir():
        return IndexStatus("current", ["corpus folder not found; freshness not checked"])
    reasons = _differences(_indexed_hashes(manifest), _corpus_hashes(corpus))
    return IndexStatus("stale" if reasons else "current", reasons)


def _differences(indexed: dict[str, str | None], current: dict[str, str | None]) -> list[str]:
    added = sorted(set(current) - set(indexed))
    removed = sorted(set(indexed) - set(current))
    changed = sorted(s for s in set(current) & set(indexed) if current[s] != indexed[s])
    reasons = []
    for label, names in (("added", added), ("changed", changed), ("removed", removed)):
        if names:
            reasons.append(f"{len(names)} {label} ({', '.join(names[:5])}{'…' if len(names) > 5 else ''})")
    return reasons


def _model_key(model: str) -> str:
    return DEFAULT_MODEL if model in (DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}") else model


# ---------------------------------------------------------------------------------------------
# Building
# ---------------------------------------------------------------------------------------------


def _dense_index(vectors: np.ndarray, kind: str) -> faiss.Index:
    dimension = vectors.shape[1]
    if kind == "flat":
        index = faiss.IndexFlatIP(dimension)
    elif kind == "hnsw":
        index = faiss.IndexHNSWFlat(dimension, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.hnsw.efSearch = HNSW_EF_SEARCH
    else:
        raise ValueError(f"unknown FAISS index kind {kind!r}; choose one of {', '.join(FAISS_KINDS)}")
    if len(vectors):
        index.add(vectors)
    return index


def _old_vectors(index_dir: Path, model_id: str, dimension: int) -> dict[str, np.ndarray]:
    """Embeddings of the current index by chunk id, when it was built with the same model.

    Reads only the chunk ids and vectors: FAISS and BM25 are rebuilt anyway."""
    try:
        manifest = read_manifest(index_dir)
        _check_versions(manifest, index_dir)
        if manifest.get("model_id") != model_id or manifest.get("dimension") != dimension:
            return {}
        folder = _resolve_index_dir(index_dir)
        with (folder / CHUNKS).open(encoding="utf-8") as handle:
            ids = [json.loads(line)["chunk_id"] for line in handle if line.strip()]
        vectors = np.load(folder / VECTORS, allow_pickle=False)
    except (IndexMissingError, IndexCorruptError, IndexMismatchError, OSError, ValueError, KeyError):
        return {}
    if vectors.ndim != 2 or len(vectors) != len(ids) or vectors.shape[1] != dimension:
        return {}  # damaged: re-embed everything rather than reuse wrong rows
    return dict(zip(ids, vectors))


def _resolve_index_dir_or_none(index_dir: Path) -> Path:
    """The folder the current index lives in (issue 10: where old sentence vectors are read)."""
    try:
        return _resolve_index_dir(index_dir)
    except IndexMissingError:
        return index_dir


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            with path.open("rb") as handle:
                os.fsync(handle.fileno())
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _swap_in(new: Path, target: Path) -> None:
    """Replace ``target`` by ``new``. Between the two renames ``target`` is briefly absent, but
    ``target.previous-*`` is complete and :func:`load_index` falls back to it."""
    previous = target.parent / f"{target.name}.previous-{os.getpid()}"
    if target.exists():
        os.rename(target, previous)
    os.rename(new, target)
    if previous.exists():
        shutil.rmtree(previous, ignore_errors=True)
    for stale in _previous_copies(target):
        shutil.rmtree(stale, ignore_errors=True)


def _remove_abandoned_builds(index_dir: Path) -> None:
    for abandoned in index_dir.parent.glob(f"{index_dir.name}.building-*"):
        shutil.rmtree(abandoned, ignore_errors=True)


def build_index(
    corpus_dir: Path | str,
    index_dir: Path | str,
    *,
    model: str = DEFAULT_MODEL,
    embedder: Embedder | None = None,
    faiss_kind: str = "flat",
    batch_size: int = 64,
    progress: bool = True,
    force: bool = False,
    backend: str | None = None,
    _before_swap: Callable[[Path], None] | None = None,
) -> BuildReport:
    """Index every profile in ``corpus_dir`` into ``index_dir``.

    Only added or changed profiles are embedded again; removed ones are dropped. When nothing
    changed the model is not even loaded. ``embedder`` overrides ``model`` (tests pass a fake);
    ``backend`` picks the runtime (``onnx`` or ``torch``, see :func:`mgiassist.embed.load_embedder`).
    """
    started = time.perf_counter()
    corpus_dir, index_dir = Path(corpus_dir), Path(index_dir)
    if faiss_kind not in FAISS_KINDS:
        raise ValueError(f"unknown FAISS index kind {faiss_kind!r}; choose one of {', '.join(FAISS_KINDS)}")
    current = _corpus_hashes(corpus_dir)
    model_id = embedder.model_id if embedder is not None else _model_key(model)
    try:
        old_manifest: dict[str, Any] | None = read_manifest(index_dir)
        _check_versions(old_manifest, index_dir)
    except (IndexMissingError, IndexCorruptError, IndexMismatchError):
        old_manifest = None
    indexed = _indexed_hashes(old_manifest) if old_manifest else {}
    if (
        not force
        and old_manifest is not None
        and old_manifest.get("model_id") == model_id
        and old_manifest.get("faiss") == faiss_kind
        and indexed == current
        and (_resolve_index_dir(index_dir) / SENTENCES_JSON).is_file()  # sentence vectors: issue 10
    ):
        try:
            load_index(index_dir)
        except IndexCorruptError as exc:
            log.warning("%s; rebuilding it", exc)  # a damaged index is rebuilt, never "up to date"
        else:
            return BuildReport(
                index_dir=index_dir,
                up_to_date=True,
                chunk_count=int(old_manifest["chunk_count"]),
                profiles=len(old_manifest["profiles"]),
                seconds=time.perf_counter() - started,
            )

    if embedder is None:
        embedder = load_embedder(model, backend=backend) if backend else load_embedder(model)
    model_id = embedder.model_id
    profiles, skipped, skipped_files = [], [], {}
    for path in iter_profile_paths(corpus_dir):
        source = path.relative_to(corpus_dir).as_posix()
        try:
            profiles.append(load_profile(path, corpus_dir))
        except ProfileError as exc:
            log.warning("skipped %s", exc)
            skipped.append(str(exc))
            skipped_files[source] = current.get(source)
    if not profiles:
        from mgiassist.errors import CorpusError

        raise CorpusError(f"no readable profile in {corpus_dir}" + (f" ({'; '.join(skipped)})" if skipped else ""))

    chunks: list[Chunk] = []
    for profile in profiles:
        chunks.extend(chunk_profile(profile, count_tokens=embedder.count_tokens, max_tokens=embedder.max_tokens))

    reusable = _old_vectors(index_dir, model_id, embedder.dimension) if not force else {}
    vectors = np.zeros((len(chunks), embedder.dimension), dtype=np.float32)
    # Longest first and in one global order: sentence-transformers pads each batch to its longest
    # text, so batches of similar length waste far less work than batches in document order.
    to_embed = sorted(
        (i for i, chunk in enumerate(chunks) if chunk.chunk_id not in reusable),
        key=lambda i: -len(chunks[i].embed_text),
    )
    for i, chunk in enumerate(chunks):
        if chunk.chunk_id in reusable:
            vectors[i] = reusable[chunk.chunk_id]
    with tqdm(total=len(to_embed), desc="embedding chunks", unit="chunk", disable=not progress or not to_embed) as bar:
        for start in range(0, len(to_embed), batch_size):
            batch = to_embed[start : start + batch_size]
            vectors[batch] = embedder.encode([chunks[i].embed_text for i in batch], batch_size=batch_size)
            bar.update(len(batch))

    # -- issue 10: the answer step's sentence vectors, reused by text from the old index --------
    old_sentences = None if force else load_sentence_table(_resolve_index_dir_or_none(index_dir))
    with tqdm(desc="embedding sentences", unit="sentence", disable=not progress) as bar:
        sentences, embedded_sentences = build_sentence_table(
            chunks, embedder, reuse=old_sentences, batch_size=batch_size, progress=bar.update
        )
    log.info("sentence vectors: %d sentences, %d embedded", len(sentences), embedded_sentences)
    # -- end issue 10 ------------------------------------------------------------------------

    chunks_per_source = Counter(c.source for c in chunks)
    countries: dict[str, dict[str, Any]] = {}
    for profile in profiles:
        names = profile.metadata.get("country_names")
        if names:
            countries[names["name"]] = names
    manifest = {
        "format_version": FORMAT_VERSION,
        "chunker_version": CHUNKER_VERSION,
        "analyser": ANALYSER,
        "model_id": model_id,
        "dimension": embedder.dimension,
        "max_tokens": embedder.max_tokens,
        "faiss": faiss_kind,
        "hnsw_ef_search": HNSW_EF_SEARCH,
        "chunk_count": len(chunks),
        "embedding_backend": backend_of(embedder),  # issue 10: onnx and torch vectors agree
        "sentence_count": len(sentences),
        # relative to the index folder, so a cloned or moved checkout still finds its corpus
        "corpus": os.path.relpath(corpus_dir.resolve(), index_dir.resolve()),
        "profiles": {
            p.source: {
                "content_hash": p.content_hash,
                "family": p.family,
                "country": p.country,
                "country_code": p.country_code,
                "title": p.title,
                "date": p.date,
                "chunks": chunks_per_source[p.source],
            }
            for p in profiles
        },
        "skipped_files": skipped_files,
        "countries": sorted(countries.values(), key=lambda c: c["name"]),
        "built_at": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
    }

    index_dir.parent.mkdir(parents=True, exist_ok=True)
    _remove_abandoned_builds(index_dir)
    building = index_dir.parent / f"{index_dir.name}.building-{os.getpid()}"
    building.mkdir()
    try:
        with (building / CHUNKS).open("w", encoding="utf-8") as handle:
            for chunk in chunks:
                handle.write(json.dumps(chunk.to_dict(), ensure_ascii=False) + "\n")
        np.save(building / VECTORS, vectors, allow_pickle=False)
        faiss.write_index(_dense_index(vectors, faiss_kind), str(building / DENSE))
        LexicalIndex.build([c.embed_text for c in chunks]).save(building / BM25_DIR)
        sentences.save(building)  # issue 10
        old_folder = index_dir if index_dir.is_dir() else None
        if old_folder is not None:
            for keep in ("README.md", *((CALIBRATION,) if old_manifest and old_manifest.get("model_id") == model_id else ())):
                if (old_folder / keep).is_file():
                    shutil.copy2(old_folder / keep, building / keep)
        (building / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
        _fsync_tree(building)
        if _before_swap is not None:
            _before_swap(building)
        _swap_in(building, index_dir)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise

    before = set(indexed)
    report = BuildReport(
        index_dir=index_dir,
        up_to_date=False,
        chunk_count=len(chunks),
        profiles=len(profiles),
        added=sorted(s for s in current if s not in before and s not in skipped_files),
        changed=sorted(s for s in current if s in before and indexed[s] != current[s] and s not in skipped_files),
        removed=sorted(s for s in before if s not in current),
        skipped=skipped,
        embedded_chunks=len(to_embed),
        reused_chunks=len(chunks) - len(to_embed),
        seconds=time.perf_counter() - started,
    )
    return report
