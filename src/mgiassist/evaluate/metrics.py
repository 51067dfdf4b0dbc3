"""Stage 3 of an evaluation: ranking metrics and significance, abstention, and the confusion of
expected against returned reply states. Plain data in, numbers out.

The ranking metrics are computed here in plain Python/numpy, with ranx's definitions and names
(``hit_rate@k``, ``mrr@k``, ``ndcg@k``, ``recall@k``), so that reports, ``metrics.json`` and the TREC
files read exactly as before: a document is relevant when its judgment is ≥ 1, a query the run
lacks scores 0, a query without a relevant document scores 0, nDCG uses the judgment itself as
gain (Järvelin & Kekäläinen), a cut-off ``k`` larger than the run counts the whole run, and the
mean is over the queries of the qrels. ``tests/test_metrics_against_ranx.py`` (integration) checks
the numbers against ranx. No JIT: ranx compiled these with numba, one to three minutes on a cold
machine, which the unit tests and the chat page paid for scoring a handful of queries.

Significance is ranx's default test, the two-sided paired Student's t-test, with scipy
(``scipy.stats.ttest_rel``, the function ranx calls); the other tests ranx offers ("fisher",
"tukey") still go through ranx, imported only then.
"""

from __future__ import annotations

import math
import re
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
    "ranked_ids",
    "ranking_metrics",
    "state_confusion",
]

# ranx's metric names; the report labels them hit@1 … recall@10.
_BASE_METRICS = ("hit_rate@1", "hit_rate@5", "mrr@{k}", "ndcg@{k}", "recall@{k}")
METRICS = tuple(m.format(k=10) for m in _BASE_METRICS)
_LABELS = {"hit_rate": "hit"}
_METRIC = re.compile(r"^(hit_rate|mrr|ndcg|recall)(?:@(\d+))?$")


def metric_names(k: int) -> list[str]:
    return [m.format(k=k) for m in _BASE_METRICS]


def metric_label(metric: str) -> str:
    name, _, cutoff = metric.partition("@")
    return f"{_LABELS.get(name, name)}@{cutoff}" if cutoff else _LABELS.get(name, name)


def _parse(metric: str) -> tuple[str, int]:
    """``"ndcg@10"`` → ``("ndcg", 10)``; no cut-off (``"mrr"``) is 0, the whole run."""
    match = _METRIC.match(metric)
    if match is None:
        raise ValueError(f"unknown ranking metric {metric!r} (hit_rate, mrr, ndcg or recall, @k optional)")
    return match.group(1), int(match.group(2) or 0)


def ranked_ids(entry: dict[str, float]) -> list[str]:
    """A run entry's document ids, best score first; equal scores keep the entry's order (as
    ranx's sort does for up to 15 documents; the harness's runs have no ties)."""
    return sorted(entry, key=lambda doc: -entry[doc])


def _dcg(gains: Sequence[float], k: int) -> float:
    # summed in rank order, as ranx does
    total = 0.0
    for i in range(k):
        total += gains[i] / math.log2(i + 2)
    return total


def _query_score(name: str, k: int, gains: list[float], ideal: list[float], judged: int) -> float:
    """One query's score. ``gains``: the judgment of each ranked document (0 when not relevant);
    ``ideal``: the relevant judgments, highest first; ``judged``: all judged documents."""
    if not ideal:
        return 0.0
    cut = len(gains) if k == 0 or k > len(gains) else k
    if name == "hit_rate":
        return 1.0 if any(g > 0 for g in gains[:cut]) else 0.0
    if name == "mrr":
        return next((1 / (i + 1) for i in range(cut) if gains[i] > 0), 0.0)
    if name == "recall":
        return sum(1.0 for g in gains[:cut] if g > 0) / len(ideal)
    ideal_cut = judged if k == 0 or k > judged else k
    idcg = _dcg(ideal + [0.0] * (ideal_cut - len(ideal)), ideal_cut) or 1.0
    return _dcg(gains, cut) / idcg


def _per_query(
    qrels: dict[str, dict[str, int]], run: dict[str, dict[str, float]], metrics: Sequence[str]
) -> dict[str, np.ndarray]:
    """Every metric for every query of ``qrels`` (sorted by query id, as ranx orders them)."""
    metrics = list(dict.fromkeys(metrics))  # a metric named twice is computed once
    parsed = [_parse(m) for m in metrics]
    scores: dict[str, list[float]] = {m: [] for m in metrics}
    for qid in sorted(qrels):
        judgments = {doc: int(rel) for doc, rel in qrels[qid].items()}
        relevant = {doc: rel for doc, rel in judgments.items() if rel >= 1}
        gains = [float(relevant.get(doc, 0)) for doc in ranked_ids(run.get(qid) or {})]
        ideal = sorted((float(rel) for rel in relevant.values()), reverse=True)
        for metric, (name, k) in zip(metrics, parsed):
            scores[metric].append(_query_score(name, k, gains, ideal, len(judgments)))
    return {m: np.asarray(values, dtype=np.float64) for m, values in scores.items()}


