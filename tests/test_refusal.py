"""Refusals need positive evidence (mgiassist.answer.refusal), checked on tiny stand-ins: a
vocabulary of a few sentences and a bag-of-words encoder whose word weights say how much each
word carries the question."""

from __future__ import annotations

import dataclasses
import re
import zlib
from types import SimpleNamespace

import numpy as np
import pytest

from mgiassist.answer.answerability.features import (
    CorpusVocabulary,
    asks_amount,
    counted_phrase,
    counted_things,
)
from mgiassist.answer.answerability.judge import Decision
from mgiassist.answer.refusal import (
    SALIENCE,
    RefusalEvidence,
    numbered_names,
    only_defined,
    refusal_evidence,
    salience,
    split_by_sex_only,
    uncounted,
    unknown_name,
    unmeasured,
    unnamed_quantity,
)
from mgiassist.schema import Chunk, Citation, Hit, SearchResult
from mgiassist.search.intents import IntentGuess
from mgiassist.text.countries import CountryMatcher, all_countries
from mgiassist.text.symbols import holds_amount, sex_split_only

TEXTS = [
    "Cambodian migrant workers send remittances home; the ministry licenses recruitment agencies.",
    "Migrant resource centres give information and legal assistance to potential migrants.",
]
WORLD = CountryMatcher(list(all_countries()))


def bag_encoder(weights: dict[str, float]):
    """Unit rows of word counts, each word weighted (1 unless named), hashed into 512 columns."""
    def encode(texts: list[str]) -> np.ndarray:
        rows = np.zeros((len(texts), 512), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                rows[i, zlib.crc32(word.encode()) % 512] += weights.get(word, 1.0)
        return rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-9)
    return encode


def judge() -> SimpleNamespace:
    return SimpleNamespace(world=WORLD, profile_countries=["Cambodia"], vocabulary=CorpusVocabulary(TEXTS))


def decision(**features: float) -> Decision:
    return Decision(False, 0.2, dict(features), [])


def result(question: str, *, abstained: bool = False, language: str | None = None) -> SearchResult:
    return SearchResult(query=question, search_query=question, hits=[], abstained=abstained, language=language)


def test_salience_is_how_far_leaving_a_word_out_moves_the_question():
    encode = bag_encoder({"unemployment": 3.0, "according": 0.1})
    question = "what is the unemployment rate according to them"
    carried, frame, absent = salience(question, ["unemployment", "according", "visa"], encode)
    assert carried > SALIENCE > frame
    assert absent == pytest.approx(0.0, abs=1e-6)


def test_a_word_the_profiles_never_use_is_evidence_only_when_it_carries_the_question():
    encode = bag_encoder({"unemployment": 3.0, "according": 0.05})
    found = refusal_evidence(result("What is the unemployment rate according to the ministry?"),
                             judge(), decision(), encode)
    assert found == RefusalEvidence("unknown-term", ("unemployment",))
    assert "“unemployment”" in found.reason and "according" not in found.reason
    assert refusal_evidence(result("Which agencies does the ministry license according to it?"),
                            judge(), decision(), bag_encoder({"according": 0.05})) is None


def test_a_common_english_word_never_makes_a_refusal_however_much_it_carries():
    # "get" and "done" are among the commonest English words: never named as the missing topic
    encode = bag_encoder({"get": 10.0, "done": 10.0})
    assert refusal_evidence(result("What do migrants get done?"), judge(), decision(), encode) is None
    # nor are words among the 3,000 commonest ("papers", rank 1,680; "land", 763), while a rarer
    # one is ("amnesty", 15,043)
    assert refusal_evidence(result("Do migrants with papers get land?"), judge(), decision(),
                            bag_encoder({"papers": 10.0, "land": 10.0})) is None
    found = refusal_evidence(result("Do migrants get an amnesty?"), judge(), decision(), bag_encoder({"amnesty": 10.0}))
    assert found == RefusalEvidence("unknown-term", ("amnesty",))


