"""Hybrid search over a loaded index: dense (FAISS) and BM25 fused, filtered, with abstention.

The ranking pieces (:func:`rrf_fuse`, :func:`convex_fuse`, :func:`top_k`) work on plain numpy
arrays. :class:`Searcher` needs only a loaded index and a function that embeds one query, so it
is tested with a fake embedder; :class:`mgiassist.assistant.Assistant` adds the real model.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import faiss
import numpy as np

from mgiassist.converse import contextualise
from mgiassist.countries import CountryMatcher, all_countries, lookup_country
from mgiassist.errors import FilterError, QueryError
from mgiassist.index import LoadedIndex
from mgiassist.schema import (
    FAMILY_LABELS,
    FAMILY_MAPPING,
    FAMILY_MGI,
    FAMILY_OTHER,
    POLARITY_FURTHER_DEVELOPMENT,
    POLARITY_WELL_DEVELOPED,
    Chunk,
    Citation,
    Hit,
    SearchResult,
)

__all__ = [
    "DEFAULT_ABSTAIN_THRESHOLD",
    "FUSIONS",
    "MAX_QUERY_CHARS",
    "Filters",
    "SearchSettings",
    "Searcher",
    "convex_fuse",
    "minmax",
    "rrf_fuse",
    "top_k",
    "validate_query",
]

MAX_QUERY_CHARS = 2000
# Below this many allowed rows a filtered dense search is an exact numpy product, not FAISS.
EXACT_SCAN_ROWS = 4096
# Calibrated on the unanswerable questions of eval/questions (see README, "Abstention").
DEFAULT_ABSTAIN_THRESHOLD = 0.30
FUSIONS = ("rrf", "convex", "dense", "bm25")

_FAMILY_ALIASES = {
    "mgi": FAMILY_MGI, "mgi-profile": FAMILY_MGI, "mgi profile": FAMILY_MGI,
    "migration governance profile": FAMILY_MGI,
    "mapping": FAMILY_MAPPING, "diaspora": FAMILY_MAPPING, "diaspora-mapping": FAMILY_MAPPING,
    "diaspora engagement mapping": FAMILY_MAPPING, "eudif": FAMILY_MAPPING,
    "other": FAMILY_OTHER, "profile": FAMILY_OTHER,
}
_POLARITY_ALIASES = {
    "well-developed": POLARITY_WELL_DEVELOPED, "well developed": POLARITY_WELL_DEVELOPED,
    "strength": POLARITY_WELL_DEVELOPED, "strengths": POLARITY_WELL_DEVELOPED,
    "positive": POLARITY_WELL_DEVELOPED,
    "further-development": POLARITY_FURTHER_DEVELOPMENT, "further development": POLARITY_FURTHER_DEVELOPMENT,
    "potential for further development": POLARITY_FURTHER_DEVELOPMENT,
    "weakness": POLARITY_FURTHER_DEVELOPMENT, "weaknesses": POLARITY_FURTHER_DEVELOPMENT,
    "gap": POLARITY_FURTHER_DEVELOPMENT, "gaps": POLARITY_FURTHER_DEVELOPMENT,
}


def validate_query(query: str, *, max_chars: int = MAX_QUERY_CHARS) -> str:
    """The query with whitespace folded; :class:`QueryError` for one that cannot be searched."""
    if not isinstance(query, str):
        raise QueryError("the question must be text")
    if len(query) > max_chars:
        raise QueryError(
            f"the question is {len(query):,} characters long; the limit is {max_chars:,} — ask about one thing at a time"
        )
    controls = sorted({ch for ch in query if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r"})
    if controls:
        names = ", ".join(f"U+{ord(ch):04X}" for ch in controls[:5])
        raise QueryError(f"the question contains control characters ({names}); remove them and ask again")
    folded = " ".join(query.split())
    if not folded:
        raise QueryError("the question is empty; type a question such as 'Can Cambodians vote from abroad?'")
    if not re.search(r"\w", folded):
        raise QueryError("the question has no words to search for")
    return folded


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


@dataclass
class Filters:
    country: str | Sequence[str] | None = None
    family: str | Sequence[str] | None = None
    domain: str | Sequence[str] | None = None
    section: str | Sequence[str] | None = None
    polarity: str | Sequence[str] | None = None

    def active(self) -> bool:
        return any(v for v in (self.country, self.family, self.domain, self.section, self.polarity))


@dataclass
class SearchSettings:
    fusion: str = "rrf"
    rrf_k: int = 10  # tuned on eval/questions: k=10 beat 20 and 60 on MRR@10 and nDCG@10
    dense_weight: float = 1.0
    lexical_weight: float = 1.0
    alpha: float = 0.6  # for convex fusion
    depth: int = 100  # candidates taken from each retriever before fusion
    polarity_boost: float = 0.15
    # None: the threshold calibrated with the index (calibration.json), else the default
    abstain_threshold: float | None = None
    extra: dict[str, float] = field(default_factory=dict)


def _as_list(value: str | Sequence[str] | None) -> list[str]:
    if value is None or value == "":
        return []
    return [value] if isinstance(value, str) else [v for v in value if v]


class Searcher:
    """Search over a :class:`LoadedIndex`; ``encode_query`` turns one text into a unit vector."""

    def __init__(
        self,
        index: LoadedIndex,
        encode_query: Callable[[str], np.ndarray],
        settings: SearchSettings | None = None,
    ) -> None:
        self.index = index
        self.encode_query = encode_query
        self.settings = settings or SearchSettings()
        chunks = index.chunks
        self.matcher = CountryMatcher(index.countries)
        self.world = CountryMatcher(list(all_countries()))
        # Which countries any indexed text names, decided once per index rather than per query.
        self._mentioned = {
            country.name
            for country in all_countries()
            if any(index.lexical.mentions(alias) for alias in (country.name, *country.aliases))
        }
        self._indexed = {c.country for c in chunks if c.country}
        self._columns = {
            "country": np.array([c.country or "" for c in chunks], dtype=object),
            "family": np.array([c.family for c in chunks], dtype=object),
            "domain": np.array([c.domain.lower() for c in chunks], dtype=object),
            "section": np.array([c.section.lower() for c in chunks], dtype=object),
            "polarity": np.array([c.polarity or "" for c in chunks], dtype=object),
        }
        # np.isin over object arrays costs ~0.5 ms at 40k chunks; integer codes cost ~0.01 ms
        self._country_names, self._country_codes = np.unique(self._columns["country"].astype(str), return_inverse=True)
        self._polarity = self._columns["polarity"]
        self._guessed_country = self._columns["family"] == FAMILY_OTHER
        # One query at a time: FAISS's OpenMP threads only fight torch's for the same two cores.
        faiss.omp_set_num_threads(1)
        self._by_id = {c.chunk_id: i for i, c in enumerate(chunks)}

    @property
    def abstain_threshold(self) -> float:
        if self.settings.abstain_threshold is not None:
            return self.settings.abstain_threshold
        if self.index.abstain_threshold is not None:
            return self.index.abstain_threshold
        return DEFAULT_ABSTAIN_THRESHOLD

    # -- facets -----------------------------------------------------------------------------

    @functools.cached_property
    def facets(self) -> dict[str, list[str]]:
        """The values each filter accepts, as held by this index."""
        chunks = self.index.chunks
        return {
            "country": sorted({c.country for c in chunks if c.country}),
            "family": sorted({c.family for c in chunks}),
            "domain": sorted({c.domain for c in chunks if c.domain}),
            "section": sorted({c.section for c in chunks if c.section}),
            "polarity": sorted({c.polarity for c in chunks if c.polarity}),
        }

    def _resolve_filter(self, name: str, value: str) -> list[str]:
        facets = self.facets[name]
        raw = value.strip()
        key = raw.lower()
        if name == "country":
            found = self.matcher.find(raw) or ([c.name] if (c := lookup_country(raw)) else [])
            hits = [f for f in found if f in facets]
        elif name == "family":
            family = _FAMILY_ALIASES.get(key) or next((f for f in facets if FAMILY_LABELS.get(f, "").lower() == key), None)
            hits = [family] if family in facets else []
        elif name == "polarity":
            polarity = _POLARITY_ALIASES.get(key)
            hits = [polarity] if polarity in facets else []
        elif name == "domain":
            hits = [d.lower() for d in facets if d.lower() == key] or [d.lower() for d in facets if key and key in d.lower()]
        else:
            hits = [s.lower() for s in facets if key and key in s.lower()]
        if not hits:
            shown = ", ".join(facets[:12]) + (", …" if len(facets) > 12 else "")
            raise FilterError(f"unknown {name} {raw!r}; the index holds: {shown or 'none'}")
        return hits

    def filter_mask(self, filters: Filters | None) -> np.ndarray:
        mask = np.ones(len(self.index.chunks), dtype=bool)
        if filters is None:
            return mask
        for name in ("country", "family", "domain", "section", "polarity"):
            values = _as_list(getattr(filters, name))
            if not values:
                continue
            wanted: list[str] = []
            for value in values:
                wanted.extend(self._resolve_filter(name, value))
            column = self._columns[name]
            if name == "section":
                mask &= np.array([any(w in s for w in wanted) for s in column], dtype=bool)
            else:
                mask &= np.isin(column, wanted)
        return mask

    # -- search -----------------------------------------------------------------------------

    def _dense_scores(self, query_vector: np.ndarray, mask: np.ndarray, depth: int) -> tuple[np.ndarray, np.ndarray]:
        """The ``depth`` nearest chunks among those ``mask`` allows, by inner product."""
        query_vector = np.ascontiguousarray(query_vector, dtype=np.float32).reshape(1, -1)
        allowed = int(mask.sum())
        depth = min(depth, allowed)
        if depth == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        if allowed <= EXACT_SCAN_ROWS and allowed < len(mask):
            # A filter that leaves a few thousand rows: an exact product over them is cheaper
            # than FAISS with an ID selector (and exact where HNSW would be approximate).
            rows = np.flatnonzero(mask)
            scores = self.index.vectors[rows] @ query_vector[0]
            best = top_k(scores, depth)
            return rows[best], scores[best]
        if allowed < len(mask):
            bits = np.packbits(mask, bitorder="little")
            selector = faiss.IDSelectorBitmap(len(mask), faiss.swig_ptr(bits))
            params = (
                faiss.SearchParametersHNSW(sel=selector, efSearch=max(depth, self.index.dense.hnsw.efSearch))
                if isinstance(self.index.dense, faiss.IndexHNSW)
                else faiss.SearchParameters(sel=selector)
            )
            scores, ids = self.index.dense.search(query_vector, depth, params=params)
            del bits  # the selector points into it; keep it alive until the search is done
        else:
            scores, ids = self.index.dense.search(query_vector, depth)
        keep = ids[0] >= 0
        return ids[0][keep].astype(np.int64), scores[0][keep]

    def search(
        self,
        query: str,
        *,
        k: int = 5,
        history: Sequence[str] = (),
        filters: Filters | None = None,
    ) -> SearchResult:
        if k < 1:
            raise QueryError("k must be at least 1")
        question = validate_query(query)
        turns = []
        for turn in history:
            try:
                turns.append(validate_query(turn))
            except QueryError:
                continue  # earlier turns are only context: one unusable turn must not block this one
        context = contextualise(question, turns, self.matcher)
        mask = self.filter_mask(filters)
        notes: list[str] = []
        explicit_country = filters is not None and bool(_as_list(filters.country))
        indexed = self._indexed
        named = [c for c in context.countries if c in indexed]
        if named and not explicit_country and len(indexed) > 1:
            # the country of a free-form profile is only a guess from its text: never exclude it
            codes = np.flatnonzero(np.isin(self._country_names, named))
            narrowed = mask & (np.isin(self._country_codes, codes) | self._guessed_country)
            if narrowed.any():
                mask = narrowed
                notes.append(f"narrowed to {', '.join(named)}")
        if not mask.any():
            return SearchResult(question, context.search_query, True, [], tuple(named), ("no passage matches the filters",))
        # A country no indexed text even names cannot be answered for: "Can Kenyans vote from
        # abroad?" over Cambodia's profiles is refused, while "the MoU with Thailand" is searched.
        # "Cambodians in Germany" is still searched in Cambodia's profiles, with a note.
        named_anywhere = self.world.find(question)
        uncovered = [c for c in named_anywhere if c not in self._mentioned]
        if uncovered:
            notes.append(f"no indexed profile covers {', '.join(uncovered)}")
        refuse = bool(uncovered) and not any(c in indexed for c in named_anywhere)

        settings = self.settings
        depth = max(settings.depth, k)
        query_vector = np.asarray(self.encode_query(context.search_query), dtype=np.float32).reshape(-1)
        dense_ids, dense_scores = self._dense_scores(query_vector, mask, depth)
        unfiltered = bool(mask.all())
        lexical_all = self.index.lexical.scores(context.search_query, None if unfiltered else mask.astype(np.float32))
        lexical_ids = top_k(lexical_all, depth, np.flatnonzero(lexical_all > 0 if unfiltered else mask & (lexical_all > 0)))

        dense_lookup = dict(zip(dense_ids.tolist(), dense_scores.tolist()))
        candidates = np.array(sorted(set(dense_ids.tolist()) | set(lexical_ids.tolist())), dtype=np.int64)
        dense_vector = np.array([dense_lookup.get(i, np.nan) for i in candidates], dtype=np.float32)
        missing = np.isnan(dense_vector)
        if missing.any():
            # BM25-only candidates outside the dense top-depth still get their true cosine.
            dense_vector[missing] = self.index.vectors[candidates[missing]] @ query_vector
        lexical_vector = lexical_all[candidates]

        if settings.fusion == "rrf":
            fused_map = rrf_fuse(
                [dense_ids.tolist(), lexical_ids.tolist()],
                k=settings.rrf_k,
                weights=[settings.dense_weight, settings.lexical_weight],
            )
            fused = np.array([fused_map.get(int(i), 0.0) for i in candidates], dtype=np.float32)
        elif settings.fusion == "convex":
            fused = convex_fuse(dense_vector, lexical_vector, alpha=settings.alpha)
        elif settings.fusion == "dense":
            fused = dense_vector.copy()
        elif settings.fusion == "bm25":
            fused = lexical_vector.copy()
        else:
            raise ValueError(f"unknown fusion {settings.fusion!r}; choose one of {', '.join(FUSIONS)}")

        explicit_polarity = filters is not None and bool(_as_list(filters.polarity))
        if context.polarity and not explicit_polarity and settings.polarity_boost:
            fused = fused + settings.polarity_boost * float(np.abs(fused).max() or 1.0) * (
                self._polarity[candidates] == context.polarity
            )

        order = top_k(fused, k, tiebreak=np.nan_to_num(dense_vector, nan=-1.0))
        best_dense = float(np.nanmax(dense_vector)) if dense_vector.size else 0.0
        threshold = self.abstain_threshold
        abstained = best_dense < threshold or refuse
        if best_dense < threshold:
            notes.append(f"best passage similarity {best_dense:.2f} is below {threshold:.2f}")
        hits = []
        for rank, position in enumerate(order, start=1):
            i = int(candidates[position])
            chunk = self.index.chunks[i]
            hits.append(
                Hit(
                    rank=rank,
                    score=float(fused[position]),
                    chunk=chunk,
                    citation=Citation.from_chunk(chunk),
                    dense_score=float(dense_vector[position]),
                    lexical_score=float(lexical_vector[position]),
                )
            )
        return SearchResult(
            query=question,
            search_query=context.search_query,
            abstained=abstained,
            hits=hits,
            countries=tuple(named),
            notes=tuple(notes),
        )

    # -- reading the indexed profiles (for source viewers) ---------------------------------

    def chunk(self, chunk_id: str) -> Chunk:
        try:
            return self.index.chunks[self._by_id[chunk_id]]
        except KeyError:
            raise FilterError(f"no chunk {chunk_id!r} in this index") from None

    def section_chunks(self, chunk_id: str) -> list[Chunk]:
        """Every chunk of the section the given chunk belongs to (same profile, domain and section)."""
        target = self.chunk(chunk_id)
        return [
            c
            for c in self.index.chunks
            if c.source == target.source and c.heading_path[:2] == target.heading_path[:2]
        ]

    def profile_chunks(self, source: str) -> list[Chunk]:
        """Every chunk of one indexed profile, in document order."""
        chunks = [c for c in self.index.chunks if c.source == source]
        if not chunks:
            raise FilterError(f"no indexed profile {source!r}")
        return chunks
