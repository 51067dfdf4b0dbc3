"""The question as the answer step reads it, worked out once per turn from the search result.

The search analyses what it needs to find passages (the follow-up rewrite, the countries, the
language, the cue words) and hands it over as typed fields of :class:`SearchResult`. The answer
step then needs more: what the (rewritten) question asks for by meaning — a list, a figure, a
body… — the kind of answer its form asks for, the things it names, a time relative to today.
:func:`read_question` works these out once; every decision of the turn (the list route, the
judge, the refusal's evidence, the quoted reply's preference) reads this record instead of
analysing the question again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from mgiassist.answer.answerability.features import (
    QuestionAnalysis,
    analyse_question,
    relative_time,
)
from mgiassist.schema import SearchResult
from mgiassist.search.intents import IntentGuess
from mgiassist.text.spelling import corrected

if TYPE_CHECKING:
    from mgiassist.answer.answerability.judge import Judge
    from mgiassist.search.question import Question
    from mgiassist.search.searcher import Searcher

__all__ = ["QuestionReading", "read_question"]


@dataclass(frozen=True)
class QuestionReading:
    """What the question asks, for the answer step.

    ``intent`` is read by meaning (:mod:`mgiassist.search.intents`); None for a question in
    another language, which the English model cannot read (its list words decide instead).
    ``analysis`` holds its content terms, the things it names, the countries no profile is about
    and the kind of answer its form asks for; ``relative_time`` the words by which it asks about
    a time relative to today ("last year"), which a dated profile cannot place.
    """

    analysis: QuestionAnalysis
    intent: IntentGuess | None = None
    relative_time: str | None = None
    asked: Question | None = None  # the search stage's record of the question, when the turn has one

    @property
    def answer_type(self) -> str | None:
        return self.analysis.answer_type


def read_question(
    result: SearchResult, searcher: Searcher, judge: Judge, asked: Question | None = None,
) -> QuestionReading:
    """The reading of ``result``'s question (as searched: a follow-up with its context), from the
    search stage's record of it (``asked``) when the turn has one."""
    question = result.search_query or result.query
    # the countries the search stage found, unless a follow-up's rewrite is read
    mentions = asked.mentions if asked is not None and asked.text == question else None
    analysis = analyse_question(question, judge.world, judge.profile_countries, mentions)
    # read by meaning on the corrected wording: the model reads "obstacels to diaspra
    # engagement" as noise, "obstacles to diaspora engagement" as the obstacles list; a follow-up
    # is read as searched, with what it leans on ("and what about in Cabo Verde?" after a
    # question on obstacles asks for the obstacles list). The search stage read it so already.
    if asked is not None and asked.intent is not None and asked.search_query == question:
        intent = asked.intent
    else:
        wording = corrected(question, asked.expansion.corrections if asked is not None else result.corrections)
        intent = None if result.language else searcher.intents.read(wording)
    return QuestionReading(analysis, intent, relative_time(question), asked)
