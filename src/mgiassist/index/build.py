"""Building an index: one writer at a time, a complete new folder, then an atomic swap.

A build takes the lock beside the index (:mod:`mgiassist.index.lock`), writes every file into
``index.building-<pid>-…``, records each file's size and SHA-256 in the manifest, fsyncs, and
swaps the folders by two renames. A crash at any point leaves the old or the new index loadable,
and the next build removes what a dead build left. A damaged index is repaired by the next
build without ``--force``: vectors are reused only from files that still match their checksums.
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

import numpy as np
from tqdm.auto import tqdm

from mgiassist.chunk import CHUNKER_VERSION, chunk_profile
from mgiassist.embed import DEFAULT_MODEL, Embedder, backend_of, index_model_id
from mgiassist.errors import IndexCorruptError, IndexError_
from mgiassist.index.hooks import checkpoint
from mgiassist.index.integrity import file_problems
from mgiassist.index.layout import (
    CALIBRATION,
    CHUNKS,
    VECTORS,
    previous_copies,
    refuse_foreign_folder,
    remove_dead_leftovers,
    restore_interrupted_swap,
    sibling,
)
from mgiassist.index.load import load_index, valid_manifest
from mgiassist.index.lock import BuildLock
from mgiassist.index.manifest import (
    FAISS_KINDS,
    FORMAT_VERSION,
    HNSW_EF_SEARCH,
    Manifest,
    ProfileEntry,
)
from mgiassist.index.sentence_table import (
    SENTENCES_JSON,
    SentenceTable,
    build_sentence_table,
    load_sentence_table,
)
from mgiassist.index.status import corpus_hashes, indexed_hashes, under_folders
from mgiassist.index.vocabulary import (
    VOCABULARY_JSON,
    Vocabulary,
    build_vocabulary,
    load_vocabulary,
    vocabulary_words,
)
from mgiassist.index.write import swap_in, write_folder
from mgiassist.ingest import Bounds, CorpusLoad, iter_profile_paths, load_corpus
from mgiassist.schema import Chunk, Profile
from mgiassist.text.lexical import ANALYSER

__all__ = ["BuildReport", "build_index"]

log = logging.getLogger("mgiassist.index")


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
    # profiles inside folders that could not be listed: kept as the old index held them
    kept: list[str] = field(default_factory=list)
    ingestion: list[Any] = field(default_factory=list)  # an IngestionReport per profile read
    embedded_chunks: int = 0
    reused_chunks: int = 0
    seconds: float = 0.0
    repaired: str | None = None  # why the old index could not be used as it was

    def summary(self) -> str:
        if self.up_to_date:
            return f"{self.index_dir} is up to date ({self.profiles} profiles, {self.chunk_count} chunks)"
        parts = [
            f"indexed {self.profiles} profiles into {self.chunk_count} chunks in {self.index_dir}",
            f"embedded {self.embedded_chunks}, reused {self.reused_chunks}",
        ]
        for label, names in (
            ("added", self.added),
            ("changed", self.changed),
            ("removed", self.removed),
            ("kept as indexed (their folder cannot be listed)", self.kept),
        ):
            if names:
                parts.append(f"{label}: {', '.join(names)}")
        parts.append(f"{self.seconds:.1f}s")
        summary = "; ".join(parts)
        return (
            f"repaired a damaged index ({self.repaired}); {summary}" if self.repaired else summary
        )


def _load_embedder(model: str, backend: str | None = None) -> Embedder:
    import mgiassist.index as package  # looked up at call time, so tests can stand in a fake

    # backend passed only when asked for, so a stand-in load_embedder(model) keeps working
    return package.load_embedder(model, backend=backend) if backend else package.load_embedder(model)


# ---------------------------------------------------------------------------------------------
# The old index: usable as it is, a source of vectors, or damaged
# ---------------------------------------------------------------------------------------------


@dataclass
class _OldIndex:
    folder: Path | None = None
    manifest: Manifest | None = None
    problem: str | None = None  # why it cannot be used as it is (None: missing, or fine)


def _old_index(index_dir: Path) -> _OldIndex:
    if not index_dir.exists() and not previous_copies(index_dir):
        return _OldIndex()
    try:
        folder, manifest = valid_manifest(index_dir)
    except IndexCorruptError as exc:
        return _OldIndex(problem=str(exc))
    except IndexError_:
        return _OldIndex()  # missing, or another format or version: rebuilt, not "repaired"
    return _OldIndex(folder, manifest)


def _verified_or_problem(index_dir: Path) -> str | None:
    try:
        load_index(index_dir)
    except IndexError_ as exc:
        return str(exc)
    return None


def _reusable_vectors(old: _OldIndex, model_id: str, dimension: int) -> dict[str, np.ndarray]:
    """Embeddings of the old index by chunk id: only from the same model, and only from
    ``chunks.jsonl`` and ``vectors.npy`` that still match their checksums."""
    manifest = old.manifest
    if old.folder is None or manifest is None:
        return {}
    if manifest.model_id != model_id or manifest.dimension != dimension:
        return {}
    if file_problems(old.folder, manifest, only={CHUNKS, VECTORS}):
        return {}
    try:
        with (old.folder / CHUNKS).open(encoding="utf-8") as handle:
            ids = [json.loads(line)["chunk_id"] for line in handle if line.strip()]
        vectors = np.load(old.folder / VECTORS, allow_pickle=False)
    except (OSError, ValueError, KeyError, TypeError, EOFError, RecursionError):  # RecursionError: a line nested 100,000 deep
        return {}
    if vectors.ndim != 2 or len(vectors) != len(ids) or vectors.shape[1] != dimension:
        return {}
    return dict(zip(ids, vectors))


# ---------------------------------------------------------------------------------------------
# The build
# ---------------------------------------------------------------------------------------------


def _read_profiles(
    corpus_dir: Path, current: dict[str, str | None], max_file_bytes: int | None, bounds: Bounds | None
) -> tuple[CorpusLoad, dict]:
    # names each skipped file once; each file is read within the bounds (ingest/bounded.py)
    loaded = load_corpus(corpus_dir, max_file_bytes=max_file_bytes, bounds=bounds)
    skipped_files = {
        source: current.get(source) for source in loaded.skipped_sources if source in current
    }
    return loaded, skipped_files


@dataclass
class _Kept:
    """What the old index held inside folders this build could not list: unknown, not removed."""

    entries: dict[str, ProfileEntry] = field(default_factory=dict)
    skipped: dict[str, str | None] = field(default_factory=dict)  # skipped then, with its hash
    chunks: list[Chunk] = field(default_factory=list)
    countries: list[dict[str, Any]] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)  # indexed, but the old chunks do not verify


def _old_chunks(old: _OldIndex, sources: set[str]) -> list[Chunk] | None:
    """The old index's chunks of ``sources``; ``None`` when its chunks file does not verify."""
    if old.folder is None or old.manifest is None or file_problems(old.folder, old.manifest, only={CHUNKS}):
        return None
    chunks = []
    try:
        with (old.folder / CHUNKS).open(encoding="utf-8") as handle:
            for line in handle:
                data = json.loads(line) if line.strip() else {}
                if data.get("source") in sources:
                    chunks.append(Chunk.from_dict(data))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return chunks


