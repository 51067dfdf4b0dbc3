"""A table of vectors stored beside an index: a JSON file saying what the rows are, a ``.npy``
file of the rows (no pickle). Optional parts of an index (the answer step's sentence vectors, the
word-neighbour vocabulary) load through here: when one is absent or unusable the caller goes on
without it, as an index built before it existed does, and the reason is logged in one line."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

__all__ = ["header_problem", "load_vector_file", "read_vector_pair"]

log = logging.getLogger(__name__)
T = TypeVar("T")


def load_vector_file(
    folder: Path | str,
    json_name: str,
    npy_name: str,
    build: Callable[[dict[str, Any], np.ndarray], T | None],
    *,
    what: str,
    mmap: bool = False,
) -> T | None:
    """``build(payload, vectors)`` over the two files in ``folder``, or None when the JSON file is
    absent, either file is unreadable, or ``build`` finds them unusable (it returns None or raises
    ``KeyError``/``TypeError``/``ValueError`` on a malformed payload)."""
    folder = Path(folder)
    if not (folder / json_name).is_file():
        return None
    try:
        payload: dict[str, Any] = json.loads((folder / json_name).read_text(encoding="utf-8"))
        vectors = np.load(folder / npy_name, allow_pickle=False, mmap_mode="r" if mmap else None)
        table = build(payload, vectors)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("ignoring the %s in %s (%s)", what, folder, exc)
        return None
    if table is None:
        log.warning("ignoring the %s in %s (format, type or row count)", what, folder)
    return table


def read_vector_pair(
    folder: Path | str, json_name: str, npy_name: str, *, mmap: bool = False,
) -> tuple[dict[str, Any], np.ndarray] | None:
    """The JSON payload and the rows of a pair being loaded strictly: None when the JSON file is
    absent (an index built before the table existed); ``ValueError`` with one phrase naming the
    file when either is unreadable (damage the checksums cannot see once recorded again)."""
    folder = Path(folder)
    if not (folder / json_name).is_file():
        return None
    try:
        payload = json.loads((folder / json_name).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError) as exc:
        raise ValueError(f"{json_name} cannot be read ({type(exc).__name__})") from exc
    try:
        vectors = np.load(folder / npy_name, allow_pickle=False, mmap_mode="r" if mmap else None)
    except (OSError, ValueError, EOFError) as exc:
        raise ValueError(f"{npy_name} cannot be read ({type(exc).__name__})") from exc
    return payload, vectors


def header_problem(name: str, payload: Any, *, format_version: int, model_id: str) -> str | None:
    """What is wrong with the head of a stored table's JSON ``name``, as one phrase (None: all
    is well): a JSON object, of this format, made by the index's model."""
    if not isinstance(payload, dict):
        return f"{name} is not a JSON object"
    if payload.get("format") != format_version:
        return f"{name} is of format {payload.get('format')!r}, not {format_version}"
    if payload.get("model_id") != model_id:
        return f"{name} was made by the model {payload.get('model_id')!r}, the manifest says {model_id!r}"
    return None
