"""No question crashes a chat turn: property tests over generated questions (issues 17 and 21).

Questions are generated the way people type: real questions with typos (letters dropped, doubled,
swapped, replaced), misspelt stopwords, stopword-only questions, punctuation and emoji, other
scripts, very long words, numbers, control characters and lone surrogates. Every surface that
takes a question — ``Assistant.answer``, ``mgiassist ask``, ``POST /api/ask`` and an eval question
set — must give a reply with a state or one clear input error, never another exception.
The index is built with the hashing embedder, so no model is loaded; the 10,000-question run is
``benchmarks/fuzz_questions.py`` (the same generator, with the real model).
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from mgiassist.embed.hashing import HashingEmbedder
from mgiassist.errors import MgiassistError
from mgiassist.evaluate.typed_questions import (
    MISSPELT_STOPWORDS,
    REAL_QUESTIONS,
    SHAPES,
    typed_question,
)
from mgiassist.index import build_index

STATES = {"answered", "partial", "not_covered"}
SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@st.composite
def typed_questions(draw) -> str:
    """The library's generator (mgiassist.evaluate.typed_questions) fed Hypothesis's random, so
    failures replay and shrink; arbitrary text is Hypothesis's own."""
    shape = draw(st.sampled_from(SHAPES))
    if shape == "text":
        return draw(st.text(max_size=80))
    return typed_question(draw(st.randoms(use_true_random=False)), shape)


@pytest.fixture(scope="module")
def hashing_index(tmp_path_factory):
    from conftest import SEED_CORPUS

    index = tmp_path_factory.mktemp("fuzz") / "index"
    build_index(SEED_CORPUS, index, embedder=HashingEmbedder(64), progress=False)
    return index


@pytest.fixture(scope="module")
def assistant(hashing_index):
    from mgiassist.assistant import Assistant

    return Assistant.load(hashing_index)


def _one_line(message: str) -> bool:
    return bool(message.strip()) and "\n" not in message.strip()


def test_the_generator_makes_the_questions_that_crashed_before():
    """The typo that crashed the turn ("wich" corrected to a stopword) is among what it draws."""
    seen = set()

    @given(typed_questions())
    @settings(max_examples=300, deadline=None)
    def collect(question):
        seen.update(question.split())

    collect()
    assert seen & set(MISSPELT_STOPWORDS)


@pytest.mark.parametrize("question", ["wich ministry issues passports?", "wich teh", "adn?", "\udfff"])
def test_known_crashers_get_a_state_or_an_input_error(assistant, question):
    try:
        answer = assistant.answer(question)
    except MgiassistError as exc:
        assert _one_line(str(exc))
    else:
        assert answer.state in STATES


@SETTINGS
@given(question=typed_questions(), with_history=st.booleans())
def test_any_question_gets_a_state_or_one_input_error(assistant, question, with_history):
    history = [REAL_QUESTIONS[1]] if with_history else []
    try:
        answer = assistant.answer(question, history)
    except MgiassistError as exc:
        assert _one_line(str(exc))
    else:
        assert answer.state in STATES
        json.dumps(answer.to_dict())  # what ask --json and the HTTP route print


@pytest.fixture(scope="module")
def client(hashing_index):
    pytest.importorskip("gradio")
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from mgiassist.page.app import lean_ask_route
    from mgiassist.page.core import Page

    page = Page(hashing_index)
    return TestClient(FastAPI(routes=[lean_ask_route(page, limit=2)]))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@example(question="\udfff")  # a lone surrogate once made the route answer 500 (UnicodeEncodeError)
@example(question="wich ministry issues passports?")
@given(question=typed_questions())
def test_the_http_route_answers_any_question_without_a_500(client, question):
    response = client.post("/api/ask", content=json.dumps({"question": question}), headers={"content-type": "application/json"})
    assert response.status_code in (200, 400, 413), response.text
    body = response.json()
    assert body["state"] in STATES if response.status_code == 200 else _one_line(body["error"])


def test_the_cli_answers_a_typo_instead_of_crashing(hashing_index):
    from click.testing import CliRunner

    from mgiassist.cli.main import main

    printed = CliRunner().invoke(main, ["ask", "wich ministry issues passports?", "--index", str(hashing_index), "--json"])
    assert printed.exit_code == 0, printed.output
    assert json.loads(printed.output)["state"] in STATES
