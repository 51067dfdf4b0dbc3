"""The ONNX Runtime backend against sentence-transformers, on the packaged model and the seeds.

The export runs once per test session into a temporary cache (a few seconds)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import SEED_CORPUS

from mgiassist.chunk import chunk_profile
from mgiassist.ingest import iter_profile_paths, load_profile

pytestmark = pytest.mark.integration

QUERIES = [
    "Can Cambodians vote from abroad?",
    "What services do migrant resource centres provide?",
    "x",
    "Über die Rücküberweisungen — what's known? " * 40,  # longer than the model's 256 tokens
]


def onnx_cache(tmp_path_factory) -> Path:
    """One export cache per test session, shared by every test module that needs the export."""
    return tmp_path_factory.getbasetemp() / "onnx-cache"


@pytest.fixture(scope="session")
def onnx_embedder(tmp_path_factory):
    from mgiassist.embed import OnnxEmbedder

    return OnnxEmbedder(cache_dir=onnx_cache(tmp_path_factory))


@pytest.fixture(scope="session")
def seed_texts(real_embedder) -> list[str]:
    texts = []
    for path in iter_profile_paths(SEED_CORPUS):
        profile = load_profile(path, SEED_CORPUS)
        chunks = chunk_profile(profile, count_tokens=real_embedder.count_tokens,
                               max_tokens=real_embedder.max_tokens)
        texts.extend(c.embed_text for c in chunks)
    return texts


def test_onnx_and_torch_vectors_agree_on_the_seed_chunks(onnx_embedder, real_embedder, seed_texts):
    assert (onnx_embedder.model_id, onnx_embedder.dimension, onnx_embedder.max_tokens) == (
        real_embedder.model_id, real_embedder.dimension, real_embedder.max_tokens)
    onnx = onnx_embedder.encode(seed_texts, batch_size=64)
    torch = real_embedder.encode(seed_texts, batch_size=64)
    assert onnx.shape == torch.shape == (len(seed_texts), 384) and onnx.dtype == np.float32
    assert float((onnx * torch).sum(axis=1).min()) >= 0.9999
    np.testing.assert_allclose(np.linalg.norm(onnx, axis=1), 1.0, rtol=1e-5)


def test_onnx_and_torch_agree_on_questions_and_truncation(onnx_embedder, real_embedder):
    onnx = np.vstack([onnx_embedder.encode([q]) for q in QUERIES])
    torch = real_embedder.encode(QUERIES)
    assert float((onnx * torch).sum(axis=1).min()) >= 0.9999
    # a batch gives the rows one-by-one encodes give, whatever the padding
    np.testing.assert_allclose(onnx_embedder.encode(QUERIES * 5)[: len(QUERIES)], onnx, atol=1e-5)


def test_onnx_counts_tokens_like_the_model_tokenizer(onnx_embedder, real_embedder, seed_texts):
    for text in [*seed_texts[:40], *QUERIES]:
        assert onnx_embedder.count_tokens(text) == real_embedder.count_tokens(text)


def test_a_second_load_uses_the_cached_export(onnx_embedder, monkeypatch):
    from mgiassist.embed import OnnxEmbedder, onnx_export

    def no_export(*args):
        raise AssertionError("exported again")

    monkeypatch.setattr(onnx_export, "_export", no_export)
    cache = onnx_embedder.cache_dir
    again = OnnxEmbedder(cache_dir=cache)
    np.testing.assert_allclose(again.encode(QUERIES[:1]), onnx_embedder.encode(QUERIES[:1]), atol=1e-6)


def test_a_build_sized_encode_gives_each_text_its_own_vector(onnx_embedder, seed_texts):
    # mixed lengths: long chunks, their first sentences, a one-word text; batching and padding
    # by token budget must not change any row
    texts = [*seed_texts[:30], *(t.split(". ")[0] for t in seed_texts[:30]), "x"]
    batched = onnx_embedder.encode(texts, batch_size=64)
    one_by_one = np.vstack([onnx_embedder.encode([t]) for t in texts])
    np.testing.assert_allclose(batched, one_by_one, atol=1e-5)


def test_int8_is_its_own_model_close_to_fp32(onnx_embedder, seed_texts, monkeypatch):
    import onnxruntime.quantization

    from mgiassist.embed import OnnxEmbedder

    int8 = OnnxEmbedder(cache_dir=onnx_embedder.cache_dir, int8=True)
    assert (int8.model_id, int8.backend) == (f"{onnx_embedder.model_id}@int8", "onnx-int8")
    texts = seed_texts[:40]
    cosine = (int8.encode(texts, batch_size=64) * onnx_embedder.encode(texts, batch_size=64)).sum(axis=1)
    assert 0.95 <= float(cosine.min()) and float(cosine.max()) < 0.99999  # close, not the same

    def no_quantisation(*args, **options):
        raise AssertionError("quantised again")

    monkeypatch.setattr(onnxruntime.quantization, "quantize_dynamic", no_quantisation)
    again = OnnxEmbedder(f"{onnx_embedder.model_id}@int8", cache_dir=onnx_embedder.cache_dir)
    np.testing.assert_allclose(again.encode(texts[:2]), int8.encode(texts[:2]), atol=1e-6)


def test_remembered_token_counts_stay_right_and_bounded(onnx_embedder, real_embedder, seed_texts, monkeypatch):
    from mgiassist.embed import OnnxEmbedder, onnx_backend

    monkeypatch.setattr(onnx_backend, "_COUNT_CACHE", 5)
    fresh = OnnxEmbedder(cache_dir=onnx_embedder.cache_dir)  # the session's has counts already
    texts = seed_texts[:12]
    for text in [*texts, *texts[6:], *texts]:  # partly remembered, partly cleared and counted again
        assert fresh.count_tokens(text) == real_embedder.count_tokens(text)
        assert 0 < len(fresh._token_counts) <= 5