def _kept(old: _OldIndex, loaded: CorpusLoad) -> _Kept:
    """The old index's profiles under a folder that could not be listed (and not read anyway):
    their entries, hashes and chunks go into the new index as they were (their vectors are
    reused by chunk id), so an unreadable folder does not empty the index of its profiles."""
    manifest = old.manifest
    if manifest is None or not loaded.unlisted:
        return _Kept()
    read = {p.source for p in loaded.profiles} | set(loaded.skipped_sources)

    def unknown(source: str) -> bool:
        return source not in read and under_folders(source, loaded.unlisted)

    kept = _Kept(entries={s: e for s, e in manifest.profiles.items() if unknown(s)},
                 skipped={s: h for s, h in manifest.skipped_files.items() if unknown(s)})
    chunks = _old_chunks(old, set(kept.entries)) if kept.entries else []
    if chunks is None:
        log.warning("the old index's chunks do not verify: %d profiles in folders that cannot be "
                    "listed are dropped", len(kept.entries))
        kept.lost, kept.entries = sorted(kept.entries), {}
        return kept
    kept.chunks = chunks
    names = {e.country for e in kept.entries.values()}
    kept.countries = [dict(c) for c in manifest.countries if c["name"] in names]
    return kept


def _embed(
    chunks: list[Chunk],
    embedder: Embedder,
    reusable: dict[str, np.ndarray],
    batch_size: int,
    progress: bool,
) -> tuple[np.ndarray, int]:
    """Vectors for ``chunks`` and how many chunks were not reused. Chunks with the same text
    (boilerplate shared by profiles, editions of one profile) are encoded once."""
    vectors = np.zeros((len(chunks), embedder.dimension), dtype=np.float32)
    rows_of: dict[str, list[int]] = {}
    for i, chunk in enumerate(chunks):
        if chunk.chunk_id in reusable:
            vectors[i] = reusable[chunk.chunk_id]
        else:
            rows_of.setdefault(chunk.embed_text, []).append(i)
    # Longest first and in one global order: sentence-transformers pads each batch to its longest
    # text, so batches of similar length waste far less work than batches in document order.
    texts = sorted(rows_of, key=len, reverse=True)
    with tqdm(
        total=len(texts),
        desc="embedding chunks",
        unit="chunk",
        disable=not progress or not texts,
    ) as bar:
        for start in range(0, len(texts), batch_size):
            batch = texts[start : start + batch_size]
            for text, vector in zip(batch, embedder.encode(batch, batch_size=batch_size)):
                vectors[rows_of[text]] = vector
            bar.update(len(batch))
    return vectors, sum(len(rows) for rows in rows_of.values())


