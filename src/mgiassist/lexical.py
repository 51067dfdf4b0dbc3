"""BM25 over chunk texts, with bm25s (saved as JSON + .npy, no pickle).

Documents and queries go through the same analyser: lower-case word tokens, English stopwords
removed, Snowball (PyStemmer) stems, so "centres" and "centre" meet.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import bm25s
import numpy as np
from bm25s.stopwords import STOPWORDS_EN

__all__ = ["ANALYSER", "LexicalIndex", "analyse"]

ANALYSER = "words-lower-stop_en-snowball_en-v1"
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)
_STOPWORDS = frozenset(STOPWORDS_EN)


@functools.lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


def analyse(text: str) -> list[str]:
    words = [w.replace("’", "'") for w in _WORD.findall(text.lower())]
    words = [w.removesuffix("'s") for w in words]
    words = [w for w in words if w not in _STOPWORDS]
    return _stemmer().stemWords(words)


class LexicalIndex:
    def __init__(self, retriever: bm25s.BM25, num_docs: int) -> None:
        self._retriever = retriever
        self.num_docs = num_docs

    @classmethod
    def build(cls, texts: list[str]) -> LexicalIndex:
        tokens = [analyse(t) or ["\u2205"] for t in texts]  # bm25s rejects empty documents
        retriever = bm25s.BM25(k1=1.2, b=0.75)
        retriever.index(tokens, show_progress=False)
        return cls(retriever, len(texts))

    def save(self, folder: Path) -> None:
        self._retriever.save(str(folder), allow_pickle=False)

    @classmethod
    def load(cls, folder: Path, num_docs: int) -> LexicalIndex:
        retriever = bm25s.BM25.load(str(folder), allow_pickle=False, load_corpus=False)
        found = int(retriever.scores["num_docs"])
        if found != num_docs:
            raise ValueError(f"bm25 index holds {found} documents, expected {num_docs}")
        return cls(retriever, num_docs)

    def mentions(self, phrase: str) -> bool:
        """Whether every word of ``phrase`` occurs somewhere in the indexed texts."""
        terms = analyse(phrase)
        return bool(terms) and all(term in self._retriever.vocab_dict for term in terms)

    def scores(self, query: str, mask: np.ndarray | None = None) -> np.ndarray:
        """BM25 score of every document (0 where ``mask`` is 0)."""
        ids = self._retriever.get_tokens_ids(analyse(query))
        if not ids:
            return np.zeros(self.num_docs, dtype=np.float32)
        scores = self._retriever.get_scores(ids)
        if mask is not None:
            scores = scores * mask
        return np.asarray(scores, dtype=np.float32)
