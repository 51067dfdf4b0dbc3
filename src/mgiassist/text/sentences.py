"""Text pieces of an answer: sentence spans, footnote marks, figure units, HTML highlighting."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = [
    "Encoder",
    "Span",
    "candidate_spans",
    "figure_units",
    "highlight_html",
    "split_sentences",
    "strip_footnote_marks",
    "title_spans",
]

Encoder = Callable[[list[str]], np.ndarray]

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

# An initial ("Dr J. Smith", "the U.S. Government") ends no sentence: one capital letter and a
# period after a space, a bracket or another initial.
_INITIAL = re.compile(r"(?:^|[\s(.])[A-Z]\.$")


@dataclass(frozen=True)
class Span:
    """Character offsets ``[start, end)`` of a sentence inside a passage's text."""

    start: int
    end: int


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
            if head.rstrip().endswith(_ABBREVIATIONS) or _INITIAL.search(head.rstrip()):
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


_VALUE_ONLY = re.compile(r"^[^A-Za-z]*\d[^A-Za-z]*$")  # "♂ 53.6%", "1,200 (2019)": no words


def figure_units(text: str) -> list[Span]:
    """A label line followed by lines of values only ("% of emigrants in total population" /
    "♂ 53.6%" / "♀ 46.4%", as facts-and-figures blocks print them) is one candidate: the label
    alone answers nothing, and the values alone are too short to be chosen. A finished sentence
    (ending in . ! ?) keeps its own span. Otherwise the spans of :func:`split_sentences`."""
    merged: list[Span] = []
    for span in split_sentences(text):
        piece = strip_footnote_marks(text[span.start : span.end]).strip()
        if merged and _VALUE_ONLY.match(piece):
            before = text[merged[-1].start : merged[-1].end].rstrip()
            if not before.endswith((".", "!", "?")):
                merged[-1] = Span(merged[-1].start, span.end)
                continue
        merged.append(span)
    return merged


_MIN_WORDS = 4


def _normalise(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", strip_footnote_marks(text).lower()).split())


def candidate_spans(text: str, headings: Sequence[str] = ()) -> list[Span]:
    """The spans of ``text`` the answer step may quote: figure units and sentences of at least
    ``_MIN_WORDS`` words that are not one of the ``headings``."""
    spans = figure_units(text)
    # Headings and table cells ("Dual citizenship¹", "Migrant workers resource centres (2013).")
    # repeat the question's words without answering it; keep them only when nothing else is left.
    titles = set(title_spans(text, headings))
    long = [
        s
        for s in spans
        if len(strip_footnote_marks(text[s.start : s.end]).split()) >= _MIN_WORDS
        and s not in titles
    ]
    return long or spans


def title_spans(text: str, headings: Sequence[str]) -> list[Span]:
    """The spans of ``text`` that repeat one of its ``headings`` ("Association of Cambodian
    Recruitment Agencies (ACRA) (2008)." under that heading)."""
    titles = {_normalise(h) for h in headings if h}
    return [s for s in figure_units(text) if _normalise(text[s.start : s.end]) in titles]
