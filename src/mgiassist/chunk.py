"""Turn profile sections into chunks that fit the embedding model.

One section gives one chunk unless it is longer than the model reads: MiniLM embeds at most 256
word pieces and silently ignores the rest, so oversized sections are split with
langchain-text-splitters, measuring length with the model's own tokenizer. A chunk never spans two
sections. The embedded (and BM25-indexed) text is prefixed with country, family and heading path
so that a bare finding like "There is no national training system…" can still be found by its
domain; the displayed text is the passage alone.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from mgiassist.schema import FAMILY_LABELS, Chunk, Profile, Section

__all__ = ["CHUNKER_VERSION", "chunk_id", "chunk_profile", "embed_prefix", "split_to_budget"]

# Bumped whenever parsing, chunk boundaries or embedded text change, so old indexes are rebuilt.
CHUNKER_VERSION = 3

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


def _section_chunks(
    profile: Profile, section: Section, *, count_tokens: TokenCounter, max_tokens: int
) -> list[Chunk]:
    prefix = embed_prefix(profile.country, profile.family, section.heading_path)
    budget = max_tokens - _SPECIAL_TOKENS - count_tokens(prefix + "\n")
    pieces = split_to_budget(section.text, count_tokens=count_tokens, budget=budget)
    chunks = []
    for n, piece in enumerate(pieces):
        attributes = dict(section.attributes)
        if len(pieces) > 1:
            attributes["part"] = f"{n + 1}/{len(pieces)}"
        # Every part keeps the section's footnotes: the superscript may sit in another part.
        chunks.append(
            Chunk(
                chunk_id=chunk_id(profile.source, section.heading_path, piece),
                source=profile.source,
                family=profile.family,
                country=profile.country,
                country_code=profile.country_code,
                title=profile.title,
                date=profile.date,
                heading_path=section.heading_path,
                kind=section.kind,
                polarity=section.polarity,
                text=piece,
                embed_text=f"{prefix}\n{piece}",
                footnotes=section.footnotes,
                attributes=attributes,
            )
        )
    return chunks


def chunk_profile(profile: Profile, *, count_tokens: TokenCounter, max_tokens: int) -> list[Chunk]:
    chunks: list[Chunk] = []
    seen: set[str] = set()
    for section in profile.sections:
        for chunk in _section_chunks(profile, section, count_tokens=count_tokens, max_tokens=max_tokens):
            if chunk.chunk_id in seen:
                continue  # the same sentence twice under one heading adds nothing to search
            seen.add(chunk.chunk_id)
            chunks.append(chunk)
    return chunks
