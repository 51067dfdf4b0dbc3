"""The corpus folder: which files are profiles, and loading them with a report per file.

Every file that is not indexed is named once, with its reason: unsupported or unreadable, a
symlink leading out of the folder, nowhere or round a loop, a name that is not UTF-8, over the size
limit, a document with no text, a reader that failed on it, or one over a bound of reading: a
structural cap (pages, characters per page, nesting, inflated size) or the time and memory limit
of its reader process (:mod:`mgiassist.ingest.bounded`). No single file or folder stops the rest:
a folder that cannot be listed is named as well, and loading goes on without it.
"""

from __future__ import annotations

import errno
import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from mgiassist.errors import CorpusError, ProfileError
from mgiassist.ingest.bounded import Bounds, Stopped, run_bounded
from mgiassist.ingest.parse import file_hash, parse_document
from mgiassist.ingest.readers import READERS, ReadLimits, file_bytes, file_text, read_document
from mgiassist.ingest.render import to_markdown
from mgiassist.ingest.report import IngestionReport, ingestion_report
from mgiassist.schema import Profile

__all__ = [
    "DEFAULT_MAX_FILE_BYTES",
    "SUPPORTED_SUFFIXES",
    "Bounds",
    "CorpusListing",
    "CorpusLoad",
    "iter_profile_paths",
    "list_corpus",
    "load_corpus",
    "load_profile",
    "read_in_reader_process",
    "read_text",
]

log = logging.getLogger("mgiassist.ingest")

SUPPORTED_SUFFIXES = tuple(READERS)
DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024


@dataclass
class CorpusListing:
    paths: list[Path]
    skipped: dict[str, str] = field(default_factory=dict)  # source -> why it is not read
    # folder (relative, as "a/b") -> why it could not be listed: the profiles in it are unknown,
    # not removed, so an index build should keep the ones it already holds
    unlisted: dict[str, str] = field(default_factory=dict)


def _candidate(path: Path) -> bool:
    return (path.suffix.lower() in SUPPORTED_SUFFIXES and not path.name.startswith(".")
            and path.name.lower() != "readme.md")


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _printable(text: str) -> str:
    """``text`` on one line and encodable as UTF-8, so a report, log or manifest can hold it: a
    byte of a non-UTF-8 file name shows as ``\\xff``, a control character (a newline in a file
    name or in a library's error message) as its escape."""
    try:
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a lone surrogate that is not an escaped byte
        text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def _utf8_name(source: str) -> bool:
    # os.walk hands undecodable bytes of a name over as lone surrogates, which no UTF-8 writer
    # (the manifest, the report, the page) accepts
    try:
        source.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _key(source: str) -> str:
    """The name a skipped file is reported under: its source, as the index knows it, unless
    that cannot be stored (not UTF-8)."""
    return source if _utf8_name(source) else _printable(source)


def _link_text(path: Path) -> str:
    try:
        return _printable(os.readlink(path))
    except OSError:
        return "?"


def _symlink_problem(path: Path, root: Path, kind: str) -> str | None:
    """Why the symlink ``path`` (to a ``kind``, "file" or "folder") is not followed, or ``None``
    when it leads to something inside the corpus."""
    try:
        target = Path(os.path.realpath(path, strict=True))
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return f"{path}: a symlink loop (to {_link_text(path)}); not followed"
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            return f"{path}: a dangling symlink (to {_link_text(path)})"
        return f"{path}: a symlink that cannot be followed ({exc.strerror or exc})"
    if not _inside(target, root):
        shown = _link_text(path) if kind == "folder" else target
        return f"{path}: a symlink to a {kind} outside the corpus ({shown}); not followed"
    return None


def _file_problem(path: Path, source: str, root: Path) -> str | None:
    if not _utf8_name(source):
        return f"{path}: the file name is not valid UTF-8; rename it to index it"
    if path.is_symlink():
        return _symlink_problem(path, root, "file")
    return None


