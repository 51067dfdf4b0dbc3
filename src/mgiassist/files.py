"""Reading the JSON-lines files users hand in (question sets, batch searches)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mgiassist.errors import InputFileError

__all__ = ["read_jsonl", "read_jsonl_lenient"]


def _lines(path: Path, error: type[Exception]) -> list[tuple[int, str]]:
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"cannot read {path}: {exc}") from exc
    return [(number, line) for number, line in enumerate(raw.splitlines(), start=1) if line.strip()]


def read_jsonl(path: Path, error: type[Exception] = InputFileError) -> list[tuple[int, Any]]:
    """``(line number, value)`` for every non-blank line; ``error`` names the file and line of
    the first one that cannot be read, so nothing is half-loaded."""
    items = []
    for number, line in _lines(path, error):
        try:
            items.append((number, json.loads(line)))
        except json.JSONDecodeError as exc:
            raise error(f"{path}:{number}: not a JSON object ({exc.msg})") from exc
    return items


def read_jsonl_lenient(path: Path, error: type[Exception] = InputFileError) -> list[tuple[int, Any]]:
    """Like :func:`read_jsonl`, but a line that is not JSON gives an ``error`` instance in
    place of its value, so a batch can answer the other lines. An unreadable file still raises."""
    items: list[tuple[int, Any]] = []
    for number, line in _lines(path, error):
        try:
            items.append((number, json.loads(line)))
        except json.JSONDecodeError as exc:
            items.append((number, error(f"{path}:{number}: not a JSON object ({exc.msg})")))
    return items
