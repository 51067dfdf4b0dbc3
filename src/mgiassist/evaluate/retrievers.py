"""Stage 3 of an evaluation: the retrievers compared. Library presets (``hybrid``, ``bm25``,
``dense``, ``rrf``, ``convex`` with setting overrides) run through :class:`mgiassist.Assistant`;
``baseline`` is the generic recipe every number is compared with."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from mgiassist.errors import MgiassistError
from mgiassist.evaluate.judging import Passage, reply_state, state_from_search
from mgiassist.evaluate.questions import EvalInputError, Question

__all__ = [
    "BaselineRetriever",
    "CachingEmbedder",
    "RetrieverSpec",
    "chunk_passage",
    "library_reply_state",
    "library_retrieve",
    "parse_retrievers",
]

# Library retrievers: a name maps to SearchSettings overrides.
_PRESETS: dict[str, dict[str, Any]] = {
    "hybrid": {},
    "rrf": {"fusion": "rrf"},
    "convex": {"fusion": "convex"},
    "dense": {"fusion": "dense"},
    "bm25": {"fusion": "bm25"},
}
_BASELINE_DEFAULTS = {"chunk_size": 1000, "chunk_overlap": 200}


@dataclass(frozen=True)
class RetrieverSpec:
    """``hybrid``, ``bm25``, ``dense``, ``baseline``, or a preset with overrides such as
    ``convex(alpha=0.4)``, ``rrf(rrf_k=20;dense_weight=2)``, ``hybrid(history=0)``,
    ``baseline(chunk_size=500;chunk_overlap=100)``."""

    name: str
    kind: str  # "library" or "baseline"
    settings: dict[str, Any] = field(default_factory=dict)
    use_history: bool = True


_SPEC = re.compile(r"^\s*([a-z][a-z0-9_-]*)\s*(?:\((.*)\))?\s*$", re.IGNORECASE)


def _number(value: str) -> int | float | str:
    for cast in (int, float):
        try:
            return cast(value)
        except ValueError:
            pass
    return value


def parse_retrievers(text: str | Sequence[str]) -> list[RetrieverSpec]:
    """Retriever specs from ``"bm25,dense,hybrid,convex(alpha=0.4),baseline"``."""
    from mgiassist.search.searcher import SearchSettings

    items = re.split(r",(?![^()]*\))", text) if isinstance(text, str) else list(text)
    known = {f.name for f in dataclasses.fields(SearchSettings)} - {"extra"}
    specs: list[RetrieverSpec] = []
    for item in (i.strip() for i in items):
        if not item:
            continue
        match = _SPEC.match(item)
        if not match:
            raise EvalInputError(f"cannot read retriever {item!r}; write e.g. convex(alpha=0.4)")
        base, args = match.group(1).lower(), match.group(2)
        overrides: dict[str, Any] = {}
        for pair in filter(None, (a.strip() for a in re.split(r"[;,]", args or ""))):
            key, sep, value = pair.partition("=")
            if not sep:
                raise EvalInputError(f"retriever {item!r}: write options as name=value")
            overrides[key.strip()] = _number(value.strip())
        if base == "baseline":
            unknown = set(overrides) - set(_BASELINE_DEFAULTS)
            if unknown:
                raise EvalInputError(f"baseline takes chunk_size and chunk_overlap, not {', '.join(sorted(unknown))}")
            specs.append(RetrieverSpec(item.replace(" ", ""), "baseline", {**_BASELINE_DEFAULTS, **overrides}))
            continue
        if base not in _PRESETS:
            raise EvalInputError(
                f"unknown retriever {base!r}; choose from {', '.join([*_PRESETS, 'baseline'])}"
            )
        use_history = bool(overrides.pop("history", 1))
        unknown = set(overrides) - known
        if unknown:
            raise EvalInputError(f"retriever {item!r}: unknown setting {', '.join(sorted(unknown))}")
        specs.append(RetrieverSpec(item.replace(" ", ""), "library", {**_PRESETS[base], **overrides}, use_history))
    if not specs:
        raise EvalInputError("no retriever given")
    names = [s.name for s in specs]
    if len(set(names)) != len(names):
        raise EvalInputError(f"a retriever is listed twice: {', '.join(names)}")
    return specs


class BaselineRetriever:
    """The generic recipe: fixed-size recursive character chunks of the raw files, the same
    embedding model, exact inner-product search (FAISS flat), no BM25, no metadata, no history."""

    def __init__(
        self,
        files: Sequence[tuple[str, str, str | None]],
        encode: Callable[[list[str]], np.ndarray],
        *,
        chunk_size: int = 1000,
        chunk_overlap: int = 200,
    ) -> None:
        import faiss
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        splitter = RecursiveCharacterTextSplitter(chunk_size=int(chunk_size), chunk_overlap=int(chunk_overlap))
        self.passages: list[Passage] = []
        for source, text, country in files:
            stem = Path(source).stem
            for number, piece in enumerate(splitter.split_text(text)):
                self.passages.append(
                    Passage(f"baseline:{source}#{number}", piece, country, source, f"{source} · chunk {number + 1}", (source, stem))
                )
        self.encode = encode
        vectors = encode([p.text for p in self.passages]) if self.passages else np.zeros((0, 1), dtype=np.float32)
        self.index = faiss.IndexFlatIP(vectors.shape[1])
        if len(vectors):
            self.index.add(np.ascontiguousarray(vectors, dtype=np.float32))

    def search(self, question: str, k: int) -> tuple[list[Passage], float]:
        """The ``k`` nearest passages and the best cosine (for abstention)."""
        vector = np.ascontiguousarray(self.encode([question]), dtype=np.float32).reshape(1, -1)
        scores, ids = self.index.search(vector, min(k, len(self.passages)))
        found = [(self.passages[i], float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]
        return [p for p, _ in found], (found[0][1] if found else 0.0)


class CachingEmbedder:
    """Every retriever embeds the same questions: embed each text once per evaluation."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.model_id, self.dimension, self.max_tokens = inner.model_id, inner.dimension, inner.max_tokens
        self._cache: dict[str, np.ndarray] = {}

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    def encode(self, texts: list[str], *, batch_size: int = 32, show_progress: bool = False) -> np.ndarray:
        todo = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if todo:
            for text, vector in zip(todo, self.inner.encode(todo, batch_size=batch_size, show_progress=show_progress)):
                self._cache[text] = vector
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.stack([self._cache[t] for t in texts]).astype(np.float32, copy=False)


