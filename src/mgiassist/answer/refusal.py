"""Refuse on evidence, not on vocabulary: "not covered" names what the profiles do not give.

The answerability judge weighs many signals and says whether the passages found state the
answer. A "no" from it is not enough to tell a user the profiles do not cover a question: on the
held-out sets most wrong refusals came from one ordinary word the profiles happen not to use
("according", "promise", "hands", "achieve"), named as the reason. A refusal here needs positive
evidence, one of:

* **far** — the search found nothing close (its calibrated similarity floor), with no answer kind
  to look for: the question is about something else;
* **country** — it names a country that none of the passages found mentions ("with Qatar");
* **year** — it asks about a year no profile mentions ("in 2010"), or about a time relative to
  today ("last year", "next", "currently") that a dated profile cannot place;
* **answer kind** — it asks for a figure that none of the top passages holds, or a date, a
  person's name or (asking "which countries") a country that the closest sentence lacks;
* **count** — it asks how many of a thing there are, and no number in the top passages counts
  that thing or one close to it in meaning ("How many border police officers…" where the
  passages count bureaus and offices); a table among them counts what its heading says; or it
  asks "how much" and none of them gives an amount of money or a share;
* **definition only** — it names a country and the closest passage is an MGI domain's
  definition, which says what the indicators assess, not what any country does, while the
  question neither asks what the domain covers nor leans to its findings;
* **split** — it asks for a share, and the reply would lead with a split of some whole by sex
  ("♂ 53.6% ♀ 46.4%"), which says how that whole divides, not what share it is;
* **unknown term** — a word the profiles never use (nor a misspelling, derivation or long form of
  one of theirs) that is not among the 3,000 commonest English words, and that carries the question's
  meaning: leaving it out moves the question's sentence vector by at least :data:`SALIENCE`
  ("unemployment" in "What is the unemployment rate?" moves it 0.13-0.18; "according" in
  "… according to the mapping" 0.002-0.004).

Without any of these the turn answers, saying plainly that its confidence is low.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from mgiassist.answer.answerability.features import (
    TOP_PASSAGES,
    CorpusVocabulary,
    analyse_question,
    answer_type_of,
    asked_about,
    asked_period,
    asked_quantity,
    asks_for_countries,
    bounding_years,
    counted_things,
    holds_answer_type,
    relative_time,
)
from mgiassist.answer.answerability.judge import Decision, Judge
from mgiassist.answer.reading import QuestionReading
from mgiassist.schema import Chunk, SearchResult
from mgiassist.search.intents import LIST_INTENTS
from mgiassist.text.sentences import Encoder, split_sentences
from mgiassist.text.spelling import english_log_frequency, is_english_word, singular
from mgiassist.text.symbols import holds_amount, names_sex, sex_split_only, split_shown

__all__ = [
    "COUNTED", "ORDINARY_LOG_FREQUENCY", "QUANTITY_NAMED", "SALIENCE", "RefusalEvidence", "bounded_years", "no_word_known",
    "numbered_names", "only_defined", "refusal_evidence", "salience", "split_by_sex_only", "uncounted", "unknown_name",
    "unknown_number", "unknown_term", "unmeasured", "unnamed_quantity", "unplaced_year",
]

# How far leaving a word out must move the question's unit sentence vector (1 - cosine) for the
# word to be what the question is about. Chosen on the dev questions' refusals (docs/answers.md):
# the ordinary words of wrongly refused answerable questions moved it 0.002-0.047 ("escaped"
# 0.055), the missing topics of unanswerable ones ("salary", "wage", "budget", "asylum",
# "consulate") 0.056-0.18.
SALIENCE = 0.05
# How much closer a salient unknown word may bring the question to the passages found before it
# counts as said there in other words (:func:`_pull`). Dev, 2026-12-05: "ballot" +0.14, "papers"
# +0.08 (answerable); "asylum" +0.15, "consulate" +0.08 (unanswerable; "in Frankfurt" and
# "claims" still push away), "unemployment" +0.03, "wage" -0.05, "taxed" -0.10.
HELD_IN_MEANING = 0.05
# A word among the 3,000 commonest in English (pyspellchecker's frequency list: log10 count 4.34
# at rank 3,000) is ordinary: it never makes a refusal, however salient ("leaving", "papers",
# "land", "rate"); the turn answers under the low-confidence line instead. Dev, 2026-12-05: of the
# unknown words named as reasons, "leaving" (rank 521) and "papers" (1,680) refused answerable
# questions, "land" (763), "rate" (2,079) and "capital" (2,513) unanswerable ones.
ORDINARY_LOG_FREQUENCY = 4.34
# How close in meaning (cosine of single-word vectors) a word the profiles use must be to the name
# of the figure asked for, for the profiles to count as giving that kind of figure under another
# name. Seed corpus, 2026-12-05: "price" → "cost" 0.74, "fee" → "fees" 0.93, "spending" → "funds"
# 0.71; "budget" → "costs" 0.66, "age" → "underage" 0.65, "wage" → "employment" 0.60, "rate" →
# "percent" 0.58, "salary" → "pension" 0.46.
QUANTITY_NAMED = 0.7
# How close in meaning (the cosine of the phrases' unit vectors) the words after a number must
# be to the thing "how many" asks to count, for the number to count it. Dev questions (the dev
# split and blind sets 1-9, 2026-12-06), the best pair among the top three passages: answerable
# counts 0.55-1.0 ("people" - "20 members" 0.55, "trainees and workers" - "745 trainees" 0.89);
# unanswerable ones 0.03-0.48 ("labour attachés" - "nine offices" 0.38, "border police officers"
# - "five bureaus" 0.37), but for a thing the passages count of something else ("members" of
# one association, "20 members" of another).
COUNTED = 0.5
_YEAR = re.compile(r"^(1[89]|20)\d\d$")


def bounded_years(question: str, years: Sequence[str], known: Sequence[int]) -> set[str]:
    """The ``years`` that only bound a period the question asks about
    (:func:`~mgiassist.answer.answerability.features.asked_period`, as the timeline's list reads
    it), when some year the profiles mention (``known``) falls inside it: "Which measures did
    Cambodia adopt before 2010?" asks for the measures dated before 2010, which the profiles have
    whether or not they mention 2010; "What happened after 2030?" asks for a period no profile
    reaches."""
    bounds, period = bounding_years(question), asked_period(question)
    if not bounds or period is None or not any(period[0] <= k <= period[1] for k in known):
        return set()
    return {y for y in years if y in bounds}


# Kinds of answer told reliably by their form (a number, a year, a person's title and name).
_FORM_KINDS = {"number": "figure", "date": "date", "person": "person's name", "place": "country"}


@dataclass(frozen=True)
class RefusalEvidence:
    """Why a question is not covered: the kind of evidence and the things it names."""

    kind: str  # "far", "country", "year", "unplaced-year", "relative-time", "answer-kind", "quantity", "count", "amount", "split", "definition-only" or "unknown-term"
    things: tuple[str, ...] = ()

    @property
    def reason(self) -> str:
        shown = ", ".join(f"“{t}”" for t in self.things)
        if self.kind == "far":
            return "Nothing in the indexed profiles is close to this question."
        if self.kind == "country":
            return f"None of the passages found mentions {', '.join(self.things)}."
        if self.kind == "relative-time":
            return (f"The profiles are dated and cannot say what holds “{self.things[0]}”; the passages "
                    "found are related but do not answer it.")
        if self.kind == "unplaced-year":
            return (f"The passages found are related to the question, but none of them mentions "
                    f"{', '.join(self.things)}.")
        if self.kind == "quantity":
            if not self.things:  # its name is an ordinary word, which a reason never names
                return ("The passages found are related to the question, but no profile gives a figure "
                        "of the kind asked for.")
            return f"No profile gives a figure for {shown}; the passages found are related but do not answer it."
        if self.kind == "count":
            what = f"a number of {shown}" if self.things else "the number asked for"
            return f"The passages found are related to the question, but none of them gives {what}."
        if self.kind == "definition-only":
            domain, countries = self.things[0], " or ".join(self.things[1:])
            return (f"The closest passage says only what the MGI assesses under “{domain}”; none of the "
                    f"passages found says it of {countries}.")
        if self.kind == "split":
            return f"The profile gives {' and '.join(self.things)} only as a split by sex, not the share itself."
        if self.kind == "amount":
            return ("The passages found are related to the question, but none of them gives an amount "
                    "of money or a share.")
        if self.kind == "answer-kind":
            return (f"The passages found are related to the question, but the closest one gives no "
                    f"{self.things[0]} for it.")
        # a year or a word the profiles never use
        return f"The profiles never mention {shown}; the passages found are related but do not answer it."


def salience(question: str, words: Sequence[str], encode: Encoder) -> list[float]:
    """How far leaving each word out moves ``question``'s unit sentence vector (1 - cosine)."""
    if not words:
        return []
    variants = [question] + [re.sub(rf"(?<!\w){re.escape(w)}(?!\w)", " ", question) for w in words]
    rows = np.asarray(encode(variants), dtype=np.float32)
    return [float(1.0 - rows[0] @ row) for row in rows[1:]]


