"""EUDiF diaspora engagement mappings, read from blocks.

The template's parts are found by their headings' wording; each part has its own reader:
facts & figures and political rights (:mod:`.facts`), the dated policy timeline, trends and
obstacles (:mod:`.timeline`), spotlight practices (:mod:`.spotlight`) and the annex of actors
(:mod:`.annex`). Footnote definitions may sit anywhere; markers cite them by number.
"""

from __future__ import annotations

import re

from mgiassist.errors import ProfileError
from mgiassist.ingest.blocks import Block, Document, FootnoteDefinition
from mgiassist.ingest.common import MONTHS, clean, is_title
from mgiassist.ingest.footnotes import FootnoteTable, build_footnotes
from mgiassist.ingest.mapping.annex import annex
from mgiassist.ingest.mapping.facts import facts_and_figures, political_rights
from mgiassist.ingest.mapping.spotlight import spotlight
from mgiassist.ingest.mapping.timeline import labelled_blocks, obstacles, timeline
from mgiassist.schema import FAMILY_MAPPING, Profile, Section
from mgiassist.text.countries import CountryNames, lookup_country

__all__ = ["MAPPING_PARTS", "parse_mapping_document"]

MAPPING_PARTS: list[tuple[str, re.Pattern[str]]] = [
    ("Facts & figures", re.compile(r"^Facts\s*(?:&|and)\s*figures$", re.IGNORECASE)),
    ("Political rights", re.compile(r"^Political rights$", re.IGNORECASE)),
    ("Policy and legislative framework", re.compile(r"^Overview of the policy and legislative framework$", re.IGNORECASE)),
    ("Trends", re.compile(r"^Trends$", re.IGNORECASE)),
    ("Obstacles", re.compile(r"^Obstacles$", re.IGNORECASE)),
    ("Spotlight: effective practices", re.compile(r"^SPOTLIGHT:?\s*effective practices$", re.IGNORECASE)),
    ("Annex: list of actors", re.compile(r"^Annex:?$|^List of Actors$", re.IGNORECASE)),
    ("_end", re.compile(r"^(?:Written by|Author)\s*:", re.IGNORECASE)),
]
_TITLE = re.compile(r"^\s*Diaspora engagement mapping\s*[:\-–]?\s*(.+?)\s*$", re.IGNORECASE | re.MULTILINE)
_SEPARATOR = re.compile(r"\s*[·|•/]\s*|\s+[–—-]\s+")  # "CAMBODIA · EUDiF / IOM", "Cambodia | EUDiF"
_BUILDERS = {
    "Facts & figures": facts_and_figures,
    "Political rights": political_rights,
    "Policy and legislative framework": timeline,
    "Trends": labelled_blocks,
    "Obstacles": obstacles,
    "Spotlight: effective practices": spotlight,
    "Annex: list of actors": annex,
}
_CREDIT = re.compile(
    rf"\b(Written|Edited|Updated)\s+by\s*:\s*(.+?)\s*(?=\b(?:Written|Edited|Updated)\s+by\b|\b(?:Updated:?\s+)?(?:{MONTHS})\s+\d{{4}}|$)",
    re.IGNORECASE,
)
_CREDIT_DATE = re.compile(rf"\b(Updated:?\s+)?({MONTHS})\s+(\d{{4}})\b", re.IGNORECASE)


def _title_country(document: Document) -> tuple[str | None, CountryNames | None]:
    """What the title line names, and its country. Every line of the title's wording is tried in
    reading order, then the running heads', as a running header on page 1 may come before the
    title ("Diaspora engagement mapping CAMBODIA · EUDiF / IOM"); when no whole name is a
    country, the words before such a line's first separator are."""
    names = list(dict.fromkeys(
        clean(m.group(1)) for text in (document.text(), "\n".join(document.running)) for m in _TITLE.finditer(text)))
    if not names:
        return None, None
    for candidate in dict.fromkeys([*names, *(_SEPARATOR.split(name, maxsplit=1)[0] for name in names)]):
        country = lookup_country(candidate)
        if country:
            return names[0], country
    return names[0], None


