"""What kind of passage a question asks for, read from cue words.

"What is Cambodia weak at?" asks for the findings with potential for further development, "What
are the obstacles?" for the mapping's obstacles, "Which ministry…" for the annex of actors. A
small table maps cue words to a finding polarity and to section *kinds* (the structural roles
ingest gives sections: ``finding``, ``obstacle``, ``practice``, ``actor``, ``timeline``,
``table``/``table-row``/``figures``, ``right``), never to one profile's heading wording. Search
prefers passages of the cued polarity and kinds; an explicit filter always wins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mgiassist.schema import POLARITY_FURTHER_DEVELOPMENT, POLARITY_WELL_DEVELOPED

__all__ = ["CUES", "CUE_MARGIN", "LOCAL_CUES", "STRONG_CUES", "WEAK_CUES", "Cue", "Intent", "detect_intent", "polarity_hint", "with_meaning"]


@dataclass(frozen=True)
class Cue:
    name: str
    pattern: re.Pattern[str]
    kinds: tuple[str, ...] = ()
    polarity: str | None = None


def _words(*alternatives: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b", re.IGNORECASE)


WEAK_CUES = _words(
    r"weak\w*", r"gaps?", r"lack\w*", r"missing", r"shortcomings?", r"improve\w*", r"challenges?",
    r"problems?", r"further development", r"fall(?:s)? short", r"not (?:yet )?(?:well|good)", r"poor\w*",
    r"needs? work", r"worst", r"deficien\w*", r"limitations?", r"shortfalls?", r"falls? behind",
    r"lagging", r"underdeveloped", r"room for improvement", r"areas? to (?:improve|develop)",
)
STRONG_CUES = _words(
    r"strengths?", r"strong\w*", r"well[- ]developed", r"do(?:es)? well", r"good(?!\s+practices?)",
    r"best", r"achievements?", r"successes", r"successful", r"works? well", r"positive", r"excel\w*",
)

CUES: tuple[Cue, ...] = (
    Cue("weaknesses", WEAK_CUES, ("obstacle",), POLARITY_FURTHER_DEVELOPMENT),
    Cue("strengths", STRONG_CUES, ("practice",), POLARITY_WELL_DEVELOPED),
    Cue(
        "obstacles",
        _words(r"obstacles?", r"barriers?", r"challenges?", r"difficult(?:y|ies)", r"hurdles?",
               r"constraints?", r"impediments?", r"hinder\w*", r"obstruct\w*", r"problems?"),
        ("obstacle",),
    ),
    Cue(
        "practices",
        _words(r"good practices?", r"effective practices?", r"best practices?", r"spotlight",
               r"success stor(?:y|ies)", r"examples? of"),
        ("practice",),
    ),
    Cue(
        "actors",
        _words(r"who", r"which (?:institution|ministry|body|agency|organi[sz]ation|association|department|"
               r"group|board|committee|office)s?", r"institutions?", r"ministr(?:y|ies)", r"agenc(?:y|ies)",
               r"organi[sz]ations?", r"associations?", r"actors?", r"stakeholders?", r"responsible for"),
        ("actor",),
    ),
    Cue(
        "timeline",
        _words(r"when", r"what year", r"which year", r"since when", r"timeline", r"adopted", r"enacted",
               r"introduced", r"polic(?:y|ies)", r"laws?", r"legislation", r"strateg(?:y|ies)", r"decree"),
        ("timeline",),
    ),
    Cue(
        "figures",
        _words(r"how many", r"how much", r"number of", r"percent\w*", r"share", r"proportion",
               r"statistics?", r"figures?", r"breakdown", r"split"),
        ("table", "table-row", "figures"),
    ),
    Cue(
        "definitions",
        _words(r"defin\w*", r"mean(?:s|t|ing)?", r"refers? to", r"scope", r"concept"),
        ("definition",),
    ),
    Cue(
        "rights",
        _words(r"vote", r"voting", r"elections?", r"citizenship", r"dual nationality", r"political rights?"),
        ("right",),
    ),
)


# A national MGI profile prints each domain's definition twice, for countries and for cities (a
# local profile the same): the other level's is asked for only by a question about cities.
LOCAL_CUES = _words(r"cit(?:y|ies)", r"local", r"municipal\w*", r"urban", r"town")


@dataclass(frozen=True)
class Intent:
    """The cues found in a question: their names, the polarity asked for, the section kinds, and
    whether it asks about cities (``local``: the other level's definitions are wanted too)."""

    cues: tuple[str, ...] = ()
    polarity: str | None = None
    kinds: tuple[str, ...] = ()
    local: bool = False

    def to_dict(self) -> dict[str, object]:
        return {"cues": list(self.cues), "polarity": self.polarity, "kinds": list(self.kinds)}


def polarity_hint(text: str) -> str | None:
    """Which findings a question asks for: the weak areas, the strong ones, or either."""
    further = bool(WEAK_CUES.search(text))
    well = bool(STRONG_CUES.search(text))
    if further and not well:
        return POLARITY_FURTHER_DEVELOPMENT
    if well and not further:
        return POLARITY_WELL_DEVELOPED
    return None


def detect_intent(text: str) -> Intent:
    polarity = polarity_hint(text)
    names: list[str] = []
    kinds: list[str] = []
    for cue in CUES:
        if cue.polarity is not None and cue.polarity != polarity:
            continue  # "good" and "weak" together cancel: no polarity, no finding preference
        if cue.pattern.search(text):
            names.append(cue.name)
            kinds.extend(k for k in cue.kinds if k not in kinds)
    return Intent(tuple(names), polarity, tuple(kinds), bool(LOCAL_CUES.search(text)))


# The cue each intent read by meaning (:mod:`mgiassist.search.intents`) stands for; the others (one
# body, a date, a comparison, "other") ask for no kind of section.
_CUE_OF_INTENT = {"strengths": "strengths", "weaknesses": "weaknesses", "obstacles": "obstacles",
                  "practices": "practices", "actors": "actors", "timeline": "timeline",
                  "figure": "figures", "right": "rights",
                  "definition": "definitions"}
# How far the intent read must lead the runner-up for its cue to steer the search: the answer
# step's confident list margin (twice the list margin). Dev (the dev split and blind sets 1-10,
# 2026-12-06): the search's first passage held the evidence 916 → 945 times of 1,326 at 0.2,
# 946 at 0.0, 940 at 0.3; at 0.0 two questions on a domain's definition, read as its strengths
# at 0.13 and 0.29, fell out of the first five, one at 0.2, none at 0.3.
CUE_MARGIN = 0.2


def with_meaning(words: Intent, intent: str | None, margin: float) -> Intent:
    """``words`` (the cues a question's words name) or, when they name none, the cue of the
    ``intent`` its meaning reads, if it leads by :data:`CUE_MARGIN`: "Where is Cambodia falling
    short?" names no cue word and reads as the weaknesses; "Where do most Cambodian emigrants
    live?" reads as asking for a figure (tables, their rows and figures)."""
    name = _CUE_OF_INTENT.get(intent or "")
    if words.cues or name is None or margin < CUE_MARGIN:
        return words
    cue = next(c for c in CUES if c.name == name)
    return Intent((name,), cue.polarity, cue.kinds, words.local)