def _missing_kind(question: str, asked: str | None, features: dict[str, float]) -> str | None:
    """The kind of answer asked for that the closest sentence lacks, where its form tells it
    reliably: a figure (lacking also in the sentence closest in meaning: "send home" shares no
    word with the remittances figures), a date, a person's name or, asked "which countries", a
    country. "Where" alone asks for no form: "in Cambodia" answers it."""
    if asked == "place" and not asks_for_countries(question):
        return None
    if asked == "number" and not features.get("nearest_anywhere_type_missing", 1.0):
        # the sentence closest in meaning holds it ("send home": the remittances figure), and the
        # quoted reply leads with its passage. Not for a date or a name: the closest sentence
        # holding a year is often another plan's ("When was the National Action Plan for Disaster
        # Risk Reduction adopted?" met "2014–2018: National Strategic Development Plan"); dev,
        # 2026-12-06: 4 more recognised, none refused
        return None
    return _FORM_KINDS.get(asked) if asked and features.get("best_sentence_type_missing") else None


def _first_passage_holds(result: SearchResult, judge: Judge, question: str, asked: str | None) -> bool:
    """Whether the search's first passage holds an answer of the asked kind somewhere: then the
    quoted reply, which leads with it, is no worse than the search, and a refusal would hide it
    (dev, 2026-12-05: "Which countries host most Cambodian emigrants?" was refused though the
    first passage is the destinations table). Asked "which countries", a table or one of its
    rows among the top passages counts as well: it names countries, and rows are too short to be
    the sentence closest to the question ("Which country hosts the largest number of emigrants
    from …?" found the destinations table second). Not for a figure: a row of people in France
    does not say how many of them are doctors (dev: as many refusals were lost as were righted).
    """
    def holds(hit) -> bool:
        return holds_answer_type(hit.chunk.text, asked, judge.world, question, judge.profile_countries)

    if not result.hits:
        return False
    tables = [h for h in result.hits[1:TOP_PASSAGES] if _in_rows(h.chunk)] \
        if asked == "place" and asks_for_countries(question) else []
    return holds(result.hits[0]) or any(holds(h) for h in tables)


