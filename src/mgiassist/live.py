"""An assistant that follows its index on disk: a long-running page picks up a rebuilt index
without a restart, and says when the corpus changed since the index was built.

>>> live = LiveAssistant("index")          # never raises: a load error is kept in live.error
>>> live.assistant.search("Can Cambodians vote from abroad?")   # between requests it reloads
>>> live.banner                            # None, or one line to show above the chat

At most every ``check_every`` seconds a request stats the index's ``manifest.json`` (a build
replaces it by an atomic folder swap, so its inode changes). When it changed, the new index is
loaded in a background thread — reusing the loaded model when the new index was built with the
same one — and swapped in under a lock. Requests already running keep the assistant they
started with; no request waits for a reload or fails because of one. A rebuilt index that
cannot be loaded leaves the old one answering, with the reason in :attr:`banner`. The corpus is
checked for changes at most every ``corpus_every`` seconds (file sizes and times first; hashes
only when those moved).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from mgiassist.assistant import Assistant
from mgiassist.embed import Embedder, load_embedder
from mgiassist.errors import IndexError_, IndexMissingError, MgiassistError
from mgiassist.index import index_status, load_index, resolve_index_dir
from mgiassist.index.layout import CALIBRATION, MANIFEST
from mgiassist.index.status import corpus_of
from mgiassist.search.searcher import SearchSettings

__all__ = ["LiveAssistant"]

log = logging.getLogger("mgiassist.live")

Fingerprint = tuple[int, ...] | None


def _stat_key(path: Path) -> tuple[int, ...]:
    try:
        stat = path.stat()
    except OSError:
        return (0,)
    return (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns)


def index_fingerprint(index_dir: Path) -> Fingerprint:
    """Identity of the index on disk, from two ``stat`` calls (no file is read). A folder rename
    keeps inodes, so the instant between a swap's two renames does not count as a change."""
    try:
        folder = resolve_index_dir(index_dir)
    except IndexMissingError:
        return None
    return _stat_key(folder / MANIFEST) + _stat_key(folder / CALIBRATION)


def _corpus_fingerprint(corpus: Path | None) -> Fingerprint:
    if corpus is None or not corpus.is_dir():
        return None
    keys: list[int] = []
    for path in sorted(corpus.rglob("*")):
        keys.extend(_stat_key(path)[1:])
    return tuple(keys)


