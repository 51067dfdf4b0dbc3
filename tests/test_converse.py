from __future__ import annotations

import pytest

from mgiassist.schema import POLARITY_FURTHER_DEVELOPMENT, POLARITY_WELL_DEVELOPED
from mgiassist.search.followup import contextualise, is_follow_up, polarity_hint
from mgiassist.text.countries import CountryMatcher, lookup_country


@pytest.fixture(scope="module")
def matcher() -> CountryMatcher:
    return CountryMatcher([lookup_country("Cambodia"), lookup_country("Kenya")])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Can Cambodians vote from abroad?", ["Cambodia"]),
        ("What does the Kingdom of Cambodia do on trafficking?", ["Cambodia"]),
        ("Do Kenyans and Cambodians abroad send remittances?", ["Kenya", "Cambodia"]),
        ("Compare KEN and KHM", ["Kenya", "Cambodia"]),
        ("How about a Kenyan diaspora policy?", ["Kenya"]),
        ("what about ken?", []),  # a lower-case code is an ordinary word
        ("Who won the 1998 Tour de France?", []),
    ],
)
def test_country_detection_by_name_demonym_and_code(matcher, text, expected):
    assert matcher.find(text) == expected


def test_follow_up_inherits_subject_and_country(matcher):
    context = contextualise("Who runs it?", ["What do migrant resource centres offer in Cambodia?"], matcher)
    assert context.search_query == "Who runs it? migrant resource centres offer Cambodia"
    assert context.countries == ("Cambodia",) and context.inherited_country


def test_what_about_the_other_side_keeps_the_subject(matcher):
    weak = contextualise("What about the weak points?", ["What does Kenya do well on migrants' rights?"], matcher)
    assert "migrants rights" in weak.search_query and weak.inherited_subject
    gaps = contextualise("what about gaps?", ["What does Kenya do well on partnerships?"], matcher)
    assert "partnerships" in gaps.search_query
    # a subject of its own, even beside a side of the findings
    health = contextualise("What about weaknesses in health?", ["What does Kenya do well on partnerships?"], matcher)
    assert "partnerships" not in health.search_query


def test_what_about_keeps_the_country_but_replaces_the_subject(matcher):
    context = contextualise("What about remittances?", ["Can Cambodians vote from abroad?"], matcher)
    assert context.search_query == "What about remittances? Cambodia"
    assert context.inherited_subject is None


def test_weak_in_that_area_inherits_domain_and_asks_for_further_development(matcher):
    context = contextualise("And what is weak in that area?", ["What does Kenya do well on migrants' rights?"], matcher)
    assert "migrants rights" in context.search_query
    assert "Kenya" in context.search_query
    assert "well" not in context.search_query.split("?", 1)[1]  # the old polarity cue is not carried over
    assert context.polarity == POLARITY_FURTHER_DEVELOPMENT


def test_self_contained_question_is_searched_as_asked(matcher):
    context = contextualise("Is there a national training system for border police?", ["Can Cambodians vote?"], matcher)
    assert context.search_query == "Is there a national training system for border police? Cambodia"
    assert context.inherited_subject is None
    fresh = contextualise("Can Kenyans vote from abroad?", ["What about Cambodia?"], matcher)
    assert fresh.search_query == "Can Kenyans vote from abroad?" and fresh.countries == ("Kenya",)


def test_a_question_naming_its_own_subject_keeps_the_conversations_country_as_a_preference(matcher):
    policy = contextualise("What does the Village-Commune Safety Policy ask local authorities to do?",
                           ["How many Cambodians live in Thailand?"], matcher)
    assert policy.countries == () and not policy.inherited_country  # not a filter: it may be another's
    assert policy.preferred_countries == ("Cambodia",)
    assert policy.search_query == "What does the Village-Commune Safety Policy ask local authorities to do?"
    # a question naming its country, or leaning on the conversation, has no preference to keep
    assert contextualise("Can Kenyans vote from abroad?", ["What about Cambodia?"], matcher).preferred_countries == ()
    assert contextualise("Who runs it?", ["What does Kenya offer migrants?"], matcher).preferred_countries == ()


def test_a_country_named_by_its_code_is_no_subject_of_its_own(matcher):
    from mgiassist.text.countries import all_countries

    places = CountryMatcher(list(all_countries()))
    asked = contextualise("how many in the US?", ["Where do most Cambodian emigrants live?"], matcher, places=places)
    assert asked.search_query != "how many in the US?" and "emigrants" in asked.search_query
    # a body's acronym still names its own subject
    assert contextualise("What is the IMTM?", ["Where do Cambodians live?"], matcher, places=places).search_query == "What is the IMTM?"


def test_no_history_means_no_rewrite(matcher):
    assert contextualise("Who runs it?", [], matcher).search_query == "Who runs it?"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("What are Cambodia's weaknesses on migrants' rights?", POLARITY_FURTHER_DEVELOPMENT),
        ("Where are the gaps?", POLARITY_FURTHER_DEVELOPMENT),
        ("What are the strengths in partnerships?", POLARITY_WELL_DEVELOPED),
        ("What do migrant resource centres offer?", None),
    ],
)
def test_polarity_hint(text, expected):
    assert polarity_hint(text) == expected


def test_follow_up_shapes(matcher):
    assert is_follow_up("And the remittances?", matcher)
    assert is_follow_up("Who funds them?", matcher)
    assert is_follow_up("What about migrant resource centres there?", matcher)
    assert not is_follow_up("Is there a diaspora engagement policy in Cambodia?", matcher)


def test_what_about_a_polarity_keeps_the_subject(matcher):
    context = contextualise("What about the areas that need further development?",
                            ["What does Cambodia do well on safe, orderly and regular migration?"], matcher)
    assert "safe orderly regular migration" in context.search_query
    assert context.polarity == POLARITY_FURTHER_DEVELOPMENT


def test_possessive_country_leaves_no_stray_letter(matcher):
    context = contextualise("And the gaps?", ["What are Cambodia's migrants' rights findings?"], matcher)
    assert " s " not in f" {context.search_query} "
