"""Facts & figures (the destinations table, emigration and remittance figures) and political
rights (one section per right, carrying its footnote)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from mgiassist.ingest.blocks import Block, Paragraph, Table
from mgiassist.ingest.common import block_text, clean, is_title, origin_of
from mgiassist.ingest.footnotes import FootnoteTable, with_note_prose
from mgiassist.ingest.mapping.labelled import labelled_block
from mgiassist.ingest.mapping.values import split_value, value_of
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
    """One section per right ("Voting from abroad³"). Its yes/no is an icon: where the rendering
    shows it (a word, a glyph, the icon's alt text: :mod:`.values`), it is the right's value;
    where it does not (the text seeds), the footnote's prose and sources are the substance."""
    skip = False
    for block, after in zip(blocks, [*blocks[1:], None]):
        if skip:  # the value set on a line of its own, taken by the right above
            skip = False
            continue
        rows = _table_rights(block) if isinstance(block, Table) else None
        if rows:
            yield from (_right_section(part, Paragraph(name, origin=block.origin), value, table)
                        for name, value in rows)
            continue
        label, value = _right(block)
        if label is None:
            yield from labelled_block(part, block, table)
            continue
        if value is None and after is not None and _alone(after):
            value, skip = _alone(after), True
        yield _right_section(part, label, value, table)


def _table_rights(block: Table) -> list[tuple[str, str]] | None:
    """Rights set as a table of names and yes/no cells ("Dual citizenship | ✓"), a header row
    ("Right | Status") before them; None when the table is something else."""
    rights: list[tuple[str, str]] = []
    for row in block.rows:
        cells = [c.strip() for c in row if c.strip()]
        values = [value_of(c) for c in cells]
        names = [c for c, v in zip(cells, values) if v is None]
        if len(cells) == 2 and len(names) == 1 and _is_label(Paragraph(names[0])):
            rights.append((names[0], next(v for v in values if v)))
        elif rights or len(cells) > 2 or any(values):  # only the first row may be a header
            return None
    return rights or None


def _right(block: Block) -> tuple[Block | None, str | None]:
    """The right a block names and the value it shows, if any."""
    valued = split_value(block)
    if valued is not None and _is_label(valued[0]):
        return valued
    flat = " ".join(block.text.split())
    if is_title(block, max_words=14) and ":" not in flat:
        return block, None
    return None, None


def _is_label(block: Block) -> bool:
    """A right's name: a few words without sentence punctuation, in any block type (a rendering
    may list the rights)."""
    flat = " ".join(block.text.split())
    return 0 < len(flat.split()) <= 14 and not flat.endswith((".", ":", ";", ",")) and ":" not in flat


def _alone(block: Block) -> str | None:
    """The value of a block that holds nothing else ("Yes", "✓")."""
    words = block.text.split()
    return value_of(words[0]) if len(words) == 1 and not isinstance(block, Table) else None


def _right_section(part: str, block: Block, value: str | None, table: FootnoteTable) -> Section:
    flat = " ".join(block.text.split())
    notes = table.cite(block)
    text = " ".join(block_text(block).split())
    attributes = {"right": flat}
    if value is not None:
        # one display form whatever the rendering showed (word, glyph or icon), so every
        # rendering of a profile gives the same passage
        text = f"{text}: {value.capitalize()}"
        attributes["value"] = value
    return Section(
        heading_path=(part, flat),
        text=with_note_prose(text, notes),
        kind="right",
        footnotes=notes,
        attributes=attributes,
        origin=origin_of(block),
    )
