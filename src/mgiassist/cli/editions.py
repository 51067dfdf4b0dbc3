"""``mgiassist editions``: the editions the index holds, by place and family, newest marked.

Reads only the index's manifest (no model). ``--json`` prints ``{"editions": [{"family",
"country", "city", "place", "date", "source", "title", "newest", "edition", "editions",
"chunks"}]}``, oldest first within each series.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from mgiassist.schema import FAMILY_LABELS

if TYPE_CHECKING:  # listed in --help without loading the index stack (faiss, bm25s)
    from mgiassist.editions import Edition

__all__ = ["editions_command", "format_editions"]


def format_editions(editions: Sequence[Edition]) -> str:
    """One block per series ("Cambodia · Diaspora engagement mapping, 3 editions"), one line
    per edition: date, file, and "(newest)" on the one that answers by default."""
    if not editions:
        return "The index holds no profile."
    lines: list[str] = []
    width = max(len(e.date or "undated") for e in editions)
    series = None
    for e in editions:
        if (e.place, e.family) != series:
            series = (e.place, e.family)
            family = FAMILY_LABELS.get(e.family, e.family)
            count = f", {e.count} editions" if e.count > 1 else ""
            lines += ["" if lines else None, f"{e.place or 'unknown country'} · {family}{count}"]
        newest = "  (newest)" if e.newest and e.count > 1 else ""
        lines.append(f"  {(e.date or 'undated').ljust(width)}  {e.source}{newest}")
    return "\n".join(line for line in lines if line is not None)


@click.command("editions")
@click.option("--country", help="Only this country's or city's editions (name, ISO code, demonym, or city).")
@click.option("--index", "index_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("index"), show_default=True, help="Index folder.")
@click.option("--json", "as_json", is_flag=True, help='Print one JSON object: {"editions": [...]}.')
def editions_command(country: str | None, index_dir: Path, as_json: bool) -> None:
    """List the indexed editions of each profile (family, country or city, date, file, newest)."""
    from mgiassist.editions import list_editions

    editions = list_editions(index_dir, country)
    if as_json:
        click.echo(json.dumps({"editions": [e.to_dict() for e in editions]}, ensure_ascii=False))
    else:
        click.echo(format_editions(editions))