def test_a_year_no_profile_mentions_a_foreign_country_and_a_missing_answer_kind_are_evidence():
    encode = bag_encoder({})
    year = refusal_evidence(result("How many agencies were licensed in 1998?"), judge(), decision(), encode)
    assert year.kind == "year" and "“1998”" in year.reason
    recent = refusal_evidence(result("How many agencies were licensed last year?"), judge(), decision(), encode)
    assert recent == RefusalEvidence("relative-time", ("last year",))
    missing = Decision(False, 0.2, {}, ["Qatar"])
    country = refusal_evidence(result("Does Cambodia have an agreement with Qatar?"), judge(), missing, encode)
    assert country.kind == "country" and "Qatar" in country.reason
    figure = refusal_evidence(result("How many resource centres are there?"), judge(),
                              decision(best_sentence_type_missing=1.0), encode)
    assert figure == RefusalEvidence("answer-kind", ("figure",))
    assert "gives no figure" in figure.reason
    # the sentence closest in meaning, in whichever top passage, holds a figure ("send home" is the
    # remittances line, which the quoted reply then leads with): no evidence
    assert refusal_evidence(result("How much do migrants send home?"), judge(),
                            decision(best_sentence_type_missing=1.0, nearest_anywhere_type_missing=0.0), encode) is None
    # not for a date: the closest sentence holding a year is often another plan's, while the one
    # sharing the question's words has none
    for elsewhere in (0.0, 1.0):
        dated = refusal_evidence(result("When did the ministry license agencies?"), judge(),
                                 decision(best_sentence_type_missing=1.0, nearest_anywhere_type_missing=elsewhere), encode)
        assert dated == RefusalEvidence("answer-kind", ("date",))


def test_where_asks_for_no_form_but_which_countries_asks_for_a_country():
    encode, missing = bag_encoder({}), decision(best_sentence_type_missing=1.0)
    assert refusal_evidence(result("Where can migrants get legal help?"), judge(), missing, encode) is None
    found = refusal_evidence(result("In which countries are labour attachés posted?"), judge(), missing, encode)
    assert found == RefusalEvidence("answer-kind", ("country",))


def test_a_search_that_found_nothing_close_is_evidence_and_another_language_is_not():
    encode = bag_encoder({})
    assert refusal_evidence(result("Book me a flight", abstained=True), judge(), decision(), encode).kind == "far"
    assert refusal_evidence(result("¿Qué pasa con los trabajadores?", language="spanish"),
                            judge(), decision(), encode) is None


@pytest.mark.parametrize("question, words", [
    ("How many agencies were licensed last year?", "last year"),
    ("When will the next national census take place?", "next"),
    ("Who is currently the Minister of Labour?", "currently"),
    ("Can members of the diaspora now get an ID card?", None),  # "now" is a clause, not a date
    ("What does this scheme do?", None),
    ("What is the last step of the procedure?", None),
    ("Who wrote the mapping and when was it last updated?", None),  # the profile's date answers it
])
def test_a_time_relative_to_today_is_read_only_where_it_dates_the_question(question, words):
    from mgiassist.answer.answerability.features import relative_time

    assert relative_time(question) == words


