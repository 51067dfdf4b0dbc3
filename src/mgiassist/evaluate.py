"""Evaluate retrieval on judged question sets, and calibrate abstention.

Judgments are *evidence strings*: a passage is relevant to a question when its text contains one
of the question's evidence strings (whitespace folded, markdown ``**`` and ``\\$`` removed) and,
when both are known, its country is the question's country. Such judgments survive any change of
chunking, so the library's section chunks and the fixed-size ``baseline`` are judged alike.

To score every retriever against one shared set of qrels (which ``ranx.compare`` needs), a run
names a relevant passage after the evidence it contains (``ev0``, ``ev1``…), first come first
served: a second passage holding evidence already found counts as not relevant. Recall@k is then
the share of a question's evidence strings found in the top k, whatever the passage size.

Evaluators can also bring BEIR folders (``corpus.jsonl``, ``queries.jsonl``, ``qrels/*.tsv``) or a
TREC qrels file beside a question file; those judge by document id instead of evidence.

The ranking pieces (:func:`build_qrels`, :func:`run_dict`, :func:`ranking_metrics`,
:func:`abstention_scores`, :func:`choose_threshold`) work on plain data and are unit-tested; only
:func:`evaluate` loads models and indexes.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import math
import re
import shutil
import statistics
import tempfile
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from mgiassist.errors import InputFileError, MgiassistError
from mgiassist.files import read_jsonl

__all__ = [
    "DEFAULT_RETRIEVERS",
    "METRICS",
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
    "run_dict",
    "score",
    "write_report",
]

log = logging.getLogger(__name__)

DEFAULT_RETRIEVERS = ("bm25", "dense", "hybrid", "baseline")
# ranx metric names; the report labels them hit@1 … recall@10.
_BASE_METRICS = ("hit_rate@1", "hit_rate@5", "mrr@{k}", "ndcg@{k}", "recall@{k}")
METRICS = tuple(m.format(k=10) for m in _BASE_METRICS)
_LABELS = {"hit_rate": "hit"}
_KIND_SINGLE, _KIND_FOLLOW_UP, _KIND_MULTI = "single", "follow-up", "multi-country"
# Library retrievers: a name maps to SearchSettings overrides.
_PRESETS: dict[str, dict[str, Any]] = {
    "hybrid": {},
    "rrf": {"fusion": "rrf"},
    "convex": {"fusion": "convex"},
    "dense": {"fusion": "dense"},
    "bm25": {"fusion": "bm25"},
}
_BASELINE_DEFAULTS = {"chunk_size": 1000, "chunk_overlap": 200}


class EvalInputError(InputFileError):
    """A question set, qrels file or retriever list cannot be used as given."""


# ---------------------------------------------------------------------------------------------
# Question sets
# ---------------------------------------------------------------------------------------------


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
    kind: str = _KIND_SINGLE
    # document-id judgments (BEIR, TREC qrels): key -> grade; keys match chunk ids or sources
    judged: dict[str, int] = field(default_factory=dict)


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


_WS = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Text as evidence is matched: markdown bold and ``\\$`` gone, whitespace folded."""
    return _WS.sub(" ", text.replace("**", "").replace("\\$", "$")).strip()


def _kind(item: dict[str, Any]) -> str:
    if item.get("kind"):
        return str(item["kind"])
    return _KIND_FOLLOW_UP if item.get("history") else _KIND_SINGLE


def _question_from(item: Any, where: str) -> Question:
    if not isinstance(item, dict) or not isinstance(item.get("question"), str) or not item["question"].strip():
        raise EvalInputError(f"{where}: needs a \"question\" string")
    history = item.get("history") or []
    evidence = item.get("evidence") or []
    if not isinstance(history, list) or not all(isinstance(h, str) for h in history):
        raise EvalInputError(f"{where}: \"history\" must be a list of earlier questions")
    if not isinstance(evidence, list) or not all(isinstance(e, str) and e.strip() for e in evidence):
        raise EvalInputError(f"{where}: \"evidence\" must be a list of non-empty strings")
    answerable = item.get("answerable", bool(evidence))
    if not isinstance(answerable, bool):
        raise EvalInputError(f"{where}: \"answerable\" must be true or false")
    if answerable and not evidence and not item.get("judged"):
        raise EvalInputError(f"{where}: an answerable question needs \"evidence\" strings")
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
                question.answerable = True
    return QuestionSet(path.stem, path, questions, lookalike=_read_lookalike(path))


