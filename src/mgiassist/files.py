"""Reading the JSON-lines files users hand in (question sets, batch searches)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mgiassist.errors import InputFileError

__all__ = ["read_jsonl"]


def read_jsonl(path: Path, error: type[Exception] = InputFileError) -> list[tuple[int, Any]]:
    """``(line number, value)`` for every non-blank line; ``error`` names the file and line of
    the first one that cannot be read, so nothing is half-loaded."""
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"cannot read {path}: {exc}") from exc
    items = []
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            items.append((number, json.loads(line)))
        except json.JSONDecodeError as exc:
            raise error(f"{path}:{number}: not a JSON object ({exc.msg})") from exc
    return items
