"""A question naming several indexed countries gets one part per country, each cited only from
that country's profiles; a question naming one country never cites another's passage."""

from __future__ import annotations

import pytest

from mgiassist.answer import ANSWERED
from mgiassist.answer.records import NOT_COVERED, Answer, CitedPassage
from mgiassist.answer.turn import per_country_answer


@pytest.fixture(scope="module")
def two_country_assistant(two_country_index):
    from conftest import FakeEmbedder

    from mgiassist.assistant import Assistant
    from mgiassist.index import load_index

    return Assistant(load_index(two_country_index), FakeEmbedder())


def test_two_countries_get_one_part_each_cited_from_their_own_profiles(two_country_assistant):
    answer = two_country_assistant.answer("Which country, Cambodia or Ghana, allows citizens abroad to vote?")
    titles = [group.title for group in answer.groups]
    assert titles[0].startswith("Cambodia") and titles[1].startswith("Ghana")
    by_marker = {p.marker: p.citation["country"] for p in answer.passages}
    for group, country in zip(answer.groups, ("Cambodia", "Ghana")):
        assert all(by_marker[item.marker] == country for item in group.items)
    assert {p.citation["country"] for p in answer.passages} == {"Cambodia", "Ghana"}


def test_one_country_named_cites_only_that_country(two_country_assistant):
    answer = two_country_assistant.answer("Can Ghanaians abroad vote in national elections?")
    assert answer.passages and {p.citation["country"] for p in answer.passages} == {"Ghana"}


def _part(state: str, marker: int = 1) -> Answer:
    passage = CitedPassage(marker, 1, f"c{marker}", "label", {"country": "X"}, "text")
    return Answer("q", "q", state != ANSWERED, [], [passage] if state == ANSWERED else [], state=state)


def test_a_country_whose_profiles_do_not_state_it_is_said_plainly_and_markers_run_on():
    joined = per_country_answer("q", [("Cambodia", _part(ANSWERED)), ("Ghana", _part(NOT_COVERED)),
                                      ("Kenya", _part(ANSWERED))])
    assert joined.state == "partial" and "Ghana" in joined.reason
    assert [g.title for g in joined.groups] == ["Cambodia", "Ghana: its profiles do not state this", "Kenya"]
    assert [p.marker for p in joined.passages] == [1, 2]


def test_the_question_is_read_once_for_every_part_and_decision(two_country_assistant, monkeypatch):
    import traceback

    from mgiassist.search import searcher as searcher_module

    question = "Which country, Cambodia or Ghana, allows citizens abroad to vote?"
    reads, finders = [], []
    real_read = searcher_module.Searcher.read
    world = two_country_assistant.searcher.world
    real_mentions = world.mentions

    def mentions(text):
        if text == question:  # who looks for the countries the question names
            finders.append(" < ".join(frame.name for frame in traceback.extract_stack()[-5:-1]))
        return real_mentions(text)

    monkeypatch.setattr(searcher_module.Searcher, "read",
                        lambda self, *a, **k: reads.append(a) or real_read(self, *a, **k))
    monkeypatch.setattr(world, "mentions", mentions)
    answer = two_country_assistant.answer(question)
    assert len(answer.groups) == 2
    assert len(reads) == 1  # two searches, one reading
    # the countries it names are found by the search stage's reading, and once more (cached) by
    # the answer-kind check every sentence the judge weighs is held against (19 times before)
    assert len(finders) <= 2, "\n".join(finders)


@pytest.mark.parametrize("question, compared", [
    ("Can Cambodians and Filipinos vote from abroad?", ["Cambodia", "Philippines"]),
    ("Cambodia vs Thailand on protecting workers", ["Cambodia", "Thailand"]),
    ("Which of Cambodia, Ghana or Kenya lets citizens vote abroad?", ["Cambodia", "Ghana", "Kenya"]),
    ("How many Cambodians live in Thailand?", ["Cambodia"]),  # where they live, not a comparison
    ("What does the MoU between Cambodia and Thailand cover?", ["Cambodia"]),  # a relation of the two
    ("compare cambodia and the philippines on diaspora policy", ["Cambodia", "Philippines"]),  # an article between
    ("Cambodia or the United Kingdom: who lets emigrants vote?", ["Cambodia", "United Kingdom"]),
])
def test_countries_named_side_by_side_are_compared(two_country_assistant, question, compared):
    from mgiassist.answer.turn import compared_countries

    assert compared_countries(two_country_assistant.searcher.read(question)) == compared


def test_a_compared_country_no_profile_covers_gets_its_own_part_and_costs_the_other_nothing(two_country_assistant):
    answer = two_country_assistant.answer("Can Cambodians and Filipinos vote from abroad?")
    titles = [group.title for group in answer.groups]
    assert titles[0] == "Cambodia" and titles[1] == "Philippines: no indexed profile covers it"
    assert answer.state == "partial" and answer.passages
    assert {p.citation["country"] for p in answer.passages} == {"Cambodia"}
