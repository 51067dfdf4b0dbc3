"""Live reload: a running assistant picks up a rebuilt index between requests, under load,
with no request failing; a damaged rebuild leaves the old index answering; a changed corpus
shows in the banner."""

from __future__ import annotations

import logging
import threading
import time

import pytest
from conftest import FakeEmbedder

import mgiassist.errors
import mgiassist.live
from mgiassist.index import build_index
from mgiassist.live import LiveAssistant

NEW_PROFILE = (
    "# Zanzibar\n\nZanzibar runs a quokkaville diaspora desk for remittances.\n\n"
    "## Obstacles\n\nThe quokkaville desk lacks staff.\n"
)


def _quokka_sources(assistant, name: str = "") -> set[str]:
    """The profiles the search finds for the new profile's words (``name`` its own country's
    name: three near-identical profiles tie on the rest, and the fake embedder breaks ties by
    whatever the intent reader makes of its vectors)."""
    return {h.chunk.source for h in assistant.search(f"{name} quokkaville diaspora desk".strip(), k=3).hits}


def test_questions_keep_being_answered_while_the_index_is_rebuilt_and_swapped(
    fake_index, corpus_copy, caplog
):
    embedder = FakeEmbedder()
    live = LiveAssistant(fake_index, embedder=embedder, check_every=0.02)
    assert live.error is None and live.banner is None
    stop = threading.Event()
    answered, failures = [], []

    def ask(worker: int) -> None:
        questions = [
            "Can Cambodians vote from abroad?",
            "migrant resource centres",
            "quokkaville diaspora desk",
        ]
        n = 0
        while not stop.is_set():
            try:
                result = live.get().search(questions[n % 3], k=3)
                assert result.hits
                answered.append(worker)
            except Exception as exc:  # noqa: BLE001 - any failure is what this test looks for
                failures.append(f"{type(exc).__name__}: {exc}")
            n += 1

    workers = [threading.Thread(target=ask, args=(i,)) for i in range(4)]
    caplog.set_level(logging.INFO, logger="mgiassist.live")
    for worker in workers:
        worker.start()
    try:
        for round_ in range(3):
            (corpus_copy / f"zanzibar-{round_}.md").write_text(
                NEW_PROFILE.replace("Zanzibar", f"Zanzibar{round_}")
            )
            build_index(corpus_copy, fake_index, embedder=embedder, progress=False)
            deadline = time.monotonic() + 30
            while live.reloads < round_ + 1 and time.monotonic() < deadline:
                time.sleep(0.01)
            assert live.reloads == round_ + 1
            time.sleep(0.2)  # answers keep coming from the new index
    finally:
        stop.set()
        for worker in workers:
            worker.join()
    assert failures == []
    assert len(answered) > 50 and set(answered) == {0, 1, 2, 3}
    assert _quokka_sources(live.get(), "Zanzibar2") >= {"zanzibar-2.md"}
    assert live.get().embedder is embedder  # same model: reused, not loaded again
    assert sum("reloaded index" in r.getMessage() for r in caplog.records) == 3
    print(
        f"\nlive reload: {len(answered)} answers from 4 threads across 3 rebuilds and swaps, 0 failed"
    )


def test_a_damaged_rebuild_leaves_the_old_index_answering(fake_index, corpus_copy, fake_embedder):
    live = LiveAssistant(fake_index, embedder=fake_embedder, check_every=0, background=False)
    old = live.get()
    (fake_index / "manifest.json").write_text('{"format_version": 2, "chunker_version": "x"}')
    assert live.refresh() is False
    assert live.get() is old and live.get().search("vote abroad").hits
    assert "could not be loaded" in live.banner and "still answering" in live.banner

    build_index(corpus_copy, fake_index, embedder=fake_embedder, progress=False)  # repairs it
    assert live.refresh() is True
    assert live.get() is not old and live.banner is None


def test_a_page_started_without_a_usable_index_comes_alive_after_a_build(
    tmp_path, corpus_copy, fake_embedder
):
    index = tmp_path / "index"
    live = LiveAssistant(index, embedder=fake_embedder, check_every=0, background=False)
    assert (
        live.assistant is None
        and "no index at" in live.error
        and live.banner.startswith("The search index")
    )
    with pytest.raises(mgiassist.errors.IndexError_, match="no index at"):
        live.get()
    build_index(corpus_copy, index, embedder=fake_embedder, progress=False)
    assert live.assistant is not None and live.error is None and live.banner is None


def test_a_changed_corpus_shows_in_the_banner(fake_index, corpus_copy, fake_embedder):
    live = LiveAssistant(
        fake_index, embedder=fake_embedder, check_every=0, corpus_every=0, background=False
    )
    assert live.banner is None
    (corpus_copy / "zanzibar.md").write_text(NEW_PROFILE)
    live.maybe_refresh()
    assert "corpus changed" in live.banner and "zanzibar.md" in live.banner
    assert live.get().search("vote abroad").hits  # still answers from the indexed text
    build_index(corpus_copy, fake_index, embedder=fake_embedder, progress=False)
    assert live.refresh() and live.banner is None and "zanzibar.md" in _quokka_sources(live.get())


def test_a_new_model_is_loaded_only_when_the_index_asks_for_one(
    fake_index, corpus_copy, monkeypatch
):
    loads = []
    monkeypatch.setattr(
        mgiassist.live, "load_embedder", lambda model: loads.append(model) or FakeEmbedder(64)
    )
    live = LiveAssistant(fake_index, embedder=FakeEmbedder(), check_every=0, background=False)
    build_index(corpus_copy, fake_index, embedder=FakeEmbedder(), progress=False, force=True)
    assert live.refresh() and loads == []
    other = FakeEmbedder(64)
    build_index(corpus_copy, fake_index, embedder=other, progress=False, force=True)
    assert live.refresh() and loads == ["fake-hashing-embedder"]
    assert live.get().embedder.dimension == 64
