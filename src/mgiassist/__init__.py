"""mgiassist: conversational search with cited passages over migration-governance profiles."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mgiassist.assistant import Assistant
    from mgiassist.errors import MgiassistError
    from mgiassist.index import BuildReport, IndexStatus, build_index, index_status, load_index
    from mgiassist.ingest import load_corpus, parse_profile
    from mgiassist.schema import Chunk, Citation, Footnote, Hit, Profile, SearchResult, Section
    from mgiassist.search.searcher import Filters, SearchSettings

# Imported on first use (PEP 562), so `mgiassist --help` or a submodule import does not pay for
# FAISS, BM25 and the model runtimes (issue 10: cold start).
_EXPORTS = {
    "Assistant": "mgiassist.assistant",
    "BuildReport": "mgiassist.index",
    "Chunk": "mgiassist.schema",
    "Citation": "mgiassist.schema",
    "Filters": "mgiassist.search.searcher",
    "Footnote": "mgiassist.schema",
    "Hit": "mgiassist.schema",
    "IndexStatus": "mgiassist.index",
    "MgiassistError": "mgiassist.errors",
    "Profile": "mgiassist.schema",
    "SearchResult": "mgiassist.schema",
    "SearchSettings": "mgiassist.search.searcher",
    "Section": "mgiassist.schema",
    "build_index": "mgiassist.index",
    "index_status": "mgiassist.index",
    "load_corpus": "mgiassist.ingest",
    "load_index": "mgiassist.index",
    "parse_profile": "mgiassist.ingest",
}

__all__ = [
    "Assistant",
    "BuildReport",
    "Chunk",
    "Citation",
    "Filters",
    "Footnote",
    "Hit",
    "IndexStatus",
    "MgiassistError",
    "Profile",
    "SearchResult",
    "SearchSettings",
    "Section",
    "build_index",
    "index_status",
    "load_corpus",
    "load_index",
    "parse_profile",
]

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'mgiassist' has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