def ranking_metrics(
    qrels: dict[str, dict[str, int]], run: dict[str, dict[str, float]], metrics: Sequence[str]
) -> dict[str, float]:
    """Mean ``metrics`` over the queries of ``qrels`` (a query the run lacks scores 0)."""
    if not qrels:
        return {m: float("nan") for m in metrics}
    return {m: float(np.mean(values)) for m, values in _per_query(qrels, run, metrics).items()}


def compare_runs(
    qrels: dict[str, dict[str, int]],
    runs: dict[str, dict[str, dict[str, float]]],
    metrics: Sequence[str],
    *,
    max_p: float = 0.05,
    stat_test: str = "student",
) -> dict[str, Any]:
    """Paired significance tests between every two retrievers over the queries of ``qrels``:
    the two-sided paired Student's t-test (scipy's ``ttest_rel``, as ranx ``compare`` runs it);
    ``stat_test="fisher"`` or ``"tukey"`` goes through ranx ``compare`` (the ``eval`` extra).

    Returns ``{"stat_test", "max_p", "p_values": {a: {b: {metric: p}}}, "better": {a: {metric:
    [b, ...]}}}`` where ``better`` lists the retrievers ``a`` beats significantly."""
    names = list(runs)
    if len(names) < 2 or not qrels:
        return {"stat_test": stat_test, "max_p": max_p, "p_values": {}, "better": {}}
    if stat_test == "student":
        p_values, means = _student(qrels, runs, metrics)
    else:
        p_values, means = _ranx_compare(qrels, runs, metrics, max_p=max_p, stat_test=stat_test)
    better: dict[str, dict[str, list[str]]] = {}
    for a in names:
        for metric in metrics:
            wins = [
                b for b in names
                if b != a and p_values[a][b][metric] < max_p and means[a][metric] > means[b][metric]
            ]
            better.setdefault(a, {})[metric] = wins
    return {"stat_test": stat_test, "max_p": max_p, "p_values": p_values, "better": better}


def _student(
    qrels: dict[str, dict[str, int]], runs: dict[str, dict[str, dict[str, float]]], metrics: Sequence[str]
) -> tuple[dict[str, dict[str, dict[str, float]]], dict[str, dict[str, float]]]:
    from scipy.stats import ttest_rel

    names = list(runs)
    per_query = {name: _per_query(qrels, runs[name], metrics) for name in names}
    means = {name: {m: float(np.mean(per_query[name][m])) for m in metrics} for name in names}
    pair: dict[frozenset[str], dict[str, float]] = {}
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            # ranx keeps the later retriever's test against the earlier one (the same p-value)
            pair[frozenset((a, b))] = {
                m: float(ttest_rel(per_query[b][m], per_query[a][m], alternative="two-sided").pvalue)
                for m in metrics
            }
    p_values = {a: {b: pair[frozenset((a, b))] for b in names if b != a} for a in names}
    return p_values, means


def _ranx_compare(
    qrels: dict[str, dict[str, int]],
    runs: dict[str, dict[str, dict[str, float]]],
    metrics: Sequence[str],
    *,
    max_p: float,
    stat_test: str,
) -> tuple[dict[str, dict[str, dict[str, float]]], dict[str, dict[str, float]]]:
    """ranx ``compare`` for the tests this module does not implement; compiles numba kernels."""
    try:
        from ranx import Qrels, Run, compare
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        raise ValueError(
            f"the {stat_test!r} significance test needs ranx (pip install 'mgiassist[eval]'); "
            "the default 'student' test does not"
        ) from exc

    names = list(runs)
    ranx_runs = [Run({q: runs[name].get(q) or {"p:none": 0.0} for q in qrels}, name=name) for name in names]
    report = compare(
        Qrels(qrels), ranx_runs, metrics=list(metrics), stat_test=stat_test, max_p=max_p, make_comparable=True
    ).to_dict()
    return {a: report[a]["comparisons"] for a in names}, {a: report[a]["scores"] for a in names}


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
