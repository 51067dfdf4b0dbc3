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

import html
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mgiassist.schema import Hit, SearchResult

__all__ = [
    "NO_ANSWER",
    "Answer",
    "AnswerSentence",
    "CitedPassage",
    "Encoder",
    "Span",
    "cached_encoder",
    "compose_answer",
    "highlight_html",
    "split_sentences",
    "strip_footnote_marks",
]

Encoder = Callable[[list[str]], np.ndarray]

NO_ANSWER = "The indexed profiles don't appear to cover this question."

# Footnote references are printed as superscript digits glued to the word ("abroad²"); they
# belong in the passage (they match its footnote list) but read as noise inside the answer.
_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_FOOTNOTE_MARKS = re.compile(f"[{_SUPERSCRIPTS}]+")
# A sentence ends at . ! ? (optionally followed by a closing quote/bracket and footnote marks)
# when the next one starts with an upper-case letter, a digit or an opening quote/bracket.
_SENTENCE_END = re.compile(rf"(?<=[.!?])[\"”’)\]]?[{_SUPERSCRIPTS}]*\s+(?=[A-Z0-9\"“‘(\[])")
# Abbreviations that end with a period but rarely end a sentence in these profiles.
_ABBREVIATIONS = (
    "e.g.",
    "i.e.",
    "etc.",
    "No.",
    "no.",
    "Art.",
    "art.",
    "Mr.",
    "Ms.",
    "Dr.",
    "St.",
    "vs.",
)
_MIN_WORDS = 4


@dataclass(frozen=True)
class Span:
    """Character offsets ``[start, end)`` of a sentence inside a passage's text."""

    start: int
    end: int


@dataclass
class AnswerSentence:
    text: str  # as shown in the answer, footnote marks removed
    marker: int  # 1-based number of the cited passage it comes from
    score: float
    span: Span  # where it sits in that passage

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "marker": self.marker, "score": round(float(self.score), 4)}


@dataclass
class CitedPassage:
    marker: int
    rank: int  # the passage's rank in the search result
    chunk_id: str
    label: str  # the readable citation line
    citation: dict[str, Any]
    text: str  # corpus text, unescaped; escape it when rendering
    highlights: list[Span] = field(default_factory=list)
    score: float = 0.0

    @property
    def footnote_urls(self) -> list[str]:
        return [url for note in self.citation.get("footnotes", []) for url in note.get("urls", [])]

    def highlighted_sentences(self) -> list[str]:
        return [self.text[s.start : s.end] for s in self.highlights]

    def to_dict(self) -> dict[str, Any]:
        return {
            "marker": self.marker,
            "rank": self.rank,
            "chunk_id": self.chunk_id,
            "label": self.label,
            "citation": self.citation,
            "text": self.text,
            "highlights": self.highlighted_sentences(),
            "score": round(float(self.score), 6),
        }


@dataclass
class Answer:
    question: str
    search_query: str
    abstained: bool
    sentences: list[AnswerSentence]
    passages: list[CitedPassage]  # the cited passages, in marker order
    nearest: list[CitedPassage] = field(default_factory=list)  # shown folded when abstaining
    notes: list[str] = field(default_factory=list)

    @property
    def contextualised(self) -> bool:
        return self.search_query != self.question

    @property
    def text(self) -> str:
        """The short answer as plain text, each sentence followed by its marker."""
        if self.abstained or not self.sentences:
            return NO_ANSWER
        return " ".join(f"{s.text} [{s.marker}]" for s in self.sentences)

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "search_query": self.search_query,
            "contextualised": self.contextualised,
            "abstained": self.abstained,
            "answer": self.text,
            "sentences": [s.to_dict() for s in self.sentences],
            "citations": [p.to_dict() for p in self.passages],
            "nearest": [p.to_dict() for p in self.nearest],
            "notes": list(self.notes),
        }


def strip_footnote_marks(text: str) -> str:
    return " ".join(_FOOTNOTE_MARKS.sub("", text).split())


def split_sentences(text: str) -> list[Span]:
    """Sentence spans of ``text``: lines first (tables, lists, headings), then sentence ends."""
    spans: list[Span] = []
    offset = 0
    for line in text.split("\n"):
        start = offset
        offset += len(line) + 1
        cursor = 0
        for match in _SENTENCE_END.finditer(line):
            head = line[cursor : match.start()]
            if head.rstrip().endswith(_ABBREVIATIONS):
                continue
            end = match.start() + len(match.group(0).rstrip())
            spans.append(Span(start + cursor, start + end))
            cursor = match.end()
        spans.append(Span(start + cursor, start + len(line.rstrip())))
    # Trim leading blanks so a highlight never starts with whitespace, and drop empty spans.
    trimmed = []
    for span in spans:
        piece = text[span.start : span.end]
        lead = len(piece) - len(piece.lstrip())
        if piece.strip():
            trimmed.append(Span(span.start + lead, span.end))
    return trimmed


