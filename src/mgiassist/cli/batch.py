"""Batch mode of ``search`` and ``ask``: a JSON-lines file of questions, read so that a bad line
costs only itself (it becomes an ``{id, error}`` entry and the others are still asked)."""

from __future__ import annotations

from pathlib import Path

import click

from mgiassist.errors import InputFileError
from mgiassist.files import read_jsonl_lenient

__all__ = ["read_questions", "warn_unreadable"]


def read_questions(path: Path) -> list[dict]:
    """One entry per non-blank line: ``{id, question, history}``, or ``{id, error}`` for a line
    that cannot be asked (not JSON, no question string, bad history); the rest are still asked."""
    questions = []
    for number, item in read_jsonl_lenient(path):
        if isinstance(item, InputFileError):
            questions.append({"id": number, "error": str(item)})
            continue
        item_id = item.get("id", number) if isinstance(item, dict) else number
        if not isinstance(item, dict) or not isinstance(item.get("question"), str):
            questions.append({"id": item_id, "error": f"{path}:{number}: needs a \"question\" string"})
            continue
        history = item.get("history") or []
        if not isinstance(history, list) or not all(isinstance(h, str) for h in history):
            questions.append({"id": item_id, "error": f"{path}:{number}: \"history\" must be a list of earlier questions"})
            continue
        questions.append({"id": item_id, "question": item["question"], "history": history})
    return questions


def warn_unreadable(batch: list[dict], path: Path) -> None:
    """One warning line on stderr when some lines of the batch cannot be asked."""
    unreadable = sum("error" in item for item in batch)
    if unreadable:
        click.echo(f"warning: {unreadable} of {len(batch)} lines of {path} cannot be asked; "
                   "each gets an error object", err=True)
