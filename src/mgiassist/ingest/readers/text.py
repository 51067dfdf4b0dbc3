"""Plain text and Markdown into blocks.

The conventions of text renderings: ``#`` headings, bulleted lines (``-``, ``*``, ``•`` …) as list
items whose wrapped lines continue them, tab- or pipe-separated rows as a table, ``N url`` lines
as footnote definitions, blank lines between paragraphs, a run of short title lines as headings,
Unicode superscripts as footnote markers and ``**…**`` as emphasis.
"""

from __future__ import annotations

import re

from mgiassist.ingest.blocks import (
    SUPERSCRIPTS,
    Block,
    Document,
    FootnoteDefinition,
    Heading,
    ListItem,
    Origin,
    Paragraph,
    Table,
)
from mgiassist.ingest.footnotes import parse_definition
from mgiassist.ingest.readers.inline import parse_inline
from mgiassist.ingest.readers.text_pages import Line, unflatten

__all__ = ["is_title_line", "read_text_document", "text_blocks"]

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
# a glyph the PDF's font does not map comes out of pdfminer as "(cid:127)"
_BULLET = re.compile(r"^(\s*)(?:[•●▪◦‣∙·*\uf0a7\uf0b7\uf076\uf0d8]|-(?!-)|\(cid:\d+\))\s+(?=\S)")
_TAB_ROW = re.compile(r"^[^\t]+(\t+[^\t]*)+$")
_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_PIPE_RULE = re.compile(r"^\s*\|?[\s:|-]+\|?\s*$")
# icons a text dump keeps from a designed page: a dot between a year and its title, a down
# arrow between the two years of a range
_YEAR_RANGE_ICON = re.compile(r"((?:19|20)\d{2})(\**)\s*[∨↓→⟶]\s*(\**)\s*((?:19|20)\d{2})")
_SEPARATOR_ICON = re.compile(r"(?<=\S)\s+[●◆■▶►]\s+(?=\S)")


def is_title_line(line: str) -> bool:
    """A short line without sentence punctuation that opens with a capital or digit."""
    flat = re.sub(rf"[{SUPERSCRIPTS}*]", "", line).strip()
    if not flat or not flat[0].isalnum() or (flat[0].isalpha() and not flat[0].isupper()):
        return False
    if len(flat.split()) > 12 or flat.endswith((".", ";", ",", "!", "?")):
        return False
    return not re.search(r":\s+\S", flat)


def _normalise_icons(line: str) -> str:
    line = _YEAR_RANGE_ICON.sub(r"\1\2 – \3\4", line)
    return _SEPARATOR_ICON.sub(" ", line)


def _cells(line: str) -> list[str]:
    if "\t" in line:
        return [c.strip() for c in re.split(r"\t+", line.strip())]
    return [c.strip() for c in line.strip().strip("|").split("|")]


