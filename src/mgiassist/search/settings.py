"""The knobs of a search, with the defaults chosen on the development questions (see README)."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "CUE_DEPTH",
    "DEFAULT_ABSTAIN_THRESHOLD",
    "DEFAULT_CUE_WEIGHTS",
    "FUSIONS",
    "SearchSettings",
]

# Calibrated on the unanswerable questions of eval/questions (see README, "Abstention").
DEFAULT_ABSTAIN_THRESHOLD = 0.30
FUSIONS = ("rrf", "convex", "dense", "bm25")
# Each cue of a question adds a third kind of ranking to the fusion: the passages of the kinds it
# asks for (findings of a polarity, obstacles, actors…) by cosine, with this RRF weight.
DEFAULT_CUE_WEIGHTS = {
    "weaknesses": 1.0,
    "strengths": 1.0,
    "obstacles": 1.0,
    "practices": 1.0,
    "actors": 0.3,
    "timeline": 0.0,
    "figures": 0.3,
    "rights": 0.0,
    # "What does the well-being domain cover?" (2026-12-06): at 1.0 the domain's definition led 45 of
    # 60 dev wordings (29 without the cue; 38 at 0.3), 19 of 30 held out at 0.3 and 1.0 alike;
    # the dev answer sets moved by one question either way at both weights
    "definitions": 1.0,
}
# How deep each cue ranking goes: a list question's answer is a handful of passages.
CUE_DEPTH = 20


@dataclass
class SearchSettings:
    fusion: str = "rrf"
    rrf_k: int = 10  # tuned on eval/questions: k=10 beat 20 and 60 on MRR@10 and nDCG@10
    dense_weight: float = 1.0
    lexical_weight: float = 1.0
    alpha: float = 0.6  # for convex fusion
    depth: int = 100  # candidates taken from each retriever before fusion
    polarity_boost: float = 0.15
    # A channel's best passage is ranked first when it leads the runner-up clearly (0 = off): by
    # this much cosine (dense; for all-MiniLM-L6-v2 — another model's cosines need their own)…
    # Chosen on the dev questions: 0.05-0.10 is one plateau (5-fold CV), this is its middle.
    dense_lead_margin: float = 0.08
    # …or by this factor of BM25 score; 5-fold CV on dev chose 1.5 in every fold (1.4 lets wrong
    # leaders in, 1.7-3.0 gain a third as much).
    lexical_lead_ratio: float = 1.5
    # RRF weight of each cue's ranking (0 turns a cue off); the polarity cues need polarity_boost > 0
    cue_weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_CUE_WEIGHTS))
    # the cue a question's meaning reads (its intent, search/intents.py) when its words name none
    cues_by_meaning: bool = True
    # A question naming its own subject but no country, after a conversation on one
    # (Contextualised.preferred_countries: "What does the Village-Commune Safety Policy ask of local
    # authorities?" after a question on Cambodia): the search is narrowed to that country when its
    # closest passage is within this cosine of the closest anywhere, and otherwise its passages are
    # one more ranking in the fusion, with this weight. Dev (2026-12-06, the dev split and blind
    # sets 1-13 over the look-alike corpora, where every profile has a copy of each subject): 0.05
    # and 1.0 moved the search's first passage +8, other countries cited -8, nothing lost; 0.02
    # narrowed two, 0.1 one more than 0.05; the ranking alone +8 first passages, -1 other country.
    conversation_country_margin: float | None = 0.05
    conversation_country_weight: float = 1.0
    expand_acronyms: bool = True
    correct_spelling: bool = True
    expand_dense: bool = True  # the dense query also gets the expansions
    # a question in another language is searched by BM25 without that language's function words
    foreign_stopwords: bool = True
    # BM25 also counts, for each content word of the question, the nearest word the corpus uses
    # (by the model's vectors of single words; "inside" → "within", "abroad" → "overseas") when
    # its cosine is at least neighbour_cutoff, weighted neighbour_weight × cosine (0 = off; see
    # mgiassist.index.vocabulary). 5-fold CV on dev chose cut-off 0.8, weight 1.0, one word, in 19 of
    # 25 folds (for all-MiniLM-L6-v2: another model's word cosines need their own cut-off).
    neighbour_weight: float = 1.0
    neighbour_cutoff: float = 0.8
    neighbour_per_word: int = 1
    # None: the threshold calibrated with the index (calibration.json), else the default
    abstain_threshold: float | None = None
    extra: dict[str, float] = field(default_factory=dict)
