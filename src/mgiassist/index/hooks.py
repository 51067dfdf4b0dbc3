"""Test hooks: named points in a build where a test can pause or crash it.

For the chaos and race tests only; they do nothing unless these variables are set:

``MGIASSIST_TEST_CRASH_AT=<point>``
    the build kills itself with SIGKILL (as ``kill -9`` would) on reaching ``point``.
``MGIASSIST_TEST_PAUSE_AT=<point>``
    the build writes ``paused-<point>`` into ``MGIASSIST_TEST_SIGNAL_DIR`` and waits until a
    ``resume-<point>`` file appears there (at most ten minutes).
``MGIASSIST_TEST_SIGNAL_DIR``
    also receives ``trace-<pid>``: every point the build passed, one per line.

Points, in build order: ``waiting`` (only when another run holds the lock), ``locked``, ``mid-write``, ``before-swap``, ``between-renames``,
``during-cleanup``, ``done``.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

__all__ = ["POINTS", "checkpoint"]

POINTS = (
    "waiting",
    "locked",
    "mid-write",
    "before-swap",
    "between-renames",
    "during-cleanup",
    "done",
)
_PAUSE_LIMIT_SECONDS = 600


def checkpoint(point: str) -> None:
    signal_dir = os.environ.get("MGIASSIST_TEST_SIGNAL_DIR")
    if signal_dir:
        with open(Path(signal_dir) / f"trace-{os.getpid()}", "a", encoding="utf-8") as trace:
            trace.write(point + "\n")
    if os.environ.get("MGIASSIST_TEST_CRASH_AT") == point:
        os.kill(os.getpid(), signal.SIGKILL)
    if os.environ.get("MGIASSIST_TEST_PAUSE_AT") == point and signal_dir:
        folder = Path(signal_dir)
        (folder / f"paused-{point}").write_text(str(os.getpid()), encoding="utf-8")
        deadline = time.monotonic() + _PAUSE_LIMIT_SECONDS
        while not (folder / f"resume-{point}").exists() and time.monotonic() < deadline:
            time.sleep(0.02)