# A second question joined to the first ("…, and when were they set up?", "… and who funds it?").
_JOINED_QUESTION = re.compile(r"(?:,\s*|\s)(?:and|or)\s+(?=(?:who|whom|what|when|where|which|how|why)\b)", re.IGNORECASE)


def _clauses_ask_other_kinds(question: str, asked: str | None) -> bool:
    """Whether ``question`` joins questions that ask for different kinds of answer ("Who leads
    the MGI and who funds it?": a person, then a body): a kind one of them asks for is no reason
    to refuse them all (a new user's trial: refused for "no person's name", though the profile
    names the body that leads it and the ones that fund it)."""
    clauses = _JOINED_QUESTION.split(question)
    return len(clauses) > 1 and any(answer_type_of(c) != asked for c in clauses)


def no_word_known(result: SearchResult, judge: Judge, reading: QuestionReading) -> RefusalEvidence | None:
    """Nothing close, and not one word of the question is English or the profiles' (nor a
    misspelling of theirs): "asdkjh qwe zzzz". The judge, whose signals are about words the
    profiles lack, has nothing to weigh there (it answered such a question at 0.95)."""
    terms = reading.analysis.terms
    if not result.abstained or result.language or not terms:
        return None
    if any(is_english_word(t) or judge.vocabulary.knows(t) for t in terms):
        return None
    return RefusalEvidence("far")


