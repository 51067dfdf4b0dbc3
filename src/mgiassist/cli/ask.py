"""``mgiassist ask``: one chat turn from the command line, through :meth:`Assistant.answer`.

``--json`` prints :meth:`mgiassist.answer.Answer.to_dict`, the contract the page's API and the
exports share; without it, a first line stating the answer's state, the answer, then the
numbered citations. ``--questions FILE.jsonl`` answers a batch with the model and the index
loaded once: one reply per line, each with its ``"id"``; a bad line costs only itself.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from mgiassist.answer import ANSWERED, NOT_COVERED, Answer
from mgiassist.cli.batch import read_questions, warn_unreadable
from mgiassist.cli.options import conversation_options, filter_options
from mgiassist.errors import MgiassistError, QueryError
from mgiassist.export import DOUBTFUL_LABEL

__all__ = ["ask_command", "format_answer"]

_STATE_LINES = {ANSWERED: "Answered", "partial": "Partly answered", NOT_COVERED: "Not covered"}


def format_answer(answer: Answer) -> str:
    """The reply as text: the state in plain words, the answer, then the citations."""
    state = DOUBTFUL_LABEL if answer.doubtful else _STATE_LINES[answer.state]
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
@click.argument("question", required=False)
@click.option("--index", "index_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("index"), show_default=True, help="Index folder.")
@conversation_options("Batch mode: a JSON-lines file of {id, question, history}; one reply per line.")
@filter_options()
@click.option("--json", "as_json", is_flag=True, help="Print the answer as one JSON object (one per line in batch mode).")
def ask_command(
    question: str | None, index_dir: Path, history: tuple[str, ...], questions_file: Path | None,
    country: str | None, family: str | None, domain: str | None, polarity: str | None, edition: str | None,
    as_json: bool,
) -> None:
    """Answer QUESTION from the index: state (answered, partial, not covered), answer, citations."""
    from mgiassist.assistant import Assistant
    from mgiassist.search.searcher import validate_query

    if (questions_file is None) == (question is None):
        raise QueryError("give either a QUESTION or --questions FILE.jsonl for a batch")
    batch = read_questions(questions_file) if questions_file is not None else None
    if question is not None:
        validate_query(question)  # fail before the model takes seconds to load
    assistant = Assistant.load(index_dir)
    filters = {"country": country, "family": family, "domain": domain, "polarity": polarity, "edition": edition}
    if batch is None:
        answer = assistant.answer(question, list(history), **filters)
        click.echo(json.dumps(answer.to_dict(), ensure_ascii=False) if as_json else format_answer(answer))
        return
    warn_unreadable(batch, questions_file)
    for item in batch:
        _answer_batch_item(assistant, item, filters, as_json)


def _answer_batch_item(assistant, item: dict, filters: dict, as_json: bool) -> None:
    """One line of a batch: the answer, or ``{id, error}`` when the line or its question is bad
    (a library error; anything else is a bug and stops the run with one line, as elsewhere)."""
    answer, error = None, item.get("error")
    if error is None:
        try:
            answer = assistant.answer(item["question"], item["history"], **filters)
        except MgiassistError as exc:  # one bad question must not lose the rest of the batch
            error = str(exc)
    if as_json:
        payload = {"id": item["id"], **answer.to_dict()} if answer else {"id": item["id"], "error": error}
        click.echo(json.dumps(payload, ensure_ascii=False))
    else:
        click.echo(f"# {item['id']}: {item.get('question', '')}")
        click.echo(f"error: {error}" if answer is None else format_answer(answer))
        click.echo("")
