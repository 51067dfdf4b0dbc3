"""Where an index lives on disk: its file names, and the sibling folders a build leaves.

Beside an index folder ``index/`` a build uses::

    index.lock              the build lock (``filelock``; the kernel frees it when its holder dies)
    index.lock.pid          who holds it: pid, host, start time
    index.building-<pid>-…  the new index being written
    index.previous-<pid>-…  the old index, for the instant between the two renames of a swap
    index.removing-<pid>-…  an old index being deleted (renamed first, so a half-deleted folder
                            is never mistaken for a usable previous copy)

Every sibling carries the pid of the build that made it: clean-up removes only folders whose
build is no longer running, never another live run's.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
from pathlib import Path

from mgiassist.errors import IndexError_, IndexMissingError

__all__ = [
    "BM25_DIR",
    "CALIBRATION",
    "CHUNKS",
    "DENSE",
    "MANIFEST",
    "UNCHECKED_FILES",
    "VECTORS",
    "leftover_folders",
    "pid_alive",
    "previous_copies",
    "refuse_foreign_folder",
    "remove_dead_leftovers",
    "resolve_index_dir",
    "restore_interrupted_swap",
    "sibling",
]

log = logging.getLogger("mgiassist.index")

MANIFEST = "manifest.json"
CHUNKS = "chunks.jsonl"
VECTORS = "vectors.npy"
DENSE = "dense.faiss"
BM25_DIR = "bm25"
CALIBRATION = "calibration.json"
# Files that may change after a build (calibration is written by `mgiassist eval --calibrate`,
# a README by hand): they are not covered by the manifest's checksums.
UNCHECKED_FILES = frozenset({MANIFEST, CALIBRATION, "README.md"})
LEFTOVER_KINDS = ("building", "previous", "removing")
_PID = re.compile(r"(\d+)")


def sibling(index_dir: Path, kind: str) -> Path:
    """A new sibling folder name for this process: ``index.<kind>-<pid>-<random>``."""
    return index_dir.parent / f"{index_dir.name}.{kind}-{os.getpid()}-{os.urandom(3).hex()}"


def pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    return True


def _owner_pid(folder: Path) -> int | None:
    match = _PID.match(folder.name.rsplit(".", 1)[-1].split("-", 1)[-1])
    return int(match.group(1)) if match else None


def leftover_folders(index_dir: Path, kinds: tuple[str, ...] = LEFTOVER_KINDS) -> list[Path]:
    """Sibling folders of ``kinds``, oldest first."""
    found = []
    for kind in kinds:
        found.extend(p for p in index_dir.parent.glob(f"{index_dir.name}.{kind}-*") if p.is_dir())

    def mtime(path: Path) -> float:
        try:
            return path.stat().st_mtime
        except OSError:
            return 0.0

    return sorted(found, key=mtime)


def previous_copies(index_dir: Path) -> list[Path]:
    return leftover_folders(index_dir, ("previous",))


def resolve_index_dir(index_dir: Path) -> Path:
    """The folder holding the index. After a crash between the two renames of a swap the index
    folder is absent and the previous copy, still complete, is used."""
    if (index_dir / MANIFEST).is_file():
        return index_dir
    for previous in reversed(previous_copies(index_dir)):
        if (previous / MANIFEST).is_file():
            log.warning(
                "index %s was being replaced when a build stopped; using %s", index_dir, previous
            )
            return previous
    if index_dir.is_dir() and any(index_dir.iterdir()):
        return index_dir  # files without a manifest: damaged, and reported as such by the caller
    raise IndexMissingError(
        f"no index at {index_dir}: build it with `mgiassist index --index {index_dir}`"
    )


def remove_dead_leftovers(index_dir: Path, *, keep: Path | None = None) -> list[Path]:
    """Delete sibling folders left by builds that are no longer running; returns them.

    A previous copy is only removed while the index folder itself holds a manifest (otherwise it
    is the index). Folders of live processes, and ``keep``, are never touched."""
    removed = []
    has_index = (index_dir / MANIFEST).is_file()
    for folder in leftover_folders(index_dir):
        pid = _owner_pid(folder)
        if folder == keep or (pid is not None and pid != os.getpid() and pid_alive(pid)):
            continue
        if pid == os.getpid() and folder.name.split(".")[-1].startswith("building"):
            continue  # a build of this process (another thread) may be writing it
        if folder.name.startswith(f"{index_dir.name}.previous") and not has_index:
            continue
        discard(folder)
        removed.append(folder)
    return removed


def discard(folder: Path) -> None:
    """Rename ``folder`` to a ``removing`` sibling, then delete it: a crash part-way leaves only
    a folder clean-up recognises, never a half-deleted ``previous`` copy."""
    from mgiassist.index.hooks import checkpoint

    if not folder.exists():
        return
    base = folder.name.split(".")
    index_name = ".".join(base[:-1]) if len(base) > 1 else folder.name
    trash = sibling(folder.parent / index_name, "removing")
    try:
        os.rename(folder, trash)
    except OSError:
        trash = folder
    checkpoint("during-cleanup")
    shutil.rmtree(trash, ignore_errors=True)


_INDEX_PARTS = (MANIFEST, CHUNKS, VECTORS, DENSE, BM25_DIR)


def refuse_foreign_folder(corpus_dir: Path, index_dir: Path) -> None:
    """A build replaces the whole index folder: never let that be the corpus or a folder of
    other files given to --index by mistake."""
    corpus, index = corpus_dir.resolve(), index_dir.resolve()
    if index == corpus or index in corpus.parents:
        raise IndexError_(
            f"the index folder {index_dir} holds the corpus {corpus_dir}; give --index another folder"
        )
    if not index_dir.is_dir() or any((index_dir / part).exists() for part in _INDEX_PARTS):
        return
    others = sorted(p.name for p in index_dir.iterdir() if p.name != "README.md")
    if others:
        raise IndexError_(
            f"{index_dir} is not an index folder (it holds {', '.join(others[:3])}{'…' if len(others) > 3 else ''}); "
            "a build would replace it: give --index an empty or new folder"
        )


def restore_interrupted_swap(index_dir: Path) -> None:
    """After a crash between the two renames, put the complete previous copy back in place."""
    if index_dir.exists():
        return
    for previous in reversed(previous_copies(index_dir)):
        if (previous / MANIFEST).is_file():
            os.rename(previous, index_dir)
            log.warning(
                "restored %s from %s, left by an interrupted build", index_dir, previous.name
            )
            return
