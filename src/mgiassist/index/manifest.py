"""The manifest: what an index holds, and how to tell when its files no longer match it.

Besides the build settings and one content hash per profile, the manifest records the size and
SHA-256 of every file in the index folder (``files``) and the shape and dtype of every ``.npy``
array (``arrays``), whatever files a build writes. :func:`manifest_problems` checks every field's
type, so a hand-edited or damaged manifest is named, never a traceback.
"""

from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path
from typing import Any

import numpy as np

from mgiassist.chunk import CHUNKER_VERSION
from mgiassist.errors import IndexCorruptError, IndexMismatchError, IndexMissingError
from mgiassist.index.layout import MANIFEST, UNCHECKED_FILES, resolve_index_dir
from mgiassist.text.lexical import ANALYSER

__all__ = [
    "FAISS_KINDS",
    "FORMAT_VERSION",
    "check_versions",
    "file_records",
    "manifest_problems",
    "read_manifest",
    "sha256_of",
]

# 2: the manifest records every file's size and SHA-256 and every array's shape and dtype.
FORMAT_VERSION = 2
FAISS_KINDS = ("flat", "hnsw")
REPAIR_HINT = "run `mgiassist index` to repair it"


def _holds_no_index_file(folder: Path) -> bool:
    """True for a folder with nothing a build writes (a README, a .gitkeep, hidden files)."""
    try:
        names = [p.name for p in folder.iterdir()]
    except OSError:
        return False
    return all(name == "README.md" or name.startswith(".") for name in names)


def read_manifest(index_dir: Path | str) -> dict[str, Any]:
    """The parsed manifest (any version); :class:`IndexCorruptError` when it cannot be read."""
    index_dir = Path(index_dir)
    folder = resolve_index_dir(index_dir)
    path = folder / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        if _holds_no_index_file(folder):
            # a fresh checkout's index/ holds only its README: nothing was built yet
            raise IndexMissingError(
                f"no index at {index_dir}: build it with `mgiassist index --index {index_dir}`"
            ) from exc
        raise IndexCorruptError(
            f"index {index_dir} is damaged: manifest.json is missing; {REPAIR_HINT}"
        ) from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        reason = "is empty (0 bytes)" if _is_empty(path) else f"is unreadable ({exc})"
        raise IndexCorruptError(
            f"index {index_dir} is damaged: manifest.json {reason}; {REPAIR_HINT}"
        ) from exc
    if not isinstance(manifest, dict) or not _is_int(manifest.get("format_version")):
        raise IndexCorruptError(
            f"index {index_dir} is damaged: manifest.json has no integer format_version; {REPAIR_HINT}"
        )
    return manifest


def _is_empty(path: Path) -> bool:
    try:
        return path.stat().st_size == 0
    except OSError:
        return False


def check_versions(manifest: dict[str, Any], index_dir: Path) -> None:
    found = (
        manifest.get("format_version"),
        manifest.get("chunker_version"),
        manifest.get("analyser"),
    )
    wanted = (FORMAT_VERSION, CHUNKER_VERSION, ANALYSER)
    if found != wanted:
        raise IndexMismatchError(
            f"index {index_dir} was built by another mgiassist version (format {found[0]}, chunker "
            f"{found[1]}; this one writes {wanted[0]}, {wanted[1]}): rebuild it with `mgiassist index`"
        )


# ---------------------------------------------------------------------------------------------
# Field types
# ---------------------------------------------------------------------------------------------


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _type_name(value: Any) -> str:
    return "null" if value is None else type(value).__name__


_SCALARS: dict[str, tuple[str, Any]] = {
    # field: (what it should be, test)
    "format_version": ("an integer", _is_int),
    "chunker_version": ("an integer", _is_int),
    "analyser": ("a string", lambda v: isinstance(v, str)),
    "model_id": ("a non-empty string", lambda v: isinstance(v, str) and bool(v)),
    "dimension": ("a positive integer", lambda v: _is_int(v) and v > 0),
    "max_tokens": ("a positive integer", lambda v: _is_int(v) and v > 0),
    "faiss": (f"one of {', '.join(FAISS_KINDS)}", lambda v: v in FAISS_KINDS),
    "hnsw_ef_search": ("a positive integer", lambda v: _is_int(v) and v > 0),
    "chunk_count": ("an integer ≥ 0", lambda v: _is_int(v) and v >= 0),
    "corpus": ("a string", lambda v: isinstance(v, str)),
    "profiles": ("an object", lambda v: isinstance(v, dict)),
    "skipped_files": ("an object", lambda v: isinstance(v, dict)),
    "countries": ("a list", lambda v: isinstance(v, list)),
    "files": ("an object", lambda v: isinstance(v, dict)),
    "arrays": ("an object", lambda v: isinstance(v, dict)),
}


