"""List questions answered with the profile's own list: strengths, gaps, obstacles, practices…

"What is Cambodia weak at in migration governance?" is not a search for similar sentences: the
MGI profile lists its areas with potential for further development, domain by domain. A list
question is recognised by its shape (a list noun or a strengths/weaknesses cue and little else),
and answered from chunk metadata — ``kind``, ``polarity`` and ``heading_path`` set by the parser
from the template's structure — never from the wording of one profile.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from mgiassist.answer.compose import passage_from_chunk
from mgiassist.answer.records import ANSWERED, Answer, AnswerGroup, AnswerItem, AnswerSentence
from mgiassist.schema import (
    FAMILY_LABELS,
    POLARITY_FURTHER_DEVELOPMENT,
    POLARITY_WELL_DEVELOPED,
    Chunk,
)
from mgiassist.search.followup import content_words, polarity_hint
from mgiassist.search.intents import BOTH_FINDINGS, asks_for_several
from mgiassist.text.countries import CountryMatcher
from mgiassist.text.lexical import analyse
from mgiassist.text.sentences import Span, split_sentences, strip_footnote_marks
from mgiassist.text.spelling import singular

__all__ = [
    "CLOSEST", "PAGE_SIZE", "ListRequest", "led_by", "list_answer", "list_members", "list_request",
    "names_one_member",
]

# Items on a list's first page. A profile's whole list is what "summarise every strength" asks
# for: the seeds' longest, the MGI well-developed areas, has 18 (a page of 10 showed 56 % of it);
# an annex of 30 institutions still pages.
PAGE_SIZE = 20
_ITEM_CHARS = 240
_ITEM_MIN_WORDS = 5  # a shorter first sentence is a tag line, passed over for the next

# Which chunk kind a list noun asks for. Kinds are the parser's structural labels.
_KIND_CUES = (
    ("obstacle", re.compile(r"\b(obstacles?|barriers?|hurdles?|impediments?|constraints?)\b", re.IGNORECASE)),
    ("practice", re.compile(r"\b(practices|initiatives|spotlights?|good practice)\b", re.IGNORECASE)),
    ("actor", re.compile(r"\b(actors|institutions|stakeholders|organi[sz]ations|associations|"
                         r"bodies|annex)\b", re.IGNORECASE)),
    ("timeline", re.compile(r"\b(timeline|chronolog\w*|milestones|policy (history|framework)|"
                            r"legislative framework|laws and policies|policies and laws)\b", re.IGNORECASE)),
)
_LIST_SHAPE = re.compile(
    r"^\s*(what|which|where|list|name|give|show|tell|summari[sz]e|overview|in what)\b|"
    r"\b(weak\w*|strengths?|gaps?|obstacles|practices|actors|timeline)\b", re.IGNORECASE
)
# Words that say nothing beyond "the list": they may accompany a list cue freely.
_GENERIC = set(analyse(
    "main key areas area migration governance profile profiles mapping diaspora engagement "
    "policy policies all every overall general country national government major good weak "
    "strong strength strengths weakness weaknesses gap gaps current currently perform performs "
    "doing fall falls short better improve improvement improvements potential further "
    "development developed well identified according list top biggest greatest "
    # verbs that only say "in the profile" ("the practices highlighted in the mapping")
    "listed highlighted mentioned described featured named cited presented shown given"
))
_NOUNS = {
    ("finding", POLARITY_FURTHER_DEVELOPMENT): "areas with potential for further development",
    ("finding", POLARITY_WELL_DEVELOPED): "well-developed areas",
    ("finding", None): "findings",
    ("obstacle", None): "obstacles",
    ("practice", None): "effective practices",
    ("actor", None): "actors",
    ("timeline", None): "policy milestones",
}


def _one_of(noun: str) -> str:
    """The list noun for one item: its head word in the singular ("areas with potential…" →
    "area with potential…", "policy milestones" → "policy milestone")."""
    words = noun.split()
    head = next((i for i, w in enumerate(words) if w in ("with", "of")), len(words)) - 1
    words[head] = singular(words[head]) or words[head]
    return " ".join(words)


@dataclass
class ListRequest:
    kind: str
    polarity: str | None = None
    domain: str | None = None  # restrict to this domain (a heading_path[0] value)
    noun: str | None = None  # the list noun asked ("organisations"): it may name a sub-list
    countries: tuple[str, ...] = ()  # countries the question names: members in them are asked for
    period: tuple[int, int] | None = None  # years the question bounds: dated items in them are asked for


def _in_period(chunk: Chunk, period: tuple[int, int]) -> bool:
    """Whether a dated item ("2014–2018", "2003") falls in ``period`` at least in part; an
    undated item does not."""
    years = [int(y) for y in re.findall(r"(?<!\d)(?:1[89]|20)\d\d(?!\d)", str(chunk.attributes.get("years", "")))]
    return bool(years) and min(years) <= period[1] and max(years) >= period[0]


def _name_stems(text: str) -> set[str]:
    """The stems of ``text`` with its hyphenated compounds also read closed: "Well-being of
    migrants" names "wellbeing" too, as people write it."""
    closed = re.sub(r"(?<=\w)-(?=\w)", "", text)
    return set(analyse(text)) | set(analyse(closed))