def test_a_year_no_passage_found_mentions_is_evidence_whatever_the_corpus_says_elsewhere():
    from mgiassist.answer.answerability.features import analyse_question
    from mgiassist.answer.reading import QuestionReading
    from mgiassist.answer.refusal import unplaced_year

    def found(question: str, passage: str):
        hit = SimpleNamespace(chunk=SimpleNamespace(text=passage))
        searched = SearchResult(query=question, search_query=question, hits=[hit], abstained=False)
        reading = QuestionReading(analyse_question(question, WORLD, ("Cambodia",)))
        return unplaced_year(searched, reading)

    asked = "How much did migrants send home in 2015?"
    evidence = found(asked, "Remittances inflow (USD million, 2021): 1,272")
    assert evidence is not None and evidence.things == ("2015",) and "2015" in evidence.reason
    assert found(asked, "In 2015 remittances reached USD 1,272 million.") is None
    assert found("How much do migrants send home?", "Remittances inflow: 1,272") is None
    # a year bounding a period the profiles date, though the passages found date nothing in it
    bound = "Which measures were adopted before 2010?"
    assert found(bound, "Measures protect migrant workers.").things == ("2010",)
    hit = SimpleNamespace(chunk=SimpleNamespace(text="Measures protect migrant workers."))
    searched = SearchResult(query=bound, search_query=bound, hits=[hit], abstained=False)
    dated = CorpusVocabulary(["In 2003 a memorandum on workers was signed."])
    assert unplaced_year(searched, QuestionReading(analyse_question(bound, WORLD, ("Cambodia",))), dated) is None


def test_a_word_the_passages_say_in_other_words_pulls_the_question_towards_them():
    from mgiassist.answer.refusal import _pull

    encode = bag_encoder({})
    hit = SimpleNamespace(chunk=SimpleNamespace(text="Citizens abroad cannot cast a ballot from home."))
    found = SearchResult(query="q", search_query="q", hits=[hit], abstained=False)
    assert _pull("can citizens abroad cast a ballot", "ballot", found, encode) > 0
    missing = SearchResult(query="q", search_query="q", abstained=False,
                           hits=[SimpleNamespace(chunk=SimpleNamespace(text="Citizens abroad cannot vote."))])
    assert _pull("can citizens abroad cast a ballot", "ballot", missing, encode) < 0


def test_a_question_with_no_word_english_or_the_profiles_know_is_far_when_nothing_is_close():
    from mgiassist.answer.answerability.features import analyse_question
    from mgiassist.answer.reading import QuestionReading
    from mgiassist.answer.refusal import no_word_known

    def read(question: str, *, abstained: bool = True, language: str | None = None):
        reading = QuestionReading(analyse_question(question, WORLD, ("Cambodia",)))
        return no_word_known(result(question, abstained=abstained, language=language), judge(), reading)

    assert read("asdkjh qwe zzzz").kind == "far"
    assert read("remitances agencys") is None  # misspellings of the profiles' words
    assert read("Book me a flight") is None  # English: the judge weighs it
    assert read("asdkjh qwe zzzz", abstained=False) is None
    assert read("quelque chose zzzz", language="french") is None


def test_a_figure_asked_for_by_a_name_no_profile_uses_or_means_is_evidence():
    # word vectors: "budget" far from every word of the profiles, "price" close to "cost"
    table = {"cost": [1.0, 0.0, 0.0], "budget": [0.0, 1.0, 0.0], "price": [0.8, 0.0, 0.6],
             "salary": [0.0, 0.6, 0.8]}
    profiles = SimpleNamespace(vectors=np.array([table["cost"]], dtype=np.float32))
    texts = [*TEXTS, "The cost of a passport is US$20."]
    judging = SimpleNamespace(world=WORLD, profile_countries=["Cambodia"], vocabulary=CorpusVocabulary(texts),
                              index=SimpleNamespace(vocabulary=profiles))

    def encode(words):
        return np.array([table.get(w, [0.0, 0.0, 1.0]) for w in words], dtype=np.float32)

    def asked(question: str) -> SearchResult:
        chunk = Chunk("c1", "m.txt", "mgi-profile", "Cambodia", "KHM", "T", None, ("Rights",), "paragraph", None,
                      texts[0], texts[0])
        return SearchResult(question, question, False, [Hit(1, 1.0, chunk, Citation.from_chunk(chunk))])

    found = unnamed_quantity(asked("What is the annual budget of the ministry?"), judging, encode)
    assert found == RefusalEvidence("quantity", ("annual budget",))
    assert "“annual budget”" in found.reason
    assert unnamed_quantity(asked("What is the price of a passport?"), judging, encode) is None  # means "cost"
    assert unnamed_quantity(asked("What is the cost of a passport?"), judging, encode) is None  # said
    assert unnamed_quantity(asked("Who issues passports?"), judging, encode) is None  # no figure asked
    # a name that is an ordinary word alone is not named in the reason
    bare = RefusalEvidence("quantity", ())
    assert "“" not in bare.reason and "no profile gives a figure" in bare.reason