def _endnotes_headings(blocks: list[Block]) -> list[Block]:
    """Headings over notes gathered at the end ("Notes", "References"): a title of one or two
    words with no marker of its own, directly followed by two or more notes that run on to the end
    of the document or to a part's heading (the credits, when a scrambled file is put back in
    order). They head no text, wherever a scrambled file left them."""
    found = []
    for i, block in enumerate(blocks):
        if (isinstance(block, FootnoteDefinition) or not is_title(block) or block.markers
                or len(block.text.split()) > 2 or _part_of(block) is not None):
            continue
        j = i + 1
        while j < len(blocks) and isinstance(blocks[j], FootnoteDefinition):
            j += 1
        if j - i - 1 >= 2 and (j == len(blocks) or _part_of(blocks[j]) is not None):
            found.append(block)
    return found


def _part_of(block: Block) -> str | None:
    key = re.sub(r"^[^\w]+", "", block.text.strip()).strip()  # "» Trends"
    if len(key.split()) > 8 and not key.lower().startswith(("written", "author")):
        return None
    for name, pattern in MAPPING_PARTS:
        if pattern.match(key):
            return name
    return None


def _split_parts(blocks: list[Block]) -> tuple[dict[str, list[Block]], list[Block]]:
    marks: list[tuple[int, str]] = []
    for i, block in enumerate(blocks):
        name = _part_of(block)
        if name and not any(m[1] == name for m in marks):
            marks.append((i, name))
    parts: dict[str, list[Block]] = {}
    for (start, name), (end, _) in zip(marks, [*marks[1:], (len(blocks), "")]):
        parts[name] = blocks[start + 1 : end]
    end_at = next((i for i, name in marks if name == "_end"), None)
    return parts, (blocks[end_at:] if end_at is not None else [])


def credits(blocks: list[Block]) -> tuple[str | None, str | None, dict[str, str]]:
    """Authors and dates from the closing credits, however the lines were flowed."""
    text = " ".join(b.text for b in blocks)
    authors = {m.group(1).lower(): clean(m.group(2)) for m in _CREDIT.finditer(text)}
    written = updated = None
    for m in _CREDIT_DATE.finditer(text):
        value = f"{m.group(2).capitalize()} {m.group(3)}"
        if m.group(1):
            updated = value
        elif written is None:
            written = value
    return written, updated, authors


def parse_mapping_document(document: Document, source: str, content_hash: str) -> Profile:
    named, country = _title_country(document)
    if named is None:
        raise ProfileError(f"{source}: a diaspora engagement mapping without its title line")
    definitions = [b for b in document.blocks if isinstance(b, FootnoteDefinition)]
    headings = _endnotes_headings(document.blocks)
    body = [b for b in document.blocks
            if not isinstance(b, FootnoteDefinition) and not any(b is h for h in headings)]
    parts, closing = _split_parts(body)
    if len([p for p in parts if p != "_end"]) < 2:
        raise ProfileError(f"{source}: a diaspora engagement mapping whose sections could not be found")
    notes = build_footnotes(definitions)
    table = FootnoteTable(notes)
    written, updated, authors = credits(closing)
    sections: list[Section] = []
    for name, blocks in parts.items():
        builder = _BUILDERS.get(name)
        if builder is not None:
            sections.extend(builder(name, blocks, table))
    if not sections:
        raise ProfileError(f"{source}: a diaspora engagement mapping with no readable section")
    country_name = country.name if country else None
    return Profile(
        source=source,
        family=FAMILY_MAPPING,
        country=country_name,
        country_code=country.alpha_3 if country else None,
        title=f"Diaspora engagement mapping: {country_name or named.title()}",
        date=updated or written,
        content_hash=content_hash,
        sections=sections,
        metadata={
            "written": written,
            "updated": updated,
            "authors": authors,
            "footnotes": [n.to_dict() for n in notes.values()],
            "country_names": country.to_dict() if country else None,
        },
    )
