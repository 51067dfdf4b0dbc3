"""The manifest: what an index holds, and how to tell when its files no longer match it.

:class:`Manifest` is the typed record of ``manifest.json``: the build settings, one
:class:`ProfileEntry` per profile, the size and SHA-256 of every file in the index folder
(:class:`FileRecord`, in ``files``) and the shape and dtype of every ``.npy`` array
(:class:`ArrayRecord`, in ``arrays``). Loading it is its validation: :meth:`Manifest.from_dict`
checks every field's type and raises :class:`IndexCorruptError` naming the wrong or missing
fields (never a traceback), or :class:`IndexMismatchError` for an index of another version;
:meth:`Manifest.to_dict` gives back exactly the JSON a build writes.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np

from mgiassist.chunk import CHUNKER_VERSION
from mgiassist.errors import IndexCorruptError, IndexMismatchError, IndexMissingError
from mgiassist.index.layout import MANIFEST, UNCHECKED_FILES, resolve_index_dir
from mgiassist.text.countries import CountryNames, lookup_country
from mgiassist.text.lexical import ANALYSER

__all__ = [
    "FAISS_KINDS",
    "FORMAT_VERSION",
    "HNSW_EF_SEARCH",
    "ArrayRecord",
    "FileRecord",
    "Manifest",
    "ProfileEntry",
    "damaged",
    "file_records",
    "folder_records",
    "read_manifest",
    "sha256_of",
]

# 2: the manifest records every file's size and SHA-256 and every array's shape and dtype.
FORMAT_VERSION = 2
FAISS_KINDS = ("flat", "hnsw")
HNSW_EF_SEARCH = 128
REPAIR_HINT = "run `mgiassist index` to repair it"


def damaged(index_dir: Path | str, problems: list[str]) -> IndexCorruptError:
    """The error for a damaged index: its first four problems, then how many more."""
    shown = "; ".join(problems[:4]) + (
        f"; and {len(problems) - 4} more" if len(problems) > 4 else ""
    )
    return IndexCorruptError(f"index {index_dir} is damaged: {shown}; {REPAIR_HINT}")


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------


def _holds_no_index_file(folder: Path) -> bool:
    """True for a folder with nothing a build writes (a README, a .gitkeep, hidden files)."""
    try:
        names = [p.name for p in folder.iterdir()]
    except OSError:
        return False
    return all(name == "README.md" or name.startswith(".") for name in names)


def read_manifest(index_dir: Path | str) -> Manifest:
    """The manifest of an index of this format, every field of the right type. Raises
    :class:`IndexMissingError` (nothing built yet), :class:`IndexCorruptError` (missing,
    unreadable, or a field missing or of the wrong type) or :class:`IndexMismatchError`
    (another format, chunker or analyser version)."""
    return Manifest.from_dict(_read_json(Path(index_dir)), index_dir)


def _read_json(index_dir: Path) -> Any:
    folder = resolve_index_dir(index_dir)
    path = folder / MANIFEST
    try:
        return json.loads(path.read_text(encoding="utf-8"))
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


def _is_empty(path: Path) -> bool:
    try:
        return path.stat().st_size == 0
    except OSError:
        return False


def _check_versions(data: Mapping[str, Any], index_dir: Path | str) -> None:
    found = (data.get("format_version"), data.get("chunker_version"), data.get("analyser"))
    wanted = (FORMAT_VERSION, CHUNKER_VERSION, ANALYSER)
    if found != wanted:
        # name what differs: "format 2, chunker 5; this one writes 2, 5" hid a new analyser
        names = ("format", "chunker", "analyser")
        differs = [i for i in range(3) if found[i] != wanted[i]]
        was = ", ".join(f"{names[i]} {found[i]}" for i in differs)
        now = ", ".join(str(wanted[i]) for i in differs)
        raise IndexMismatchError(
            f"index {index_dir} was built by another mgiassist version ({was}; this one writes "
            f"{now}): rebuild it with `mgiassist index`"
        )


# ---------------------------------------------------------------------------------------------
# Field types
# ---------------------------------------------------------------------------------------------


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_str(value: Any) -> bool:
    return isinstance(value, str)


def _is_str_or_null(value: Any) -> bool:
    return value is None or isinstance(value, str)


def _type_name(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def _safe_relative(name: str) -> bool:
    parts = Path(name).parts
    return bool(parts) and not Path(name).is_absolute() and ".." not in parts


@dataclass(frozen=True)
class _Field:
    """How one manifest field is read: what it should be, the test its JSON value must pass,
    and for objects and lists, how their entries are read (``(value, problems)``)."""

    wanted: str
    test: Callable[[Any], bool]
    required: bool = True
    entries: Callable[[Any], tuple[Any, list[str]]] | None = None
    written_when_null: bool = True  # optional fields: written as null, or left out


def _spec(
    wanted: str,
    test: Callable[[Any], bool],
    *,
    required: bool = True,
    entries: Callable[[Any], tuple[Any, list[str]]] | None = None,
    written_when_null: bool = True,
    **default: Any,
) -> Any:
    spec = _Field(wanted, test, required, entries, written_when_null)
    return field(metadata={"spec": spec}, **default)


def _frozen(value: Any) -> Any:
    """A JSON value made read-only: objects become mapping proxies, lists tuples."""
    if isinstance(value, Mapping):
        return MappingProxyType({key: _frozen(item) for key, item in value.items()})
    if isinstance(value, list | tuple):
        return tuple(_frozen(item) for item in value)
    return value


def _plain(value: Any) -> Any:
    """A field's JSON form: records by their ``to_dict``, proxies as dicts, tuples as lists."""
    if isinstance(value, ProfileEntry | FileRecord | ArrayRecord):
        return value.to_dict()
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


