"""A passage one channel puts clearly ahead of the rest is ranked first, whatever the other says."""

from __future__ import annotations

import numpy as np
from test_search_structure import FILLER, profile, searcher

from mgiassist.schema import Section
from mgiassist.search.searcher import SearchSettings

NO_LEADS = {"dense_lead_margin": 0.0, "lexical_lead_ratio": 0.0}


def _search_with_dense_winner(**settings: object):
    search = searcher(profile(*FILLER), settings=SearchSettings(**settings))
    trends = next(i for i, c in enumerate(search.index.chunks) if c.kind == "paragraph")
    # the question's vector is the Trends passage's own: cosine 1 against well under 1 for the rest,
    # while its words ("lack of trust") are the obstacle's, which BM25 ranks first
    search.encode_query = lambda text: np.asarray(search.index.vectors[trends])
    return search.search("lack of trust diaspora", k=3).hits


def test_a_clear_dense_winner_goes_first():
    hits = _search_with_dense_winner(lexical_lead_ratio=0.0)
    assert hits[0].chunk.kind == "paragraph"
    assert hits[0].score > hits[1].score  # still a fused score, just above the runner-up's


def test_without_leads_rank_fusion_decides():
    assert _search_with_dense_winner(**NO_LEADS)[0].chunk.kind == "obstacle"
    # BM25 alone never takes the dense channel's word
    assert _search_with_dense_winner(fusion="bm25")[0].chunk.kind == "obstacle"


def test_two_leaders_keep_their_fused_order_above_the_rest():
    hits = _search_with_dense_winner()  # the paragraph leads by cosine, the obstacle by BM25
    assert {h.chunk.kind for h in hits[:2]} == {"paragraph", "obstacle"}


BRON = Section(("Annex: list of actors", "Lyon Solidarity Circle"), "Lyon Solidarity Circle (France). Based in Bron.", "actor")


def _search_with_bm25_winner(**settings: object):
    search = searcher(profile(BRON, *FILLER), settings=SearchSettings(dense_lead_margin=0.0, **settings))
    khmer = next(i for i, c in enumerate(search.index.chunks) if c.text.startswith("Khmer Friends"))
    # dense puts the other association first; BM25 puts the one passage naming Bron far ahead
    search.encode_query = lambda text: np.asarray(search.index.vectors[khmer])
    return search.search("association based in Bron", k=2).hits


def test_a_clear_bm25_winner_goes_first():
    assert _search_with_bm25_winner()[0].chunk.text.startswith("Lyon Solidarity Circle")
    assert _search_with_bm25_winner(lexical_lead_ratio=0.0)[0].chunk.text.startswith("Khmer Friends")
