"""Small helpers the family parsers share: display text, dates, title-like blocks, countries."""

from __future__ import annotations

import re

from mgiassist.ingest.blocks import Block, Heading, ListItem, Paragraph
from mgiassist.text.countries import CountryNames, lookup_country

__all__ = [
    "MONTHS",
    "block_text",
    "clean",
    "date_in",
    "is_title",
    "origin_of",
    "resolve_country",
]

MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_YEAR_MONTH = re.compile(rf"^\s*(\d{{4}})\s+({MONTHS})\s*$", re.IGNORECASE)
_MONTH_YEAR = re.compile(rf"^\s*(?:Updated:?\s+)?({MONTHS})\s+(\d{{4}})\s*$", re.IGNORECASE)


def clean(text: str) -> str:
    """Display form of a passage: whitespace folded, line breaks kept."""
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    return text.strip()


def block_text(block: Block) -> str:
    """A block's display text, footnote markers as superscripts."""
    return clean(block.marked_text())


def date_in(text: str) -> str | None:
    """"February 2021" when the whole text is a date ("2021 February", "Updated: May 2022")."""
    m = _YEAR_MONTH.match(text)
    if m:
        return f"{m.group(2).capitalize()} {m.group(1)}"
    m = _MONTH_YEAR.match(text)
    if m:
        return f"{m.group(1).capitalize()} {m.group(2)}"
    return None


def is_title(block: Block, max_words: int = 16) -> bool:
    """A heading, or a short paragraph without sentence punctuation that reads like one (a
    rendering may set a title in body type)."""
    if isinstance(block, Heading):
        return True
    if not isinstance(block, Paragraph) or "\n" in block.text.strip():
        return False
    flat = block.text.strip()
    return 0 < len(flat.split()) <= max_words and not flat.endswith((".", ":", ";", ","))


def origin_of(block: Block | None) -> dict | None:
    """A block's origin as the plain record a Section keeps."""
    if block is None:
        return None
    return {"page": block.origin.page, "offset": block.origin.offset}


def is_item(block: Block) -> bool:
    return isinstance(block, ListItem)


def resolve_country(*candidates: str | None) -> CountryNames | None:
    for candidate in candidates:
        if candidate:
            found = lookup_country(candidate)
            if found:
                return found
    return None
