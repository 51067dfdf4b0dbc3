"""The evaluation harness: loading judged sets, judging by evidence, ranking metrics and
significance, abstention calibration, reports; end to end with the fake embedder, and once with
the real model. (tests/test_metrics_against_ranx.py checks the metrics against ranx.)"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from mgiassist.errors import MgiassistError
from mgiassist.evaluate import (
    BaselineRetriever,
    EvalInputError,
    Passage,
    Question,
    Retrieval,
    abstention_scores,
    build_qrels,
    check_evidence,
    choose_threshold,
    compare_runs,
    evaluate,
    load_beir,
    load_questions,
    load_trec_qrels,
    normalise,
    parse_retrievers,
    ranking_metrics,
    relevant_key,
    run_dict,
    score,
    write_report,
)

REPO = Path(__file__).resolve().parents[1]
QUESTIONS = REPO / "eval" / "questions"
MGI_DOMAINS = {
    "Migrants' rights", "Whole of government approach", "Partnerships", "Well-being of migrants",
    "Mobility dimensions of crises", "Safe, orderly and regular migration",
}
MAPPING_SECTIONS = {
    "Facts & figures", "Political rights", "Policy and legislative framework", "Trends", "Obstacles",
    "Spotlight: effective practices", "Annex: list of actors",
}


def _write_jsonl(path: Path, items: list[dict]) -> Path:
    path.write_text("\n".join(json.dumps(i) for i in items) + "\n", encoding="utf-8")
    return path


# -- loading ----------------------------------------------------------------------------------


def test_normalise_matches_markdown_and_whitespace_variants():
    assert normalise("costs to US\\$20 and **Prakas  012/2007**\n now") == "costs to US$20 and Prakas 012/2007 now"


def test_jsonl_questions_load_with_kinds(tmp_path):
    path = _write_jsonl(tmp_path / "set.jsonl", [
        {"id": "a", "question": "Q1?", "evidence": ["x"]},
        {"id": "b", "question": "Q2?", "history": ["Q1?"], "evidence": ["y"]},
        {"id": "c", "question": "Q3?", "answerable": False},
    ])
    qset = load_questions(path)
    assert [q.kind for q in qset.questions] == ["single", "follow-up", "single"]
    assert [q.answerable for q in qset.questions] == [True, True, False]
    assert qset.lookalike is None and qset.name == "set"


@pytest.mark.parametrize(
    "line, message",
    [
        ("{not json", "not a JSON object"),
        (json.dumps({"id": "a"}), "question"),
        (json.dumps({"id": "a", "question": "Q?", "answerable": True}), "evidence"),
        (json.dumps({"id": "a", "question": "Q?", "history": "Q0"}), "history"),
    ],
)
def test_bad_question_lines_give_one_line_errors_with_the_line_number(tmp_path, line, message):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"id": "ok", "question": "Q?", "evidence": ["e"]}) + "\n" + line + "\n")
    with pytest.raises(EvalInputError, match=rf"bad.jsonl:2: .*{message}"):
        load_questions(path)


def test_duplicate_ids_and_missing_files_are_rejected(tmp_path):
    path = _write_jsonl(tmp_path / "dup.jsonl", [{"id": "a", "question": "Q?", "evidence": ["e"]}] * 2)
    with pytest.raises(EvalInputError, match="used twice"):
        load_questions(path)
    with pytest.raises(EvalInputError, match="no question set"):
        load_questions(tmp_path / "missing.jsonl")


def test_trec_qrels_and_sidecar_attach_document_judgments(tmp_path):
    path = _write_jsonl(tmp_path / "set.jsonl", [{"id": "q1", "question": "Q?", "answerable": False}])
    (tmp_path / "set.qrels").write_text("q1 0 mgi-profile-cambodia-2021.txt 1\nq1 0 other.txt 0\n")
    assert load_trec_qrels(tmp_path / "set.qrels") == {"q1": {"mgi-profile-cambodia-2021.txt": 1}}
    question = load_questions(path).questions[0]
    assert question.answerable and question.judged == {"mgi-profile-cambodia-2021.txt": 1}
    (tmp_path / "broken.qrels").write_text("q1 doc 1\n")
    with pytest.raises(EvalInputError, match="4 fields"):
        load_trec_qrels(tmp_path / "broken.qrels")


def test_beir_folder_keeps_judged_queries_and_documents(tmp_path):
    folder = tmp_path / "beir"
    (folder / "qrels").mkdir(parents=True)
    _write_jsonl(folder / "corpus.jsonl", [{"_id": "d1", "title": "T", "text": "alpha"}, {"_id": "d/2", "text": "beta"}])
    _write_jsonl(folder / "queries.jsonl", [{"_id": "1", "text": "alpha?"}, {"_id": "2", "text": "unjudged"}])
    (folder / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\n1\td1\t1\n1\td/2\t2\n")
    qset = load_beir(folder)
    assert [q.id for q in qset.questions] == ["1"]
    assert qset.documents["d1"] == "T\n\nalpha"
    unsafe = next(k for k in qset.documents if k != "d1")
    assert unsafe.startswith("doc-") and qset.questions[0].judged == {"d1": 1, unsafe: 2}
    with pytest.raises(EvalInputError, match="not a BEIR folder"):
        load_beir(tmp_path)


# -- the shipped sets ----------------------------------------------------------------------


def test_shipped_seed_set_covers_what_the_issue_asks_for():
    questions = load_questions(QUESTIONS / "cambodia-seeds.jsonl").questions
    assert len(questions) >= 60
    assert sum(q.kind == "follow-up" for q in questions) >= 8
    assert sum(not q.answerable for q in questions) >= 8
    answered = {q.domain for q in questions if q.answerable}
    assert MGI_DOMAINS <= answered and MAPPING_SECTIONS <= answered
    for q in questions:  # paraphrased: no question repeats its evidence verbatim
        assert not q.answerable or all(normalise(e).lower() not in q.question.lower() for e in q.evidence), q.id


def test_shipped_evidence_is_in_the_parsed_seed_profiles():
    from mgiassist.ingest import load_corpus

    sections = [
        Passage(f"{p.source}#{n}", s.text, p.country, p.source)
        for p in load_corpus(REPO / "corpus").profiles
        for n, s in enumerate(p.sections)
    ]
    for name in ("cambodia-seeds.jsonl", "cambodia-users.jsonl", "cambodia-wordings.jsonl"):
        questions = load_questions(QUESTIONS / name).questions
        assert check_evidence(questions, sections) == []


def test_multi_country_set_names_its_lookalike_corpus():
    qset = load_questions(QUESTIONS / "multi-country.jsonl")
    assert qset.lookalike is not None and qset.lookalike.lookalikes >= 4
    assert all(q.kind == "multi-country" and q.country for q in qset.questions)
    assert len({q.country for q in qset.questions}) >= 4


# -- judging and metrics on plain data -----------------------------------------------------


def _q(**kw) -> Question:
    return Question(id="q", question="?", **kw)


def test_relevance_is_evidence_containment_and_country():
    question = _q(evidence=["cannot vote from abroad"], country="Haiti")
    assert relevant_key(question, Passage("1", "Haitians overseas\ncannot  vote from abroad.", "Haiti")) == "ev0"
    assert relevant_key(question, Passage("2", "Kenyans overseas cannot vote from abroad.", "Kenya")) is None
    assert relevant_key(question, Passage("3", "unrelated", "Haiti")) is None
    judged = _q(judged={"doc.txt": 2})
    assert relevant_key(judged, Passage("c1", "anything", keys=("doc.txt",))) == "doc.txt"


def test_run_ids_share_qrels_across_chunkings_and_count_evidence_once():
    question = _q(evidence=["alpha", "beta"])
    run = run_dict(question, [Passage("x", "nothing"), Passage("y", "alpha"), Passage("z", "alpha again"), Passage("w", "beta")])
    assert sorted(run, key=lambda d: -run[d]) == ["p:x", "ev0", "p:z", "ev1"]
    assert build_qrels([("q", question), ("u", _q(answerable=False))]) == {"q": {"ev0": 1, "ev1": 1}}


def test_ranking_metrics_on_a_known_run():
    qrels = {"a": {"ev0": 1}, "b": {"ev0": 1}}
    run = {"a": {"ev0": 2.0, "p:x": 1.0}, "b": {"p:y": 2.0, "ev0": 1.0}}
    scores = ranking_metrics(qrels, run, ["hit_rate@1", "hit_rate@5", "mrr@10", "recall@10"])
    assert scores == pytest.approx({"hit_rate@1": 0.5, "hit_rate@5": 1.0, "mrr@10": 0.75, "recall@10": 1.0})
    # a question the run lacks scores zero rather than vanishing from the mean
    assert ranking_metrics(qrels, {"a": run["a"]}, ["hit_rate@1"])["hit_rate@1"] == pytest.approx(0.5)


def test_ndcg_uses_graded_judgments_and_cut_offs():
    qrels = {"a": {"d1": 2, "d2": 1, "d3": 0}}
    run = {"a": {"x": 3.0, "d2": 2.0, "d1": 1.0}}
    dcg = 1 / math.log2(3) + 2 / math.log2(4)  # ranks 2 and 3; the gain is the judgment
    ideal = 2 + 1 / math.log2(3)
    scores = ranking_metrics(qrels, run, ["ndcg@10", "ndcg@2", "mrr@1", "recall@2", "mrr"])
    assert scores == pytest.approx({"ndcg@10": dcg / ideal, "ndcg@2": (1 / math.log2(3)) / ideal,
                                    "mrr@1": 0.0, "recall@2": 0.5, "mrr": 0.5})
    # a query with no relevant judgment scores zero; no queries at all is "nothing to measure"
    assert ranking_metrics({"a": {"d3": 0}}, run, ["ndcg@10"]) == {"ndcg@10": 0.0}
    assert math.isnan(ranking_metrics({}, run, ["ndcg@10"])["ndcg@10"])
    with pytest.raises(ValueError, match="unknown ranking metric"):
        ranking_metrics(qrels, run, ["map@10"])


def test_compare_marks_significant_wins_only():
    qrels = {str(i): {"ev0": 1} for i in range(30)}
    good = {q: {"ev0": 2.0, "p:x": 1.0} for q in qrels}
    bad = {q: {"p:x": 2.0, "p:y": 1.0} for q in qrels}
    result = compare_runs(qrels, {"good": good, "bad": bad}, ["mrr@10"])
    assert result["better"]["good"]["mrr@10"] == ["bad"]
    assert result["better"]["bad"]["mrr@10"] == []


def test_abstention_precision_and_recall():
    stats = abstention_scores([True, True, False, False], [False, True, False, True])
    assert stats["precision"] == 0.5 and stats["recall"] == 0.5 and stats["false_abstention"] == 0.5


def test_threshold_separates_the_classes_midway():
    calibration = choose_threshold([0.8, 0.7, 0.65, 0.3, 0.2], [True, True, True, False, False])
    assert calibration.threshold == pytest.approx(0.475)
    assert calibration.precision == 1.0 and calibration.recall == 1.0 and calibration.false_abstention == 0.0
    with pytest.raises(EvalInputError):
        choose_threshold([0.5, 0.6], [True, True])


def test_threshold_respects_the_false_abstention_cap():
    scores, answerable = [0.9, 0.8, 0.35, 0.1, 0.4, 0.5], [True, True, True, False, False, False]
    assert choose_threshold(scores, answerable).threshold == pytest.approx(0.65)
    capped = choose_threshold(scores, answerable, max_false_abstention=0.0)
    assert capped.threshold == pytest.approx(0.225) and capped.false_abstention == 0.0
    assert capped.recall == pytest.approx(1 / 3) and 0.0 <= capped.auc <= 1.0


def test_retriever_specs():
    specs = parse_retrievers("bm25,convex(alpha=0.4),rrf(rrf_k=20;dense_weight=2),hybrid(history=0),baseline(chunk_size=500)")
    assert [s.name for s in specs] == ["bm25", "convex(alpha=0.4)", "rrf(rrf_k=20;dense_weight=2)", "hybrid(history=0)", "baseline(chunk_size=500)"]
    assert specs[1].settings == {"fusion": "convex", "alpha": 0.4}
    assert specs[2].settings == {"fusion": "rrf", "rrf_k": 20, "dense_weight": 2}
    assert specs[3].use_history is False
    assert specs[4].kind == "baseline" and specs[4].settings == {"chunk_size": 500, "chunk_overlap": 200}
    for bad in ("nope", "convex(beta=1)", "bm25,bm25", "baseline(alpha=1)", ""):
        with pytest.raises(EvalInputError):
            parse_retrievers(bad)


def test_baseline_splits_raw_files_into_fixed_chunks(fake_embedder):
    text = (REPO / "corpus" / "eudif-diaspora-mapping-cambodia-2022.txt").read_text(encoding="utf-8")
    baseline = BaselineRetriever([("m.txt", text, "Cambodia")], fake_embedder.encode)
    assert len(baseline.passages) > 10 and all(len(p.text) <= 1000 for p in baseline.passages)
    passages, best = baseline.search("Khmer Rouge Victims' Collective members", 3)
    assert len(passages) == 3 and 0 < best <= 1.0001
    assert "Khmer Rouge" in passages[0].text


def test_report_files_from_plain_retrievals(tmp_path):
    questions = {"a": _q(evidence=["alpha"], kind="single"), "b": _q(evidence=["beta"], kind="follow-up"),
                 "u": _q(answerable=False)}
    hit, miss = Passage("1", "alpha beta", label="L1"), Passage("2", "gamma", label="L2")
    retrievals = {
        "good": {"a": Retrieval("a", "good", [hit], False, 0.9), "b": Retrieval("b", "good", [hit], False, 0.9),
                 "u": Retrieval("u", "good", [miss], True, 0.1)},
        "bad": {"a": Retrieval("a", "bad", [miss, hit], False, 0.9), "b": Retrieval("b", "bad", [miss], False, 0.9),
                "u": Retrieval("u", "bad", [miss], False, 0.6)},
    }
    report = score(questions, {q: "s" for q in questions}, retrievals, k=10, threshold=0.5)
    assert report.scores["good"]["hit_rate@1"] == 1.0 and report.scores["bad"]["mrr@10"] == pytest.approx(0.25)
    assert report.abstention["good"]["recall"] == 1.0 and report.abstention["bad"]["recall"] == 0.0
    assert {(m["retriever"], m["id"]) for m in report.misses} == {("bad", "a"), ("bad", "b"), ("bad", "u")}
    assert report.breakdowns["kind"]["follow-up"]["good"]["n"] == 1
    paths = write_report(report, tmp_path / "out")
    assert all(p.is_file() for p in paths.values())
    assert (tmp_path / "out" / "runs" / "good.trec").read_text().split("\n")[0].split()[2] == "ev0"
    metrics = json.loads(paths["metrics"].read_text())
    assert metrics["retrievers"]["good"]["metrics"]["hit_rate@1"] == 1.0
    assert "| (a) good |" in paths["report"].read_text()
    assert paths["plot"].read_bytes()[:4] == b"\x89PNG"


# -- end to end ----------------------------------------------------------------------------


def test_evaluate_end_to_end_with_fake_model_and_calibration(tmp_path, fake_index, fake_embedder):
    from mgiassist.index import load_index

    report = evaluate([QUESTIONS / "cambodia-seeds.jsonl"], index_dir=fake_index, retrievers="bm25,hybrid,baseline",
                      k=5, out_dir=tmp_path / "out", calibrate=True, embedder=fake_embedder, progress=False)
    assert report.retrievers == ["bm25", "hybrid", "baseline"]
    assert report.scores["hybrid"]["hit_rate@5"] > 0.5
    assert report.calibration is not None
    assert load_index(fake_index).abstain_threshold == pytest.approx(report.calibration.threshold)
    assert (tmp_path / "out" / "report.md").is_file() and (tmp_path / "out" / "runs" / "baseline.trec").is_file()


def test_cli_eval_prints_headline_and_one_line_errors(tmp_path, fake_index, fake_embedder, monkeypatch):
    from click.testing import CliRunner

    from mgiassist import evaluate as evaluate_module
    from mgiassist.cli.main import main

    monkeypatch.setattr("mgiassist.embed.load_embedder", lambda model=None: fake_embedder)
    path = _write_jsonl(tmp_path / "small.jsonl", [
        {"id": "a", "question": "Can Cambodians vote from abroad?", "evidence": ["Cambodians overseas cannot vote from abroad"]},
        {"id": "u", "question": "What is the capital of Mars?", "answerable": False},
    ])
    result = CliRunner().invoke(main, ["eval", str(path), "--index", str(fake_index), "--retrievers", "hybrid", "--quiet"])
    assert result.exit_code == 0, result.output
    assert "| (a) hybrid |" in result.output
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{oops\n")
    result = CliRunner().invoke(main, ["eval", str(bad), "--index", str(fake_index)])
    assert result.exit_code == 2 and "error:" in result.output and "Traceback" not in result.output
    assert issubclass(evaluate_module.EvalInputError, MgiassistError)


@pytest.mark.integration
def test_real_model_on_the_seed_set(tmp_path, corpus_copy, real_embedder):
    from mgiassist.index import build_index

    build_index(corpus_copy, tmp_path / "index", embedder=real_embedder, progress=False)
    report = evaluate([QUESTIONS / "cambodia-seeds.jsonl"], index_dir=tmp_path / "index",
                      retrievers="hybrid,baseline", embedder=real_embedder, progress=False)
    assert report.warnings == []  # every evidence string is found in an indexed chunk
    assert report.scores["hybrid"]["hit_rate@5"] >= 0.85
    assert report.scores["hybrid"]["mrr@10"] > report.scores["baseline"]["mrr@10"]
