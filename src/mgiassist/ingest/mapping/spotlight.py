"""Spotlight practices: a title (often ending in a year), a line of theme tags in capitals, then
the description."""

from __future__ import annotations

import re
from collections.abc import Iterator

from mgiassist.ingest.blocks import Block, ListItem, Table
from mgiassist.ingest.common import block_text, clean, is_title, origin_of
from mgiassist.ingest.footnotes import FootnoteTable, with_note_prose
from mgiassist.ingest.mapping.labelled import labelled_block
from mgiassist.schema import Section

__all__ = ["spotlight", "title_and_year"]

_TAGS = re.compile(r"^[A-Z][A-Z &/+,'-]*[A-Z]$")
_TRAILING_YEAR = re.compile(r"\s*((?:19|20)\d{2}(?:\s*[-–]\s*(?:19|20)\d{2})?)\s*$")


def title_and_year(text: str) -> tuple[str, str | None]:
    line = " ".join(text.split())
    m = _TRAILING_YEAR.search(line)
    if not m:
        return line.strip(), None
    return line[: m.start()].strip(" ,–-"), re.sub(r"\s*[-–]\s*", "–", m.group(1))


def _is_tags(block: Block | None) -> bool:
    return block is not None and not isinstance(block, (ListItem, Table)) and bool(_TAGS.match(block.text.strip()))


def _opens_practice(blocks: list[Block], i: int) -> bool:
    return is_title(blocks[i]) and not _is_tags(blocks[i]) and i + 1 < len(blocks) and _is_tags(blocks[i + 1])


def spotlight(part: str, blocks: list[Block], table: FootnoteTable) -> Iterator[Section]:
    i = 0
    while i < len(blocks):
        if not _opens_practice(blocks, i):
            if not is_title(blocks[i]):
                yield from labelled_block(part, blocks[i], table)
            i += 1
            continue
        title_block, tags = blocks[i], blocks[i + 1]
        themes = [t.strip() for t in re.split(r"[+,/&]", tags.text) if t.strip()]
        i += 2
        body: list[Block] = []
        while i < len(blocks) and not _opens_practice(blocks, i):
            body.append(blocks[i])
            i += 1
        title, year = title_and_year(title_block.text)
        notes = table.cite(title_block, *body)
        text = clean(" ".join(" ".join(block_text(b).split()) for b in body))
        heading = f"{title} ({year})" if year else title
        lead = f"{heading}. {' + '.join(themes)}." if themes else f"{heading}."
        yield Section(
            heading_path=(part, heading),
            text=with_note_prose(f"{lead} {text}", notes),
            kind="practice",
            footnotes=notes,
            attributes={"title": title, "year": year, "themes": themes},
            origin=origin_of(title_block),
        )
