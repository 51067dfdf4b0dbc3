"""``mgiassist diff COUNTRY``: what changed between two editions of a country's (or city's) profile.

The comparison is :func:`mgiassist.editions.diff_editions` (no model loaded). ``--json`` prints
the contract outside tools rely on: ``{"country", "family", "from": {"date", "source"}, "to":
{"date", "source"}, "changes": [{"kind": "added" | "removed" | "changed", "heading_path",
"before", "after", "figures": [{"label", "before", "after"}]}]}``. The text output cites both
editions, then one block per change: the heading path, the text with the changed words marked
("[-old-]{+new+}"; of a long section only its changed sentences), the figures before → after.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import click

from mgiassist.editions import EditionDiff, mark_words
from mgiassist.editions.diff import Change
from mgiassist.schema import FAMILY_LABELS

__all__ = ["changed_sentences", "diff_command", "format_diff"]

_SIGNS = {"added": "+ Added", "removed": "- Removed", "changed": "~ Changed"}


def _indented(text: str) -> list[str]:
    return [f"    {line}" for line in text.splitlines() if line.strip()]


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)")
_MARKS = ("[-", "-]", "{+", "+}")
LONG_CHANGE = 400  # characters: a longer changed section shows only its changed sentences


def changed_sentences(marked: str) -> str:
    """A long marked text cut to the sentences holding a change, "…" between them."""
    if len(marked) <= LONG_CHANGE:
        return marked
    kept: list[str] = []
    for line in marked.splitlines():
        parts = _SENTENCE_END.split(line)
        changed = [part for part in parts if any(mark in part for mark in _MARKS)]
        if changed:
            text = " … ".join(changed)
            before = "… " if changed[0] is not parts[0] else ""
            after = " …" if changed[-1] is not parts[-1] else ""
            kept.append(f"{before}{text}{after}")
    return "\n".join(kept) or marked


def _change_lines(change: Change) -> list[str]:
    lines = [f"{_SIGNS[change.kind]} · {' › '.join(change.heading_path) or '(no heading)'}"]
    if change.kind == "changed":
        lines += _indented(changed_sentences(mark_words(change.before or "", change.after or "")))
    else:
        lines += _indented(change.after if change.kind == "added" else change.before or "")
    lines += [f"    figure: {figure.line()}" for figure in change.figures]
    return lines


def format_diff(diff: EditionDiff) -> str:
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
        lines += ["", *_change_lines(change)]
    return "\n".join(lines)


@click.command("diff")
@click.argument("country")
@click.option("--family", help="mgi-profile or diaspora-mapping (needed when both have several editions).")
@click.option("--from", "date_from", metavar="DATE",
              help="The older edition, by date (\"2020\", \"September 2020\") [default: the one before --to].")
@click.option("--to", "date_to", metavar="DATE", help="The newer edition, by date [default: the newest].")
@click.option("--index", "index_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("index"), show_default=True, help="Index folder.")
@click.option("--json", "as_json", is_flag=True,
              help='Print one JSON object: {"country", "family", "from", "to", "changes"}.')
def diff_command(country: str, family: str | None, date_from: str | None, date_to: str | None,
                 index_dir: Path, as_json: bool) -> None:
    """What changed between two editions of COUNTRY's profile (a country or a city): sections
    added, removed and changed, changed words marked, figures before → after."""
    from mgiassist.editions import diff_editions

    diff = diff_editions(index_dir, country, family=family, date_from=date_from, date_to=date_to)
    if as_json:
        click.echo(json.dumps(diff.to_dict(), ensure_ascii=False))
    else:
        click.echo(format_diff(diff))
