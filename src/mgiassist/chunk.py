"""Turn profile sections into chunks that fit the embedding model.

One section gives one chunk unless it is longer than the model reads: MiniLM embeds at most 256
word pieces and silently ignores the rest, so oversized sections are split with
langchain-text-splitters, measuring length with the model's own tokenizer. A chunk never spans two
sections. The embedded (and BM25-indexed) text is prefixed with country, family and heading path
so that a bare finding like "There is no national training system…" can still be found by its
domain; the displayed text is the passage alone.

The embedded text also reads symbols as words ("♂ 53.6%" → "male (men) 53.6 percent") and
glosses the acronyms the profile defines ("MOLVT = Ministry of Labour and Vocational Training"),
so passages that use only one of the two forms are found by either. Each row of a table becomes a
chunk of its own, rendered for search as "France: 69,748 (Top countries of destination)", so a
question about one row meets that row rather than a list of numbers.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

from mgiassist.schema import FAMILY_LABELS, Chunk, Profile, Section
from mgiassist.text.acronyms import AcronymTable
from mgiassist.text.symbols import spell_symbols

__all__ = [
    "ABOUT_HEADING",
    "CHUNKER_VERSION",
    "KIND_ABOUT",
    "KIND_TABLE_ROW",
    "about_section",
    "chunk_id",
    "chunk_profile",
    "embed_prefix",
    "render_row",
    "render_table",
    "split_to_budget",
    "table_rows",
]

# Bumped whenever parsing, chunk boundaries or embedded text change, so old indexes are rebuilt.
CHUNKER_VERSION = 5
KIND_TABLE_ROW = "table-row"
KIND_ABOUT = "about"
ABOUT_HEADING = "Publication details"

# [CLS] and [SEP] take two of the model's positions.
_SPECIAL_TOKENS = 2
_SEPARATORS = ["\n\n", "\n", ". ", "; ", ", ", " ", ""]

TokenCounter = Callable[[str], int]


def embed_prefix(country: str | None, family: str, heading_path: tuple[str, ...]) -> str:
    parts = [country or "", FAMILY_LABELS.get(family, family), " › ".join(heading_path)]
    return " · ".join(p for p in parts if p)


def chunk_id(source: str, heading_path: tuple[str, ...], text: str) -> str:
    digest = hashlib.sha256("\x1f".join([source, *heading_path, text]).encode("utf-8"))
    return digest.hexdigest()[:16]


def split_to_budget(
    text: str, *, count_tokens: TokenCounter, budget: int, overlap: int = 24
) -> list[str]:
    """Split ``text`` into pieces of at most ``budget`` tokens, preferring paragraph and
    sentence boundaries; a text already within budget comes back whole."""
    if budget < 8:
        raise ValueError(f"token budget {budget} is too small to hold a passage")
    if count_tokens(text) <= budget:
        return [text]
    # Imported here: langchain costs ~0.3 s at start-up and only index builds split text.
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(
        chunk_size=budget,
        chunk_overlap=min(overlap, budget // 4),
        length_function=count_tokens,
        separators=_SEPARATORS,
        keep_separator="end",
        strip_whitespace=True,
    )
    pieces: list[str] = []
    for piece in splitter.split_text(text):
        # A single "word" longer than the budget (a long URL) survives the splitter; cut it by
        # characters until it fits rather than let the model truncate it silently.
        while count_tokens(piece) > budget:
            cut = max(1, len(piece) * budget // max(count_tokens(piece), 1) - 1)
            pieces.append(piece[:cut])
            piece = piece[cut:]
        if piece.strip():
            pieces.append(piece)
    return pieces


def glossary(text: str, acronyms: AcronymTable) -> str:
    """"MOLVT = Ministry of Labour and Vocational Training" for each acronym ``text`` uses or spells out."""
    entries: dict[str, str] = {}
    lowered = text.lower()
    for acronym, long_form in acronyms.defined_in(text):
        spelled_out = long_form.lower() in lowered
        abbreviated = re.search(rf"(?<!\w){re.escape(acronym)}(?!\w)", text, re.IGNORECASE) is not None
        # only a passage that uses one form without the other needs the gloss
        if spelled_out != abbreviated:
            entries.setdefault(long_form.lower(), f"{acronym} = {long_form}")
    return "; ".join(entries.values())


def _cells(row: object) -> list[str]:
    if isinstance(row, (list, tuple)):
        return [" ".join(str(cell).split()) for cell in row if cell is not None]
    return [" ".join(str(row).split())]


def render_row(cells: list[str], caption: str, headers: list[str] | None = None) -> str:
    """One table row as a sentence for search: "France: 69,748 emigrants (Top countries of destination)".

    The first cell names the row; each other cell is followed by its column header when the
    table has headers; the caption says what the numbers are.
    """
    label, values = cells[0], cells[1:]
    if headers and len(headers) == len(cells):
        values = [f"{value} {header}".strip() for value, header in zip(values, headers[1:])]
    body = f"{label}: {', '.join(v for v in values if v)}" if values else label
    return f"{body} ({caption})" if caption else body


def _headers(attributes: dict) -> list[str]:
    return _cells(attributes.get("headers") or attributes.get("columns") or [])


def table_rows(attributes: dict) -> list[list[str]]:
    """A table's body rows from its attributes (a section's or a chunk's), as cells, without a
    header row repeated among them."""
    rows = attributes.get("rows")
    if not isinstance(rows, list):
        return []
    headers = _headers(attributes)
    cells = [_cells(row) for row in rows]
    return [c for c in cells if c and any(c) and c != headers]


def render_table(attributes: dict, caption: str) -> str:
    """A whole table as one line, each row as :func:`render_row` reads it: "Top countries of
    destination — Thailand: 689,451; France: 69,748"."""
    headers = _headers(attributes) or None
    body = "; ".join(render_row(cells, "", headers) for cells in table_rows(attributes))
    return f"{caption} — {body}" if caption and body else body or caption