def _domain_for(words: Sequence[str], domains: Sequence[str]) -> tuple[str | None, list[str]]:
    """The domain whose name holds the leftover words, and the words no domain explains."""
    stems = [s for w in words for s in analyse(w) if s not in _GENERIC]
    if not stems:
        return None, []
    for domain in domains:
        named = _name_stems(domain) - _GENERIC
        if named and set(stems) <= named:
            return domain, []
    return None, stems


def _nearest_domain(words: Sequence[str], domains: Sequence[str]) -> str | None:
    """The one domain whose name shares the most of the question's own words ("strong points on
    safe and orderly migration" → "Safe, orderly and regular migration"); None when no domain
    shares any, or two share as many."""
    stems = {s for w in words for s in _name_stems(w) if s not in _GENERIC}
    shared = sorted(((len(stems & (_name_stems(d) - _GENERIC)), d) for d in domains), reverse=True)
    if not shared or shared[0][0] == 0 or (len(shared) > 1 and shared[1][0] == shared[0][0]):
        return None
    return shared[0][1]


# The list each intent read by meaning (mgiassist.search.intents) asks for: a section kind and
# a finding polarity.
_INTENT_LISTS = {
    "strengths": ("finding", POLARITY_WELL_DEVELOPED),
    "weaknesses": ("finding", POLARITY_FURTHER_DEVELOPMENT),
    "obstacles": ("obstacle", None),
    "practices": ("practice", None),
    "actors": ("actor", None),
    "timeline": ("timeline", None),
    BOTH_FINDINGS: ("finding", None),  # both sides
}


def list_request(
    question: str, domains: Sequence[str], matcher: CountryMatcher | None = None, *,
    intent: str | None = None, intent_read: bool = False,
    mentions: Sequence[tuple[int, int, str]] | None = None, period: tuple[int, int] | None = None,
) -> ListRequest | None:
    """The list ``question`` asks for, or None for a question about one specific thing.

    ``intent`` is what the question asks for, read by meaning (``intent_read``: a reader gave
    it; None then means it could not tell). A list intent asks for that list, whatever the
    wording; any other intent asks for one thing. Where no reader could tell, the list nouns
    and polarity words decide, as they did before intents were read by meaning. ``period`` (the
    years the question bounds, from its analysis) keeps a timeline's items dated in it.
    """
    if mentions is None and matcher is not None:
        mentions = matcher.mentions(question)
    countries = tuple(dict.fromkeys(name for _, _, name in mentions or ()))
    spans = [(start, end) for start, end, _ in mentions or ()]
    if intent in _INTENT_LISTS:
        kind, polarity = _INTENT_LISTS[intent]
        noun = next((found.group(0) for _, cue in _KIND_CUES if (found := cue.search(question))), None)
        # read by meaning, the question may word the domain its own way: the closest name counts
        domain = _nearest_domain(content_words(question, matcher, spans), domains)
        return ListRequest(kind, polarity, domain, noun, countries, period if kind == "timeline" else None)
    if intent_read and intent is not None:
        return None
    if not _LIST_SHAPE.search(question):
        return None
    kind, polarity, noun = None, None, None
    for name, cue in _KIND_CUES:
        found = cue.search(question)
        if found:
            kind, noun = name, found.group(0)
            break
    stripped = question
    for _, cue in _KIND_CUES:
        stripped = cue.sub(" ", stripped)
    if kind is None:
        polarity = polarity_hint(question)
        if polarity is None:
            return None
        kind = "finding"
    domain, leftover = _domain_for(content_words(stripped, matcher), domains)
    if leftover:
        return None  # "What obstacles does the Ministry of Labour face?" asks about one thing
    return ListRequest(kind, polarity, domain, noun, countries, period if kind == "timeline" else None)


