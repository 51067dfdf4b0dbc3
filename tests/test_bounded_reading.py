"""Reader processes (mgiassist.ingest.bounded): every task runs in one, a task over the time or
memory limit, or whose process dies, is that task's skip with the bound named, and the rest go
on; the HTML nesting gauge counts depth as BeautifulSoup builds it.

The readers below run in the reader processes, which import this module by name.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mgiassist.ingest import Bounds, load_corpus
from mgiassist.ingest import bounded as bounded_module
from mgiassist.ingest.bounded import Stopped, run_bounded
from mgiassist.ingest.readers.limits import ReadLimits, html_depth_problem

MB = 1024 * 1024


def echo(task):
    return task, os.getpid()


def nap(seconds):
    time.sleep(seconds)
    return seconds


def die(task):
    if task == "die":
        os.kill(os.getpid(), signal.SIGKILL)
    return task


def allocate(megabytes):
    block = bytearray(megabytes * MB)
    return len(block) // MB


def fail(task):
    raise ValueError(f"no good\n{task}")


def spin(pid_file):
    Path(pid_file).write_text(str(os.getpid()))
    while True:
        pass


def test_every_task_runs_in_a_reader_process_and_results_keep_their_order():
    results, _ = run_bounded(echo, list(range(7)), Bounds(workers=2))
    assert [r[0] for r in results] == list(range(7))
    pids = {r[1] for r in results}
    assert os.getpid() not in pids and 1 <= len(pids) <= 2  # two processes, each reused


def test_a_task_over_the_time_limit_is_killed_and_the_rest_go_on():
    started = time.perf_counter()
    results, _ = run_bounded(nap, [0, 600, 0, 0], Bounds(seconds=1, workers=2))
    assert results[1] == Stopped("over the 1 s time limit per file (raise it with --file-timeout)")
    assert [results[i] for i in (0, 2, 3)] == [0, 0, 0]
    assert time.perf_counter() - started < 30  # killed, not waited for


def test_a_reader_process_that_dies_is_that_tasks_skip():
    results, _ = run_bounded(die, ["a", "die", "b", "c"], Bounds(workers=2))
    assert results[1] == Stopped("the reader process died (killed by SIGKILL)")
    assert [results[i] for i in (0, 2, 3)] == ["a", "b", "c"]


def test_an_allocation_past_the_memory_limit_is_that_tasks_skip():
    results, peak = run_bounded(allocate, [2000, 50], Bounds(memory_mb=400, workers=1))
    assert results[0] == Stopped("over the 400 MB memory limit per file (raise it with --file-memory)")
    assert results[1] == 50  # a fresh process goes on
    assert 50 <= peak < 400  # measured in the reader process, not here


def test_a_reader_error_is_that_tasks_skip_on_one_line():
    [result], _ = run_bounded(fail, ["x"], Bounds())
    assert result == Stopped("the reader failed (ValueError: no good)")


def test_no_tasks_start_no_process(monkeypatch):
    monkeypatch.setattr(bounded_module, "_Worker", None)  # any start would fail loudly
    assert run_bounded(echo, [], Bounds()) == ([], 0.0)


def _pages(folder: Path) -> None:
    (folder / "kenya.md").write_text("# Kenya\n\nKenya has a diaspora policy.\n", encoding="utf-8")
    (folder / "ghana.html").write_text("<main><h1>Ghana</h1><p>Ghana engages its diaspora.</p></main>",
                                       encoding="utf-8")


def test_when_no_reader_process_can_start_files_are_read_in_this_process(tmp_path, monkeypatch, caplog):
    _pages(tmp_path)

    def cannot_start(*args, **kwargs):
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(bounded_module, "_Worker", cannot_start)
    with caplog.at_level(logging.WARNING):
        loaded = load_corpus(tmp_path)
    assert sorted(p.source for p in loaded.profiles) == ["ghana.html", "kenya.md"]
    assert sum("reader processes cannot start" in m for m in caplog.messages) == 1


def test_workers_zero_reads_in_this_process(tmp_path, monkeypatch):
    _pages(tmp_path)
    monkeypatch.setattr(bounded_module, "_Worker", None)
    loaded = load_corpus(tmp_path, bounds=Bounds(workers=0))
    assert sorted(p.source for p in loaded.profiles) == ["ghana.html", "kenya.md"]


def test_small_text_is_read_here_and_the_rest_in_reader_processes(tmp_path, monkeypatch):
    _pages(tmp_path)
    (tmp_path / "big.md").write_text("# Big\n\n" + "Kenya has a diaspora policy. " * 10_000, encoding="utf-8")
    sent = []
    real = bounded_module.run_bounded

    def spy(reader, tasks, bounds):
        sent.extend(Path(t[0]).name for t in tasks)
        return real(reader, tasks, bounds)

    monkeypatch.setattr("mgiassist.ingest.corpus.run_bounded", spy)
    loaded = load_corpus(tmp_path, bounds=Bounds(in_process_bytes=100_000))
    assert sorted(sent) == ["big.md", "ghana.html"]  # 290 KB of text and any web page
    assert len(loaded.profiles) == 3


@pytest.mark.slow
def test_a_reader_left_running_by_a_killed_caller_stops_by_its_cpu_limit(tmp_path):
    pid_file = tmp_path / "reader.pid"
    script = (f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); "
              "from mgiassist.ingest.bounded import Bounds, run_bounded; import test_bounded_reading as t; "
              f"run_bounded(t.spin, [{str(pid_file)!r}], Bounds(seconds=2))")
    caller = subprocess.Popen([sys.executable, "-c", script])
    deadline = time.monotonic() + 60
    while not pid_file.exists() or not pid_file.read_text():
        assert time.monotonic() < deadline and caller.poll() is None
        time.sleep(0.05)
    caller.kill()  # before its 2 s limit: nobody is left to kill the reader
    caller.wait()
    reader = int(pid_file.read_text())
    while _alive(reader):  # its CPU limit: 2 s + 10 s of CPU time
        assert time.monotonic() < deadline, "the orphaned reader process kept running"
        time.sleep(0.2)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


# --- the HTML nesting gauge ---------------------------------------------------------------------

_TAGS = ["div", "p", "li", "ul", "span", "b", "br", "img", "td", "table"]
_PIECES = st.one_of(
    st.sampled_from(_TAGS).map(lambda t: f"<{t}>"),
    st.sampled_from(_TAGS).map(lambda t: f"</{t}>"),
    st.sampled_from(_TAGS).map(lambda t: f"<{t}/>"),
    st.just("text "),
)


def _soup_depth(html: str) -> int:
    from bs4 import BeautifulSoup, Tag

    soup = BeautifulSoup(html, "html.parser")
    return max((sum(1 for p in tag.parents if p is not soup) + 1
                for tag in soup.descendants if isinstance(tag, Tag)), default=0)


@settings(max_examples=200, deadline=None)
@given(st.lists(_PIECES, max_size=60))
def test_the_nesting_gauge_agrees_with_the_tree_beautifulsoup_builds(pieces):
    html = "".join(pieces)
    depth = _soup_depth(html)
    assert html_depth_problem(Path("p.html"), html, ReadLimits(html_depth=depth)) is None
    if depth:
        problem = html_depth_problem(Path("p.html"), html, ReadLimits(html_depth=depth - 1))
        assert problem is not None and f"over the HTML nesting limit of {depth - 1}" in str(problem)


def test_the_nesting_gauge_stops_at_the_first_element_past_the_cap():
    started = time.perf_counter()
    problem = html_depth_problem(Path("deep.html"), "<div>" * 1_000_000, ReadLimits())
    assert problem is not None and time.perf_counter() - started < 0.5
    assert str(problem) == "deep.html: elements nested more than 200 deep, over the HTML nesting limit of 200"
