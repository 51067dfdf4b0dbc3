"""List answers from the profile's structure, partial answers from tables and lists, states."""

from __future__ import annotations

import pytest

from mgiassist.answer import ANSWERED, NO_ANSWER, NOT_COVERED, PARTIAL, Answer
from mgiassist.answer.answerability.features import asked_period, asks_whether_one_exists
from mgiassist.answer.partial import partial_answer
from mgiassist.answer.records import AnswerSentence, CitedPassage
from mgiassist.answer.structured import CLOSEST, led_by, list_answer, list_request, names_one_member
from mgiassist.schema import Chunk, Citation, Hit, SearchResult
from mgiassist.text.countries import CountryMatcher, all_countries
from mgiassist.text.sentences import Span

WORLD = CountryMatcher(list(all_countries()))
DOMAINS = ["Migrants' rights", "Partnerships", "Obstacles", "Annex: list of actors"]


def _chunk(cid, text, heading, kind="paragraph", polarity=None, family="mgi-profile", **attributes):
    return Chunk(cid, f"{family}.txt", family, "Kenya", "KEN", "Profile", "2021",
                 tuple(heading), kind, polarity, text, text, (), attributes)


FINDINGS = [
    _chunk("f1", "Migrants have equal access to health care.", ["Migrants' rights", "Well-developed areas"],
           "finding", "well-developed"),
    _chunk("f2", "Nationals abroad cannot vote. Registration is closed.",
           ["Migrants' rights", "Areas with potential for further development"], "finding", "further-development"),
    _chunk("f3", "There is no partnership with civil society.",
           ["Partnerships", "Areas with potential for further development"], "finding", "further-development"),
    _chunk("o1", "Lack of resources: the ministry lacks staff.", ["Obstacles", "Lack of resources"], "obstacle",
           family="diaspora-mapping"),
]


@pytest.mark.parametrize(
    "question, kind, polarity, domain",
    [
        ("What is Kenya weak at in migration governance?", "finding", "further-development", None),
        ("What are the strengths in partnerships?", "finding", "well-developed", "Partnerships"),
        ("Where are the gaps?", "finding", "further-development", None),
        ("What are the obstacles to diaspora engagement?", "obstacle", None, None),
        ("What are the good practices highlighted in the mapping?", "practice", None, None),
    ],
)
def test_list_questions_are_recognised(question, kind, polarity, domain) -> None:
    request = list_request(question, DOMAINS, WORLD)
    assert request is not None
    assert (request.kind, request.polarity, request.domain) == (kind, polarity, domain)


@pytest.mark.parametrize(
    "question",
    ["Can nationals abroad vote?", "What obstacles does the Ministry of Labour face?",
     "Which body issues passports?"],
)
def test_specific_questions_are_not_list_questions(question) -> None:
    assert list_request(question, DOMAINS, WORLD) is None


def test_list_answer_groups_by_domain_and_cites_every_item() -> None:
    request = list_request("What is Kenya weak at?", DOMAINS, WORLD)
    answer = list_answer(request, FINDINGS, question="q", search_query="q")
    assert answer.state == ANSWERED and not answer.abstained
    assert [g.title for g in answer.groups] == ["Migrants' rights", "Partnerships"]
    assert [i.text for i in answer.groups[0].items] == ["Nationals abroad cannot vote."]
    assert [p.chunk_id for p in answer.passages] == ["f2", "f3"]
    assert answer.text.splitlines()[0].startswith("Kenya's MGI profile lists 2 areas with potential")
    assert "- There is no partnership with civil society. [2]" in answer.text
    assert answer.passages[0].highlighted_sentences() == ["Nationals abroad cannot vote."]


def test_both_sides_of_the_findings_come_by_domain_and_side_the_first_passage_s_domain_first() -> None:
    request = list_request("How is Kenya doing?", DOMAINS, WORLD, intent="findings", intent_read=True)
    assert (request.kind, request.polarity) == ("finding", None)
    answer = list_answer(request, FINDINGS, question="q", search_query="q", first="f3")
    assert [g.title for g in answer.groups] == [
        "Partnerships · Areas with potential for further development",
        "Migrants' rights · Well-developed areas", "Migrants' rights · Areas with potential for further development"]
    assert answer.text.splitlines()[0] == "Kenya's MGI profile lists 3 findings:"
    led = list_answer(request, FINDINGS, question="q", search_query="q", first="f2")
    # the first passage's side of its domain, then the other side, then the other domains
    assert [p.chunk_id for p in led.passages] == ["f2", "f1", "f3"]


