"""``mgiassist ask``: one chat turn from the command line, through :meth:`Assistant.answer`.

``--json`` prints :meth:`mgiassist.answer.Answer.to_dict`, the contract the page's API and the
exports share; without it, a first line stating the answer's state, the answer, then the
numbered citations.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from mgiassist.answer import ANSWERED, NOT_COVERED, Answer

__all__ = ["ask_command", "format_answer"]

_STATE_LINES = {ANSWERED: "Answered", "partial": "Partly answered", NOT_COVERED: "Not covered"}


def format_answer(answer: Answer) -> str:
    """The reply as text: the state in plain words, the answer, then the citations."""
    state = _STATE_LINES[answer.state]
    lines = [f"{state}: {answer.reason}" if answer.reason else f"{state}."]
    if answer.contextualised:
        lines.append(f"Searched for: {answer.search_query}")
    lines += ["", answer.text]
    if answer.more:
        lines.append(f"({answer.more['remaining']} more; the page and the API can show them)")
    for passage in answer.passages:
        lines += ["", f"[{passage.marker}] {passage.label}", f"    source: {passage.citation['source']}"]
        lines += [f"    {line}" for line in passage.text.splitlines()]
        lines += [f"    {url}" for url in passage.footnote_urls]
    if answer.state != ANSWERED and answer.nearest:
        lines += ["", "Nearest passages (not an answer):"]
        lines += [f"  - {p.label}" for p in answer.nearest]
    return "\n".join(lines)


@click.command("ask")
@click.argument("question")
@click.option("--index", "index_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("index"), show_default=True, help="Index folder.")
@click.option("--history", multiple=True, help="An earlier user question (repeat, oldest first).")
@click.option("--country", help="Only this country (name, ISO code or demonym).")
@click.option("--family", help="Only this family: mgi-profile or diaspora-mapping.")
@click.option("--domain", help="Only this domain, e.g. \"Migrants' rights\" or \"Obstacles\".")
@click.option("--polarity", help="Only MGI findings of this polarity: well-developed or further-development.")
@click.option("--json", "as_json", is_flag=True, help="Print the answer as one JSON object.")
def ask_command(
    question: str, index_dir: Path, history: tuple[str, ...], country: str | None,
    family: str | None, domain: str | None, polarity: str | None, as_json: bool,
) -> None:
    """Answer QUESTION from the index: state (answered, partial, not covered), answer, citations."""
    from mgiassist.assistant import Assistant
    from mgiassist.search.searcher import validate_query

    validate_query(question)  # fail before the model takes seconds to load
    assistant = Assistant.load(index_dir)
    answer = assistant.answer(
        question, list(history), country=country, family=family, domain=domain, polarity=polarity
    )
    click.echo(json.dumps(answer.to_dict(), ensure_ascii=False) if as_json else format_answer(answer))
