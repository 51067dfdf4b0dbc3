"""A tiny deterministic embedder for tests and development only: ``--model hashing:256``.

Each word (cut to five letters, a crude stemmer) is hashed into one of ``dimension`` buckets;
a text's vector is its normalised bucket counts. It loads in no time and needs no model files,
so subprocess tests (the chaos and race tests, the page's auth test) can build and search real
indexes quickly. Its answers are poor: never use it for a real index.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np

from mgiassist.errors import ModelError

__all__ = ["PREFIX", "HashingEmbedder"]

PREFIX = "hashing:"
_WORD = re.compile(r"\w+")


class HashingEmbedder:
    def __init__(self, dimension: int = 256, max_tokens: int = 256) -> None:
        self.dimension = dimension
        self.max_tokens = max_tokens
        self.model_id = f"{PREFIX}{dimension}"

    @classmethod
    def from_name(cls, model: str) -> HashingEmbedder:
        size = model.removeprefix(PREFIX)
        if not size.isdigit() or not 8 <= int(size) <= 4096:
            raise ModelError(
                f"the test embedder is named hashing:<dimension>, 8 to 4096 (got {model!r})"
            )
        return cls(int(size))

    def count_tokens(self, text: str) -> int:
        return len(_WORD.findall(text))

    def encode(
        self, texts: list[str], *, batch_size: int = 32, show_progress: bool = False
    ) -> np.ndarray:
        texts = list(texts)
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in _WORD.findall(text.lower()):
                bucket = int.from_bytes(
                    hashlib.blake2b(word[:5].encode(), digest_size=4).digest(), "little"
                )
                vectors[row, bucket % self.dimension] += 1.0
            norm = np.linalg.norm(vectors[row])
            if norm:
                vectors[row] /= norm
        return vectors