def test_the_search_first_passage_leads_the_list_with_its_group() -> None:
    request = list_request("What is Kenya weak at?", DOMAINS, WORLD)
    answer = list_answer(request, FINDINGS, question="q", search_query="q", first="f3")
    assert [p.chunk_id for p in answer.passages] == ["f3", "f2"]
    assert [g.title for g in answer.groups] == ["Partnerships", "Migrants' rights"]
    assert [i.marker for g in answer.groups for i in g.items] == [1, 2]
    unchanged = list_answer(request, FINDINGS, question="q", search_query="q", first="o1")
    assert [p.chunk_id for p in unchanged.passages] == ["f2", "f3"]  # not a member: profile order


def test_a_list_led_by_the_search_first_passage_cites_it_first_and_keeps_every_item() -> None:
    request = list_request("What is Kenya weak at?", DOMAINS, WORLD)
    listed = list_answer(request, FINDINGS, question="q", search_query="q", first="o1")  # not a member
    first = listed.passages[0]
    quoted = Answer("q", "q", False, [AnswerSentence("Lack of resources.", 1, 0.9, Span(0, 18))],
                    [CitedPassage(**{**vars(first), "chunk_id": "o1", "marker": 1})])
    led = led_by(listed, quoted)
    assert [p.chunk_id for p in led.passages] == ["o1", "f2", "f3"]
    assert [p.marker for p in led.passages] == [1, 2, 3]
    assert [g.title for g in led.groups] == [CLOSEST, "Migrants' rights", "Partnerships"]
    assert [i.marker for g in led.groups for i in g.items] == [1, 2, 3]
    assert led.text.splitlines()[0].startswith(CLOSEST) and "- Lack of resources. [1]" in led.text
    assert led.state == ANSWERED and led.more == listed.more


@pytest.mark.parametrize(
    "question, domain",
    [
        ("Kenya's strong points on partnerships with other states?", "Partnerships"),
        ("How do migrants' rights fare, good points?", "Migrants' rights"),
        ("What does Kenya do well?", None),  # no domain named
        # a hyphenated compound in the name is read closed too, as people write it
        ("kenya's strong points on migrant wellbeing", "Well-being of migrants"),
        ("strengths on migrants' well-being", "Well-being of migrants"),
    ],
)
def test_a_list_read_by_meaning_takes_the_domain_sharing_most_words(question, domain) -> None:
    request = list_request(question, [*DOMAINS, "Well-being of migrants"], WORLD, intent="strengths",
                           intent_read=True)
    assert request.kind == "finding" and request.domain == domain


def test_a_domain_without_members_of_the_list_gives_the_whole_list() -> None:
    request = list_request("weak points in the annex of actors?", DOMAINS, WORLD, intent="weaknesses", intent_read=True)
    assert request.domain == "Annex: list of actors"
    answer = list_answer(request, FINDINGS, question="q", search_query="q")
    assert [p.chunk_id for p in answer.passages] == ["f2", "f3"]


def test_long_lists_page() -> None:
    request = list_request("What is Kenya weak at?", DOMAINS, WORLD)
    first = list_answer(request, FINDINGS, question="q", search_query="q", page_size=1)
    assert first.more == {"offset": 1, "remaining": 1} and len(first.passages) == 1
    second = list_answer(request, FINDINGS, question="q", search_query="q", offset=1, page_size=1)
    assert second.more is None and second.passages[0].chunk_id == "f3"
    assert second.to_dict()["more"] is None and first.to_dict()["more"]["remaining"] == 1


def _hit(chunk, rank=1):
    return Hit(rank, 1.0, chunk, Citation.from_chunk(chunk), dense_score=0.6)


def test_partial_answer_names_what_a_table_of_countries_lists() -> None:
    table = _chunk("t1", "Top countries of destination\nThailand\t689,451\nFrance\t69,748",
                   ["Facts & figures", "Top countries of destination"], "table", family="diaspora-mapping",
                   rows=[["Thailand", "689,451"], ["France", "69,748"]])
    result = SearchResult("How many live in Germany?", "How many live in Germany?", False, [_hit(table)])
    answer = partial_answer(result, ["Germany"], WORLD, lambda cid: [table])
    assert answer.state == PARTIAL and answer.abstained
    assert answer.text.splitlines()[0] == "The profiles don't state this for Germany."
    assert ("The diaspora engagement mapping lists the top countries of destination — Thailand, France; "
            "Germany is not among them. [1]") in answer.text
    assert answer.to_dict()["citations"][0]["chunk_id"] == "t1"
    assert partial_answer(result, ["France"], WORLD, lambda cid: [table]) is None


