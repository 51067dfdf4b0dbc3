from __future__ import annotations

import json
import os

import pytest

import mgiassist.assistant
import mgiassist.index
from mgiassist.cli.main import main


def test_index_twice_reports_up_to_date(runner, built, corpus_copy):
    result = runner.invoke(main, ["index", "--corpus", str(corpus_copy), "--index", str(built),
                                  "--model", "fake-hashing-embedder"])
    assert result.exit_code == 0 and "up to date" in result.output
    check = runner.invoke(main, ["index", "--check", "--corpus", str(corpus_copy), "--index", str(built),
                                 "--model", "fake-hashing-embedder"])
    assert check.exit_code == 0 and "current" in check.output


def test_search_json_contract(runner, built):
    result = runner.invoke(main, ["search", "Can Cambodians vote from abroad?", "--index", str(built), "--json", "--k", "3"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert set(payload) == {"query", "search_query", "abstained", "results"}
    assert [r["rank"] for r in payload["results"]] == [1, 2, 3]
    citation = payload["results"][0]["citation"]
    assert set(citation) == {"country", "family", "title", "date", "domain", "section", "source", "footnotes"}
    for note in (n for r in payload["results"] for n in r["citation"]["footnotes"]):
        assert set(note) == {"number", "text", "urls"}


def test_search_text_output_has_citation_lines_and_footnote_links(runner, built):
    result = runner.invoke(main, ["search", "voting from abroad legally allowed not implemented", "--index", str(built),
                                  "--k", "1", "--family", "mapping"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("\n[1] Cambodia · Diaspora engagement mapping, September 2022 · Political rights")
    assert "https://www.khmertimeskh.com/6674/nec-pressed-on-election-reforms/" in result.output


def test_history_makes_a_follow_up(runner, built):
    result = runner.invoke(main, ["search", "Who runs them?", "--index", str(built), "--json",
                                  "--history", "What do migrant resource centres offer?"])
    payload = json.loads(result.output)
    assert payload["search_query"] == "Who runs them? migrant resource centres offer"


def test_batch_mode_prints_one_object_per_line(runner, built, tmp_path):
    questions = tmp_path / "q.jsonl"
    questions.write_text(
        json.dumps({"id": "a", "question": "What are the obstacles?"}) + "\n\n"
        + json.dumps({"id": "b", "question": "Who runs it?", "history": ["migrant resource centres"]}) + "\n"
        + json.dumps({"id": "c", "question": "   "}) + "\n"
    )
    result = runner.invoke(main, ["search", "--questions", str(questions), "--index", str(built), "--json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [r["id"] for r in rows] == ["a", "b", "c"]
    assert len(rows[0]["results"]) == 10
    assert rows[1]["search_query"].startswith("Who runs it? migrant resource centres")
    assert "empty" in rows[2]["error"] and rows[2]["results"] == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["search", ""], "the question is empty"),
        (["search", "x" * 100_000], "100,000 characters"),
        (["search", "vote\x1b[31m abroad"], "control characters"),
        (["search", "vote", "--domain", "Sports"], "unknown domain 'Sports'; the index holds:"),
        (["search", "vote", "--country", "Atlantis"], "unknown country 'Atlantis'"),
        (["search"], "give a QUESTION"),
    ],
)
def test_bad_input_is_one_line_and_non_zero(runner, built, args, message):
    result = runner.invoke(main, [*args, "--index", str(built)])
    assert result.exit_code == 2
    assert message in result.output
    assert result.output.count("\n") == 1 and result.output.startswith("error: ")


def test_index_errors(runner, tmp_path, built):
    missing = runner.invoke(main, ["search", "vote", "--index", str(tmp_path / "none")])
    assert missing.exit_code == 2 and "no index at" in missing.output
    corpus = runner.invoke(main, ["index", "--corpus", str(tmp_path / "nope"), "--index", str(tmp_path / "i")])
    assert corpus.exit_code == 2 and "does not exist" in corpus.output
    (built / "dense.faiss").write_bytes(b"junk")
    corrupt = runner.invoke(main, ["search", "vote", "--index", str(built)])
    assert corrupt.exit_code == 2 and "damaged" in corrupt.output


def test_bad_questions_file(runner, built, tmp_path):
    missing = runner.invoke(main, ["search", "--questions", str(tmp_path / "none.jsonl"), "--index", str(built)])
    assert missing.exit_code == 2 and missing.output.startswith("error: cannot read")


def test_batch_mode_answers_the_lines_it_can_and_names_the_others(runner, built, tmp_path):
    questions = tmp_path / "mixed.jsonl"
    questions.write_text(
        json.dumps({"id": "a", "question": "What are the obstacles?"}) + "\n"
        + "not json\n"
        + json.dumps({"id": "n", "question": 42}) + "\n"
        + json.dumps(["a", "list"]) + "\n"
        + json.dumps({"id": "h", "question": "vote", "history": "not a list"}) + "\n"
        + json.dumps({"id": "z", "question": "Can Cambodians vote from abroad?"}) + "\n"
    )
    result = runner.invoke(main, ["search", "--questions", str(questions), "--index", str(built), "--json", "--k", "2"])
    assert result.exit_code == 0, result.output
    assert "warning: 4 of 6 lines" in result.output
    rows = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    assert [r["id"] for r in rows] == ["a", 2, "n", 4, "h", "z"]
    assert len(rows[0]["results"]) == 2 and len(rows[5]["results"]) == 2
    assert "mixed.jsonl:2: not a JSON object" in rows[1]["error"]
    assert "mixed.jsonl:3: needs a \"question\" string" in rows[2]["error"]
    assert "needs a \"question\" string" in rows[3]["error"]
    assert "\"history\" must be a list" in rows[4]["error"]
    assert all(r["results"] == [] for r in rows[1:5])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["search", "--nope"], "error: no such option '--nope'"),
        (["bogus"], "error: no such command 'bogus'"),
        (["search", "x", "--k", "0"], "error: invalid value for '--k'"),
        (["index", "--faiss", "zzz"], "error: invalid value for '--faiss'"),
    ],
)
def test_usage_errors_are_one_error_line(runner, args, message):
    result = runner.invoke(main, args)
    assert result.exit_code == 2
    assert result.output.startswith(message) and result.output.count("\n") == 1, result.output


