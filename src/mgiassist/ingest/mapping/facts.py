"""Facts & figures (the destinations table, emigration and remittance figures) and political
rights (one section per right, carrying its footnote)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from mgiassist.ingest.blocks import Block, Table
from mgiassist.ingest.common import block_text, clean, is_title, origin_of
from mgiassist.ingest.footnotes import FootnoteTable, with_note_prose
from mgiassist.ingest.mapping.labelled import labelled_block
from mgiassist.schema import Section

__all__ = ["facts_and_figures", "political_rights"]


def facts_and_figures(part: str, blocks: list[Block], table: FootnoteTable) -> Iterator[Section]:
    rest: list[Block] = []
    for i, block in enumerate(blocks):
        if not isinstance(block, Table) or not block.rows:
            rest.append(block)
            continue
        heading = rest.pop() if rest and is_title(rest[-1]) else None
        name = clean(heading.text) if heading is not None else "Table"
        yield Section(
            heading_path=(part, name),
            text=name + "\n" + "\n".join("\t".join(row) for row in block.rows),
            kind="table",
            footnotes=table.cite(heading, block),
            attributes={"rows": [list(row) for row in block.rows]},
            origin=origin_of(heading or block),
        )
    yield from _figures(part, rest, table)


def _figures(part: str, blocks: list[Block], table: FootnoteTable) -> Iterator[Section]:
    groups: dict[str, list[Block]] = {}
    name = "Emigration"
    for block in blocks:
        text = block.text.strip()
        if re.fullmatch(r"Emigration", text, re.IGNORECASE):
            name = "Emigration"
            continue
        if re.match(r"^Remittances\b", text, re.IGNORECASE) and "Remittances" not in groups:
            name = "Remittances"
        elif re.match(r"^%\s*of which\b", text, re.IGNORECASE):
            # "% of which in the EU" qualifies the emigrants, though the layout prints it last
            name = "Emigration"
        groups.setdefault(name, []).append(block)
    for name, group in groups.items():
        text = "\n".join(block_text(b) for b in group)
        yield Section(
            heading_path=(part, name),
            text=clean(f"{name}\n{text}" if not text.lower().startswith(name.lower()) else text),
            kind="figures",
            footnotes=table.cite(*group),
            origin=origin_of(group[0]),
        )


def political_rights(part: str, blocks: list[Block], table: FootnoteTable) -> Iterator[Section]:
    """One section per right ("Voting from abroad³"): the yes/no is an icon the text does not
    keep, so the footnote's prose and sources are the substance."""
    for block in blocks:
        flat = " ".join(block.text.split())
        if is_title(block, max_words=14) and ":" not in flat:
            notes = table.cite(block)
            yield Section(
                heading_path=(part, flat),
                text=with_note_prose(" ".join(block_text(block).split()), notes),
                kind="right",
                footnotes=notes,
                attributes={"right": flat},
                origin=origin_of(block),
            )
            continue
        yield from labelled_block(part, block, table)
