"""The one encode cache: owned by the assistant, shared by the query, its words and the answer."""

from __future__ import annotations

import gc
import weakref

from mgiassist.embed.cache import EncodeCache


def test_rows_are_copies_and_the_cache_stays_within_its_bound(fake_embedder):
    cache = EncodeCache(fake_embedder.encode, maxsize=3)
    first = cache.encode_one("a b")
    first[:] = 0  # a caller scribbling on its row does not change the cache
    assert cache.encode_one("a b").any()
    cache.encode(["c", "d", "e", "f"])
    assert len(cache) == 3
    cache.clear()
    assert len(cache) == 0


def test_a_search_then_its_answer_encode_the_question_once(fake_index, fake_embedder):
    from mgiassist.assistant import Assistant
    from mgiassist.index import load_index

    assistant = Assistant(load_index(fake_index), fake_embedder)
    assistant.answer("Can Cambodians vote from abroad?")
    assert fake_embedder.encoded.count("Can Cambodians vote from abroad?") == 1
    assistant.answer("Can Cambodians vote from abroad?")
    assert fake_embedder.encoded.count("Can Cambodians vote from abroad?") == 1


def test_an_assistant_and_its_cache_are_released_when_it_is_dropped(fake_index, fake_embedder):
    """A reloaded index must not keep the assistant it replaced alive (a class-level
    ``lru_cache`` on a method did, through ``self`` in its keys)."""
    from mgiassist.assistant import Assistant
    from mgiassist.index import load_index

    assistant = Assistant(load_index(fake_index), fake_embedder)
    assistant.search("Can Cambodians vote from abroad?")
    gone = weakref.ref(assistant)
    del assistant
    gc.collect()
    assert gone() is None
