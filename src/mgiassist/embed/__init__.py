"""Embedding models: a small protocol, and two runtimes for the same sentence-transformers model.

The rest of the library only needs ``encode`` (normalised float32 rows), ``count_tokens`` and a
stable ``model_id``; tests pass a tiny deterministic embedder with the same shape.

- ``onnx`` (the default): ONNX Runtime and the model's tokenizer, from a local export of the
  packaged weights cached under ``~/.cache/mgiassist/onnx/``. No torch at search time.
- ``torch``: sentence-transformers itself.
- ``onnx-int8`` (opt-in): the ONNX export with int8 weights, ~1.5× less CPU per encode, vectors
  at cosine ~0.98 to fp32. Its model id carries ``@int8``, so its indexes record it and are
  searched with int8 question vectors only.

onnx and torch give the same vectors (cosine ≥ 0.9999): an index built with one is searched with
either.
Importing this package imports neither runtime.
"""

from __future__ import annotations

import logging
import os

from mgiassist.embed.base import DEFAULT_MODEL, Embedder, model_key, resolve_model_path
from mgiassist.embed.batching import QueryBatcher
from mgiassist.embed.onnx_backend import INT8_BACKEND, INT8_SUFFIX, OnnxEmbedder
from mgiassist.embed.torch_backend import SentenceTransformerEmbedder
from mgiassist.errors import ModelError

__all__ = [
    "BACKENDS",
    "DEFAULT_BACKEND",
    "DEFAULT_MODEL",
    "Embedder",
    "OnnxEmbedder",
    "QueryBatcher",
    "SentenceTransformerEmbedder",
    "backend_of",
    "index_model_id",
    "load_embedder",
    "model_key",
    "resolve_backend",
    "resolve_model_path",
]

log = logging.getLogger(__name__)

BACKENDS = ("onnx", "torch", INT8_BACKEND)
# The faster at equal quality (benchmarks/README.md, "Backends"); $MGIASSIST_BACKEND overrides.
DEFAULT_BACKEND = "onnx"


def resolve_backend(backend: str | None = None) -> str:
    """``backend``, else ``$MGIASSIST_BACKEND``, else :data:`DEFAULT_BACKEND`."""
    chosen = (backend or os.environ.get("MGIASSIST_BACKEND") or DEFAULT_BACKEND).strip().lower()
    if chosen not in BACKENDS:
        raise ModelError(f"unknown embedding backend {chosen!r}; choose one of {', '.join(BACKENDS)}")
    return chosen


def backend_of(embedder: object) -> str | None:
    """The runtime an embedder runs on (``onnx``, ``torch``), or None for other embedders."""
    return getattr(embedder, "backend", None)


def index_model_id(model: str, backend: str | None = None) -> str:
    """The model id an index built with ``model`` on ``backend`` records (int8 is its own id)."""
    key = model_key(model)
    if resolve_backend(backend) == INT8_BACKEND and not key.startswith("hashing:"):
        return key if key.endswith(INT8_SUFFIX) else f"{key}{INT8_SUFFIX}"
    return key


def load_embedder(model: str = DEFAULT_MODEL, backend: str | None = None) -> Embedder:
    """The model on ``backend`` (see :func:`resolve_backend`). When the default ONNX backend was
    not asked for explicitly and cannot run here (no onnxruntime, a model it cannot export),
    sentence-transformers is used instead. A model id ending in ``@int8`` (an int8 index's) is
    the int8 backend whatever ``$MGIASSIST_BACKEND`` says; another explicit ``backend`` is an
    error, because fp32 question vectors do not belong in an int8 index."""
    if model.startswith("hashing:"):  # the tiny test/development embedder, see hashing_embedder.py
        from mgiassist.embed.hashing import HashingEmbedder

        return HashingEmbedder.from_name(model)
    if model.endswith(INT8_SUFFIX):
        if backend and resolve_backend(backend) != INT8_BACKEND:
            raise ModelError(
                f"{model} is the int8 model: use --backend {INT8_BACKEND} (or rebuild the index"
                f" with --backend {backend})"
            )
        return OnnxEmbedder(model.removesuffix(INT8_SUFFIX), int8=True)
    chosen = resolve_backend(backend)
    if chosen == "torch":
        return SentenceTransformerEmbedder(model)
    if chosen == INT8_BACKEND:
        return OnnxEmbedder(model, int8=True)
    try:
        return OnnxEmbedder(model)
    except ModelError as exc:
        if backend or os.environ.get("MGIASSIST_BACKEND"):
            raise
        log.warning("%s; using the torch backend", exc)
        return SentenceTransformerEmbedder(model)