def _french_associations(count: int, prefix: str = "a") -> list[Chunk]:
    return [
        _chunk(f"{prefix}{i}", f"Association {i} (France).",
               ["Annex: list of actors", "Diaspora organisations in Europe", f"Association {i}"], "actor",
               family="diaspora-mapping", country="France")
        for i in range(count)
    ]


def test_partial_answer_from_a_list_whose_items_carry_a_country() -> None:
    actors = _french_associations(3)
    result = SearchResult("q", "q", False, [_hit(actors[0])])
    answer = partial_answer(result, ["United Kingdom"], WORLD, lambda cid: actors)
    assert "lists diaspora organisations in Europe in France (3); none in United Kingdom." in answer.text


def test_answer_states_travel_in_the_json() -> None:
    refused = Answer("q", "q", True, [], [], state=NOT_COVERED, reason="No indexed profile covers Kenya.")
    data = refused.to_dict()
    assert data["state"] == "not_covered" and data["abstained"] is True
    assert data["answer"] == NO_ANSWER and data["reason"] == "No indexed profile covers Kenya."
    legacy = Answer("q", "q", False, [], [])  # built without a state: derived from abstained
    assert legacy.state == ANSWERED
    with pytest.raises(ValueError):
        Answer("q", "q", False, [], [], state="maybe")


def test_list_items_are_also_sentences_for_readers_that_know_only_sentences() -> None:
    request = list_request("What is Kenya weak at?", DOMAINS, WORLD)
    answer = list_answer(request, FINDINGS, question="q", search_query="q")
    data = answer.to_dict()
    assert [s["text"] for s in data["sentences"]] == [
        "Nationals abroad cannot vote.", "There is no partnership with civil society."
    ]
    assert answer.text.count("Nationals abroad cannot vote.") == 1


def test_an_item_whose_value_did_not_survive_into_text_is_partial() -> None:
    from mgiassist.answer.partial import empty_item_answer

    empty = _chunk("r1", "Dual citizenship¹", ["Political rights", "Dual citizenship"], "right",
                   family="diaspora-mapping")
    stated = _chunk("r2", "Voting from abroad³\n³ Whilst voting is allowed, it is not implemented.",
                    ["Political rights", "Voting from abroad"], "right", family="diaspora-mapping")
    answer = empty_item_answer(SearchResult("q", "q", False, [_hit(empty), _hit(stated, 2)]))
    assert answer.state == PARTIAL and answer.passages[0].chunk_id == "r1"
    assert "lists “Dual citizenship” under Political rights, but its text gives no value" in answer.text
    assert empty_item_answer(SearchResult("q", "q", False, [_hit(stated)])) is None


ACTORS = [
    _chunk("a1", "Ministry of Labour (1993). It manages labour migration.",
           ["Annex: list of actors", "Diaspora related institutions", "Ministry of Labour (1993)"], "actor",
           family="diaspora-mapping"),
    _chunk("a2", "Kenyan Doctors (France, 1977). Development activities.",
           ["Annex: list of actors", "Diaspora organisations in Europe", "Kenyan Doctors (1977)"], "actor",
           family="diaspora-mapping"),
    _chunk("a3", "Kenyan Students (Belgium, 2001). Education.",
           ["Annex: list of actors", "Diaspora organisations in Europe", "Kenyan Students (2001)"], "actor",
           family="diaspora-mapping"),
]


def test_a_list_noun_naming_a_sub_list_keeps_that_sub_list() -> None:
    request = list_request("Which diaspora organisations are listed?", DOMAINS, WORLD)
    answer = list_answer(request, ACTORS, question="q", search_query="q", matcher=WORLD)
    assert [p.chunk_id for p in answer.passages] == ["a2", "a3"]
    # "actors" names every sub-list: all of them
    everyone = list_request("Who are the actors?", DOMAINS, WORLD)
    assert len(list_answer(everyone, ACTORS, question="q", search_query="q", matcher=WORLD).passages) == 3