def _normalise(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", strip_footnote_marks(text).lower()).split())


def _candidate_spans(text: str, headings: Sequence[str] = ()) -> list[Span]:
    spans = split_sentences(text)
    # Headings and table cells ("Dual citizenship¹", "Migrant workers resource centres (2013).")
    # repeat the question's words without answering it; keep them only when nothing else is left.
    titles = {_normalise(h) for h in headings if h}
    long = [
        s
        for s in spans
        if len(strip_footnote_marks(text[s.start : s.end]).split()) >= _MIN_WORDS
        and _normalise(text[s.start : s.end]) not in titles
    ]
    return long or spans


def _passage(hit: Hit, marker: int) -> CitedPassage:
    return CitedPassage(
        marker=marker,
        rank=hit.rank,
        chunk_id=hit.chunk.chunk_id,
        label=hit.citation.label(),
        citation=hit.citation.to_dict(),
        text=hit.chunk.text,
        score=float(hit.score),
    )


def compose_answer(
    result: SearchResult,
    encode: Encoder,
    *,
    passages: int = 3,
    max_sentences: int = 3,
    per_passage: int = 2,
    margin: float = 0.2,
) -> Answer:
    """Pick up to ``max_sentences`` sentences from the top ``passages`` hits of ``result``.

    A sentence is kept when its cosine similarity to the (contextualised) question is within
    ``margin`` of the best sentence, so a clear single answer is not padded with weak ones, and
    at most ``per_passage`` sentences come from one passage, so the answer is not one passage retold.
    Markers are numbered in the order passages are first cited; only cited passages are returned,
    so every marker points to a passage that is shown. An abstaining result yields no sentences
    and its hits as ``nearest``.
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
        base.nearest = [_passage(hit, i) for i, hit in enumerate(result.hits, start=1)]
        return base

    top = result.hits[: max(1, passages)]
    candidates: list[tuple[int, Span]] = []
    for position, hit in enumerate(top):
        headings = (*hit.chunk.heading_path, str(hit.chunk.attributes.get("title", "")))
        candidates.extend((position, span) for span in _candidate_spans(hit.chunk.text, headings))
    texts = [strip_footnote_marks(top[p].chunk.text[s.start : s.end]) for p, s in candidates]
    vectors = np.asarray(encode([result.search_query, *texts]), dtype=np.float32)
    scores = vectors[1:] @ vectors[0]

    # Ties go to the better-ranked passage and then to the earlier sentence: stable sort on -score.
    order = sorted(range(len(candidates)), key=lambda i: (-float(scores[i]), candidates[i][0], i))
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

    markers: dict[int, CitedPassage] = {}
    for i in chosen:
        position, span = candidates[i]
        if position not in markers:
            markers[position] = _passage(top[position], len(markers) + 1)
        passage = markers[position]
        passage.highlights.append(span)
        base.sentences.append(AnswerSentence(texts[i], passage.marker, float(scores[i]), span))
    for passage in markers.values():
        passage.highlights.sort(key=lambda s: s.start)
    base.passages = sorted(markers.values(), key=lambda p: p.marker)
    return base


def cached_encoder(encode: Encoder, *, maxsize: int = 20_000) -> Encoder:
    """``encode`` with a thread-safe LRU cache per text.

    Passage sentences come back question after question; encoding only the new ones makes
    the answer step several times cheaper. Rows are stored as copies, so callers may modify
    what they get back.
    """
    cache: OrderedDict[str, np.ndarray] = OrderedDict()
    lock = threading.Lock()

    def encode_cached(texts: list[str]) -> np.ndarray:
        texts = list(texts)
        found: dict[str, np.ndarray] = {}
        with lock:
            for text in texts:
                if text in cache:
                    cache.move_to_end(text)
                    found[text] = cache[text]
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        if missing:
            # Encoded outside the lock: two threads may encode the same text, which is harmless.
            fresh = np.asarray(encode(missing), dtype=np.float32)
            with lock:
                for text, row in zip(missing, fresh):
                    found[text] = cache[text] = row.copy()
                while len(cache) > maxsize:
                    cache.popitem(last=False)
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([found[t] for t in texts]).astype(np.float32, copy=True)

    return encode_cached


def highlight_html(
    text: str, spans: Sequence[Span] = (), *, css_class: str = "answer-sentence"
) -> str:
    """``text`` HTML-escaped, with each span wrapped in ``<mark>`` and line breaks kept.

    Escaping happens piece by piece *before* the marks are added, so markup in a profile (a
    ``<script>`` tag, say) is shown as text and offsets never fall inside an entity.
    """
    pieces: list[str] = []
    cursor = 0
    for span in sorted(spans, key=lambda s: s.start):
        start, end = max(span.start, cursor), min(span.end, len(text))
        if start >= end:
            continue
        pieces.append(html.escape(text[cursor:start]))
        pieces.append(
            f'<mark class="{html.escape(css_class)}">{html.escape(text[start:end])}</mark>'
        )
        cursor = end
    pieces.append(html.escape(text[cursor:]))
    return "".join(pieces).replace("\n", "<br>")
