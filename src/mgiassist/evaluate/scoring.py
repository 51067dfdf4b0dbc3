"""Stage 4 of an evaluation: from what every retriever returned to one :class:`EvalReport` —
ranking metrics over the answerable questions, retrieval of the passage partial questions should
point to, abstention, reply-state confusion, breakdowns (kind, split, family, domain, expected
state), significance and misses."""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from mgiassist.evaluate.calibration import Calibration
from mgiassist.evaluate.judging import (
    Passage,
    build_pointer_qrels,
    build_qrels,
    normalise,
    run_dict,
    state_from_search,
)
from mgiassist.evaluate.metrics import (
    abstention_scores,
    compare_runs,
    metric_names,
    ranking_metrics,
    state_confusion,
)
from mgiassist.evaluate.questions import ANSWERED, Question

__all__ = ["EvalReport", "Retrieval", "score"]

FACETS: dict[str, Callable[[Question], str]] = {
    "kind": lambda q: q.kind,
    "split": lambda q: q.split or "(none)",
    "expected_state": lambda q: q.expected_state,
    "family": lambda q: q.family or "(none)",
    "domain": lambda q: q.domain or "(none)",
}


@dataclass
class Retrieval:
    """What one retriever returned for one question, and the reply state it implies."""

    qid: str
    retriever: str
    passages: list[Passage]
    abstained: bool
    best_cosine: float
    search_query: str = ""
    error: str | None = None
    state: str | None = None  # None: derived from ``abstained``
    state_source: str = "search"  # "answer" when Assistant.answer gave it

    @property
    def reply_state(self) -> str:
        return self.state or state_from_search(self.abstained)

    @property
    def refused(self) -> bool:
        return self.reply_state != ANSWERED


@dataclass
class EvalReport:
    k: int
    metrics: list[str]
    retrievers: list[str]
    questions: dict[str, Question]
    sets: dict[str, str]  # qid -> set name
    retrievals: dict[str, dict[str, Retrieval]]  # retriever -> qid -> retrieval
    qrels: dict[str, dict[str, int]]
    runs: dict[str, dict[str, dict[str, float]]]
    scores: dict[str, dict[str, float]]
    abstention: dict[str, dict[str, float]]
    median_chars: dict[str, float]
    breakdowns: dict[str, dict[str, dict[str, dict[str, float]]]]  # facet -> group -> retriever -> metric
    comparison: dict[str, Any]
    misses: list[dict[str, Any]]
    threshold: float
    calibration: Calibration | None = None
    warnings: list[str] = field(default_factory=list)
    config: dict[str, Any] = field(default_factory=dict)
    # partial questions: finding the related passage the reply should point to
    pointer_qrels: dict[str, dict[str, int]] = field(default_factory=dict)
    pointer_scores: dict[str, dict[str, float]] = field(default_factory=dict)
    states: dict[str, dict[str, Any]] = field(default_factory=dict)  # retriever -> state_confusion + source

    @property
    def splits(self) -> list[str]:
        return sorted({q.split for q in self.questions.values() if q.split})

    def to_dict(self) -> dict[str, Any]:
        questions = self.questions.values()
        return {
            "config": self.config,
            "k": self.k,
            "metrics": self.metrics,
            "retrievers": {
                name: {
                    "metrics": self.scores[name],
                    "abstention": self.abstention[name],
                    "partial_pointer": self.pointer_scores.get(name, {}),
                    "states": self.states.get(name, {}),
                    "median_passage_chars": self.median_chars[name],
                }
                for name in self.retrievers
            },
            "breakdowns": self.breakdowns,
            "significance": self.comparison,
            "abstain_threshold": self.threshold,
            "calibration": self.calibration.to_dict() if self.calibration else None,
            "questions": {
                "total": len(self.questions),
                "answerable": sum(q.answerable for q in questions),
                "by_kind": _counts(q.kind for q in questions),
                "by_split": _counts(q.split or "(none)" for q in questions),
                "by_expected_state": _counts(q.expected_state for q in questions),
                "by_set": _counts(self.sets.values()),
            },
            "warnings": self.warnings,
        }


