"""Stage 2 of an evaluation: the corpus a question set runs over. Sets with a ``.corpus.json``
sidecar run over the seed profiles plus generated look-alikes, BEIR folders over their own
documents; both are indexed into a cache folder (never into the ``--index`` given)."""

from __future__ import annotations

import hashlib
import logging
import shutil
import tempfile
from pathlib import Path
from typing import Any

from mgiassist.errors import MgiassistError
from mgiassist.evaluate.questions import EvalInputError, LookalikeCorpus, QuestionSet

__all__ = ["SetAssistants", "baseline_files", "beir_index", "lookalike_index"]

log = logging.getLogger(__name__)


def _cache_dir() -> Path:
    return Path(tempfile.gettempdir()) / "mgiassist-eval"


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:12]


def lookalike_index(spec: LookalikeCorpus, embedder: Any) -> Path:
    """Build (or reuse) an index of the seed profiles plus their look-alikes; reproducible from
    the spec alone, so generated profiles need not be committed."""
    from mgiassist.evaluate.lookalike import generate_corpus
    from mgiassist.index import build_index

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


def beir_index(qset: QuestionSet, embedder: Any) -> Path:
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


def baseline_files(loaded: Any) -> list[tuple[str, str, str | None]]:
    """The raw profile files of an index, as the generic recipe would read them."""
    from mgiassist.ingest import read_text

    corpus = (loaded.path / loaded.manifest.corpus).resolve()
    files = []
    for source, entry in sorted(loaded.manifest.profiles.items()):
        try:
            files.append((source, read_text(corpus / source), entry.country))
        except MgiassistError as exc:
            log.warning("baseline skips %s: %s", source, exc)
    return files


class SetAssistants:
    """The assistant for each question set: over ``index``, or over the set's look-alike index
    (built and cached as the evaluation builds it), all with one embedding model."""

    def __init__(self, index: str | Path) -> None:
        from mgiassist.assistant import Assistant

        self._loaded: dict[LookalikeCorpus | None, Any] = {None: Assistant.load(index)}

    def __call__(self, lookalike: LookalikeCorpus | None) -> Any:
        if lookalike not in self._loaded:
            from mgiassist.assistant import Assistant

            embedder = self._loaded[None].embedder
            self._loaded[lookalike] = Assistant.load(lookalike_index(lookalike, embedder), embedder=embedder)
        return self._loaded[lookalike]

    def use(self, model: Any) -> None:
        """Every loaded assistant's judge takes ``model`` (an answerability model)."""
        for assistant in self._loaded.values():
            assistant.judge.model = model