def _in_sub_list(items: list[Chunk], noun: str | None) -> list[Chunk]:
    """The items under the sub-list the noun names, when only some sub-lists are named by it
    ("organisations" picks "Diaspora organisations in Europe" over "Diaspora related
    institutions"); otherwise all of them."""
    stems = set(analyse(noun or ""))
    if not stems:
        return items
    named = [c for c in items if stems & set(analyse(" ".join(c.heading_path[1:-1])))]
    return named if named and len(named) < len(items) else items


def _in_countries(items: list[Chunk], countries: Sequence[str], matcher: CountryMatcher | None) -> list[Chunk]:
    """The items that mention one of the question's ``countries`` other than their profile's
    own ("organisations in France"); all of them when the question names no other country."""
    if matcher is None:
        return items
    kept = []
    for chunk in items:
        asked = [c for c in countries if c != chunk.country]
        if not asked:
            kept.append(chunk)
            continue
        named = set(matcher.find(f"{' '.join(chunk.heading_path)}\n{chunk.text}"))
        if named & set(asked):
            kept.append(chunk)
    return kept


def _item_text(chunk: Chunk) -> tuple[str, Span | None]:
    """The item as one line: its own title and first sentence (findings: the sentence alone)."""
    spans = split_sentences(chunk.text)
    title = chunk.heading_path[-1] if chunk.kind != "finding" and chunk.heading_path else ""
    title = strip_footnote_marks(title)
    first = None
    for index, span in enumerate(spans):
        sentence = strip_footnote_marks(chunk.text[span.start : span.end])
        if not sentence.rstrip(".:") or sentence.rstrip(".:") in title or _restates(sentence, title):
            continue
        # a tag line ("Development activities; Integration activities.") says less than the
        # sentence after it ("This group aims to bring together…")
        if title and len(sentence.split()) < _ITEM_MIN_WORDS and index + 1 < len(spans):
            first = first or span
            continue
        first = span
        break
    sentence = strip_footnote_marks(chunk.text[first.start : first.end]) if first else ""
    if title and sentence.lower().startswith(title.lower().split(" · ")[-1].lower()):
        title = ""  # the sentence already names the item ("Lack of resources: The ministry…")
    text = " — ".join(p for p in (title, sentence) if p)
    if len(text) > _ITEM_CHARS:
        text = text[: _ITEM_CHARS - 1].rsplit(" ", 1)[0] + "…"
    return text, first


def _restates(sentence: str, title: str) -> bool:
    """Whether ``sentence`` is the item's title again, with other particulars in brackets: the
    annex opens an entry "Association … de l'Ain (ACCA) (France, 1980)." under the title "… (ACCA)
    (1980)"; the line shows the title once and the entry's first sentence of its own."""
    def bare(text: str) -> str:
        return " ".join(re.sub(r"\([^)]*\)", " ", text).strip(" .:").lower().split())

    return bool(title) and bare(sentence) == bare(title.split(" · ")[-1])


def _group_title(chunk: Chunk, request: ListRequest, countries: int) -> str:
    if request.kind == "actor" and len(chunk.heading_path) > 1:
        title = chunk.heading_path[1]
    elif request.kind == "finding" and request.polarity is None and len(chunk.heading_path) > 1:
        # both sides of the findings: each domain's well-developed areas, then its others
        title = " · ".join(chunk.heading_path[:2])
    else:
        title = chunk.heading_path[0] if chunk.heading_path else ""
    return f"{chunk.country} · {title}" if countries > 1 and chunk.country else title


