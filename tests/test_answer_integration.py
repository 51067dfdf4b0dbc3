"""Answer states with the real packaged model over the seed profiles (one chat turn each)."""

from __future__ import annotations

import re

import pytest
from conftest import SEED_CORPUS

from mgiassist.assistant import Assistant
from mgiassist.index import build_index

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def assistant(tmp_path_factory, real_embedder) -> Assistant:
    index_dir = tmp_path_factory.mktemp("answers") / "index"
    build_index(SEED_CORPUS, index_dir, embedder=real_embedder, progress=False)
    return Assistant.load(index_dir, embedder=real_embedder)


def test_a_destination_the_table_does_not_list_is_partial_and_names_the_listed_ones(assistant):
    answer = assistant.answer("How many Cambodians live in Germany?")
    assert answer.state in {"partial", "not_covered"} and answer.abstained
    assert answer.state == "partial"
    first, *rest = answer.text.splitlines()
    assert "Germany" in first and "don't state" in first
    statement = " ".join(rest)
    for country in ("Thailand", "United States of America", "France", "Australia", "Canada"):
        assert country in statement
    assert "Germany is not among them" in statement
    assert answer.passages and answer.passages[0].citation["domain"] == "Facts & figures"
    assert "similarity" not in answer.reason


def test_weak_at_lists_the_further_development_findings_by_domain(assistant):
    answer = assistant.answer("What is Cambodia weak at in migration governance?")
    assert answer.state == "answered"
    chunks = {p.chunk_id: assistant.chunk(p.chunk_id) for p in answer.passages}
    assert chunks and all(c.polarity == "further-development" for c in chunks.values())
    titles = [g.title for g in answer.groups]
    assert len(titles) >= 5 and len(set(titles)) == len(titles)
    assert "Migrants' rights" in titles and "Partnerships" in titles
    markers = [i.marker for g in answer.groups for i in g.items]
    assert markers == list(range(1, len(answer.passages) + 1))  # every item cited, in order
    assert "Cambodians overseas cannot vote from abroad." in answer.text


def test_one_domain_gets_only_that_domains_findings(assistant):
    answer = assistant.answer("What are Cambodia's strengths in partnerships?")
    assert answer.state == "answered"
    assert [g.title for g in answer.groups] == ["Partnerships"]
    assert all(assistant.chunk(p.chunk_id).polarity == "well-developed" for p in answer.passages)


def test_long_lists_page(assistant):
    first = assistant.answer("Who are the actors listed in the annex?", page_size=5)
    assert first.state == "answered" and len(first.passages) == 5 and first.more["remaining"] > 0
    second = assistant.answer("Who are the actors listed in the annex?", page_size=5, offset=5)
    assert {p.chunk_id for p in first.passages}.isdisjoint(p.chunk_id for p in second.passages)


@pytest.mark.parametrize(
    "question",
    [
        "How many traffickers were convicted in Cambodia last year?",
        "Who won the 2022 football World Cup?",
        pytest.param(
            "Does Cambodia issue diaspora bonds?",
            marks=pytest.mark.xfail(
                strict=True,
                reason="known gap: 'bonds' is unknown to the corpus, but so are many words of "
                "answerable paraphrases, and the dev-fitted judge still scores it above its threshold",
            ),
        ),
    ],
)
def test_near_topic_and_off_topic_unanswerables_are_not_covered(assistant, question):
    answer = assistant.answer(question)
    assert answer.state == "not_covered"
    assert answer.passages == [] and answer.sentences == []
    assert answer.nearest  # offered folded, never as the answer
    assert answer.text.startswith("The indexed profiles don't")


def test_an_organisation_country_missing_from_the_annex_is_partial(assistant):
    answer = assistant.answer("Which Cambodian diaspora organisations operate in the United Kingdom?")
    assert answer.state == "partial"
    assert "France" in answer.text and "United Kingdom" in answer.text


@pytest.mark.parametrize(
    "question, evidence",
    [
        ("Can Cambodians vote from abroad?", "vote from abroad"),
        ("What are the top countries of destination for Cambodian emigrants?", "Thailand"),
        ("Which fund pays pensions to regular workers whatever their nationality?",
         "National Social Security Fund"),
    ],
)
def test_answerable_questions_stay_answered(assistant, question, evidence):
    answer = assistant.answer(question)
    assert answer.state == "answered", answer.reason
    assert evidence in " ".join(p.text for p in answer.passages)
    assert answer.to_dict()["abstained"] is False


