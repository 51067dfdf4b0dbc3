"""Markdown: ``#`` headings, ``-``/``*`` lists, pipe tables, ``**emphasis**`` (the text reader's
conventions, with headings taken only from ``#`` lines)."""

from __future__ import annotations

from mgiassist.ingest.blocks import Document
from mgiassist.ingest.readers.text import read_text_document

__all__ = ["read_markdown"]


def read_markdown(text: str, source: str) -> Document:
    return read_text_document(text, source, "markdown")