def unplaced_year(
    result: SearchResult, reading: QuestionReading, vocabulary: CorpusVocabulary | None = None,
) -> RefusalEvidence | None:
    """A year the question is asked for ("remittances in 2015") that none of the passages found
    mentions: the profiles may give the figure, but not for that year, whatever else the passages
    share with the question. A reason to refuse even when the judge would answer (blind set 5:
    "How much money did Cambodians abroad send home in 2015?" was answered with the 2021 figure,
    confidently; the corpus mentions 2015 elsewhere, so the year check on the vocabulary missed it).
    A year bounding a period is not asked for when the profiles (``vocabulary``'s texts) date
    something inside it, whether or not the passages found do (:func:`bounded_years`).
    """
    years = [n for n in reading.analysis.named if _YEAR.match(n)]
    texts = [hit.chunk.text for hit in result.hits]
    if not years:
        return None
    # the profiles' years (the passages found are among them); without the vocabulary, theirs
    known = vocabulary.years if vocabulary is not None else \
        [int(word) for text in texts for word in re.findall(r"\d{4}", text) if _YEAR.match(word)]
    bounds = bounded_years(result.search_query or result.query, years, known)
    missing = [y for y in years if y not in bounds and not any(y in text for text in texts)]
    return RefusalEvidence("unplaced-year", tuple(missing)) if missing and result.hits else None


def unnamed_quantity(result: SearchResult, judge: Judge, encode: Encoder | None) -> RefusalEvidence | None:
    """The figure the question asks for by name ("What is the annual budget of…", "What's the
    minimum wage…"), when no profile names that kind of figure: neither the word, nor a
    misspelling or derivation of it, nor a word within :data:`QUANTITY_NAMED` of it in meaning. A
    reason to refuse even when the judge would answer: the passages found share the question's
    subject (the ministry, the workers in Thailand), not the figure. Dev, 2026-12-05: 34
    unanswerable questions asked so ("budget", "wage", "rate", "salary", "age"), no answerable one.
    """
    question = result.search_query or result.query
    asked = asked_quantity(question)
    words = getattr(getattr(judge, "index", None), "vocabulary", None)
    if asked is None or encode is None or words is None or not result.hits:
        return None
    phrase, noun = asked
    if judge.vocabulary.knows(noun):
        return None
    vector = np.asarray(encode([noun]), dtype=np.float32).reshape(-1)
    if float((np.asarray(words.vectors, dtype=np.float32) @ vector).max()) >= QUANTITY_NAMED:
        return None
    ordinary = " " not in phrase.strip() and english_log_frequency(phrase) >= ORDINARY_LOG_FREQUENCY
    return RefusalEvidence("quantity", () if ordinary else (phrase,))


def _in_rows(chunk: Chunk) -> bool:
    """A table, or one of its rows."""
    return bool(chunk.attributes.get("rows") or chunk.attributes.get("row"))


def _is_table(chunk: Chunk) -> bool:
    return chunk.kind == "figures" or _in_rows(chunk)


def _names(text: str, place: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(place)}(?!\w)", text, re.IGNORECASE) is not None


