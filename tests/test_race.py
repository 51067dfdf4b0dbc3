"""Two builds of the same index at once, made deterministic by pausing the first mid-write: the
second refuses (--no-wait) or waits, the first's folder is never touched, the index survives.
A lock left by a killed build is recovered; clean-up spares the folders of live processes."""

from __future__ import annotations

import os
import subprocess
import sys
import time

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

pytestmark = pytest.mark.slow


@pytest.fixture
def setup(tmp_path, corpus_copy):
    index, signals = tmp_path / "index", tmp_path / "signals"
    signals.mkdir()
    build_index(corpus_copy, index, embedder=HashingEmbedder(64), progress=False)
    (corpus_copy / "extra.md").write_text("# Kenya\n\nKenya has a diaspora policy.\n")
    return corpus_copy, index, signals


def _paused_first(corpus, index, signals) -> subprocess.Popen:
    first = start_index(corpus, index, signal_dir=signals, pause_at="mid-write")
    wait_for(
        lambda: (signals / "paused-mid-write").exists() or first.poll() is not None,
        what="the pause",
    )
    assert first.poll() is None, first.communicate()
    return first


def _building_folders(index):
    return [name for name in leftovers(index) if ".building-" in name]


def test_second_build_refuses_with_no_wait_naming_the_holder(setup):
    corpus, index, signals = setup
    first = _paused_first(corpus, index, signals)
    [writing] = _building_folders(index)

    second = run_index(corpus, index, "--no-wait")
    assert second.returncode == 2
    assert second.stderr.count("\n") == 1 and second.stderr.startswith("error: ")
    assert f"is being built by another run (pid {first.pid} on " in second.stderr
    assert _building_folders(index) == [writing]  # the live run's folder was not touched
    assert_consistent_and_searchable(index)

    (signals / "resume-mid-write").touch()
    assert first.wait(timeout=120) == 0
    assert leftovers(index) == [] and index_status(index, corpus).state == "current"


def test_second_build_waits_for_the_first_then_runs(setup):
    corpus, index, signals = setup
    first = _paused_first(corpus, index, signals)
    [writing] = _building_folders(index)

    second = start_index(corpus, index, signal_dir=signals)
    wait_for(lambda: "waiting" in trace(signals, second.pid), what="the second run to wait")
    time.sleep(0.5)
    assert "locked" not in trace(signals, second.pid) and second.poll() is None
    assert _building_folders(index) == [writing]
    assert_consistent_and_searchable(index)

    (signals / "resume-mid-write").touch()
    assert first.wait(timeout=120) == 0
    out, err = second.communicate(timeout=120)
    assert second.returncode == 0, err
    assert (
        f"being built by another run (pid {first.pid} on " in err
        and "waiting for it to finish" in err
    )
    assert "up to date" in out  # the first run already indexed the change
    assert trace(signals, second.pid)[:2] == ["waiting", "locked"]
    assert leftovers(index) == [] and index_status(index, corpus).state == "current"
    assert_consistent_and_searchable(index)


def test_lock_of_a_killed_build_is_recovered(setup):
    corpus, index, signals = setup
    first = _paused_first(corpus, index, signals)
    first.kill()
    first.wait()
    assert (index.parent / "index.lock.pid").exists() and _building_folders(index)

    second = run_index(corpus, index, "--no-wait")
    assert second.returncode == 0, second.stderr
    assert leftovers(index) == [] and index_status(index, corpus).state == "current"
    assert_consistent_and_searchable(index)


def test_clean_up_spares_folders_of_live_processes(setup):
    corpus, index, _ = setup
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        live = index.parent / f"index.building-{sleeper.pid}-abcdef"
        live.mkdir()
        (live / "chunks.jsonl").write_text("being written\n")
        dead = index.parent / "index.removing-999999999-abcdef"
        dead.mkdir()
        build_index(corpus, index, embedder=HashingEmbedder(64), progress=False)
        assert live.is_dir() and not dead.exists()
    finally:
        sleeper.kill()
        sleeper.wait()
    build_index(corpus, index, embedder=HashingEmbedder(64), progress=False, force=True)
    assert not live.exists() and leftovers(index) == []
    assert os.path.exists(index / "manifest.json")