def load_beir(folder: Path | str, split: str | None = None) -> QuestionSet:
    """A BEIR folder: ``corpus.jsonl`` ({_id, title, text}), ``queries.jsonl`` ({_id, text}) and
    ``qrels/SPLIT.tsv`` (query-id, corpus-id, score; header line). Only judged queries are kept."""
    folder = Path(folder)
    splits = sorted((folder / "qrels").glob("*.tsv"))
    if not (folder / "corpus.jsonl").is_file() or not (folder / "queries.jsonl").is_file() or not splits:
        raise EvalInputError(f"{folder} is not a BEIR folder (corpus.jsonl, queries.jsonl, qrels/*.tsv)")
    chosen = [p for p in splits if p.stem == split] if split else [p for p in splits if p.stem == "test"] or splits[:1]
    if not chosen:
        raise EvalInputError(f"{folder}/qrels has no {split}.tsv (found {', '.join(p.stem for p in splits)})")
    judged: dict[str, dict[str, int]] = {}
    for number, line in enumerate(chosen[0].read_text(encoding="utf-8").splitlines(), start=1):
        parts = line.split("\t") if "\t" in line else line.split()
        if not parts or not line.strip() or (number == 1 and not parts[-1].strip().lstrip("-").isdigit()):
            continue  # the header line
        if len(parts) < 3:
            raise EvalInputError(f"{chosen[0]}:{number}: needs query-id, corpus-id, score")
        if int(float(parts[-1])) > 0:
            judged.setdefault(parts[0], {})[_beir_key(parts[1])] = int(float(parts[-1]))
    documents = {}
    for number, item in _read_jsonl(folder / "corpus.jsonl"):
        if not isinstance(item, dict) or "_id" not in item:
            raise EvalInputError(f"{folder}/corpus.jsonl:{number}: needs \"_id\"")
        title, text = str(item.get("title") or "").strip(), str(item.get("text") or "").strip()
        documents[_beir_key(str(item["_id"]))] = f"{title}\n\n{text}" if title else text
    questions = []
    for number, item in _read_jsonl(folder / "queries.jsonl"):
        if not isinstance(item, dict) or "_id" not in item or not isinstance(item.get("text"), str):
            raise EvalInputError(f"{folder}/queries.jsonl:{number}: needs \"_id\" and \"text\"")
        qid = str(item["_id"])
        if qid in judged:
            questions.append(Question(id=qid, question=item["text"], judged=judged[qid], answerable=True))
    if not questions:
        raise EvalInputError(f"{folder}: no query in queries.jsonl has judgments in {chosen[0].name}")
    return QuestionSet(folder.name, folder, questions, documents=documents)


def _beir_key(doc_id: str) -> str:
    """A document id as a file stem: ids that are not safe file names are hashed."""
    if re.fullmatch(r"[A-Za-z0-9._-]{1,100}", doc_id) and not doc_id.startswith("."):
        return doc_id
    return "doc-" + hashlib.sha256(doc_id.encode("utf-8")).hexdigest()[:16]


def load_questions(path: Path | str, qrels: Path | str | None = None) -> QuestionSet:
    """A JSON-lines question set or a BEIR folder."""
    path = Path(path)
    if path.is_dir():
        return load_beir(path)
    if not path.is_file():
        raise EvalInputError(f"no question set at {path} (give a .jsonl file or a BEIR folder)")
    return load_jsonl_questions(path, qrels)


# ---------------------------------------------------------------------------------------------
# Judging
# ---------------------------------------------------------------------------------------------


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


def build_qrels(questions: Iterable[tuple[str, Question]]) -> dict[str, dict[str, int]]:
    """ranx qrels for the answerable questions, keyed by the given query ids."""
    qrels: dict[str, dict[str, int]] = {}
    for qid, question in questions:
        if not question.answerable:
            continue
        if question.judged:
            qrels[qid] = dict(question.judged)
        elif question.evidence:
            qrels[qid] = {f"ev{n}": 1 for n in range(len(question.evidence))}
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
    """Problems with a set's judgments over an index: evidence found in no passage."""
    texts = [(p.normalised, p.country) for p in passages]
    problems = []
    for question in questions:
        if not question.answerable or question.judged:
            continue
        for evidence in question.evidence:
            needle = normalise(evidence)
            if not any(needle in t and (not question.country or not c or c == question.country) for t, c in texts):
                problems.append(f"{question.id}: evidence not in any passage: {evidence[:80]!r}")
    return problems


# ---------------------------------------------------------------------------------------------
# Metrics (ranx)
# ---------------------------------------------------------------------------------------------


def _metric_names(k: int) -> list[str]:
    return [m.format(k=k) for m in _BASE_METRICS]


def metric_label(metric: str) -> str:
    name, _, cutoff = metric.partition("@")
    return f"{_LABELS.get(name, name)}@{cutoff}" if cutoff else _LABELS.get(name, name)


def ranking_metrics(
    qrels: dict[str, dict[str, int]], run: dict[str, dict[str, float]], metrics: Sequence[str]
) -> dict[str, float]:
    """Mean ``metrics`` over the queries of ``qrels`` (a query the run lacks scores 0)."""
    from ranx import Qrels, Run
    from ranx import evaluate as ranx_evaluate

    if not qrels:
        return {m: float("nan") for m in metrics}
    run = {q: run.get(q) or {"p:none": 0.0} for q in qrels}
    scores = ranx_evaluate(Qrels(qrels), Run(run), list(metrics), make_comparable=True)
    if isinstance(scores, float):  # ranx returns a bare float for a single metric
        scores = {metrics[0]: scores}
    return {m: float(scores[m]) for m in metrics}


def compare_runs(
    qrels: dict[str, dict[str, int]],
    runs: dict[str, dict[str, dict[str, float]]],
    metrics: Sequence[str],
    *,
    max_p: float = 0.05,
    stat_test: str = "student",
) -> dict[str, Any]:
    """Paired significance tests between every two retrievers (ranx ``compare``).

    Returns ``{"stat_test", "max_p", "p_values": {a: {b: {metric: p}}}, "better": {a: {metric:
    [b, ...]}}}`` where ``better`` lists the retrievers ``a`` beats significantly."""
    from ranx import Qrels, Run, compare

    names = list(runs)
    if len(names) < 2 or not qrels:
        return {"stat_test": stat_test, "max_p": max_p, "p_values": {}, "better": {}}
    ranx_runs = []
    for name in names:
        ranx_runs.append(Run({q: runs[name].get(q) or {"p:none": 0.0} for q in qrels}, name=name))
    report = compare(
        Qrels(qrels), ranx_runs, metrics=list(metrics), stat_test=stat_test, max_p=max_p, make_comparable=True
    ).to_dict()
    p_values = {a: report[a]["comparisons"] for a in names}
    better: dict[str, dict[str, list[str]]] = {}
    for a in names:
        for metric in metrics:
            wins = [
                b for b in names
                if b != a and p_values[a][b][metric] < max_p
                and report[a]["scores"][metric] > report[b]["scores"][metric]
            ]
            better.setdefault(a, {})[metric] = wins
    return {"stat_test": stat_test, "max_p": max_p, "p_values": p_values, "better": better}


