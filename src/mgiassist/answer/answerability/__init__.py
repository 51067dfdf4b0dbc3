"""Answerability: whether the passages found answer the question, as a calibrated decision."""

from mgiassist.answer.answerability.features import (
    FEATURES,
    CorpusVocabulary,
    QuestionAnalysis,
    analyse_question,
    answer_features,
    holds_answer_type,
)

__all__ = [
    "FEATURES",
    "CorpusVocabulary",
    "QuestionAnalysis",
    "analyse_question",
    "answer_features",
    "holds_answer_type",
]
