"""Compile ranx's metrics ahead of the first evaluation, in a process of its own.

ranx compiles its metrics with numba (one to three minutes on a cold machine) and caches the
machine code on disk. Running one small evaluation in a child process fills that cache, so a
later evaluation in a long-lived process (the chat page) loads compiled code instead of
compiling, while that process does not carry numba and LLVM (about 200 MB) until someone
actually evaluates::

    python -m mgiassist.evaluate.warm [--index index/] [--questions eval/questions/x.jsonl]
"""

from __future__ import annotations

import argparse
import logging
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

__all__ = ["main", "warm_in_child", "warm_metrics"]

log = logging.getLogger("mgiassist.evaluate")


def warm_metrics(index_dir: str | None = None, questions: str | None = None) -> float:
    """One small evaluation (bm25 and dense, nothing written to the index) when an index and a
    question set are given — only the real code path compiles every specialisation a run
    needs — otherwise a toy run of the metrics alone. Returns the seconds it took."""
    from mgiassist.evaluate import METRICS, compare_runs, evaluate, ranking_metrics

    start = time.monotonic()
    out_dir = Path(tempfile.mkdtemp(prefix="mgiassist-warm-"))
    try:
        if index_dir and questions:
            evaluate([Path(questions)], index_dir=index_dir, retrievers="bm25,dense", k=10,
                     out_dir=out_dir, progress=False)
        else:
            qrels = {f"q{i}": {f"d{i}": 1} for i in range(3)}
            runs = {
                name: {f"q{i}": {f"d{i}": 1.0 - 0.1 * j, "other": 0.5 + 0.2 * j} for i in range(3)}
                for j, name in enumerate(("a", "b"))
            }
            ranking_metrics(qrels, runs["a"], list(METRICS))
            compare_runs(qrels, runs, list(METRICS))
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)
    return time.monotonic() - start


def warm_in_child(index_dir: str | None = None, questions: str | None = None,
                  timeout: float = 900) -> bool:
    """Run :func:`warm_metrics` in a child Python; True when it finished cleanly. A failure
    only means a slower first evaluation, so it is logged, never raised."""
    command = [sys.executable, "-m", "mgiassist.evaluate.warm"]
    if index_dir and questions:
        command += ["--index", str(index_dir), "--questions", str(questions)]
    try:
        finished = subprocess.run(
            command, check=False, capture_output=True, text=True, timeout=timeout
        )
    except (OSError, subprocess.SubprocessError) as exc:
        log.warning("warming the evaluation metrics failed: %s", exc)
        return False
    if finished.returncode != 0:
        last = (finished.stderr.strip().splitlines() or ["no output"])[-1]
        log.warning("warming the evaluation metrics failed: %s", last)
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", help="an index folder, for a real (bm25, dense) run")
    parser.add_argument("--questions", help="a question set (.jsonl) for that run")
    args = parser.parse_args(argv)
    seconds = warm_metrics(args.index, args.questions)
    print(f"evaluation metrics compiled in {seconds:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
