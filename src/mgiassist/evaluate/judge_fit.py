"""Fit the answerability model on the development questions; report the states on every split.

    python -m mgiassist.evaluate.judge_fit --questions eval/questions/set.jsonl --index index \\
        --out src/mgiassist/answer/answerability/model.json

Questions are JSON lines with ``question``, ``answerable`` and optionally ``history``, ``split``
("dev" or "test"; none counts as dev) and ``kind``. Only ``--split`` (dev) questions are fitted
on; the report gives, per kind, the share of unanswerable questions recognised (state other than
answered) and of answerable ones refused, through the whole :meth:`Assistant.answer`, for the
fitted split only unless ``--report-split test`` (or ``all``) asks for the frozen part.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from mgiassist.answer.answerability.model import AnswerabilityModel, fit_logistic
from mgiassist.answer.turn import FLOOR_OVERRIDE
from mgiassist.errors import MgiassistError
from mgiassist.files import read_jsonl

REPEATS = 10  # shuffles of the cross-validation the refusal threshold is chosen on

__all__ = ["choose_threshold", "cross_validated_probabilities", "fit_answerability", "load_questions", "main", "state_report"]


def load_questions(paths: Sequence[str | Path]) -> list[dict[str, Any]]:
    questions = []
    for path in paths:
        for number, item in read_jsonl(Path(path)):
            if not isinstance(item, dict) or "question" not in item or "answerable" not in item:
                raise MgiassistError(f"{path}:{number}: needs \"question\" and \"answerable\"")
            questions.append({"split": "dev", "history": [], "kind": "", **item})
    return questions


def choose_threshold(
    probabilities: Sequence[float], labels: Sequence[bool], max_false_refusal: float,
    already_refused: Sequence[bool] | None = None,
) -> float:
    """The highest threshold that refuses at most ``max_false_refusal`` of answerable questions.

    ``already_refused`` marks questions refused anyway (the search found nothing usable), which
    count against the budget whatever the threshold.
    """
    p = np.asarray(probabilities, dtype=float)
    y = np.asarray(labels, dtype=bool)
    refused = np.zeros(len(p), bool) if already_refused is None else np.asarray(already_refused)
    answerable = max(1, int(y.sum()))
    best = 0.0
    for candidate in sorted(set(p[y].tolist()) | {0.0}):
        false = int((y & (refused | (p < candidate))).sum())
        if false / answerable <= max_false_refusal:
            best = candidate
    return best


def cross_validated_probabilities(
    rows: Sequence[dict[str, float]], labels: Sequence[bool], *, l2: float, folds: int = 5, seed: int = 0,
    answerable_weight: float = 1.0,
) -> list[float]:
    """Each row's probability from a model fitted on the other folds (shuffled with ``seed``)."""
    order = np.random.default_rng(seed).permutation(len(rows))
    probabilities = [0.0] * len(rows)
    for fold in range(folds):
        held = order[fold::folds]
        kept = np.setdiff1d(order, held)
        model = fit_logistic([rows[i] for i in kept], [labels[i] for i in kept], l2=l2,
                             answerable_weight=answerable_weight)
        for i in held:
            probabilities[i] = model.probability(rows[i])
    return probabilities


def _features(assistant, questions: list[dict[str, Any]], k: int) -> list[tuple[dict, bool, bool]]:
    """Features of each question, and whether the judge decides it at all (list questions and
    countries no profile covers are decided by structure, so they do not train the judge)."""
    from mgiassist.answer.turn import decided_by_structure

    rows = []
    for item in questions:
        result = assistant.search(item["question"], k=k, history=item.get("history", []))
        judged = not decided_by_structure(assistant.searcher, assistant.judge, result)
        rows.append((assistant.judge.features(result), judged, result.abstained))
    return rows


