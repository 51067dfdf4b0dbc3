"""The dated policy timeline, trends and obstacles."""

from __future__ import annotations

import re
from collections.abc import Iterator

from mgiassist.ingest.blocks import Block, ListItem, Table
from mgiassist.ingest.common import block_text, clean, is_title, origin_of
from mgiassist.ingest.footnotes import FootnoteTable, with_note_prose
from mgiassist.ingest.mapping.labelled import label_of, labelled_block
from mgiassist.schema import Section

__all__ = ["labelled_blocks", "obstacles", "timeline"]

_YEARS = re.compile(r"^\s*((?:19|20)\d{2})\s*(?:(?:[-–—]|to)\s*((?:19|20)\d{2})\b)?\s*[:.,–-]?\s*")


def labelled_blocks(part: str, blocks: list[Block], table: FootnoteTable) -> Iterator[Section]:
    for block in blocks:
        if not isinstance(block, Table):
            yield from labelled_block(part, block, table)


def _entries(blocks: list[Block]) -> list[list[Block]]:
    """Timeline entries open with a year (or a range), alone or before the title; blocks after
    one continue it."""
    entries: list[list[Block]] = []
    for block in blocks:
        if _YEARS.match(block.text) and not isinstance(block, Table):
            entries.append([block])
        elif entries and not (is_title(block) and len(entries[-1]) > 1):
            entries[-1].append(block)
    return [e for e in entries if len(e) > 1 or _YEARS.match(e[0].text).end() < len(e[0].text)]


def _title(entry: list[Block], years_end: int) -> str:
    """The emphasised title after the years; else the words up to the first colon, full stop or
    footnote marker, whichever comes first (a rendering that lost the emphasis keeps the marker
    that closed it: "Prakas 012/2007⁵ created a taskforce…")."""
    first = entry[0]
    rest = first.text[years_end:].strip()
    block, start = (first, years_end) if rest else ((entry[1], 0) if len(entry) > 1 else (first, years_end))
    if block.lead():
        return block.lead()
    start += len(block.text[start:]) - len(block.text[start:].lstrip())
    body = block.text[start:].rstrip()
    marked = [at - start for at, _ in block.markers if at > start]
    if marked:
        body = body[: min(marked)]
    return re.split(r"(?<=\w)[.:](?:\s|$)", body, maxsplit=1)[0]


def timeline(part: str, blocks: list[Block], table: FootnoteTable) -> Iterator[Section]:
    for entry in _entries(blocks):
        m = _YEARS.match(entry[0].text)
        start, end = m.group(1), m.group(2)
        years = f"{start}–{end}" if end else start
        marked = " ".join(" ".join(block_text(b).split()) for b in entry)
        body = _YEARS.sub("", marked, count=1)
        title = clean(_title(entry, m.end())).strip(" :")
        notes = table.cite(*entry)
        yield Section(
            heading_path=(part, f"{years} · {title}"),
            text=with_note_prose(f"{years}: {body}", notes),
            kind="timeline",
            footnotes=notes,
            attributes={"years": years, "title": title},
            origin=origin_of(entry[0]),
        )


def obstacles(part: str, blocks: list[Block], table: FootnoteTable) -> Iterator[Section]:
    """Each listed obstacle (an item, or a labelled paragraph when the list lost its bullets)."""
    items: list[list[Block]] = []
    listed = any(isinstance(b, ListItem) for b in blocks)
    for block in blocks:
        opens = isinstance(block, ListItem) if listed else label_of(block) is not None
        if opens:
            items.append([block])
        elif items and not is_title(block):
            items[-1].append(block)
    if not items:
        yield from labelled_blocks(part, blocks, table)
        return
    for item in items:
        yield from labelled_block(part, item, table, kind="obstacle")
