"""The whole evaluation, stage by stage: load the question sets (one split), find the corpus each
runs over, check the judgments, optionally calibrate abstention, run every retriever on every
question (with the library's reply state), score, write the report."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from mgiassist.errors import MgiassistError
from mgiassist.evaluate.calibration import Calibration, choose_threshold
from mgiassist.evaluate.corpora import baseline_files, beir_index, lookalike_index
from mgiassist.evaluate.judging import check_evidence
from mgiassist.evaluate.questions import (
    EvalInputError,
    Question,
    QuestionSet,
    load_questions,
    select_split,
)
from mgiassist.evaluate.report import write_report
from mgiassist.evaluate.retrievers import (
    BaselineRetriever,
    CachingEmbedder,
    RetrieverSpec,
    chunk_passage,
    library_reply_state,
    library_retrieve,
    parse_retrievers,
)
from mgiassist.evaluate.scoring import EvalReport, Retrieval, score

__all__ = ["DEFAULT_RETRIEVERS", "evaluate"]

DEFAULT_RETRIEVERS = ("bm25", "dense", "hybrid", "baseline")


def _load_sets(question_paths: Sequence[Path | str], qrels: Path | str | None, split: str | None) -> list[QuestionSet]:
    if not question_paths:
        raise EvalInputError("give at least one question set")
    sets = [load_questions(p, qrels) for p in question_paths]
    if split not in (None, "all") and len(sets) > 1:
        # Several sets: one with no question in the split (a dev-only set) is left out; only
        # when none has any is that an error.
        sets = [select_split(s, split) for s in sets if any(q.split == split for q in s.questions)] or [
            select_split(sets[0], split)
        ]
    else:
        sets = [select_split(s, split) for s in sets]
    names = [s.name for s in sets]
    if len(set(names)) != len(names):
        raise EvalInputError(f"two question sets share a name: {', '.join(names)}")
    return sets


def _set_indexes(sets: list[QuestionSet], index_dir: Path, embedder: Any) -> dict[str, Path]:
    """The index each set runs over: look-alike and BEIR sets get their own cached one."""
    indexes: dict[str, Path] = {}
    for qset in sets:
        if qset.lookalike is not None:
            indexes[qset.name] = lookalike_index(qset.lookalike, embedder)
        elif qset.documents is not None:
            indexes[qset.name] = beir_index(qset, embedder)
        else:
            indexes[qset.name] = index_dir
    return indexes


def _flatten(sets: list[QuestionSet]) -> tuple[dict[str, Question], dict[str, str]]:
    questions: dict[str, Question] = {}
    set_of: dict[str, str] = {}
    for qset in sets:
        for question in qset.questions:
            qid = f"{qset.name}/{question.id}" if len(sets) > 1 else question.id
            questions[qid] = question
            set_of[qid] = qset.name
    return questions, set_of


def _judgment_warnings(index_dir: Path, sets: list[QuestionSet], indexes: dict[str, Path], loaded: dict[str, Any]) -> list[str]:
    from mgiassist.index import index_status

    warnings: list[str] = []
    status = index_status(index_dir)
    if status.state == "stale":  # still evaluated: an evaluator may want numbers for the old index
        warnings.append(f"index {index_dir} is stale ({'; '.join(status.reasons)}); rebuild it for current numbers")
    for qset in sets:
        passages = [chunk_passage(c, "") for c in loaded[str(indexes[qset.name])].chunks]
        warnings += [f"{qset.name}: {w}" for w in check_evidence(qset.questions, passages)]
    return warnings


def _calibrate(main: Any, embedder: Any, own: list[Question], index_dir: Path, sets: list[QuestionSet],
               max_false_abstention: float, progress: bool) -> Calibration:
    """Choose the abstention threshold on the questions that run over ``index_dir`` and store it."""
    from tqdm.auto import tqdm

    from mgiassist.assistant import Assistant
    from mgiassist.index import write_calibration
    from mgiassist.search.searcher import SearchSettings

    probe = Assistant(main, embedder, SearchSettings(fusion="dense", polarity_boost=0.0))
    best = [library_retrieve(probe, q, 1, True)[2] for q in tqdm(own, desc="calibrating", unit="q", disable=not progress)]
    calibration = choose_threshold(best, [q.answerable for q in own], max_false_abstention=max_false_abstention)
    write_calibration(index_dir, {
        "abstain_threshold": calibration.threshold, "method": "youden-capped-false-abstention", **calibration.to_dict(),
        "question_sets": [str(s.path) for s in sets],
    })
    return calibration


def _engine(spec: RetrieverSpec, loaded: Any, embedder: CachingEmbedder, threshold: float) -> Any:
    if spec.kind == "baseline":
        return BaselineRetriever(baseline_files(loaded), embedder.encode,
                                 chunk_size=spec.settings["chunk_size"], chunk_overlap=spec.settings["chunk_overlap"])
    from mgiassist.assistant import Assistant
    from mgiassist.search.searcher import SearchSettings

    return Assistant(loaded, embedder, SearchSettings(**{**spec.settings, "abstain_threshold": threshold}))


def _retrieve(spec: RetrieverSpec, engine: Any, qid: str, question: Question, k: int, threshold: float) -> Retrieval:
    """One question through one retriever; library retrievers also give their reply state."""
    if spec.kind == "baseline":
        passages, best = engine.search(question.question, k)
        return Retrieval(qid, spec.name, passages, best < threshold, best, question.question)
    passages, abstained, best, searched = library_retrieve(engine, question, k, spec.use_history)
    state, source = library_reply_state(engine, question, spec.use_history, abstained)
    return Retrieval(qid, spec.name, passages, abstained, best, searched, state=state, state_source=source)


def _run_all(specs: list[RetrieverSpec], questions: dict[str, Question], where: dict[str, str],
             loaded: dict[str, Any], embedder: CachingEmbedder, k: int, threshold: float,
             progress: bool, on_progress: Callable[[int, int], None] | None,
             warnings: list[str]) -> dict[str, dict[str, Retrieval]]:
    from tqdm.auto import tqdm

    total = len(specs) * len(questions)
    bar = tqdm(total=total, desc="evaluating", unit="q", disable=not progress)
    done = 0
    retrievals: dict[str, dict[str, Retrieval]] = {}
    for spec in specs:
        retrievals[spec.name] = {}
        engines: dict[str, Any] = {}
        for qid, question in questions.items():
            if where[qid] not in engines:
                engines[where[qid]] = _engine(spec, loaded[where[qid]], embedder, threshold)
            try:
                retrieval = _retrieve(spec, engines[where[qid]], qid, question, k, threshold)
            except MgiassistError as exc:  # one unsearchable question must not lose the run
                retrieval = Retrieval(qid, spec.name, [], True, 0.0, question.question, str(exc))
                warnings.append(f"{qid} ({spec.name}): {exc}")
            retrievals[spec.name][qid] = retrieval
            bar.update(1)
            done += 1
            if on_progress is not None:
                on_progress(done, total)
    bar.close()
    return retrievals


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
    split: str | None = None,
) -> EvalReport:
    """Run every retriever on every question set and score them; optionally calibrate abstention
    on the sets that run over ``index_dir`` and store the threshold with that index.

    ``split`` ("dev", "test" or "all"/None) keeps one part of each set. Sets with a
    ``.corpus.json`` sidecar run over seeds + look-alikes, BEIR folders over their own corpus;
    both are indexed into a cache folder (never into ``index_dir``)."""
    from mgiassist.embed import load_embedder
    from mgiassist.index import load_index
    from mgiassist.search.searcher import DEFAULT_ABSTAIN_THRESHOLD

    if k < 1:
        raise EvalInputError("k must be at least 1")
    index_dir = Path(index_dir)
    specs = parse_retrievers(retrievers)
    sets = _load_sets(question_paths, qrels, split)
    main = load_index(index_dir)
    embedder = CachingEmbedder(embedder or load_embedder(main.model_id))
    indexes = _set_indexes(sets, index_dir, embedder)
    loaded = {str(path): (main if path == index_dir else load_index(path)) for path in set(indexes.values())}
    questions, set_of = _flatten(sets)
    where = {qid: str(indexes[set_of[qid]]) for qid in questions}
    warnings = _judgment_warnings(index_dir, sets, indexes, loaded)

    embedder.encode([q.question for q in questions.values()], batch_size=64)  # one batch, not one call per question
    calibration: Calibration | None = None
    threshold = main.abstain_threshold if main.abstain_threshold is not None else DEFAULT_ABSTAIN_THRESHOLD
    if calibrate:
        own = [q for qid, q in questions.items() if where[qid] == str(index_dir)]
        own_sets = [s for s in sets if indexes[s.name] == index_dir]
        calibration = _calibrate(main, embedder, own, index_dir, own_sets, max_false_abstention, progress)
        threshold = calibration.threshold

    retrievals = _run_all(specs, questions, where, loaded, embedder, k, threshold, progress, on_progress, warnings)
    report = score(questions, set_of, retrievals, k=k, threshold=threshold, calibration=calibration)
    report.warnings = warnings
    report.config = {
        "question_sets": [str(s.path) for s in sets],
        "split": split or "all",
        "index": str(index_dir),
        "model": main.model_id,
        "retrievers": {s.name: {"kind": s.kind, **s.settings, **({} if s.use_history else {"history": False})} for s in specs},
        "k": k,
    }
    if out_dir is not None:
        write_report(report, out_dir)
    return report
