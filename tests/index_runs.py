"""Helpers for tests that run `mgiassist index` in subprocesses and kill, pause or race them.

Builds use the built-in hashing embedder (no model load), so one run takes a few seconds,
nearly all of it Python start-up.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from mgiassist.assistant import Assistant
from mgiassist.embed.hashing import HashingEmbedder
from mgiassist.index import index_status, load_index

MODEL = "hashing:64"
SRC = Path(__file__).resolve().parents[1] / "src"


def start_index(
    corpus: Path,
    index: Path,
    *args: str,
    signal_dir: Path | None = None,
    crash_at: str | None = None,
    pause_at: str | None = None,
) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    for name in ("MGIASSIST_TEST_SIGNAL_DIR", "MGIASSIST_TEST_CRASH_AT", "MGIASSIST_TEST_PAUSE_AT"):
        env.pop(name, None)
    if signal_dir is not None:
        env["MGIASSIST_TEST_SIGNAL_DIR"] = str(signal_dir)
    if crash_at:
        env["MGIASSIST_TEST_CRASH_AT"] = crash_at
    if pause_at:
        env["MGIASSIST_TEST_PAUSE_AT"] = pause_at
    command = [
        sys.executable,
        "-m",
        "mgiassist.cli.main",
        "index",
        "--corpus",
        str(corpus),
        "--index",
        str(index),
        "--model",
        MODEL,
        *args,
    ]
    return subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def run_index(corpus: Path, index: Path, *args: str, **hooks) -> subprocess.CompletedProcess:
    process = start_index(corpus, index, *args, **hooks)
    stdout, stderr = process.communicate(timeout=120)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def wait_for(predicate, timeout: float = 60.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


def trace(signal_dir: Path, pid: int) -> list[str]:
    path = signal_dir / f"trace-{pid}"
    return path.read_text().split() if path.exists() else []


def leftovers(index: Path) -> list[str]:
    return sorted(
        p.name
        for p in index.parent.iterdir()
        if any(f"{index.name}.{kind}-" in p.name for kind in ("building", "previous", "removing"))
    )


def assert_consistent_and_searchable(index: Path) -> int:
    """The index (or, mid-swap, its previous copy) loads, verifies and answers; its chunk count."""
    loaded = load_index(index)
    assert index_status(index).state in ("current", "stale")
    assistant = Assistant(loaded, HashingEmbedder(64))
    hits = assistant.search("Can Cambodians vote from abroad?", k=3).hits
    assert hits and all(np.isfinite(h.score) for h in hits)
    return len(loaded.chunks)
