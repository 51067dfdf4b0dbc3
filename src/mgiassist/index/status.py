"""Is an index missing, current, stale, damaged, or built for another model or format?"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from mgiassist.embed import DEFAULT_MODEL
from mgiassist.errors import IndexCorruptError, IndexMismatchError, IndexMissingError
from mgiassist.index.integrity import file_problems
from mgiassist.index.load import damaged, load_index, valid_manifest
from mgiassist.index.manifest import Manifest
from mgiassist.ingest import file_hash, iter_profile_paths

__all__ = [
    "IndexStatus",
    "corpus_hashes",
    "differences",
    "index_status",
    "indexed_hashes",
    "model_key",
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


def corpus_hashes(corpus_dir: Path) -> dict[str, str | None]:
    hashes: dict[str, str | None] = {}
    for path in iter_profile_paths(corpus_dir):
        source = path.relative_to(corpus_dir).as_posix()
        try:
            hashes[source] = file_hash(path.read_bytes())
        except OSError:
            hashes[source] = None  # unreadable now; it will be skipped with a warning
    return hashes


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
    reasons = differences(indexed_hashes(manifest), corpus_hashes(corpus))
    return IndexStatus("stale" if reasons else "current", reasons)
