"""Stage 3 of an evaluation: ranking metrics and significance (ranx), abstention, and the
confusion of expected against returned reply states. Plain data in, numbers out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from mgiassist.evaluate.questions import STATES

__all__ = [
    "METRICS",
    "abstention_scores",
    "compare_runs",
    "metric_label",
    "metric_names",
    "ranking_metrics",
    "state_confusion",
]

# ranx metric names; the report labels them hit@1 … recall@10.
_BASE_METRICS = ("hit_rate@1", "hit_rate@5", "mrr@{k}", "ndcg@{k}", "recall@{k}")
METRICS = tuple(m.format(k=10) for m in _BASE_METRICS)
_LABELS = {"hit_rate": "hit"}


def metric_names(k: int) -> list[str]:
    return [m.format(k=k) for m in _BASE_METRICS]


def metric_label(metric: str) -> str:
    name, _, cutoff = metric.partition("@")
    return f"{_LABELS.get(name, name)}@{cutoff}" if cutoff else _LABELS.get(name, name)


def ranking_metrics(
    qrels: dict[str, dict[str, int]], run: dict[str, dict[str, float]], metrics: Sequence[str]
) -> dict[str, float]:
    """Mean ``metrics`` over the queries of ``qrels`` (a query the run lacks scores 0)."""
    from ranx import Qrels, Run
    from ranx import evaluate as ranx_evaluate

    if not qrels:
        return {m: float("nan") for m in metrics}
    run = {q: run.get(q) or {"p:none": 0.0} for q in qrels}
    scores = ranx_evaluate(Qrels(qrels), Run(run), list(metrics), make_comparable=True)
    if isinstance(scores, float):  # ranx returns a bare float for a single metric
        scores = {metrics[0]: scores}
    return {m: float(scores[m]) for m in metrics}


def compare_runs(
    qrels: dict[str, dict[str, int]],
    runs: dict[str, dict[str, dict[str, float]]],
    metrics: Sequence[str],
    *,
    max_p: float = 0.05,
    stat_test: str = "student",
) -> dict[str, Any]:
    """Paired significance tests between every two retrievers (ranx ``compare``).

    Returns ``{"stat_test", "max_p", "p_values": {a: {b: {metric: p}}}, "better": {a: {metric:
    [b, ...]}}}`` where ``better`` lists the retrievers ``a`` beats significantly."""
    from ranx import Qrels, Run, compare

    names = list(runs)
    if len(names) < 2 or not qrels:
        return {"stat_test": stat_test, "max_p": max_p, "p_values": {}, "better": {}}
    ranx_runs = []
    for name in names:
        ranx_runs.append(Run({q: runs[name].get(q) or {"p:none": 0.0} for q in qrels}, name=name))
    report = compare(
        Qrels(qrels), ranx_runs, metrics=list(metrics), stat_test=stat_test, max_p=max_p, make_comparable=True
    ).to_dict()
    p_values = {a: report[a]["comparisons"] for a in names}
    better: dict[str, dict[str, list[str]]] = {}
    for a in names:
        for metric in metrics:
            wins = [
                b for b in names
                if b != a and p_values[a][b][metric] < max_p
                and report[a]["scores"][metric] > report[b]["scores"][metric]
            ]
            better.setdefault(a, {})[metric] = wins
    return {"stat_test": stat_test, "max_p": max_p, "p_values": p_values, "better": better}


def abstention_scores(abstained: Sequence[bool], answerable: Sequence[bool]) -> dict[str, float]:
    """Abstention as retrieval of the unanswerable questions.

    ``unanswerable_recognised`` (= ``recall``): the share of unanswerable questions not answered;
    ``answerable_refused`` (= ``false_abstention``): the share of answerable questions refused;
    ``precision``: the share of refusals that were right."""
    abstained_arr = np.asarray(abstained, dtype=bool)
    unanswerable = ~np.asarray(answerable, dtype=bool)
    hits = int((abstained_arr & unanswerable).sum())
    n_abstained, n_unanswerable = int(abstained_arr.sum()), int(unanswerable.sum())
    n_answerable = int((~unanswerable).sum())
    recall = hits / n_unanswerable if n_unanswerable else float("nan")
    refused = int((abstained_arr & ~unanswerable).sum()) / n_answerable if n_answerable else float("nan")
    return {
        "precision": hits / n_abstained if n_abstained else float("nan"),
        "recall": recall,
        "false_abstention": refused,
        "unanswerable_recognised": recall,
        "answerable_refused": refused,
        "abstained": n_abstained,
        "unanswerable": n_unanswerable,
        "answerable": n_answerable,
    }


def state_confusion(expected: Sequence[str], returned: Sequence[str]) -> dict[str, Any]:
    """Expected against returned reply states: ``{"matrix": {expected: {returned: n}},
    "accuracy", "n", "per_state": {expected: share returned as expected}}``."""
    matrix = {e: {r: 0 for r in STATES} for e in STATES}
    for e, r in zip(expected, returned, strict=True):
        matrix.setdefault(e, {s: 0 for s in STATES})
        matrix[e][r] = matrix[e].get(r, 0) + 1
    n = len(expected)
    right = sum(matrix[s][s] for s in matrix if s in matrix[s])
    per_state = {
        e: (row.get(e, 0) / sum(row.values()) if sum(row.values()) else float("nan")) for e, row in matrix.items()
    }
    return {"matrix": matrix, "accuracy": right / n if n else float("nan"), "n": n, "per_state": per_state}