# A member's name as a question may give it: its heading without the brackets (acronym, year).
_BRACKETS = re.compile(r"\([^)]*\)")
_ACRONYM_IN_BRACKETS = re.compile(r"\(([A-Z][A-Za-z]*[A-Z][A-Za-z]*)\)")
# how many of a member's name words a question must give to name it (all, for shorter names)
_NAME_WORDS = 3


def names_one_member(question: str, members: Sequence[Chunk]) -> bool:
    """Whether ``question`` names exactly one of ``members`` (list items) and asks for no list of
    several (:func:`~mgiassist.search.intents.asks_for_several`, or a plural of a word of the
    name): by its acronym ("MFAIC"), or by :data:`_NAME_WORDS` of its name's content words, all of
    them for a shorter name ("Ministry of Foreign Affairs" for the Ministry of Foreign Affairs and
    International Cooperation). A question about one member is not a request for the whole list."""
    if asks_for_several(question):
        return False
    asked = set(analyse(question))
    words = set(re.findall(r"[\w-]+", question))
    # "Which Cambodian cultural associations…": a plural of a name's word asks for all of its kind
    plurals = {one for w in words if (one := singular(w.lower())) is not None}
    named: set[frozenset[str]] = set()  # by name: every country's profile may list its own Ministry of Interior
    for member in members:
        acronyms, stems, name_words = _member_name(member.heading_path[-1] if member.heading_path else "")
        if plurals & name_words:
            continue
        if acronyms & words or (stems and len(stems & asked) >= min(_NAME_WORDS, len(stems))):
            named.add(stems)
    return len(named) == 1


@functools.lru_cache(maxsize=4096)
def _member_name(heading: str) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """A member's heading as a question may name it: its acronyms, its name's stems and its
    name's words (lower case), worked out once per heading rather than per question."""
    name = _BRACKETS.sub(" ", heading)
    return (frozenset(_ACRONYM_IN_BRACKETS.findall(heading)), frozenset(analyse(name)),
            frozenset(w.lower() for w in re.findall(r"[\w-]+", name)))


def list_members(request: ListRequest, chunks: Sequence[Chunk]) -> list[Chunk]:
    """The items of the list ``request`` asks for, wherever they are (no country kept)."""
    items = [
        c for c in chunks
        if c.kind == request.kind
        and (request.polarity is None or c.polarity == request.polarity)
        and (request.domain is None or c.domain == request.domain)
        and (request.period is None or _in_period(c, request.period))
    ]
    return _in_sub_list(items, request.noun)


