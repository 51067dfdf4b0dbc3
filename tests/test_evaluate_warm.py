"""The evaluation metrics need no warm-up: scoring and significance load neither ranx nor numba,
and the former warm-up (mgiassist.evaluate.warm) is a no-op that starts no process."""

from __future__ import annotations

import subprocess
import sys

import pytest

from mgiassist.evaluate.warm import main, warm_in_child, warm_metrics

_SCORE_IN_A_FRESH_INTERPRETER = """
import sys
from mgiassist.evaluate import METRICS, compare_runs, ranking_metrics

qrels = {f"q{i}": {f"d{i}": 1} for i in range(5)}
runs = {
    name: {f"q{i}": {f"d{i}": 1.0 - 0.1 * j * (i % 2), "other": 0.95} for i in range(5)}
    for j, name in enumerate(("a", "b"))
}
ranking_metrics(qrels, runs["a"], list(METRICS))
compare_runs(qrels, runs, list(METRICS))
print(sorted(m for m in ("ranx", "numba", "llvmlite") if m in sys.modules))
"""


def test_metrics_and_significance_load_neither_ranx_nor_numba() -> None:
    # a fresh interpreter: another test in this session may have imported ranx
    finished = subprocess.run(
        [sys.executable, "-c", _SCORE_IN_A_FRESH_INTERPRETER],
        check=True, capture_output=True, text=True, timeout=120,
    )
    assert finished.stdout.strip() == "[]"


def test_the_former_warm_up_is_a_no_op_that_starts_no_process(monkeypatch, capsys) -> None:
    def no_child(*args, **kwargs):
        raise AssertionError("the warm-up started a process")

    monkeypatch.setattr(subprocess, "run", no_child)
    monkeypatch.setattr(subprocess, "Popen", no_child)
    assert warm_in_child() is True
    assert warm_in_child("no-index", "no-questions.jsonl") is True
    assert warm_metrics() == 0.0
    assert main(["--index", "no-index", "--questions", "q.jsonl"]) == 0
    assert "nothing to do" in capsys.readouterr().out


@pytest.mark.parametrize("module", ["mgiassist.evaluate", "mgiassist.evaluate.warm"])
def test_importing_the_evaluation_loads_no_jit(module: str) -> None:
    finished = subprocess.run(
        [sys.executable, "-c",
         f"import sys, {module}; print([m for m in ('ranx', 'numba') if m in sys.modules])"],
        check=True, capture_output=True, text=True, timeout=120,
    )
    assert finished.stdout.strip() == "[]"