def _hits(*passages: tuple[str, dict]) -> list[Hit]:
    chunks = [Chunk(chunk_id=f"c{i}", source="m.txt", family="diaspora-mapping", country="Cambodia",
                    country_code="KHM", title="Mapping", date="2022", heading_path=("Facts & figures",),
                    kind="paragraph", polarity=None, text=text, embed_text=text, attributes=attributes)
              for i, (text, attributes) in enumerate(passages, start=1)]
    return [Hit(rank=i, score=1.0 / i, chunk=c, citation=Citation.from_chunk(c)) for i, c in enumerate(chunks, 1)]


def test_asked_which_countries_a_table_row_among_the_top_passages_answers_but_not_for_a_figure():
    """The destinations table's row under a prose passage names a country, which "which
    countries" asks for; a row of people in France does not say how many of them send money."""
    encode, missing = bag_encoder({}), decision(best_sentence_type_missing=1.0, nearest_anywhere_type_missing=1.0)
    hits = _hits(("Emigration has grown since 2000 and the diaspora is large.", {}),
                 ("France\t69,748", {"row": ["France", "69,748"]}))
    hosts = "In which countries do migrant workers live?"
    found = SearchResult(query=hosts, search_query=hosts, hits=hits, abstained=False)
    assert refusal_evidence(found, judge(), missing, encode) is None
    prose_only = SearchResult(query=hosts, search_query=hosts, hits=hits[:1], abstained=False)
    assert refusal_evidence(prose_only, judge(), missing, encode) == RefusalEvidence("answer-kind", ("country",))
    doctors = "How many migrant workers send remittances from France?"
    counted = SearchResult(query=doctors, search_query=doctors, hits=hits, abstained=False)
    assert refusal_evidence(counted, judge(), missing, encode) == RefusalEvidence("answer-kind", ("figure",))


@pytest.mark.parametrize("question, bounded", [
    ("Which measures did Cambodia adopt before 2010?", {"2010"}),  # 2008 is before it
    ("What has changed since 2000?", {"2000"}),
    ("What did Cambodia adopt after 2030?", set()),  # no year the profiles date reaches past it
    ("How much was sent home in 2015?", set()),  # the year asked about, not a bound
    ("Is Cambodia party to the convention from 1990?", set()),  # "from" dates a thing
])
def test_a_year_that_only_bounds_a_period_the_profiles_reach_is_not_the_thing_asked(question, bounded):
    from mgiassist.answer.refusal import bounded_years

    years = re.findall(r"\b(?:19|20)\d\d\b", question)
    assert bounded_years(question, years, [2008, 2013, 2021]) == bounded


def test_a_year_bounding_a_period_the_profiles_date_is_no_evidence():
    encode = bag_encoder({})
    # the profiles date nothing: the year is evidence, bound or not
    assert refusal_evidence(result("Which agencies were licensed before 1998?"), judge(), decision(), encode).kind == "year"
    texts = [*TEXTS, "In 1995 the ministry licensed the first agencies."]
    dated = SimpleNamespace(world=WORLD, profile_countries=["Cambodia"], vocabulary=CorpusVocabulary(texts))
    assert refusal_evidence(result("Which agencies were licensed before 1998?"), dated, decision(), encode) is None
    assert refusal_evidence(result("Which agencies were licensed after 1998?"), dated, decision(), encode).kind == "year"