def _sentence_table(
    chunks: list[Chunk],
    embedder: Embedder,
    old: _OldIndex | None,
    batch_size: int,
    progress: bool,
) -> SentenceTable:
    """The answer step's sentence vectors; those of unchanged sentences come from the old index
    when it verified (a damaged one gives nothing to reuse)."""
    reuse = None
    if old is not None and old.folder is not None and not old.problem:
        try:
            reuse = load_sentence_table(old.folder, mmap=False)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.info("old sentence vectors not reused: %s", exc)
    if reuse is not None and (reuse.dimension != embedder.dimension or old.manifest is None
                              or old.manifest.model_id != embedder.model_id):
        reuse = None
    with tqdm(desc="embedding sentences", unit="sentence", disable=not progress) as bar:
        table, embedded = build_sentence_table(
            chunks, embedder, reuse=reuse, batch_size=batch_size, progress=bar.update
        )
    log.info("sentence vectors: %d sentences, %d embedded", len(table), embedded)
    return table


def _vocabulary(chunks: list[Chunk], embedder: Embedder, old: _OldIndex | None, batch_size: int) -> Vocabulary:
    """Vectors of the words the indexed texts use (:mod:`mgiassist.index.vocabulary`); words of the
    old index, when it verified and has the same model, keep theirs."""
    from mgiassist.text.spelling import Speller

    reuse = None
    if old is not None and old.folder is not None and not old.problem and old.manifest is not None \
            and old.manifest.model_id == embedder.model_id:
        reuse = load_vocabulary(old.folder)
    words = vocabulary_words(Speller.from_texts(c.embed_text for c in chunks).counts)
    vocabulary, embedded = build_vocabulary(
        words, embedder.model_id, lambda texts: embedder.encode(texts, batch_size=batch_size), reuse=reuse
    )
    log.info("word vectors: %d words, %d embedded", len(vocabulary), embedded)
    return vocabulary


