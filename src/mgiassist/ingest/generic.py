"""Any other profile: sections under the document's own headings, paragraphs grouped."""

from __future__ import annotations

import re
from pathlib import Path

from mgiassist.errors import ProfileError
from mgiassist.ingest.blocks import Block, Document, FootnoteDefinition, Heading, Paragraph, Table
from mgiassist.ingest.common import block_text, clean, is_title, origin_of
from mgiassist.ingest.footnotes import FootnoteTable, build_footnotes
from mgiassist.schema import FAMILY_OTHER, Profile, Section
from mgiassist.text.countries import CountryNames, lookup_country

__all__ = ["guess_country", "parse_generic_document"]

_GROUP_CHARS = 600


def _reads_as_heading(blocks: list[Block], i: int, any_headings: bool) -> int | None:
    """The level of block ``i`` when it is a heading; in a rendering with no heading markup at
    all, a short capitalised line followed by a sentence counts as one."""
    block = blocks[i]
    if isinstance(block, Heading):
        return block.level
    if any_headings or not isinstance(block, Paragraph) or not is_title(block, max_words=10):
        return None
    following = blocks[i + 1] if i + 1 < len(blocks) else None
    if block.text[:1].isupper() and following is not None and following.text.rstrip().endswith((".", "!", "?")):
        return 1
    return None


def parse_generic_document(document: Document, source: str, content_hash: str) -> Profile:
    blocks = [b for b in document.blocks if not isinstance(b, FootnoteDefinition)]
    table = FootnoteTable(build_footnotes(b for b in document.blocks if isinstance(b, FootnoteDefinition)))
    any_headings = any(isinstance(b, Heading) for b in blocks)
    path: list[tuple[int, str]] = []
    sections: list[Section] = []
    title: str | None = None
    for i, block in enumerate(blocks):
        level = _reads_as_heading(blocks, i, any_headings)
        if level is not None:
            heading = clean(block.text)
            title = title or heading
            path = [(lv, h) for lv, h in path if lv < level] + [(level, heading)]
            continue
        text = block_text(block)
        if not text:
            continue
        heading_path = tuple(h for _, h in path) or ("Text",)
        notes = table.cite(block)
        last = sections[-1] if sections else None
        if last is not None and last.heading_path == heading_path and len(last.text) < _GROUP_CHARS \
                and not isinstance(block, Table) and last.kind == "paragraph":
            last.text += "\n\n" + text  # a paragraph group
            last.footnotes = tuple(dict.fromkeys((*last.footnotes, *notes)))
            continue
        if isinstance(block, Table):
            sections.append(Section(heading_path=heading_path, text=text, kind="table", footnotes=notes,
                                    attributes={"rows": block.rows}, origin=origin_of(block)))
        else:
            sections.append(Section(heading_path=heading_path, text=text, kind="paragraph", footnotes=notes,
                                    origin=origin_of(block)))
    if not sections:
        raise ProfileError(f"{source}: no paragraph of text could be read")
    country = guess_country(document.text())
    return Profile(
        source=source,
        family=FAMILY_OTHER,
        country=country.name if country else None,
        country_code=country.alpha_3 if country else None,
        title=title or Path(source).stem,
        date=None,
        content_hash=content_hash,
        sections=sections,
        metadata={"country_names": country.to_dict() if country else None},
    )


def guess_country(text: str) -> CountryNames | None:
    """The country a free-form profile is about: the most named one in its opening."""
    import pycountry

    head = text[:5000]
    counts: dict[str, int] = {}
    for record in pycountry.countries:
        name = getattr(record, "common_name", None) or record.name
        hits = len(re.findall(rf"(?<!\w){re.escape(name)}(?!\w)", head))
        if hits:
            counts[name] = hits
    if not counts:
        return None
    return lookup_country(max(counts, key=counts.__getitem__))