def uncounted(result: SearchResult, reading: QuestionReading, encode: Encoder | None) -> RefusalEvidence | None:
    """The thing a "how many" question counts, when no number in the top passages counts it:
    the words after each number ("nine *offices*") are not within :data:`COUNTED` in meaning of
    the question's ("how many *labour attachés*"), compared phrase by phrase and by their opening
    words ("people belong" with "members"). A reason to refuse even when the judge would answer:
    the passages share the subject (the embassies, the board), not the count. A table or figures
    ranked first, or naming the place asked about, counts what its heading names, which its rows
    do not repeat: the partial reply speaks for the countries it lacks."""
    asked = reading.analysis.counted
    # the model reads English: "Cambodgiens" is far from any English phrase
    if asked is None or encode is None or not result.hits or result.language:
        return None
    top = [hit.chunk for hit in result.hits[:TOP_PASSAGES]]
    # A table counts what its heading names, which its rows do not repeat: it stands for the count
    # when the search ranks it first, or when it names the place asked about ("How many Venezuelan
    # emigrants live in Thailand?"). Ranked below a passage about something else, the count asked
    # is that something's ("How many Cambodians were flown home from Malaysia on the charter
    # flight?", where the destinations table came second). Dev, 2026-12-06: 9 more recognised
    # (from 7 sets), none refused.
    places = reading.analysis.countries
    if any(_is_table(c) and (i == 0 or any(_names(c.text, p) for p in places)) for i, c in enumerate(top)):
        return None
    theirs = sorted({p for c in top for thing in counted_things(c.text) for p in _openings(thing)})
    if theirs:
        mine = _openings(asked)
        rows = np.asarray(encode(mine + theirs), dtype=np.float32)
        if float((rows[: len(mine)] @ rows[len(mine):].T).max()) >= COUNTED:
            return None
    named = _counted_name(asked)
    ordinary = " " not in named and english_log_frequency(named) >= ORDINARY_LOG_FREQUENCY
    return RefusalEvidence("count", () if ordinary else (named,))


def unmeasured(result: SearchResult, reading: QuestionReading) -> RefusalEvidence | None:
    """A "how much" question none of whose top passages gives an amount, of money or a share
    (:func:`holds_amount`): "How much money did Australia put into TRIANGLE in ASEAN?", where the
    passages say it is funded by Australia and Canada. A table of people is no amount."""
    if not reading.analysis.amount or not result.hits or result.language:
        return None
    if any(holds_amount(hit.chunk.text) for hit in result.hits[:TOP_PASSAGES]):
        return None
    return RefusalEvidence("amount")


# A question asking for a share of a whole ("What percentage of emigrants live in the EU?").
_ASKS_SHARE = re.compile(r"%|\b(?:share|percent(?:age)?s?|proportion|fraction)\b", re.IGNORECASE)


def only_defined(result: SearchResult, reading: QuestionReading) -> RefusalEvidence | None:
    """A question about a country whose closest passage is an MGI domain's definition, which says
    what the indicators assess, never what a country does: "Has Cambodia ratified the UN
    Migrant Workers Convention?" meets "The ratification of the main international conventions is
    also included within this domain". Not when it asks what the domain covers, by its meaning or
    its words, nor when it names no country ("What help do returning migrants get?")."""
    if not result.hits or result.hits[0].chunk.kind != "definition":
        return None
    asked, scores = reading.asked, reading.intent.scores if reading.intent is not None else {}
    # read as a definition or leaning to a list, however slightly ("pain points in cambodias
    # handling of mobility during crises": weaknesses by 0.006 over strengths): the domain's
    # findings, not its definition, are what it asks for
    leaning = max(scores, key=scores.__getitem__) if scores else None
    if leaning in (*LIST_INTENTS, "definition") or (asked is not None and "definitions" in asked.cues.cues):
        return None
    named = [*(asked.countries if asked is not None else ()), *reading.analysis.countries]
    if not named:
        return None
    domain = result.hits[0].chunk.heading_path[:1]
    return RefusalEvidence("definition-only", (*domain, *dict.fromkeys(named)))