@pytest.mark.parametrize("question, counted", [
    ("How many border police officers does Cambodia employ?", "border police officers"),  # to the auxiliary
    ("How many members does the association have?", "members"),
    ("Into how many areas is the policy divided?", "areas"),  # two words before it at most
    ("roughly how many cambodians live in thailand", "cambodians live"),  # up to a stopword
    ("How many years must a foreigner live here?", None),  # a duration, not a count
    ("Is anyone looking at how many workers the market needs?", None),  # a clause, not asked
    ("Which country hosts the most, and how many?", None),  # nothing named to count
    ("Who issues passports?", None),
])
def test_how_many_asks_to_count_the_words_after_it(question, counted):
    assert counted_phrase(question) == counted


def test_the_words_after_a_number_are_what_it_counts_but_not_after_a_year_or_a_unit_of_time():
    text = ("Cambodia has ratified all eight of ILO's core conventions. In 2014 the scheme had 745 "
            "trainees. A five-year plan ran for 40 years. It is divided into six areas of implementation.")
    assert counted_things(text) == ["ILO's core conventions", "trainees", "areas of implementation"]


def _reading(question: str):
    from mgiassist.answer.answerability.features import analyse_question
    from mgiassist.answer.reading import QuestionReading

    return QuestionReading(analyse_question(question, WORLD, ["Cambodia"]))


def test_a_count_no_number_of_the_top_passages_gives_is_evidence_naming_the_thing():
    encode = bag_encoder({})
    hits = _hits(("The department has nine offices and five bureaus.", {}),
                 ("Border police check passports at the crossings.", {}))
    def found(question: str, passages=hits) -> RefusalEvidence | None:
        searched = SearchResult(query=question, search_query=question, hits=passages, abstained=False)
        return uncounted(searched, _reading(question), encode)

    officers = found("How many border police officers does Cambodia employ?")
    assert officers == RefusalEvidence("count", ("border police officers",))
    assert "a number of “border police officers”" in officers.reason
    assert found("How many offices does the department have?") is None  # "nine offices" counts them
    assert found("How many bureaus and offices are there?") is None  # by its opening word
    # one ordinary word is not named
    assert found("How many staff does the department have?") == RefusalEvidence("count", ())
    # a table counts what its heading names, which its rows do not say: no evidence
    table = _hits(("Top countries of destination\nThailand\t689,451", {"rows": [["Thailand", "689,451"]]}))
    assert found("How many border police officers does Cambodia employ?", table) is None
    # ranked under a passage about something else, the table counts that only for a place it names
    flight = ("Stranded Cambodians came home from Malaysia on a charter flight during Covid-19.", {})
    below = _hits(flight, ("Top countries of destination\nThailand\t689,451", {"rows": [["Thailand", "689,451"]]}))
    assert found("How many Cambodians came home from Malaysia on the charter flight?", below) is not None
    assert found("How many Cambodians live in Thailand?", below) is None
    assert found("Who employs border police officers?") is None  # no count asked


@pytest.mark.parametrize("text, amount", [
    ("Remittances inflow (USD million): 1,272", True),  # the code labels the number on its line
    ("Passport costs were reduced to US$20.", True),
    ("A fee of 5,000 riels is charged.", True),  # a currency's name, from pycountry
    ("a 160% increase in the number of Cambodians abroad", True),
    ("It is funded by Australia and Canada.", False),
    ("Thailand\t689,451", False),  # a count of people
    ("ALL 12 members attended in 2003.", False),  # "ALL" is a code, and an English word
    ("The dollar is used.\nIn 2003 the plan began.", False),  # not on the number's line
])
def test_an_amount_is_a_share_or_a_number_with_a_currency_near_it(text, amount):
    assert holds_amount(text) is amount


@pytest.mark.parametrize("question, asks", [
    ("How much money does Australia put into the programme?", True),
    ("By how much did emigration grow?", True),
    ("How much longer will the plan run?", False),  # time, not an amount
    ("Does the country measure how much the labour market needs migrants?", False),  # a clause
])
def test_how_much_asks_for_an_amount_as_its_own_question(question, asks):
    assert asks_amount(question) is asks