def abstention_scores(abstained: Sequence[bool], answerable: Sequence[bool]) -> dict[str, float]:
    """Abstention as retrieval of the unanswerable questions: precision, recall, and how often an
    answerable question was wrongly abstained on."""
    abstained_arr = np.asarray(abstained, dtype=bool)
    unanswerable = ~np.asarray(answerable, dtype=bool)
    hits = int((abstained_arr & unanswerable).sum())
    n_abstained, n_unanswerable = int(abstained_arr.sum()), int(unanswerable.sum())
    n_answerable = int((~unanswerable).sum())
    return {
        "precision": hits / n_abstained if n_abstained else float("nan"),
        "recall": hits / n_unanswerable if n_unanswerable else float("nan"),
        "false_abstention": int((abstained_arr & ~unanswerable).sum()) / n_answerable if n_answerable else float("nan"),
        "abstained": n_abstained,
        "unanswerable": n_unanswerable,
    }


@dataclass(frozen=True)
class Calibration:
    threshold: float
    precision: float
    recall: float
    false_abstention: float
    youden: float
    questions: int
    max_false_abstention: float = 1.0
    auc: float = float("nan")  # how well the best cosine separates the classes at all (0.5 = not)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def _auc(scores: np.ndarray, answerable: np.ndarray) -> float:
    """P(an answerable question's best cosine > an unanswerable one's), ties counting half."""
    pos, neg = scores[answerable], scores[~answerable]
    greater = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return float(greater / (len(pos) * len(neg)))


def choose_threshold(
    best_scores: Sequence[float], answerable: Sequence[bool], *, max_false_abstention: float = 1.0
) -> Calibration:
    """The abstention threshold that best separates answerable from unanswerable questions.

    Abstain when the best passage cosine is below the threshold. The threshold maximises Youden's
    J (recall on unanswerable − false-abstention rate on answerable) — balanced, because a set
    holds far fewer unanswerable than answerable questions — among thresholds that abstain on at
    most ``max_false_abstention`` of the answerable questions (refusing a question the profiles
    do answer is the costlier mistake). Ties go to the widest gap, and the threshold sits midway
    in it so that small model drift does not flip decisions."""
    scores = np.asarray(best_scores, dtype=np.float64)
    labels = np.asarray(answerable, dtype=bool)
    if labels.all() or not labels.any():
        raise EvalInputError("calibration needs both answerable and unanswerable questions")
    values = np.unique(scores)
    candidates = np.concatenate([[values[0] - 1e-3], (values[:-1] + values[1:]) / 2, [values[-1] + 1e-3]])
    gaps = np.concatenate([[1e-3], np.diff(values), [1e-3]])
    best_key: tuple[float, float] | None = None
    threshold = float(candidates[0])  # abstain on nothing: always allowed
    for candidate, gap in zip(candidates, gaps):
        stats = abstention_scores(scores < candidate, labels)
        if stats["false_abstention"] > max_false_abstention + 1e-12:
            continue
        key = (round(stats["recall"] - stats["false_abstention"], 9), float(gap))
        if best_key is None or key > best_key:
            best_key, threshold = key, float(candidate)
    stats = abstention_scores(scores < threshold, labels)
    return Calibration(
        threshold=round(float(threshold), 4),
        precision=stats["precision"],
        recall=stats["recall"],
        false_abstention=stats["false_abstention"],
        youden=best_key[0] if best_key else 0.0,
        questions=len(scores),
        max_false_abstention=max_false_abstention,
        auc=round(_auc(scores, labels), 4),
    )


# ---------------------------------------------------------------------------------------------
# Retrievers
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RetrieverSpec:
    """``hybrid``, ``bm25``, ``dense``, ``baseline``, or a preset with overrides such as
    ``convex(alpha=0.4)``, ``rrf(rrf_k=20;dense_weight=2)``, ``hybrid(history=0)``,
    ``baseline(chunk_size=500;chunk_overlap=100)``."""

    name: str
    kind: str  # "library" or "baseline"
    settings: dict[str, Any] = field(default_factory=dict)
    use_history: bool = True


_SPEC = re.compile(r"^\s*([a-z][a-z0-9_-]*)\s*(?:\((.*)\))?\s*$", re.IGNORECASE)


def _number(value: str) -> int | float | str:
    for cast in (int, float):
        try:
            return cast(value)
        except ValueError:
            pass
    return value


