"""``mgiassist compare``: one question, one row per country, as the page's Compare tab gives them.

The rows come from :func:`mgiassist.export.compare_countries` with the answer the page asks for
(each country on its own, no history, the top 3 passages). ``--json`` prints
``{"question", "rows"}`` with each row's :meth:`~mgiassist.export.ComparisonRow.to_dict`, the
shape of the page's ``/compare`` API; without it, one block per country: the country and its
answer's state, the answering sentence (or list item), then the citation.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import click

from mgiassist.answer import ANSWERED, NOT_COVERED, PARTIAL
from mgiassist.errors import FilterError, MgiassistError
from mgiassist.export import ComparisonRow, compare_countries

__all__ = ["compare_command", "format_comparison", "parse_countries"]

COMPARE_K = 3  # passages per country, as the page's Compare tab asks (mgiassist.page.core)
_STATE_WORDS = {
    ANSWERED: "Answered",
    # a partial answer shows no passage in a comparison: say why the row is empty
    PARTIAL: "Partly answered (related passages, none states this)",
    NOT_COVERED: "Not covered",
}


def parse_countries(raw: str | None) -> list[str]:
    """``"Ghana, KH"`` → ``["Ghana", "KH"]`` (as typed; the index resolves them)."""
    if raw is None:
        return []
    names = [name.strip() for name in raw.split(",") if name.strip()]
    if not names:
        raise FilterError("--countries names no country; give names, ISO codes or demonyms separated by commas")
    return names


def format_comparison(question: str, rows: Sequence[ComparisonRow]) -> str:
    """The comparison as text: the question, a tally, then one block per country."""
    answered = sum(row.found for row in rows)
    countries = "country" if len(rows) == 1 else "countries"
    lines = [f"Question: {question}", f"{len(rows)} {countries}, {answered} answered"]
    for row in rows:
        state = _STATE_WORDS.get(row.state, row.state)
        lines += ["", f"{row.country} — {state}", f"    {' '.join(row.answer.split())}"]
        if row.found:
            lines.append(f"    cited: {row.citation}")
    return "\n".join(lines)


@click.command("compare")
@click.argument("question")
@click.option("--countries", "countries_option",
              help="Only these countries, comma-separated (names, ISO codes or demonyms), in this order"
              " [default: every indexed country].")
@click.option("--index", "index_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("index"), show_default=True, help="Index folder.")
@click.option("--json", "as_json", is_flag=True,
              help='Print one JSON object: {"question", "rows"}, as the page\'s /compare API.')
def compare_command(question: str, countries_option: str | None, index_dir: Path, as_json: bool) -> None:
    """Answer QUESTION once per country: one row each (state, answer, citation), as the Compare tab."""
    from mgiassist.assistant import Assistant
    from mgiassist.search.searcher import validate_query

    validate_query(question)  # fail before the model takes seconds to load
    wanted = parse_countries(countries_option)
    assistant = Assistant.load(index_dir)
    if wanted:
        resolve = assistant.searcher.filters.resolve  # "KH", "Cambodian" → "Cambodia"; else FilterError
        countries = list(dict.fromkeys(resolve("country", name) for name in wanted))
    else:
        countries = assistant.facets["country"]
    if not countries:
        raise MgiassistError("the index holds no country profile to compare")
    rows = compare_countries(
        question, countries, lambda q, country: assistant.answer(q, [], country=country, k=COMPARE_K)
    )
    if as_json:
        payload = {"question": question, "rows": [row.to_dict() for row in rows]}
        click.echo(json.dumps(payload, ensure_ascii=False))
    else:
        click.echo(format_comparison(question, rows))
