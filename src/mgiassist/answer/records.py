"""The answer to one chat turn and the JSON shape the CLI, the page and the exports share.

An answer is in one of three states:

* ``answered`` — quoted sentences (or the profile's own list) state what was asked;
* ``partial`` — related passages exist but the asked thing is not stated; the reply says so and
  says what the profile does state (e.g. the destinations it lists), each piece cited;
* ``not_covered`` — nothing indexed answers it; the nearest passages are offered folded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mgiassist.text.sentences import Span

__all__ = [
    "ANSWERED",
    "NOT_COVERED",
    "NO_ANSWER",
    "PARTIAL",
    "STATES",
    "Answer",
    "AnswerGroup",
    "AnswerItem",
    "AnswerSentence",
    "CitedPassage",
]

ANSWERED = "answered"
PARTIAL = "partial"
NOT_COVERED = "not_covered"
STATES = (ANSWERED, PARTIAL, NOT_COVERED)

NO_ANSWER = "The indexed profiles don't appear to cover this question."


@dataclass
class AnswerSentence:
    text: str  # as shown in the answer, footnote marks removed
    marker: int  # 1-based number of the cited passage it comes from
    score: float
    span: Span  # where it sits in that passage

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "marker": self.marker, "score": round(float(self.score), 4)}


@dataclass
class AnswerItem:
    """One entry of a list answer (a finding, an obstacle, an actor…) and the passage it cites."""

    text: str
    marker: int

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "marker": self.marker}


@dataclass
class AnswerGroup:
    """Items under one heading of the profile (a domain, a section), in document order."""

    title: str
    items: list[AnswerItem] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"title": self.title, "items": [i.to_dict() for i in self.items]}


@dataclass
class CitedPassage:
    marker: int
    rank: int  # the passage's rank in the search result (0: taken from the profile's structure)
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
    nearest: list[CitedPassage] = field(default_factory=list)  # shown folded, never as the answer
    notes: list[str] = field(default_factory=list)
    state: str = ""  # one of STATES; derived from ``abstained`` when left empty
    reason: str = ""  # why this state, in plain words
    lead: str = ""  # the plain first line of the reply (empty: the sentences speak for themselves)
    groups: list[AnswerGroup] = field(default_factory=list)  # a list answer, by domain/section
    filters: dict[str, Any] = field(default_factory=dict)
    more: dict[str, int] | None = None  # {"offset", "remaining"} when a long list continues
    confidence: float | None = None  # the answerability model's probability, when it decided
    # answered, but the closest passages may not state it: the state is shown "with low confidence"
    doubtful: bool = False

    def __post_init__(self) -> None:
        if not self.state:
            self.state = NOT_COVERED if self.abstained else ANSWERED
        if self.state not in STATES:
            raise ValueError(f"unknown answer state {self.state!r}")
        self.abstained = self.state != ANSWERED

    @property
    def contextualised(self) -> bool:
        return self.search_query != self.question

    @property
    def text(self) -> str:
        """The reply as plain text: the plain first line, list items or sentences with markers."""
        if self.state == NOT_COVERED:
            return self.lead or NO_ANSWER
        lines = [self.lead] if self.lead else []
        for group in self.groups:
            if group.title:
                # a group without items is a sentence of its own ("Ghana: its profiles do not state this")
                lines.append(f"{group.title}:" if group.items else f"{group.title}.")
            lines.extend(f"- {item.text} [{item.marker}]" for item in group.items)
        if self.sentences and not self.groups:  # a list answer's sentences are its items again
            lines.append(" ".join(f"{s.text} [{s.marker}]" for s in self.sentences))
        return "\n".join(lines) if lines else NO_ANSWER

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "search_query": self.search_query,
            "state": self.state,
            "reason": self.reason,
            "lead": self.lead,
            "answer": self.text,
            "citations": [p.to_dict() for p in self.passages],
            "filters": dict(self.filters),
            "contextualised": self.contextualised,
            "abstained": self.abstained,
            "sentences": [s.to_dict() for s in self.sentences],
            "groups": [g.to_dict() for g in self.groups],
            "more": dict(self.more) if self.more else None,
            "nearest": [p.to_dict() for p in self.nearest],
            "notes": list(self.notes),
            "confidence": None if self.confidence is None else round(float(self.confidence), 4),
            "doubtful": self.doubtful,
        }
