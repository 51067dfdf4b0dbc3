"""Read profile files and parse them into structured :class:`~mgiassist.schema.Profile` records.

The design, one module each::

    readers/   a file (PDF, web page, DOCX, Markdown, text) -> Document of typed blocks  (blocks.py)
    family.py  which template the wording follows
    mgi.py     IOM MGI profiles            mapping/  EUDiF diaspora engagement mappings
    generic.py anything else, by headings  footnotes.py  definitions, markers, citations
    corpus.py  the corpus folder and load_corpus      report.py  the per-file ingestion report
    bounded.py reader processes: a time and memory limit per file (readers/limits.py: the caps)

Parsers read blocks, never raw lines, so every rendering of a template gives the same profile.
"""

from mgiassist.ingest.blocks import Document
from mgiassist.ingest.bounded import Bounds
from mgiassist.ingest.corpus import (
    DEFAULT_MAX_FILE_BYTES,
    SUPPORTED_SUFFIXES,
    CorpusListing,
    CorpusLoad,
    iter_profile_paths,
    list_corpus,
    load_corpus,
    load_profile,
    read_text,
)
from mgiassist.ingest.family import detect_family
from mgiassist.ingest.mgi import MGI_DOMAINS
from mgiassist.ingest.parse import (
    file_hash,
    parse_diaspora_mapping,
    parse_document,
    parse_generic_profile,
    parse_mgi_profile,
    parse_profile,
)
from mgiassist.ingest.readers import ReadLimits, read_document
from mgiassist.ingest.report import IngestionReport, ingestion_report

__all__ = [
    "DEFAULT_MAX_FILE_BYTES",
    "MGI_DOMAINS",
    "SUPPORTED_SUFFIXES",
    "Bounds",
    "CorpusListing",
    "CorpusLoad",
    "Document",
    "IngestionReport",
    "ReadLimits",
    "detect_family",
    "file_hash",
    "ingestion_report",
    "iter_profile_paths",
    "list_corpus",
    "load_corpus",
    "load_profile",
    "parse_diaspora_mapping",
    "parse_document",
    "parse_generic_profile",
    "parse_mgi_profile",
    "parse_profile",
    "read_document",
    "read_text",
]
