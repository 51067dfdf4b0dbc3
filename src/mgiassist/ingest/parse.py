"""From a document's blocks to a :class:`Profile`: the family parser its wording calls for, else
the heading-based fallback."""

from __future__ import annotations

import hashlib
import logging

from mgiassist.errors import ProfileError
from mgiassist.ingest.blocks import Document
from mgiassist.ingest.family import detect_family
from mgiassist.ingest.generic import parse_generic_document
from mgiassist.ingest.mapping import parse_mapping_document
from mgiassist.ingest.mgi import parse_mgi_document
from mgiassist.ingest.order import restore_order
from mgiassist.ingest.readers.text import read_text_document
from mgiassist.schema import FAMILY_MAPPING, FAMILY_MGI, Profile

__all__ = [
    "file_hash",
    "parse_diaspora_mapping",
    "parse_document",
    "parse_generic_profile",
    "parse_mgi_profile",
    "parse_profile",
]

log = logging.getLogger("mgiassist.ingest")

_FAMILY_PARSERS = {FAMILY_MGI: parse_mgi_document, FAMILY_MAPPING: parse_mapping_document}


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def parse_document(document: Document, source: str, content_hash: str) -> Profile:
    """Parse one document; the family is detected from its wording. The profile's
    ``metadata["ingest"]`` says which parser read it and what the reader noticed."""
    family = detect_family("\n".join([document.text(), *document.running]))
    parser = _FAMILY_PARSERS.get(family)
    document = restore_order(document, family)
    fallback = None
    if parser is not None:
        try:
            profile = parser(document, source, content_hash)
        except ProfileError as exc:
            log.warning("%s; reading it by headings instead", exc)
            fallback = str(exc)
        else:
            profile.metadata["ingest"] = {"format": document.format, "parser": family,
                                          "warnings": list(document.warnings)}
            return profile
    profile = parse_generic_document(document, source, content_hash)
    profile.metadata["ingest"] = {"format": document.format, "parser": "generic", "fallback": fallback,
                                  "warnings": list(document.warnings)}
    return profile


def _as_document(text: str, source: str) -> Document:
    return read_text_document(text, source)


def parse_profile(text: str | Document, source: str, content_hash: str | None = None) -> Profile:
    """Parse one profile given as text (or already read into blocks)."""
    if isinstance(text, Document):
        return parse_document(text, source, content_hash or file_hash(text.text().encode("utf-8")))
    return parse_document(_as_document(text, source), source, content_hash or file_hash(text.encode("utf-8")))


def parse_mgi_profile(text: str, source: str, content_hash: str) -> Profile:
    return parse_mgi_document(_as_document(text, source), source, content_hash)


def parse_diaspora_mapping(text: str, source: str, content_hash: str) -> Profile:
    return parse_mapping_document(_as_document(text, source), source, content_hash)


def parse_generic_profile(text: str, source: str, content_hash: str) -> Profile:
    return parse_generic_document(_as_document(text, source), source, content_hash)