def test_a_list_question_naming_a_country_gets_the_members_in_it() -> None:
    request = list_request("Which diaspora organisations are in France?", DOMAINS, WORLD)
    answer = list_answer(request, ACTORS, question="q", search_query="q", matcher=WORLD)
    assert [p.chunk_id for p in answer.passages] == ["a2"] and "mentioning France" in answer.lead
    # the profile's own country is not a filter; a country no member is in leaves no list
    own = list_request("Which Kenyan diaspora organisations are listed?", DOMAINS, WORLD)
    assert len(list_answer(own, ACTORS, question="q", search_query="q", matcher=WORLD).passages) == 2
    spain = list_request("Which diaspora organisations are in Spain?", DOMAINS, WORLD)
    assert list_answer(spain, ACTORS, question="q", search_query="q", matcher=WORLD) is None


def test_a_list_with_no_member_in_the_asked_country_says_where_its_members_are() -> None:
    from mgiassist.answer.partial import list_partial_answer

    members = _french_associations(2, prefix="o")
    result = SearchResult("Which associations exist in Canada?", "q", False, [])
    answer = list_partial_answer(result, members, ["Canada"])
    assert answer.state == PARTIAL and answer.passages[0].chunk_id == "o0"
    assert "lists diaspora organisations in Europe in France (2); none in Canada." in answer.text
    assert list_partial_answer(result, members, []) is None
    assert list_partial_answer(result, [], ["Canada"]) is None


def test_a_quote_of_only_a_valueless_item_is_told_apart() -> None:
    from mgiassist.answer.partial import quotes_only_empty_items
    from mgiassist.answer.records import CitedPassage

    empty = _chunk("r1", "Dual citizenship¹", ["Political rights", "Dual citizenship"], "right",
                   family="diaspora-mapping")
    stated = _chunk("r2", "Voting from abroad is allowed but not implemented.",
                    ["Political rights", "Voting from abroad"], "right", family="diaspora-mapping")
    result = SearchResult("q", "q", False, [_hit(empty), _hit(stated, 2)])

    def quoting(*chunk_ids):
        passages = [CitedPassage(i, i, cid, "", {}, "") for i, cid in enumerate(chunk_ids, start=1)]
        return Answer("q", "q", False, [], passages)

    assert quotes_only_empty_items(quoting("r1"), result)
    assert not quotes_only_empty_items(quoting("r1", "r2"), result)
    assert not quotes_only_empty_items(quoting(), result)

    # quoted among sentences that state things, the bare heading says it has no value
    from mgiassist.answer.partial import EMPTY_ITEM_NOTE, note_empty_items

    both = quoting("r1", "r2")
    both.sentences = [AnswerSentence("Dual citizenship", 1, 0.5, Span(0, 16)),
                      AnswerSentence("Voting from abroad is allowed but not implemented.", 2, 0.4, Span(0, 50))]
    note_empty_items(both, result)
    note_empty_items(both, result)  # once only
    assert [s.text for s in both.sentences] == ["Dual citizenship" + EMPTY_ITEM_NOTE,
                                                "Voting from abroad is allowed but not implemented."]


def test_a_list_of_one_item_says_so_in_the_singular() -> None:
    request = list_request("What is Kenya weak at in partnerships?", DOMAINS, WORLD)
    answer = list_answer(request, FINDINGS, question="q", search_query="q")
    assert answer.lead == ("Kenya's MGI profile lists 1 area with potential for further development "
                           "in Partnerships:")


@pytest.mark.parametrize("question, period", [
    ("Which measures did Kenya adopt before 2010?", (0, 2009)),
    ("What changed between 2007 and 2011?", (2007, 2011)),
    ("policies from 2003 to 2010", (2003, 2010)),
    ("What has Kenya adopted since 2014?", (2014, 9999)),
    ("What did Kenya adopt after 2015?", (2016, 9999)),
    ("What did Kenya adopt in 2007?", (2007, 2007)),
    ("the timeline in the 2022 mapping", None),  # an edition, not a period
    ("What is the timeline?", None),
])
def test_the_period_a_question_bounds_by_its_years(question, period) -> None:
    assert asked_period(question) == period


TIMELINE = [
    _chunk(f"t{i}", f"{years}: {title}.", ["Policy framework", f"{years} · {title}"], "timeline",
           family="diaspora-mapping", years=years, title=title)
    for i, (years, title) in enumerate([("2003", "MoU"), ("2007", "Prakas"), ("2014–2018", "Policy"),
                                        ("2017–2025", "Training")])
]


