"""A paragraph that may open with a label ("Citizen rights: …"), which becomes its heading."""

from __future__ import annotations

import re
from collections.abc import Iterator

from mgiassist.ingest.blocks import Block
from mgiassist.ingest.common import block_text, clean, origin_of
from mgiassist.ingest.footnotes import FootnoteTable, with_note_prose
from mgiassist.schema import Section

__all__ = ["label_of", "labelled_block"]

_LABELLED = re.compile(r"^\s*([A-Z][^:\n]{2,60}?):\s+(.+)$", re.DOTALL)


def label_of(block: Block) -> str | None:
    """The label a block opens with: its emphasised lead ending in a colon, or "Words: …"."""
    lead = block.lead()
    if lead and lead.endswith(":") and len(lead.split()) <= 6:
        return clean(lead.rstrip(":"))
    m = _LABELLED.match(" ".join(block.text.split()))
    if m and len(m.group(1).split()) <= 6:
        return clean(m.group(1))
    return None


def labelled_block(
    part: str, block: Block | list[Block], table: FootnoteTable, kind: str = "paragraph"
) -> Iterator[Section]:
    blocks = block if isinstance(block, list) else [block]
    if not blocks:
        return
    text = " ".join(" ".join(block_text(b).split()) for b in blocks).strip()
    if not text:
        return
    label = label_of(blocks[0])
    notes = table.cite(*blocks)
    path = (part, label) if label else (part,)
    yield Section(heading_path=path, text=with_note_prose(text, notes), kind=kind, footnotes=notes,
                  origin=origin_of(blocks[0]))
