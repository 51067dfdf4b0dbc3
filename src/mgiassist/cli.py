"""The ``mgiassist`` command: a thin layer that parses options, calls the library and prints."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click

from mgiassist.errors import InputFileError, MgiassistError, QueryError
from mgiassist.files import read_jsonl
from mgiassist.schema import SearchResult

__all__ = ["main"]


class _OneLineErrors(click.Group):
    """Library errors become one line on stderr and exit status 2, never a traceback."""

    def invoke(self, ctx: click.Context):  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except MgiassistError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(2)


@click.group(cls=_OneLineErrors)
@click.version_option(package_name="mgiassist")
@click.option("-v", "--verbose", is_flag=True, help="Log progress details.")
def main(verbose: bool) -> None:
    """Search migration-governance profiles (MGI profiles, diaspora engagement mappings) with cited passages."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s: %(message)s",
    )
    for noisy in ("bm25s", "sentence_transformers", "transformers", "httpx", "faiss"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


_index_option = click.option(
    "--index", "index_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("index"),
    show_default=True, help="Index folder.",
)


@main.command("index")
@click.option("--corpus", "corpus_dir", type=click.Path(path_type=Path), default=Path("corpus"), show_default=True,
              help="Folder of profiles (.txt, .md, .html, .pdf).")
@_index_option
@click.option("--model", default="all-MiniLM-L6-v2", show_default=True,
              help="sentence-transformers model name or local folder.")
@click.option("--faiss", "faiss_kind", type=click.Choice(["flat", "hnsw"]), default="flat", show_default=True,
              help="FAISS index kind; hnsw for large corpora.")
@click.option("--force", is_flag=True, help="Re-embed every chunk even if nothing changed.")
@click.option("--check", is_flag=True, help="Only report whether the index is missing, stale or current.")
def index_command(corpus_dir: Path, index_dir: Path, model: str, faiss_kind: str, force: bool, check: bool) -> None:
    """Build or refresh the index (only added or changed profiles are embedded)."""
    from mgiassist.index import build_index, index_status

    if check:
        status = index_status(index_dir, corpus_dir, model)
        click.echo(status.message())
        sys.exit(0 if status.state == "current" else 1)
    report = build_index(corpus_dir, index_dir, model=model, faiss_kind=faiss_kind, force=force)
    for warning in report.skipped:
        click.echo(f"warning: skipped {warning}", err=True)
    click.echo(report.summary())


def _format_text(result: SearchResult) -> str:
    lines: list[str] = []
    if result.contextualised:
        lines.append(f"Searched for: {result.search_query}")
    if result.abstained:
        lines.append("The indexed profiles do not appear to answer this; the nearest passages are:")
    if not result.hits:
        lines.append("No passage found.")
    for hit in result.hits:
        lines.append("")
        lines.append(f"[{hit.rank}] {hit.citation.label()}  (score {hit.score:.3f})")
        lines.append(f"    source: {hit.citation.source}")
        for text_line in hit.chunk.text.splitlines():
            lines.append(f"    {text_line}")
        for note in hit.citation.footnotes:
            links = " ".join(note.urls) if note.urls else note.text
            lines.append(f"    [{note.number}] {links}")
    return "\n".join(lines)


def _read_questions(path: Path) -> list[dict]:
    questions = []
    for number, item in read_jsonl(path):
        if not isinstance(item, dict) or not isinstance(item.get("question"), str):
            raise InputFileError(f"{path}:{number}: needs a \"question\" string")
        history = item.get("history") or []
        if not isinstance(history, list) or not all(isinstance(h, str) for h in history):
            raise InputFileError(f"{path}:{number}: \"history\" must be a list of earlier questions")
        questions.append({"id": item.get("id", number), "question": item["question"], "history": history})
    return questions


@main.command("search")
@click.argument("question", required=False)
@_index_option
@click.option("--k", type=click.IntRange(1, 100), default=None, help="Passages to return [default: 5; 10 with --questions].")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (one object per question).")
@click.option("--history", multiple=True, help="An earlier user question (repeat, oldest first).")
@click.option("--questions", "questions_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Batch mode: a JSON-lines file of {id, question, history}.")
@click.option("--country", help="Only this country (name, ISO code or demonym).")
@click.option("--family", help="Only this family: mgi-profile or diaspora-mapping.")
@click.option("--domain", help="Only this domain, e.g. \"Migrants' rights\" or \"Obstacles\".")
@click.option("--section", help="Only sections whose heading contains this text.")
@click.option("--polarity", help="Only MGI findings of this polarity: well-developed or further-development.")
@click.option("--model", default=None, help="Embedding model (defaults to the one the index was built with).")
def search_command(
    question: str | None, index_dir: Path, k: int | None, as_json: bool, history: tuple[str, ...],
    questions_file: Path | None, country: str | None, family: str | None, domain: str | None,
    section: str | None, polarity: str | None, model: str | None,
) -> None:
    """Search the index for QUESTION and print cited passages."""
    from mgiassist.assistant import Assistant
    from mgiassist.search import validate_query

    if questions_file is None and question is None:
        raise QueryError("give a QUESTION, or --questions FILE.jsonl for a batch")
    if questions_file is not None and question is not None:
        raise QueryError("give either a QUESTION or --questions, not both")
    batch = _read_questions(questions_file) if questions_file is not None else None
    if question is not None:
        validate_query(question)  # fail before the model takes seconds to load
    assistant = Assistant.load(index_dir, model=model)
    filters = dict(country=country, family=family, domain=domain, section=section, polarity=polarity)
    if batch is None:
        result = assistant.search(question or "", k=k or 5, history=list(history), **filters)
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False) if as_json else _format_text(result))
        return
    for item in batch:
        try:
            result = assistant.search(item["question"], k=k or 10, history=item["history"], **filters)
            payload = {"id": item["id"], **result.to_dict()}
        except QueryError as exc:
            # one bad question must not lose the rest of the batch
            payload = {"id": item["id"], "query": item["question"], "error": str(exc), "abstained": True, "results": []}
        if as_json:
            click.echo(json.dumps(payload, ensure_ascii=False))
        else:
            click.echo(f"# {item['id']}: {item['question']}")
            click.echo(payload["error"] if "error" in payload else _format_text(result))
            click.echo("")


def _register_optional_commands() -> None:
    from mgiassist.cli_ask import ask_command

    main.add_command(ask_command, "ask")
    try:
        from mgiassist.cli_eval import eval_command
    except ModuleNotFoundError as exc:
        if exc.name != "mgiassist.cli_eval":
            raise
        return
    main.add_command(eval_command, "eval")


_register_optional_commands()

if __name__ == "__main__":  # pragma: no cover
    main()