# Wordings that are in no question file: a year, a "next"/"last" time or a country the profiles do
# not give is recognised whatever the topic; questions the profiles answer stay answered.
@pytest.mark.parametrize(
    "question",
    [
        "When will the next national census of Cambodia take place?",
        "How many diaspora associations did Cambodia register last year?",
        "What was the passport fee in 1998?",
        "How many Cambodian migrants were returned from Vietnam in 2016?",
    ],
)
def test_unseen_near_topic_unanswerables_are_recognised(assistant, question):
    answer = assistant.answer(question)
    assert answer.state in {"partial", "not_covered"} and answer.abstained
    assert answer.sentences == []


def test_an_unanswerable_reason_names_the_asked_thing_not_the_question_frame(assistant):
    answer = assistant.answer("What was the passport fee in 1998?")
    assert answer.state == "not_covered" and "1998" in answer.reason
    assert "many" not in assistant.answer(
        "How many diaspora associations did Cambodia register last year?").reason


@pytest.mark.parametrize(
    "question",
    [
        "Which ministry issues passports?",
        "How many Cambodian emigrants live in Thailand?",
        "How many Cambodians live in France?",
        "How many trainees did the Employment Permit Scheme have?",
        "When was the Inter-Ministerial Taskforce for Migration created?",
        "What are the remittances as a share of GDP?",
        "Does the labour law protect foreigners against discrimination?",
        "What does the National Social Security Fund cover?",
    ],
)
def test_unseen_answerable_wordings_stay_answered(assistant, question):
    answer = assistant.answer(question)
    assert answer.state == "answered" and answer.passages


# The examples of refusals for ordinary words: the search ranks the answering passage first,
# and "prospective", "anti", "belong" or "send home" are no evidence that the profiles lack it.
@pytest.mark.parametrize(
    "question",
    [
        "Where can prospective migrants get counselling and legal help before they leave?",
        "Which regional anti-trafficking initiative does Cambodia belong to?",
        "How much do migrants send home in remittances?",
        "How much money do Cambodian migrants send home each year?",
    ],
)
def test_ordinary_words_the_profiles_do_not_use_cause_no_refusal(assistant, question):
    answer = assistant.answer(question)
    assert answer.state == "answered", answer.reason
    assert answer.passages


@pytest.mark.parametrize("question", [
    "What is the minimum wage for migrant workers in Cambodia?",
    "How many Cambodian nurses work in Japan?",
    # the judge fitted on every dev set doubts it (the strategy passages share only "migration
    # strategy"); the one fitted on 291 questions answered it
    "Does Cambodia have a climate migration strategy?",
])
def test_a_refusal_names_a_specific_thing_never_a_common_word(assistant, question):
    from mgiassist.answer.refusal import ORDINARY_LOG_FREQUENCY
    from mgiassist.text.spelling import english_log_frequency

    answer = assistant.answer(question)
    assert answer.state == "not_covered"
    named = re.findall(r"“([^”]+)”", answer.reason)
    assert all(english_log_frequency(w) < ORDINARY_LOG_FREQUENCY for w in named), answer.reason


def test_a_question_about_a_country_no_passage_mentions_is_not_answered_by_another_countrys_item(assistant):
    """'Dual citizenship' is an item without a value in Cambodia's mapping; asked about Vietnam,
    the reply says Vietnam is not in the passages rather than offering Cambodia's item."""
    answer = assistant.answer("does vietnam allow dual citizenship")
    assert answer.state == "not_covered" and "Vietnam" in answer.reason
    assert assistant.answer("Does Cambodia allow dual citizenship?").state == "partial"  # its own item
    # about Cambodians who live in France: their own item still answers it
    assert assistant.answer("can cambodians living in france vote in cambodian elections").state == "partial"


# Wordings in no question file: the passages are about the asked thing, but they lack the kind of
# answer asked for (an amount, a place other than the profile's own country, a count of the thing
# asked), and the reason says which.
@pytest.mark.parametrize(
    "question, reason",
    [
        ("How much does a work permit cost for a foreign worker?", "gives an amount of money or a share"),
        ("In which countries does Cambodia have labour attachés?", "gives no country"),
        ("How many border guards does Cambodia employ?", "gives a number of “border guards”"),
    ],
)
def test_a_question_whose_kind_of_answer_the_passages_lack_is_not_covered(assistant, question, reason):
    answer = assistant.answer(question)
    assert answer.state == "not_covered" and answer.sentences == []
    assert reason in answer.reason


