"""Evaluate retrieval and answerability on judged question sets, and calibrate abstention.

An evaluation runs in stages, one module each:

1. :mod:`~mgiassist.evaluate.questions` — load judged sets (JSON lines, TREC qrels, BEIR) and keep
   one part of the dev/test split;
2. :mod:`~mgiassist.evaluate.corpora` — the corpus each set runs over (the index given, or a cached
   look-alike or BEIR index);
3. :mod:`~mgiassist.evaluate.retrievers` — the retrievers compared (library presets, the generic
   baseline) and the library's reply state;
4. :mod:`~mgiassist.evaluate.judging` — evidence judging and qrels; :mod:`~mgiassist.evaluate.metrics`
   — ranking metrics (ranx's definitions, in plain numpy), significance, abstention, state
   confusion; :mod:`~mgiassist.evaluate.scoring` — all of it into one :class:`EvalReport`;
   :mod:`~mgiassist.evaluate.calibration` — the abstention threshold;
5. :mod:`~mgiassist.evaluate.report` — report.md, metrics.json, runs, misses, plot.

:func:`evaluate` (:mod:`~mgiassist.evaluate.run`) strings them together. The pieces working on
plain data (:func:`build_qrels`, :func:`run_dict`, :func:`ranking_metrics`,
:func:`abstention_scores`, :func:`choose_threshold`, :func:`score`) are unit-tested; only
:func:`evaluate` loads models and indexes.
"""

from mgiassist.evaluate.calibration import Calibration, choose_threshold
from mgiassist.evaluate.judging import (
    Passage,
    build_pointer_qrels,
    build_qrels,
    check_evidence,
    normalise,
    relevant_key,
    reply_state,
    run_dict,
    state_from_search,
)
from mgiassist.evaluate.metrics import (
    METRICS,
    abstention_scores,
    compare_runs,
    metric_label,
    ranking_metrics,
    state_confusion,
)
from mgiassist.evaluate.questions import (
    SPLITS,
    STATES,
    EvalInputError,
    LookalikeCorpus,
    Question,
    QuestionSet,
    load_beir,
    load_jsonl_questions,
    load_questions,
    load_trec_qrels,
    select_split,
)
from mgiassist.evaluate.report import headline_markdown, write_report
from mgiassist.evaluate.retrievers import BaselineRetriever, RetrieverSpec, parse_retrievers
from mgiassist.evaluate.run import DEFAULT_RETRIEVERS, evaluate
from mgiassist.evaluate.scoring import EvalReport, Retrieval, score

__all__ = [
    "DEFAULT_RETRIEVERS",
    "METRICS",
    "SPLITS",
    "STATES",
    "BaselineRetriever",
    "Calibration",
    "EvalInputError",
    "EvalReport",
    "LookalikeCorpus",
    "Passage",
    "Question",
    "QuestionSet",
    "Retrieval",
    "RetrieverSpec",
    "abstention_scores",
    "build_pointer_qrels",
    "build_qrels",
    "check_evidence",
    "choose_threshold",
    "compare_runs",
    "evaluate",
    "headline_markdown",
    "load_beir",
    "load_jsonl_questions",
    "load_questions",
    "load_trec_qrels",
    "metric_label",
    "normalise",
    "parse_retrievers",
    "ranking_metrics",
    "relevant_key",
    "reply_state",
    "run_dict",
    "score",
    "select_split",
    "state_confusion",
    "state_from_search",
    "write_report",
]
