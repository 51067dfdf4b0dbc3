"""Ranking on plain numpy arrays: min-max scaling, reciprocal-rank and convex fusion, top-k."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["convex_fuse", "minmax", "rrf_fuse", "top_k"]


def minmax(scores: np.ndarray) -> np.ndarray:
    scores = np.asarray(scores, dtype=np.float32)
    if scores.size == 0:
        return scores
    low, high = float(scores.min()), float(scores.max())
    if high - low < 1e-9:
        return np.ones_like(scores) if high > 0 else np.zeros_like(scores)
    return (scores - low) / (high - low)


def rrf_fuse(rankings: Sequence[Sequence[int]], *, k: int = 60, weights: Sequence[float] | None = None) -> dict[int, float]:
    """Reciprocal rank fusion: each list adds ``weight / (k + rank)`` (rank from 1) to its ids."""
    weights = weights or [1.0] * len(rankings)
    fused: dict[int, float] = {}
    for ranking, weight in zip(rankings, weights):
        for rank, doc in enumerate(ranking, start=1):
            fused[int(doc)] = fused.get(int(doc), 0.0) + weight / (k + rank)
    return fused


def convex_fuse(dense: np.ndarray, lexical: np.ndarray, *, alpha: float) -> np.ndarray:
    """``alpha`` × min-max dense + (1 − ``alpha``) × min-max BM25, over the same candidates."""
    if not 0.0 <= alpha <= 1.0:
        raise ValueError("alpha must lie in [0, 1]")
    return alpha * minmax(dense) + (1.0 - alpha) * minmax(lexical)


def top_k(
    scores: np.ndarray, k: int, candidates: np.ndarray | None = None, tiebreak: np.ndarray | None = None
) -> np.ndarray:
    """Indices of the ``k`` highest scores (restricted to ``candidates``), best first.

    Equal scores are ordered by ``tiebreak`` (higher first), then by index, so results never
    depend on hash or insertion order. RRF over two lists ties often (ranks 1+2 and 2+1).
    """
    pool = np.arange(len(scores)) if candidates is None else np.asarray(candidates)
    if pool.size == 0 or k <= 0:
        return np.zeros(0, dtype=np.int64)
    values = scores[pool]
    if k < pool.size and tiebreak is None:
        part = np.argpartition(-values, k - 1)[:k]
        pool, values = pool[part], values[part]
    second = np.zeros(len(pool)) if tiebreak is None else -np.asarray(tiebreak)[pool]
    order = np.lexsort((pool, second, -np.round(values, 9)))
    return pool[order][:k]