def test_a_timeline_asked_for_a_period_lists_the_items_dated_in_it() -> None:
    def listed(question: str) -> list[str] | None:
        request = list_request(question, ["Policy framework"], WORLD, intent="timeline", intent_read=True,
                               period=asked_period(question))
        answer = list_answer(request, TIMELINE, question=question, search_query=question)
        return None if answer is None else [p.chunk_id for p in answer.passages]

    assert listed("Which measures did Kenya adopt before 2010?") == ["t0", "t1"]
    assert listed("What has Kenya adopted since 2016?") == ["t2", "t3"]  # a range in part counts
    assert listed("What is the policy timeline?") == ["t0", "t1", "t2", "t3"]
    assert listed("What did Kenya adopt after 2030?") is None  # nothing dated then: no list
    request = list_request("Which measures before 2010?", ["Policy framework"], WORLD, intent="timeline", intent_read=True,
                           period=(0, 2009))
    assert "2 policy milestones dated up to 2009" in list_answer(request, TIMELINE, question="q", search_query="q").lead



def test_a_period_asked_of_a_question_leaning_to_the_timeline_reads_it_as_the_timeline() -> None:
    from mgiassist.answer.answerability.features import QuestionAnalysis
    from mgiassist.answer.reading import QuestionReading
    from mgiassist.answer.turn import _listed_intent
    from mgiassist.search.intents import IntentGuess

    def intent(question: str, scores: dict[str, float], read: str | None = None) -> str | None:
        analysis = QuestionAnalysis([], period=asked_period(question), one_exists=asks_whether_one_exists(question))
        return _listed_intent(QuestionReading(analysis, IntentGuess(read, max(scores.values()), 0.05, scores)))

    leaning = {"timeline": 0.30, "other": 0.22, "weaknesses": 0.12}
    assert intent("Which measures did Kenya adopt before 2010?", leaning) == "timeline"
    assert intent("Which measures did Kenya adopt?", leaning) is None  # no period: unread
    assert intent("Who ran the festival in 2018?", {"other": 0.3, "timeline": 0.25}) is None  # not leading
    assert intent("What are the strengths?", {"strengths": 0.6, "other": 0.1}, "strengths") == "strengths"
    # whether one thing exists is asked yes or no: no list, whatever the reading
    assert intent("Is there a government agency that coordinates the diaspora?", {"actors": 0.6}, "actors") == "body"
    assert intent("Does Kenya have an agency for its diaspora?", {"actors": 0.6}, "actors") == "body"
    assert intent("Are there agencies for the diaspora?", {"actors": 0.6}, "actors") == "actors"


def test_who_did_it_after_a_question_on_one_thing_asks_for_one_actor() -> None:
    from types import SimpleNamespace

    from mgiassist.answer.answerability.features import QuestionAnalysis
    from mgiassist.answer.reading import QuestionReading
    from mgiassist.answer.turn import _listed_intent
    from mgiassist.search.intents import IntentGuess

    def intent(question: str, history: list[str]) -> str | None:
        asked = SimpleNamespace(text=question, contextualised=bool(history))  # a Question's two fields read
        guess = IntentGuess("actors", 0.6, 0.3, {"actors": 0.6, "body": 0.3})
        return _listed_intent(QuestionReading(QuestionAnalysis([]), guess, asked=asked))

    assert intent("Who organised it?", ["Which festival in Paris engaged the diaspora?"]) == "body"
    assert intent("Who are its members?", ["What is the Victims' Collective?"]) == "body"  # its own entry
    assert intent("Which bodies organise festivals?", []) == "actors"  # no conversation leant on


def test_asked_how_many_of_a_thing_the_sentence_counting_it_by_name_holds_the_answer() -> None:
    from mgiassist.answer.answerability.features import QuestionAnalysis, counted_phrase
    from mgiassist.answer.reading import QuestionReading
    from mgiassist.answer.turn import _counting

    text = "It also has five bureaus. The department has nine offices."
    chunk = _chunk("d1", text, ["Annex", "Department"], "actor", family="diaspora-mapping")
    hits = [Hit(1, 1.0, chunk, Citation.from_chunk(chunk))]

    def predicate(question: str):
        reading = QuestionReading(QuestionAnalysis([], counted=counted_phrase(question)))
        return _counting(any_number, reading, SearchResult(query=question, search_query=question, hits=hits,
                                                            abstained=False))

    def any_number(sentence: str) -> bool:
        return any(w in sentence for w in ("five", "nine"))

    offices = predicate("How many offices does the department have?")
    assert not offices("It also has five bureaus.") and offices("The department has nine offices.")
    # no sentence counts staff by name: any number holds a figure, as before
    assert predicate("How many staff does the department have?") is any_number
    assert predicate("Who runs the department?") is any_number  # no count asked


