"""Stage 1 of an evaluation: judged question sets (JSON lines, TREC qrels, BEIR) and the
dev/test split.

A question carries what the assistant owes (``expected_state``: answered, partial, not_covered),
what it tests (``kind``) and the part it belongs to (``split``: dev is tuned on, test is frozen).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from mgiassist.errors import InputFileError
from mgiassist.files import read_jsonl

__all__ = [
    "SPLITS",
    "STATES",
    "EvalInputError",
    "LookalikeCorpus",
    "Question",
    "QuestionSet",
    "load_beir",
    "load_jsonl_questions",
    "load_questions",
    "load_trec_qrels",
    "select_split",
]

KIND_SINGLE, KIND_FOLLOW_UP, KIND_MULTI = "single", "follow-up", "multi-country"
ANSWERED, PARTIAL, NOT_COVERED = "answered", "partial", "not_covered"
STATES = (ANSWERED, PARTIAL, NOT_COVERED)
SPLITS = ("dev", "test", "all")


class EvalInputError(InputFileError):
    """A question set, qrels file or retriever list cannot be used as given."""


@dataclass
class Question:
    id: str
    question: str
    history: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    answerable: bool = True
    domain: str = ""
    family: str = ""
    country: str | None = None
    kind: str = KIND_SINGLE
    # document-id judgments (BEIR, TREC qrels): key -> grade; keys match chunk ids or sources
    judged: dict[str, int] = field(default_factory=dict)
    # the reply owed; for "partial" the evidence names the related passage the reply points to
    expected_state: str = ""
    split: str | None = None  # "dev", "test", or None for sets without a split

    def __post_init__(self) -> None:
        if not self.expected_state:
            self.expected_state = ANSWERED if self.answerable else NOT_COVERED


@dataclass(frozen=True)
class LookalikeCorpus:
    """A multi-country set runs over the seed profiles plus generated look-alikes of them."""

    seed_corpus: Path
    lookalikes: int
    seed: int = 0
    # the seed files by name, so that other files in the corpus folder (a README) never seed
    seeds: tuple[str, ...] = ()
    # the look-alike countries by name, so the set does not depend on the generator's draw
    countries: tuple[str, ...] = ()


@dataclass
class QuestionSet:
    name: str
    path: Path
    questions: list[Question]
    lookalike: LookalikeCorpus | None = None
    # BEIR: the documents to index (id -> text); None means "the --index given"
    documents: dict[str, str] | None = None


def _kind(item: dict[str, Any]) -> str:
    if item.get("kind"):
        return str(item["kind"])
    return KIND_FOLLOW_UP if item.get("history") else KIND_SINGLE


def _answerability(item: dict[str, Any], evidence: list[str], where: str) -> tuple[bool, str]:
    """``answerable`` and ``expected_state``, each defaulting from the other (then from evidence)."""
    state = item.get("expected_state")
    if state is not None and state not in STATES:
        raise EvalInputError(f"{where}: \"expected_state\" must be one of {', '.join(STATES)}")
    default = (state == ANSWERED) if state else bool(evidence)
    answerable = item.get("answerable", default)
    if not isinstance(answerable, bool):
        raise EvalInputError(f"{where}: \"answerable\" must be true or false")
    state = state or (ANSWERED if answerable else NOT_COVERED)
    if answerable != (state == ANSWERED):
        raise EvalInputError(f"{where}: \"answerable\": {str(answerable).lower()} contradicts "
                             f"\"expected_state\": \"{state}\" (only answered questions are answerable)")
    return answerable, state


def _question_from(item: Any, where: str) -> Question:
    if not isinstance(item, dict) or not isinstance(item.get("question"), str) or not item["question"].strip():
        raise EvalInputError(f"{where}: needs a \"question\" string")
    history = item.get("history") or []
    evidence = item.get("evidence") or []
    if not isinstance(history, list) or not all(isinstance(h, str) for h in history):
        raise EvalInputError(f"{where}: \"history\" must be a list of earlier questions")
    if not isinstance(evidence, list) or not all(isinstance(e, str) and e.strip() for e in evidence):
        raise EvalInputError(f"{where}: \"evidence\" must be a list of non-empty strings")
    answerable, state = _answerability(item, evidence, where)
    if answerable and not evidence and not item.get("judged"):
        raise EvalInputError(f"{where}: an answerable question needs \"evidence\" strings")
    split = item.get("split")
    if split is not None and split not in ("dev", "test"):
        raise EvalInputError(f"{where}: \"split\" must be \"dev\" or \"test\"")
    return Question(
        id=str(item.get("id", where)),
        question=item["question"],
        history=list(history),
        evidence=list(evidence),
        answerable=answerable,
        domain=str(item.get("domain") or ""),
        family=str(item.get("family") or ""),
        country=item.get("country") or None,
        kind=_kind(item),
        judged={str(k): int(v) for k, v in (item.get("judged") or {}).items()},
        expected_state=state,
        split=split,
    )


def load_trec_qrels(path: Path | str) -> dict[str, dict[str, int]]:
    """A TREC qrels file (``query-id iteration doc-id relevance``, whitespace separated)."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalInputError(f"cannot read qrels file {path}: {exc}") from exc
    qrels: dict[str, dict[str, int]] = {}
    for number, line in enumerate(lines, start=1):
        parts = line.split()
        if not parts or line.lstrip().startswith("#"):
            continue
        if len(parts) != 4:
            raise EvalInputError(f"{path}:{number}: a TREC qrels line has 4 fields (query 0 doc relevance)")
        try:
            grade = int(float(parts[3]))
        except ValueError:
            raise EvalInputError(f"{path}:{number}: relevance {parts[3]!r} is not a number") from None
        if grade > 0:
            qrels.setdefault(parts[0], {})[parts[2]] = grade
    return qrels


