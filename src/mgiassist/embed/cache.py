"""One encode cache: text → unit vector, bounded, thread-safe, owned by whoever owns the embedder.

Question words the corpus never uses ("colour", "faith"), passage sentences the index did not
store, and repeated questions come back request after request; encoding only the new texts makes
a chat turn several times cheaper. One cache serves the query, the word-neighbour and the answer
step's lookups (they were three caches with three policies), and it lives on the object that
holds it (an :class:`~mgiassist.assistant.Assistant`), so a reloaded index releases it with the
assistant it replaced.

>>> cache = EncodeCache(embedder.encode, maxsize=20_000)
>>> cache.encode(["a text", "another"]).shape      # (2, dimension), rows are copies
>>> cache.encode_one("a text")                      # (dimension,), no new encode
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence

import numpy as np

__all__ = ["DEFAULT_MAXSIZE", "EncodeCache", "cached_encoder"]

Encoder = Callable[[list[str]], np.ndarray]
# 20,000 rows of 384 float32 are 30 MB: the sentences of several hundred profiles' top passages
DEFAULT_MAXSIZE = 20_000


class EncodeCache:
    """``encode`` with a least-recently-used cache per text (rows stored and returned as copies,
    so callers may modify what they get back)."""

    def __init__(self, encode: Encoder, *, maxsize: int = DEFAULT_MAXSIZE) -> None:
        self._encode = encode
        self._maxsize = maxsize
        self._rows: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._rows)

    def clear(self) -> None:
        """Forget every row (benchmarks time fresh encodes this way)."""
        with self._lock:
            self._rows.clear()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        found = self._cached(texts)
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        if missing:
            # Encoded outside the lock: two threads may encode the same text, which is harmless.
            fresh = np.asarray(self._encode(missing), dtype=np.float32)
            with self._lock:
                for text, row in zip(missing, fresh):
                    found[text] = self._rows[text] = row.copy()
                while len(self._rows) > self._maxsize:
                    self._rows.popitem(last=False)
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([found[t] for t in texts]).astype(np.float32, copy=True)

    def encode_one(self, text: str) -> np.ndarray:
        return self.encode([text])[0]

    def _cached(self, texts: list[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for text in texts:
                if text in self._rows:
                    self._rows.move_to_end(text)
                    found[text] = self._rows[text]
        return found


def cached_encoder(encode: Encoder, *, maxsize: int = DEFAULT_MAXSIZE) -> Encoder:
    """``encode`` behind its own :class:`EncodeCache`, as a plain function."""
    return EncodeCache(encode, maxsize=maxsize).encode