def split_by_sex_only(question: str, quoted: Sequence[str]) -> RefusalEvidence | None:
    """A share asked for, not of one sex, where the reply's lead (the first of the ``quoted``
    sentences) gives only the split of a whole by sex (:func:`~mgiassist.text.symbols.sex_split_only`):
    the mapping prints "% of emigrants in total population" with the share itself in a chart no
    text keeps, and beneath it "♂ 53.6% ♀ 46.4%", how the emigrants divide. Quoted first for
    "What share of the population has emigrated?", the split reads as the answer; it is not
    (blind sets 7, 8 and 10 asked so seven times; dev, 2026-12-06: seven recognised, no answerable
    question moved). Asked "what share of emigrants are women", the split is the answer. The
    reason names every split quoted."""
    if not quoted or not _ASKS_SHARE.search(question) or names_sex(question) or not sex_split_only(quoted[0]):
        return None
    splits = dict.fromkeys(split_shown(text) for text in quoted if sex_split_only(text))
    return RefusalEvidence("split", tuple(splits)[:2])


def _openings(phrase: str) -> list[str]:
    """The phrase's opening words, one, two… all of them."""
    words = phrase.split()
    return [" ".join(words[:n]) for n in range(1, len(words) + 1)]


def _counted_name(phrase: str) -> str:
    """The counted thing as a reason names it: up to its last plural ("border police officers",
    "members" of "members does ACCA"), else its first word."""
    words = phrase.split()
    plurals = [i for i, w in enumerate(words) if singular(w.lower()) is not None]
    return " ".join(words[: plurals[-1] + 1]) if plurals else words[0]


def refusal_evidence(
    result: SearchResult, judge: Judge, decision: Decision, encode: Encoder | None,
    reading: QuestionReading | None = None,
) -> RefusalEvidence | None:
    """The positive reason to refuse ``result``'s question, or None (answer, with low confidence);
    ``reading`` is the question as the turn read it (worked out here when not given)."""
    question = result.search_query or result.query
    if reading is None:
        reading = QuestionReading(analyse_question(question, judge.world, judge.profile_countries),
                                  relative_time=relative_time(question))
    analysis = reading.analysis
    vocabulary = judge.vocabulary
    if decision.missing_countries:
        return RefusalEvidence("country", tuple(decision.missing_countries))
    years = [n for n in analysis.named if _YEAR.match(n) and not vocabulary.mentions(n)]
    if years:
        bounds = bounded_years(question, years, vocabulary.years)
        years = [y for y in years if y not in bounds]
    if years:
        return RefusalEvidence("year", tuple(years))
    unplaced = unplaced_year(result, reading, vocabulary)
    if unplaced is not None:
        return unplaced
    if reading.relative_time is not None:
        return RefusalEvidence("relative-time", (reading.relative_time,))
    quantity = unnamed_quantity(result, judge, encode)
    if quantity is not None:
        return quantity
    count = uncounted(result, reading, encode) or unmeasured(result, reading)
    if count is not None:
        return count
    kind = _missing_kind(question, analysis.answer_type, decision.features)
    if kind is not None and not _first_passage_holds(result, judge, question, analysis.answer_type) \
            and not _clauses_ask_other_kinds(result.query, analysis.answer_type):
        return RefusalEvidence("answer-kind", (kind,))
    defined = only_defined(result, reading)
    if defined is not None:
        return defined
    if result.abstained:
        return RefusalEvidence("far")
    # the names unknown_name weighs are among unknown_term's words: only the numbered ones are new
    return unknown_number(result, judge) or unknown_term(result, judge, reading, encode)


def unknown_term(
    result: SearchResult, judge: Judge, reading: QuestionReading, encode: Encoder | None,
) -> RefusalEvidence | None:
    """The words the question is about that no profile uses (nor a misspelling, derivation or
    long form of one of theirs), none among the commonest in English, each moving the question's
    meaning by at least :data:`SALIENCE` and not said in other words by the passages found
    (:func:`_pull`): "readmission" in "Has the government signed a readmission agreement…?"."""
    # Words read in another language are not evidence of a topic the profiles lack.
    if result.language or encode is None:
        return None
    analysis = reading.analysis
    salient = _salient_unknown(result, judge, [*analysis.named, *asked_about(analysis)], encode)
    return RefusalEvidence("unknown-term", tuple(salient[:3])) if salient else None


