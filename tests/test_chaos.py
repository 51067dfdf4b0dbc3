"""Chaos: `mgiassist index` killed with SIGKILL at random moments and at each named point of a
build. After every kill the index (or, mid-swap, its previous copy) must load, verify and
answer; the next build must leave no `building`/`previous`/`removing` folder behind.
"""

from __future__ import annotations

import random
import signal
import time
from collections import Counter

import pytest
from index_runs import (
    assert_consistent_and_searchable,
    leftovers,
    run_index,
    start_index,
    trace,
    wait_for,
)

from mgiassist.embed.hashing import HashingEmbedder
from mgiassist.index import build_index, index_status
from mgiassist.index.hooks import POINTS

SEED = 20261123
TRIALS = 24

pytestmark = pytest.mark.slow


def _change_corpus(corpus, rng: random.Random, trial: int) -> list[str]:
    """Give the next build real work: add, change or remove a small profile, or force."""
    extras = sorted(corpus.glob("extra-*.md"))
    action = rng.choice(["add", "change", "remove", "force"] if extras else ["add", "force"])
    if action == "add":
        (corpus / f"extra-{trial}.md").write_text(
            f"# Kenya\n\nKenya has a diaspora policy, revision {trial}.\n\n## Remittances\n\n"
            + "Remittances fund schools and clinics. " * rng.randint(1, 40)
            + "\n"
        )
    elif action == "change":
        target = rng.choice(extras)
        target.write_text(target.read_text() + f"\nA change made in trial {trial}.\n")
    elif action == "remove":
        rng.choice(extras).unlink()
    return ["--force"] if action == "force" else []


def _rebuild_and_check(corpus, index) -> None:
    report = build_index(corpus, index, embedder=HashingEmbedder(64), progress=False)
    assert leftovers(index) == [], leftovers(index)
    assert not (index.parent / "index.lock.pid").exists()  # released: nobody holds the lock
    assert index_status(index, corpus).state == "current"
    assert assert_consistent_and_searchable(index) == report.chunk_count


def test_random_kills_never_break_the_index(tmp_path, corpus_copy):
    rng = random.Random(SEED)
    index, signals = tmp_path / "index", tmp_path / "signals"
    signals.mkdir()
    build_index(corpus_copy, index, embedder=HashingEmbedder(64), progress=False)

    # How long a build takes from taking the lock to its last step: kills are drawn over that
    # span (incremental builds are quicker, so some kills still land as the process exits).
    timing = start_index(corpus_copy, index, "--force", signal_dir=signals)
    wait_for(lambda: "locked" in trace(signals, timing.pid), what="the lock")
    locked_at = time.monotonic()
    wait_for(lambda: "done" in trace(signals, timing.pid), what="the build")
    span = max(time.monotonic() - locked_at, 0.05)
    timing.communicate(timeout=120)

    stopped_at: Counter[str] = Counter()
    for trial in range(TRIALS):
        args = _change_corpus(corpus_copy, rng, trial)
        process = start_index(corpus_copy, index, *args, signal_dir=signals)
        wait_for(
            lambda p=process: "locked" in trace(signals, p.pid) or p.poll() is not None,
            what="the lock",
        )
        time.sleep(rng.uniform(0, span * 0.8))
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=60)
        stopped_at[trace(signals, process.pid)[-1] if trace(signals, process.pid) else "start"] += 1
        assert_consistent_and_searchable(index)
        _rebuild_and_check(corpus_copy, index)
    print(
        f"\nchaos: {TRIALS}/{TRIALS} random SIGKILLs survived (build span {span:.2f}s); "
        f"last point passed: {dict(stopped_at)}"
    )


@pytest.mark.parametrize("point", [p for p in POINTS if p not in ("waiting", "done")])
def test_kill_at_each_point_of_a_build(point, tmp_path, corpus_copy):
    index = tmp_path / "index"
    build_index(corpus_copy, index, embedder=HashingEmbedder(64), progress=False)
    before = assert_consistent_and_searchable(index)
    (corpus_copy / "extra.md").write_text("# Kenya\n\nKenya has a diaspora policy.\n")

    crashed = run_index(corpus_copy, index, crash_at=point)
    assert crashed.returncode == -signal.SIGKILL, crashed.stderr
    at_crash = assert_consistent_and_searchable(index)  # old or new, never a broken one
    if point == "between-renames":
        assert not index.exists() and any(".previous-" in name for name in leftovers(index))

    after = run_index(corpus_copy, index)  # a real CLI run cleans up after the dead one
    assert after.returncode == 0, after.stderr
    assert "error" not in after.stderr.lower()
    assert leftovers(index) == []
    assert index_status(index, corpus_copy).state == "current"
    final = assert_consistent_and_searchable(index)
    assert final > before and at_crash in (before, final)
