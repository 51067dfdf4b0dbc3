"""Partial answers: the asked thing is not stated, but the profile's structure says what is.

"How many Cambodians live in Germany?" finds the destinations table, which lists five countries
and not Germany. The truthful reply names what the table does list and says Germany is not among
them. This works for any table whose row labels are countries (``attributes["rows"]``) and any
list whose items carry a country (``attributes["country"]``, e.g. the annex of organisations),
whatever the profile or its rendering.
"""

from __future__ import annotations

from collections.abc import Sequence

from mgiassist.answer.answerability.features import analyse_question
from mgiassist.answer.compose import cited_passage
from mgiassist.answer.records import PARTIAL, Answer, AnswerGroup, AnswerItem
from mgiassist.schema import FAMILY_LABELS, Chunk, Citation, Hit, SearchResult
from mgiassist.text.countries import CountryMatcher
from mgiassist.text.lexical import analyse
from mgiassist.text.sentences import strip_footnote_marks

__all__ = [
    "EMPTY_ITEM_NOTE", "empty_item_answer", "list_partial_answer", "note_empty_items", "partial_answer",
    "quotes_only_empty_items",
]

_LOOK_AT = 5  # hits searched for a table or list that explains the gap


def _family(chunk: Chunk) -> str:
    label = FAMILY_LABELS.get(chunk.family, chunk.family)
    return label if label.isupper() or label.startswith("MGI") else label[:1].lower() + label[1:]


def _joined(names: Sequence[str]) -> str:
    return ", ".join(names)


def _table_statement(hit: Hit, missing: Sequence[str], world: CountryMatcher) -> str | None:
    rows = hit.chunk.attributes.get("rows") or []
    labels = [str(r[0]).strip() for r in rows if isinstance(r, (list, tuple)) and r]
    countries = [label for label in labels if world.find(label)]
    if not labels or len(countries) * 2 < len(labels):
        return None  # not a table of countries
    listed = {name for label in labels for name in world.find(label)}
    absent = [c for c in missing if c not in listed]
    if not absent:
        return None
    what = hit.chunk.heading_path[-1] if hit.chunk.heading_path else "table"
    verb = "is" if len(absent) == 1 else "are"
    return (
        f"The {_family(hit.chunk)} lists the {what[:1].lower() + what[1:]} — {_joined(labels)}; "
        f"{' and '.join(absent)} {verb} not among them."
    )


def _list_statement(hit: Hit, siblings: Sequence[Chunk], missing: Sequence[str]) -> str | None:
    if "country" not in hit.chunk.attributes:
        return None
    counts: dict[str, int] = {}
    for chunk in siblings:
        country = chunk.attributes.get("country")
        if country:
            counts[country] = counts.get(country, 0) + 1
    if not counts or any(c in counts for c in missing):
        return None
    section = hit.chunk.heading_path[1] if len(hit.chunk.heading_path) > 1 else hit.chunk.domain
    where = _joined([f"{country} ({n})" for country, n in counts.items()])
    return (
        f"The {_family(hit.chunk)} lists {section[:1].lower() + section[1:]} in {where}; "
        f"none in {' or '.join(missing)}."
    )


def partial_answer(
    result: SearchResult,
    missing: Sequence[str],
    world: CountryMatcher,
    section_chunks,
    tables: Sequence[Chunk] = (),
    answer_type: str | None = None,
) -> Answer | None:
    """A partial answer when a table or list near the top leaves out the countries ``missing``.

    ``section_chunks(chunk_id)`` returns the chunks of a hit's section (its list's items);
    ``tables`` are the tables of the profiles in scope, read when the search ranked none of them
    near the top but the question asks for a count or a place. ``answer_type`` is the kind of
    answer the question asks for, when the turn has read it (worked out here otherwise).
    """
    if not missing:
        return None
    asks = answer_type or analyse_question(result.search_query, world).answer_type
    words = set(analyse(result.search_query))
    found: list[tuple[int, int, Hit, str]] = []
    for hit in result.hits[:_LOOK_AT]:
        table = _table_statement(hit, missing, world)
        listed = None if table else _list_statement(hit, section_chunks(hit.chunk.chunk_id), missing)
        if table or listed:
            # A count is read from a table; members ("organisations in…") from a list whose
            # heading shares the question's words. Otherwise the better-ranked one wins.
            fits = asks in ("number", "place") if table else bool(words & set(analyse(
                " ".join(hit.chunk.heading_path[:-1]))))
            found.append((0 if fits else 1, hit.rank, hit, table or listed))
    if not any(f[0] == 0 for f in found) and asks in ("number", "place"):
        for chunk in tables:
            hit = Hit(rank=0, score=0.0, chunk=chunk, citation=Citation.from_chunk(chunk))
            table = _table_statement(hit, missing, world)
            if table:
                found.append((0, 0, hit, table))
                break
    for _, _, hit, statement in sorted(found, key=lambda f: f[:2])[:1]:
        return _partial(
            result,
            hit,
            statement,
            reason=f"The profiles do not give this for {' or '.join(missing)}; "
            "the reply says what they list instead.",
            lead=f"The profiles don't state this for {' or '.join(missing)}.",
        )
    return None


