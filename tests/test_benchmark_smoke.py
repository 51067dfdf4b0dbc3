"""Smoke test of benchmarks/bench_pipeline.py: it runs on the seeds and prints its table.

No timing asserts: only that the script runs end to end and reports every column.
"""

from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path

import pytest
from conftest import REPO

pytestmark = pytest.mark.integration

SCRIPT = REPO / "benchmarks" / "bench_pipeline.py"
EXPECTED_COLUMNS = [
    "size", "profiles", "chunks", "build_s", "chunks_per_s", "bare_chunks_per_s", "build_ratio",
    "search_p50_ms", "search_p95_ms", "bare_p50_ms", "bare_p95_ms", "search_ratio", "peak_rss_mb",
]


def _load_script():
    spec = importlib.util.spec_from_file_location("bench_pipeline", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_question_pool_is_distinct_and_names_countries():
    from mgiassist.text.countries import lookup_country

    bench = _load_script()
    pool = bench.question_pool([lookup_country("Kenya")], 150, seed=1)
    assert len(pool) == len(set(pool)) == 150
    assert any("Kenyans" in q for q in pool)


def test_benchmark_runs_on_the_seeds(tmp_path: Path, capsys, real_embedder):
    bench = _load_script()
    out = tmp_path / "results.json"
    results = bench.main(
        ["--sizes", "seeds", "--queries", "5", "--repeats", "1", "--diag-max", "0",
         "--workdir", str(tmp_path / "work"), "--out", str(out)],
        embedder=real_embedder,
    )
    printed = capsys.readouterr().out
    header = next(line for line in printed.splitlines() if line.split()[:2] == ["size", "profiles"])
    assert header.split() == EXPECTED_COLUMNS
    row = next(line for line in printed.splitlines() if line.split() and line.split()[0] == "seeds")
    assert len(row.split()) == len(EXPECTED_COLUMNS)
    assert "search time breakdown" in printed and "build time breakdown" in printed
    assert "target >= 0.9" in printed and "target <= 1.3" in printed

    (result,) = results
    assert result["profiles"] == 2 and result["chunks"] > 0 and result["queries"] == 5
    for name in EXPECTED_COLUMNS[3:]:
        assert math.isfinite(result[name]) and result[name] > 0, name
    saved = json.loads(out.read_text(encoding="utf-8"))
    assert saved["results"][0]["chunks"] == result["chunks"]


SPEED_SCRIPT = REPO / "benchmarks" / "bench_speed.py"


def test_speed_benchmark_prints_build_cli_and_query_tables(
    tmp_path: Path, tmp_path_factory, monkeypatch, capsys, real_embedder
):
    from test_embed_onnx import onnx_cache

    from mgiassist.embed import OnnxEmbedder

    monkeypatch.syspath_prepend(str(SPEED_SCRIPT.parent))  # its siblings, as when it runs as a script
    spec = importlib.util.spec_from_file_location("bench_speed", SPEED_SCRIPT)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    cache = onnx_cache(tmp_path_factory)  # the session's shared export
    embedders = {"torch": real_embedder, "onnx": OnnxEmbedder(cache_dir=cache)}
    monkeypatch.setenv("MGIASSIST_CACHE_DIR", str(cache))  # the CLI subprocesses find it too
    (result,) = bench.main(["--sizes", "seeds", "--queries", "3", "--cli-runs", "1", "--sessions", "0",
                            "--workdir", str(tmp_path / "work")], embedders=embedders)
    printed = capsys.readouterr().out
    assert "build and cold CLI" in printed and "query encode" in printed
    assert set(result["backends"]) == {"torch", "onnx"}
    for backend in result["backends"].values():
        assert backend["chunks"] > 50 and backend["encoded_texts"] > backend["chunks"]
        assert math.isfinite(backend["chunks_per_s"]) and backend["cli"]["wall_s"] > 0
    assert set(result["query"]) == {"torch (1 thread)", "torch (2 threads)", "onnx"}


ANSWER_SCRIPT = REPO / "benchmarks" / "bench_answer.py"


@pytest.mark.slow
def test_answer_benchmark_prints_fresh_and_repeated_latencies(tmp_path: Path, real_embedder):
    import subprocess
    import sys

    from mgiassist.index import build_index

    index = tmp_path / "index"
    build_index(REPO / "corpus", index, embedder=real_embedder, progress=False)
    printed = subprocess.run(
        [sys.executable, str(ANSWER_SCRIPT), "--index", str(index), "--questions", "4"],
        capture_output=True, text=True, check=True, timeout=600,
    ).stdout
    header = next(line for line in printed.splitlines() if line.startswith("| config"))
    assert "fresh p50 ms" in header and "repeated p95 ms" in header
    rows = [line for line in printed.splitlines() if line.startswith(("| default", "| no-neighbours"))]
    assert len(rows) == 2 and all(len(r.split("|")) == len(header.split("|")) for r in rows)
    unknown = subprocess.run(
        [sys.executable, str(ANSWER_SCRIPT), "--index", str(index), "--configs", "fast"],
        capture_output=True, text=True, check=False, timeout=60,
    )
    assert unknown.returncode != 0 and "unknown config 'fast'" in unknown.stderr
