"""Stage 4 of an evaluation: calibrating abstention. The threshold on the best passage cosine
that best separates answerable from unanswerable questions, under a cap on refused answerable
questions; ``mgiassist eval --calibrate`` stores it with the index."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from mgiassist.evaluate.metrics import abstention_scores
from mgiassist.evaluate.questions import EvalInputError

__all__ = ["Calibration", "choose_threshold"]


@dataclass(frozen=True)
class Calibration:
    threshold: float
    precision: float
    recall: float
    false_abstention: float
    youden: float
    questions: int
    max_false_abstention: float = 1.0
    auc: float = float("nan")  # how well the best cosine separates the classes at all (0.5 = not)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def _auc(scores: np.ndarray, answerable: np.ndarray) -> float:
    """P(an answerable question's best cosine > an unanswerable one's), ties counting half."""
    pos, neg = scores[answerable], scores[~answerable]
    greater = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return float(greater / (len(pos) * len(neg)))


def choose_threshold(
    best_scores: Sequence[float], answerable: Sequence[bool], *, max_false_abstention: float = 1.0
) -> Calibration:
    """The abstention threshold that best separates answerable from unanswerable questions.

    Abstain when the best passage cosine is below the threshold. The threshold maximises Youden's
    J (recall on unanswerable − false-abstention rate on answerable) — balanced, because a set
    holds far fewer unanswerable than answerable questions — among thresholds that abstain on at
    most ``max_false_abstention`` of the answerable questions (refusing a question the profiles
    do answer is the costlier mistake). Ties go to the widest gap, and the threshold sits midway
    in it so that small model drift does not flip decisions."""
    scores = np.asarray(best_scores, dtype=np.float64)
    labels = np.asarray(answerable, dtype=bool)
    if labels.all() or not labels.any():
        raise EvalInputError("calibration needs both answerable and unanswerable questions")
    values = np.unique(scores)
    candidates = np.concatenate([[values[0] - 1e-3], (values[:-1] + values[1:]) / 2, [values[-1] + 1e-3]])
    gaps = np.concatenate([[1e-3], np.diff(values), [1e-3]])
    best_key: tuple[float, float] | None = None
    threshold = float(candidates[0])  # abstain on nothing: always allowed
    for candidate, gap in zip(candidates, gaps):
        stats = abstention_scores(scores < candidate, labels)
        if stats["false_abstention"] > max_false_abstention + 1e-12:
            continue
        key = (round(stats["recall"] - stats["false_abstention"], 9), float(gap))
        if best_key is None or key > best_key:
            best_key, threshold = key, float(candidate)
    stats = abstention_scores(scores < threshold, labels)
    return Calibration(
        threshold=round(float(threshold), 4),
        precision=stats["precision"],
        recall=stats["recall"],
        false_abstention=stats["false_abstention"],
        youden=best_key[0] if best_key else 0.0,
        questions=len(scores),
        max_false_abstention=max_false_abstention,
        auc=round(_auc(scores, labels), 4),
    )