@pytest.mark.parametrize(
    "question",
    [
        "What body coordinates migration matters and makes recommendations to government?",
        # a body's name is in most sentences: it earns no preference over the closest one
        "What body coordinates migration issues?",
        pytest.param("What body coordinates migration matters?", marks=pytest.mark.xfail(
            strict=True, reason="known gap: below the search's similarity floor, the judge fitted on every "
            "dev set gives it 0.42 ('matters' is a word the profiles never use), under the 0.5 it needs")),
    ],
)
def test_an_annex_sentence_opening_with_it_names_its_entry(assistant, question):
    answer = assistant.answer(question)
    assert answer.state == "answered"
    assert answer.sentences[0].text.startswith("Inter-Ministerial Taskforce for Migration")
    assert "It coordinates migration issues" in answer.sentences[0].text


def test_a_list_question_naming_a_country_lists_only_the_members_there(assistant):
    answer = assistant.answer("Which diaspora organisations are in France?")
    assert answer.state == "answered" and answer.groups
    assert "mentioning France" in answer.lead
    assert all("France" in p.text for p in answer.passages)
    assert not any("Ministry" in p.text.split(".")[0] for p in answer.passages)


def test_an_answer_the_judge_doubts_says_so_plainly(assistant):
    from mgiassist.answer.turn import LOW_CONFIDENCE, LOW_CONFIDENCE_BELOW

    doubted = assistant.answer("Does Cambodia have a golden visa?")
    assert doubted.state == "answered" and doubted.confidence < LOW_CONFIDENCE_BELOW
    assert doubted.reason == LOW_CONFIDENCE  # shown beside the state by the page and `ask`
    assert doubted.doubtful and doubted.to_dict()["doubtful"] is True  # "Answered, with low confidence"
    sure = assistant.answer("Which ministry issues passports?")
    assert sure.confidence >= LOW_CONFIDENCE_BELOW and sure.reason != LOW_CONFIDENCE and not sure.doubtful


def test_a_misspelt_list_question_is_read_on_its_corrected_words(assistant):
    answer = assistant.answer("obstacels to diaspra engagement cambodia")
    assert answer.state == "answered" and answer.groups
    assert len(answer.passages) == 3  # the mapping's three obstacles
    assert "Political division" in answer.text and "Media landscape" in answer.text


def test_a_loosely_read_list_never_drops_the_search_first_passage(assistant):
    # a search-box query about one thing: the list it may be read as must not replace the
    # passage the search found first
    for question in ("Paris arts festival diaspora", "sub-decree 70 2006"):
        first = assistant.search(question).hits[0].chunk.chunk_id
        answer = assistant.answer(question)
        assert answer.passages and answer.passages[0].chunk_id == first


def test_a_first_passage_holding_the_asked_kind_is_quoted_not_refused(assistant):
    answer = assistant.answer("Which countries host most Cambodian emigrants?")
    assert answer.state != "not_covered"
    assert "Thailand" in answer.text


def test_a_figure_no_profile_names_is_not_covered_and_a_synonym_of_one_they_give_is_not(assistant):
    budget = assistant.answer("What's the annual budget of the Ministry of Labour and Vocational Training?")
    assert budget.state == "not_covered" and "“annual budget”" in budget.reason
    assert assistant.answer("What is the price of a passport?").state == "answered"  # "costs … US$20"



def test_asked_which_countries_a_lower_passage_naming_them_leads(assistant):
    """The search ranks the emigration trends first and the destinations table below; the
    question asks for countries, which only the table names, so its row leads the quote."""
    answer = assistant.answer("Which countries do most Cambodian emigrants go to?")
    assert answer.state == "answered"
    assert "Thailand" in answer.passages[0].text and "689,451" in answer.passages[0].text


def test_which_country_of_two_is_asked_of_each_part_not_of_its_passages(assistant):
    """Each part asks whether its own country does it: Cambodia's part is answered from its
    voting passages, not refused for naming no other country (the issue's own example)."""
    answer = assistant.answer("Which country lets citizens vote from abroad, Cambodia or Ghana?")
    cambodia = next(g for g in answer.groups if g.title.startswith("Cambodia"))
    assert cambodia.title == "Cambodia" and cambodia.items
    assert any("vote from abroad" in item.text for item in cambodia.items)
    assert "no indexed profile covers Ghana" in answer.reason


def test_a_follow_up_asking_for_the_other_side_gets_the_domain_the_conversation_is_on(assistant):
    history = ["What does the MGI profile say about safe, orderly and regular migration?"]
    gaps = assistant.answer("Any gaps there?", history)
    domains = {p.citation.get("domain") for p in gaps.passages}
    assert domains == {"Safe, orderly and regular migration"}, domains
    weak = assistant.answer("What about the weak points?",
                            ["What does the MGI say Cambodia does well under the whole-of-government approach?"])
    assert {p.citation.get("domain") for p in weak.passages} == {"Whole of government approach"}