class _Builder:
    """Collects lines into blocks; each block remembers the offset of its first line."""

    def __init__(self, markdown: bool) -> None:
        self.markdown = markdown
        self.blocks: list[Block] = []
        self.lines: list[tuple[int, str]] = []
        self.item: tuple[int, int, list[str]] | None = None  # offset, depth, lines
        self.rows: tuple[int, list[list[str]]] | None = None

    def flush(self) -> None:
        if self.item is not None:
            offset, depth, lines = self.item
            text, bold, markers = parse_inline(_normalise_icons(" ".join(s.strip() for s in lines)))
            self.blocks.append(ListItem(text, markers, bold, Origin(offset=offset), depth=depth))
            self.item = None
        if self.rows is not None:
            offset, rows = self.rows
            cells = [[parse_inline(c)[0] for c in row] for row in rows]
            text = "\n".join("\t".join(row) for row in cells)
            self.blocks.append(Table(text, origin=Origin(offset=offset), rows=cells))
            self.rows = None
        if self.lines:
            self._flush_paragraph()

    def _flush_paragraph(self) -> None:
        lines, self.lines = self.lines, []
        if not self.markdown and all(is_title_line(line) for _, line in lines):
            for offset, line in lines:  # a run of title lines: each one a heading
                text, bold, markers = parse_inline(line)
                self.blocks.append(Heading(text, markers, bold, Origin(offset=offset), level=1))
            return
        # icons on the whole paragraph: "2014 ∨" and "2018 ●" may be wrapped onto two lines
        raw = _normalise_icons("\n".join(line.strip() for _, line in lines))
        text, bold, markers = _parse_multiline(raw)
        self.blocks.append(Paragraph(text, markers, bold, Origin(offset=lines[0][0])))

    def add(self, offset: int, line: str, note: int | None = None) -> None:
        stripped = line.strip()
        if not stripped:
            self.flush()
            return
        heading = _MD_HEADING.match(line)
        if heading:
            self.flush()
            text, bold, markers = parse_inline(heading.group(2))
            self.blocks.append(Heading(text, markers, bold, Origin(offset=offset), level=len(heading.group(1))))
            return
        if _TAB_ROW.match(stripped) or (_PIPE_ROW.match(line) and line.count("|") >= 3):
            if _PIPE_RULE.match(line) and "-" in line:
                return
            if self.rows is None:
                self.flush()
                self.rows = (offset, [])
            self.rows[1].append(_cells(line))
            return
        if self.rows is not None:
            self.flush()
        definition = parse_definition(stripped)
        if definition is None and note is not None:  # a prose note its markers cite (text_pages)
            definition = (note, re.sub(r"^\s*\d+[.)]?\s+", "", stripped))
        if definition is not None:
            self.flush()
            number, body = definition
            text, bold, markers = parse_inline(body)
            self.blocks.append(FootnoteDefinition(text, (), bold, Origin(offset=offset), number=number))
            return
        bullet = _BULLET.match(line)
        if bullet:
            self.flush()
            depth = len(bullet.group(1).expandtabs(4)) // 4
            self.item = (offset, depth, [line[bullet.end() :]])
            return
        # a wrapped item line continues it; an unindented title line after a list opens a new part
        if self.item is not None and (line[:1].isspace() or not is_title_line(line)):
            self.item[2].append(line)
            return
        if self.item is not None:
            self.flush()
        self.lines.append((offset, line))


def _parse_multiline(raw: str):
    """Inline markup across the lines of a paragraph, keeping its line breaks."""
    texts, bolds, markers, base = [], [], [], 0
    for line in raw.split("\n"):
        text, bold, marks = parse_inline(line)
        texts.append(text)
        bolds.extend((s + base, e + base) for s, e in bold)
        markers.extend((at + base, n) for at, n in marks)
        base += len(text) + 1
    return "\n".join(texts), tuple(bolds), tuple(markers)


def _read(text: str, flattened: bool = True) -> tuple[list[Block], list[str]]:
    """Blocks and the running lines left out. Plain text may have been extracted from a PDF
    (:mod:`.text_pages`); Markdown is written by hand, its line breaks its author's."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    if flattened:
        lines, running = unflatten(text)
    else:
        lines, running = [Line(o, t) for o, t in _offsets(text.split("\n"))], []
    builder = _Builder(markdown=any(_MD_HEADING.match(line.text) for line in lines))
    for line in lines:
        builder.add(line.offset, line.text, line.note)
    builder.flush()
    return builder.blocks, running


def _offsets(lines: list[str]) -> list[tuple[int, str]]:
    out, offset = [], 0
    for line in lines:
        out.append((offset, line))
        offset += len(line) + 1
    return out


def text_blocks(text: str) -> list[Block]:
    return _read(text)[0]


def read_text_document(text: str, source: str, fmt: str = "text") -> Document:
    blocks, running = _read(text, flattened=fmt != "markdown")
    return Document(source=source, format=fmt, blocks=blocks, running=running)