def _new_manifest(
    corpus_dir: Path,
    index_dir: Path,
    embedder: Embedder,
    faiss_kind: str,
    profiles: list[Profile],
    chunks: list[Chunk],
    skipped_files: dict,
    sentence_count: int,
    kept: _Kept,
) -> Manifest:
    chunks_per_source = Counter(c.source for c in chunks)
    countries: dict[str, dict[str, Any]] = {c["name"]: c for c in kept.countries}
    for profile in profiles:
        names = profile.metadata.get("country_names")
        if names:
            countries[names["name"]] = names
    return Manifest(
        format_version=FORMAT_VERSION,
        chunker_version=CHUNKER_VERSION,
        analyser=ANALYSER,
        model_id=embedder.model_id,
        dimension=embedder.dimension,
        max_tokens=embedder.max_tokens,
        faiss=faiss_kind,
        hnsw_ef_search=HNSW_EF_SEARCH,
        chunk_count=len(chunks),
        # onnx and torch vectors agree to ~1e-7; onnx-int8's differ and carry "@int8" in model_id
        embedding_backend=backend_of(embedder),
        sentence_count=sentence_count,
        # relative to the index folder, so a cloned or moved checkout still finds its corpus
        corpus=os.path.relpath(corpus_dir.resolve(), index_dir.resolve()),
        profiles={
            p.source: ProfileEntry(
                content_hash=p.content_hash,
                family=p.family,
                country=p.country,
                country_code=p.country_code,
                title=p.title,
                date=p.date,
                city=p.city,
                chunks=chunks_per_source[p.source],
            )
            for p in profiles
        } | kept.entries,
        skipped_files=skipped_files,
        countries=tuple(sorted(countries.values(), key=lambda c: c["name"])),
        built_at=_dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        # files and arrays (sizes, checksums, shapes) are added once the files are written
    )


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
    wait: bool = True,
    on_wait: Callable[[str], None] | None = None,
    max_file_bytes: int | None = None,
    backend: str | None = None,
    bounds: Bounds | None = None,
    _before_swap: Callable[[Path], None] | None = None,
) -> BuildReport:
    """Index every profile in ``corpus_dir`` into ``index_dir``.

    Only added or changed profiles are embedded again; removed ones are dropped. When nothing
    changed and the index verifies, the model is not even loaded. ``embedder`` overrides
    ``model`` (tests pass a fake). Each file is read within ``bounds`` (time, memory and
    structural limits; :class:`~mgiassist.ingest.Bounds`): one over them is skipped and named.
    Profiles inside a folder that cannot be listed keep what the old index holds of them.
    Another build of the same index is waited for (``on_wait`` gets a message), or refused
    with :class:`IndexLockedError` when ``wait`` is false.
    """
    started = time.perf_counter()
    corpus_dir, index_dir = Path(corpus_dir), Path(index_dir)
    if faiss_kind not in FAISS_KINDS:
        raise ValueError(
            f"unknown FAISS index kind {faiss_kind!r}; choose one of {', '.join(FAISS_KINDS)}"
        )
    iter_profile_paths(corpus_dir)  # a missing corpus fails before taking the lock
    refuse_foreign_folder(corpus_dir, index_dir)
    with BuildLock(index_dir, wait=wait, on_wait=on_wait):
        checkpoint("locked")
        restore_interrupted_swap(index_dir)
        remove_dead_leftovers(index_dir)
        report = _build_locked(
            corpus_dir,
            index_dir,
            model,
            embedder,
            faiss_kind,
            batch_size,
            progress,
            force,
            max_file_bytes,
            backend,
            bounds,
            _before_swap,
        )
    checkpoint("done")
    report.seconds = time.perf_counter() - started
    return report