def list_corpus(corpus_dir: Path) -> CorpusListing:
    """The profile files under ``corpus_dir``; symlinks that lead outside it, nowhere or round in
    a loop, and files whose names are not UTF-8, are listed as skipped (a linked folder inside it
    is walked once, as itself); a folder that cannot be listed is named in ``unlisted``."""
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.exists():
        raise CorpusError(f"corpus folder {corpus_dir} does not exist")
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus folder {corpus_dir} is not a folder")
    root = corpus_dir.resolve()
    listing = CorpusListing(paths=[])

    def unlisted(exc: OSError) -> None:  # os.walk would pass over the folder without a word
        folder = Path(exc.filename) if exc.filename else corpus_dir
        why = exc.strerror or exc
        if folder == corpus_dir:
            raise CorpusError(f"corpus folder {corpus_dir} cannot be listed ({why})") from exc
        listing.unlisted[_key(folder.relative_to(corpus_dir).as_posix())] = _printable(
            f"{folder}: a folder that cannot be listed ({why}); its profiles are not read")

    for folder, dirs, files in os.walk(corpus_dir, onerror=unlisted):
        folder_path = Path(folder)
        for name in sorted(dirs):
            link = folder_path / name
            problem = _symlink_problem(link, root, "folder") if link.is_symlink() else None
            if problem:
                listing.skipped[_key(link.relative_to(corpus_dir).as_posix())] = _printable(problem)
        for name in files:
            path = folder_path / name
            if not _candidate(path):
                continue
            source = path.relative_to(corpus_dir).as_posix()
            problem = _file_problem(path, source, root)
            if problem:
                listing.skipped[_key(source)] = _printable(problem)
                continue
            listing.paths.append(path)
    listing.paths.sort()
    return listing


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def iter_profile_paths(corpus_dir: Path) -> list[Path]:
    return list_corpus(corpus_dir).paths


def read_text(path: Path) -> str:
    """The text of one profile file (Markdown for a PDF, web page or DOCX); raises
    :class:`ProfileError` when it cannot be used."""
    path = Path(path)
    if READERS.get(path.suffix.lower(), "text") in ("text", "markdown"):
        return file_text(path)
    return to_markdown(read_document(path))


def load_profile(
    path: Path, corpus_dir: Path, max_file_bytes: int | None = None, limits: ReadLimits | None = None
) -> Profile:
    source = path.relative_to(corpus_dir).as_posix()
    limit = DEFAULT_MAX_FILE_BYTES if max_file_bytes is None else max_file_bytes
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ProfileError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    if limit and size > limit:
        raise ProfileError(f"{path}: {size / 1e6:.1f} MB is over the {limit / 1e6:.0f} MB limit per file "
                           "(raise it with --max-file-mb)")
    data = file_bytes(path)
    document = read_document(path, data, source, limits)
    return parse_document(document, source, file_hash(data))


@dataclass
class CorpusLoad:
    profiles: list[Profile]
    skipped: list[str]  # one line per skipped file or unlisted folder, as it is reported
    reports: list[IngestionReport] = field(default_factory=list)
    skipped_sources: dict[str, str] = field(default_factory=dict)
    unlisted: dict[str, str] = field(default_factory=dict)  # folder -> why it could not be listed


def _failure(path: Path, exc: Exception) -> str:
    """The one-line reason of a reader's unexpected error: its type and its message's first line."""
    detail = (str(exc).strip().splitlines() or [""])[0][:200]
    return f"{path}: cannot be read ({type(exc).__name__}{': ' + detail if detail else ''})"


# how C libraries word an allocation that failed (lxml, zlib, the thread module), when they do
# not raise MemoryError itself
_OUT_OF_MEMORY = re.compile(r"memory allocation failed|insufficient memory|out of memory|"
                            r"cannot allocate memory|can't start new thread", re.IGNORECASE)


def _read_one(
    path: Path, corpus_dir: Path, max_file_bytes: int | None, limits: ReadLimits | None = None,
    bounded: bool = False,
) -> tuple[Profile, IngestionReport] | str:
    """The profile of one file and its report, or why it is skipped. A reader or parser may fail
    in any way (a library's own error type, a RecursionError on deep nesting): that is this
    file's problem and never stops the rest of the corpus. In a reader process (``bounded``) a
    failed allocation is raised as MemoryError, for the process to name the memory limit."""
    try:
        profile = load_profile(path, corpus_dir, max_file_bytes, limits)
        return profile, ingestion_report(profile)
    except Exception as exc:  # any reader error is this file's skip, see above
        if bounded and _out_of_memory(exc):
            raise MemoryError(str(exc)) from exc
        if isinstance(exc, ProfileError):
            return str(exc)
        log.debug("reading %s failed", path, exc_info=True)
        return _failure(path, exc)