# ---------------------------------------------------------------------------------------------
# Entries
# ---------------------------------------------------------------------------------------------

_PROFILE_TEXTS = ("family", "country", "country_code", "title", "date", "city")


@dataclass(frozen=True, kw_only=True)
class ProfileEntry:
    """One indexed profile: its content hash, its chunk count, and its metadata."""

    content_hash: str
    chunks: int
    family: str | None = None
    country: str | None = None
    country_code: str | None = None
    title: str | None = None
    date: str | None = None
    # a local (city) profile's city; written only when set, so a national entry reads as before
    city: str | None = None

    @property
    def place(self) -> str | None:
        """"Accra (Ghana)" for a city profile, the country otherwise."""
        if self.city and self.country:
            return f"{self.city} ({self.country})"
        return self.city or self.country

    def to_dict(self) -> dict[str, Any]:
        data = {
            "content_hash": self.content_hash,
            "family": self.family,
            "country": self.country,
            "country_code": self.country_code,
            "title": self.title,
            "date": self.date,
            "chunks": self.chunks,
        }
        if self.city is not None:
            data["city"] = self.city
        return data

    @classmethod
    def parse(cls, source: str, data: Any) -> tuple[ProfileEntry | None, str | None]:
        """The entry, or the phrase saying what is wrong with it."""
        where = f"manifest.json entry profiles[{source!r}]"
        if not (
            isinstance(data, dict)
            and _is_str(data.get("content_hash"))
            and _is_int(data.get("chunks"))
        ):
            return None, f"{where} needs a content_hash string and chunks integer"
        for name in _PROFILE_TEXTS:
            if not _is_str_or_null(data.get(name)):
                return None, f"{where} field {name} should be a string or null"
        return cls(
            content_hash=data["content_hash"],
            chunks=data["chunks"],
            **{name: data.get(name) for name in _PROFILE_TEXTS},
        ), None


@dataclass(frozen=True)
class FileRecord:
    """The size and SHA-256 of one file in the index folder."""

    size: int
    sha256: str

    def to_dict(self) -> dict[str, Any]:
        return {"size": self.size, "sha256": self.sha256}

    @classmethod
    def parse(cls, name: str, data: Any) -> tuple[FileRecord | None, str | None]:
        if not (
            isinstance(data, dict)
            and _is_int(data.get("size"))
            and _is_str(data.get("sha256"))
            and _safe_relative(name)
        ):
            return None, (
                f"manifest.json entry files[{name!r}] needs a size integer and a sha256 string"
            )
        return cls(data["size"], data["sha256"]), None


