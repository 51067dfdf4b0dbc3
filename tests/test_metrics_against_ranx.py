"""The plain-numpy metrics, significance test and TREC files against ranx, their reference.

ranx compiles its kernels with numba (minutes on a cold machine), so this is an integration
test; the unit tests check the same functions on small hand-computed cases without it."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mgiassist.evaluate.metrics import METRICS, compare_runs, metric_names, ranking_metrics
from mgiassist.evaluate.report import _trec_qrels, _trec_run

pytestmark = pytest.mark.integration

# metric_names(5) and (1) name hit_rate@1 and hit_rate@5 again: computed once, as ranx does
ALL_METRICS = [*METRICS, *metric_names(5), *metric_names(1), "ndcg@3", "recall@2", "mrr", "ndcg",
               "hit_rate", "recall", "ndcg@100"]


def _random_qrels(rng: np.random.Generator, n_queries: int, pool: list[str]) -> dict[str, dict[str, int]]:
    """Graded judgments (0 to 3) of 1 to 12 documents; some queries have no relevant one."""
    qrels = {}
    for q in range(n_queries):
        docs = rng.choice(pool, size=int(rng.integers(1, 13)), replace=False)
        qrels[f"q{q:02d}"] = {str(d): int(rng.integers(0, 4)) for d in docs}
    return qrels


def _random_run(rng: np.random.Generator, qids: list[str], pool: list[str]) -> dict[str, dict[str, float]]:
    """1 to 30 documents per query with distinct scores (ranx orders ties by numba's quicksort);
    some queries missing, some not in the qrels."""
    run = {}
    for qid in [*qids, "extra-1", "extra-2"]:
        if rng.random() < 0.1:
            continue
        docs = rng.choice(pool, size=int(rng.integers(1, 31)), replace=False)
        scores = rng.permutation(len(docs)) + rng.random()
        run[qid] = {str(d): float(s) for d, s in zip(docs, scores)}
    return run


def _ranx_reference(qrels, runs, metrics, max_p=0.05):
    """Means and significance as the harness computed them with ranx ``evaluate``/``compare``."""
    from ranx import Qrels, Run, compare
    from ranx import evaluate as ranx_evaluate

    names = list(runs)
    filled = {name: {q: runs[name].get(q) or {"p:none": 0.0} for q in qrels} for name in names}
    means = {}
    for name in names:
        scores = ranx_evaluate(Qrels(qrels), Run(filled[name]), list(metrics), make_comparable=True)
        means[name] = {m: float(scores[m]) for m in metrics}
    report = compare(Qrels(qrels), [Run(filled[n], name=n) for n in names], metrics=list(metrics),
                     stat_test="student", max_p=max_p, make_comparable=True).to_dict()
    p_values = {a: report[a]["comparisons"] for a in names}
    better = {
        a: {m: [b for b in names if b != a and p_values[a][b][m] < max_p
                and report[a]["scores"][m] > report[b]["scores"][m]] for m in metrics}
        for a in names
    }
    return means, {"stat_test": "student", "max_p": max_p, "p_values": p_values, "better": better}


def _same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or abs(a - b) <= 1e-9


def test_metrics_and_student_t_test_match_ranx_on_random_runs() -> None:
    pytest.importorskip("ranx")
    rng = np.random.default_rng(20240611)
    pool = [f"d{i}" for i in range(40)]
    compared = 0
    for trial in range(6):
        qrels = _random_qrels(rng, int(rng.integers(3, 40)), pool)
        runs = {f"r{j}": _random_run(rng, list(qrels), pool) for j in range(4)}
        if trial == 0:  # one run identical to another: every p-value is NaN (no difference)
            runs["r3"] = runs["r0"]
        means, reference = _ranx_reference(qrels, runs, ALL_METRICS)
        for name, run in runs.items():
            ours = ranking_metrics(qrels, run, ALL_METRICS)
            assert ours.keys() == means[name].keys()
            for metric in ALL_METRICS:
                assert _same(ours[metric], means[name][metric]), (trial, name, metric)
                compared += 1
        result = compare_runs(qrels, runs, ALL_METRICS)
        assert result["better"] == reference["better"], trial
        if trial == 0:
            assert math.isnan(result["p_values"]["r0"]["r3"]["ndcg@10"])
        assert result.keys() == reference.keys() and result["stat_test"] == "student"
        for a, row in reference["p_values"].items():
            assert list(result["p_values"][a]) == list(row)  # same order in metrics.json
            for b, by_metric in row.items():
                for metric, p in by_metric.items():
                    assert _same(result["p_values"][a][b][metric], float(p)), (trial, a, b, metric)
    assert compared == 6 * 4 * len(ALL_METRICS)
    # the tests not reimplemented still go through ranx
    fisher = compare_runs(qrels, runs, ["mrr@10"], stat_test="fisher")
    assert fisher["stat_test"] == "fisher" and set(fisher["better"]) == set(runs)
    assert all(0.0 <= p["mrr@10"] <= 1.0 for row in fisher["p_values"].values() for p in row.values())


def test_trec_files_match_what_ranx_wrote(tmp_path) -> None:
    pytest.importorskip("ranx")
    from ranx import Qrels, Run

    rng = np.random.default_rng(7)
    pool = [f"p:{i:04x}" for i in range(60)] + ["ev0", "ev1", "ev2"]
    qrels = {f"set/q-{q}": {f"ev{e}": 1 for e in range(int(rng.integers(1, 4)))} for q in range(25)}
    qrels["set/graded"] = {"ev0": 1, "ev1": 3, "ev2": 2}
    run = {}
    for qid in qrels:  # the harness's runs: strictly decreasing scores, one per rank
        docs = rng.choice(pool, size=int(rng.integers(1, 21)), replace=False)
        run[qid] = {str(d): float(len(docs) - r) for r, d in enumerate(docs)}
    Qrels(qrels).save(str(tmp_path / "qrels.trec"), kind="trec")
    Run(run, name="hybrid").save(str(tmp_path / "run.trec"), kind="trec")
    assert _trec_qrels(qrels) == (tmp_path / "qrels.trec").read_text()
    assert _trec_run(run, "hybrid") == (tmp_path / "run.trec").read_text()
