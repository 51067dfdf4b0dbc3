"""BM25 over chunk texts, with bm25s (saved as JSON + .npy, no pickle).

Documents and queries go through the same analyser: symbols read as words ("%" → "percent"),
lower-case word tokens, English stopwords removed, Snowball (PyStemmer) stems, so "centres" and
"centre" meet. Beside the BM25 arrays the folder holds ``lexicon.json``: the surface words (for
typo correction, :mod:`mgiassist.text.spelling`) and the acronyms defined or implied by the indexed
texts (:mod:`mgiassist.text.acronyms`), mined when the index is built.
"""

from __future__ import annotations

import functools
import json
import logging
import re
from collections.abc import Mapping
from pathlib import Path

import bm25s
import numpy as np
from bm25s.stopwords import STOPWORDS_EN

from mgiassist.text.acronyms import AcronymTable
from mgiassist.text.spelling import Speller
from mgiassist.text.symbols import spell_symbols

__all__ = ["ANALYSER", "AUXILIARIES", "LEXICON", "LexicalIndex", "analyse", "is_stopword"]

log = logging.getLogger(__name__)
# bm25s sets its own logger to DEBUG when imported, which would print "DEBUG: Building index…"
# through any root handler; its progress is not news to our users.
logging.getLogger("bm25s").setLevel(logging.WARNING)

ANALYSER = "words-lower-stop_en-snowball_en-symbols-elision-v3"
LEXICON = "lexicon.json"
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)
_STOPWORDS = frozenset(STOPWORDS_EN)
# English's auxiliary verbs, a closed class: they open yes/no questions, end a noun phrase ("how
# many members *does* ACCA have") and follow a subject pronoun ("when was *it*…").
AUXILIARIES = frozenset(["do", "does", "did", "is", "are", "was", "were", "be", "been", "have", "has", "had",
                         "can", "could", "will", "would", "shall", "should", "may", "might", "must"])
# A French article or pronoun elided before a name ("l'Ain", "d'Ivoire"): the name is the word.
# The diaspora annexes list many French associations; "Ain" was "never mentioned" while the
# corpus says "de l'Ain".
_ELISION = re.compile(r"^(?:l|d|j|n|s|t|m|c|qu)'(?=[^\W\d_]{2})")


@functools.lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


def is_stopword(word: str) -> bool:
    return word.lower() in _STOPWORDS


def analyse(text: str) -> list[str]:
    words = [w.replace("’", "'") for w in _WORD.findall(spell_symbols(text).lower())]
    words = [_ELISION.sub("", w.removesuffix("'s")) for w in words]
    words = [w for w in words if w not in _STOPWORDS]
    return _stemmer().stemWords(words)


class LexicalIndex:
    def __init__(
        self,
        retriever: bm25s.BM25,
        num_docs: int,
        speller: Speller | None = None,
        acronyms: AcronymTable | None = None,
    ) -> None:
        self._retriever = retriever
        self.num_docs = num_docs
        self.speller = speller or Speller()
        self.acronyms = acronyms or AcronymTable()

    @classmethod
    def build(cls, texts: list[str]) -> LexicalIndex:
        tokens = [analyse(t) or ["\u2205"] for t in texts]  # bm25s rejects empty documents
        retriever = bm25s.BM25(k1=1.2, b=0.75)
        retriever.index(tokens, show_progress=False)
        return cls(retriever, len(texts), Speller.from_texts(texts), AcronymTable.mine(texts))

    def save(self, folder: Path) -> None:
        self._retriever.save(str(folder), allow_pickle=False)
        lexicon = {"speller": self.speller.to_dict(), "acronyms": self.acronyms.to_dict()}
        (Path(folder) / LEXICON).write_text(json.dumps(lexicon, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path, num_docs: int) -> LexicalIndex:
        retriever = bm25s.BM25.load(str(folder), allow_pickle=False, load_corpus=False)
        found = int(retriever.scores["num_docs"])
        if found != num_docs:
            raise ValueError(f"bm25 index holds {found} documents, expected {num_docs}")
        speller, acronyms = None, None
        path = Path(folder) / LEXICON
        try:
            lexicon = json.loads(path.read_text(encoding="utf-8"))
            speller = Speller.from_dict(lexicon["speller"])
            acronyms = AcronymTable.from_dict(lexicon["acronyms"])
        except FileNotFoundError:
            pass  # an index from before lexicons: search works, without typo or acronym help
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("ignoring unreadable %s (%s); typo and acronym matching are off", path, exc)
        return cls(retriever, num_docs, speller, acronyms)

    def knows(self, word: str) -> bool:
        """Whether ``word`` (one word) gives a term the index holds."""
        terms = analyse(word)
        return bool(terms) and all(term in self._retriever.vocab_dict for term in terms)

    def mentions(self, phrase: str) -> bool:
        """Whether every word of ``phrase`` occurs somewhere in the indexed texts."""
        return self.knows(phrase)

    def terms(self, text: str) -> set[str]:
        """The analysed terms of ``text`` that the index holds."""
        return {t for t in analyse(text) if t in self._retriever.vocab_dict}

    def scores(
        self, query: str, mask: np.ndarray | None = None, extra: Mapping[str, float] | None = None
    ) -> np.ndarray:
        """BM25 score of every document (0 where ``mask`` is 0); ``extra`` adds analysed terms,
        each counted with its weight (expansions count less than the words asked)."""
        ids = self._retriever.get_tokens_ids(analyse(query))
        weighted = [(self._retriever.vocab_dict[t], w) for t, w in (extra or {}).items() if t in self._retriever.vocab_dict]
        if not ids and not weighted:
            return np.zeros(self.num_docs, dtype=np.float32)
        scores = self._retriever.get_scores(ids) if ids else np.zeros(self.num_docs, dtype=np.float32)
        for term_id, weight in weighted:
            scores = scores + weight * self._retriever.get_scores([term_id])
        if mask is not None:
            scores = scores * mask
        return np.asarray(scores, dtype=np.float32)
