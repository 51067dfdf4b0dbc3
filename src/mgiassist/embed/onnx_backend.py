"""The ONNX Runtime embedder: onnxruntime and the model's fast tokenizer, no torch at run time.

It reproduces sentence-transformers' encode for a mean-pooled, normalised model (the same
vectors to about 1e-6; ``tests/test_embed_onnx.py`` checks cosine ≥ 0.9999 on the seeds), so
indexes built with either backend can be searched with the other.
"""

from __future__ import annotations

import json
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from mgiassist.embed.base import model_key, resolve_model_path
from mgiassist.embed.onnx_export import META_FILE, MODEL_FILE, exported_model
from mgiassist.errors import ModelError

__all__ = ["OnnxEmbedder"]

# Up to this many texts is a question-time encode and runs inline on the caller's thread.
QUERY_BATCH = 8
# Sub-batches of length-sorted texts: small enough that padding wastes little.
_SUB_BATCH = 32


class OnnxEmbedder:
    """An exported sentence-transformers model run by ONNX Runtime.

    One inference session with one intra-op thread: a request encodes on its own thread, so
    concurrent requests use the cores side by side instead of oversubscribing them, and a batch
    (an index build) is split into length-sorted sub-batches run on one thread per core.
    """

    backend = "onnx"

    def __init__(self, model: str = "all-MiniLM-L6-v2", *, cache_dir: Path | None = None,
                 threads: int | None = None) -> None:
        try:
            import onnxruntime
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise ModelError(
                "the onnx backend needs onnxruntime and tokenizers (pip install onnxruntime"
                " tokenizers), or use --backend torch"
            ) from exc
        self.model_id = model_key(model)
        self.cache_dir = cache_dir
        folder = exported_model(resolve_model_path(model), cache_dir=cache_dir)
        meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
        self.dimension = int(meta["dimension"])
        self.max_tokens = int(meta["max_tokens"])
        self._inputs = list(meta["inputs"])
        self._counter = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._counter.no_truncation()
        self._counter.no_padding()
        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._tokenizer.enable_truncation(max_length=self.max_tokens)
        pad_id = self._tokenizer.token_to_id("[PAD]") or 0
        self._tokenizer.enable_padding(pad_id=pad_id, pad_token="[PAD]")
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        try:
            self._session = onnxruntime.InferenceSession(
                str(folder / MODEL_FILE), options, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:  # a damaged cache file: say where it is
            raise ModelError(f"cannot load the ONNX model in {folder} ({exc}); delete that folder") from exc
        self._workers = max(1, threads or os.cpu_count() or 1)
        self._pool: ThreadPoolExecutor | None = None
        self._pool_lock = threading.Lock()

    def count_tokens(self, text: str) -> int:
        return len(self._counter.encode(text, add_special_tokens=False).ids)

    def _run(self, texts: list[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.array([e.type_ids for e in encodings], dtype=np.int64)
        (hidden,) = self._session.run(None, feeds)
        # sentence-transformers' mean pooling, then its Normalize module
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)

    def _executor(self) -> ThreadPoolExecutor:
        with self._pool_lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self._workers, thread_name_prefix="mgiassist-onnx")
            return self._pool

    def encode(
        self, texts: list[str], *, batch_size: int = 32, show_progress: bool = False
    ) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if len(texts) <= QUERY_BATCH:
            return self._run(texts)
        size = max(1, min(batch_size, _SUB_BATCH))
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        batches = [order[s : s + size] for s in range(0, len(order), size)]
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        runs = self._executor().map(lambda batch: self._run([texts[i] for i in batch]), batches)
        for batch, vectors in zip(batches, runs):
            out[batch] = vectors
        return out