def fit_answerability(
    assistant, questions: list[dict[str, Any]], *, split: str = "dev",
    max_false_refusal: float = 0.03, l2: float = 3.0, k: int = 5, answerable_weight: float = 3.0,
) -> AnswerabilityModel:
    """Fit on the ``split`` questions of ``questions`` with ``assistant``'s index and search."""
    fitted = [q for q in questions if q.get("split", "dev") == split]
    computed = _features(assistant, fitted, k)
    rows = [row for row, judged, _ in computed if judged]
    labels = [bool(q["answerable"]) for q, (_, judged, _) in zip(fitted, computed) if judged]
    below_floor = [floor for _, judged, floor in computed if judged]
    model = fit_logistic(rows, labels, l2=l2, answerable_weight=answerable_weight)
    # The threshold is chosen on held-out probabilities: on its own training rows a model is
    # overconfident, and a threshold set there refuses more answerable questions on new ones.
    # One 5-fold split leaves the threshold to the luck of which fold the few hardest answerable
    # questions fall in; the mean over REPEATS shuffles (fixed seeds: the fit is deterministic)
    # moves much less when retrieval shifts the features a little.
    probabilities = np.mean([
        cross_validated_probabilities(rows, labels, l2=l2, seed=seed,
                                      answerable_weight=answerable_weight)
        for seed in range(REPEATS)
    ], axis=0).tolist()
    refused_anyway = [f and p < FLOOR_OVERRIDE for f, p in zip(below_floor, probabilities)]
    model.threshold = choose_threshold(probabilities, labels, max_false_refusal, refused_anyway)
    model.info = {
        "fitted_on": split, "questions": len(rows), "unanswerable": labels.count(False),
        "max_false_refusal": max_false_refusal, "l2": l2, "answerable_weight": answerable_weight,
        "cv": f"{REPEATS} x 5-fold",
    }
    return model


def state_report(assistant, questions: list[dict[str, Any]]) -> dict[str, Any]:
    """Per split (and kind): unanswerable recognised and answerable refused, via ``answer``."""
    tallies: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for item in questions:
        answer = assistant.answer(item["question"], item.get("history", []))
        refused = answer.state != "answered"
        for key in ((item["split"], "all"), (item["split"], item.get("kind") or "")):
            tally = tallies[key]
            if item["answerable"]:
                tally[0] += 1
                tally[1] += refused
            else:
                tally[2] += 1
                tally[3] += refused
    report: dict[str, Any] = {}
    for (split, kind), (n_ans, refused, n_un, recognised) in sorted(tallies.items()):
        report.setdefault(split, {})[kind] = {
            "answerable": n_ans, "answerable_refused": refused,
            "refused_share": round(refused / n_ans, 4) if n_ans else None,
            "unanswerable": n_un, "unanswerable_recognised": recognised,
            "recognised_share": round(recognised / n_un, 4) if n_un else None,
        }
    return report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", nargs="+", required=True, help="JSON-lines question sets")
    parser.add_argument("--index", default="index", help="index folder")
    parser.add_argument("--out", help="write the fitted model here (default: only report)")
    parser.add_argument("--split", default="dev", help="fit on this split")
    parser.add_argument("--max-false-refusal", type=float, default=0.03)
    parser.add_argument("--l2", type=float, default=3.0)
    parser.add_argument("--answerable-weight", type=float, default=3.0,
                        help="cost of refusing an answerable question relative to missing an unanswerable one")
    parser.add_argument("--report-only", action="store_true", help="report the current model")
    parser.add_argument("--report-split", default=None,
                        help="report this split ('all' for every split; default: the fitted one), "
                             "so that refitting does not show the frozen test part each time")
    args = parser.parse_args(argv)
    from mgiassist.assistant import Assistant

    try:
        questions = load_questions(args.questions)
        assistant = Assistant.load(args.index)
        if not args.report_only:
            model = fit_answerability(assistant, questions, split=args.split,
                                      max_false_refusal=args.max_false_refusal, l2=args.l2,
                                      answerable_weight=args.answerable_weight)
            assistant.judge.model = model
            if args.out:
                model.save(args.out)
                print(f"model written to {args.out}", file=sys.stderr)
        shown = args.report_split or args.split
        reported = [q for q in questions if shown == "all" or q.get("split", "dev") == shown]
        print(json.dumps(state_report(assistant, reported), indent=2))
    except MgiassistError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
