"""A short extractive answer with citation markers, built from the top passages of a search.

No language model writes anything: the answer is made of sentences copied from the passages,
chosen by their embedding similarity to the question, each followed by a marker ``[n]`` that
points to the cited passage it came from. The core needs only a function that turns a list of
texts into normalised rows (``assistant.embedder.encode`` in the page, a fake one in tests).

>>> answer = compose_answer(result, assistant.embedder.encode)
>>> answer.text
'Cambodians overseas cannot vote from abroad. [1] …'
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable, Sequence

import numpy as np

from mgiassist.answer.records import Answer, AnswerSentence, CitedPassage
from mgiassist.chunk import render_row, render_table
from mgiassist.schema import Chunk, Citation, Hit, SearchResult
from mgiassist.text.countries import CountryMatcher, lookup_country
from mgiassist.text.sentences import (
    Encoder,
    Span,
    candidate_spans,
    figure_units,
    strip_footnote_marks,
    title_spans,
)

__all__ = ["cited_passage", "compose_answer", "passage_from_chunk", "rows_as_their_table"]

def _row_of(chunk: Chunk) -> list[str] | None:
    """The cells of a table-row passage (see mgiassist.chunk), or None."""
    row = chunk.attributes.get("row")
    return [str(cell) for cell in row] if isinstance(row, list) and row else None


def _candidate_text(chunk: Chunk, span: Span) -> str:
    """What a candidate says: the passage's own words, or for a table row the row as a sentence
    ("France: 69,748 (Top countries of destination)"), as the search reads it."""
    row = _row_of(chunk)
    if row is not None:
        return render_row(row, str(chunk.attributes.get("caption") or ""))
    if chunk.attributes.get("rows") and span == Span(0, len(chunk.text.rstrip())):
        # a whole table, row by row ("Top countries of destination — Thailand: 689,451; …"), not
        # its cells run together as the text keeps them
        return render_table(chunk.attributes, chunk.heading_path[-1] if chunk.heading_path else "")
    return strip_footnote_marks(chunk.text[span.start : span.end])


# A sentence that opens with one of these leans on the one before for its subject.
_LEANING = re.compile(r"^(?:It|Its|This|These|They|Their|He|She|The (?:association|organisation|"
                      r"organization|body|unit|department|ministry|fund|group|committee|board))\b")


def _with_subject(chunk: Chunk, span: Span, text: str) -> str:
    """``text``, led by the name of the entry it describes when it opens with "It…" ("It
    coordinates migration issues" under "Inter-Ministerial Taskforce for Migration (IMTM)
    (2007)"): quoted alone, the sentence would not say who. Only an entry that opens with its
    own name (an annex actor, a spotlight practice) has one to give."""
    name = chunk.heading_path[-1].strip() if chunk.heading_path else ""
    if not name or span.start == 0 or not _LEANING.match(text) or not chunk.text.startswith(name):
        return text
    if _names_another(_before(chunk, span), name):
        return text  # "It" may be that other thing: the ILO entry's "It … is funded by Australia"
    return f"{name} — {text}"


def _before(chunk: Chunk, span: Span) -> str:
    """The sentence (or figure unit) of ``chunk`` right before ``span``, or ""."""
    before = [u for u in figure_units(chunk.text) if u.end <= span.start]
    return strip_footnote_marks(chunk.text[before[-1].start:before[-1].end]) if before else ""


# A name written in capitals (an acronym, a programme's name): what a sentence is about, told
# apart from capitalised words of other kinds ("January", "Prakas 012/07").
_CAPITALS = re.compile(r"\b[A-Z][A-Z0-9-]*[A-Z]\b")


def _names_another(sentence: str, name: str) -> bool:
    """Whether ``sentence`` names something in capitals that ``name`` does not hold: "The
    TRIANGLE in ASEAN programme is a part of the ILO's…" names TRIANGLE under the ILO's entry."""
    return any(word not in name for word in _CAPITALS.findall(sentence))


def _leant_on(chunk: Chunk, span: Span, text: str) -> str:
    """The sentence ``text`` leans on for its subject when it opens with "It…" or "They…" (""
    otherwise): "It involves six ASEAN countries… and is funded by Australia and Canada" says what
    is funded only after "The TRIANGLE in ASEAN programme is…"."""
    if span.start == 0 or not _LEANING.match(text):
        return ""
    return _before(chunk, span)


def _in_context(vectors: np.ndarray, leant: np.ndarray, leans: Sequence[bool]) -> np.ndarray:
    """Each sentence's vector, read after the sentence it leans on where it leans on one: the
    normalised sum of the two. Both are sentences of the profile, whose vectors the index keeps,
    so reading in context costs no encoding (encoding "sentence before + sentence" as one text
    missed the index's vectors: p95 of a fresh answer 25 -> 39 ms)."""
    combined = np.where(np.asarray(leans)[:, None], vectors + leant, vectors)
    return combined / np.maximum(np.linalg.norm(combined, axis=1, keepdims=True), 1e-9)


def _names_row(question: str, chunk: Chunk) -> bool:
    """Whether ``question`` names the row ``chunk`` is: by its label, or the label's country by
    another of its names ("how many in the US?": "United States of America")."""
    row = _row_of(chunk)
    label = row[0].strip() if row else ""
    if not label:
        return False
    if re.search(rf"(?<!\w){re.escape(label)}(?!\w)", question, re.IGNORECASE) is not None:
        return True
    country = _country_matcher(label)
    # "US dollars", "AU$": a currency, not the country's row
    return country is not None and bool(country.find(_CURRENCY_CODE.sub(" ", question)))


_CURRENCY_CODE = re.compile(r"\b[A-Z]{2}\s*(?:\$|dollars?\b)", re.IGNORECASE)


@functools.lru_cache(maxsize=512)
def _country_matcher(label: str) -> CountryMatcher | None:
    country = lookup_country(label)
    return CountryMatcher([country]) if country is not None else None


def rows_as_their_table(
    result: SearchResult, chunk_of: Callable[[str], Chunk | None], passages: int = 3,
) -> SearchResult:
    """``result`` with the rows of one table among its top ``passages`` hits standing for that
    table: two or more rows of a table ranked together say the question is about the table ("top
    destination countries for emigrants"), and quoting the rows the search happened to rank gives
    three of its five rows in an arbitrary order. The table takes the first row's place, every
    row in its own order; its other rows leave the hits (``chunk_of(id)`` is the chunk, None when
    the index has none). Not when the question names one of the rows ("How many live in
    France?"): that row is the answer (:func:`compose_answer`)."""
    top = result.hits[:passages]
    query = result.search_query or result.query
    tables: dict[str, int] = {}
    for hit in top:
        table_id = hit.chunk.attributes.get("table_id")
        if _row_of(hit.chunk) is not None and table_id:
            tables[str(table_id)] = tables.get(str(table_id), 0) + 1
    # a row ranked beside its own table, or beside another of its rows
    gathered = {t for t, n in tables.items() if n + any(h.chunk.chunk_id == t for h in top) >= 2}
    if not gathered or any(_names_row(query, hit.chunk) for hit in top):
        return result
    hits: list[Hit] = []
    for hit in result.hits:
        if hit.chunk.chunk_id in gathered and any(h.chunk.chunk_id == hit.chunk.chunk_id for h in hits):
            continue  # the table, already in a row's place
        table_id = str(hit.chunk.attributes.get("table_id") or "")
        if table_id not in gathered or _row_of(hit.chunk) is None:
            hits.append(hit)
            continue
        if any(h.chunk.chunk_id == table_id for h in hits):
            continue
        table = chunk_of(table_id)
        if table is None:  # an index whose rows outlived their table: the row stays
            hits.append(hit)
            continue
        hits.append(Hit(rank=hit.rank, score=hit.score, chunk=table, citation=Citation.from_chunk(table)))
    return dataclasses.replace(result, hits=hits)


def _lead_position(candidates: Sequence[tuple[int, Span]], asked: Sequence[bool], named_rows: set[int]) -> int:
    """The passage the answer leads with: the search's first, unless a lower one holds the kind
    of answer asked for (a figure, a year, a name) and the first does not, or is the table row
    the question names."""
    if named_rows:
        return min(named_rows)
    holding = sorted({position for (position, _), holds in zip(candidates, asked) if holds})
    if holding and 0 not in holding:
        return holding[0]
    return 0


def cited_passage(hit: Hit, marker: int) -> CitedPassage:
    return CitedPassage(
        marker=marker,
        rank=hit.rank,
        chunk_id=hit.chunk.chunk_id,
        label=hit.citation.label(),
        citation=hit.citation.to_dict(),
        text=hit.chunk.text,
        score=float(hit.score),
    )


def passage_from_chunk(
    chunk: Chunk, marker: int, *, rank: int = 0, edition_note: str | None = None,
) -> CitedPassage:
    """A chunk cited because of where it sits in the profile (a list item), not a search rank;
    ``edition_note`` ("newest of 3 editions") when its profile has several editions."""
    citation = Citation.from_chunk(chunk, edition_note=edition_note)
    return CitedPassage(
        marker=marker,
        rank=rank,
        chunk_id=chunk.chunk_id,
        label=citation.label(),
        citation=citation.to_dict(),
        text=chunk.text,
    )


def _with_substance(
    chosen: list[int], order: list[int], candidates: list[tuple[int, Span]], titles: set[int],
) -> list[int]:
    """``chosen`` with the best sentence of substance of the leading passage after its title, when
    only its title is quoted: a title holds the kind of answer asked (its year) and nothing else,
    and alone, "Migrant workers resource centres (2013)." answered "What do the centres do, and
    when were they set up?" by half (a new user's trial, 2026-12-06)."""
    if not chosen or chosen[0] not in titles:
        return chosen
    position = candidates[chosen[0]][0]
    if any(candidates[j][0] == position and j not in titles for j in chosen):
        return chosen
    substance = next((j for j in order if candidates[j][0] == position and j not in titles), None)
    return chosen if substance is None else [chosen[0], substance, *chosen[1:]]


def compose_answer(
    result: SearchResult,
    encode: Encoder,
    *,
    passages: int = 3,
    max_sentences: int = 3,
    per_passage: int = 2,
    margin: float = 0.2,
    holds_asked: Callable[[str], bool] | None = None,
    asked_bonus: float = 0.1,
) -> Answer:
    """Pick up to ``max_sentences`` sentences from the top ``passages`` hits of ``result`` (a title
    quoted first for the kind it holds counts as one with its passage's sentence of substance).

    A sentence is kept when its cosine similarity to the (contextualised) question is within
    ``margin`` of the best sentence, so a clear single answer is not padded with weak ones, and
    at most ``per_passage`` sentences come from one passage, so the answer is not one passage retold.
    Markers are numbered in the order passages are first cited; only cited passages are returned,
    so every marker points to a passage that is shown. An abstaining result yields no sentences
    and its hits as ``nearest``. ``holds_asked(text)`` tells whether a sentence holds the kind
    of answer the question asks for (a figure for "how many"); such a sentence gains
    ``asked_bonus``, so "In 2014, this scheme had 745 trainees" is quoted for "How many trainees…"
    before a sentence that only repeats the question's words.
    """
    base = Answer(
        question=result.query,
        search_query=result.search_query,
        abstained=result.abstained or not result.hits,
        sentences=[],
        passages=[],
        notes=list(result.notes),
    )
    if base.abstained:
        base.nearest = [cited_passage(hit, i) for i, hit in enumerate(result.hits, start=1)]
        return base

    top = result.hits[: max(1, passages)]
    candidates: list[tuple[int, Span]] = []
    titles: set[int] = set()  # the candidates that are a title holding the asked kind
    for position, hit in enumerate(top):
        headings = (*hit.chunk.heading_path, str(hit.chunk.attributes.get("title", "")))
        if hit.chunk.attributes.get("rows") or _row_of(hit.chunk):
            # A table answers as a whole ("Thailand 689,451; France 69,748…"), and so does one of
            # its rows: both are too short to compete as sentences by their words alone.
            candidates.append((position, Span(0, len(hit.chunk.text.rstrip()))))
            continue
        spans = candidate_spans(hit.chunk.text, headings)
        titled = []
        if holds_asked is not None:
            # A heading that states the kind of answer asked for answers it: an annex entry's
            # title carries its founding year ("… Recruitment Agencies (ACRA) (2008)." for "When was
            # ACRA founded?"), which no other sentence of the entry repeats.
            titled = [s for s in title_spans(hit.chunk.text, headings)
                      if s not in spans and holds_asked(strip_footnote_marks(hit.chunk.text[s.start:s.end]))]
        titles.update(len(candidates) + len(spans) + i for i in range(len(titled)))
        candidates.extend((position, span) for span in spans + titled)
    texts = [_candidate_text(top[p].chunk, s) for p, s in candidates]
    leant = [_leant_on(top[p].chunk, s, text) for (p, s), text in zip(candidates, texts)]
    # each text once: the sentences leant on are mostly candidates themselves
    unique = list(dict.fromkeys([result.search_query, *texts, *(t for t in leant if t)]))
    encoded = np.asarray(encode(unique), dtype=np.float32)
    row = {text: i for i, text in enumerate(unique)}
    sentences = encoded[[row[t] for t in texts]] if texts else encoded[:0]
    # a sentence that leans on none takes the question's row here, which _in_context ignores
    before = encoded[[row[t] if t else 0 for t in leant]] if texts else encoded[:0]
    scores = _in_context(sentences, before, [bool(t) for t in leant]) @ encoded[0]
    # A figures question naming a table row's label ("How many … live in France?") is answered
    # by that row: it leads, whatever the wording's similarity to longer sentences.
    named_rows = set()
    if "figures" in (result.intent or {}).get("cues", ()):
        for i, (position, _) in enumerate(candidates):
            if _names_row(result.search_query, top[position].chunk):
                scores[i] = float(scores.max()) + 0.01
                named_rows.add(position)

    asked = [holds_asked(text) for text in texts] if holds_asked is not None else [False] * len(texts)
    for i in range(len(candidates)):
        if asked[i]:
            scores[i] += asked_bonus
    # Ties go to the better-ranked passage and then to the earlier sentence: stable sort on -score.
    order = sorted(range(len(candidates)), key=lambda i: (-float(scores[i]), candidates[i][0], i))
    lead = _lead_position(candidates, asked, named_rows)
    # The search's order decides which passage leads (its first hit held the evidence more often
    # than the best-scoring sentence's passage did: 0.93 against 0.78 on the seeds' dev part); the
    # passage's best sentence is quoted first, the others follow by similarity.
    first = next((i for i in order if candidates[i][0] == lead), None)
    if first is not None:
        order = [first, *(i for i in order if i != first)]
    best = float(scores[order[0]]) if order else 0.0
    chosen: list[int] = []
    seen_texts: set[str] = set()
    for i in order:
        if len(chosen) >= max_sentences or float(scores[i]) < best - margin:
            break
        key = texts[i].lower()
        if sum(1 for j in chosen if candidates[j][0] == candidates[i][0]) >= per_passage:
            continue
        if key in seen_texts:  # the same sentence repeated in two profiles adds nothing
            continue
        seen_texts.add(key)
        chosen.append(i)
    chosen = _with_substance(chosen, order, candidates, titles)
    if chosen and candidates[chosen[0]][0] in named_rows:
        # the row the question names is its answer ("How many … live in Thailand?": "Thailand:
        # 689,451"); sentences that only share its words follow as clutter (a new user's trial
        # read a growth rate and a split by sex after it as part of the answer)
        chosen = [i for i in chosen if candidates[i][0] in named_rows]

    markers: dict[int, CitedPassage] = {}
    for i in chosen:
        position, span = candidates[i]
        if position not in markers:
            markers[position] = cited_passage(top[position], len(markers) + 1)
        passage = markers[position]
        passage.highlights.append(span)
        said = _with_subject(top[position].chunk, span, texts[i])
        base.sentences.append(AnswerSentence(said, passage.marker, float(scores[i]), span))
    for passage in markers.values():
        passage.highlights.sort(key=lambda s: s.start)
    base.passages = sorted(markers.values(), key=lambda p: p.marker)
    return base
