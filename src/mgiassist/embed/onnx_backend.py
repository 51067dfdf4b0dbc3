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
from mgiassist.embed.onnx_export import META_FILE, MODEL_FILE, exported_model, quantized_model
from mgiassist.errors import ModelError

__all__ = ["INT8_BACKEND", "INT8_SUFFIX", "TOKEN_BUDGET", "OnnxEmbedder", "token_batches"]

# Up to this many texts is a question-time encode and runs inline on the caller's thread.
QUERY_BATCH = 8
INT8_BACKEND = "onnx-int8"
INT8_SUFFIX = "@int8"  # appended to the model id of an int8 embedder (and its indexes)
# A batch (an index build) runs as sub-batches of texts of similar token length, each at most
# this many padded tokens and ``batch_size`` texts. Padding is not the main cost: larger runs
# cost more CPU per token because the activations outgrow the core's cache. On the seeds' 233
# build texts, one run per text cost 3.4 CPU-s, runs of ≤ 256 tokens 3.0, ≤ 512 3.05, and the
# former fixed 32 texts per run ~5 (docs/speed.md).
TOKEN_BUDGET = 256
# Token counts remembered by text: the chunker counts the same text more than once, and
# profiles of one family share boilerplate (on 100 look-alike profiles, 7,720 counts were of
# 2,101 distinct texts). Cleared when full, so memory stays bounded.
_COUNT_CACHE = 50_000


class OnnxEmbedder:
    """An exported sentence-transformers model run by ONNX Runtime.

    One inference session with one intra-op thread: a request encodes on its own thread, so
    concurrent requests use the cores side by side instead of oversubscribing them, and a batch
    (an index build) is split into length-sorted sub-batches run on one thread per core.
    """

    backend = "onnx"

    def __init__(self, model: str = "all-MiniLM-L6-v2", *, cache_dir: Path | None = None,
                 threads: int | None = None, int8: bool = False) -> None:
        try:
            import onnxruntime
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise ModelError(
                "the onnx backend needs onnxruntime and tokenizers (pip install onnxruntime"
                " tokenizers), or use --backend torch"
            ) from exc
        if model.endswith(INT8_SUFFIX):  # an int8 index's model id
            model, int8 = model.removesuffix(INT8_SUFFIX), True
        self.model_id = model_key(model)
        self.cache_dir = cache_dir
        folder = exported_model(resolve_model_path(model), cache_dir=cache_dir)
        model_file = folder / MODEL_FILE
        if int8:
            # int8 vectors are close to fp32 ones but not interchangeable: another model id, so
            # an int8 index is never searched with fp32 question vectors, nor the reverse
            self.backend = INT8_BACKEND
            self.model_id = f"{self.model_id}{INT8_SUFFIX}"
            model_file = quantized_model(folder)
        meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
        self.dimension = int(meta["dimension"])
        self.max_tokens = int(meta["max_tokens"])
        self._inputs = list(meta["inputs"])
        self._counter = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._counter.no_truncation()
        self._counter.no_padding()
        self._token_counts: dict[str, int] = {}
        # truncated, never padded (the file may ask for fixed padding): batches pad themselves
        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._tokenizer.enable_truncation(max_length=self.max_tokens)
        self._tokenizer.no_padding()
        self._pad_id = self._tokenizer.token_to_id("[PAD]") or 0
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        try:
            self._session = onnxruntime.InferenceSession(
                str(model_file), options, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:  # a damaged cache file: say where it is
            raise ModelError(f"cannot load the ONNX model in {folder} ({exc}); delete that folder") from exc
        self._workers = max(1, threads or os.cpu_count() or 1)
        self._pool: ThreadPoolExecutor | None = None
        self._pool_lock = threading.Lock()

    def count_tokens(self, text: str) -> int:
        count = self._token_counts.get(text)
        if count is None:
            count = len(self._counter.encode(text, add_special_tokens=False).ids)
            if len(self._token_counts) >= _COUNT_CACHE:
                self._token_counts.clear()
            self._token_counts[text] = count
        return count

    def _run(self, encodings: list) -> np.ndarray:
        """Vectors for tokenised texts, padded here to the longest of them."""
        width = max(len(e.ids) for e in encodings)
        ids = np.full((len(encodings), width), self._pad_id, dtype=np.int64)
        mask = np.zeros((len(encodings), width), dtype=np.int64)
        types = np.zeros((len(encodings), width), dtype=np.int64)
        for row, encoding in enumerate(encodings):
            ids[row, : len(encoding.ids)] = encoding.ids
            mask[row, : len(encoding.ids)] = 1
            types[row, : len(encoding.ids)] = encoding.type_ids
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = types
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
        encodings = self._tokenizer.encode_batch(texts)
        if len(texts) <= QUERY_BATCH:
            return self._run(encodings)
        batches = token_batches([len(e.ids) for e in encodings], max(1, batch_size), TOKEN_BUDGET)
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        runs = self._executor().map(lambda batch: self._run([encodings[i] for i in batch]), batches)
        for batch, vectors in zip(batches, runs):
            out[batch] = vectors
        return out


def token_batches(lengths: list[int], max_texts: int, budget: int) -> list[list[int]]:
    """Indexes into ``lengths`` grouped longest first: each group holds at most ``max_texts``
    texts and, padded to its longest, at most ``budget`` tokens (a longer text goes alone)."""
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    batches: list[list[int]] = []
    current: list[int] = []
    for i in order:
        if current and (len(current) >= max_texts or (len(current) + 1) * lengths[current[0]] > budget):
            batches.append(current)
            current = []
        current.append(i)
    if current:
        batches.append(current)
    return batches
