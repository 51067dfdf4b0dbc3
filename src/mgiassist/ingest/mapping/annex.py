"""The annex: diaspora-related institutions by level, then diaspora organisations (name, country,
year), each followed by its kinds of activity and a description."""

from __future__ import annotations

import re
from collections.abc import Iterator

from mgiassist.ingest.blocks import Block, ListItem, Table
from mgiassist.ingest.common import block_text, clean, is_title, origin_of
from mgiassist.ingest.footnotes import FootnoteTable, with_note_prose
from mgiassist.ingest.mapping.labelled import labelled_block
from mgiassist.ingest.mapping.spotlight import title_and_year
from mgiassist.schema import Section
from mgiassist.text.countries import lookup_country

__all__ = ["annex"]

_GROUP = re.compile(r"^Diaspora (related )?(institutions|organi[sz]ations)\b", re.IGNORECASE)
_ACTIVITIES = re.compile(r"^[\w -]+ activities$", re.IGNORECASE)
_SUB_LEVEL = re.compile(r"^At [\w -]+ level$", re.IGNORECASE)


def _next_level(level: list[str], item: Block) -> list[str]:
    """A level opens ("National institutions") or refines the open one ("At ministerial level"):
    by emphasis or nesting when the rendering keeps them, else by wording."""
    name = clean(item.text)
    emphasised = item.lead() == item.text.strip()
    if getattr(item, "depth", 0) > 0 and level:
        return level[:1] + [name]
    if emphasised or not level or not _SUB_LEVEL.match(name) or _SUB_LEVEL.match(level[0]):
        return [name]
    return level[:1] + [name]


def _trailing_country(name: str) -> tuple[str, str] | None:
    words = name.split()
    for size in (3, 2, 1):
        if len(words) > size:
            tail = " ".join(words[-size:])
            found = lookup_country(tail) if tail[:1].isupper() and len(tail) > 3 else None
            if found:
                return found.name, tail
    return None


def _has_body(blocks: list[Block], i: int) -> bool:
    """An actor's title is followed by its kinds of activity or its description; a level's line
    only by the next title."""
    after = blocks[i + 1] if i + 1 < len(blocks) else None
    return after is None or not (is_title(after) or isinstance(after, ListItem)) or bool(
        _ACTIVITIES.match(after.text.strip()))


def _level_lines(blocks: list[Block]) -> set[int]:
    """The levels a rendering set as plain lines (flattened text loses bullets and emphasis): a
    short title without a year and with no body of its own that has the shape of a level line
    (the template's "At … level", or the head noun of the document's listed levels:
    "Regional offices" beside "National offices"), or that opens one ("National institutions"
    before "At ministerial level")."""
    heads = {b.text.split()[-1].lower() for b in blocks if isinstance(b, ListItem) and 0 < len(b.text.split()) <= 6}

    def bare(i: int) -> bool:
        block = blocks[i]
        text = clean(block.text)
        return (not isinstance(block, ListItem) and is_title(block) and 0 < len(text.split()) <= 6
                and not _GROUP.match(text) and not _ACTIVITIES.match(text)
                and title_and_year(text)[1] is None and not _has_body(blocks, i))

    lines = {i for i in range(len(blocks))
             if bare(i) and (_SUB_LEVEL.match(clean(blocks[i].text)) or blocks[i].text.split()[-1].lower() in heads)}
    return lines | {i for i in range(len(blocks) - 1)
                    if bare(i) and (i + 1 in lines or isinstance(blocks[i + 1], ListItem))}


def annex(part: str, blocks: list[Block], table: FootnoteTable) -> Iterator[Section]:
    group = "Diaspora related institutions"
    level: list[str] = []
    level_lines = _level_lines(blocks)
    i = 0
    while i < len(blocks):
        block = blocks[i]
        text = clean(block.text)
        i += 1
        if re.fullmatch(r"List of Actors", text, re.IGNORECASE) or isinstance(block, Table):
            continue
        if _GROUP.match(text) and is_title(block):
            group, level = text, []
            continue
        if isinstance(block, ListItem) or i - 1 in level_lines:
            level = _next_level(level, block)
            continue
        if not is_title(block):
            yield from labelled_block(part, block, table)
            continue
        activities: list[str] = []
        while i < len(blocks) and _ACTIVITIES.match(blocks[i].text.strip()):
            activities.append(clean(blocks[i].text))
            i += 1
        body: list[Block] = []
        while i < len(blocks) and not is_title(blocks[i]) and not isinstance(blocks[i], ListItem):
            body.append(blocks[i])
            i += 1
        yield _actor(part, group, level, block, activities, body, table)


def _actor(part, group, level, block, activities, body, table) -> Section:
    name, year = title_and_year(block.text)
    kind = "organisation" if "organi" in group.lower() else "institution"
    # organisations are listed as "Name Country Year"; institutions carry no country
    actor_country = _trailing_country(name) if kind == "organisation" else None
    if actor_country:
        name = name[: -len(actor_country[1])].strip(" ,")
    heading = f"{name} ({year})" if year else name
    notes = table.cite(block, *body)
    description = clean(" ".join(" ".join(block_text(b).split()) for b in body))
    facts = [f for f in (actor_country[0] if actor_country else None, year) if f]
    lead = f"{name} ({', '.join(facts)})" if facts else name
    detail = f" {'; '.join(activities)}." if activities else ""
    return Section(
        heading_path=(part, group, *level, heading) if kind == "institution" else (part, group, heading),
        text=with_note_prose(f"{lead}.{detail} {description}".strip(), notes),
        kind="actor",
        footnotes=notes,
        attributes={
            "name": name,
            "year": year,
            "actor_type": kind,
            "level": " › ".join(level) if level else None,
            "country": actor_country[0] if actor_country else None,
            "activities": activities,
        },
        origin=origin_of(block),
    )
