"""Hybrid search over a loaded index: dense (FAISS) and BM25 fused, filtered, with abstention.

:meth:`Searcher.search` is a short sequence of named steps, each a small method on plain arrays:
read the question once (:meth:`Searcher.read`: validate → contextualise → expand acronyms and
typos → cues and language, a :class:`~mgiassist.search.question.Question`) → scope (filters,
countries named) → dense → word neighbours → lexical → fuse → a channel's clear winner first →
prefer the cued passages → abstain? → hits. The ranking pieces (:func:`rrf_fuse`,
:func:`convex_fuse`, :func:`top_k`) work on plain numpy arrays. :class:`Searcher` needs only a
loaded index and a function that embeds one query, so it is tested with a fake embedder;
:class:`mgiassist.assistant.Assistant` adds the real model.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import faiss
import numpy as np

from mgiassist.chunk import KIND_TABLE_ROW
from mgiassist.editions.catalogue import question_years
from mgiassist.errors import FilterError, QueryError
from mgiassist.index import LoadedIndex
from mgiassist.index.vocabulary import Vocabulary, neighbour_terms
from mgiassist.schema import FAMILY_LABELS, FAMILY_OTHER, Chunk, Citation, Hit, SearchResult
from mgiassist.search.cues import CUES, Intent, detect_intent, with_meaning
from mgiassist.search.families import families_named, without_family_names, without_family_scope
from mgiassist.search.filters import FilterResolver, Filters, as_list
from mgiassist.search.followup import Contextualised, content_words, contextualise
from mgiassist.search.fusion import convex_fuse, minmax, rrf_fuse, top_k
from mgiassist.search.intents import IntentGuess, IntentReader, load_prototypes
from mgiassist.search.query import (
    MAX_QUERY_CHARS,
    OTHER_SCRIPT,
    Expansion,
    expand_query,
    language_note,
    question_language,
    validate_query,
    without_stopwords,
)
from mgiassist.search.question import Question
from mgiassist.search.settings import (
    CUE_DEPTH,
    DEFAULT_ABSTAIN_THRESHOLD,
    DEFAULT_CUE_WEIGHTS,
    FUSIONS,
    SearchSettings,
)
from mgiassist.text.countries import CountryMatcher, all_countries
from mgiassist.text.lexical import analyse
from mgiassist.text.spelling import corrected

__all__ = [
    "DEFAULT_ABSTAIN_THRESHOLD",
    "DEFAULT_CUE_WEIGHTS",
    "FUSIONS",
    "MAX_QUERY_CHARS",
    "Candidates",
    "Filters",
    "Scope",
    "SearchSettings",
    "Searcher",
    "convex_fuse",
    "minmax",
    "rrf_fuse",
    "top_k",
    "validate_query",
]

# Below this many allowed rows a filtered dense search is an exact numpy product, not FAISS.
EXACT_SCAN_ROWS = 4096
@dataclass
class Scope:
    """Which chunks a search may return, and why."""

    mask: np.ndarray
    countries: tuple[str, ...] = ()
    notes: list[str] = field(default_factory=list)
    refuse: bool = False  # the question is about a country no indexed text names
    uncovered: tuple[str, ...] = ()  # countries it names that no indexed text names


@dataclass
class Candidates:
    """The union of every ranking's candidates, as aligned arrays."""

    ids: np.ndarray
    dense: np.ndarray
    lexical: np.ndarray
    dense_ranking: np.ndarray
    lexical_ranking: np.ndarray
    # one ranking per cue of the question (chunk ids, best first) and its fusion weight
    cue_rankings: list[tuple[np.ndarray, float]] = field(default_factory=list)


_POLARITY_CUES = frozenset(cue.name for cue in CUES if cue.polarity)


