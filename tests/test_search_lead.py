"""A passage the dense ranking puts clearly ahead of the rest is ranked first, whatever BM25 says."""

from __future__ import annotations

import numpy as np
from test_search_structure import FILLER, profile, searcher

from mgiassist.search import SearchSettings


def _search_with_dense_winner(settings: SearchSettings):
    search = searcher(profile(*FILLER), settings=settings)
    trends = next(i for i, c in enumerate(search.index.chunks) if c.kind == "paragraph")
    # the question's vector is the Trends passage's own: cosine 1 against well under 1 for the rest,
    # while its words ("lack of trust") are the obstacle's, which BM25 ranks first
    search.encode_query = lambda text: np.asarray(search.index.vectors[trends])
    return search.search("lack of trust diaspora", k=3).hits


def test_a_clear_dense_winner_goes_first():
    hits = _search_with_dense_winner(SearchSettings())
    assert hits[0].chunk.kind == "paragraph"
    assert hits[0].score > hits[1].score  # still a fused score, just above the runner-up's


def test_without_a_margin_rank_fusion_decides():
    assert _search_with_dense_winner(SearchSettings(dense_lead_margin=0))[0].chunk.kind == "obstacle"
    # BM25 alone never takes the dense channel's word
    assert _search_with_dense_winner(SearchSettings(fusion="bm25"))[0].chunk.kind == "obstacle"
