"""Follow-up questions: rewrite a question with what the conversation already established.

"Who runs it?" after "What do migrant resource centres offer in Cambodia?" is searched as
"Who runs it? migrant resource centres offer Cambodia". No language model: a follow-up is
recognised by its shape (a leading "and"/"what about", an anaphor, too few content words), the
subject is the previous turn's content words, and the country is the last one named.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bm25s.stopwords import STOPWORDS_EN

from mgiassist.search.cues import STRONG_CUES, WEAK_CUES, polarity_hint
from mgiassist.text.countries import CountryMatcher
from mgiassist.text.lexical import AUXILIARIES
from mgiassist.text.spelling import COMMON_LOG_FREQUENCY, english_log_frequency

__all__ = ["Contextualised", "content_words", "contextualise", "is_follow_up", "names_its_subject", "polarity_hint"]

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
_QUESTION_WORDS = {
    "what", "which", "who", "whom", "whose", "where", "when", "why", "how", "does", "do", "did",
    "is", "are", "was", "were", "can", "could", "should", "would", "will", "has", "have", "had",
    "tell", "me", "us", "please", "there", "it", "its", "this", "that", "these", "those", "they",
    "them", "their", "any", "some", "also", "else", "more", "again", "about", "same", "area",
    "areas", "country", "countries", "one", "ones", "thing", "things", "say", "says", "said",
    "profile", "profiles", "mention", "mentioned", "describe", "described", "list", "give", "show",
    "know", "find", "exist", "exists", "need", "needs", "needed",
    # the frame of a comparison ("Cambodia vs Venezuela"), which names no subject: blind set 3's
    # "What share of emigrants are women, Cambodia vs Venezuela?" was refused for "vs"
    "vs", "versus",
}
_STOP = set(STOPWORDS_EN) | _QUESTION_WORDS
_FOLLOW_UP_OPENERS = re.compile(
    r"^\s*(and|also|but|so|then|what about|how about|and what|what else|same for|as for)\b", re.IGNORECASE
)
_WHAT_ABOUT = re.compile(r"^\s*(?:and\s+)?(?:what|how)\s+about\s+(.+)$", re.IGNORECASE)
_ANAPHORS = re.compile(r"\b(it|its|they|them|their|theirs|this|that|these|those|such|the same)\b", re.IGNORECASE)
# Where a pronoun stands decides what it refers to. As the subject of the question ("when was
# it adopted?", "what kind of services do they provide?") or as a demonstrative after a
# preposition ("in that domain", "is that the same…") it points back to the conversation; as a
# possessive or an object after a content word ("Does Cambodia let its citizens…", "is Cambodia
# a member of it?") it refers to its own question. "that" after a noun is a relative pronoun.
_AUXILIARIES = "(?:" + "|".join(sorted(AUXILIARIES)) + ")"
_SUBJECT_PRONOUN = re.compile(rf"(?:^|\b{_AUXILIARIES}\s+|[,;]\s*)(it|they|this|that|these|those)\b", re.IGNORECASE)
_DEMONSTRATIVE = re.compile(
    r"\b(?:(?:in|on|for|with|about|of|from|by|at|to|under)\s+(?:this|that|such)|these|those)\b", re.IGNORECASE
)
# Pro-forms standing for a noun said before: "the cultural one", "irregular ones", "something
# similar", "the numbers too" (closed-class English words, not any question's topic).
_PRO_FORMS = re.compile(r"\b(one|ones|similar|too)\b(?!\s+of\b)", re.IGNORECASE)
_ANAPHORIC_THERE = re.compile(r"\bthere\b(?!\s+(is|are|was|were|be|been|'s|any|exist))", re.IGNORECASE)
_EXISTENTIAL_THERE = re.compile(r"\b(is|are|was|were)\s+there\b", re.IGNORECASE)

_FURTHER_CUES = WEAK_CUES
_WELL_CUES = STRONG_CUES


def content_words(
    text: str, matcher: CountryMatcher | None = None, spans: Sequence[tuple[int, int]] | None = None,
) -> list[str]:
    """The words of ``text`` that carry its subject (no question words, countries or polarity
    cues); the countries are found by ``matcher``, or are at ``spans`` when already found."""
    if spans is None and matcher is not None:
        spans = matcher.spans(text)
    for start, end in reversed(spans or ()):
        text = text[:start] + " " + text[end:]
    text = _FURTHER_CUES.sub(" ", text)
    text = _WELL_CUES.sub(" ", text)
    words = []
    for word in _WORD.findall(text):
        bare = word.lower().replace("’", "'")
        bare = bare.removesuffix("'s")
        if len(bare) < 2:
            continue  # the "s" left of "Cambodia's" once the country is taken out
        if bare not in _STOP and not bare.isdigit() or re.fullmatch(r"(19|20)\d\d", bare):
            words.append(word)
    return words


# The thing a wh-question asks for ("Which associations…", "what kind of services…") is not what
# a later pronoun refers to: "Which associations belong to it?" points back.
_ASKED_THING = re.compile(r"^\s*(?:which|what|how many|how much)\s+(?:kind\s+of\s+|sort\s+of\s+|type\s+of\s+)?[\w-]+",
                          re.IGNORECASE)


def _topical(words: Sequence[str]) -> list[str]:
    """The words among ``words`` that can name a subject: not among the commonest in English."""
    return [w for w in words if english_log_frequency(w) <= COMMON_LOG_FREQUENCY]


# A side of the findings with the noun it qualifies: "weak points", "strong sides", "gaps".
_SIDE = re.compile(rf"(?:{WEAK_CUES.pattern}|{STRONG_CUES.pattern})(?:\s+[\w-]+)?", re.IGNORECASE)


def _names_a_new_subject(text: str, matcher: CountryMatcher | None) -> bool:
    """Whether "what about *text*" names a subject of its own ("what about remittances?"), not
    only the other side of the findings ("what about the weak points?" after the strengths of
    one domain asks for that domain's weak points: a side of the findings and its noun)."""
    return bool(content_words(_SIDE.sub(" ", text), matcher))


def _points_back(text: str, match: re.Match[str], matcher: CountryMatcher | None) -> bool:
    """Whether the pronoun at ``match`` has nothing before it in the question to refer to. A
    country named before it ("Does Cambodia let its citizens…"), a thing named by its own name
    ("what is ACRA and where does it sit?") or two words that can name a subject ("Does the
    diaspora policy say what it aims…") are its antecedent; the thing a wh-question asks for is
    not ("Which sub-decree created it?")."""
    before = text[: match.start(1)]
    if matcher is not None and matcher.find(before):
        return False
    if names_its_subject(before):
        return False
    return len(_topical(content_words(_ASKED_THING.sub(" ", before), matcher))) < 2


def _stands_for_a_noun(text: str, match: re.Match[str]) -> bool:
    """Whether the pro-form at ``match`` stands for a noun said before. "the one" before a word
    outside the stopwords is a determiner ("the one partnerships gap the MGI flags"); "one"
    elsewhere is a pro-form ("the cultural one", "the one in France", "is one planned for the
    capital?", "setting one up")."""
    if match.group(1).lower() != "one" or not re.search(r"\bthe\s+$", text[: match.start()], re.IGNORECASE):
        return True
    following = _WORD.search(text, match.end())
    return following is None or following.group(0).lower() in _STOP or \
        text[match.end():following.start()].strip() != ""


def is_follow_up(text: str, matcher: CountryMatcher | None = None, places: CountryMatcher | None = None) -> bool:
    """Whether ``text`` leans on the conversation: it opens as a continuation ("and…", "what
    about…"), holds a pronoun with nothing before it in the question to refer to ("who runs
    them?", "is there something similar…"), or names too little to be searched on its own."""
    if _FOLLOW_UP_OPENERS.match(text):
        return True
    if any(_points_back(text, match, matcher) for match in _SUBJECT_PRONOUN.finditer(text)):
        return True
    if _DEMONSTRATIVE.search(text) or any(_stands_for_a_noun(text, match) for match in _PRO_FORMS.finditer(text)):
        return True
    if any(_points_back(text, match, matcher) for match in _ANAPHORS.finditer(text)):
        return True
    if _ANAPHORIC_THERE.search(text) and not _EXISTENTIAL_THERE.search(text):
        return True
    # Among the commonest English words ("kind", "over", "many") none names a subject: "what kind
    # of questions?" has one word of its own, as "what are the obstacles?" has.
    # A country the question names is one of its own words too ("How many Cambodians live in
    # Thailand?").
    # A thing named by its own name ("What is the IMTM?") is a subject however short the question.
    if names_its_subject(text, places):
        return False
    topical = _topical(content_words(text, matcher))
    countries = (places or matcher).find(text) if (places or matcher) is not None else []
    return len(topical) + len(countries) <= 1


# A name of its own: capitalised words in a row after the question's first word ("Department
# of Employment and Manpower", "Village-Commune Safety Policy"), or an acronym ("IMTM").
_OWN_NAME = re.compile(
    r"(?<!^)(?<![.?!]\s)\b[A-Z][\w'’-]*(?:\s+(?:of|for|and|the|de|des|du|d')?\s*[A-Z][\w'’-]*)+|\b[A-Z]{2,}s?\b"
)


def names_its_subject(text: str, places: CountryMatcher | None = None) -> bool:
    """Whether ``text`` names a body, programme or other thing by its own name; a country's name
    or code (found by ``places``) is none: "how many in the US?" leans on the conversation."""
    return any(places is None or not places.find(m.group(0)) for m in _OWN_NAME.finditer(text.strip()))


@dataclass(frozen=True)
class Contextualised:
    question: str
    search_query: str
    countries: tuple[str, ...]
    inherited_country: bool = False
    inherited_subject: str | None = None
    polarity: str | None = None
    # a question naming its own subject but no country keeps the conversation's as a preference,
    # not a filter: its subject may be another country's (the search prefers, never excludes)
    preferred_countries: tuple[str, ...] = ()


def _as_searched(turns: Sequence[str], at: int, matcher: CountryMatcher | None, searched: dict[int, str]) -> str:
    """Turn ``at`` of a conversation as it was searched: a turn that was itself a follow-up
    carries what it inherited, so a chain keeps its subject ("What do the resource centres do?"
    → "Who set them up?" → "And when?" is about the resource centres, not about "set up").
    ``searched`` remembers each turn's reading for the whole conversation: every turn is read
    once (a chain of 50 bare "and?" turns would otherwise be read 2^50 times)."""
    if at not in searched:
        searched[at] = (contextualise(turns[at], turns[:at], matcher, _searched=searched).search_query
                        if at else turns[at])
    return searched[at]


def _place_of_there(
    question: str, earlier: Sequence[str], places: CountryMatcher | None, indexed: CountryMatcher | None,
) -> str | None:
    """The place an anaphoric "there" stands for: the last country the conversation named, when
    no profile is about it and the question names none of its own ("How many Cambodians live
    there?" after "What was the 2003 MoU with Thailand about?" asks about Thailand, not the MoU;
    borrowed whole, the MoU's words led the search to the MoU and the count was refused, a new
    user's trial). A country a profile is about ("Cambodians") is the conversation's country
    already, not a place "there" stands for."""
    if places is None or not _ANAPHORIC_THERE.search(_EXISTENTIAL_THERE.sub(" ", question)):
        return None
    covered = set(indexed.find(" ".join([question, *earlier]))) if indexed is not None else set()
    if any(c not in covered for c in places.find(question)):  # "there" is a place it names
        return None
    for turn in reversed(earlier):
        named = [c for c in places.find(turn) if c not in covered]
        if named:
            return named[-1]
    return None


def contextualise(
    question: str, history: Sequence[str] = (), matcher: CountryMatcher | None = None, *,
    places: CountryMatcher | None = None, _searched: dict[int, str] | None = None,
) -> Contextualised:
    """The query to search for ``question`` given the user's earlier questions (oldest first).
    ``places`` finds every country (``matcher`` the indexed ones): an anaphoric "there" stands
    for the last one the conversation named (:func:`_place_of_there`)."""
    question = question.strip()
    countries = tuple(matcher.find(question)) if matcher is not None else ()
    earlier = [turn.strip() for turn in history if turn and turn.strip()]
    additions: list[str] = []

    inherited_country = False
    follow_up = bool(earlier) and is_follow_up(question, matcher, places)
    # A question that names its own body or programme ("What is the Khmer Rouge Victims'
    # Collective?") is about that, wherever it is; one that names none ("Can citizens vote from
    # abroad?") is about the country the conversation is on.
    preferred: tuple[str, ...] = ()
    if not countries and matcher is not None:
        for turn in reversed(earlier):
            found = matcher.find(turn)
            if found:
                if follow_up or not names_its_subject(question):
                    countries, inherited_country = tuple(found), True
                else:
                    preferred = tuple(found)
                break

    inherited_subject = None
    place = _place_of_there(question, earlier, places, matcher) if follow_up else None
    if place is not None:
        inherited_subject = place
        additions.append(place)
    elif follow_up:
        what_about = _WHAT_ABOUT.match(question)
        replaces_subject = bool(what_about and _names_a_new_subject(what_about.group(1), matcher))
        if not replaces_subject:
            searched = {} if _searched is None else _searched
            for at in range(len(earlier) - 1, -1, -1):
                words = content_words(_as_searched(earlier, at, matcher, searched), matcher)
                if words:
                    inherited_subject = " ".join(words)
                    additions.append(inherited_subject)
                    break

    if inherited_country:
        additions.extend(countries)
    polarity = polarity_hint(question)
    search_query = " ".join([question, *additions]) if additions else question
    return Contextualised(
        question=question,
        search_query=search_query,
        countries=countries,
        inherited_country=inherited_country,
        inherited_subject=inherited_subject,
        polarity=polarity,
        preferred_countries=preferred,
    )
