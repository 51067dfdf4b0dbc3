"""The embed layer without a model: backend choice, the ONNX export cache, query batching."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest
from conftest import FakeEmbedder

from mgiassist import embed
from mgiassist.embed import QueryBatcher, load_embedder, onnx_export, resolve_backend
from mgiassist.errors import ModelError


def test_backend_comes_from_the_argument_then_the_environment(monkeypatch):
    monkeypatch.delenv("MGIASSIST_BACKEND", raising=False)
    assert resolve_backend() == embed.DEFAULT_BACKEND
    monkeypatch.setenv("MGIASSIST_BACKEND", "torch")
    assert resolve_backend() == "torch" and resolve_backend("onnx") == "onnx"
    with pytest.raises(ModelError, match="unknown embedding backend 'tensorflow'"):
        resolve_backend("tensorflow")


def test_default_onnx_falls_back_to_torch_but_an_explicit_choice_does_not(monkeypatch):
    monkeypatch.delenv("MGIASSIST_BACKEND", raising=False)

    def no_onnx(model):
        raise ModelError("the onnx backend needs onnxruntime")

    monkeypatch.setattr(embed, "OnnxEmbedder", no_onnx)
    monkeypatch.setattr(embed, "SentenceTransformerEmbedder", lambda model: FakeEmbedder())
    assert isinstance(load_embedder("m"), FakeEmbedder)
    with pytest.raises(ModelError, match="needs onnxruntime"):
        load_embedder("m", backend="onnx")


def _fake_model_dir(tmp_path):
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "config.json").write_text('{"hidden_size": 8}')
    (folder / "model.safetensors").write_bytes(b"weights")
    return folder


def test_export_runs_once_per_model_and_is_found_again(tmp_path, monkeypatch):
    exports: list[str] = []

    def fake_export(model_dir, target):
        exports.append(str(model_dir))
        (target / onnx_export.MODEL_FILE).write_bytes(b"onnx")
        (target / onnx_export.META_FILE).write_text("{}")

    monkeypatch.setattr(onnx_export, "_export", fake_export)
    model_dir = _fake_model_dir(tmp_path)
    first = onnx_export.exported_model(model_dir, cache_dir=tmp_path / "cache")
    second = onnx_export.exported_model(model_dir, cache_dir=tmp_path / "cache")
    assert first == second and len(exports) == 1 and (first / onnx_export.MODEL_FILE).is_file()
    (model_dir / "model.safetensors").write_bytes(b"other weights")
    third = onnx_export.exported_model(model_dir, cache_dir=tmp_path / "cache")
    assert third != first and len(exports) == 2
    assert not [p for p in (tmp_path / "cache" / "onnx").iterdir() if p.name.startswith(".export-")]


def test_a_failed_export_is_one_error_and_leaves_nothing(tmp_path, monkeypatch):
    def broken(model_dir, target):
        (target / onnx_export.MODEL_FILE).write_bytes(b"half")
        raise RuntimeError("unsupported operator")

    monkeypatch.setattr(onnx_export, "_export", broken)
    with pytest.raises(ModelError, match="cannot export .* unsupported operator.*--backend torch"):
        onnx_export.exported_model(_fake_model_dir(tmp_path), cache_dir=tmp_path / "cache")
    assert list((tmp_path / "cache" / "onnx").iterdir()) == []
    with pytest.raises(ModelError, match="not one"):
        onnx_export.exported_model(tmp_path / "missing", cache_dir=tmp_path / "cache")


def test_an_unwritable_cache_is_one_error(tmp_path, monkeypatch):
    monkeypatch.setattr(onnx_export, "_export", lambda model_dir, target: None)
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder should be")
    with pytest.raises(ModelError, match="cannot write the ONNX model cache.*MGIASSIST_CACHE_DIR"):
        onnx_export.exported_model(_fake_model_dir(tmp_path), cache_dir=blocker)


def test_only_mean_pooling_models_are_exported(tmp_path):
    folder = _fake_model_dir(tmp_path)
    (folder / "1_Pooling").mkdir()
    (folder / "1_Pooling" / "config.json").write_text('{"pooling_mode_cls_token": true}')
    with pytest.raises(ModelError, match="mean pooling"):
        onnx_export.model_settings(folder)


class SlowEmbedder(FakeEmbedder):
    """Each encode call takes a while, as a real model does, and is counted."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[int] = []

    def encode(self, texts, *, batch_size: int = 32, show_progress: bool = False) -> np.ndarray:
        self.calls.append(len(texts))
        time.sleep(0.05)
        return super().encode(texts)


