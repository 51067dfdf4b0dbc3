"""mgiassist: conversational search with cited passages over migration-governance profiles."""

from mgiassist.assistant import Assistant
from mgiassist.errors import MgiassistError
from mgiassist.index import BuildReport, IndexStatus, build_index, index_status, load_index
from mgiassist.ingest import load_corpus, parse_profile
from mgiassist.schema import Chunk, Citation, Footnote, Hit, Profile, SearchResult, Section
from mgiassist.search import Filters, SearchSettings

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
