"""The model-aware entry point: load an index with its embedding model once, then search.

>>> from mgiassist import Assistant
>>> assistant = Assistant.load("index")
>>> result = assistant.search("Can Cambodians vote from abroad?", k=3)
>>> result.hits[0].citation.label()
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from mgiassist.answer import Answer, Encoder
from mgiassist.answer.answerability.judge import Judge
from mgiassist.answer.answerability.model import AnswerabilityModel, load_model
from mgiassist.answer.structured import PAGE_SIZE
from mgiassist.answer.turn import answer_turn
from mgiassist.embed import Embedder, load_embedder
from mgiassist.embed.cache import EncodeCache
from mgiassist.errors import IndexMismatchError, IndexStaleError
from mgiassist.index import LoadedIndex, index_status, load_index
from mgiassist.index.load import model_problem
from mgiassist.index.manifest import damaged
from mgiassist.schema import Chunk, SearchResult
from mgiassist.search.searcher import Filters, Searcher, SearchSettings

__all__ = ["Assistant"]


class Assistant:
    def __init__(
        self,
        index: LoadedIndex,
        embedder: Embedder,
        settings: SearchSettings | None = None,
        answerability: AnswerabilityModel | None = None,
    ) -> None:
        if embedder.model_id != index.model_id:
            raise IndexMismatchError(
                f"index {index.path} was built with {index.model_id}, not {embedder.model_id}: "
                f"search it with --model {index.model_id} or rebuild it"
            )
        if embedder.dimension != index.vectors.shape[1]:
            raise IndexMismatchError(
                f"index {index.path} holds {index.vectors.shape[1]}-dimensional vectors; "
                f"{embedder.model_id} makes {embedder.dimension}: rebuild the index"
            )
        self.index = index
        self.embedder = embedder
        # The one encode cache (questions, their words, answer sentences): it lives and dies with
        # this assistant, so a reloaded index releases the one it replaced. Question words the
        # corpus never uses are encoded in one batch call (word neighbours).
        self.encoder = EncodeCache(embedder.encode)
        self.searcher = Searcher(index, self.encoder.encode_one, settings, encode_texts=self.encoder.encode)
        # The index's own answerability.json when it has one, else the model shipped with us.
        self._sentence_encoder: Encoder | None = None
        self.judge = Judge(
            index,
            answerability or load_model(index.path),
            self._encode_sentences,
            world=self.searcher.world,
        )

    @classmethod
    def load(
        cls,
        index_dir: str | Path = "index",
        *,
        model: str | None = None,
        embedder: Embedder | None = None,
        check_stale: bool = True,
        settings: SearchSettings | None = None,
    ) -> Assistant:
        """Load the index and the model it was built with (or ``model``/``embedder`` if given)."""
        index_dir = Path(index_dir)
        if check_stale:
            status = index_status(index_dir)
            if status.state == "stale":
                raise IndexStaleError(
                    f"index {index_dir} is stale — the corpus changed since it was built "
                    f"({'; '.join(status.reasons)}): run `mgiassist index --index {index_dir}`"
                )
        index = load_index(index_dir)
        if embedder is None:
            embedder = load_embedder(model or index.model_id)
            if model is None:
                # the model the manifest names must be the one that made the vectors: a manifest
                # rewritten to name another model of the same dimension passes every other check
                problem = model_problem(index, embedder.encode)
                if problem is not None:
                    raise damaged(index_dir, [problem])
        return cls(index, embedder, settings)

    def _encode_sentences(self, texts: list[str]) -> np.ndarray:
        """Sentence vectors stored with the index (``sentences.npy``) and the search's own cached
        query vector, so an answer costs no encode beyond the search's; built on first use so a
        plain search never reads the sentence table."""
        if self._sentence_encoder is None:
            from mgiassist.index.sentence_table import answer_encoder

            self._sentence_encoder = answer_encoder(self)
        return self._sentence_encoder(texts)

    @property
    def settings(self) -> SearchSettings:
        return self.searcher.settings

    @property
    def facets(self) -> dict[str, list[str]]:
        return self.searcher.facets

    def search(
        self,
        question: str,
        *,
        k: int = 5,
        history: Sequence[str] = (),
        country: str | Sequence[str] | None = None,
        family: str | Sequence[str] | None = None,
        domain: str | Sequence[str] | None = None,
        section: str | Sequence[str] | None = None,
        polarity: str | Sequence[str] | None = None,
        edition: str | Sequence[str] | None = None,
    ) -> SearchResult:
        """Cited passages for ``question``; ``edition`` names a date or "all" (default: the newest
        edition of each profile)."""
        filters = Filters(country=country, family=family, domain=domain, section=section, polarity=polarity,
                          edition=edition)
        return self.searcher.search(question, k=k, history=history, filters=filters)

    def answer(
        self,
        question: str,
        history: Sequence[str] = (),
        *,
        country: str | Sequence[str] | None = None,
        family: str | Sequence[str] | None = None,
        domain: str | Sequence[str] | None = None,
        polarity: str | Sequence[str] | None = None,
        section: str | Sequence[str] | None = None,
        edition: str | Sequence[str] | None = None,
        k: int = 5,
        offset: int = 0,
        page_size: int = PAGE_SIZE,
    ) -> Answer:
        """One chat turn: search, decide the state, compose the reply with its citations.

        ``offset`` pages through a long list answer (``answer.more["offset"]`` is the next page).
        """
        filters = Filters(country=country, family=family, domain=domain, section=section, polarity=polarity,
                          edition=edition)
        return answer_turn(
            self.searcher, self.judge, self._encode_sentences, question, history,
            filters=filters, k=k, offset=offset, page_size=page_size,
        )

    def chunk(self, chunk_id: str) -> Chunk:
        return self.searcher.chunk(chunk_id)

    def section_chunks(self, chunk_id: str) -> list[Chunk]:
        return self.searcher.section_chunks(chunk_id)

    def profile_chunks(self, source: str) -> list[Chunk]:
        return self.searcher.profile_chunks(source)
