"""One writer at a time: an exclusive lock beside the index folder.

``filelock`` takes an ``flock`` on ``index.lock``; the kernel frees it when the holding process
dies, however it dies, so a stale lock from a killed build is recovered by simply taking it.
``index.lock.pid`` says who holds it, for the message a waiting or refused run prints.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import socket
from collections.abc import Callable
from pathlib import Path

from filelock import FileLock, Timeout

from mgiassist.errors import IndexLockedError
from mgiassist.index.hooks import checkpoint

__all__ = ["BuildLock", "lock_path"]


def lock_path(index_dir: Path) -> Path:
    return index_dir.parent / f"{index_dir.name}.lock"


class BuildLock:
    """``with BuildLock(index_dir, wait=False): ...`` — raises :class:`IndexLockedError` when
    another run holds the lock and ``wait`` is false; otherwise calls ``on_wait`` with a message
    once and waits."""

    def __init__(
        self,
        index_dir: Path,
        *,
        wait: bool = True,
        on_wait: Callable[[str], None] | None = None,
    ) -> None:
        self.index_dir = Path(index_dir)
        self.path = lock_path(self.index_dir)
        self.owner_path = self.path.with_name(self.path.name + ".pid")
        self.wait = wait
        self.on_wait = on_wait
        self._lock: FileLock | None = None

    def holder(self) -> str:
        """Who holds the lock, as a phrase (read from the pid file; may be out of date)."""
        try:
            owner = json.loads(self.owner_path.read_text(encoding="utf-8"))
            return f"pid {int(owner['pid'])} on {owner.get('host', '?')}, since {owner.get('started', '?')}"
        except (OSError, ValueError, KeyError, TypeError):
            return "another process"

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self.path))
        try:
            lock.acquire(timeout=0)
        except Timeout:
            message = f"index {self.index_dir} is being built by another run ({self.holder()})"
            if not self.wait:
                raise IndexLockedError(
                    f"{message}; wait for it to finish or run again without --no-wait"
                ) from None
            if self.on_wait is not None:
                self.on_wait(f"{message}; waiting for it to finish")
            checkpoint("waiting")
            lock.acquire()
        self._lock = lock
        owner = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        }
        tmp = self.owner_path.with_name(f"{self.owner_path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(owner), encoding="utf-8")
        os.replace(tmp, self.owner_path)

    def release(self) -> None:
        if self._lock is None:
            return
        try:
            self.owner_path.unlink(missing_ok=True)
        finally:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> None:
        self.acquire()

    def __exit__(self, *exc_info: object) -> None:
        self.release()