def test_how_much_with_no_amount_in_the_top_passages_is_evidence():
    def found(question: str, *texts: str) -> RefusalEvidence | None:
        searched = SearchResult(query=question, search_query=question, abstained=False,
                                hits=_hits(*((t, {}) for t in texts)))
        return uncounted(searched, _reading(question), None) or unmeasured(searched, _reading(question))

    funded = "It involves six countries and is funded by Australia and Canada."
    assert found("How much money does Australia put into the programme?", funded) == RefusalEvidence("amount")
    assert "amount of money or a share" in RefusalEvidence("amount").reason
    assert found("How much does a passport cost?", funded, "Passport costs were cut to US$20.") is None
    assert found("Who funds the programme?", funded) is None  # no amount asked



@pytest.mark.parametrize("text, split", [
    ("% of emigrants in total population ♂ 53.6% ♀ 46.4%", True),
    ("% of which in the EU\n♂ 46.5%\n♀ 53.5%", True),
    ("Men 50 %, women 50 %; boys 48%, girls 52%", True),  # two splits, each a whole
    ("Remittances as a share of GDP: 4.9%", False),  # a share, not a split
    ("♂ 53.6% ♀ 46.4%, and 4.9% of GDP", False),  # one share is not the split's
    ("women 30%, men 60%", False),  # does not sum to a whole
    ("a 160% increase", False),  # a change, no share at all
])
def test_a_split_by_sex_is_shares_beside_sex_markers_that_make_a_whole(text, split):
    assert sex_split_only(text) is split


def test_a_share_asked_for_is_not_its_split_by_sex():
    population = "% of emigrants in total population ♂ 53.6% ♀ 46.4%"
    eu = "% of which in the EU ♂ 46.5% ♀ 53.5%"
    trend = "Emigration grew by 160% between 2000 and 2015."
    found = split_by_sex_only("What share of the population has emigrated?", [population, trend, eu])
    assert found is not None and found.kind == "split"
    assert "“% of emigrants in total population” (♂ 53.6% ♀ 46.4%)" in found.reason
    assert "“% of which in the EU” (♂ 46.5% ♀ 53.5%)" in found.reason
    # asked about the sexes, the split is the answer; asked no share, it is not the question
    assert split_by_sex_only("What share of emigrants are women?", [population]) is None
    assert split_by_sex_only("How many Cambodians live abroad?", [population]) is None
    # the reply leads with a share that is no split: that share may be the answer
    assert split_by_sex_only("What share of GDP are remittances?", ["Remittances as a share of GDP: 4.9%", population]) is None


def test_questions_joined_asking_other_kinds_are_not_refused_for_one_kind():
    from mgiassist.answer.refusal import _clauses_ask_other_kinds

    assert _clauses_ask_other_kinds("Who leads the MGI initiative and who funds it?", "person")
    assert _clauses_ask_other_kinds("What do the centres do, and when were they set up?", "date")
    assert not _clauses_ask_other_kinds("Who is the minister of labour?", "person")  # one question
    assert not _clauses_ask_other_kinds("When was ACRA founded and when was the IMTM set up?", "date")


def test_a_domain_definition_never_says_what_a_named_country_does():
    text = "The ratification of the main international conventions is also included within this domain."
    definition = dataclasses.replace(_hits((text, {}))[0].chunk, kind="definition",
                                     heading_path=("Migrants' rights", "Domain definition"))
    hits = [Hit(rank=1, score=1.0, chunk=definition, citation=Citation.from_chunk(definition))]

    def found(question: str, intent: IntentGuess | None = None) -> RefusalEvidence | None:
        searched = SearchResult(query=question, search_query=question, hits=hits, abstained=False)
        return only_defined(searched, dataclasses.replace(_reading(question), intent=intent))

    ratified = found("Has Ghana ratified the Migrant Workers Convention?",
                     IntentGuess("right", 0.5, 0.2, {"right": 0.5, "other": 0.3}))
    assert ratified is not None and "“Migrants' rights”" in ratified.reason and "of Ghana" in ratified.reason
    assert found("Does the rights domain include conventions?") is None  # names no country
    # read as asking what the domain covers, or leaning to its findings: not evidence
    assert found("What does Ghana's rights domain cover?", IntentGuess("definition", 0.6, 0.3, {"definition": 0.6})) is None
    assert found("pain points on rights in ghana", IntentGuess(None, 0.3, 0.01, {"weaknesses": 0.3, "strengths": 0.29})) is None
    # the closest passage is a finding: not this evidence
    finding = dataclasses.replace(definition, kind="finding")
    hits[0] = Hit(rank=1, score=1.0, chunk=finding, citation=Citation.from_chunk(finding))
    assert found("Has Ghana ratified the Migrant Workers Convention?") is None