class Searcher:
    """Search over a :class:`LoadedIndex`; ``encode_query`` turns one text into a unit vector,
    ``encode_texts`` (optional) a list of texts into rows in one call: the question words the
    corpus never uses are encoded with it, else one by one. Caching is the caller's (the
    assistant's :class:`~mgiassist.embed.cache.EncodeCache` stands behind both)."""

    def __init__(
        self,
        index: LoadedIndex,
        encode_query: Callable[[str], np.ndarray],
        settings: SearchSettings | None = None,
        encode_texts: Callable[[list[str]], np.ndarray] | None = None,
    ) -> None:
        self.index = index
        self.encode_query = encode_query
        self.encode_texts = encode_texts
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
        self.filters = FilterResolver(chunks, self.matcher)
        # np.isin over object arrays costs ~0.5 ms at 40k chunks; integer codes cost ~0.01 ms
        self._country_names, self._country_codes = np.unique(
            self.filters.columns["country"].astype(str), return_inverse=True
        )
        self._polarity = self.filters.columns["polarity"]
        kinds = np.array([c.kind for c in chunks], dtype=object)
        # which chunks each cue asks for, decided once per index
        self._cue_masks = {
            cue.name: (self._polarity == cue.polarity) | np.isin(kinds, cue.kinds) if cue.polarity else np.isin(kinds, cue.kinds)
            for cue in CUES
        }
        # a profile's definitions for the other level (a national profile's for cities), which
        # only a question about cities asks for
        other_level = np.array([c.kind == "definition" and (c.attributes.get("scope") == "city level") != bool(c.city)
                                for c in chunks], dtype=bool)
        self._cue_masks["definitions"] &= ~other_level
        self._other_level_definitions = other_level
        self._guessed_country = self.filters.columns["family"] == FAMILY_OTHER
        # One query at a time: FAISS's OpenMP threads only fight torch's for the same two cores.
        faiss.omp_set_num_threads(1)
        self._by_id = {c.chunk_id: i for i, c in enumerate(chunks)}
        self._terms: dict[int, frozenset[str]] = {}
        self.vocabulary: Vocabulary | None = getattr(index, "vocabulary", None)

    def names_anywhere(self, country: str) -> bool:
        """Whether any indexed text names ``country`` (by a name or a demonym)."""
        return country in self._mentioned

    @property
    def abstain_threshold(self) -> float:
        if self.settings.abstain_threshold is not None:
            return self.settings.abstain_threshold
        if self.index.abstain_threshold is not None:
            return self.index.abstain_threshold
        return DEFAULT_ABSTAIN_THRESHOLD

    @functools.cached_property
    def intents(self) -> IntentReader:
        """What a question asks for, read by meaning with this search's encoder: the shipped
        reader when this index's model fitted it, else one fitted on the labelled wordings,
        encoded on the first question that needs them."""
        return IntentReader(load_prototypes(), self._encode_words, model_id=getattr(self.index, "model_id", None))

    @functools.cached_property
    def facets(self) -> dict[str, list[str]]:
        """The values each filter accepts, as held by this index."""
        return self.filters.facets

    def filter_mask(self, filters: Filters | None) -> np.ndarray:
        """Which chunks the filters allow (exact or unambiguous-prefix values; see :mod:`mgiassist.search.filters`)."""
        return self.filters.mask(filters)

    # -- the steps of a search --------------------------------------------------------------

    def read(self, query: str, history: Sequence[str] = ()) -> Question:
        """``query`` read once (:class:`Question`): what every later step reads instead of the words."""
        question, turns = self._validate(query, history)
        mentions = self.world.mentions(question)  # every country the question names, indexed or not
        context = contextualise(question, turns, self.matcher, places=self.world)
        # the words a follow-up borrows are expanded too: "when was it set up?" after "what is
        # ACRA?" is searched as "… ACRA" and the long form of ACRA, as the first question was
        expansion = self._expand(context.search_query, mentions)
        if families_named(context.search_query):
            # a family named is a scope (mgiassist.search.families): its name is not searched in
            # its long form ("MGI": "Migration Governance Indicators", its introduction's words)
            kept = tuple(pair for pair in expansion.acronyms if not families_named(pair[0]))
            expansion = dataclasses.replace(expansion, acronyms=kept)
        language = question_language(question)
        # what it asks for is read without the family it names: "… according to the MGI" asks
        # for a finding, not for what the MGI is (mgiassist.search.families)
        intent = self._intent(corrected(without_family_names(context.search_query), expansion.corrections), language)
        cues = detect_intent(question)
        if intent is not None and context.search_query == question:
            # a follow-up's cues are its own words' ("which one of them has 20 members?" after
            # the associations): read with the words it leans on, it reads as their list
            cues = with_meaning(cues, intent.intent, intent.margin)
        return Question(
            text=question,
            history=tuple(turns),
            context=context,
            mentions=tuple(mentions),
            countries=tuple(self.matcher.find(question)),
            expansion=expansion,
            cues=cues,
            language=language,
            intent=intent,
            # a family named in the question's own words; a follow-up does not inherit the one its
            # conversation named ("Is it at least allowed by law, though?" after "What does the MGI
            # profile say about voting from abroad?" is answered by the mapping)
            families=families_named(question),
            # a family named as where to look is the scope, not the topic; named as what is
            # asked about ("Who funds the MGI?") it stays: dev, 2026-12-06, taking out every
            # family name lost 15 first passages while it gained 31, this 6 and 20
            topic=without_family_scope(context.search_query),
        )

    def _intent(self, wording: str, language: str | None) -> IntentGuess | None:
        """What ``wording`` asks for by meaning; the model reads English only. The corrected
        wording is read: the model reads "obstacels to diaspra engagement" as noise."""
        if language or not self.settings.cues_by_meaning:
            return None
        return self.intents.read(wording)

    def search(
        self,
        query: str | Question,
        *,
        k: int = 5,
        history: Sequence[str] = (),
        filters: Filters | None = None,
    ) -> SearchResult:
        """Passages for ``query`` (words, read here with ``history``, or a :class:`Question`
        already read, whose own history counts)."""
        if k < 1:
            raise QueryError("k must be at least 1")
        asked = query if isinstance(query, Question) else self.read(query, history)
        question, context, expansion, intent, language = (
            asked.text, asked.context, asked.expansion, asked.cues, asked.language)
        scope = self._scope(asked.mentions, context, filters, asked.families)
        if language:
            scope.notes.append(language_note(language))
        if not scope.mask.any():
            return SearchResult(question, context.search_query, True, [], scope.countries,
                                ("no passage matches the filters",), uncovered_countries=scope.uncovered,
                                language=language, nothing_in_filters=True, corrections=expansion.corrections)
        topic = asked.searched_words
        query_vector = self._encode(topic, expansion)
        depth = max(self.settings.depth, k)
        dense_ids, dense_scores = self._dense_scores(query_vector, scope.mask, depth)
        preferred = self._preferred_mask(scope.mask, context, filters)
        if preferred is not None and self._holds_it_too(query_vector, preferred, dense_scores):
            scope.mask, preferred = preferred, None
            scope.notes.append(f"narrowed to {', '.join(context.preferred_countries)}, which the conversation is on")
            dense_ids, dense_scores = self._dense_scores(query_vector, scope.mask, depth)
        lexical_query = self._lexical_query(topic, expansion, language)
        neighbours = self._neighbours(asked)
        lexical_all, lexical_ids = self._lexical(lexical_query, scope.mask, depth, neighbours)
        cue_rankings = self._cue_rankings(query_vector, scope.mask, intent, filters)
        cue_rankings += self._preferred_ranking(query_vector, preferred)
        candidates = self._candidates(query_vector, dense_ids, dense_scores, lexical_all, lexical_ids, cue_rankings)
        fused = self._clear_leaders(self._fuse(candidates), candidates, dense_scores)
        fused = self._prefer(fused, candidates, intent, filters)
        abstained = self._abstain(candidates, scope)
        query_terms = self._query_terms(question, expansion)
        hits = self._hits(candidates, fused, k, query_terms)
        return SearchResult(
            query=question,
            search_query=context.search_query,
            abstained=abstained,
            hits=hits,
            countries=scope.countries,
            notes=tuple(scope.notes),
            intent=intent.to_dict() if intent.cues else None,
            expansions=expansion.notes(),
            query_terms=tuple(sorted(query_terms)),
            uncovered_countries=scope.uncovered,
            language=language,
            corrections=expansion.corrections,
        )

    @staticmethod
    def _validate(query: str, history: Sequence[str]) -> tuple[str, list[str]]:
        question = validate_query(query)
        turns = []
        for turn in history:
            try:
                turns.append(validate_query(turn))
            except QueryError:
                continue  # earlier turns are only context: one unusable turn must not block this one
        return question, turns

    def _expand(self, question: str, mentions: Sequence[tuple[int, int, str]]) -> Expansion:
        settings = self.settings
        # the profiles name a country in English: "Camboya" is searched as "Cambodia" too, and a
        # code ("US", "KHM") as its name, since no passage's words match a code
        translated = tuple(dict.fromkeys(
            (question[start:end], name) for start, end, name in mentions
            if question[start:end].lower() in {t.lower() for t in self.world.countries[name].translations}
            or (question[start:end].isupper() and len(question[start:end]) <= 3)
        ))
        if not (settings.expand_acronyms or settings.correct_spelling):
            return Expansion(countries=translated)
        spans = [(start, end) for start, end, _ in mentions]
        expansion = expand_query(question, self.index.lexical, spans, spelling=settings.correct_spelling)
        acronyms = expansion.acronyms if settings.expand_acronyms else ()
        return Expansion(acronyms, expansion.corrections, translated)

    def _scope(
        self, mentions: Sequence[tuple[int, int, str]], context: Contextualised, filters: Filters | None,
        families: Sequence[str] = (),
    ) -> Scope:
        """The filter mask, narrowed to the indexed countries the conversation names. Of several
        editions of a profile the newest is searched, or the one of a year the question names."""
        notes: list[str] = []
        years = question_years(context.search_query) if self.filters.several_editions else []
        mask = self.filters.mask(filters, years=years)
        if years and not (filters is not None and as_list(filters.edition)):
            older = sorted({self.index.chunks[i].source for i in np.flatnonzero(mask & ~self.filters.mask(None))})
            if older:
                dates = ", ".join(self.filters.editions[s].label() for s in older)
                notes.append(f"searched the edition the question's year names: {dates}")
        if len(families) == 1 and not (filters is not None and as_list(filters.family)):
            # "… according to the MGI": that family's profiles answer (mgiassist.search.families)
            narrowed = mask & (self.filters.columns["family"] == families[0])
            if narrowed.any() and (narrowed != mask).any():
                mask = narrowed
                label = FAMILY_LABELS.get(families[0], families[0])
                label = label[:1].lower() + label[1:] if label[1:2].islower() else label
                notes.append(f"narrowed to the {label}s the question names")
        indexed = self._indexed
        named = [c for c in context.countries if c in indexed]
        explicit_country = filters is not None and bool(as_list(filters.country))
        cities = self.filters.cities_in(context.search_query) if not explicit_country else []
        if cities:
            # a city profile named ("What does Accra offer migrants?"): its own profiles answer
            narrowed = mask & np.isin(self.filters.columns["place"], cities)
            if narrowed.any():
                mask = narrowed
                notes.append(f"narrowed to {', '.join(cities)}")
                named = []
        if named and not explicit_country and len(indexed) > 1:
            # the country of a free-form profile is only a guess from its text: never exclude it
            codes = np.flatnonzero(np.isin(self._country_names, named))
            narrowed = mask & (np.isin(self._country_codes, codes) | self._guessed_country)
            if narrowed.any():
                mask = narrowed
                notes.append(f"narrowed to {', '.join(named)}")
        # A country no indexed text even names cannot be answered for: "Can Kenyans vote from
        # abroad?" over Cambodia's profiles is refused, while "the MoU with Thailand" is searched.
        # "Cambodians in Germany" is still searched in Cambodia's profiles, with a note.
        named_anywhere = list(dict.fromkeys(name for _, _, name in mentions))
        uncovered = [c for c in named_anywhere if c not in self._mentioned]
        if uncovered:
            notes.append(f"no indexed profile covers {', '.join(uncovered)}")
        refuse = bool(uncovered) and not any(c in indexed for c in named_anywhere)
        return Scope(mask, tuple(named), notes, refuse, tuple(uncovered))

    def _encode(self, search_query: str, expansion: Expansion) -> np.ndarray:
        text = expansion.apply(search_query) if self.settings.expand_dense else search_query
        return np.asarray(self.encode_query(text), dtype=np.float32).reshape(-1)

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

    def _lexical_query(self, search_query: str, expansion: Expansion, language: str | None) -> str:
        """The BM25 query: the expanded question, less the function words of a foreign language
        (English analysis would keep "de" and "les" and match them in French names)."""
        text = expansion.apply(search_query)
        if language and language != OTHER_SCRIPT and self.settings.foreign_stopwords:
            text = without_stopwords(text, language)
        return text

    def _neighbours(self, asked: Question) -> dict[str, float]:
        """Weighted BM25 terms: the corpus words nearest to the question's content words (country
        names aside). Not for a question in another language: English word vectors of its words
        would add look-alikes, not translations."""
        settings = self.settings
        vocabulary = self.vocabulary
        if not settings.neighbour_weight or vocabulary is None or asked.language:
            return {}
        # the countries the reading found, unless a follow-up's rewrite is searched
        spans = [(start, end) for start, end, _ in asked.mentions] if not asked.contextualised else None
        words = content_words(asked.search_query, self.world, spans)
        found = neighbour_terms(words, vocabulary, self._encode_words,
                                cutoff=settings.neighbour_cutoff, per_word=settings.neighbour_per_word)
        return {term: settings.neighbour_weight * cosine for term, cosine in found.items()}

    def _encode_words(self, words: list[str]) -> np.ndarray:
        if self.encode_texts is not None:
            return np.asarray(self.encode_texts(words), dtype=np.float32)
        return np.stack([np.asarray(self.encode_query(w), dtype=np.float32).reshape(-1) for w in words])

    def _lexical(
        self, query: str, mask: np.ndarray, depth: int, extra: dict[str, float] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """BM25 scores of every chunk, and the ``depth`` best among those ``mask`` allows."""
        unfiltered = bool(mask.all())
        scores = self.index.lexical.scores(query, None if unfiltered else mask.astype(np.float32), extra)
        allowed = scores > 0 if unfiltered else mask & (scores > 0)
        return scores, top_k(scores, depth, np.flatnonzero(allowed))

    def _candidates(
        self,
        query_vector: np.ndarray,
        dense_ids: np.ndarray,
        dense_scores: np.ndarray,
        lexical_all: np.ndarray,
        lexical_ids: np.ndarray,
        cue_rankings: list[tuple[np.ndarray, float]],
    ) -> Candidates:
        ids = np.union1d(dense_ids, lexical_ids).astype(np.int64)
        for ranking, _ in cue_rankings:
            ids = np.union1d(ids, ranking).astype(np.int64)
        dense = np.full(len(ids), np.nan, dtype=np.float32)
        dense[np.searchsorted(ids, dense_ids)] = dense_scores
        missing = np.isnan(dense)
        if missing.any():
            # BM25-only candidates outside the dense top-depth still get their true cosine.
            dense[missing] = self.index.vectors[ids[missing]] @ query_vector
        return Candidates(ids, dense, lexical_all[ids], dense_ids, lexical_ids, cue_rankings)

    def _preferred_mask(self, mask: np.ndarray, context: Contextualised, filters: Filters | None) -> np.ndarray | None:
        """The passages ``mask`` allows of the country the conversation is on, for a question
        naming its own subject but no country (``Contextualised.preferred_countries``); None
        when there is none, a filter names the country, or it would narrow nothing."""
        if not context.preferred_countries or (filters is not None and as_list(filters.country)):
            return None
        codes = np.flatnonzero(np.isin(self._country_names, list(context.preferred_countries)))
        allowed = mask & np.isin(self._country_codes, codes)
        return allowed if allowed.any() and not allowed.all() else None

    def _holds_it_too(self, query_vector: np.ndarray, preferred: np.ndarray, dense_scores: np.ndarray) -> bool:
        """Whether the conversation's country has a passage about as close to the question as the
        closest anywhere (within ``conversation_country_margin``): its subject is there too."""
        margin = self.settings.conversation_country_margin
        if margin is None or not len(dense_scores):
            return False
        _, best = self._dense_scores(query_vector, preferred, 1)
        return bool(len(best)) and float(best[0]) >= float(dense_scores[0]) - margin

    def _preferred_ranking(self, query_vector: np.ndarray, preferred: np.ndarray | None) -> list[tuple[np.ndarray, float]]:
        """The passages of the country the conversation is on, by cosine, as a ranking beside the
        others when the search was not narrowed to them: a subject only another country's
        profile has is still found there."""
        weight = self.settings.conversation_country_weight
        if preferred is None or not weight:
            return []
        ids, _ = self._dense_scores(query_vector, preferred, CUE_DEPTH)
        return [(ids, weight)]

    def _cue_rankings(
        self, query_vector: np.ndarray, mask: np.ndarray, intent: Intent, filters: Filters | None
    ) -> list[tuple[np.ndarray, float]]:
        """For each cue of the question, the passages it asks for that ``mask`` allows, by cosine."""
        settings = self.settings
        explicit_polarity = filters is not None and bool(as_list(filters.polarity))
        rankings = []
        for name in intent.cues:
            weight = settings.cue_weights.get(name, 0.0)
            is_polarity = name in _POLARITY_CUES
            if not weight or (is_polarity and (explicit_polarity or not settings.polarity_boost)):
                continue
            allowed = mask & self._cue_masks[name]
            if name == "definitions" and intent.local:
                allowed |= mask & self._other_level_definitions
            if allowed.any():
                ids, _ = self._dense_scores(query_vector, allowed, CUE_DEPTH)
                rankings.append((ids, weight))
        return rankings

    def _fuse(self, candidates: Candidates) -> np.ndarray:
        settings = self.settings
        if settings.fusion == "rrf":
            rankings = [candidates.dense_ranking, candidates.lexical_ranking]
            weights = [settings.dense_weight, settings.lexical_weight]
            for ranking, weight in candidates.cue_rankings:
                rankings.append(ranking)
                weights.append(weight)
            fused_map = rrf_fuse([r.tolist() for r in rankings], k=settings.rrf_k, weights=weights)
            return np.array([fused_map.get(int(i), 0.0) for i in candidates.ids], dtype=np.float32)
        if settings.fusion == "convex":
            return convex_fuse(candidates.dense, candidates.lexical, alpha=settings.alpha)
        if settings.fusion == "dense":
            return candidates.dense.copy()
        if settings.fusion == "bm25":
            return candidates.lexical.copy()
        raise ValueError(f"unknown fusion {settings.fusion!r}; choose one of {', '.join(FUSIONS)}")

    def _prefer(self, fused: np.ndarray, candidates: Candidates, intent: Intent, filters: Filters | None) -> np.ndarray:
        """Lift the findings of the polarity a question asks for; an explicit filter wins."""
        explicit_polarity = filters is not None and bool(as_list(filters.polarity))
        boost = self.settings.polarity_boost
        if not intent.polarity or explicit_polarity or not boost or not fused.size:
            return fused
        scale = float(np.abs(fused).max()) or 1.0
        return fused + boost * scale * (self._polarity[candidates.ids] == intent.polarity)

    def _clear_leaders(self, fused: np.ndarray, candidates: Candidates, dense_scores: np.ndarray) -> np.ndarray:
        """Rank first the passage a channel puts clearly ahead of its runner-up: by cosine
        (``dense_lead_margin``) or by BM25 score (``lexical_lead_ratio``). Rank fusion forgets
        margins; on the development questions a clear dense winner was right 50 times in 51 and a
        clear BM25 winner 68 in 69, where fusion got 46 and 65 (a paraphrase sharing few words
        with its passage lost to BM25's partial matches; a quoted name, to look-alike meanings).
        Two leaders keep their fused order. Before :meth:`_prefer`, so a finding of the polarity
        asked for still goes above them."""
        settings = self.settings
        if settings.fusion == "bm25" or not fused.size:
            return fused
        leaders: list[int] = []
        margin = settings.dense_lead_margin
        if margin and len(dense_scores) >= 2 and float(dense_scores[0] - dense_scores[1]) >= margin:
            leaders.append(int(candidates.dense_ranking[0]))
        ratio = settings.lexical_lead_ratio
        if ratio and settings.fusion != "dense" and len(candidates.lexical_ranking) >= 2:
            best, second = candidates.lexical[np.searchsorted(candidates.ids, candidates.lexical_ranking[:2])]
            if second > 0 and best >= ratio * second:
                leaders.append(int(candidates.lexical_ranking[0]))
        if not leaders:
            return fused
        rows = np.searchsorted(candidates.ids, np.unique(leaders))
        fused = fused.copy()
        # just above the best, so the fused scores keep the scale they are shown with
        fused[rows] += float(fused.max() - fused[rows].min()) + 1e-3
        return fused

    def _abstain(self, candidates: Candidates, scope: Scope) -> bool:
        best_dense = float(np.nanmax(candidates.dense)) if candidates.dense.size else 0.0
        threshold = self.abstain_threshold
        if best_dense < threshold:
            scope.notes.append(f"best passage similarity {best_dense:.2f} is below {threshold:.2f}")
        return best_dense < threshold or scope.refuse

    def _query_terms(self, question: str, expansion: Expansion) -> set[str]:
        """The analysed content terms of the question (with its expansions)."""
        words = content_words(question)  # countries named count: they are things a passage must hold
        return set(analyse(" ".join(words) + " " + expansion.added))

    def _chunk_terms(self, i: int) -> frozenset[str]:
        terms = self._terms.get(i)
        if terms is None:
            terms = self._terms[i] = frozenset(analyse(self.index.chunks[i].embed_text))
        return terms

    def _hits(self, candidates: Candidates, fused: np.ndarray, k: int, query_terms: set[str]) -> list[Hit]:
        """The ``k`` best passages; a table row ranked below its own table adds nothing and is skipped."""
        chunks = self.index.chunks
        order = top_k(fused, k + 8, tiebreak=np.nan_to_num(candidates.dense, nan=-1.0))
        shown: set[str] = set()
        hits: list[Hit] = []
        for position in order:
            i = int(candidates.ids[position])
            chunk = chunks[i]
            if chunk.kind == KIND_TABLE_ROW and chunk.attributes.get("table_id") in shown:
                continue
            shown.add(chunk.chunk_id)
            matched = query_terms & self._chunk_terms(i) if query_terms else set()
            hits.append(
                Hit(
                    rank=len(hits) + 1,
                    score=float(fused[position]),
                    chunk=chunk,
                    citation=Citation.from_chunk(chunk, edition_note=self.filters.edition_note(chunk.source)),
                    dense_score=float(candidates.dense[position]),
                    lexical_score=float(candidates.lexical[position]),
                    coverage=len(matched) / len(query_terms) if query_terms else 0.0,
                    matched_terms=tuple(sorted(matched)),
                )
            )
            if len(hits) == k:
                break
        return hits

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
