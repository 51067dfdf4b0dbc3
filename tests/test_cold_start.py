"""Cold start: the CLI's search path imports neither the training stack nor the page or eval stack.

A behaviour, not a timing: each check runs in a fresh interpreter and lists what got imported.
(Wall time is measured by ``benchmarks/bench_speed.py``.)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, SEED_CORPUS

NEVER_ON_SEARCH = ["sentence_transformers", "transformers", "sklearn", "gradio", "ranx", "matplotlib",
                   "langchain_text_splitters"]

# Runs the CLI in-process in a fresh interpreter, then prints which heavy modules it imported.
RUNNER = """
import json, sys
sys.path.insert(0, {tests!r})
fake = {fake!r}
if fake:
    from conftest import FakeEmbedder
    import mgiassist.assistant
    mgiassist.assistant.load_embedder = lambda model=None, backend=None: FakeEmbedder()
from mgiassist.cli.main import main
try:
    main({args!r}, standalone_mode=False)
finally:
    watched = {watched!r}
    print(json.dumps(sorted(m for m in watched if m in sys.modules)), file=sys.stderr)
"""


def _run(args: list[str], *, fake: bool, watched: list[str], env: dict[str, str] | None = None):
    code = RUNNER.format(tests=str(REPO / "tests"), fake=fake, args=args, watched=watched)
    environment = {**os.environ, "PYTHONPATH": str(REPO / "src"), **(env or {})}
    done = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True,
                          env=environment,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    imported = json.loads(done.stderr.strip().splitlines()[-1])
    return done.stdout, imported


def test_importing_the_cli_and_asking_for_help_loads_no_model_or_page_stack():
    stdout, imported = _run(["--help"], fake=False, watched=[*NEVER_ON_SEARCH, "torch", "onnxruntime",
                                                                "faiss", "bm25s"])
    assert "eval" in stdout and "search" in stdout  # eval is listed, not imported
    assert imported == []


def test_search_imports_no_training_page_or_eval_stack(fake_index):
    stdout, imported = _run(["search", "Can Cambodians vote from abroad?", "--index", str(fake_index),
                             "--k", "2"], fake=True, watched=[*NEVER_ON_SEARCH, "torch"])
    assert "[1] Cambodia" in stdout
    assert imported == []


@pytest.mark.integration
def test_real_onnx_search_imports_onnxruntime_but_not_torch(tmp_path, tmp_path_factory):
    from test_embed_onnx import onnx_cache

    from mgiassist.embed import OnnxEmbedder
    from mgiassist.index import build_index

    cache = onnx_cache(tmp_path_factory)
    build_index(SEED_CORPUS, tmp_path / "index", embedder=OnnxEmbedder(cache_dir=cache), progress=False)
    assert json.loads((tmp_path / "index" / "manifest.json").read_text())["embedding_backend"] == "onnx"
    stdout, imported = _run(
        ["search", "Can Cambodians vote from abroad?", "--index", str(tmp_path / "index"), "--k", "1"],
        fake=False, watched=[*NEVER_ON_SEARCH, "torch", "onnxruntime", "tokenizers"],
        env={"MGIASSIST_CACHE_DIR": str(cache), "MGIASSIST_BACKEND": "onnx"},
    )
    assert "[1] Cambodia" in stdout and "vote" in stdout.lower()
    assert imported == ["onnxruntime", "tokenizers"]


def test_eval_command_still_runs_lazily(fake_index):
    stdout, imported = _run(["eval", "--help"], fake=False, watched=["mgiassist.cli.eval"])
    assert "--retrievers" in stdout and imported == ["mgiassist.cli.eval"]


def test_repo_root_is_where_the_sources_are():
    assert (Path(REPO) / "src" / "mgiassist" / "cli" / "main.py").is_file()
