"""The dev/test split, per-kind breakdowns, reply-state scoring and the shipped question sets."""

from __future__ import annotations

import importlib.util
import json
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import pytest

from mgiassist.errors import MgiassistError
from mgiassist.evaluate import (
    EvalInputError,
    Passage,
    Question,
    Retrieval,
    evaluate,
    load_questions,
    reply_state,
    score,
    state_confusion,
    write_report,
)
from mgiassist.evaluate.retrievers import library_reply_state

REPO = Path(__file__).resolve().parents[1]
QUESTIONS = REPO / "eval" / "questions"
SETS = sorted(QUESTIONS.glob("*.jsonl"))


def _write_jsonl(path: Path, items: list[dict]) -> Path:
    path.write_text("\n".join(json.dumps(i) for i in items) + "\n", encoding="utf-8")
    return path


def _split_set(tmp_path: Path) -> Path:
    return _write_jsonl(tmp_path / "split.jsonl", [
        {"id": "d1", "question": "Can Cambodians vote from abroad?", "evidence": ["cannot vote from abroad"], "split": "dev"},
        {"id": "d2", "question": "How many Cambodians live in Germany?", "evidence": ["Top countries of destination"],
         "answerable": False, "expected_state": "partial", "kind": "partial", "split": "dev"},
        {"id": "t1", "question": "Who issues passports?", "evidence": ["responsible for providing passports"], "split": "test"},
        {"id": "t2", "question": "What is the capital of Mars?", "answerable": False, "kind": "off-topic", "split": "test"},
        {"id": "n1", "question": "Is there a diaspora policy?", "evidence": ["does not have a diaspora engagement policy"]},
    ])


# -- loading and the split filter --------------------------------------------------------------


def test_split_filter_keeps_one_part(tmp_path):
    path = _split_set(tmp_path)
    assert [q.id for q in load_questions(path, split="dev").questions] == ["d1", "d2"]
    assert [q.id for q in load_questions(path, split="test").questions] == ["t1", "t2"]
    assert len(load_questions(path, split="all").questions) == len(load_questions(path).questions) == 5
    with pytest.raises(EvalInputError, match="unknown split"):
        load_questions(path, split="train")
    plain = _write_jsonl(tmp_path / "plain.jsonl", [{"id": "a", "question": "Q?", "evidence": ["e"]}])
    with pytest.raises(EvalInputError, match="no question in the dev split"):
        load_questions(plain, split="dev")


def test_expected_state_and_answerable_default_from_each_other(tmp_path):
    questions = {q.id: q for q in load_questions(_split_set(tmp_path)).questions}
    assert (questions["d1"].expected_state, questions["d1"].answerable) == ("answered", True)
    assert (questions["d2"].expected_state, questions["d2"].answerable) == ("partial", False)
    assert questions["d2"].evidence == ["Top countries of destination"]  # the passage to point to
    assert (questions["t2"].expected_state, questions["t2"].split) == ("not_covered", "test")
    assert questions["n1"].split is None
    partial = _write_jsonl(tmp_path / "p.jsonl", [{"id": "p", "question": "Q?", "evidence": ["e"], "expected_state": "partial"}])
    assert not load_questions(partial).questions[0].answerable


@pytest.mark.parametrize(
    "item, message",
    [
        ({"expected_state": "maybe"}, "expected_state"),
        ({"expected_state": "not_covered", "answerable": True}, "contradicts"),
        ({"split": "train"}, "split"),
    ],
)
def test_bad_state_or_split_gives_a_one_line_error(tmp_path, item, message):
    path = _write_jsonl(tmp_path / "bad.jsonl", [{"id": "a", "question": "Q?", "evidence": ["e"], **item}])
    with pytest.raises(EvalInputError, match=rf"bad.jsonl:1: .*{message}"):
        load_questions(path)