def test_an_annex_entry_shows_its_title_once_and_its_first_sentence_of_substance() -> None:
    text = ("Association Culturelle de l'Ain (ACCA) (France, 1980). Development activities. "
            "The association promotes Cambodian culture in the Ain.")
    entry = _chunk("a1", text, ["Annex: list of actors", "Diaspora organisations", "Association Culturelle de l'Ain (ACCA) (1980)"],
                   "actor", family="diaspora-mapping")
    request = list_request("Which organisations are listed?", ["Annex: list of actors"], WORLD, intent="actors",
                           intent_read=True)
    answer = list_answer(request, [entry], question="q", search_query="q")
    assert answer.groups[0].items[0].text == ("Association Culturelle de l'Ain (ACCA) (1980) — "
                                              "The association promotes Cambodian culture in the Ain.")


def test_a_question_naming_one_member_of_a_list_is_about_that_member() -> None:
    annex = ("Annex", "Diaspora-related institutions")
    members = [
        _chunk("a1", "The MFAIC facilitates labour migration.",
               [*annex, "Ministry of Foreign Affairs and International Cooperation (MFAIC)"], "actor"),
        _chunk("a2", "It manages labour migration.", [*annex, "Ministry of Labour and Vocational Training (MoLVT) (1993)"], "actor"),
        _chunk("a3", "It issues passports.", [*annex, "Ministry of Interior (1996)"], "actor"),
        _chunk("a4", "A cultural association.", [*annex, "Cambodian Cultural Association"], "actor"),
    ]
    assert names_one_member("What is the Ministry of Foreign Affairs' role, and what did it do in Covid-19?", members)
    assert names_one_member("what does the MoLVT do?", members)  # by its acronym
    assert names_one_member("What does the Ministry of Interior do for migrants?", members)  # all of a short name
    assert not names_one_member("Which ministries deal with migration?", members)  # a ministry names none
    assert not names_one_member("Which Cambodian cultural associations are there?", members)  # asks for several
    assert not names_one_member("Compare the MoLVT and the MFAIC", members)  # two members
    # the same body in two countries' profiles is one name
    ghana = _chunk("g3", "It issues passports.", [*annex, "Ministry of Interior (2001)"], "actor")
    assert names_one_member("What does the Ministry of Interior do for migrants?", [*members, ghana])


def test_a_timeline_keeps_its_dates_order_whatever_the_search_found_first() -> None:
    heading = ("Policy and legislative framework",)
    timeline = [
        _chunk("t1", "2003: An MoU on the employment of workers.", [*heading, "2003 · MoU"], "timeline",
               family="diaspora-mapping"),
        _chunk("t2", "2007: Prakas 012/2007 created a taskforce.", [*heading, "2007 · Prakas"], "timeline",
               family="diaspora-mapping"),
        _chunk("t3", "2014–2018: The policy on labour migration.", [*heading, "2014–2018 · Policy"], "timeline",
               family="diaspora-mapping"),
    ]
    request = list_request("What is the policy timeline?", [], WORLD)
    answer = list_answer(request, timeline, question="q", search_query="q", first="t3")
    assert [p.chunk_id for p in answer.passages] == ["t1", "t2", "t3"]


def test_a_timeline_not_opening_with_the_search_first_passage_is_led_by_it() -> None:
    from mgiassist.answer.turn import _timeline_moves_the_lead

    heading = ("Policy and legislative framework",)
    items = [_chunk(cid, f"{year}: a milestone of the policy framework.", [*heading, year], "timeline",
                    family="diaspora-mapping") for cid, year in (("t1", "2003"), ("t2", "2007"))]
    request = list_request("What is the policy timeline?", [], WORLD)
    listed = list_answer(request, items, question="q", search_query="q", first="t2")
    found = SearchResult("q", "q", False, [_hit(items[1]), _hit(items[0], 2)])
    assert _timeline_moves_the_lead(listed, found, request)
    assert not _timeline_moves_the_lead(listed, SearchResult("q", "q", False, [_hit(items[0])]), request)
