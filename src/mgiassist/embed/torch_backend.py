"""The sentence-transformers (PyTorch) embedder. Importing this module imports no torch."""

from __future__ import annotations

import os

import numpy as np

from mgiassist.embed.base import model_key, resolve_model_path
from mgiassist.errors import ModelError

__all__ = ["QUERY_BATCH", "SentenceTransformerEmbedder"]

# Up to this many texts is a question-time encode: one intra-op thread. On two busy cores, two
# threads for one short text wait on each other (127 ms against 18 ms measured), and concurrent
# requests each bring their own thread anyway. Larger batches (index builds) use every core.
QUERY_BATCH = 8


class SentenceTransformerEmbedder:
    """A sentence-transformers model, loaded from a local folder with the hub offline."""

    backend = "torch"

    def __init__(self, model: str = "all-MiniLM-L6-v2", *, device: str = "cpu") -> None:
        import torch
        import transformers
        from sentence_transformers import SentenceTransformer

        transformers.utils.logging.disable_progress_bar()
        transformers.utils.logging.set_verbosity_error()
        self._torch = torch
        self._cores = max(1, os.cpu_count() or 1)
        self.model_id = model_key(model)
        location = resolve_model_path(model)
        try:
            self._model = SentenceTransformer(location, device=device)
        except Exception as exc:  # sentence-transformers raises OSError, ValueError, HF errors...
            first = str(exc).splitlines()[0] if str(exc) else ""
            raise ModelError(
                f"cannot load embedding model {model!r} (looked in {location}); give a local folder"
                f" with --model: {type(exc).__name__}: {first}"
            ) from exc
        dimension = (
            getattr(self._model, "get_embedding_dimension", None)
            or self._model.get_sentence_embedding_dimension
        )
        self.dimension = int(dimension())
        self.max_tokens = int(self._model.max_seq_length)
        self._tokenizer = self._model.tokenizer

    def count_tokens(self, text: str) -> int:
        return len(self._tokenizer(text, add_special_tokens=False, truncation=False)["input_ids"])

    def encode(
        self, texts: list[str], *, batch_size: int = 32, show_progress: bool = False
    ) -> np.ndarray:
        texts = list(texts)
        threads = 1 if len(texts) <= QUERY_BATCH else self._cores
        if self._torch.get_num_threads() != threads:
            self._torch.set_num_threads(threads)  # process-wide; see QUERY_BATCH
        vectors = self._model.encode(
            texts,
            batch_size=batch_size,
            show_progress_bar=show_progress,
            convert_to_numpy=True,
            normalize_embeddings=True,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(texts), self.dimension)
