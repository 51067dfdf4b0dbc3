"""Dynamic batching of question-time encodes, the way inference servers batch requests.

:class:`QueryBatcher` wraps any embedder. Small encodes (a question, a few sentences) from
concurrent threads go to a queue; a worker takes everything waiting and encodes it in one call,
so 20 users asking at once cost a few batched encodes instead of 20 separate ones. Nothing
waits on purpose: a batch is whatever arrived while the previous one was being encoded.
Large encodes (index builds) bypass the queue.
"""

from __future__ import annotations

import queue
import threading
from concurrent.futures import Future

import numpy as np

__all__ = ["QueryBatcher"]

_SMALL = 8  # texts per call; more is a build-time batch and goes straight to the model


class QueryBatcher:
    """An embedder whose small encodes from concurrent callers are merged into one call."""

    def __init__(self, embedder, *, max_batch: int = 64, workers: int = 1) -> None:
        self.embedder = embedder
        self.model_id = embedder.model_id
        self.dimension = embedder.dimension
        self.max_tokens = embedder.max_tokens
        self.backend = getattr(embedder, "backend", None)
        self.max_batch = max_batch
        self._queue: queue.SimpleQueue[tuple[list[str], Future]] = queue.SimpleQueue()
        self.batches: list[int] = []  # texts per encode call, for benchmarks (bounded below)
        for number in range(max(1, workers)):
            threading.Thread(target=self._work, name=f"mgiassist-batcher-{number}", daemon=True).start()

    def count_tokens(self, text: str) -> int:
        return self.embedder.count_tokens(text)

    def encode(
        self, texts: list[str], *, batch_size: int = 32, show_progress: bool = False
    ) -> np.ndarray:
        texts = list(texts)
        if not texts or len(texts) > _SMALL:
            return self.embedder.encode(texts, batch_size=batch_size, show_progress=show_progress)
        future: Future = Future()
        self._queue.put((texts, future))
        return future.result()

    def _take(self) -> list[tuple[list[str], Future]]:
        waiting = [self._queue.get()]
        count = len(waiting[0][0])
        while count < self.max_batch:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            waiting.append(item)
            count += len(item[0])
        return waiting

    def _work(self) -> None:
        while True:
            waiting = self._take()
            texts = [t for request, _ in waiting for t in request]
            try:
                vectors = self.embedder.encode(texts, batch_size=len(texts))
            except BaseException as exc:  # noqa: BLE001 - every waiting caller gets the error
                for _, future in waiting:
                    future.set_exception(exc)
                continue
            if len(self.batches) < 100_000:
                self.batches.append(len(texts))
            start = 0
            for request, future in waiting:
                future.set_result(vectors[start : start + len(request)].copy())
                start += len(request)
