"""The corpus folder: which files are profiles, and loading them with a report per file.

Every file that is not indexed is named once, with its reason: unsupported or unreadable, a
symlink leading out of the folder or nowhere, over the size limit, or a document with no text.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from mgiassist.errors import CorpusError, ProfileError
from mgiassist.ingest.parse import file_hash, parse_document
from mgiassist.ingest.readers import READERS, file_bytes, file_text, read_document
from mgiassist.ingest.render import to_markdown
from mgiassist.ingest.report import IngestionReport, ingestion_report
from mgiassist.schema import Profile

__all__ = [
    "DEFAULT_MAX_FILE_BYTES",
    "SUPPORTED_SUFFIXES",
    "CorpusListing",
    "CorpusLoad",
    "iter_profile_paths",
    "list_corpus",
    "load_corpus",
    "load_profile",
    "read_text",
]

log = logging.getLogger("mgiassist.ingest")

SUPPORTED_SUFFIXES = tuple(READERS)
DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024


@dataclass
class CorpusListing:
    paths: list[Path]
    skipped: dict[str, str] = field(default_factory=dict)  # source -> why it is not read


def _candidate(path: Path) -> bool:
    return (path.suffix.lower() in SUPPORTED_SUFFIXES and not path.name.startswith(".")
            and path.name.lower() != "readme.md")


def list_corpus(corpus_dir: Path) -> CorpusListing:
    """The profile files under ``corpus_dir``; symlinks that lead outside it or nowhere are
    listed as skipped (a linked folder inside it is walked once, as itself)."""
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.exists():
        raise CorpusError(f"corpus folder {corpus_dir} does not exist")
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus folder {corpus_dir} is not a folder")
    root = corpus_dir.resolve()
    listing = CorpusListing(paths=[])
    for folder, dirs, files in os.walk(corpus_dir):
        folder_path = Path(folder)
        for name in sorted(dirs):
            link = folder_path / name
            if link.is_symlink() and not _inside(link.resolve(), root):
                listing.skipped[link.relative_to(corpus_dir).as_posix()] = (
                    f"{link}: a symlink to a folder outside the corpus ({os.readlink(link)}); not followed")
        for name in files:
            path = folder_path / name
            if not _candidate(path):
                continue
            source = path.relative_to(corpus_dir).as_posix()
            if path.is_symlink():
                target = path.resolve()
                if not target.exists():
                    listing.skipped[source] = f"{path}: a dangling symlink (to {os.readlink(path)})"
                    continue
                if not _inside(target, root):
                    listing.skipped[source] = f"{path}: a symlink to a file outside the corpus ({target})"
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


def load_profile(path: Path, corpus_dir: Path, max_file_bytes: int | None = None) -> Profile:
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
    document = read_document(path, data, source)
    return parse_document(document, source, file_hash(data))


@dataclass
class CorpusLoad:
    profiles: list[Profile]
    skipped: list[str]
    reports: list[IngestionReport] = field(default_factory=list)
    skipped_sources: dict[str, str] = field(default_factory=dict)


def load_corpus(corpus_dir: Path, max_file_bytes: int | None = None) -> CorpusLoad:
    """Every readable profile in a folder, with its ingestion report; each file that cannot be
    used is named once (a log warning) with its reason."""
    corpus_dir = Path(corpus_dir)
    listing = list_corpus(corpus_dir)
    loaded = CorpusLoad(profiles=[], skipped=[], skipped_sources=dict(listing.skipped))
    for path in listing.paths:
        source = path.relative_to(corpus_dir).as_posix()
        try:
            profile = load_profile(path, corpus_dir, max_file_bytes)
        except ProfileError as exc:
            loaded.skipped_sources[source] = str(exc)
            continue
        loaded.profiles.append(profile)
        loaded.reports.append(ingestion_report(profile))
    for source in sorted(loaded.skipped_sources):
        message = loaded.skipped_sources[source]
        log.warning("skipped %s", message)
        loaded.skipped.append(message)
    if not loaded.profiles:
        detail = f" ({len(loaded.skipped)} skipped: {'; '.join(loaded.skipped)})" if loaded.skipped else ""
        raise CorpusError(
            f"no readable profile in {corpus_dir}{detail}; supported: {', '.join(SUPPORTED_SUFFIXES)}"
        )
    return loaded