@pytest.mark.parametrize(
    ("raised", "message"),
    [
        (EOFError(), "error: interrupted"),
        (KeyboardInterrupt(), "error: interrupted"),
        (PermissionError(13, "Permission denied", "index/vectors.npy"), "error: permission denied: index/vectors.npy"),
        (AssertionError("d == self.d"), "error: unexpected AssertionError: d == self.d"),
    ],
)
def test_unexpected_failures_are_one_error_line_never_a_traceback(runner, built, monkeypatch, raised, message):
    def fail(*args, **kwargs):
        raise raised

    monkeypatch.setattr(mgiassist.assistant.Assistant, "load", fail)
    result = runner.invoke(main, ["search", "vote", "--index", str(built)])
    assert result.exit_code == 2
    assert result.output.startswith(message) and result.output.count("\n") == 1, result.output
    assert "Aborted" not in result.output and "Traceback" not in result.output


def test_help_and_version_still_exit_zero(runner):
    assert runner.invoke(main, ["--help"]).exit_code == 0
    assert runner.invoke(main, ["search", "--help"]).exit_code == 0
    assert runner.invoke(main, ["--version"]).exit_code == 0


def test_no_wait_names_the_run_holding_the_lock(runner, built, corpus_copy):
    from mgiassist.index import BuildLock

    lock = BuildLock(built)
    lock.acquire()
    try:
        result = runner.invoke(main, ["index", "--corpus", str(corpus_copy), "--index", str(built), "--no-wait"])
    finally:
        lock.release()
    assert result.exit_code == 2 and result.output.count("\n") == 1
    assert result.output.startswith(f"error: index {built} is being built by another run (pid {os.getpid()} on ")
    after = runner.invoke(main, ["index", "--corpus", str(corpus_copy), "--index", str(built), "--no-wait",
                                 "--model", "fake-hashing-embedder"])
    assert after.exit_code == 0 and "up to date" in after.output


def test_skipped_profiles_are_named(runner, tmp_path, corpus_copy):
    (corpus_copy / "empty.txt").write_text("")
    result = runner.invoke(main, ["index", "--corpus", str(corpus_copy), "--index", str(tmp_path / "i")])
    assert result.exit_code == 0
    assert "warning: skipped" in result.output and "empty.txt" in result.output
