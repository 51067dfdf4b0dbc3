"""The profile families a question names: "according to the MGI", "in the diaspora mapping".

A question that names a family asks what that family's profiles say, not about the family: the
words are a scope, as a country's name is. Read as topic words they pull the search to the
passages that use them most, the family's introduction and definitions (dev, 2026-12-06: of
the answerable questions naming a family, the search's first passage held the answer 127 times
in 217, against 1,335 in 1,822 for the rest; "what year was the labour agreement with Thailand
signed according to the MGI?" met the MGI's introduction and domain definitions). So the search
narrows to the family named, reads what the question asks for without its name, does not search
the name's long form, and drops the name where it says where to look ("according to the MGI",
"in the mapping", "what does the profile say"), keeping it where it is what is asked about ("Who
funds the MGI?"). The names are the ones the publishers give their series and the ones staff use
for them; nothing here is one profile's.
"""

from __future__ import annotations

import re

from mgiassist.schema import FAMILY_MAPPING, FAMILY_MGI
from mgiassist.search.followup import content_words

__all__ = ["FAMILY_NAMES", "families_named", "without_family_names", "without_family_scope"]

# Each family's names: the series' own ("Migration Governance Indicators", "EU Global Diaspora
# Facility"), its short forms, and what a reader calls one document of it.
FAMILY_NAMES = {
    FAMILY_MGI: (
        r"(?:the\s+)?(?:IOM['’]?s?\s+)?(?:MGIs?|Migration\s+Governance\s+Indicators?)(?:\s+(?:local\s+)?(?:profiles?|reports?|assessments?|framework))?",
        r"(?:the\s+)?(?:IOM['’]?s?\s+)?(?:(?:local|national)\s+)?migration\s+governance\s+(?:profiles?|reports?|assessments?)",
        r"(?:the\s+)?(?:IOM['’]?s?\s+)?governance\s+(?:profiles?|reports?)",
        r"(?:the\s+)?IOM\s+(?:profiles?|reports?)",
    ),
    FAMILY_MAPPING: (
        r"(?:the\s+)?(?:EU\s+)?(?:EUDiF['’]?s?|(?:EU\s+)?Global\s+Diaspora\s+Facility['’]?s?)(?:\s+(?:diaspora\s+)?(?:engagement\s+)?(?:mappings?|fact\s*sheets?|reports?))?",
        r"(?:the\s+)?(?:EU\s+)?diaspora\s+(?:engagement\s+)?(?:mappings?|fact\s*sheets?)",
        # a bare "mapping" is the series' only after a determiner, a name or a possessive ("the
        # mapping", "the cambodia mapping", "Haiti mapping", "haiti's mapping"), not "skills mapping"
        r"(?:(?:the|this|that|its|their)\s+(?:[\w'’]+\s+)?|(?-i:[A-Z])\w*\s+|\w+['’]s?\s+)(?P<name>(?:EU\s+)?(?:mappings?|fact\s*sheets?))",
    ),
}
_NAMES = [(family, re.compile(rf"(?<![\w-])(?:{pattern})(?![\w-])", re.IGNORECASE))
          for family, patterns in FAMILY_NAMES.items() for pattern in patterns]


def _spans(text: str) -> list[tuple[int, int, str]]:
    """The longest non-overlapping spans of ``text`` that name a family, in order: a name's own
    words, not the place or determiner that tells a bare "mapping" is the series'."""
    found = sorted(((*_own_words(m), family) for family, name in _NAMES for m in name.finditer(text)),
                   key=lambda span: (span[0], -span[1]))
    spans: list[tuple[int, int, str]] = []
    for start, end, family in found:
        if not spans or start >= spans[-1][1]:
            spans.append((start, end, family))
    return spans


def _own_words(match: re.Match[str]) -> tuple[int, int]:
    return match.span("name") if "name" in match.re.groupindex else match.span()


def families_named(text: str) -> tuple[str, ...]:
    """The families ``text`` names, in order, each once."""
    return tuple(dict.fromkeys(family for _, _, family in _spans(text)))


# A family named as where to look ("according to the MGI", "in the mapping", "what does the
# profile say"), not as what is asked about ("Who funds the MGI?").
_AS_SCOPE_BEFORE = re.compile(r"(?:according\s+to|\bin|\bper|\bfrom|\bunder|\bby)\s*$", re.IGNORECASE)
_AS_SCOPE_AFTER = re.compile(r"^\s*(?:say|says|said|mention|mentions|mentioned|state|states|stated|report|reports|reported)\b",
                             re.IGNORECASE)


def without_family_scope(text: str) -> str:
    """``text`` without the family names that only say where to look (:data:`_AS_SCOPE_BEFORE`,
    :data:`_AS_SCOPE_AFTER`), with the words that say so: "… signed according to the MGI?" →
    "… signed ?"."""
    cuts = []
    for start, end, _ in _spans(text):
        before = _AS_SCOPE_BEFORE.search(text[:start])
        if before is not None:
            cuts.append((before.start(), end))
        elif _AS_SCOPE_AFTER.match(text[end:]):
            cuts.append((start, end))
    return _cut(text, cuts) or text


def without_family_names(text: str) -> str:
    """``text`` with every family name taken out ("What does the MGI say Cambodia does well?" →
    "What does say Cambodia does well?"), or ``text`` itself when no content word would be left
    ("What is the MGI?")."""
    kept = _cut(text, [(start, end) for start, end, _ in _spans(text)])
    return kept if content_words(kept) else text


def _cut(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` without the (ordered, non-overlapping) ``spans``, its spaces folded."""
    for start, end in reversed(spans):
        text = text[:start] + " " + text[end:]
    return re.sub(r"\s{2,}", " ", text).strip()
