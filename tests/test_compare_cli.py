"""``mgiassist compare``: the Compare tab's rows from the command line (fake embedder).

The command is reached through ``mgiassist``'s own group, so its errors are the group's one
``error: …`` line with exit status 2, as for every other command.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mgiassist.answer import Answer
from mgiassist.answer.records import CitedPassage
from mgiassist.cli import main as cli_main
from mgiassist.cli.main import main
from mgiassist.export import NO_PASSAGE, ComparisonRow, compare_countries

VOTE = "Can citizens vote from abroad?"
NOWHERE = "What does the moon orbit?"  # words no profile holds
ROW_KEYS = {"country", "answer", "citation", "chunk_id", "source", "passage", "footnote_urls", "state"}


@pytest.fixture(autouse=True)
def _compare_registered(monkeypatch):
    # as the one line in cli/main.py's _LAZY_COMMANDS does (a no-op once that line is there)
    monkeypatch.setitem(cli_main._LAZY_COMMANDS, "compare", ("mgiassist.cli.compare", "compare_command"))


@pytest.fixture(scope="module")
def two_countries(two_country_index) -> Path:
    return two_country_index


def _compare(runner, index: Path, *args: str):
    return runner.invoke(main, ["compare", *args, "--index", str(index)])


def test_text_gives_each_indexed_country_its_state_answer_and_citation(runner, two_countries):
    result = _compare(runner, two_countries, VOTE)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[:2] == [f"Question: {VOTE}", "2 countries, 2 answered"]
    cambodia, ghana = lines.index("Cambodia — Answered"), lines.index("Ghana — Answered")
    assert cambodia < ghana  # the indexed countries, in the tab's order
    assert lines[cambodia + 1] == "    Cambodians overseas cannot vote from abroad."
    assert lines[cambodia + 2].startswith("    cited: Cambodia · MGI profile, February 2021 · Migrants' rights")
    assert lines[ghana + 1] == "    Ghanaians overseas cannot vote from abroad."
    assert lines[ghana + 2].startswith("    cited: Ghana · MGI profile")


def test_json_is_the_question_and_the_rows_the_compare_tab_gives(runner, two_countries, monkeypatch):
    from conftest import FakeEmbedder

    import mgiassist.live
    from mgiassist.page.core import Page

    result = _compare(runner, two_countries, VOTE, "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert set(payload) == {"question", "rows"} and payload["question"] == VOTE
    assert [row["country"] for row in payload["rows"]] == ["Cambodia", "Ghana"]
    assert all(set(row) == ROW_KEYS for row in payload["rows"])
    assert {row["state"] for row in payload["rows"]} == {"answered"}
    assert payload["rows"][1]["source"] == "mgi-profile-ghana-2021.txt"
    # the same rows, field for field, as the page's Compare tab (and its /compare API) shows
    monkeypatch.setattr(mgiassist.live, "load_embedder", lambda model=None: FakeEmbedder())
    rows, _ = Page(two_countries).compare(VOTE)
    assert payload["rows"] == [row.to_dict() for row in rows]


def test_a_country_the_profiles_do_not_cover_has_no_passage(runner, built):
    text = _compare(runner, built, NOWHERE)
    assert text.exit_code == 0, text.output
    assert text.output.splitlines()[1:] == [
        "1 country, 0 answered", "", "Cambodia — Not covered", f"    {NO_PASSAGE}",
    ]
    row = json.loads(_compare(runner, built, NOWHERE, "--json").output)["rows"][0]
    assert row["state"] == "not_covered" and row["answer"] == NO_PASSAGE
    assert row["citation"] == row["chunk_id"] == row["passage"] == ""


def test_countries_are_resolved_kept_in_the_order_given_and_counted_once(runner, two_countries):
    result = _compare(runner, two_countries, VOTE, "--countries", "gh, Cambodian,Ghana", "--json")
    assert result.exit_code == 0, result.output
    assert [row["country"] for row in json.loads(result.output)["rows"]] == ["Ghana", "Cambodia"]
    one = _compare(runner, two_countries, VOTE, "--countries", "Cambodia")
    assert "Cambodia — Answered" in one.output and "Ghana" not in one.output


@pytest.mark.parametrize(
    "args, message",
    [
        ([VOTE, "--countries", "Ghana,Atlantis"], "error: unknown country 'Atlantis'; the index holds: Cambodia, Ghana"),
        ([VOTE, "--countries", " , "], "error: --countries names no country"),
        (["   "], "error: the question is empty"),
        ([], "error: missing argument 'QUESTION'"),
    ],
)
def test_bad_input_is_one_error_line_exit_2(runner, two_countries, args, message):
    result = _compare(runner, two_countries, *args)
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert result.output.startswith(message), result.output
    assert "Traceback" not in result.output


def test_a_missing_index_is_one_error_line(runner, tmp_path):
    result = _compare(runner, tmp_path / "nowhere", VOTE)
    assert result.exit_code == 2 and result.output.startswith("error: ")
    assert len(result.output.strip().splitlines()) == 1


def test_a_row_keeps_its_answer_state():
    passage = CitedPassage(1, 1, "c1", "Ghana · MGI profile", {"source": "g.txt"}, "Related text.")
    partial = Answer("q", "q", True, [], [passage], state="partial")
    row = compare_countries("q", ["Ghana"], lambda q, c: partial)[0]
    assert (row.state, row.answer, row.found) == ("partial", NO_PASSAGE, False)
    assert row.to_dict()["state"] == "partial"
    assert ComparisonRow("Kenya", NO_PASSAGE).state == "not_covered"  # rows made without one
    assert ComparisonRow("Ghana", "Yes.", "label", "c1").state == "answered"