def test_beir_split_reads_that_qrels_file(tmp_path):
    folder = tmp_path / "beir"
    (folder / "qrels").mkdir(parents=True)
    _write_jsonl(folder / "corpus.jsonl", [{"_id": "d1", "text": "alpha"}, {"_id": "d2", "text": "beta"}])
    _write_jsonl(folder / "queries.jsonl", [{"_id": "1", "text": "alpha?"}, {"_id": "2", "text": "beta?"}])
    (folder / "qrels" / "dev.tsv").write_text("query-id\tcorpus-id\tscore\n1\td1\t1\n")
    (folder / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\n2\td2\t1\n")
    dev = load_questions(folder, split="dev").questions
    assert [(q.id, q.split) for q in dev] == [("1", "dev")]
    assert [q.id for q in load_questions(folder, split="test").questions] == ["2"]


# -- scoring: per kind, per split, states ----------------------------------------------------------


def _q(qid: str, **kw) -> Question:
    return Question(id=qid, question=f"{qid}?", **kw)


def _report():
    questions = {
        "a": _q("a", evidence=["alpha"], kind="typo", split="dev"),
        "b": _q("b", evidence=["beta"], kind="typo", split="test"),
        "c": _q("c", evidence=["gamma"], kind="figure", split="test"),
        "p": _q("p", evidence=["table"], answerable=False, expected_state="partial", kind="partial", split="dev"),
        "u": _q("u", answerable=False, kind="unanswerable", split="test"),
    }
    alpha, beta = Passage("1", "alpha"), Passage("2", "beta")
    table, other, another = Passage("4", "the table"), Passage("5", "other"), Passage("6", "another")
    retrievals = {"r": {
        "a": Retrieval("a", "r", [alpha], False, 0.9),                            # hit@1
        "b": Retrieval("b", "r", [other, another, beta], False, 0.9),               # rank 3
        "c": Retrieval("c", "r", [other], True, 0.2),                             # missed and refused
        "p": Retrieval("p", "r", [other, table], False, 0.5, state="partial", state_source="answer"),
        "u": Retrieval("u", "r", [other], False, 0.6, state="answered", state_source="answer"),
    }}
    return score(questions, {q: "s" for q in questions}, retrievals, k=10), questions


def test_per_kind_breakdown_gives_hit1_hit5_mrr_and_abstention():
    report, _ = _report()
    typo = report.breakdowns["kind"]["typo"]["r"]
    assert (typo["n"], typo["questions"]) == (2, 2)
    assert typo["hit_rate@1"] == pytest.approx(0.5) and typo["hit_rate@5"] == pytest.approx(1.0)
    assert typo["mrr@10"] == pytest.approx((1 + 1 / 3) / 2)
    assert report.breakdowns["kind"]["figure"]["r"]["answerable_refused"] == pytest.approx(1.0)
    unanswerable = report.breakdowns["kind"]["unanswerable"]["r"]
    assert unanswerable["n"] == 0 and unanswerable["unanswerable_recognised"] == pytest.approx(0.0)
    assert report.breakdowns["kind"]["partial"]["r"]["unanswerable_recognised"] == pytest.approx(1.0)
    test = report.breakdowns["split"]["test"]["r"]
    assert (test["questions"], test["n"]) == (3, 2) and test["hit_rate@1"] == pytest.approx(0.0)
    assert report.breakdowns["split"]["dev"]["r"]["hit_rate@1"] == pytest.approx(1.0)


def test_abstention_is_reported_as_recognised_and_refused():
    report, _ = _report()
    ab = report.abstention["r"]
    assert ab["unanswerable_recognised"] == pytest.approx(0.5)  # p recognised (partial), u answered
    assert ab["answerable_refused"] == pytest.approx(1 / 3)  # c refused
    assert {(m["id"], m["problem"].split()[0]) for m in report.misses} == {("b", "first"), ("c", "refused"), ("u", "answered")}


def test_states_are_scored_against_expected_states():
    report, _ = _report()
    states = report.states["r"]
    assert states["source"] == "mixed"
    assert states["matrix"]["partial"]["partial"] == 1 and states["matrix"]["not_covered"]["answered"] == 1
    assert states["matrix"]["answered"]["not_covered"] == 1  # c: abstained, no state → not_covered
    assert states["accuracy"] == pytest.approx(3 / 5)
    # a partial question's evidence names the related passage: found at rank 2
    assert report.pointer_qrels == {"p": {"ev0": 1}}
    assert report.pointer_scores["r"]["mrr@10"] == pytest.approx(0.5)
    assert "p" not in report.qrels


def test_state_confusion_counts_and_rates():
    result = state_confusion(["answered", "answered", "partial", "not_covered"],
                             ["answered", "not_covered", "not_covered", "not_covered"])
    assert result["matrix"]["answered"] == {"answered": 1, "partial": 0, "not_covered": 1}
    assert result["per_state"]["partial"] == 0.0 and result["accuracy"] == pytest.approx(0.5)


def test_report_shows_dev_and_test_side_by_side_and_per_kind(tmp_path):
    report, _ = _report()
    paths = write_report(report, tmp_path / "out")
    text = paths["report"].read_text()
    assert "## Dev and test" in text and "dev hit@1" in text and "test hit@5" in text
    assert "## By kind" in text and "| typo | r | 2 | 2 | 0.500 | 1.000 | 0.667 |" in text
    assert "## Reply states" in text and "| expected partial | 0 | 1 | 0 | 1.000 |" in text
    assert "unanswerable recognised" in text and "answerable refused" in text
    metrics = json.loads(paths["metrics"].read_text())
    assert metrics["breakdowns"]["kind"]["typo"]["r"]["hit_rate@5"] == 1.0
    assert metrics["retrievers"]["r"]["abstention"]["answerable_refused"] == pytest.approx(1 / 3)
    assert metrics["retrievers"]["r"]["states"]["matrix"]["partial"]["partial"] == 1
    assert metrics["questions"]["by_split"] == {"dev": 2, "test": 3}


# -- the library's reply state ---------------------------------------------------------------------


class _Searcher:
    def __init__(self, reply=None, error=False):
        self.reply, self.error = reply, error

    def answer(self, question, history=(), **filters):
        if self.error:
            raise MgiassistError("no index")
        return self.reply


def test_reply_state_comes_from_answer_when_the_library_has_it():
    question = _q("x", evidence=["e"], history=["before?"])
    assert library_reply_state(_Searcher(SimpleNamespace(state="partial")), question, True, False) == ("partial", "answer")
    assert library_reply_state(_Searcher({"state": "not_covered"}), question, True, False) == ("not_covered", "answer")
    # no answer method, a reply without a known state, or an error: fall back on abstention
    assert library_reply_state(object(), question, True, True) == ("not_covered", "search")
    assert library_reply_state(_Searcher(SimpleNamespace(state="maybe")), question, True, False) == ("answered", "search")
    assert library_reply_state(_Searcher(error=True), question, True, True) == ("not_covered", "search")
    assert reply_state(SimpleNamespace(state=SimpleNamespace(value="answered"))) == "answered"  # an Enum


def test_evaluate_scores_states_from_assistant_answer(tmp_path, fake_index, fake_embedder, monkeypatch):
    from mgiassist.assistant import Assistant

    asked = []

    def answer(self, question, history=(), **filters):
        asked.append((question, tuple(history)))
        return SimpleNamespace(state="partial" if "Germany" in question else "answered")

    monkeypatch.setattr(Assistant, "answer", answer, raising=False)
    report = evaluate([_split_set(tmp_path)], index_dir=fake_index, retrievers="hybrid,baseline", k=5,
                      embedder=fake_embedder, progress=False, split="dev")
    assert sorted(report.questions) == ["d1", "d2"] and report.config["split"] == "dev"
    assert report.states["hybrid"]["source"] == "answer" and report.states["baseline"]["source"] == "search"
    assert report.states["hybrid"]["accuracy"] == pytest.approx(1.0)
    assert ("How many Cambodians live in Germany?", ()) in asked
    assert report.pointer_qrels == {"d2": {"ev0": 1}}


def test_cli_eval_split_option(tmp_path, fake_index, fake_embedder, monkeypatch):
    from click.testing import CliRunner

    from mgiassist.cli.main import main

    monkeypatch.setattr("mgiassist.embed.load_embedder", lambda model=None: fake_embedder)
    path = _split_set(tmp_path)
    result = CliRunner().invoke(main, ["eval", str(path), "--index", str(fake_index), "--retrievers", "hybrid",
                                       "--split", "test", "--quiet", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "out" / "metrics.json").read_text())["questions"]["by_split"] == {"test": 2}
    plain = _write_jsonl(tmp_path / "plain.jsonl", [{"id": "a", "question": "Q?", "evidence": ["e"]}])
    result = CliRunner().invoke(main, ["eval", str(plain), "--index", str(fake_index), "--split", "dev", "--quiet"])
    assert result.exit_code == 2 and "no question in the dev split" in result.output and "Traceback" not in result.output
    # beside a set that has a test part, a dev-only set is left out of --split test, not an error
    dev_only = _write_jsonl(tmp_path / "dev-only.jsonl", [{"id": "x", "question": "Q?", "evidence": ["e"], "split": "dev"}])
    result = CliRunner().invoke(main, ["eval", str(path), str(dev_only), "--index", str(fake_index), "--retrievers",
                                       "hybrid", "--split", "test", "--quiet", "--out", str(tmp_path / "both")])
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "both" / "metrics.json").read_text())["questions"]["by_split"] == {"test": 2}
    result = CliRunner().invoke(main, ["eval", str(dev_only), str(plain), "--index", str(fake_index),
                                       "--split", "test", "--quiet"])
    assert result.exit_code == 2 and "no question in the test split" in result.output


