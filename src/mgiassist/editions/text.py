"""What changed, as text: the ``mgiassist diff`` output, for any front end (CLI, page).

:func:`diff_text` cites both editions, tallies the changes, then gives one block per change: its
heading path, its text with the changed words marked ("[-old-]{+new+}"; of a long section only the
sentences holding a change), and its figures before → after.
"""

from __future__ import annotations

import re

from mgiassist.editions.diff import Change, EditionDiff, mark_words
from mgiassist.schema import FAMILY_LABELS

__all__ = ["LONG_CHANGE", "change_lines", "changed_sentences", "diff_text"]

_SIGNS = {"added": "+ Added", "removed": "- Removed", "changed": "~ Changed"}
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)")
_MARKS = ("[-", "-]", "{+", "+}")
LONG_CHANGE = 400  # characters: a longer changed section shows only its changed sentences


def changed_sentences(marked: str) -> str:
    """A long marked text cut to the sentences holding a change, "…" where text is left out."""
    if len(marked) <= LONG_CHANGE:
        return marked
    kept: list[str] = []
    for line in marked.splitlines():
        parts = _SENTENCE_END.split(line)
        changed = [part for part in parts if any(mark in part for mark in _MARKS)]
        if changed:
            before = "… " if changed[0] is not parts[0] else ""
            after = " …" if changed[-1] is not parts[-1] else ""
            kept.append(f"{before}{' … '.join(changed)}{after}")
    return "\n".join(kept) or marked


def _indented(text: str) -> list[str]:
    return [f"    {line}" for line in text.splitlines() if line.strip()]


def change_lines(change: Change) -> list[str]:
    """One change as lines: "~ Changed · Facts & figures › Remittances", the marked text, figures."""
    lines = [f"{_SIGNS[change.kind]} · {' › '.join(change.heading_path) or '(no heading)'}"]
    if change.moved_from:
        lines[0] += f"  (was under {' › '.join(change.moved_from)})"
    if change.kind == "changed":
        lines += _indented(changed_sentences(mark_words(change.before or "", change.after or "")))
    else:
        lines += _indented((change.after if change.kind == "added" else change.before) or "")
    lines += [f"    figure: {figure.line()}" for figure in change.figures]
    return lines


def diff_text(diff: EditionDiff) -> str:
    """The diff as text: what is compared (each side cited), a tally, one block per change."""
    family = FAMILY_LABELS.get(diff.family, diff.family)
    counts = diff.counts()
    total = sum(counts.values())
    lines = [
        f"{diff.country} · {family}: {diff.before.date or 'undated'} → {diff.after.date or 'undated'}",
        f"  from: {diff.before.date or 'undated'} · {diff.before.source}",
        f"  to:   {diff.after.date or 'undated'} · {diff.after.source}",
        (f"{total} change{'s' if total != 1 else ''}: {counts['added']} added, {counts['removed']} removed,"
         f" {counts['changed']} changed"),
    ]
    if not total:
        lines.append("The two editions hold the same sections.")
    for change in diff.changes:
        lines += ["", *change_lines(change)]
    return "\n".join(lines)
