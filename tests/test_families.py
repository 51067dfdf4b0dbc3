"""A profile family named in a question is where to look, not what is asked about."""

from __future__ import annotations

import pytest

from mgiassist.schema import FAMILY_MAPPING, FAMILY_MGI
from mgiassist.search.families import families_named, without_family_names, without_family_scope


@pytest.mark.parametrize(("question", "families"), [
    ("What year was the agreement signed according to the MGI?", (FAMILY_MGI,)),
    ("what does the migration governance profile say about rights", (FAMILY_MGI,)),
    ("Per IOM's governance profile, what works well?", (FAMILY_MGI,)),
    ("Which practices does the EUDiF diaspora mapping showcase?", (FAMILY_MAPPING,)),
    ("haiti's mapping: obstacles?", (FAMILY_MAPPING,)),
    ("What does the EU factsheet say about voting?", (FAMILY_MAPPING,)),
    ("Compare the MGI profile and the diaspora mapping", (FAMILY_MGI, FAMILY_MAPPING)),
    ("Is there a skills mapping of returnees?", ()),  # mapping as an activity
    ("How do diaspora engagement policies work?", ()),
])
def test_the_families_a_question_names(question, families):
    assert families_named(question) == families


def test_a_family_named_as_where_to_look_is_taken_out_and_as_the_subject_kept():
    assert without_family_scope("What year was it signed according to the MGI?") == "What year was it signed ?"
    assert without_family_scope("What does the Haiti mapping say about voting?") == "What does the Haiti say about voting?"
    assert without_family_scope("Which obstacles are listed in the diaspora mapping?") == "Which obstacles are listed ?"
    assert without_family_scope("Who funds the MGI?") == "Who funds the MGI?"
    assert without_family_scope("How does the MGI assess cities?") == "How does the MGI assess cities?"


def test_every_family_name_is_taken_out_for_reading_intent_unless_nothing_would_be_left():
    assert without_family_names("what does the MGI say cambodia does well") == "what does say cambodia does well"
    assert without_family_names("What is the MGI?") == "What is the MGI?"
