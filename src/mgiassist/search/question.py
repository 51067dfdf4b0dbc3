"""A question as the search reads it, once: the typed record both the search and the answer step
read (issue 17, item 6).

:meth:`mgiassist.search.searcher.Searcher.read` works it out from the words asked and the
conversation: the follow-up rewrite, every country named (indexed or not), the indexed ones, the
long forms of its acronyms and the indexed words its misspellings stand for, its cue words, its
language and what it asks for by meaning (its intent). :meth:`~mgiassist.search.searcher.Searcher.search`
takes the record (or reads the words itself), and a chat turn passes the same record to each
per-country search and to the answer step, so nothing analyses the question a second time or
parses text back.
"""

from __future__ import annotations

from dataclasses import dataclass

from mgiassist.search.cues import Intent
from mgiassist.search.followup import Contextualised
from mgiassist.search.intents import IntentGuess
from mgiassist.search.query import Expansion
from mgiassist.text.spelling import corrected

__all__ = ["Question"]


@dataclass(frozen=True)
class Question:
    """What was asked, read once: see the module docstring."""

    text: str  # the question as asked, validated
    history: tuple[str, ...]  # the usable earlier questions, oldest first
    context: Contextualised  # the follow-up rewrite, and the countries of the conversation
    mentions: tuple[tuple[int, int, str], ...]  # (start, end, country) for every country named
    countries: tuple[str, ...]  # the indexed countries the question itself names, in order
    expansion: Expansion  # acronym long forms, spelling corrections, English country names
    cues: Intent  # what its cue words ask for, or failing them its meaning (a polarity, section kinds)
    language: str | None  # "french", "other-script"…; None for English
    # what it asks for by meaning, read on its corrected search query (None in another language)
    intent: IntentGuess | None = None
    families: tuple[str, ...] = ()  # the profile families it names ("according to the MGI"), a scope
    # the words searched: the search query less the family names that only say where to look
    # (mgiassist.search.families); empty means the search query itself
    topic: str = ""

    @property
    def searched_words(self) -> str:
        return self.topic or self.context.search_query

    @property
    def search_query(self) -> str:
        return self.context.search_query

    @property
    def contextualised(self) -> bool:
        return self.context.search_query != self.text

    @property
    def corrected(self) -> str:
        """The question as asked with its misspelt words replaced by the indexed ones."""
        return corrected(self.text, self.expansion.corrections)
