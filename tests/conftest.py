"""Shared fixtures: a tiny deterministic embedder for unit tests, the real model for integration."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]
SEED_CORPUS = REPO / "corpus"
_WORD = re.compile(r"\w+")


class FakeEmbedder:
    """Bag of hashed words: texts sharing words get similar vectors; same text, same vector.

    ``count_tokens`` counts words, so chunk budgets can be checked by hand.
    """

    model_id = "fake-hashing-embedder"

    def __init__(self, dimension: int = 256, max_tokens: int = 256) -> None:
        self.dimension = dimension
        self.max_tokens = max_tokens
        self.encoded: list[str] = []

    def count_tokens(self, text: str) -> int:
        return len(_WORD.findall(text))

    def encode(self, texts, *, batch_size: int = 32, show_progress: bool = False) -> np.ndarray:
        texts = list(texts)
        self.encoded.extend(texts)
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in _WORD.findall(text.lower()):
                stem = word[:5]  # a crude stemmer so "centres"/"centre" meet
                bucket = int.from_bytes(hashlib.blake2b(stem.encode(), digest_size=4).digest(), "little")
                vectors[row, bucket % self.dimension] += 1.0
            norm = np.linalg.norm(vectors[row])
            if norm:
                vectors[row] /= norm
        return vectors


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A private copy of the seed corpus that a test may change."""
    target = tmp_path / "corpus"
    shutil.copytree(SEED_CORPUS, target, ignore=shutil.ignore_patterns("README*"))
    return target


@pytest.fixture
def fake_index(tmp_path: Path, corpus_copy: Path, fake_embedder: FakeEmbedder) -> Path:
    from mgiassist.index import build_index

    index_dir = tmp_path / "index"
    build_index(corpus_copy, index_dir, embedder=fake_embedder, progress=False)
    return index_dir


@pytest.fixture(scope="session")
def two_country_index(tmp_path_factory) -> Path:
    """An index of Cambodia's two profiles and their Ghana look-alikes (fake embedder), shared
    by the tests of questions and commands over several countries."""
    from mgiassist.evaluate.lookalike import generate_corpus
    from mgiassist.index import build_index

    root = tmp_path_factory.mktemp("two-countries")
    seeds, corpus = root / "seeds", root / "corpus"
    for folder in (seeds, corpus):
        folder.mkdir()
        for path in SEED_CORPUS.glob("*.txt"):
            shutil.copy2(path, folder / path.name)
    generate_corpus(seeds, corpus, 2, seed=0, countries=["Ghana"])
    build_index(corpus, root / "index", embedder=FakeEmbedder(), progress=False)
    return root / "index"


@pytest.fixture(scope="session")
def real_embedder():
    from mgiassist.embed import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder()


@pytest.fixture
def runner(monkeypatch):
    """The CLI (click's CliRunner) with the fake embedder standing in for every model load."""
    from click.testing import CliRunner

    import mgiassist.assistant
    import mgiassist.index

    monkeypatch.setattr(mgiassist.index, "load_embedder", lambda model=None: FakeEmbedder())
    monkeypatch.setattr(mgiassist.assistant, "load_embedder", lambda model=None: FakeEmbedder())
    return CliRunner()


@pytest.fixture
def built(runner, tmp_path: Path, corpus_copy: Path) -> Path:
    """An index of the seed corpus built through the CLI with the fake embedder."""
    from mgiassist.cli.main import main

    index_dir = tmp_path / "index"
    result = runner.invoke(main, ["index", "--corpus", str(corpus_copy), "--index", str(index_dir),
                                  "--model", "fake-hashing-embedder"])
    assert result.exit_code == 0, result.output
    assert "indexed 2 profiles" in result.output
    return index_dir


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    # A test module may define ``describe_failure(item)`` to attach what only it can see (a
    # server's log, a browser's console) to a failed test's report: CI prints nothing else.
    report = yield
    describe = getattr(item.module, "describe_failure", None)
    if describe is not None and report.when == "call" and report.failed:
        try:
            report.sections.extend(describe(item))
        except OSError as error:  # an unreadable log must not hide the failure it explains
            report.sections.append(("diagnosis failed", repr(error)))
    return report
