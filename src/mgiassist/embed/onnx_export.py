"""Export a sentence-transformers model folder to ONNX, locally, once, into a per-user cache.

The export runs the packaged weights through ``torch.onnx.export`` (the TorchScript exporter):
nothing is downloaded. The transformer's last hidden state is exported; mean pooling and
normalisation happen in numpy, exactly as sentence-transformers' Pooling and Normalize modules
do. Each export goes to a temporary folder that is renamed into place, so two processes
exporting at once, or a crash half-way, never leave a half-written model behind.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from mgiassist.errors import ModelError

__all__ = [
    "EXPORT_VERSION",
    "MODEL_FILE",
    "QUANTIZED_FILE",
    "cache_root",
    "export_key",
    "exported_model",
    "quantized_model",
]

EXPORT_VERSION = 1  # bump when the exported graph or the files beside it change
MODEL_FILE = "model.onnx"
META_FILE = "export.json"
# int8 weights beside the fp32 export; the name carries the recipe's version, so a changed
# recipe is a new file (the folder's digest already covers the weights and the exporter)
QUANTIZED_FILE = "model-int8-v1.onnx"
_OPSET = 17
_WEIGHTS = ("model.safetensors", "pytorch_model.bin")


def cache_root() -> Path:
    """``$MGIASSIST_CACHE_DIR``, else ``$XDG_CACHE_HOME/mgiassist``, else ``~/.cache/mgiassist``."""
    explicit = os.environ.get("MGIASSIST_CACHE_DIR")
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "mgiassist"


def export_key(model_dir: Path) -> str:
    """A digest of the model folder's files by name, size and modification time, cheap enough
    to compute on every start (hashing 90 MB of weights would cost the cold start ~0.2 s); the
    export also records the weights' content digest in its ``export.json``."""
    digest = hashlib.sha256(f"mgiassist-onnx-{EXPORT_VERSION}".encode())
    for path in sorted(model_dir.rglob("*")):
        if path.is_file():
            stat = path.stat()
            relative = path.relative_to(model_dir).as_posix()
            digest.update(f"{relative}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:20]


def _read_json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def model_settings(model_dir: Path) -> dict[str, Any]:
    """What the ONNX embedder must reproduce of the sentence-transformers pipeline."""
    pooling = _read_json(model_dir / "1_Pooling" / "config.json")
    if pooling and not pooling.get("pooling_mode_mean_tokens", False):
        raise ModelError(
            f"the onnx backend only does mean pooling; {model_dir} uses another: use --backend torch"
        )
    config = _read_json(model_dir / "config.json")
    max_tokens = _read_json(model_dir / "sentence_bert_config.json").get("max_seq_length")
    if not max_tokens:
        max_tokens = min(int(config.get("max_position_embeddings", 512)), 512)
    return {"max_tokens": int(max_tokens), "dimension": int(config.get("hidden_size", 0))}


def _weights_digest(model_dir: Path) -> str:
    for name in _WEIGHTS:
        if (model_dir / name).is_file():
            digest = hashlib.sha256()
            with (model_dir / name).open("rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
            return f"{name}:sha256:{digest.hexdigest()}"
    return ""


def _export(model_dir: Path, target: Path) -> None:
    import inspect
    import warnings

    import torch
    import transformers
    from transformers import AutoModel, AutoTokenizer

    transformers.utils.logging.disable_progress_bar()
    transformers.utils.logging.set_verbosity_error()

    settings = model_settings(model_dir)
    # Eager attention traces into plain MatMul/Softmax, which ONNX Runtime fuses on load.
    model = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager").eval()
    tokenizer = AutoTokenizer.from_pretrained(str(model_dir))
    names = ["input_ids", "attention_mask"]
    if "token_type_ids" in inspect.signature(model.forward).parameters:
        names.append("token_type_ids")

    class LastHiddenState(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, *inputs: torch.Tensor) -> torch.Tensor:
            return self.model(**dict(zip(names, inputs))).last_hidden_state

    sample = tokenizer(["a short text", "a somewhat longer text to trace the graph"],
                       padding=True, return_tensors="pt")
    axes = {name: {0: "batch", 1: "tokens"} for name in (*names, "last_hidden_state")}
    # The tracer warns about shape-dependent Python branches of the attention mask code; for an
    # encoder they are constant, and tests/test_embed_onnx.py checks other shapes give equal vectors.
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            LastHiddenState(), tuple(sample[n] for n in names), str(target / MODEL_FILE),
            input_names=names, output_names=["last_hidden_state"], dynamic_axes=axes,
            opset_version=_OPSET, do_constant_folding=True, dynamo=False,
        )
    tokenizer_file = model_dir / "tokenizer.json"
    if not tokenizer_file.is_file():
        tokenizer.save_pretrained(str(target / "hf-tokenizer"))
        tokenizer_file = target / "hf-tokenizer" / "tokenizer.json"
    shutil.copy2(tokenizer_file, target / "tokenizer.json")
    meta = {
        "export_version": EXPORT_VERSION,
        "source": str(model_dir),
        "weights": _weights_digest(model_dir),
        "inputs": names,
        "torch": torch.__version__,
        **settings,
    }
    (target / META_FILE).write_text(json.dumps(meta, indent=2), encoding="utf-8")


def exported_model(model_dir: str | Path, *, cache_dir: Path | None = None) -> Path:
    """The folder holding ``model.onnx``, ``tokenizer.json`` and ``export.json`` for
    ``model_dir``: from the cache, or exported into it now (a few seconds, once)."""
    model_dir = Path(model_dir)
    if not model_dir.is_dir():
        raise ModelError(f"the onnx backend needs a local model folder; {model_dir} is not one")
    folder = (cache_dir or cache_root()) / "onnx" / export_key(model_dir)
    if (folder / META_FILE).is_file():
        return folder
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=".export-", dir=folder.parent))
    except OSError as exc:
        raise ModelError(
            f"cannot write the ONNX model cache in {folder.parent} ({exc.strerror or exc});"
            " set MGIASSIST_CACHE_DIR to a writable folder, or use --backend torch"
        ) from exc
    try:
        _export(model_dir, scratch)
        try:
            os.rename(scratch, folder)
        except OSError:
            if not (folder / META_FILE).is_file():  # not another process's finished export
                raise
    except ModelError:
        raise
    except Exception as exc:  # the exporter raises many kinds; the user gets one line
        raise ModelError(
            f"cannot export {model_dir} to ONNX ({type(exc).__name__}: {exc}); use --backend torch"
        ) from exc
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return folder


def quantized_model(folder: Path) -> Path:
    """``folder``'s export with int8 weights (dynamic quantisation, per channel, MatMul only:
    per-tensor weights moved vectors too far), made once beside the fp32 model."""
    target = folder / QUANTIZED_FILE
    if target.is_file():
        return target
    scratch = folder / f".{QUANTIZED_FILE}.{os.getpid()}.tmp"
    try:
        from onnxruntime.quantization import QuantType, quantize_dynamic

        quantize_dynamic(folder / MODEL_FILE, scratch, per_channel=True,
                         op_types_to_quantize=["MatMul"], weight_type=QuantType.QInt8)
        os.replace(scratch, target)  # atomic: a concurrent quantisation writes the same bytes
    except Exception as exc:  # ImportError, onnx errors, a full disk: one line for the user
        raise ModelError(
            f"cannot quantise {folder / MODEL_FILE} to int8 ({type(exc).__name__}: {exc});"
            " use --backend onnx"
        ) from exc
    finally:
        scratch.unlink(missing_ok=True)
    return target