def list_answer(
    request: ListRequest,
    chunks: Sequence[Chunk],
    *,
    question: str,
    search_query: str,
    offset: int = 0,
    page_size: int = PAGE_SIZE,
    matcher: CountryMatcher | None = None,
    first: str | None = None,
    edition_note: Callable[[str], str | None] | None = None,
) -> Answer | None:
    """The profile's own list for ``request`` among ``chunks`` (already filtered), one page of it.

    ``matcher`` finds the countries items mention, to keep those in the countries the question
    names; when no item is in them there is no list to give (None), and the turn says what the
    profile lists instead. ``first`` (the chunk id of the search's first passage) leads the list
    when it is a member (a timeline keeps its dates' order; the turn quotes that passage before
    it): the answer never cites less well than the search did. ``edition_note`` gives a source's
    edition note ("newest of 3 editions") for the citations.
    """
    items = _in_countries(list_members(request, chunks), request.countries, matcher)
    if not items and request.domain is not None:
        # a domain the list has no member in (another family's, or a loose reading): the whole list
        request = dataclasses.replace(request, domain=None)
        items = _in_countries(list_members(request, chunks), request.countries, matcher)
    if not items:
        return None
    countries = len({c.country for c in items})
    # A timeline keeps its dates' order, whatever the search found first (a new user's trial read
    # "2014–2018 … 2003 … 2007" as out of order): a loosely read question is led by that passage
    # quoted apart (led_by), not by reordering the timeline.
    lead = None if request.kind == "timeline" else next((c for c in items if c.chunk_id == first), None)
    if lead is not None:
        # its group first, itself first in it; the profile's order otherwise (a stable sort). Both
        # sides of the findings: its domain first (its side, then the other), then the others.
        group, domain = _group_title(lead, request, countries), lead.domain
        both = request.kind == "finding" and request.polarity is None
        items = sorted(items, key=lambda c: (both and c.domain != domain,
                                             _group_title(c, request, countries) != group, c is not lead))
    page = items[offset : offset + page_size]
    groups: dict[str, AnswerGroup] = {}
    passages = []
    sentences: list[AnswerSentence] = []
    for chunk in page:
        note = edition_note(chunk.source) if edition_note is not None else None
        passage = passage_from_chunk(chunk, len(passages) + 1, edition_note=note)
        text, span = _item_text(chunk)
        if span is not None:
            passage.highlights.append(span)
        passages.append(passage)
        title = _group_title(chunk, request, countries)
        groups.setdefault(title, AnswerGroup(title)).items.append(AnswerItem(text, passage.marker))
        # The items as sentences too, so a reader that knows only sentences still shows them.
        sentences.append(AnswerSentence(text, passage.marker, 0.0, span or Span(0, 0)))
    noun = _NOUNS.get((request.kind, request.polarity)) or _NOUNS.get((request.kind, None), "items")
    counted = _one_of(noun) if len(items) == 1 else noun
    families = {FAMILY_LABELS.get(c.family, c.family) for c in items}
    where = " and ".join(sorted({c.country for c in items if c.country})) or "The profile"
    source = f"{where}'s {' and '.join(sorted(families))}" if where != "The profile" else where
    scope = f" in {request.domain}" if request.domain else ""
    if request.period is not None:
        scope += _period_words(request.period)
    elsewhere = [c for c in request.countries if c not in {i.country for i in items}]
    if elsewhere and matcher is not None:
        scope += f" mentioning {' or '.join(elsewhere)}"
    shown = f" (showing {offset + 1}–{offset + len(page)})" if len(items) > len(page) else ""
    lead = f"{source} lists {len(items)} {counted}{scope}{shown}:"
    remaining = len(items) - offset - len(page)
    return Answer(
        question=question,
        search_query=search_query,
        abstained=False,
        sentences=sentences,
        passages=passages,
        state=ANSWERED,
        reason=f"The profile lists its {noun} under its own headings; each item is cited.",
        lead=lead,
        groups=list(groups.values()),
        more={"offset": offset + len(page), "remaining": remaining} if remaining > 0 else None,
    )


def _period_words(period: tuple[int, int]) -> str:
    first, last = period
    if first == last:
        return f" dated {first}"
    if first <= 0:
        return f" dated up to {last}"
    if last >= 9999:
        return f" dated {first} or later"
    return f" dated {first}–{last}"


CLOSEST = "Closest passage to the question"


def led_by(listed: Answer, quoted: Answer) -> Answer:
    """``listed`` (a list's first page) led by ``quoted`` (the search's first passage, quoted):
    its sentences come first as a group of their own, cited [1], and the list's markers move on.
    For a question that reads only loosely as a list, the reply then cites first what the search
    found first, and still gives the list the question may ask for."""
    shift = len(quoted.passages)
    passages = quoted.passages + [dataclasses.replace(p, marker=p.marker + shift) for p in listed.passages]
    lead_group = AnswerGroup(CLOSEST, [AnswerItem(s.text, s.marker) for s in quoted.sentences])
    groups = [lead_group] + [
        AnswerGroup(g.title, [AnswerItem(i.text, i.marker + shift) for i in g.items]) for g in listed.groups]
    sentences = quoted.sentences + [dataclasses.replace(s, marker=s.marker + shift) for s in listed.sentences]
    return dataclasses.replace(listed, passages=passages, groups=groups, sentences=sentences,
                               lead=f"{CLOSEST}, then the list: {listed.lead}")