def list_partial_answer(result: SearchResult, members: Sequence[Chunk], missing: Sequence[str]) -> Answer | None:
    """A partial answer for a list question about countries none of the list's ``members`` is in
    ("Which diaspora associations exist in the United States?" over an annex of associations in
    France): the list's countries are named instead."""
    located = [c for c in members if c.attributes.get("country")]
    if not missing or not located:
        return None
    hit = Hit(rank=0, score=0.0, chunk=located[0], citation=Citation.from_chunk(located[0]))
    statement = _list_statement(hit, located, missing)
    if statement is None:
        return None
    return _partial(
        result, hit, statement,
        reason=f"The profiles do not give this for {' or '.join(missing)}; the reply says what they list instead.",
        lead=f"The profiles don't state this for {' or '.join(missing)}.",
    )


def _partial(result: SearchResult, hit: Hit, statement: str, *, reason: str, lead: str) -> Answer:
    """A partial reply: one statement of what the profile does say, citing ``hit``; the search's
    hits are offered folded as the nearest passages."""
    passage = cited_passage(hit, 1)
    return Answer(
        question=result.query,
        search_query=result.search_query,
        abstained=True,
        sentences=[],
        passages=[passage],
        notes=list(result.notes),
        state=PARTIAL,
        reason=reason,
        lead=lead,
        groups=[AnswerGroup("", [AnswerItem(statement, passage.marker)])],
        nearest=[cited_passage(h, i) for i, h in enumerate(result.hits, start=1)],
    )


def _is_empty_item(chunk: Chunk) -> bool:
    """A list item whose text is only its own heading: the value was an icon or a graphic."""
    body = strip_footnote_marks(chunk.text).strip(" .:*")
    title = strip_footnote_marks(chunk.heading_path[-1]).strip(" .:*") if chunk.heading_path else ""
    return bool(body) and body.lower() == title.lower()


def empty_item_answer(result: SearchResult) -> Answer | None:
    """Partial when the best passage names the asked item but states nothing about it.

    "Does Cambodia allow dual citizenship?" finds the mapping's "Dual citizenship" item, whose
    yes/no was an icon that no text rendering keeps: the honest reply says the profile lists the
    item and gives no value, rather than quoting the nearest sentence that happens to match.
    """
    if not result.hits or not _is_empty_item(result.hits[0].chunk):
        return None
    hit = result.hits[0]
    title = strip_footnote_marks(hit.chunk.heading_path[-1])
    statement = (
        f"The {_family(hit.chunk)} lists “{title}” under {hit.chunk.domain}, "
        "but its text gives no value for it."
    )
    return _partial(
        result,
        hit,
        statement,
        reason=f"The profile names “{title}” but does not state it in its text.",
        # what the profile does give: the item, not its value ("The profiles don't state this"
        # under "Partly answered" read as a contradiction to a new user, 2026-12-06)
        lead="The profile lists the item but not its value:",
    )


def quotes_only_empty_items(answer: Answer, result: SearchResult) -> bool:
    """Whether every passage ``answer`` quotes is an item with no value in its text ("Dual
    citizenship¹" alone): such a quote repeats the question's words and answers nothing."""
    chunks = {h.chunk.chunk_id: h.chunk for h in result.hits}
    cited = [chunks.get(p.chunk_id) for p in answer.passages]
    return bool(cited) and all(c is not None and _is_empty_item(c) for c in cited)


EMPTY_ITEM_NOTE = " (listed with no value in the text)"


def note_empty_items(answer: Answer, result: SearchResult) -> None:
    """Say so on each quoted line that is an item with no value ("Right to vote in national
    elections for citizens residing abroad"): quoted among sentences that state things, the bare
    heading read as an answer (a new user's trial, 2026-12-06)."""
    chunks = {h.chunk.chunk_id: h.chunk for h in result.hits}
    empty = {p.marker for p in answer.passages if (c := chunks.get(p.chunk_id)) is not None and _is_empty_item(c)}
    for sentence in answer.sentences:
        if sentence.marker in empty and not sentence.text.endswith(EMPTY_ITEM_NOTE):
            sentence.text += EMPTY_ITEM_NOTE