def _counts(values: Iterable[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return dict(sorted(counts.items()))


def _abstention(questions: dict[str, Question], retrievals: dict[str, Retrieval], qids: list[str]) -> dict[str, float]:
    return abstention_scores([retrievals[q].refused for q in qids], [questions[q].answerable for q in qids])


def _breakdowns(
    questions: dict[str, Question],
    retrievals: dict[str, dict[str, Retrieval]],
    qrels: dict[str, dict[str, int]],
    runs: dict[str, dict[str, dict[str, float]]],
    metrics: list[str],
) -> dict[str, dict[str, dict[str, dict[str, float]]]]:
    """facet -> group -> retriever -> ranking metrics over the group's answerable questions, ``n``
    (answerable), ``questions`` (all), and its abstention numbers."""
    breakdowns: dict[str, dict[str, dict[str, dict[str, float]]]] = {}
    for facet, key_of in FACETS.items():
        groups: dict[str, list[str]] = {}
        for qid, question in questions.items():
            groups.setdefault(key_of(question), []).append(qid)
        if facet == "split" and set(groups) == {"(none)"}:
            continue
        table: dict[str, dict[str, dict[str, float]]] = {}
        for group, qids in sorted(groups.items()):
            sub = {q: qrels[q] for q in qids if q in qrels}
            table[group] = {}
            for name, run in runs.items():
                ab = _abstention(questions, retrievals[name], qids)
                table[group][name] = {
                    **ranking_metrics(sub, run, metrics), "n": len(sub), "questions": len(qids),
                    "unanswerable_recognised": ab["unanswerable_recognised"],
                    "answerable_refused": ab["answerable_refused"],
                }
        breakdowns[facet] = table
    return breakdowns


def _states(questions: dict[str, Question], retrievals: dict[str, Retrieval]) -> dict[str, Any]:
    order = list(questions)
    confusion = state_confusion([questions[q].expected_state for q in order],
                                [retrievals[q].reply_state for q in order])
    sources = {retrievals[q].state_source for q in order}
    return {**confusion, "source": sources.pop() if len(sources) == 1 else "mixed"}


def score(
    questions: dict[str, Question],
    sets: dict[str, str],
    retrievals: dict[str, dict[str, Retrieval]],
    *,
    k: int = 10,
    threshold: float = 0.0,
    calibration: Calibration | None = None,
) -> EvalReport:
    """Metrics, significance tests, abstention, states, breakdowns and misses from raw retrievals."""
    metrics = metric_names(k)
    names = list(retrievals)
    qrels = build_qrels(questions.items())
    pointer_qrels = build_pointer_qrels(questions.items())
    runs = {
        name: {qid: run_dict(questions[qid], r.passages[:k]) for qid, r in retrievals[name].items()}
        for name in names
    }
    order = list(questions)
    median_chars = {
        name: float(statistics.median([len(p.text) for r in retrievals[name].values() for p in r.passages[:k]] or [0]))
        for name in names
    }
    return EvalReport(
        k=k, metrics=metrics, retrievers=names, questions=questions, sets=sets, retrievals=retrievals,
        qrels=qrels, runs=runs,
        scores={name: ranking_metrics(qrels, runs[name], metrics) for name in names},
        abstention={name: _abstention(questions, retrievals[name], order) for name in names},
        median_chars=median_chars,
        breakdowns=_breakdowns(questions, retrievals, qrels, runs, metrics),
        comparison=compare_runs(qrels, runs, metrics),
        misses=_misses(questions, retrievals, runs, qrels, k),
        threshold=threshold, calibration=calibration, pointer_qrels=pointer_qrels,
        pointer_scores={name: ranking_metrics(pointer_qrels, runs[name], metrics) for name in names},
        states={name: _states(questions, retrievals[name]) for name in names},
    )


def _first_relevant_rank(entry: dict[str, float], relevant: dict[str, int]) -> int | None:
    ranked = sorted(entry, key=lambda d: -entry[d])
    return next((n for n, d in enumerate(ranked, start=1) if relevant.get(d, 0) > 0), None)


def _problem(question: Question, retrieval: Retrieval, rank: int | None, k: int) -> str | None:
    """Why a question is a miss, or None: an answerable question whose first passage is not
    relevant or which was refused; an unanswerable one answered."""
    if question.answerable:
        if retrieval.refused:
            where = f"; first relevant at rank {rank}" if rank else ""
            return f"refused as {retrieval.reply_state} (best cosine {retrieval.best_cosine:.2f}{where})"
        if rank == 1:
            return None
        return f"first relevant at rank {rank}" if rank else f"nothing relevant in top {k}"
    if not retrieval.refused:
        return f"answered (best cosine {retrieval.best_cosine:.2f})"
    return None


def _misses(
    questions: dict[str, Question],
    retrievals: dict[str, dict[str, Retrieval]],
    runs: dict[str, dict[str, dict[str, float]]],
    qrels: dict[str, dict[str, int]],
    k: int,
) -> list[dict[str, Any]]:
    """Answerable questions whose top passage is not relevant or that were refused, and
    unanswerable ones answered."""
    rows = []
    for name, by_question in retrievals.items():
        for qid, retrieval in by_question.items():
            question = questions[qid]
            if question.answerable and qid not in qrels:
                continue
            rank = _first_relevant_rank(runs[name][qid], qrels[qid]) if question.answerable else None
            problem = _problem(question, retrieval, rank, k)
            if problem is None:
                continue
            top = retrieval.passages[0] if retrieval.passages else None
            if question.answerable:
                expected = question.evidence[0] if question.evidence else ", ".join(question.judged)
            else:
                expected = f"({question.expected_state.replace('_', ' ')})"
            rows.append({
                "retriever": name, "id": qid, "kind": question.kind, "question": question.question,
                "history": question.history, "problem": problem, "expected": expected,
                "returned": f"{top.label} — {snippet(top.text)}" if top else "(nothing)",
                "search_query": retrieval.search_query, "split": question.split,
                "expected_state": question.expected_state, "state": retrieval.reply_state,
            })
    return rows


def snippet(text: str, limit: int = 140) -> str:
    text = normalise(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