def parse_retrievers(text: str | Sequence[str]) -> list[RetrieverSpec]:
    """Retriever specs from ``"bm25,dense,hybrid,convex(alpha=0.4),baseline"``."""
    from mgiassist.search import SearchSettings

    items = re.split(r",(?![^()]*\))", text) if isinstance(text, str) else list(text)
    known = {f.name for f in dataclasses.fields(SearchSettings)} - {"extra"}
    specs: list[RetrieverSpec] = []
    for item in (i.strip() for i in items):
        if not item:
            continue
        match = _SPEC.match(item)
        if not match:
            raise EvalInputError(f"cannot read retriever {item!r}; write e.g. convex(alpha=0.4)")
        base, args = match.group(1).lower(), match.group(2)
        overrides: dict[str, Any] = {}
        for pair in filter(None, (a.strip() for a in re.split(r"[;,]", args or ""))):
            key, sep, value = pair.partition("=")
            if not sep:
                raise EvalInputError(f"retriever {item!r}: write options as name=value")
            overrides[key.strip()] = _number(value.strip())
        if base == "baseline":
            unknown = set(overrides) - set(_BASELINE_DEFAULTS)
            if unknown:
                raise EvalInputError(f"baseline takes chunk_size and chunk_overlap, not {', '.join(sorted(unknown))}")
            specs.append(RetrieverSpec(item.replace(" ", ""), "baseline", {**_BASELINE_DEFAULTS, **overrides}))
            continue
        if base not in _PRESETS:
            raise EvalInputError(
                f"unknown retriever {base!r}; choose from {', '.join([*_PRESETS, 'baseline'])}"
            )
        use_history = bool(overrides.pop("history", 1))
        unknown = set(overrides) - known
        if unknown:
            raise EvalInputError(f"retriever {item!r}: unknown setting {', '.join(sorted(unknown))}")
        specs.append(RetrieverSpec(item.replace(" ", ""), "library", {**_PRESETS[base], **overrides}, use_history))
    if not specs:
        raise EvalInputError("no retriever given")
    names = [s.name for s in specs]
    if len(set(names)) != len(names):
        raise EvalInputError(f"a retriever is listed twice: {', '.join(names)}")
    return specs


class BaselineRetriever:
    """The generic recipe: fixed-size recursive character chunks of the raw files, the same
    embedding model, exact inner-product search (FAISS flat), no BM25, no metadata, no history."""

    def __init__(
        self,
        files: Sequence[tuple[str, str, str | None]],
        encode: Callable[[list[str]], np.ndarray],
        *,
        chunk_size: int = 1000,
        chunk_overlap: int = 200,
    ) -> None:
        import faiss
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        splitter = RecursiveCharacterTextSplitter(chunk_size=int(chunk_size), chunk_overlap=int(chunk_overlap))
        self.passages: list[Passage] = []
        for source, text, country in files:
            stem = Path(source).stem
            for number, piece in enumerate(splitter.split_text(text)):
                self.passages.append(
                    Passage(f"baseline:{source}#{number}", piece, country, source, f"{source} · chunk {number + 1}", (source, stem))
                )
        self.encode = encode
        vectors = encode([p.text for p in self.passages]) if self.passages else np.zeros((0, 1), dtype=np.float32)
        self.index = faiss.IndexFlatIP(vectors.shape[1])
        if len(vectors):
            self.index.add(np.ascontiguousarray(vectors, dtype=np.float32))

    def search(self, question: str, k: int) -> tuple[list[Passage], float]:
        """The ``k`` nearest passages and the best cosine (for abstention)."""
        vector = np.ascontiguousarray(self.encode([question]), dtype=np.float32).reshape(1, -1)
        scores, ids = self.index.search(vector, min(k, len(self.passages)))
        found = [(self.passages[i], float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]
        return [p for p, _ in found], (found[0][1] if found else 0.0)


# ---------------------------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------------------------


@dataclass
class Retrieval:
    """What one retriever returned for one question."""

    qid: str
    retriever: str
    passages: list[Passage]
    abstained: bool
    best_cosine: float
    search_query: str = ""
    error: str | None = None


@dataclass
class EvalReport:
    k: int
    metrics: list[str]
    retrievers: list[str]
    questions: dict[str, Question]
    sets: dict[str, str]  # qid -> set name
    retrievals: dict[str, dict[str, Retrieval]]  # retriever -> qid -> retrieval
    qrels: dict[str, dict[str, int]]
    runs: dict[str, dict[str, dict[str, float]]]
    scores: dict[str, dict[str, float]]
    abstention: dict[str, dict[str, float]]
    median_chars: dict[str, float]
    breakdowns: dict[str, dict[str, dict[str, dict[str, float]]]]  # facet -> group -> retriever -> metric
    comparison: dict[str, Any]
    misses: list[dict[str, Any]]
    threshold: float
    calibration: Calibration | None = None
    warnings: list[str] = field(default_factory=list)
    config: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "config": self.config,
            "k": self.k,
            "metrics": self.metrics,
            "retrievers": {
                name: {
                    "metrics": self.scores[name],
                    "abstention": self.abstention[name],
                    "median_passage_chars": self.median_chars[name],
                }
                for name in self.retrievers
            },
            "breakdowns": self.breakdowns,
            "significance": self.comparison,
            "abstain_threshold": self.threshold,
            "calibration": self.calibration.to_dict() if self.calibration else None,
            "questions": {
                "total": len(self.questions),
                "answerable": sum(q.answerable for q in self.questions.values()),
                "by_kind": _counts(q.kind for q in self.questions.values()),
                "by_set": _counts(self.sets.values()),
            },
            "warnings": self.warnings,
        }