def manifest_problems(manifest: dict[str, Any]) -> list[str]:
    """Every field of the wrong type or missing, as short phrases (empty when all is well)."""
    problems = []
    for name, (wanted, test) in _SCALARS.items():
        if name not in manifest:
            problems.append(f"manifest.json has no {name}")
        elif not test(manifest[name]):
            problems.append(
                f"manifest.json field {name} should be {wanted}, not {_type_name(manifest[name])} "
                f"{json.dumps(manifest[name])[:40]}"
            )
    if problems:
        return problems
    for source, profile in manifest["profiles"].items():
        if not (
            isinstance(profile, dict)
            and isinstance(profile.get("content_hash"), str)
            and _is_int(profile.get("chunks"))
        ):
            problems.append(
                f"manifest.json entry profiles[{source!r}] needs a content_hash string and chunks integer"
            )
    for source, digest in manifest["skipped_files"].items():
        if digest is not None and not isinstance(digest, str):
            problems.append(
                f"manifest.json entry skipped_files[{source!r}] should be a hash string or null"
            )
    if not all(
        isinstance(c, dict) and isinstance(c.get("name"), str) for c in manifest["countries"]
    ):
        problems.append("manifest.json field countries should list objects with a name")
    for name, record in manifest["files"].items():
        if not (
            isinstance(record, dict)
            and _is_int(record.get("size"))
            and isinstance(record.get("sha256"), str)
            and _safe_relative(name)
        ):
            problems.append(
                f"manifest.json entry files[{name!r}] needs a size integer and a sha256 string"
            )
    for name, record in manifest["arrays"].items():
        shape = record.get("shape") if isinstance(record, dict) else None
        if not (
            isinstance(shape, list)
            and all(_is_int(n) and n >= 0 for n in shape)
            and isinstance(record.get("dtype"), str)
        ):
            problems.append(
                f"manifest.json entry arrays[{name!r}] needs a shape list and a dtype string"
            )
    return problems[:5]


def _safe_relative(name: str) -> bool:
    parts = Path(name).parts
    return bool(parts) and not Path(name).is_absolute() and ".." not in parts


# ---------------------------------------------------------------------------------------------
# File records
# ---------------------------------------------------------------------------------------------

_HASH_CACHE: dict[tuple[str, int, int, int], str] = {}
_HASH_LOCK = threading.Lock()


def sha256_of(path: Path) -> str:
    """SHA-256 of a file, remembered per (path, inode, size, mtime): verifying the same
    untouched file twice in one process reads it once."""
    stat = path.stat()
    key = (str(path.resolve()), stat.st_ino, stat.st_size, stat.st_mtime_ns)
    with _HASH_LOCK:
        cached = _HASH_CACHE.get(key)
    if cached is not None:
        return cached
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    value = digest.hexdigest()
    with _HASH_LOCK:
        if len(_HASH_CACHE) > 4096:
            _HASH_CACHE.clear()
        _HASH_CACHE[key] = value
    return value


def checked_files(folder: Path) -> list[Path]:
    """Every file of an index folder that the manifest covers, sorted."""
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and p.relative_to(folder).as_posix() not in UNCHECKED_FILES
    )


def file_records(folder: Path) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """``(files, arrays)`` for the manifest: size and SHA-256 of every covered file, shape and
    dtype of every ``.npy`` array (read from its header, without loading it)."""
    files, arrays = {}, {}
    for path in checked_files(folder):
        name = path.relative_to(folder).as_posix()
        files[name] = {"size": path.stat().st_size, "sha256": sha256_of(path)}
        if path.suffix == ".npy":
            shape, dtype = npy_header(path)
            arrays[name] = {"shape": list(shape), "dtype": dtype}
    return files, arrays


def npy_header(path: Path) -> tuple[tuple[int, ...], str]:
    """Shape and dtype of a ``.npy`` file from its header; ``ValueError`` when it has none."""
    with path.open("rb") as handle:
        try:
            version = np.lib.format.read_magic(handle)
            if version == (1, 0):
                shape, _, dtype = np.lib.format.read_array_header_1_0(handle)
            else:
                shape, _, dtype = np.lib.format.read_array_header_2_0(handle)
        except (ValueError, EOFError, OSError) as exc:
            raise ValueError(f"no readable .npy header ({exc})") from exc
    return tuple(int(n) for n in shape), np.dtype(dtype).str