@dataclass(frozen=True)
class ArrayRecord:
    """The shape and dtype (numpy's ``dtype.str``, e.g. ``<f4``) of one ``.npy`` array."""

    shape: tuple[int, ...]
    dtype: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "shape", tuple(self.shape))

    def to_dict(self) -> dict[str, Any]:
        return {"shape": list(self.shape), "dtype": self.dtype}

    @classmethod
    def parse(cls, name: str, data: Any) -> tuple[ArrayRecord | None, str | None]:
        shape = data.get("shape") if isinstance(data, dict) else None
        if not (
            isinstance(shape, list)
            and all(_is_int(n) and n >= 0 for n in shape)
            and _is_str(data.get("dtype"))
        ):
            return None, (
                f"manifest.json entry arrays[{name!r}] needs a shape list and a dtype string"
            )
        return cls(tuple(shape), data["dtype"]), None


def _object_of(
    parse: Callable[[str, Any], tuple[Any, str | None]],
) -> Callable[[Any], tuple[Any, list[str]]]:
    """A reader of a JSON object's entries, each by ``parse(key, value)``."""

    def read(data: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
        entries, problems = {}, []
        for key, value in data.items():
            entry, problem = parse(key, value)
            if problem:
                problems.append(problem)
            else:
                entries[key] = entry
        return entries, problems

    return read


def _skipped_file(source: str, digest: Any) -> tuple[str | None, str | None]:
    if _is_str_or_null(digest):
        return digest, None
    return None, f"manifest.json entry skipped_files[{source!r}] should be a hash string or null"


def _countries(data: list[Any]) -> tuple[tuple[Mapping[str, Any], ...], list[str]]:
    if not all(isinstance(c, dict) and _is_str(c.get("name")) for c in data):
        return (), ["manifest.json field countries should list objects with a name"]
    return tuple(data), []


# ---------------------------------------------------------------------------------------------
# The manifest
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Manifest:
    """``manifest.json`` as a typed record; fields in the order a build writes them.

    Build it with :meth:`from_dict` (which validates) or, in a build, directly. ``extra`` keeps
    the top-level keys this version does not know, so nothing read is lost."""

    format_version: int = _spec("an integer", _is_int, default=FORMAT_VERSION)
    chunker_version: int = _spec("an integer", _is_int, default=CHUNKER_VERSION)
    analyser: str = _spec("a string", _is_str, default=ANALYSER)
    model_id: str = _spec("a non-empty string", lambda v: _is_str(v) and bool(v))
    dimension: int = _spec("a positive integer", lambda v: _is_int(v) and v > 0)
    max_tokens: int = _spec("a positive integer", lambda v: _is_int(v) and v > 0)
    faiss: str = _spec(
        f"one of {', '.join(FAISS_KINDS)}", lambda v: v in FAISS_KINDS, default="flat"
    )
    hnsw_ef_search: int = _spec(
        "a positive integer", lambda v: _is_int(v) and v > 0, default=HNSW_EF_SEARCH
    )
    chunk_count: int = _spec("an integer ≥ 0", lambda v: _is_int(v) and v >= 0)
    # the runtime that embedded (onnx, torch, onnx-int8), None for other embedders
    embedding_backend: str | None = _spec(
        "a string or null", _is_str_or_null, required=False, default=None
    )
    sentence_count: int | None = _spec(
        "an integer ≥ 0", lambda v: _is_int(v) and v >= 0, required=False, default=None,
        written_when_null=False,
    )
    # the corpus folder, relative to the index folder
    corpus: str = _spec("a string", _is_str)
    profiles: Mapping[str, ProfileEntry] = _spec(
        "an object", lambda v: isinstance(v, dict), entries=_object_of(ProfileEntry.parse),
        default_factory=dict,
    )
    # profiles the last build could not read: their hash then (None: unreadable)
    skipped_files: Mapping[str, str | None] = _spec(
        "an object", lambda v: isinstance(v, dict), entries=_object_of(_skipped_file),
        default_factory=dict,
    )
    # CountryNames.to_dict() of each indexed country, as recorded (see country_names())
    countries: tuple[Mapping[str, Any], ...] = _spec(
        "a list", lambda v: isinstance(v, list), entries=_countries, default=()
    )
    built_at: str | None = _spec(
        "a string", _is_str, required=False, default=None, written_when_null=False
    )
    files: Mapping[str, FileRecord] = _spec(
        "an object", lambda v: isinstance(v, dict), entries=_object_of(FileRecord.parse),
        default_factory=dict,
    )
    arrays: Mapping[str, ArrayRecord] = _spec(
        "an object", lambda v: isinstance(v, dict), entries=_object_of(ArrayRecord.parse),
        default_factory=dict,
    )
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:  # read-only all the way down
        for item in dataclasses.fields(self):
            object.__setattr__(self, item.name, _frozen(getattr(self, item.name)))

    @classmethod
    def from_dict(cls, data: Any, index_dir: Path | str) -> Manifest:
        """The manifest of parsed ``manifest.json`` ``data``, or the typed error naming what is
        wrong (``index_dir`` only names the index in the message)."""
        if not isinstance(data, dict) or not _is_int(data.get("format_version")):
            raise IndexCorruptError(
                f"index {index_dir} is damaged: manifest.json has no integer format_version; "
                f"{REPAIR_HINT}"
            )
        _check_versions(data, index_dir)
        problems = []
        for name, spec in _SPECS.items():
            if name not in data:
                if spec.required:
                    problems.append(f"manifest.json has no {name}")
            elif not spec.test(data[name]):
                problems.append(
                    f"manifest.json field {name} should be {spec.wanted}, not "
                    f"{_type_name(data[name])} {json.dumps(data[name])[:40]}"
                )
        if problems:
            raise damaged(index_dir, problems)
        values = {}
        for name, spec in _SPECS.items():
            if name in data:
                value = data[name]
                if spec.entries is not None:
                    value, found = spec.entries(value)
                    problems.extend(found)
                values[name] = value
        if problems:
            raise damaged(index_dir, problems[:5])
        extra = {key: value for key, value in data.items() if key not in _SPECS}
        return cls(**values, extra=extra)

    def to_dict(self) -> dict[str, Any]:
        """The JSON object a build writes: the same keys in the same order."""
        data = {
            name: _plain(getattr(self, name))
            for name, spec in _SPECS.items()
            if getattr(self, name) is not None or spec.written_when_null
        }
        data.update(_plain(self.extra))
        return data

    def with_files(
        self, files: Mapping[str, FileRecord], arrays: Mapping[str, ArrayRecord]
    ) -> Manifest:
        """This manifest recording the given files and arrays (a build's last step)."""
        return dataclasses.replace(self, files=files, arrays=arrays)

    def country_names(self) -> list[CountryNames]:
        """The indexed countries' names as this version of the library knows them (with the
        translations an older index's manifest lacks), else as recorded."""
        return [
            lookup_country(c["name"]) or CountryNames.from_dict(_plain(c)) for c in self.countries
        ]


_SPECS: dict[str, _Field] = {
    f.name: f.metadata["spec"] for f in dataclasses.fields(Manifest) if "spec" in f.metadata
}


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


def folder_records(folder: Path) -> tuple[dict[str, FileRecord], dict[str, ArrayRecord]]:
    """``(files, arrays)`` for the manifest: size and SHA-256 of every covered file, shape and
    dtype of every ``.npy`` array (read from its header, without loading it)."""
    files, arrays = {}, {}
    for path in checked_files(folder):
        name = path.relative_to(folder).as_posix()
        files[name] = FileRecord(path.stat().st_size, sha256_of(path))
        if path.suffix == ".npy":
            arrays[name] = ArrayRecord(*npy_header(path))
    return files, arrays


def file_records(folder: Path) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """:func:`folder_records` as ``manifest.json`` holds them (plain JSON objects)."""
    files, arrays = folder_records(folder)
    return (
        {name: record.to_dict() for name, record in files.items()},
        {name: record.to_dict() for name, record in arrays.items()},
    )


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
