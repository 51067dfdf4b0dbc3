"""Stage 2 of an evaluation: judging returned passages against a question's evidence, and the
assistant's reply state against the state the question owes.

Judgments are *evidence strings*: a passage is relevant to a question when its text contains one
of the question's evidence strings (whitespace folded, markdown ``**`` and ``\\$`` removed) and,
when both are known, its country is the question's country. Such judgments survive any change of
chunking, so the library's section chunks and the fixed-size ``baseline`` are judged alike.

To score every retriever against one shared set of qrels (which ``ranx.compare`` needs), a run
names a relevant passage after the evidence it contains (``ev0``, ``ev1``…), first come first
served: a second passage holding evidence already found counts as not relevant. Recall@k is then
the share of a question's evidence strings found in the top k, whatever the passage size.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from mgiassist.evaluate.questions import ANSWERED, NOT_COVERED, PARTIAL, STATES, Question

__all__ = [
    "Passage",
    "build_pointer_qrels",
    "build_qrels",
    "check_evidence",
    "normalise",
    "relevant_key",
    "reply_state",
    "run_dict",
    "state_from_search",
]

_WS = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Text as evidence is matched: markdown bold and ``\\$`` gone, whitespace folded."""
    return _WS.sub(" ", text.replace("**", "").replace("\\$", "$")).strip()


@dataclass(frozen=True)
class Passage:
    """One returned passage, with what judging and the misses table need."""

    pid: str
    text: str
    country: str | None = None
    source: str = ""
    label: str = ""
    keys: tuple[str, ...] = ()  # document ids TREC/BEIR judgments may use

    @property
    def normalised(self) -> str:
        return normalise(self.text)


def relevant_key(question: Question, passage: Passage, taken: Collection[str] = ()) -> str | None:
    """The qrels id a passage earns for ``question`` (``ev<N>`` or a judged doc id), or None."""
    if question.judged:
        for key in (passage.pid, *passage.keys):
            if question.judged.get(key, 0) > 0 and key not in taken:
                return key
        return None
    if question.country and passage.country and passage.country != question.country:
        return None
    text = passage.normalised
    for number, evidence in enumerate(question.evidence):
        key = f"ev{number}"
        if key not in taken and normalise(evidence) in text:
            return key
    return None


def _qrels_entry(question: Question) -> dict[str, int] | None:
    if question.judged:
        return dict(question.judged)
    if question.evidence:
        return {f"ev{n}": 1 for n in range(len(question.evidence))}
    return None


def build_qrels(questions: Iterable[tuple[str, Question]]) -> dict[str, dict[str, int]]:
    """ranx qrels for the answerable questions, keyed by the given query ids."""
    qrels: dict[str, dict[str, int]] = {}
    for qid, question in questions:
        entry = _qrels_entry(question) if question.answerable else None
        if entry:
            qrels[qid] = entry
    return qrels


def build_pointer_qrels(questions: Iterable[tuple[str, Question]]) -> dict[str, dict[str, int]]:
    """ranx qrels for the partial questions: their evidence names the related passage the reply
    should point to ("the table lists five destinations; Germany is not among them")."""
    qrels: dict[str, dict[str, int]] = {}
    for qid, question in questions:
        entry = _qrels_entry(question) if question.expected_state == PARTIAL else None
        if entry:
            qrels[qid] = entry
    return qrels


def run_dict(question: Question, passages: Sequence[Passage]) -> dict[str, float]:
    """One question's ranked passages as a ranx run entry; relevant ones take their qrels id."""
    taken: set[str] = set()
    entry: dict[str, float] = {}
    for rank, passage in enumerate(passages):
        key = relevant_key(question, passage, taken)
        if key is not None:
            taken.add(key)
        doc = key or f"p:{passage.pid}"
        if doc in entry:
            continue
        entry[doc] = float(len(passages) - rank)  # strictly decreasing keeps the order exactly
    return entry or {"p:none": 0.0}


def check_evidence(questions: Iterable[Question], passages: Sequence[Passage]) -> list[str]:
    """Problems with a set's judgments over an index: evidence (of answerable questions and of the
    passages partial ones point to) found in no passage."""
    texts = [(p.normalised, p.country) for p in passages]
    problems = []
    for question in questions:
        if question.judged or not (question.answerable or question.expected_state == PARTIAL):
            continue
        for evidence in question.evidence:
            needle = normalise(evidence)
            if not any(needle in t and (not question.country or not c or c == question.country) for t, c in texts):
                problems.append(f"{question.id}: evidence not in any passage: {evidence[:80]!r}")
    return problems


def state_from_search(abstained: bool) -> str:
    """The reply state a search result implies when the library gives none."""
    return NOT_COVERED if abstained else ANSWERED


def reply_state(reply: Any) -> str | None:
    """The state of an ``Assistant.answer`` reply (an object with ``.state`` or a JSON dict), or
    None when it names none of the three."""
    state = reply.get("state") if isinstance(reply, dict) else getattr(reply, "state", None)
    state = getattr(state, "value", state)  # an Enum member
    return state if state in STATES else None
