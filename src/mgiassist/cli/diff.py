"""``mgiassist diff COUNTRY``: what changed between two editions of a country's (or city's) profile.

The comparison is :func:`mgiassist.editions.diff_editions` (no model loaded), the text
:func:`mgiassist.editions.text.diff_text`. ``--json`` prints the contract outside tools rely on:
``{"country", "family", "from": {"date", "source"}, "to": {"date", "source"}, "changes":
[{"kind": "added" | "removed" | "changed", "heading_path", "before", "after", "figures":
[{"label", "before", "after"}]}]}``.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

__all__ = ["diff_command"]


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
    from mgiassist.editions.text import diff_text

    diff = diff_editions(index_dir, country, family=family, date_from=date_from, date_to=date_to)
    click.echo(json.dumps(diff.to_dict(), ensure_ascii=False) if as_json else diff_text(diff))