def chunk_passage(chunk: Any, label: str) -> Passage:
    return Passage(chunk.chunk_id, chunk.text, chunk.country, chunk.source, label, (chunk.source, Path(chunk.source).stem))


def library_retrieve(assistant: Any, question: Question, k: int, use_history: bool) -> tuple[list[Passage], bool, float, str]:
    """The ranked passages, the abstention flag, the best cosine and the query searched."""
    result = assistant.search(question.question, k=k, history=question.history if use_history else ())
    passages = [chunk_passage(h.chunk, h.citation.label()) for h in result.hits]
    best = max((h.dense_score for h in result.hits), default=0.0)
    return passages, result.abstained, best, result.search_query


def library_reply_state(assistant: Any, question: Question, use_history: bool, abstained: bool) -> tuple[str, str]:
    """The reply state the library gives (``Assistant.answer(question, history=…)`` → ``.state``)
    and where it came from: ``"answer"``, or ``"search"`` when the library has no ``answer`` or its
    reply names no state (abstained → not_covered, else answered)."""
    answer = getattr(assistant, "answer", None)
    if callable(answer):
        try:
            state = reply_state(answer(question.question, history=question.history if use_history else ()))
        except MgiassistError:
            state = None
        if state is not None:
            return state, "answer"
    return state_from_search(abstained), "search"