def _table_rows(section: Section) -> list[list[str]]:
    return table_rows(section.attributes) if section.kind == "table" else []


def _make_chunk(
    profile: Profile, section: Section, text: str, embed_text: str, *, kind: str, attributes: dict
) -> Chunk:
    return Chunk(
        chunk_id=chunk_id(profile.source, section.heading_path, text),
        source=profile.source,
        family=profile.family,
        country=profile.country,
        country_code=profile.country_code,
        title=profile.title,
        date=profile.date,
        heading_path=section.heading_path,
        kind=kind,
        polarity=section.polarity,
        text=text,
        embed_text=embed_text,
        footnotes=section.footnotes,
        attributes=attributes,
        city=profile.city,
    )


def _section_chunks(
    profile: Profile,
    section: Section,
    *,
    count_tokens: TokenCounter,
    max_tokens: int,
    acronyms: AcronymTable | None = None,
) -> list[Chunk]:
    place = profile.place  # "Accra (Ghana)" for a city profile, the country otherwise
    prefix = embed_prefix(place, profile.family, section.heading_path)
    gloss = glossary(section.text, acronyms) if acronyms is not None else ""
    if gloss:
        prefix = f"{prefix}\n({gloss})"
    budget = max_tokens - _SPECIAL_TOKENS - count_tokens(spell_symbols(prefix) + "\n")
    if budget < 8:  # a glossary must never leave no room for the passage
        prefix = embed_prefix(place, profile.family, section.heading_path)
        budget = max_tokens - _SPECIAL_TOKENS - count_tokens(spell_symbols(prefix) + "\n")
    pieces = split_to_budget(section.text, count_tokens=lambda t: count_tokens(spell_symbols(t)), budget=budget)
    chunks = []
    for n, piece in enumerate(pieces):
        attributes = dict(section.attributes)
        if len(pieces) > 1:
            attributes["part"] = f"{n + 1}/{len(pieces)}"
        # Every part keeps the section's footnotes: the superscript may sit in another part.
        embed_text = spell_symbols(f"{prefix}\n{piece}")
        chunks.append(_make_chunk(profile, section, piece, embed_text, kind=section.kind, attributes=attributes))
    table_id = chunks[0].chunk_id if chunks else None
    caption = section.heading_path[-1] if section.heading_path else ""
    headers = _headers(section.attributes) or None
    for cells in _table_rows(section):
        # displayed as the source lays the row out, so a quoted row ("France 69,748") is found
        text = "\t".join(cells)
        rendered = render_row(cells, caption, headers)
        attributes = {"row": cells, "table_id": table_id, "caption": caption}
        embed_text = spell_symbols(f"{embed_prefix(place, profile.family, section.heading_path)}\n{rendered}")
        chunks.append(_make_chunk(profile, section, text, embed_text, kind=KIND_TABLE_ROW, attributes=attributes))
    return chunks


def about_section(profile: Profile) -> Section:
    """The profile's own particulars as one sentence, so a quote of it gives them all:
    "Diaspora engagement mapping: Cambodia, written by Dr Ronojoy Sen, edited by EUDiF, first
    published September 2020, updated September 2022." (from the title, the date and the credits
    the reader found)."""
    meta = profile.metadata or {}
    parts = [profile.title]
    parts += [f"{role.lower()} by {name}" for role, name in (meta.get("authors") or {}).items()]
    written, updated = meta.get("written"), meta.get("updated")
    if written and updated and written != updated:
        parts += [f"first published {written}", f"updated {updated}"]
    elif updated:
        parts.append(f"updated {updated}")
    elif written or profile.date:
        parts.append(f"published {written or profile.date}")
    return Section((ABOUT_HEADING,), ", ".join(parts) + ".", kind=KIND_ABOUT)


def chunk_profile(profile: Profile, *, count_tokens: TokenCounter, max_tokens: int) -> list[Chunk]:
    chunks: list[Chunk] = []
    seen: set[str] = set()
    # acronyms are defined once per document and used throughout it
    acronyms = AcronymTable.mine(" ".join(s.heading_path) + "\n" + s.text for s in profile.sections)
    acronyms.phrases = []  # only what the profile defines is glossed; guesses are for questions
    for section in [*profile.sections, about_section(profile)]:
        chunks_of_section = _section_chunks(
            profile, section, count_tokens=count_tokens, max_tokens=max_tokens, acronyms=acronyms
        )
        for chunk in chunks_of_section:
            if chunk.chunk_id in seen:
                continue  # the same sentence twice under one heading adds nothing to search
            seen.add(chunk.chunk_id)
            chunks.append(chunk)
    return chunks