# A number naming one of a series, after the series' capitalised name: "ILO Convention 189",
# "Resolution 1325", "Sub-Decree No. 70".
_NUMBERED_NAME = re.compile(r"(?<![\w-])([A-Z][A-Za-z]*(?:-[A-Za-z]+)*)\s+(?:No\.?\s*)?(\d{1,4})(?![\w,.%]*\d)(?!\s*%)")


def numbered_names(question: str) -> list[tuple[str, str]]:
    """The (name, number) pairs ``question`` names one of a series by, years aside."""
    return [(m.group(1), m.group(2)) for m in _NUMBERED_NAME.finditer(question) if not _YEAR.match(m.group(2))]


def unknown_number(result: SearchResult, judge: Judge) -> RefusalEvidence | None:
    """A numbered name whose number no profile gives ("ILO Convention 189"), in English."""
    if result.language or not result.hits:
        return None
    question = result.search_query or result.query
    numbered = [f"{name} {number}" for name, number in numbered_names(question) if not judge.vocabulary.mentions(number)]
    return RefusalEvidence("unknown-term", tuple(numbered[:3])) if numbered else None


def unknown_name(
    result: SearchResult, judge: Judge, reading: QuestionReading, encode: Encoder | None,
) -> RefusalEvidence | None:
    """A thing the question names that no profile names: a proper name or acronym (rare in
    English, carrying the question's meaning and not said in other words by the passages found,
    as :func:`unknown_term` weighs words), or one of a numbered series whose number no profile
    gives ("ILO Convention 189" where the profile says Cambodia "ratified all eight of ILO's
    core conventions"). A reason to refuse even when the judge would answer: the passages found
    share the question's topic ("Has Cambodia endorsed the Global Compact for Migration?" met the
    profile's partnerships), not the thing it names. Dev, 2026-12-06 (2,726 questions): 11 more
    recognised, 1 answerable refused ("which one is in Brittany?", which the mapping calls
    "Bretagne"), once acronyms spelling a run of a name the texts write out ("CDRI") count as
    known; before that, 16 answerable questions naming the CDRI were refused."""
    if result.language or encode is None or not result.hits:
        return None
    numbered = unknown_number(result, judge)
    if numbered is not None:
        return numbered
    salient = _salient_unknown(result, judge, reading.analysis.named, encode)
    return RefusalEvidence("unknown-term", tuple(salient[:3])) if salient else None


def _salient_unknown(result: SearchResult, judge: Judge, words: Sequence[str], encode: Encoder) -> list[str]:
    """The ``words`` no profile uses, none among the commonest in English, that move the question's
    meaning by at least :data:`SALIENCE` and that the passages found do not say in other words
    (:func:`_pull`), the most salient first."""
    question = result.search_query or result.query
    candidates = [
        w for w in judge.vocabulary.unknown(dict.fromkeys(words))
        if not _YEAR.match(w) and english_log_frequency(w) < ORDINARY_LOG_FREQUENCY
    ]
    moved = salience(question, candidates, encode)
    salient = sorted((w for w, m in zip(candidates, moved) if m >= SALIENCE),
                     key=lambda w: -moved[candidates.index(w)])
    return [w for w in salient if _pull(question, w, result, encode) < HELD_IN_MEANING]


def _pull(question: str, word: str, result: SearchResult, encode: Encoder) -> float:
    """How much closer ``word`` brings the question to the passages found: the best cosine of
    the question with one of their sentences, less the best without the word. A word the passages
    say in other words pulls ("cast a ballot": "vote", +0.14); a missing topic pushes away
    ("minimum wage" -0.05, "taxed" -0.10)."""
    sentences = [h.chunk.text[s.start:s.end] for h in result.hits[:3] for s in split_sentences(h.chunk.text)]
    if not sentences:
        return 0.0
    without = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", " ", question)
    rows = np.asarray(encode([question, without, *sentences]), dtype=np.float32)
    return float((rows[2:] @ rows[0]).max() - (rows[2:] @ rows[1]).max())
