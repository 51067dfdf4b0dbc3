"""Stage 5, search: a question (and its conversation) in, ranked cited passages out.

:mod:`~mgiassist.search.searcher` runs the steps over a loaded index: query analysis
(:mod:`~mgiassist.search.query`), follow-up rewriting (:mod:`~mgiassist.search.followup`),
scoping and filters (:mod:`~mgiassist.search.filters`, :mod:`~mgiassist.search.cues`), the
BM25 + dense fusion (:mod:`~mgiassist.search.fusion`) and its settings
(:mod:`~mgiassist.search.settings`). It reads the index and the text stage, never the answer.
"""
