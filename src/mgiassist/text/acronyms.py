"""Acronyms and their long forms, learnt from the indexed texts themselves.

Two sources, both mined at index time:

- **definitions** written in the text: "Ministry of Labour and Vocational Training (MoLVT)" or
  "MOI (Ministry of Interior)". The long form is the shortest run of words before the bracket whose
  initials spell the acronym (in the manner of Schwartz & Hearst, 2003; connector words such as
  "of" or "and" may give a letter or none, and one other word may be passed over).
- **capitalised phrases** ("Technical and Vocational Education and Training"): a question may use
  an acronym the profile never writes ("TVET"); it is matched against the initials of these
  phrases, strictly (every capitalised word gives its letter).

Both are stored with the index as JSON; nothing here is specific to one profile.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["AcronymTable", "find_definitions", "initials_match", "is_acronym", "mine_phrases"]

_CONNECTORS = frozenset(
    ["a", "an", "and", "of", "for", "the", "on", "in", "to", "at", "by", "with", "&", "de", "des", "du", "la", "le", "les", "et", "y", "del"]
)
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?|&", re.UNICODE)
_PAREN = re.compile(r"\(([^()]{1,160})\)")
_TOKEN_BEFORE = re.compile(r"([A-Za-z][A-Za-z&\-]{1,11})\s*$")
_CLAUSE_END = re.compile(r"[.;:!?\n]\s")
_ACRONYM_TOKEN = re.compile(r"(?<![\w-])([A-Za-z][A-Za-z&]{1,11})(?![\w-])")
# A run of capitalised words, connectors allowed between them: "Ministry of Labour and Vocational Training".
_PHRASE = re.compile(
    r"[A-Z][\w’'\-]*(?:\s+(?:(?:and|of|for|the|on|in|to|&|de|des|du|et)\s+)*[A-Z][\w’'\-]*)+"
)
_MAX_PHRASE_WORDS = 10


def is_acronym(token: str) -> bool:
    """Two or more capitals making at least half the letters ("MoLVT", "TVET", "MRCs"), no digits."""
    letters = [c for c in token if c.isalpha()]
    upper = sum(c.isupper() for c in letters)
    return 2 <= len(letters) <= 12 and upper >= 2 and upper * 2 >= len(letters) and token[0].isupper()


def _letters(acronym: str) -> str:
    """The letters to spell: lower-case, a plural "s" dropped ("MRCs" → "mrc")."""
    if len(acronym) > 2 and acronym.endswith("s") and acronym[:-1].isupper():
        acronym = acronym[:-1]
    return "".join(c for c in acronym.lower() if c.isalpha())


def _split(words: Iterable[str]) -> list[str]:
    out: list[str] = []
    for word in words:
        out.extend(part for part in re.split(r"[-‐–]", word) if part)
    return out


def initials_match(acronym: str, words: Sequence[str], *, skips: int = 0) -> bool:
    """Whether the initials of ``words`` spell ``acronym``.

    The first and last words must give a letter; connectors give one letter or none; up to
    ``skips`` other words may give none.
    """
    letters = _letters(acronym)
    words = _split(words)
    if not letters or not words or words[0][0].lower() != letters[0]:
        return False

    @functools.cache
    def fits(i: int, j: int, skipped: int) -> bool:
        if j == len(words):
            return i == len(letters)
        word = words[j].lower()
        last = j == len(words) - 1
        if i < len(letters) and word[0] == letters[i] and fits(i + 1, j + 1, skipped):
            return True
        if last or j == 0:
            return False
        if word in _CONNECTORS:
            return fits(i, j + 1, skipped)
        return skipped < skips and fits(i, j + 1, skipped + 1)

    return fits(0, 0, 0)


def find_definitions(text: str) -> list[tuple[str, str]]:
    """(acronym, long form) pairs defined in ``text`` by brackets, in either order."""
    found: list[tuple[str, str]] = []
    for match in _PAREN.finditer(text):
        inner = match.group(1).strip()
        before = text[: match.start()]
        clause = _CLAUSE_END.split(before[-300:])[-1]
        if is_acronym(inner):
            words = _WORD.findall(clause)
            letters = len(_letters(inner))
            window = words[-min(letters + 5, 2 * letters + 2):]
            for start in range(len(window) - 1, -1, -1):
                candidate = window[start:]
                if initials_match(inner, candidate, skips=1):
                    found.append((inner, _phrase_text(clause, candidate)))
                    break
        else:
            token = _TOKEN_BEFORE.search(before)
            if token and is_acronym(token.group(1)):
                words = _WORD.findall(inner)
                if 2 <= len(words) <= 12 and initials_match(token.group(1), words, skips=1):
                    found.append((token.group(1), inner))
    return found


def _phrase_text(clause: str, words: Sequence[str]) -> str:
    """The long form as written (spaces and hyphens kept), found from its words."""
    pattern = r"\W+".join(re.escape(w) for w in words)
    match = None
    for match in re.finditer(pattern, clause):
        pass
    return match.group(0) if match else " ".join(words)


def mine_phrases(text: str) -> set[str]:
    """Capitalised multi-word phrases of ``text`` (the candidates for undefined acronyms)."""
    phrases = set()
    for match in _PHRASE.finditer(text):
        words = _WORD.findall(match.group(0))
        while words and words[0].lower() in _CONNECTORS:
            words = words[1:]  # "The Department of …" is also "Department of …"
        content = [w for w in words if w.lower() not in _CONNECTORS]
        if 2 <= len(content) and len(words) <= _MAX_PHRASE_WORDS:
            phrases.add(" ".join(words))
    return phrases


def _runs(words: Sequence[str]) -> list[Sequence[str]]:
    """The runs of ``words`` of two or more that open and close with a word that is no connector."""
    bounds = [i for i, w in enumerate(words) if w.lower() not in _CONNECTORS]
    return [words[i : j + 1] for a, i in enumerate(bounds) for j in bounds[a + 1 :]]


def _keys(phrase: str) -> set[str]:
    """Every acronym ``phrase`` can be written as: each connector gives its letter or none."""
    words = _split(phrase.split())
    keys = {""}
    for word in words:
        initial = word[0].lower()
        if word.lower() in _CONNECTORS:
            keys |= {k + initial for k in keys}
        else:
            keys = {k + initial for k in keys}
        if len(keys) > 64:
            break
    return {k for k in keys if len(k) >= 3}


@dataclass
class AcronymTable:
    """Long forms by acronym (upper-cased letters): defined ones, and capitalised phrases."""

    defined: dict[str, list[str]] = field(default_factory=dict)
    phrases: list[str] = field(default_factory=list)

    @classmethod
    def mine(cls, texts: Iterable[str]) -> AcronymTable:
        defined: dict[str, set[str]] = {}
        phrases: set[str] = set()
        for text in texts:
            for acronym, long_form in find_definitions(text):
                defined.setdefault(_letters(acronym).upper(), set()).add(long_form)
            phrases |= mine_phrases(text)
        return cls({k: sorted(v) for k, v in sorted(defined.items())}, sorted(phrases))

    def to_dict(self) -> dict[str, Any]:
        return {"defined": self.defined, "phrases": self.phrases}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AcronymTable:
        defined = data.get("defined", {})
        phrases = data.get("phrases", [])
        if not isinstance(defined, dict) or not isinstance(phrases, list):
            raise TypeError("acronym table must hold a 'defined' mapping and a 'phrases' list")
        return cls({str(k): [str(v) for v in vs] for k, vs in defined.items()}, [str(p) for p in phrases])

    @functools.cached_property
    def _by_initials(self) -> dict[str, list[str]]:
        index: dict[str, list[str]] = {}
        for phrase in self.phrases:
            for key in _keys(phrase):
                index.setdefault(key.upper(), []).append(phrase)
        return index

    def long_forms(self, acronym: str, *, guess: bool = True, max_guesses: int = 3) -> list[str]:
        """Long forms of ``acronym``: its definitions, else (``guess``) phrases with its initials."""
        key = _letters(acronym).upper()
        if key in self.defined:
            return list(self.defined[key])
        if not guess or len(key) < 3:
            return []
        guesses = self._by_initials.get(key, [])
        # the longest phrases first; "Technical and Vocational Education and Training" is one
        # phrase, several unrelated ones are a coincidence of initials rather than a meaning
        distinct = sorted(set(guesses), key=lambda p: (-len(p), p))
        return distinct if len(distinct) <= max_guesses else []

    @functools.cached_property
    def _runs_by_initials(self) -> frozenset[str]:
        keys: set[str] = set()
        for phrase in self.phrases:
            for run in _runs(phrase.split()):
                keys |= {key.upper() for key in _keys(" ".join(run))}
        return frozenset(keys)

    def spelled_by_a_run(self, acronym: str) -> bool:
        """Whether ``acronym`` spells the initials of a run of words inside one of the texts'
        capitalised phrases: "CDRI" inside "Cambodia Development Resource Institute and OECD",
        "DRR" inside "National Action Plan for Disaster Risk Reduction". Enough to say the texts
        name the thing (a question using "CDRI" is not about something they never mention),
        not to pick its long form, which :meth:`long_forms` does from whole phrases."""
        key = _letters(acronym).upper()
        return len(key) >= 3 and key in self._runs_by_initials

    def acronyms_in(self, text: str) -> list[str]:
        """The acronym-shaped tokens of ``text``, in order, without repeats."""
        seen: list[str] = []
        for match in _ACRONYM_TOKEN.finditer(text):
            token = match.group(1)
            if is_acronym(token) and token not in seen:
                seen.append(token)
        return seen

    def defined_in(self, text: str) -> list[tuple[str, str]]:
        """Defined (acronym, long form) pairs whose acronym or long form occurs in ``text``."""
        lowered = text.lower()
        pairs = []
        for token in self.acronyms_in(text):
            for long_form in self.defined.get(_letters(token).upper(), ()):
                pairs.append((token, long_form))
        for key, long_forms in self.defined.items():
            for long_form in long_forms:
                if long_form.lower() in lowered and not any(lf == long_form for _, lf in pairs):
                    pairs.append((key, long_form))
        return pairs