def _build_locked(
    corpus_dir: Path,
    index_dir: Path,
    model: str,
    embedder: Embedder | None,
    faiss_kind: str,
    batch_size: int,
    progress: bool,
    force: bool,
    max_file_bytes: int | None,
    backend: str | None,
    bounds: Bounds | None,
    before_swap: Callable[[Path], None] | None,
) -> BuildReport:
    # int8 is its own model id: an int8 build never counts an fp32 index as up to date
    model_id = embedder.model_id if embedder is not None else index_model_id(model, backend)
    old = _old_index(index_dir)
    indexed = indexed_hashes(old.manifest) if old.manifest else {}
    # a profile in a folder that cannot be listed keeps its indexed hash: unknown, not removed
    current = corpus_hashes(corpus_dir, indexed)
    if (
        not force
        and old.manifest is not None
        and old.manifest.model_id == model_id
        and old.manifest.faiss == faiss_kind
        and indexed == current
        and old.folder is not None
        and (old.folder / SENTENCES_JSON).is_file()  # an older index gains its sentence vectors
        and (old.folder / VOCABULARY_JSON).is_file()  # …and its word vectors
    ):
        old.problem = _verified_or_problem(index_dir)
        if old.problem is None:
            return BuildReport(
                index_dir=index_dir,
                up_to_date=True,
                chunk_count=old.manifest.chunk_count,
                profiles=len(old.manifest.profiles),
            )
    if old.problem:
        log.warning("%s; rebuilding it", old.problem)

    embedder = embedder or _load_embedder(model, backend)
    loaded, skipped_files = _read_profiles(corpus_dir, current, max_file_bytes, bounds)
    profiles, skipped = loaded.profiles, loaded.skipped
    kept = _kept(old, loaded)
    skipped_files.update(kept.skipped)
    chunks: list[Chunk] = []
    for profile in profiles:
        chunks.extend(
            chunk_profile(
                profile, count_tokens=embedder.count_tokens, max_tokens=embedder.max_tokens
            )
        )
    chunks.extend(kept.chunks)
    reusable = {} if force else _reusable_vectors(old, embedder.model_id, embedder.dimension)
    vectors, embedded = _embed(chunks, embedder, reusable, batch_size, progress)
    sentences = _sentence_table(chunks, embedder, None if force else old, batch_size, progress)
    vocabulary = _vocabulary(chunks, embedder, None if force else old, batch_size)
    manifest = _new_manifest(
        corpus_dir, index_dir, embedder, faiss_kind, profiles, chunks, skipped_files, len(sentences),
        kept,
    )

    index_dir.parent.mkdir(parents=True, exist_ok=True)
    building = sibling(index_dir, "building")
    building.mkdir()
    same_model = old.manifest is not None and old.manifest.model_id == embedder.model_id
    try:
        write_folder(
            building,
            chunks,
            vectors,
            faiss_kind,
            manifest,
            sentences,
            old.folder or resolve_existing(index_dir),
            ("README.md", *((CALIBRATION,) if same_model else ())),
            vocabulary=vocabulary,
        )
        if before_swap is not None:
            before_swap(building)
        checkpoint("before-swap")
        swap_in(building, index_dir)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise

    before = set(indexed)
    return BuildReport(
        index_dir=index_dir,
        up_to_date=False,
        chunk_count=len(chunks),
        profiles=len(profiles) + len(kept.entries),
        added=sorted(s for s in current if s not in before and s not in skipped_files),
        changed=sorted(
            s
            for s in current
            if s in before and indexed[s] != current[s] and s not in skipped_files
        ),
        removed=sorted({s for s in before if s not in current} | set(kept.lost)),
        skipped=skipped,
        kept=sorted(kept.entries),
        ingestion=loaded.reports,
        embedded_chunks=embedded,
        reused_chunks=len(chunks) - embedded,
        repaired=_short(old.problem),
    )


def resolve_existing(index_dir: Path) -> Path | None:
    return index_dir if index_dir.is_dir() else None


def _short(problem: str | None) -> str | None:
    if problem is None:
        return None
    return problem.split(" is damaged: ", 1)[-1].removesuffix(
        "; run `mgiassist index` to repair it"
    )
