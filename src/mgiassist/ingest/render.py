"""Blocks back to Markdown text (what :func:`read_text` returns for a PDF, web page or DOCX): the
text reader reads it into the same blocks."""

from __future__ import annotations

from mgiassist.ingest.blocks import (
    Block,
    Document,
    FootnoteDefinition,
    Heading,
    ListItem,
    Table,
    superscript,
)

__all__ = ["to_markdown"]


def _inline(block: Block) -> str:
    inserts: list[tuple[int, int, str]] = []
    for start, end in block.bold:
        inserts.append((start, 1, "**"))
        inserts.append((end, 0, "**"))
    for at, number in block.markers:
        inserts.append((at, 0, superscript(number)))
    text = block.text
    for at, _, piece in sorted(inserts, key=lambda x: (x[0], x[1]), reverse=True):
        text = text[:at] + piece + text[at:]
    return text


def _render(block: Block) -> str:
    if isinstance(block, Heading):
        return f"{'#' * max(1, min(block.level, 6))} {_inline(block)}"
    if isinstance(block, ListItem):
        return f"{'    ' * block.depth}- {_inline(block)}"
    if isinstance(block, Table):
        return "\n".join("| " + " | ".join(cell.replace("|", "/") for cell in row) + " |" for row in block.rows)
    if isinstance(block, FootnoteDefinition):
        return f"{block.number} {block.text}"
    return _inline(block)


def to_markdown(document: Document) -> str:
    return "\n\n".join(_render(b) for b in document.blocks if b.text.strip() or isinstance(b, Table)) + "\n"