def test_a_name_no_profile_gives_is_evidence_even_where_the_passages_share_the_topic():
    text = ("Cambodia has ratified all eight of ILO's core conventions and takes part in the "
            "Colombo Process with other countries of origin.")
    hits = _hits((text, {}))
    vocabulary = CorpusVocabulary([hits[0].chunk.text, "The Cambodia Development Resource Institute and OECD ran a study."])
    judged = SimpleNamespace(world=WORLD, profile_countries=["Cambodia"], vocabulary=vocabulary)
    encode = bag_encoder({"bali": 6.0, "colombo": 6.0, "cdri": 6.0, "brazil": 6.0})

    def found(question: str) -> RefusalEvidence | None:
        searched = SearchResult(query=question, search_query=question, hits=hits, abstained=False)
        return unknown_name(searched, judged, _reading(question), encode)

    assert found("Does Cambodia take part in the Bali Process?") == RefusalEvidence("unknown-term", ("Bali",))
    assert found("Does Cambodia take part in the Colombo Process?") is None  # the profiles name it
    # a number of a series the profiles do not give; "all eight" core conventions is not "189"
    assert found("Has Cambodia ratified ILO Convention 189?") == RefusalEvidence("unknown-term", ("Convention 189",))
    # an acronym spelling a run of a name the profiles write out is no unknown name
    assert found("What did CDRI study?") is None
    # a name that carries little of the question's meaning is no evidence
    assert unknown_name(SearchResult("Which Process is it?", "Which Process is it?", False, hits), judged,
                        _reading("Which Process is it?"), bag_encoder({})) is None
    # nor is anything in a question read in another language
    spanish = SearchResult("¿Participa Camboya en el Proceso de Bali?", "¿Participa Camboya en el Proceso de Bali?",
                           False, hits, language="spanish")
    assert unknown_name(spanish, judged, _reading(spanish.query), encode) is None


@pytest.mark.parametrize(("question", "names"), [
    ("Has Cambodia ratified ILO Convention 189 on domestic workers?", [("Convention", "189")]),
    ("What did Sub-Decree No. 70 create?", [("Sub-Decree", "70")]),
    ("What happened in Cambodia 2015?", []),  # a year names no member of a series
    ("How many Cambodians live in the top 5 countries?", []),  # after a lower-case word
    ("Did Thailand 4.0 change anything?", []),  # a version, not a member of a series
    ("Is ILO Convention 97 about 50% of workers?", [("Convention", "97")]),
])
def test_numbered_names_are_a_capitalised_name_and_its_number(question, names):
    assert numbered_names(question) == names


def test_a_numbered_name_no_profile_gives_is_evidence_when_the_judge_says_no():
    hits = _hits(("Cambodia has ratified all eight of ILO's core conventions.", {}))
    question = "Has Cambodia ratified ILO Convention 189?"
    searched = SearchResult(query=question, search_query=question, hits=hits, abstained=False)
    found = refusal_evidence(searched, judge(), decision(), bag_encoder({}), _reading(question))
    assert found == RefusalEvidence("unknown-term", ("Convention 189",))
    assert "“Convention 189”" in found.reason
