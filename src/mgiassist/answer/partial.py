"""Partial answers: the asked thing is not stated, but the profile's structure says what is.

"How many Cambodians live in Germany?" finds the destinations table, which lists five countries
and not Germany. The truthful reply names what the table does list and says Germany is not among
them. This works for any table whose row labels are countries (``attributes["rows"]``) and any
list whose items carry a country (``attributes["country"]``, e.g. the annex of organisations),
whatever the profile or its rendering.
"""

from __future__ import annotations

from collections.abc import Sequence

from mgiassist.answer.compose import cited_passage
from mgiassist.answer.records import PARTIAL, Answer, AnswerGroup, AnswerItem
from mgiassist.countries import CountryMatcher
from mgiassist.schema import FAMILY_LABELS, Chunk, Hit, SearchResult

__all__ = ["partial_answer"]

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
) -> Answer | None:
    """A partial answer when a table or list near the top leaves out the countries ``missing``.

    ``section_chunks(chunk_id)`` returns the chunks of a hit's section (its list's items).
    """
    if not missing:
        return None
    for hit in result.hits[:_LOOK_AT]:
        statement = _table_statement(hit, missing, world) or _list_statement(
            hit, section_chunks(hit.chunk.chunk_id), missing
        )
        if statement is None:
            continue
        passage = cited_passage(hit, 1)
        return Answer(
            question=result.query,
            search_query=result.search_query,
            abstained=True,
            sentences=[],
            passages=[passage],
            notes=list(result.notes),
            state=PARTIAL,
            reason=f"The profiles do not give this for {' or '.join(missing)}; "
            "they state what is shown instead.",
            lead=f"The profiles don't state this for {' or '.join(missing)}.",
            groups=[AnswerGroup("", [AnswerItem(statement, passage.marker)])],
            nearest=[cited_passage(h, i) for i, h in enumerate(result.hits, start=1)],
        )
    return None
