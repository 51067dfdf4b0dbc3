"""``mgiassist ask``: the JSON contract, the text layout and one-line errors (fake embedder)."""

from __future__ import annotations

import json

import pytest

from mgiassist.cli.main import main

CONTRACT = {"question", "search_query", "state", "reason", "answer", "citations", "filters"}


def test_ask_json_contract(runner, built):
    result = runner.invoke(main, ["ask", "Can Cambodians vote from abroad?", "--index", str(built),
                                  "--json", "--family", "mgi-profile"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert CONTRACT <= set(payload)
    assert payload["state"] in {"answered", "partial", "not_covered"}
    assert payload["abstained"] == (payload["state"] != "answered")
    assert payload["filters"] == {"family": "mgi-profile"}
    assert payload["reason"] and "0." not in payload["reason"]  # plain words, no scores
    for citation in payload["citations"]:
        assert {"marker", "chunk_id", "text", "citation", "label", "highlights"} <= set(citation)
        assert set(citation["citation"]) == {
            "country", "family", "title", "date", "domain", "section", "source", "footnotes"
        }
    markers = [c["marker"] for c in payload["citations"]]
    assert markers == list(range(1, len(markers) + 1))


def test_ask_text_states_the_state_on_the_first_line(runner, built):
    result = runner.invoke(main, ["ask", "What are the obstacles?", "--index", str(built)])
    assert result.exit_code == 0, result.output
    first = result.output.splitlines()[0]
    assert first.startswith("Answered: The profile lists its obstacles")
    assert "Lack of resources" in result.output
    assert "\n[1] Cambodia · Diaspora engagement mapping" in result.output


def test_ask_history_and_country_refusal(runner, built):
    result = runner.invoke(main, ["ask", "Can Kenyans vote from abroad?", "--index", str(built), "--json"])
    payload = json.loads(result.output)
    assert payload["state"] == "not_covered"
    assert payload["reason"] == "No indexed profile covers Kenya."
    assert payload["citations"] == [] and payload["answer"]
    text = runner.invoke(main, ["ask", "Can Kenyans vote from abroad?", "--index", str(built)])
    assert text.output.splitlines()[0] == "Not covered: No indexed profile covers Kenya."
    follow = runner.invoke(main, ["ask", "Who runs them?", "--index", str(built), "--json",
                                  "--history", "What do migrant resource centres offer?"])
    assert json.loads(follow.output)["search_query"] == "Who runs them? migrant resource centres offer"


@pytest.mark.parametrize(
    "args, message",
    [
        (["   "], "error: the question is empty"),
        (["vote", "--country", "Atlantis"], "error: unknown country 'Atlantis'"),
        (["vote", "--polarity", "sideways"], "error: unknown polarity 'sideways'"),
    ],
)
def test_ask_bad_input_is_one_error_line_exit_2(runner, built, args, message):
    result = runner.invoke(main, ["ask", *args, "--index", str(built)])
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1].startswith(message)
    assert "Traceback" not in result.output


def test_ask_missing_index_is_one_error_line(runner, tmp_path):
    result = runner.invoke(main, ["ask", "vote", "--index", str(tmp_path / "nowhere")])
    assert result.exit_code == 2 and result.output.startswith("error: ")


def test_an_answer_to_a_question_in_another_language_says_so_on_its_first_line(runner, built):
    asked = "Les Cambodgiens de l'étranger peuvent-ils voter aux élections ?"
    result = runner.invoke(main, ["ask", asked, "--index", str(built), "--json"])
    payload = json.loads(result.output)
    assert payload["state"] == "answered"
    assert payload["reason"].startswith("The question reads as French and the profiles are in English")
    assert any(note.startswith("the question reads as french") for note in payload["notes"])
    english = json.loads(runner.invoke(main, ["ask", "Can Cambodians vote from abroad?", "--index",
                                              str(built), "--json"]).output)
    assert "reads as" not in english["reason"]


def test_ask_batch_answers_every_line_once_loaded_and_a_bad_line_costs_only_itself(runner, built, tmp_path):
    questions = tmp_path / "questions.jsonl"
    questions.write_text("\n".join([
        json.dumps({"id": "vote", "question": "Can Cambodians vote from abroad?"}),
        "not json",
        json.dumps({"id": "empty", "question": ""}),
        json.dumps({"id": "typo", "question": "wich ministry issues passports?", "history": ["What is the MoU?"]}),
        json.dumps({"id": "no-question", "q": "x"}),
    ]) + "\n", encoding="utf-8")
    result = runner.invoke(main, ["ask", "--questions", str(questions), "--index", str(built), "--json"])
    assert result.exit_code == 0, result.output
    replies = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in replies] == ["vote", 2, "empty", "typo", "no-question"]
    assert replies[0]["state"] in {"answered", "partial", "not_covered"} and CONTRACT <= set(replies[0])
    assert replies[3]["state"] in {"answered", "partial", "not_covered"}
    assert all("\n" not in r["error"] and "state" not in r for r in (replies[1], replies[2], replies[4]))
    assert "2 of 5 lines" in result.stderr


def test_ask_needs_a_question_or_a_batch_but_not_both(runner, built, tmp_path):
    questions = tmp_path / "q.jsonl"
    questions.write_text(json.dumps({"id": 1, "question": "Can Cambodians vote from abroad?"}) + "\n")
    for args in ([], ["Can Cambodians vote?", "--questions", str(questions)]):
        result = runner.invoke(main, ["ask", *args, "--index", str(built)])
        assert result.exit_code == 2
        assert "give either a QUESTION or --questions" in result.output
