"""The dated policy timeline, trends and obstacles."""

from __future__ import annotations

import re
from collections.abc import Iterator

from mgiassist.ingest.blocks import Block, ListItem, Table
from mgiassist.ingest.common import block_text, clean, is_title
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
    """Timeline entries open with a year (or a range); blocks after one continue it."""
    entries: list[list[Block]] = []
    for block in blocks:
        m = _YEARS.match(block.text)
        if m and m.end() < len(block.text):
            entries.append([block])
        elif entries and not is_title(block):
            entries[-1].append(block)
    return entries


def timeline(part: str, blocks: list[Block], table: FootnoteTable) -> Iterator[Section]:
    for entry in _entries(blocks):
        first = entry[0]
        m = _YEARS.match(first.text)
        start, end = m.group(1), m.group(2)
        years = f"{start}–{end}" if end else start
        marked = " ".join(" ".join(block_text(b).split()) for b in entry)
        body = _YEARS.sub("", marked, count=1)
        lead = first.lead()
        title = lead if lead else re.split(r"(?<=\w)[.:](?:\s|$)", first.text[m.end():], maxsplit=1)[0]
        title = clean(title).strip(" :")
        notes = table.cite(*entry)
        yield Section(
            heading_path=(part, f"{years} · {title}"),
            text=with_note_prose(f"{years}: {body}", notes),
            kind="timeline",
            footnotes=notes,
            attributes={"years": years, "title": title},
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