# -- the shipped sets -----------------------------------------------------------------------------


def _shipped() -> list[Question]:
    return [q for path in SETS for q in load_questions(path).questions]


def test_shipped_sets_are_large_split_and_cover_every_kind_in_both_parts():
    questions = _shipped()
    assert len(questions) >= 300
    assert all(q.split in ("dev", "test") for q in questions)
    # Sets split into both parts are balanced; a dev-only set (written after the test part was
    # frozen, and looked at while tuning) has no test part by construction.
    loaded = [load_questions(path).questions for path in SETS]
    split_sets = [q for items in loaded if any(i.split == "test" for i in items) for q in items]
    parts = Counter(q.split for q in split_sets)
    assert abs(parts["dev"] - parts["test"]) <= 0.1 * len(split_sets)
    by_kind = Counter((q.kind, q.split) for q in questions)
    kinds = {k for k, _ in by_kind}
    assert {"paraphrase", "keyword", "typo", "acronym", "figure", "actor", "list", "non-english", "follow-up",
            "multi-country", "partial", "unanswerable", "off-topic"} <= kinds
    assert all(by_kind[(k, "dev")] and by_kind[(k, "test")] for k in kinds), by_kind
    near_topic = [q for q in questions if q.expected_state == "not_covered" and q.kind != "off-topic"]
    assert len(near_topic) >= 60
    assert sum(q.expected_state == "partial" for q in questions) >= 10
    assert all(q.evidence for q in questions if q.expected_state == "partial")


def test_shipped_evidence_is_short_and_inside_one_line(tmp_path):
    corpus = "\n".join(p.read_text(encoding="utf-8") for p in (REPO / "corpus").glob("*.txt"))
    from mgiassist.evaluate import normalise

    lines = [normalise(line) for line in corpus.replace("\t", "\n").splitlines()]
    for q in _shipped():
        if q.kind == "multi-country":
            continue  # judged against the look-alike profiles
        for evidence in q.evidence:
            assert len(evidence.split()) <= 25, (q.id, evidence)
            assert any(normalise(evidence) in line for line in lines), (q.id, evidence)


def test_the_test_part_is_frozen():
    spec = importlib.util.spec_from_file_location("freeze", QUESTIONS / "freeze.py")
    freeze = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(freeze)
    locked = json.loads((QUESTIONS / "test-split.lock.json").read_text(encoding="utf-8"))
    assert freeze.test_part() == locked, "the frozen test part changed: see eval/questions/README.md"
