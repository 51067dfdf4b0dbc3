"""Is an index missing, current, stale, damaged, or built for another model or format?"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mgiassist.embed import DEFAULT_MODEL
from mgiassist.errors import IndexCorruptError, IndexMismatchError, IndexMissingError
from mgiassist.index.integrity import file_problems
from mgiassist.index.load import damaged, load_index, valid_manifest
from mgiassist.index.manifest import Manifest
from mgiassist.ingest import file_hash, list_corpus

__all__ = [
    "IndexStatus",
    "corpus_hashes",
    "corpus_state",
    "differences",
    "index_status",
    "indexed_hashes",
    "model_key",
    "under_folders",
]


@dataclass
class IndexStatus:
    state: str  # "missing", "current", "stale", "corrupt" or "mismatch"
    reasons: list[str] = field(default_factory=list)

    @property
    def usable(self) -> bool:
        return self.state in ("current", "stale")

    def message(self) -> str:
        return f"index is {self.state}" + (f": {'; '.join(self.reasons)}" if self.reasons else "")


def model_key(model: str) -> str:
    return (
        DEFAULT_MODEL
        if model in (DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}")
        else model
    )


def under_folders(source: str, folders: Iterable[str]) -> bool:
    """Whether ``source`` is one of ``folders`` (relative, as "a/b") or inside one."""
    return any(source == folder or source.startswith(f"{folder}/") for folder in folders)


def corpus_state(
    corpus_dir: Path, indexed: dict[str, str | None] | None = None
) -> tuple[dict[str, str | None], dict[str, str]]:
    """The content hash of every profile file in the corpus, and the folders that could not be
    listed (folder -> why). A profile of ``indexed`` inside such a folder is unknown, not
    removed: it keeps its indexed hash, so it counts as unchanged."""
    listing = list_corpus(corpus_dir)
    hashes: dict[str, str | None] = {}
    for path in listing.paths:
        source = path.relative_to(corpus_dir).as_posix()
        try:
            hashes[source] = file_hash(path.read_bytes())
        except OSError:
            hashes[source] = None  # unreadable now; it will be skipped with a warning
    for source, digest in (indexed or {}).items():
        if source not in hashes and under_folders(source, listing.unlisted):
            hashes[source] = digest
    return hashes, listing.unlisted


def corpus_hashes(
    corpus_dir: Path, indexed: dict[str, str | None] | None = None
) -> dict[str, str | None]:
    """:func:`corpus_state`'s hashes."""
    return corpus_state(corpus_dir, indexed)[0]


def indexed_hashes(manifest: Manifest) -> dict[str, str | None]:
    """The content hash of every profile the build saw: the indexed ones, then the skipped."""
    hashes: dict[str, str | None] = {s: p.content_hash for s, p in manifest.profiles.items()}
    hashes.update(manifest.skipped_files)
    return hashes


def corpus_of(manifest: Manifest, folder: Path) -> Path | None:
    return (folder / manifest.corpus).resolve() if manifest.corpus else None


def differences(indexed: dict[str, str | None], current: dict[str, str | None]) -> list[str]:
    added = sorted(set(current) - set(indexed))
    removed = sorted(set(indexed) - set(current))
    changed = sorted(s for s in set(current) & set(indexed) if current[s] != indexed[s])
    reasons = []
    for label, names in (("added", added), ("changed", changed), ("removed", removed)):
        if names:
            reasons.append(
                f"{len(names)} {label} ({', '.join(names[:5])}{'…' if len(names) > 5 else ''})"
            )
    return reasons


def index_status(
    index_dir: Path | str,
    corpus_dir: Path | str | None = None,
    model: str | None = None,
    *,
    deep: bool = False,
) -> IndexStatus:
    """Whether the index is missing, current, stale (the corpus changed), corrupt (its files no
    longer match the manifest's sizes and checksums), or built for another model or format.
    Loads no model. ``deep`` also loads every part and checks shapes and dimensions (``index
    --check``)."""
    index_dir = Path(index_dir)
    try:
        folder, manifest = valid_manifest(index_dir)
        problems = file_problems(folder, manifest)
        if problems:
            raise damaged(index_dir, problems)
        if deep:
            load_index(index_dir)
    except IndexMissingError as exc:
        return IndexStatus("missing", [str(exc)])
    except IndexCorruptError as exc:
        return IndexStatus("corrupt", [str(exc).split(" is damaged: ", 1)[-1]])
    except IndexMismatchError as exc:
        return IndexStatus("mismatch", [str(exc)])
    if model is not None and model_key(model) != manifest.model_id:
        return IndexStatus("mismatch", [f"built with {manifest.model_id}, asked for {model}"])
    corpus = Path(corpus_dir) if corpus_dir is not None else corpus_of(manifest, folder)
    if corpus is None or not corpus.is_dir():
        return IndexStatus("current", ["corpus folder not found; freshness not checked"])
    indexed = indexed_hashes(manifest)
    current, unlisted = corpus_state(corpus, indexed)
    reasons = differences(indexed, current)
    state = "stale" if reasons else "current"
    reasons.extend(_unlisted_note(name, manifest.profiles) for name in sorted(unlisted))
    return IndexStatus(state, reasons)


def _unlisted_note(folder: str, profiles: Mapping[str, Any]) -> str:
    """What the index keeps of a folder that cannot be listed: a note, not a reason to rebuild."""
    kept = sum(1 for source in profiles if under_folders(source, (folder,)))
    if not kept:
        return f"folder {folder} cannot be listed; it holds no indexed profile"
    plural = "s are" if kept != 1 else " is"
    return f"folder {folder} cannot be listed; its {kept} indexed profile{plural} kept as indexed"