def _out_of_memory(exc: BaseException | None) -> bool:
    """Whether ``exc``, or an error it was raised from (a reader wraps its library's errors),
    is a failed allocation."""
    for _ in range(4):
        if exc is None:
            return False
        if isinstance(exc, MemoryError) or _OUT_OF_MEMORY.search(str(exc)):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def read_in_reader_process(task: tuple[str, str, int | None, ReadLimits]) -> tuple[Profile, IngestionReport] | str:
    """:func:`_read_one` as a reader process runs it (:func:`~mgiassist.ingest.bounded.run_bounded`):
    ``task`` is (path, corpus folder, size limit, structural limits), all plain data."""
    path, corpus_dir, max_file_bytes, limits = task
    return _read_one(Path(path), Path(corpus_dir), max_file_bytes, limits, bounded=True)


# Text and Markdown files this small are read in this process: their reader is linear and pure
# Python, and the most hostile shape measured (256 KB of one-character bullets) takes 2.3 s and
# 60 MB on a loaded 2-core machine, where a reader process costs 20 ms to start and the unit tests
# read the two seed files (10 and 18 KB, 0.01 to 0.03 s) hundreds of times. At 2 MB that shape
# takes 19 s and 250 MB, so bigger text goes to a reader process like every PDF, page and DOCX.
def _in_process(path: Path, bounds: Bounds) -> bool:
    if bounds.workers == 0:
        return True
    if READERS.get(path.suffix.lower(), "text") not in ("text", "markdown"):
        return False
    try:
        return path.stat().st_size < bounds.in_process_bytes
    except OSError:
        return True  # load_profile names the problem


def _read_all(
    paths: list[Path], corpus_dir: Path, max_file_bytes: int | None, bounds: Bounds
) -> dict[Path, tuple[Profile, IngestionReport] | str]:
    """Every file's profile and report, or why it is skipped: small text here, the rest in
    reader processes within ``bounds`` (here too, when none can start)."""
    here = [p for p in paths if _in_process(p, bounds)]
    away = sorted(set(paths) - set(here))
    tasks = [(str(p), str(corpus_dir), max_file_bytes, bounds.limits) for p in away]
    results, peak = run_bounded(read_in_reader_process, tasks, bounds)
    if away:
        log.debug("read %d files in reader processes (largest peak %.0f MB)", len(away), peak)
    read: dict[Path, tuple[Profile, IngestionReport] | str] = {}
    for path, result in zip(away, results):
        if isinstance(result, Stopped):
            read[path] = f"{path}: {result.reason}"
        elif result is not None:
            read[path] = result
        else:  # no reader process could start (logged once)
            here.append(path)
    for path in here:
        read[path] = _read_one(path, corpus_dir, max_file_bytes, bounds.limits)
    return read


def load_corpus(
    corpus_dir: Path, max_file_bytes: int | None = None, bounds: Bounds | None = None
) -> CorpusLoad:
    """Every readable profile in a folder, with its ingestion report; each file that cannot be
    used, and each folder that cannot be listed, is named once (a log warning) with its reason.
    Files are read within ``bounds`` (:class:`~mgiassist.ingest.bounded.Bounds`: the time and
    memory limits of a reader process and the structural caps)."""
    corpus_dir = Path(corpus_dir)
    bounds = bounds or Bounds()
    listing = list_corpus(corpus_dir)
    loaded = CorpusLoad(profiles=[], skipped=[], skipped_sources=dict(listing.skipped),
                        unlisted=dict(listing.unlisted))
    read = _read_all(listing.paths, corpus_dir, max_file_bytes, bounds)
    for path in listing.paths:
        result = read[path]
        if isinstance(result, str):
            loaded.skipped_sources[path.relative_to(corpus_dir).as_posix()] = _printable(result)
            continue
        loaded.profiles.append(result[0])
        loaded.reports.append(result[1])
    for message in [*(loaded.unlisted[f] for f in sorted(loaded.unlisted)),
                    *(loaded.skipped_sources[s] for s in sorted(loaded.skipped_sources))]:
        log.warning("skipped %s", message)
        loaded.skipped.append(message)
    if not loaded.profiles:
        detail = f" ({len(loaded.skipped)} skipped: {'; '.join(loaded.skipped)})" if loaded.skipped else ""
        raise CorpusError(
            f"no readable profile in {corpus_dir}{detail}; supported: {', '.join(SUPPORTED_SUFFIXES)}"
        )
    return loaded
