"""The question as searched: validated, then expanded with acronym long forms and typo corrections.

Expansion only adds words ("TVET" keeps "TVET" and gains "Technical and Vocational Education and
Training"; "migrnats" keeps itself and gains "migrants"), so a query the index already reads well
ranks as before.

A question in another language than the profiles' English is recognised by its function words
(the stopword lists bm25s ships for 13 languages) and searched without them: English analysis
keeps "de", "les", "la", which otherwise match the French or Spanish names of diaspora
associations rather than what was asked. There is no translation: a bi-encoder trained on English
and shared names are all that still match, and the search says so in a note.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from mgiassist.errors import QueryError
from mgiassist.search.followup import content_words
from mgiassist.text.acronyms import is_acronym
from mgiassist.text.countries import CountryMatcher
from mgiassist.text.lexical import LexicalIndex, is_stopword

__all__ = [
    "MAX_QUERY_CHARS",
    "Expansion",
    "expand_query",
    "language_note",
    "question_language",
    "validate_query",
    "without_stopwords",
]

MAX_QUERY_CHARS = 2000
_TOKEN = re.compile(r"(?<![\w-])([^\W\d_]{2,})(?![\w-])", re.UNICODE)
_LETTERS = re.compile(r"[^\W\d_]+", re.UNICODE)
_WORDS = re.compile(r"[^\W_]+", re.UNICODE)
_LATIN = re.compile(r"[a-z]", re.IGNORECASE)
# No stopword list, but no Latin letters either (Khmer, Thai…): not the profiles' language.
OTHER_SCRIPT = "other-script"
# A question needs this many function words of one language, and more than its English ones,
# to be read as that language: one "de" or "con" in an English question is a name or a word.
MIN_FOREIGN_STOPWORDS = 2


@functools.lru_cache(maxsize=1)
def _stopword_lists() -> tuple[frozenset[str], dict[str, frozenset[str]]]:
    """English function words, and each other language's (less the words English shares)."""
    from bm25s import stopwords

    english = frozenset(stopwords.STOPWORDS_EN) | frozenset(stopwords.STOPWORDS_EN_PLUS)
    others = {
        name.removeprefix("STOPWORDS_").lower(): frozenset(getattr(stopwords, name)) - english
        for name in sorted(dir(stopwords))
        if name.startswith("STOPWORDS_") and name not in ("STOPWORDS_EN", "STOPWORDS_EN_PLUS")
    }
    return english, {name: words for name, words in others.items() if words}


def question_language(question: str) -> str | None:
    """None for an English question; else the language whose function words it uses most
    ("french", "spanish"…), or :data:`OTHER_SCRIPT` for one written without Latin letters."""
    words = [w.lower() for w in _LETTERS.findall(question)]
    if not words:
        return None
    if not any(_LATIN.match(w) for w in words):
        return OTHER_SCRIPT
    english, others = _stopword_lists()
    counts = {name: sum(w in stop for w in words) for name, stop in others.items()}
    best = max(counts, key=lambda name: (counts[name], name))
    if counts[best] < MIN_FOREIGN_STOPWORDS or counts[best] <= sum(w in english for w in words):
        return None
    return best


_LANGUAGE_NOTE = "the question reads as "


def language_note(language: str) -> str:
    """The search's note for a question in another language than the (English) profiles."""
    return (f"{_LANGUAGE_NOTE}{language.replace('-', ' ')}; the profiles are in English, "
            "so only names and words the two share can match")


def without_stopwords(text: str, language: str) -> str:
    """``text``'s words less the function words of ``language`` ("l'étranger" → "étranger")."""
    stop = _stopword_lists()[1].get(language, frozenset())
    return " ".join(w for w in _WORDS.findall(text) if w.lower() not in stop)


def validate_query(query: str, *, max_chars: int = MAX_QUERY_CHARS) -> str:
    """The query with whitespace folded; :class:`QueryError` for one that cannot be searched."""
    if not isinstance(query, str):
        raise QueryError("the question must be text")
    if len(query) > max_chars:
        raise QueryError(
            f"the question is {len(query):,} characters long; the limit is {max_chars:,} — ask about one thing at a time"
        )
    controls = sorted({ch for ch in query if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r"})
    if controls:
        names = ", ".join(f"U+{ord(ch):04X}" for ch in controls[:5])
        raise QueryError(f"the question contains control characters ({names}); remove them and ask again")
    if any(unicodedata.category(ch) == "Cs" for ch in query):
        # a lone surrogate (\udfff in JSON) is no character: it cannot even be written back
        raise QueryError("the question contains a broken character (a lone UTF-16 surrogate); retype it")
    folded = " ".join(query.split())
    if not folded:
        raise QueryError("the question is empty; type a question such as 'Can Cambodians vote from abroad?'")
    if not re.search(r"\w", folded):
        raise QueryError("the question has no words to search for")
    return folded


@dataclass(frozen=True)
class Expansion:
    """The words added to a query: acronym long forms, spelling corrections and the English
    names of countries asked about in another language."""

    acronyms: tuple[tuple[str, str], ...] = ()  # (acronym as asked, long form)
    corrections: tuple[tuple[str, str], ...] = ()  # (word as asked, indexed word)
    countries: tuple[tuple[str, str], ...] = ()  # (name as asked, "Camboya"; English name)

    @property
    def added(self) -> str:
        pairs = (*self.acronyms, *self.corrections, *self.countries)
        return " ".join(added for _, added in pairs)

    def notes(self) -> tuple[str, ...]:
        return tuple(f"{a} → {b}" for a, b in (*self.acronyms, *self.corrections, *self.countries))

    def apply(self, query: str) -> str:
        return f"{query} {self.added}" if self.added else query


def expand_query(
    question: str,
    lexical: LexicalIndex,
    countries: CountryMatcher | Sequence[tuple[int, int]] | None = None,
    *,
    spelling: bool = True,
) -> Expansion:
    """Long forms for the acronyms of ``question`` and corrections for its unknown words.

    Country names (found by a matcher, or given as spans) are never "corrected": a country no
    profile names is a fact about coverage, not a typo.
    """
    text = question
    spans = countries.spans(text) if isinstance(countries, CountryMatcher) else countries or ()
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + " " + text[end:]
    asked = set(content_words(text))
    acronyms: list[tuple[str, str]] = []
    corrections: list[tuple[str, str]] = []
    for match in _TOKEN.finditer(text):
        word = match.group(1)
        if is_stopword(word):
            continue
        known = lexical.knows(word)
        if is_acronym(word) or (not known and word.isalpha() and len(word) <= 6 and word in asked):
            forms = lexical.acronyms.long_forms(word, guess=not known)
            acronyms.extend((word, form) for form in forms if (word, form) not in acronyms)
            if forms or is_acronym(word):
                continue
        if spelling and not known and word in asked:
            fixed = lexical.speller.correct(word)
            if fixed and (word, fixed) not in corrections:
                corrections.append((word, fixed))
    return Expansion(tuple(acronyms), tuple(corrections))