def _read_jsonl(path: Path) -> list[tuple[int, Any]]:
    return read_jsonl(path, EvalInputError)


def _read_lookalike(path: Path) -> LookalikeCorpus | None:
    sidecar = path.with_suffix(".corpus.json")
    if not sidecar.is_file():
        return None
    try:
        spec = json.loads(sidecar.read_text(encoding="utf-8"))
        return LookalikeCorpus(
            seed_corpus=(sidecar.parent / spec["seed_corpus"]).resolve(),
            lookalikes=int(spec["lookalikes"]),
            seed=int(spec.get("seed", 0)),
            seeds=tuple(str(s) for s in spec.get("seeds", ())),
            countries=tuple(str(c) for c in spec.get("countries", ())),
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise EvalInputError(f"{sidecar}: needs {{\"seed_corpus\", \"lookalikes\", \"seed\"}} ({exc})") from exc


def load_jsonl_questions(path: Path | str, qrels: Path | str | None = None) -> QuestionSet:
    """A JSON-lines question set; ``NAME.corpus.json`` beside it asks for a look-alike corpus and
    ``NAME.qrels`` (TREC) adds document-id judgments keyed by question id."""
    path = Path(path)
    questions = []
    seen: set[str] = set()
    for number, item in _read_jsonl(path):
        question = _question_from(item, f"{path}:{number}")
        if question.id in seen:
            raise EvalInputError(f"{path}:{number}: question id {question.id!r} is used twice")
        seen.add(question.id)
        questions.append(question)
    if not questions:
        raise EvalInputError(f"{path} holds no questions")
    qrels_path = Path(qrels) if qrels else path.with_suffix(".qrels")
    if qrels or qrels_path.is_file():
        judged = load_trec_qrels(qrels_path)
        for question in questions:
            if question.id in judged:
                question.judged = judged[question.id]
                question.answerable, question.expected_state = True, ANSWERED
    return QuestionSet(path.stem, path, questions, lookalike=_read_lookalike(path))


def _beir_qrels(path: Path) -> dict[str, dict[str, int]]:
    judged: dict[str, dict[str, int]] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        parts = line.split("\t") if "\t" in line else line.split()
        if not parts or not line.strip() or (number == 1 and not parts[-1].strip().lstrip("-").isdigit()):
            continue  # the header line
        if len(parts) < 3:
            raise EvalInputError(f"{path}:{number}: needs query-id, corpus-id, score")
        if int(float(parts[-1])) > 0:
            judged.setdefault(parts[0], {})[_beir_key(parts[1])] = int(float(parts[-1]))
    return judged


def load_beir(folder: Path | str, split: str | None = None) -> QuestionSet:
    """A BEIR folder: ``corpus.jsonl`` ({_id, title, text}), ``queries.jsonl`` ({_id, text}) and
    ``qrels/SPLIT.tsv`` (query-id, corpus-id, score; header line). Only judged queries are kept;
    they carry ``split`` when the qrels file is ``dev.tsv`` or ``test.tsv``."""
    folder = Path(folder)
    splits = sorted((folder / "qrels").glob("*.tsv"))
    if not (folder / "corpus.jsonl").is_file() or not (folder / "queries.jsonl").is_file() or not splits:
        raise EvalInputError(f"{folder} is not a BEIR folder (corpus.jsonl, queries.jsonl, qrels/*.tsv)")
    chosen = [p for p in splits if p.stem == split] if split else [p for p in splits if p.stem == "test"] or splits[:1]
    if not chosen:
        raise EvalInputError(f"{folder}/qrels has no {split}.tsv (found {', '.join(p.stem for p in splits)})")
    judged = _beir_qrels(chosen[0])
    documents = {}
    for number, item in _read_jsonl(folder / "corpus.jsonl"):
        if not isinstance(item, dict) or "_id" not in item:
            raise EvalInputError(f"{folder}/corpus.jsonl:{number}: needs \"_id\"")
        title, text = str(item.get("title") or "").strip(), str(item.get("text") or "").strip()
        documents[_beir_key(str(item["_id"]))] = f"{title}\n\n{text}" if title else text
    part = chosen[0].stem if chosen[0].stem in ("dev", "test") else None
    questions = []
    for number, item in _read_jsonl(folder / "queries.jsonl"):
        if not isinstance(item, dict) or "_id" not in item or not isinstance(item.get("text"), str):
            raise EvalInputError(f"{folder}/queries.jsonl:{number}: needs \"_id\" and \"text\"")
        qid = str(item["_id"])
        if qid in judged:
            questions.append(Question(id=qid, question=item["text"], judged=judged[qid], answerable=True, split=part))
    if not questions:
        raise EvalInputError(f"{folder}: no query in queries.jsonl has judgments in {chosen[0].name}")
    return QuestionSet(folder.name, folder, questions, documents=documents)


def _beir_key(doc_id: str) -> str:
    """A document id as a file stem: ids that are not safe file names are hashed."""
    if re.fullmatch(r"[A-Za-z0-9._-]{1,100}", doc_id) and not doc_id.startswith("."):
        return doc_id
    return "doc-" + hashlib.sha256(doc_id.encode("utf-8")).hexdigest()[:16]


def load_questions(path: Path | str, qrels: Path | str | None = None, split: str | None = None) -> QuestionSet:
    """A JSON-lines question set or a BEIR folder; ``split`` ("dev", "test", "all" or None) keeps
    that part only (a BEIR folder reads ``qrels/dev.tsv`` or ``qrels/test.tsv``)."""
    path = Path(path)
    if split is not None and split not in SPLITS:
        raise EvalInputError(f"unknown split {split!r}; choose from {', '.join(SPLITS)}")
    if path.is_dir():
        return load_beir(path, split if split in ("dev", "test") else None)
    if not path.is_file():
        raise EvalInputError(f"no question set at {path} (give a .jsonl file or a BEIR folder)")
    return select_split(load_jsonl_questions(path, qrels), split)


def select_split(qset: QuestionSet, split: str | None) -> QuestionSet:
    """The questions of one part (``dev`` or ``test``); ``all`` or None keeps every question."""
    if split in (None, "all"):
        return qset
    if split not in SPLITS:
        raise EvalInputError(f"unknown split {split!r}; choose from {', '.join(SPLITS)}")
    kept = [q for q in qset.questions if q.split == split]
    if not kept:
        raise EvalInputError(
            f"{qset.path}: no question in the {split} split (give questions \"split\": \"dev\" or \"test\", "
            "or evaluate --split all)"
        )
    return replace(qset, questions=kept)
