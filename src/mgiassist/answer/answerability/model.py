"""A logistic regression over :data:`FEATURES`, stored as plain JSON (no pickle).

``probability`` is the model's estimate that the passages answer the question; a question is
refused below ``threshold``, which is chosen on the development questions so that at most a
set share of answerable ones is refused. The fitted model ships with the package
(``model.json``); an ``answerability.json`` in an index folder overrides it for that index.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from mgiassist.answer.answerability.features import FEATURES
from mgiassist.errors import InputFileError

__all__ = ["INDEX_MODEL_FILE", "AnswerabilityModel", "fit_logistic", "load_model"]

INDEX_MODEL_FILE = "answerability.json"
FORMAT = "mgiassist-answerability/1"


@dataclass
class AnswerabilityModel:
    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    threshold: float
    info: dict[str, Any] = field(default_factory=dict)  # what it was fitted on, its dev numbers

    def probability(self, values: Mapping[str, float]) -> float:
        """P(the passages answer the question); features the model does not know are ignored."""
        row = np.array([float(values.get(name, 0.0)) for name in self.features])
        z = float(((row - self.mean) / self.scale) @ self.coef + self.intercept)
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    def answers(self, values: Mapping[str, float]) -> bool:
        return self.probability(values) >= self.threshold

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "features": list(self.features),
            "mean": [round(float(v), 6) for v in self.mean],
            "scale": [round(float(v), 6) for v in self.scale],
            "coef": [round(float(v), 6) for v in self.coef],
            "intercept": round(float(self.intercept), 6),
            "threshold": round(float(self.threshold), 6),
            "info": self.info,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AnswerabilityModel:
        if data.get("format") != FORMAT:
            raise InputFileError(f"not an answerability model (format {data.get('format')!r})")
        size = len(data["features"])
        arrays = [np.asarray(data[k], dtype=float) for k in ("mean", "scale", "coef")]
        if any(a.shape != (size,) for a in arrays):
            raise InputFileError("answerability model: mean, scale and coef must match features")
        return cls(tuple(data["features"]), *arrays, float(data["intercept"]),
                   float(data["threshold"]), dict(data.get("info", {})))

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.write_text(json.dumps(self.to_dict(), indent=2) + "\n", encoding="utf-8")
        return path


def fit_logistic(
    rows: Sequence[Mapping[str, float]],
    labels: Sequence[bool],
    *,
    features: Sequence[str] = FEATURES,
    l2: float = 1.0,
    iterations: int = 50,
    answerable_weight: float = 1.0,
) -> AnswerabilityModel:
    """L2-regularised logistic regression by Newton's method on standardised features.

    Classes are weighted to balance (answerable questions outnumber unanswerable ones), so the
    probability ranks well; the refusal threshold is chosen afterwards. ``answerable_weight``
    above 1 makes wrongly refusing an answerable question cost more than missing an unanswerable
    one, which focuses the fit on the low-refusal region the threshold is chosen in.
    """
    x = np.array([[float(r.get(f, 0.0)) for f in features] for r in rows])
    y = np.asarray(labels, dtype=float)
    if len(set(y.tolist())) < 2:
        raise ValueError("fitting needs both answerable and unanswerable questions")
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    z = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    weights = np.where(y == 1, answerable_weight * 0.5 / y.mean(), 0.5 / (1 - y.mean()))
    beta = np.zeros(z.shape[1])
    penalty = np.full(z.shape[1], l2)
    penalty[-1] = 0.0  # the intercept is not shrunk
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(z @ beta, -50, 50)))
        gradient = z.T @ (weights * (p - y)) + penalty * beta
        hessian = (z * (weights * p * (1 - p))[:, None]).T @ z + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if np.abs(step).max() < 1e-8:
            break
    # The weighting moves the intercept by about log(answerable_weight); taking it back keeps the
    # probabilities on the balanced scale that fixed cut-offs (``FLOOR_OVERRIDE``) are read on.
    intercept = float(beta[-1]) - math.log(answerable_weight)
    return AnswerabilityModel(tuple(features), mean, scale, beta[:-1], intercept, 0.5)


def load_model(index_dir: str | Path | None = None) -> AnswerabilityModel:
    """The index's own model when it has one, else the one shipped with the package."""
    if index_dir is not None and (Path(index_dir) / INDEX_MODEL_FILE).is_file():
        path = Path(index_dir) / INDEX_MODEL_FILE
        try:
            return AnswerabilityModel.from_dict(json.loads(path.read_text(encoding="utf-8")))
        except (ValueError, KeyError, TypeError) as exc:
            raise InputFileError(f"{path}: unreadable answerability model ({exc})") from None
    shipped = resources.files("mgiassist.answer.answerability").joinpath("model.json")
    if not shipped.is_file():  # a source tree before the first fit: never refuse on features
        size = len(FEATURES)
        return AnswerabilityModel(FEATURES, np.zeros(size), np.ones(size), np.zeros(size), 0.0, 0.0,
                                  {"fitted_on": None})
    return AnswerabilityModel.from_dict(json.loads(shipped.read_text(encoding="utf-8")))