def _json_safe(value: Any) -> Any:
    """NaN (a metric with nothing to measure) as null: metrics.json must be strict JSON."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    return value


def _counts(values: Iterable[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return dict(sorted(counts.items()))


def _chunk_passage(chunk: Any, label: str) -> Passage:
    return Passage(chunk.chunk_id, chunk.text, chunk.country, chunk.source, label, (chunk.source, Path(chunk.source).stem))


def score(
    questions: dict[str, Question],
    sets: dict[str, str],
    retrievals: dict[str, dict[str, Retrieval]],
    *,
    k: int = 10,
    threshold: float = 0.0,
    calibration: Calibration | None = None,
) -> EvalReport:
    """Metrics, significance tests, abstention, breakdowns and misses from raw retrievals."""
    metrics = _metric_names(k)
    names = list(retrievals)
    qrels = build_qrels(questions.items())
    runs = {
        name: {qid: run_dict(questions[qid], r.passages[:k]) for qid, r in retrievals[name].items()}
        for name in names
    }
    scores = {name: ranking_metrics(qrels, runs[name], metrics) for name in names}
    order = list(questions)
    abstention = {
        name: abstention_scores(
            [retrievals[name][q].abstained for q in order], [questions[q].answerable for q in order]
        )
        for name in names
    }
    median_chars = {
        name: float(statistics.median([len(p.text) for r in retrievals[name].values() for p in r.passages[:k]] or [0]))
        for name in names
    }
    breakdowns: dict[str, dict[str, dict[str, dict[str, float]]]] = {}
    facets = {
        "kind": lambda q: q.kind,
        "family": lambda q: q.family or "(none)",
        "domain": lambda q: q.domain or "(none)",
    }
    for facet, key_of in facets.items():
        groups: dict[str, list[str]] = {}
        for qid in qrels:
            groups.setdefault(key_of(questions[qid]), []).append(qid)
        table: dict[str, dict[str, dict[str, float]]] = {}
        for group, qids in sorted(groups.items()):
            sub = {q: qrels[q] for q in qids}
            table[group] = {name: {**ranking_metrics(sub, runs[name], metrics), "n": len(qids)} for name in names}
        breakdowns[facet] = table
    comparison = compare_runs(qrels, runs, metrics)
    misses = _misses(questions, retrievals, runs, qrels, k)
    return EvalReport(
        k=k, metrics=metrics, retrievers=names, questions=questions, sets=sets, retrievals=retrievals,
        qrels=qrels, runs=runs, scores=scores, abstention=abstention, median_chars=median_chars,
        breakdowns=breakdowns, comparison=comparison, misses=misses, threshold=threshold,
        calibration=calibration,
    )


def _first_relevant_rank(entry: dict[str, float], relevant: dict[str, int]) -> int | None:
    ranked = sorted(entry, key=lambda d: -entry[d])
    return next((n for n, d in enumerate(ranked, start=1) if relevant.get(d, 0) > 0), None)


def _misses(
    questions: dict[str, Question],
    retrievals: dict[str, dict[str, Retrieval]],
    runs: dict[str, dict[str, dict[str, float]]],
    qrels: dict[str, dict[str, int]],
    k: int,
) -> list[dict[str, Any]]:
    """Answerable questions whose top passage is not relevant, and unanswerable ones answered."""
    rows = []
    for name, by_question in retrievals.items():
        for qid, retrieval in by_question.items():
            question = questions[qid]
            top = retrieval.passages[0] if retrieval.passages else None
            returned = f"{top.label} — {_snippet(top.text)}" if top else "(nothing)"
            if question.answerable and qid in qrels:
                rank = _first_relevant_rank(runs[name][qid], qrels[qid])
                if rank == 1:
                    continue
                expected = question.evidence[0] if question.evidence else ", ".join(question.judged)
                problem = f"first relevant at rank {rank}" if rank else f"nothing relevant in top {k}"
            elif not question.answerable and not retrieval.abstained:
                expected, problem = "(abstain)", f"answered (best cosine {retrieval.best_cosine:.2f})"
            else:
                continue
            rows.append({
                "retriever": name, "id": qid, "kind": question.kind, "question": question.question,
                "history": question.history, "problem": problem, "expected": expected,
                "returned": returned, "search_query": retrieval.search_query,
            })
    return rows


def _snippet(text: str, limit: int = 140) -> str:
    text = normalise(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---------------------------------------------------------------------------------------------
# Reports
# ---------------------------------------------------------------------------------------------


def _fmt(value: float) -> str:
    return "—" if math.isnan(value) else f"{value:.3f}"


def _md_cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _headline_table(report: EvalReport) -> list[str]:
    letters = {name: chr(ord("a") + i) for i, name in enumerate(report.retrievers)}
    head = ["retriever", *[metric_label(m) for m in report.metrics], "abstain P", "abstain R", "median chars"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    better = report.comparison.get("better", {})
    for name in report.retrievers:
        cells = [f"({letters[name]}) {name}"]
        for metric in report.metrics:
            wins = "".join(letters[b] for b in better.get(name, {}).get(metric, []))
            cells.append(_fmt(report.scores[name][metric]) + (f"<sup>{wins}</sup>" if wins else ""))
        ab = report.abstention[name]
        cells += [_fmt(ab["precision"]), _fmt(ab["recall"]), f"{report.median_chars[name]:.0f}"]
        lines.append("| " + " | ".join(_md_cell(c) for c in cells) + " |")
    return lines


def headline_markdown(report: EvalReport) -> str:
    """The headline table alone (for the README)."""
    return "\n".join(_headline_table(report))


def _breakdown_table(report: EvalReport, facet: str) -> list[str]:
    head = [facet, "n", *[f"{name} hit@1 / MRR" for name in report.retrievers]]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    mrr = f"mrr@{report.k}"
    for group, by_retriever in report.breakdowns[facet].items():
        n = next(iter(by_retriever.values()))["n"]
        cells = [group, str(n)] + [
            f"{_fmt(by_retriever[r]['hit_rate@1'])} / {_fmt(by_retriever[r][mrr])}" for r in report.retrievers
        ]
        lines.append("| " + " | ".join(_md_cell(c) for c in cells) + " |")
    return lines


def _misses_table(rows: list[dict[str, Any]]) -> list[str]:
    lines = ["| retriever | id | kind | question | problem | returned instead | expected evidence |", "|---|---|---|---|---|---|---|"]
    for row in rows:
        question = row["question"] + (f" (after: {' / '.join(row['history'])})" if row["history"] else "")
        lines.append("| " + " | ".join(_md_cell(c) for c in (
            row["retriever"], row["id"], row["kind"], question, row["problem"], row["returned"], _snippet(row["expected"], 90)
        )) + " |")
    return lines


def _primary(report: EvalReport) -> str:
    return next((r for r in report.retrievers if r == "hybrid"), next((r for r in report.retrievers if r != "baseline"), report.retrievers[0]))


def _plot(report: EvalReport, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")  # no display on servers and in the chat page's worker threads
    import matplotlib.pyplot as plt

    metrics = report.metrics
    names = report.retrievers
    width = 0.8 / max(len(names), 1)
    # the legend sits right of the axes: with many tuned retrievers it would hide the bars
    fig, ax = plt.subplots(figsize=(8 + 0.12 * len(names), 4.2 + 0.1 * max(0, len(names) - 12)))
    x = np.arange(len(metrics))
    for i, name in enumerate(names):
        values = [report.scores[name][m] for m in metrics]
        ax.bar(x + (i - (len(names) - 1) / 2) * width, values, width, label=name)
    ax.set_xticks(x, [metric_label(m) for m in metrics])
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("score")
    ax.set_title(f"Retrieval on {len(report.qrels)} answerable questions")
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    ax.grid(axis="y", alpha=0.3)
    fig.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(fig)


def write_report(report: EvalReport, out_dir: Path | str) -> dict[str, Path]:
    """Write report.md, metrics.json, misses.md, results.jsonl, qrels.trec, runs/*.trec and plot.png."""
    from ranx import Qrels, Run

    out = Path(out_dir)
    (out / "runs").mkdir(parents=True, exist_ok=True)
    paths = {
        "report": out / "report.md", "metrics": out / "metrics.json", "plot": out / "plot.png",
        "misses": out / "misses.md", "results": out / "results.jsonl", "qrels": out / "qrels.trec",
    }
    _plot(report, paths["plot"])
    paths["metrics"].write_text(
        json.dumps(_json_safe(report.to_dict()), indent=2, ensure_ascii=False, allow_nan=False, default=str), encoding="utf-8"
    )
    if report.qrels:
        Qrels(report.qrels).save(str(paths["qrels"]), kind="trec")
    for name in report.retrievers:
        safe = re.sub(r"[^A-Za-z0-9._=-]+", "_", name)
        run = {q: report.runs[name].get(q) or {"p:none": 0.0} for q in report.questions}
        Run(run, name=safe).save(str(out / "runs" / f"{safe}.trec"), kind="trec")
    with paths["results"].open("w", encoding="utf-8") as handle:
        for name in report.retrievers:
            for qid, r in report.retrievals[name].items():
                handle.write(json.dumps({
                    "retriever": name, "id": qid, "search_query": r.search_query, "abstained": r.abstained,
                    "best_cosine": round(r.best_cosine, 4), "error": r.error,
                    # [passage id, profile file, evidence id it contains or null]: compact, the reports are committed
                    "passages": [[p.pid, p.source, relevant_key(report.questions[qid], p)] for p in r.passages],
                }, ensure_ascii=False) + "\n")
    paths["misses"].write_text("\n".join(["# Misses", "", *(_misses_table(report.misses) or [])]) + "\n", encoding="utf-8")

    counts = report.to_dict()["questions"]
    primary = _primary(report)
    lines = [
        "# Retrieval evaluation",
        "",
        (f"Question sets: {', '.join(sorted(set(report.sets.values())))} — {counts['total']} questions "
        f"({counts['answerable']} answerable; by kind: {', '.join(f'{k} {v}' for k, v in counts['by_kind'].items())})."),
        f"Cut-off k = {report.k}; abstention threshold {report.threshold:.3f} (best passage cosine below it → abstain).",
        "",
        "## Headline",
        "",
        *_headline_table(report),
        "",
        (f"Superscripts name the retrievers a row beats significantly (paired {report.comparison.get('stat_test', 'student')} "
        f"test, p < {report.comparison.get('max_p', 0.05)}, ranx `compare`). Abstention precision/recall treat "
        "abstaining as retrieving the unanswerable questions; median chars is over all returned passages."),
        "",
        "![metric by retriever](plot.png)",
        "",
    ]
    if report.calibration:
        c = report.calibration
        lines += [
            "## Calibration", "",
            (f"Chosen abstention threshold **{c.threshold:.3f}** over {c.questions} questions: precision "
            f"{_fmt(c.precision)}, recall {_fmt(c.recall)}, false abstention on answerable {_fmt(c.false_abstention)} "
            f"(Youden J {c.youden:.3f}, allowed false abstention ≤ {c.max_false_abstention:.2f}; ROC AUC of the best "
            f"cosine {c.auc:.3f}). Stored with the index (calibration.json)."), "",
        ]
    for facet in ("kind", "family", "domain"):
        lines += [f"## By {facet}", "", *_breakdown_table(report, facet), ""]
    primary_misses = [m for m in report.misses if m["retriever"] == primary]
    lines += [
        f"## Misses of {primary}", "",
        (f"{len(primary_misses)} questions where the top passage is not relevant or an unanswerable question was "
        "answered; every retriever's misses are in [misses.md](misses.md)."), "",
        *(_misses_table(primary_misses) if primary_misses else ["None."]), "",
    ]
    if report.warnings:
        lines += ["## Warnings", "", *[f"- {w}" for w in report.warnings], ""]
    lines += [
        "## Files", "",
        ("`metrics.json` (all numbers), `runs/*.trec` and `qrels.trec` (TREC format; a relevant passage carries the id "
        "of the evidence it contains, `ev0`…, so every retriever shares one qrels), `results.jsonl` (returned passage "
        "ids per question), `misses.md`, `plot.png`."), "",
    ]
    paths["report"].write_text("\n".join(lines), encoding="utf-8")
    return paths


# ---------------------------------------------------------------------------------------------
# The whole evaluation
# ---------------------------------------------------------------------------------------------


def _cache_dir() -> Path:
    return Path(tempfile.gettempdir()) / "mgiassist-eval"


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:12]


def _lookalike_index(spec: LookalikeCorpus, embedder: Any) -> Path:
    """Build (or reuse) an index of the seed profiles plus their look-alikes; reproducible from
    the spec alone, so generated profiles need not be committed."""
    from mgiassist.index import build_index
    from mgiassist.lookalike import generate_corpus

    if not spec.seed_corpus.is_dir():
        raise EvalInputError(f"seed corpus {spec.seed_corpus} not found")
    if spec.seeds:
        seeds = [spec.seed_corpus / name for name in spec.seeds]
        missing = [p.name for p in seeds if not p.is_file()]
        if missing:
            raise EvalInputError(f"seed profiles not found in {spec.seed_corpus}: {', '.join(missing)}")
    else:
        seeds = sorted(p for p in spec.seed_corpus.iterdir() if p.is_file() and p.suffix in (".txt", ".md"))
    key = _digest(*(f"{p.name}:{hashlib.sha256(p.read_bytes()).hexdigest()}" for p in seeds),
                  str(spec.lookalikes), str(spec.seed), *spec.countries, embedder.model_id)
    root = _cache_dir() / f"lookalike-{key}"
    corpus, index = root / "corpus", root / "index"
    if not corpus.is_dir():
        staging, seed_dir = root / "corpus.partial", root / "seeds"
        for folder in (staging, seed_dir):
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
        for path in seeds:
            shutil.copy2(path, staging / path.name)
            shutil.copy2(path, seed_dir / path.name)
        generate_corpus(seed_dir, staging, spec.lookalikes, seed=spec.seed, countries=spec.countries or None)
        staging.rename(corpus)
    build_index(corpus, index, embedder=embedder, progress=False)
    return index


def _beir_index(qset: QuestionSet, embedder: Any) -> Path:
    from mgiassist.index import build_index

    assert qset.documents is not None
    key = _digest(str(qset.path.resolve()), *sorted(qset.documents), embedder.model_id)
    root = _cache_dir() / f"beir-{qset.name}-{key}"
    corpus = root / "corpus"
    if not corpus.is_dir():
        staging = root / "corpus.partial"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        for doc_id, text in qset.documents.items():
            (staging / f"{doc_id}.txt").write_text(text, encoding="utf-8")
        staging.rename(corpus)
    build_index(corpus, root / "index", embedder=embedder, progress=False)
    return root / "index"


def _baseline_files(loaded: Any) -> list[tuple[str, str, str | None]]:
    """The raw profile files of an index, as the generic recipe would read them."""
    from mgiassist.ingest import read_text

    corpus = (loaded.path / loaded.manifest.get("corpus", "")).resolve()
    files = []
    for source, meta in sorted(loaded.manifest.get("profiles", {}).items()):
        try:
            files.append((source, read_text(corpus / source), meta.get("country")))
        except MgiassistError as exc:
            log.warning("baseline skips %s: %s", source, exc)
    return files


class _CachingEmbedder:
    """Every retriever embeds the same questions: embed each text once per evaluation."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.model_id, self.dimension, self.max_tokens = inner.model_id, inner.dimension, inner.max_tokens
        self._cache: dict[str, np.ndarray] = {}

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    def encode(self, texts: list[str], *, batch_size: int = 32, show_progress: bool = False) -> np.ndarray:
        todo = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if todo:
            for text, vector in zip(todo, self.inner.encode(todo, batch_size=batch_size, show_progress=show_progress)):
                self._cache[text] = vector
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.stack([self._cache[t] for t in texts]).astype(np.float32, copy=False)


def _library_retrieve(assistant: Any, question: Question, k: int, use_history: bool) -> tuple[list[Passage], bool, float, str]:
    result = assistant.search(question.question, k=k, history=question.history if use_history else ())
    passages = [_chunk_passage(h.chunk, h.citation.label()) for h in result.hits]
    best = max((h.dense_score for h in result.hits), default=0.0)
    return passages, result.abstained, best, result.search_query


def evaluate(
    question_paths: Sequence[Path | str],
    *,
    index_dir: Path | str = "index",
    retrievers: str | Sequence[str] = DEFAULT_RETRIEVERS,
    k: int = 10,
    out_dir: Path | str | None = None,
    calibrate: bool = False,
    max_false_abstention: float = 0.0,
    embedder: Any = None,
    qrels: Path | str | None = None,
    progress: bool = True,
    on_progress: Callable[[int, int], None] | None = None,
) -> EvalReport:
    """Run every retriever on every question set and score them; optionally calibrate abstention
    on the sets that run over ``index_dir`` and store the threshold with that index.

    Sets with a ``.corpus.json`` sidecar run over seeds + look-alikes, BEIR folders over their own
    corpus; both are indexed into a cache folder (never into ``index_dir``)."""
    from tqdm.auto import tqdm

    from mgiassist.assistant import Assistant
    from mgiassist.embed import load_embedder
    from mgiassist.index import index_status, load_index, write_calibration
    from mgiassist.search import DEFAULT_ABSTAIN_THRESHOLD, SearchSettings

    if k < 1:
        raise EvalInputError("k must be at least 1")
    if not question_paths:
        raise EvalInputError("give at least one question set")
    specs = parse_retrievers(retrievers)
    sets = [load_questions(p, qrels) for p in question_paths]
    names = [s.name for s in sets]
    if len(set(names)) != len(names):
        raise EvalInputError(f"two question sets share a name: {', '.join(names)}")

    main = load_index(index_dir)
    embedder = _CachingEmbedder(embedder or load_embedder(main.model_id))
    indexes: dict[str, Path] = {}
    for qset in sets:
        if qset.lookalike is not None:
            indexes[qset.name] = _lookalike_index(qset.lookalike, embedder)
        elif qset.documents is not None:
            indexes[qset.name] = _beir_index(qset, embedder)
        else:
            indexes[qset.name] = Path(index_dir)
    loaded = {str(path): (main if Path(path) == Path(index_dir) else load_index(path)) for path in set(indexes.values())}

    questions: dict[str, Question] = {}
    set_of: dict[str, str] = {}
    for qset in sets:
        for question in qset.questions:
            qid = f"{qset.name}/{question.id}" if len(sets) > 1 else question.id
            questions[qid] = question
            set_of[qid] = qset.name
    warnings: list[str] = []
    status = index_status(index_dir)
    if status.state == "stale":  # still evaluated: an evaluator may want numbers for the old index
        warnings.append(f"index {index_dir} is stale ({'; '.join(status.reasons)}); rebuild it for current numbers")
    for qset in sets:
        chunks = loaded[str(indexes[qset.name])].chunks
        passages = [_chunk_passage(c, "") for c in chunks]
        warnings += [f"{qset.name}: {w}" for w in check_evidence(qset.questions, passages)]

    encode = embedder.encode
    embedder.encode([q.question for q in questions.values()], batch_size=64)  # one batch, not one call per question
    calibration: Calibration | None = None
    threshold = main.abstain_threshold if main.abstain_threshold is not None else DEFAULT_ABSTAIN_THRESHOLD
    if calibrate:
        probe = Assistant(main, embedder, SearchSettings(fusion="dense", polarity_boost=0.0))
        own = [(qid, q) for qid, q in questions.items() if indexes[set_of[qid]] == Path(index_dir)]
        best = []
        for _qid, question in tqdm(own, desc="calibrating", unit="q", disable=not progress):
            best.append(_library_retrieve(probe, question, 1, True)[2])
        calibration = choose_threshold(best, [q.answerable for _, q in own], max_false_abstention=max_false_abstention)
        threshold = calibration.threshold
        write_calibration(index_dir, {
            "abstain_threshold": calibration.threshold, "method": "youden-capped-false-abstention", **calibration.to_dict(),
            "question_sets": [str(s.path) for s in sets if indexes[s.name] == Path(index_dir)],
        })

    total = len(specs) * len(questions)
    bar = tqdm(total=total, desc="evaluating", unit="q", disable=not progress)
    done = 0
    retrievals: dict[str, dict[str, Retrieval]] = {}
    for spec in specs:
        retrievals[spec.name] = {}
        per_index: dict[str, Any] = {}
        for qid, question in questions.items():
            where = str(indexes[set_of[qid]])
            if where not in per_index:
                if spec.kind == "baseline":
                    per_index[where] = BaselineRetriever(
                        _baseline_files(loaded[where]), encode,
                        chunk_size=spec.settings["chunk_size"], chunk_overlap=spec.settings["chunk_overlap"],
                    )
                else:
                    settings = SearchSettings(**{**spec.settings, "abstain_threshold": threshold})
                    per_index[where] = Assistant(loaded[where], embedder, settings)
            engine = per_index[where]
            try:
                if spec.kind == "baseline":
                    passages, best = engine.search(question.question, k)
                    retrieval = Retrieval(qid, spec.name, passages, best < threshold, best, question.question)
                else:
                    passages, abstained, best, searched = _library_retrieve(engine, question, k, spec.use_history)
                    retrieval = Retrieval(qid, spec.name, passages, abstained, best, searched)
            except MgiassistError as exc:  # one unsearchable question must not lose the run
                retrieval = Retrieval(qid, spec.name, [], True, 0.0, question.question, str(exc))
                warnings.append(f"{qid} ({spec.name}): {exc}")
            retrievals[spec.name][qid] = retrieval
            bar.update(1)
            done += 1
            if on_progress is not None:
                on_progress(done, total)
    bar.close()

    report = score(questions, set_of, retrievals, k=k, threshold=threshold, calibration=calibration)
    report.warnings = warnings
    report.config = {
        "question_sets": [str(s.path) for s in sets],
        "index": str(index_dir),
        "model": main.model_id,
        "retrievers": {s.name: {"kind": s.kind, **s.settings, **({} if s.use_history else {"history": False})} for s in specs},
        "k": k,
    }
    if out_dir is not None:
        write_report(report, out_dir)
    return report
