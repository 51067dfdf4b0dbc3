"""Answers to one chat turn: extractive sentences, list answers from the profile's structure,
partial replies, and the three answer states shared by the CLI, the page and the exports."""

from mgiassist.answer.compose import cited_passage, compose_answer, passage_from_chunk
from mgiassist.answer.records import (
    ANSWERED,
    NO_ANSWER,
    NOT_COVERED,
    PARTIAL,
    STATES,
    Answer,
    AnswerGroup,
    AnswerItem,
    AnswerSentence,
    CitedPassage,
)
from mgiassist.embed.cache import cached_encoder
from mgiassist.text.sentences import (
    Encoder,
    Span,
    highlight_html,
    split_sentences,
    strip_footnote_marks,
)

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
    "Encoder",
    "Span",
    "cached_encoder",
    "cited_passage",
    "compose_answer",
    "highlight_html",
    "passage_from_chunk",
    "split_sentences",
    "strip_footnote_marks",
]
