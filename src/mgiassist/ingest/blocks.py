"""The document model between reading a file and parsing a family: a list of typed blocks.

Every reader (PDF, web page, DOCX, Markdown, text) produces the same blocks, so the family
parsers recognise a template by wording and structure, never by one rendering's glyphs. Footnote
markers are not kept in a block's text: they sit beside it as ``(offset, number)`` pairs, so a
marker set as a raised digit, a ``<sup>``, a Word footnote reference or a Unicode superscript all
read the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, ClassVar

__all__ = [
    "SUPERSCRIPTS",
    "Block",
    "Document",
    "FootnoteDefinition",
    "Heading",
    "ListItem",
    "Origin",
    "Paragraph",
    "Table",
    "superscript",
]

SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"


def superscript(number: int) -> str:
    return "".join(SUPERSCRIPTS[int(d)] for d in str(number))


@dataclass(frozen=True)
class Origin:
    """Where a block came from: the page (PDFs; 1-based) and a character offset or block number."""

    page: int | None = None
    offset: int = 0


@dataclass
class Block:
    text: str
    markers: tuple[tuple[int, int], ...] = ()  # (offset in text the marker follows, note number)
    bold: tuple[tuple[int, int], ...] = ()  # emphasised spans (start, end) of text
    origin: Origin = field(default_factory=Origin)
    kind: ClassVar[str] = "block"

    @property
    def numbers(self) -> tuple[int, ...]:
        """The footnote numbers cited, in order, once each."""
        return tuple(dict.fromkeys(n for _, n in self.markers))

    def marked_text(self) -> str:
        """The text with its markers as Unicode superscripts (the display form of a citation)."""
        if not self.markers:
            return self.text
        out, last = [], 0
        for at, number in sorted(self.markers):
            out.append(self.text[last:at])
            out.append(superscript(number))
            last = at
        out.append(self.text[last:])
        return "".join(out)

    def lead(self) -> str | None:
        """The emphasised words the block opens with ("**Lack of resources:** …"), if any."""
        for start, end in self.bold:
            if not self.text[:start].strip(" \t-–—•:"):
                return self.text[start:end].strip()
            # a leading year or other short prefix may come before the emphasis
            if len(self.text[:start].split()) <= 3 and re.fullmatch(r"[\d\s–-]*", self.text[:start]):
                return self.text[start:end].strip()
        return None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"type": self.kind, "text": self.text}
        if self.markers:
            data["markers"] = [list(m) for m in self.markers]
        if self.origin.page is not None:
            data["page"] = self.origin.page
        data["offset"] = self.origin.offset
        return data


@dataclass
class Heading(Block):
    level: int = 1
    kind: ClassVar[str] = "heading"

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "level": self.level}


@dataclass
class Paragraph(Block):
    kind: ClassVar[str] = "paragraph"


@dataclass
class ListItem(Block):
    depth: int = 0
    kind: ClassVar[str] = "list_item"

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "depth": self.depth}


@dataclass
class Table(Block):
    rows: list[list[str]] = field(default_factory=list)
    kind: ClassVar[str] = "table"

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "rows": self.rows}


@dataclass
class FootnoteDefinition(Block):
    number: int = 0
    kind: ClassVar[str] = "footnote"

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "number": self.number}


@dataclass
class Document:
    """A file read into blocks, plus what the reader noticed on the way (one line each)."""

    source: str
    format: str
    blocks: list[Block] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    running: list[str] = field(default_factory=list)  # running headers/footers left out, once each

    def text(self) -> str:
        """All block text, for family detection and country guessing."""
        return "\n".join(b.text for b in self.blocks)
