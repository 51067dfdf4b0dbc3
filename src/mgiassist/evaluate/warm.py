"""Formerly: compile ranx's metrics ahead of the first evaluation, in a process of its own.

Nothing needs warming any more. ranx compiled its metrics with numba (one to three minutes on a
cold machine), so the chat page ran a small evaluation in a child process at start-up to fill
numba's on-disk cache. The metrics are now plain Python and numpy
(:mod:`mgiassist.evaluate.metrics`) and the significance test is scipy's: the first evaluation
costs what every later one costs, and no process loads numba or LLVM. The page no longer calls
this module; the functions stay, as no-ops, for scripts that still do::

    python -m mgiassist.evaluate.warm   # prints that there is nothing to compile
"""

from __future__ import annotations

import argparse
import sys

__all__ = ["main", "warm_in_child", "warm_metrics"]


def warm_metrics(index_dir: str | None = None, questions: str | None = None) -> float:
    """Nothing to compile: returns 0.0 seconds at once. The arguments are accepted and ignored."""
    del index_dir, questions
    return 0.0


def warm_in_child(index_dir: str | None = None, questions: str | None = None,
                  timeout: float = 900) -> bool:
    """Nothing to compile, so no child process: returns True at once. The arguments are
    accepted and ignored."""
    del index_dir, questions, timeout
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", help="ignored: nothing to compile")
    parser.add_argument("--questions", help="ignored: nothing to compile")
    parser.parse_args(argv)
    print("evaluation metrics need no compiling (plain numpy); nothing to do")
    return 0


if __name__ == "__main__":
    sys.exit(main())