class LiveAssistant:
    """Holds the current :class:`Assistant` and replaces it when the index is rebuilt."""

    def __init__(
        self,
        index_dir: str | Path,
        *,
        model: str | None = None,
        embedder: Embedder | None = None,
        settings: SearchSettings | None = None,
        check_every: float = 2.0,
        corpus_every: float = 30.0,
        background: bool = True,
        retry_after: float = 30.0,
        on_reload: Callable[[Assistant], None] | None = None,
    ) -> None:
        self.index_dir = Path(index_dir)
        self.model = model
        self.settings = settings
        self.check_every = check_every
        self.corpus_every = corpus_every
        self.background = background
        self.retry_after = retry_after
        self.on_reload = on_reload
        self.error: str | None = None  # why there is no assistant at all
        self.reload_error: str | None = None  # why a rebuilt index was not swapped in
        self.stale_reasons: list[str] = []
        self.reloads = 0
        self._embedder = embedder
        self._assistant: Assistant | None = None
        self._swap_lock = threading.Lock()
        self._check_lock = threading.Lock()
        self._loading = False
        self._fingerprint: Fingerprint = None
        self._failed: tuple[Fingerprint, float] | None = None
        self._checked_at = time.monotonic()
        self._corpus_checked_at = time.monotonic()
        self._corpus_fingerprint: Fingerprint = None
        self._loaded_once = False
        self._reload()

    # -- what the page reads -------------------------------------------------------------------

    @property
    def assistant(self) -> Assistant | None:
        """The current assistant (``None`` while no index could be loaded). Reading it may
        start a reload check; it never blocks on one unless ``background`` is false."""
        self.maybe_refresh()
        return self._assistant

    def get(self) -> Assistant:
        """The current assistant, or the typed error saying why there is none."""
        assistant = self.assistant
        if assistant is None:
            raise IndexError_(self.error or f"the index at {self.index_dir} is not loaded")
        return assistant

    @property
    def banner(self) -> str | None:
        """One line for the page to show above the chat, or ``None`` when all is well."""
        if self.error:
            return f"The search index cannot be used: {self.error}"
        if self.reload_error:
            return (
                f"The rebuilt index could not be loaded ({self.reload_error}); "
                "still answering from the index loaded before."
            )
        if self.stale_reasons:
            return (
                f"The corpus changed since the index was built ({'; '.join(self.stale_reasons)}): "
                f"answers come from the indexed text until `mgiassist index --index {self.index_dir}` runs."
            )
        return None

    # -- checking and reloading ----------------------------------------------------------------

    def maybe_refresh(self) -> None:
        """Cheap, rate-limited: stat the manifest; start a reload when it changed."""
        now = time.monotonic()
        if now - self._checked_at < self.check_every:
            return
        with self._check_lock:
            if now - self._checked_at < self.check_every or self._loading:
                return
            self._checked_at = now
            fingerprint = index_fingerprint(self.index_dir)
            changed = fingerprint != self._fingerprint
            if changed and self._failed is not None and self._failed[0] == fingerprint:
                changed = now - self._failed[1] >= self.retry_after
            corpus_due = now - self._corpus_checked_at >= self.corpus_every
            if not changed and not corpus_due:
                return
            self._loading = True
        work = self._reload if changed else self._check_corpus
        if self.background:
            threading.Thread(
                target=self._run, args=(work,), name="mgiassist-reload", daemon=True
            ).start()
        else:
            self._run(work)

    def refresh(self) -> bool:
        """Check now and reload synchronously if the index changed; whether it was swapped."""
        before = self.reloads
        self._checked_at = float("-inf")
        background, self.background = self.background, False
        try:
            self.maybe_refresh()
        finally:
            self.background = background
        return self.reloads > before

    def _run(self, work: Callable[[], None]) -> None:
        try:
            work()
        finally:
            self._loading = False

    def _embedder_for(self, model_id: str, dimension: int) -> Embedder:
        current = self._embedder
        if (
            current is not None
            and (self.model or model_id) == current.model_id
            and current.dimension == dimension
        ):
            return current
        return load_embedder(self.model or model_id)

    def _reload(self) -> None:
        fingerprint = index_fingerprint(self.index_dir)
        try:
            index = load_index(self.index_dir)
            embedder = self._embedder_for(index.model_id, index.vectors.shape[1])
            assistant = Assistant(index, embedder, self.settings)
        except (MgiassistError, OSError) as exc:
            self._failed = (fingerprint, time.monotonic())
            message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            if self._assistant is None:
                self.error = message
            else:
                self.reload_error = message
            log.warning("cannot load index %s: %s", self.index_dir, message)
            return
        with self._swap_lock:
            first, self._loaded_once = not self._loaded_once, True
            self._assistant, self._embedder = assistant, embedder
            self._fingerprint, self._failed = fingerprint, None
            self.error = self.reload_error = None
            self.reloads += 0 if first else 1
        if not first:
            log.info(
                "reloaded index %s (%d chunks, built %s)",
                index.path,
                len(index.chunks),
                index.manifest.built_at or "?",
            )
        if self.on_reload is not None:
            self.on_reload(assistant)
        self._check_corpus(force=True)

    def _check_corpus(self, force: bool = False) -> None:
        self._corpus_checked_at = time.monotonic()
        assistant = self._assistant
        if assistant is None:
            return
        corpus = corpus_of(assistant.index.manifest, assistant.index.path)
        fingerprint = _corpus_fingerprint(corpus)
        if not force and fingerprint == self._corpus_fingerprint:
            return
        self._corpus_fingerprint = fingerprint
        try:
            status = index_status(self.index_dir)
        except (MgiassistError, OSError):
            return
        self.stale_reasons = status.reasons if status.state == "stale" else []
        if self.stale_reasons:
            log.warning(
                "corpus changed since index %s was built: %s",
                self.index_dir,
                "; ".join(self.stale_reasons),
            )