def test_query_batcher_merges_concurrent_questions_and_keeps_each_answer():
    inner = SlowEmbedder()
    batcher = QueryBatcher(inner)
    questions = [f"question number {i} about voting" for i in range(12)]
    results: dict[int, np.ndarray] = {}

    def ask(i: int) -> None:
        results[i] = batcher.encode([questions[i]])

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(len(questions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(inner.calls) == len(questions) and len(inner.calls) < len(questions)
    for i, question in enumerate(questions):
        np.testing.assert_allclose(results[i], FakeEmbedder().encode([question]))
    big = [f"text {i}" for i in range(40)]
    assert batcher.encode(big).shape == (40, inner.dimension) and inner.calls[-1] == 40


def test_query_batcher_passes_errors_to_every_waiting_caller():
    class Broken(FakeEmbedder):
        def encode(self, texts, **kwargs):
            raise ModelError("model unloaded")

    batcher = QueryBatcher(Broken())
    with pytest.raises(ModelError, match="model unloaded"):
        batcher.encode(["a question"])
    assert batcher.count_tokens("two words") == 2


def test_build_batches_group_similar_lengths_within_a_token_budget():
    from mgiassist.embed.onnx_backend import token_batches

    lengths = [10, 300, 40, 12, 41, 11, 39]
    batches = token_batches(lengths, max_texts=3, budget=128)
    assert sorted(i for batch in batches for i in batch) == list(range(len(lengths)))
    assert batches[0] == [1]  # longer than the budget: alone
    for batch in batches:
        assert len(batch) <= 3
        assert len(batch) == 1 or len(batch) * max(lengths[i] for i in batch) <= 128
    assert [lengths[b[0]] for b in batches] == sorted((lengths[b[0]] for b in batches), reverse=True)
    assert token_batches([], max_texts=4, budget=64) == []


def test_an_int8_model_id_loads_int8_and_refuses_another_explicit_backend(monkeypatch):
    monkeypatch.setenv("MGIASSIST_BACKEND", "onnx")  # the index's id wins over the environment
    monkeypatch.setattr(embed, "OnnxEmbedder", lambda model, int8=False: ("onnx", model, int8))
    monkeypatch.setattr(embed, "SentenceTransformerEmbedder", lambda model: ("torch", model))
    assert load_embedder("all-MiniLM-L6-v2@int8") == ("onnx", "all-MiniLM-L6-v2", True)
    assert load_embedder("all-MiniLM-L6-v2", backend="onnx-int8") == ("onnx", "all-MiniLM-L6-v2", True)
    assert load_embedder("all-MiniLM-L6-v2") == ("onnx", "all-MiniLM-L6-v2", False)
    with pytest.raises(ModelError, match="int8 model: use --backend onnx-int8"):
        load_embedder("all-MiniLM-L6-v2@int8", backend="torch")


def test_an_int8_build_has_its_own_model_id():
    from mgiassist.embed import index_model_id

    assert index_model_id("sentence-transformers/all-MiniLM-L6-v2", "onnx-int8") == "all-MiniLM-L6-v2@int8"
    assert index_model_id("all-MiniLM-L6-v2@int8", "onnx-int8") == "all-MiniLM-L6-v2@int8"
    assert index_model_id("all-MiniLM-L6-v2", "onnx") == index_model_id("all-MiniLM-L6-v2", "torch")
    assert index_model_id("all-MiniLM-L6-v2", "torch") == "all-MiniLM-L6-v2"


class _Int8Fake(FakeEmbedder):
    model_id = "fake-hashing-embedder@int8"
    backend = "onnx-int8"


def test_an_int8_rebuild_records_its_backend_and_reuses_no_fp32_vector(tmp_path, corpus_copy):
    import json

    from mgiassist.index import build_index

    index = tmp_path / "index"
    build_index(corpus_copy, index, embedder=FakeEmbedder(), progress=False)
    int8 = _Int8Fake()
    report = build_index(corpus_copy, index, embedder=int8, progress=False)
    manifest = json.loads((index / "manifest.json").read_text(encoding="utf-8"))
    assert (manifest["model_id"], manifest["embedding_backend"]) == ("fake-hashing-embedder@int8", "onnx-int8")
    assert report.embedded_chunks == report.chunk_count > 0 and report.reused_chunks == 0
    sentences = json.loads((index / "sentences.json").read_text(encoding="utf-8"))
    assert sentences["model_id"] == "fake-hashing-embedder@int8"
    assert set(sentences["texts"]) <= set(int8.encoded)  # every sentence vector is int8's own


def test_a_failed_quantisation_is_one_error_and_leaves_nothing(tmp_path, monkeypatch):
    import onnxruntime.quantization

    (tmp_path / onnx_export.MODEL_FILE).write_bytes(b"not a model")

    def broken(source, target, **options):
        target.write_bytes(b"half")
        raise RuntimeError("disk full")

    monkeypatch.setattr(onnxruntime.quantization, "quantize_dynamic", broken)
    with pytest.raises(ModelError, match="cannot quantise .* to int8 .*disk full.*--backend onnx"):
        onnx_export.quantized_model(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [onnx_export.MODEL_FILE]


def test_a_build_encodes_each_distinct_chunk_text_once(tmp_path, corpus_copy):
    import shutil

    from mgiassist.index import build_index, load_index

    first = next(p for p in sorted(corpus_copy.iterdir()) if p.name.startswith("mgi-"))
    shutil.copy2(first, corpus_copy / f"copy-of-{first.name}")  # another file, the same text
    embedder = FakeEmbedder()
    report = build_index(corpus_copy, tmp_path / "index", embedder=embedder, progress=False)
    index = load_index(tmp_path / "index")
    texts = [c.embed_text for c in index.chunks]
    assert len(set(texts)) < len(texts) == report.chunk_count == report.embedded_chunks
    chunk_texts = [t for t in embedder.encoded if t in set(texts)]
    assert sorted(chunk_texts) == sorted(set(texts))  # each distinct text once
    rows = {t: i for i, t in enumerate(texts)}
    for i, text in enumerate(texts):  # and every chunk has its text's vector
        np.testing.assert_array_equal(index.vectors[i], index.vectors[rows[text]])
