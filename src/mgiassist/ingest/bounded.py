"""Reading files in reader processes with a wall-clock and a memory limit each.

A parser may take minutes or gigabytes on a hostile file (a flate bomb, a page of 400,000
characters, tags nested 100,000 deep): a reader process is killed at the time limit, and its
address space is capped (``RLIMIT_AS``) so an allocation past the memory limit fails in it, not
in the build. Either is that file's skip, with the bound named; the other files go on.

The pool is as many long-lived reader processes as the machine has cores (at most
:data:`MAX_WORKERS`), each handed one file at a time, so reading is parallel as well. They come
from a ``forkserver`` (``spawn`` where there is none), never a ``fork`` of the caller, which may
hold threads, FAISS or ONNX Runtime; the fork server imports the readers once, so a reader
process starts in ~20 ms (a spawned one takes 0.7 to 1.7 s to import them). Tasks and results
cross the process boundary as pickles in memory only (the parsed Profile dataclasses); nothing on
disk is a pickle.

Why the defaults, measured on this 2-core machine: the seed text profiles read in 0.01 to 0.03 s
each; a 3- to 6-page PDF rendering of a seed 0.9 to 3.4 s in a reader process (idle or under a
load of 6), with a peak of 80 MB RSS and 100 to 117 MB of address space; an 87-page one 24 s
(29 s under load) and 83 MB. So 60 s is 20 to 60 times a normal PDF's need (a 150-page profile
still fits) and 1,500 MB over 12 times its address space, while a hostile file is stopped within
a minute and two readers at the limit fit in 3 GB.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
import sys
import time
import types
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from typing import Any

from mgiassist.ingest.readers.limits import DEFAULT_LIMITS, ReadLimits

try:
    import resource
except ImportError:  # not on Windows: reader processes then have a time limit only
    resource = None  # type: ignore[assignment]

__all__ = [
    "DEFAULT_FILE_MEMORY_MB",
    "DEFAULT_FILE_SECONDS",
    "MAX_WORKERS",
    "Bounds",
    "Stopped",
    "run_bounded",
]

# not under mgiassist.ingest, whose warnings (one per skipped file) the index command prints
# itself with the report: that reader processes cannot start at all must still be seen
log = logging.getLogger("mgiassist.bounded")

DEFAULT_FILE_SECONDS = 60.0
DEFAULT_FILE_MEMORY_MB = 1500
# each reader may grow to the memory limit: 8 of them at 1,500 MB is 12 GB at worst
MAX_WORKERS = 8
# a reader process's own start (the fork server's first start imports the readers: 0.4 to 1 s,
# more on a loaded machine) is not counted against a file's time limit, but is bounded too
START_SECONDS = 60.0
_PRELOAD = ["mgiassist.ingest.corpus", "mgiassist.ingest.readers.pdf",
            "mgiassist.ingest.readers.html", "mgiassist.ingest.readers.docx"]


@dataclass(frozen=True)
class Bounds:
    """How one corpus file is read: in a reader process with ``seconds`` of wall-clock time and
    ``memory_mb`` of address space, within the structural ``limits``. ``workers`` is the pool's
    size (``None``: the cores, at most :data:`MAX_WORKERS`; 0: read in this process, unbounded
    in time and memory). Text and Markdown files under ``in_process_bytes`` are read in this
    process (see :func:`mgiassist.ingest.corpus.load_corpus` for why)."""

    seconds: float = DEFAULT_FILE_SECONDS
    memory_mb: int = DEFAULT_FILE_MEMORY_MB
    workers: int | None = None
    in_process_bytes: int = 256 * 1024
    limits: ReadLimits = field(default=DEFAULT_LIMITS)

    def pool_size(self, tasks: int) -> int:
        cores = self.workers if self.workers is not None else min(os.cpu_count() or 1, MAX_WORKERS)
        return max(0, min(cores, tasks))

    def over_time(self) -> str:
        return f"over the {self.seconds:g} s time limit per file (raise it with --file-timeout)"

    def over_memory(self) -> str:
        return f"over the {self.memory_mb} MB memory limit per file (raise it with --file-memory)"


@dataclass(frozen=True)
class Stopped:
    """A task the reader process did not finish: why (one line, without the file's name)."""

    reason: str


# ---------------------------------------------------------------------------------------------
# In the reader process
# ---------------------------------------------------------------------------------------------


def _peak_mb() -> float:
    if resource is None:
        return 0.0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def _limit_memory(memory_mb: int) -> None:
    if resource is None:
        return
    limit = memory_mb * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a crashing parser leaves no core file


def _limit_cpu(seconds: float) -> None:
    """A backstop for a reader orphaned mid-file (its caller killed): the caller's wall-clock
    limit comes first, as CPU time never outruns wall time in a one-thread reader."""
    if resource is None:
        return
    used = resource.getrusage(resource.RUSAGE_SELF)
    soft = int(used.ru_utime + used.ru_stime + seconds) + 10
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if hard == resource.RLIM_INFINITY or soft <= hard:
        resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def _serve(conn, reader: Callable[[Any], Any], memory_mb: int, seconds: float) -> None:
    """A reader process: one task at a time until its caller closes the pipe (or dies)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the caller's to handle
    _limit_memory(memory_mb)
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        _limit_cpu(seconds)
        conn.send(("started",))
        try:
            conn.send(("done", reader(task), _peak_mb()))
        except MemoryError:
            conn.send(("memory", _peak_mb()))
            return  # its heap may be left fragmented at the limit: a fresh process goes on
        except Exception as exc:  # noqa: BLE001 - a reader's bug is that file's skip, as in this process
            detail = (str(exc).strip().splitlines() or [""])[0][:200]
            conn.send(("failed", f"{type(exc).__name__}{': ' + detail if detail else ''}", _peak_mb()))


# ---------------------------------------------------------------------------------------------
# In the caller
# ---------------------------------------------------------------------------------------------


def _context():
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(_PRELOAD)  # no effect once the fork server runs
        return context
    return multiprocessing.get_context("spawn")


@contextlib.contextmanager
def _without_main():
    """The caller's ``__main__`` hidden while a reader process (or the fork server) starts, so
    neither imports it: a reader needs only mgiassist.ingest, the CLI's main pulls in numpy (0.8 s,
    its BLAS threads in the fork server, 100 MB of address space under the reader's limit), and
    a main read from stdin cannot be imported at all (every reader died with FileNotFoundError)."""
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


class _Worker:
    def __init__(self, context, reader: Callable[[Any], Any], bounds: Bounds) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, reader, bounds.memory_mb, bounds.seconds),
                                       daemon=True, name="mgiassist-reader")
        with _without_main():
            self.process.start()
        child.close()
        self.task = 0
        self.started = False
        self.deadline = 0.0

    def give(self, index: int, task: Any) -> None:
        self.task, self.started = index, False
        self.deadline = time.monotonic() + START_SECONDS  # until it says it started
        self.conn.send(task)

    def stop(self) -> None:
        self.conn.close()
        self.process.join(timeout=1)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


def _death(process) -> str:
    process.join(timeout=5)
    code = process.exitcode
    if code is not None and code < 0:
        try:
            how = f"killed by {signal.Signals(-code).name}"
        except ValueError:
            how = f"killed by signal {-code}"
    else:
        how = f"exit code {code}"
    return f"the reader process died ({how})"


class _Pool:
    def __init__(self, reader: Callable[[Any], Any], tasks: Sequence[Any], bounds: Bounds) -> None:
        self.reader, self.tasks, self.bounds = reader, tasks, bounds
        self.results: list[Any] = [None] * len(tasks)
        self.pending = deque(range(len(tasks)))
        self.idle: list[_Worker] = []
        self.busy: list[_Worker] = []
        self.size = bounds.pool_size(len(tasks))
        self.proven = False  # a reader process has started a task: the pool works here
        self.peak_mb = 0.0

    def run(self) -> list[Any]:
        try:
            while self.pending or self.busy:
                self._hand_out()
                if not self.busy:
                    break  # no reader process can start: the rest is left to the caller
                self._collect()
        finally:
            for worker in self.idle + self.busy:
                worker.stop()
        return self.results

    def _hand_out(self) -> None:
        while self.pending and (self.idle or len(self.busy) < self.size):
            worker = self.idle.pop() if self.idle else self._start()
            if worker is None:
                return
            index = self.pending.popleft()
            worker.give(index, self.tasks[index])
            self.busy.append(worker)

    def _start(self) -> _Worker | None:
        try:
            return _Worker(_context(), self.reader, self.bounds)
        except Exception as exc:  # noqa: BLE001 - no process, fork server or pipe: as the platform says
            self._cannot_start(str(exc))
            return None

    def _cannot_start(self, why: str) -> None:
        if self.size:
            log.warning("reader processes cannot start (%s); files are read in this process, "
                        "without time and memory limits", why)
        self.size = 0

    def _collect(self) -> None:
        timeout = max(0.0, min(w.deadline for w in self.busy) - time.monotonic())
        ready = set(wait([w.conn for w in self.busy] + [w.process.sentinel for w in self.busy], timeout))
        for worker in list(self.busy):
            if worker.conn in ready:
                self._receive(worker)
            elif worker.process.sentinel in ready:
                self._lost(worker, _death(worker.process))
            elif time.monotonic() >= worker.deadline:
                worker.process.kill()
                self._lost(worker, self.bounds.over_time() if worker.started
                           else f"the reader process did not start within {START_SECONDS:g} s")

    def _receive(self, worker: _Worker) -> None:
        try:
            message = worker.conn.recv()
        except Exception:  # noqa: BLE001 - EOF or a message cut off: the process died mid-way
            self._lost(worker, _death(worker.process))
            return
        kind = message[0]
        if kind == "started":
            worker.deadline = time.monotonic() + self.bounds.seconds
            worker.started = self.proven = True
            return
        self.peak_mb = max(self.peak_mb, message[-1])
        if kind == "done":
            self._finish(worker, message[1], retire=False)
        elif kind == "memory":
            self._finish(worker, Stopped(self.bounds.over_memory()), retire=True)
        else:
            self._finish(worker, Stopped(f"the reader failed ({message[1]})"), retire=False)

    def _lost(self, worker: _Worker, reason: str) -> None:
        """A reader process that died or was killed. If none has ever started a task, the pool
        does not work here (no fork server, a main module that cannot be imported): its task goes
        back to the caller, to be read in its own process."""
        if worker.started or self.proven:
            self._finish(worker, Stopped(reason), retire=True)
            return
        self.busy.remove(worker)
        worker.stop()
        self.pending.appendleft(worker.task)
        self._cannot_start(reason)

    def _finish(self, worker: _Worker, result: Any, retire: bool) -> None:
        self.results[worker.task] = result
        self.busy.remove(worker)
        if retire:
            worker.stop()
        else:
            self.idle.append(worker)


def run_bounded(reader: Callable[[Any], Any], tasks: Sequence[Any], bounds: Bounds) -> tuple[list[Any], float]:
    """``reader(task)`` for every task, each in a reader process within ``bounds``: its result,
    a :class:`Stopped` naming the bound it broke (or how its process died), or ``None`` when no
    reader process could be started for it. ``reader`` must be importable by name (a module's
    function) and its tasks and results picklable. Also returns the largest peak RSS (MB) any
    reader process reached."""
    if not tasks:
        return [], 0.0
    pool = _Pool(reader, tasks, bounds)
    results = pool.run()
    return results, pool.peak_mb
