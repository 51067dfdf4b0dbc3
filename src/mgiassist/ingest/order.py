"""A document whose parts came out of a PDF in the wrong order, put back in its template's order.

Text extracted from a designed PDF can scramble its parts: a sidebar read after the body, the
title page last, the credits first. The family parsers read parts by their headings but expect
the template's order (an MGI profile's domain definitions before its first "Key findings"; a
mapping's parts up to its closing credits, read as the file's end). When the parts a template
names are out of order they are moved, whole, into it, and the document gets a warning naming
them; blocks that fall before every part and are not the title cannot be placed and are named.
A document already in order is returned unchanged.
"""

from __future__ import annotations

import re
from dataclasses import replace

from mgiassist.ingest.blocks import Block, Document, FootnoteDefinition
from mgiassist.ingest.mapping import MAPPING_PARTS
from mgiassist.ingest.mgi import canonical_domain
from mgiassist.schema import FAMILY_MAPPING, FAMILY_MGI

__all__ = ["restore_order"]

_MAPPING_TITLE = re.compile(r"^\s*Diaspora engagement mapping\b", re.IGNORECASE)
_KEY_FINDINGS = re.compile(r"^\s*key findings\s*:?\s*$", re.IGNORECASE)
_ABOUT = re.compile(r"^\s*About the Migration Governance Indicators\s*$", re.IGNORECASE)


def _short(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _mapping_part(block: Block) -> int | None:
    """The rank of the template part a block's heading opens (as the mapping parser reads it)."""
    key = re.sub(r"^[^\w]+", "", block.text.strip()).strip()
    if isinstance(block, FootnoteDefinition) or len(key.split()) > 8:
        return None
    return next((rank for rank, (_, pattern) in enumerate(MAPPING_PARTS) if pattern.match(key)), None)


def _mapping_order(blocks: list[Block]) -> tuple[list[Block], list[str]]:
    marks: list[tuple[int, int]] = []
    for i, block in enumerate(blocks):
        rank = _mapping_part(block)
        if rank is not None and rank not in {r for _, r in marks}:
            marks.append((i, rank))
    title = next((i for i, b in enumerate(blocks) if _MAPPING_TITLE.match(b.text) and len(b.text.split()) <= 10), None)
    ranks = [r for _, r in marks]
    in_order = ranks == sorted(ranks) and (title is None or not marks or title < marks[0][0])
    if len(marks) < 2 or in_order:
        return blocks, []
    segments = [(rank, blocks[i:j]) for (i, rank), (j, _) in zip(marks, [*marks[1:], (len(blocks), 0)])]
    lead = blocks[: marks[0][0]]
    head = [blocks[title]] if title is not None else []
    segments = [(rank, [b for b in part if not head or b is not head[0]]) for rank, part in segments]
    unplaced = [b for b in lead if not head or b is not head[0]]
    ordered = [b for _, part in sorted(segments, key=lambda s: s[0]) for b in part]
    names = [MAPPING_PARTS[rank][0] if MAPPING_PARTS[rank][0] != "_end" else "closing credits" for rank in ranks]
    return [*head, *unplaced, *ordered], _warnings(names, unplaced)


def _definitions_run(blocks: list[Block], starts: list[int]) -> tuple[int, int] | None:
    """Where the domain definitions sit when they follow a "Key findings" part: from their
    "About the Migration Governance Indicators" heading, or a domain named twice in a row (the
    template prints each domain's name twice over its definitions), to the next "Key findings"."""
    for i, block in enumerate(blocks):
        if i < starts[0] or i - 1 in starts:
            continue
        named_twice = (i + 1 < len(blocks) and canonical_domain(block.text) is not None
                       and canonical_domain(blocks[i + 1].text) == canonical_domain(block.text))
        if _ABOUT.match(block.text) or named_twice:
            end = next((s for s in starts if s > i), len(blocks))
            return i, end
    return None


def _mgi_order(blocks: list[Block]) -> tuple[list[Block], list[str]]:
    starts = [i for i, b in enumerate(blocks) if _KEY_FINDINGS.match(b.text)]
    run = _definitions_run(blocks, starts) if starts else None
    if run is None:
        return blocks, []
    i, end = run
    moved = blocks[i:end]
    return [*moved, *blocks[:i], *blocks[end:]], _warnings(["domain definitions"], [])


def _warnings(names: list[str], unplaced: list[Block]) -> list[str]:
    out = [f"sections out of the template's order, read in its order: {', '.join(names)}"]
    if unplaced:
        shown = "; ".join(f"'{_short(b.text)}'" for b in unplaced[:3] if b.text.strip())
        more = f" and {len(unplaced) - 3} more" if len(unplaced) > 3 else ""
        out.append(f"could not place {len(unplaced)} block(s) before the first section: {shown}{more}")
    return out


def restore_order(document: Document, family: str) -> Document:
    """``document`` with its template's parts in the template's order (and a warning saying
    which were moved and what could not be placed); the same document when nothing moved."""
    if family == FAMILY_MAPPING:
        blocks, warnings = _mapping_order(document.blocks)
    elif family == FAMILY_MGI:
        blocks, warnings = _mgi_order(document.blocks)
    else:
        return document
    if not warnings:
        return document
    return replace(document, blocks=blocks, warnings=[*document.warnings, *warnings])
