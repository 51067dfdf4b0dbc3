"""The ``mgiassist`` command: a thin layer that parses options, calls the library and prints."""

from __future__ import annotations

import importlib
import importlib.util
import json
import logging
import os
import sys
from pathlib import Path
from typing import NoReturn

import click

from mgiassist.cli.batch import read_questions, warn_unreadable
from mgiassist.cli.options import conversation_options, filter_options
from mgiassist.embed import BACKENDS
from mgiassist.errors import MgiassistError, QueryError
from mgiassist.schema import SearchResult

__all__ = ["main"]


def _one_line(text: str) -> str:
    lines = [line.strip() for line in str(text).splitlines() if line.strip()]
    line = "; ".join(lines) or "failed"
    return line[:1].lower() + line[1:] if line[:2] != line[:2].upper() else line


def _fail(message: str) -> NoReturn:
    click.echo(f"error: {_one_line(message)}", err=True)
    sys.exit(2)


# Commands whose module is imported only when the command runs (``eval`` pulls in scipy and
# matplotlib, from the optional ``[eval]`` extra): listing them in --help costs no import.
_LAZY_COMMANDS = {
    "eval": ("mgiassist.cli.eval", "eval_command"),
    "inspect": ("mgiassist.cli.inspect", "inspect_command"),
    "ask": ("mgiassist.cli.ask", "ask_command"),
    "serve": ("mgiassist.cli.serve", "serve_command"),
    "compare": ("mgiassist.cli.compare", "compare_command"),
    "editions": ("mgiassist.cli.editions", "editions_command"),
    "diff": ("mgiassist.cli.diff", "diff_command"),
}
# Kept in step with mgiassist.embed.BACKENDS without importing it at start-up.


class _OneLineErrors(click.Group):
    """Every failure ends in one ``error: …`` line on stderr and exit status 2: library errors,
    click's own usage errors, interrupts, OS errors and bugs alike; never a traceback, never
    click's ``Aborted!``. ``MGIASSIST_DEBUG=1`` lets unexpected exceptions through."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        lazy = [name for name, (module, _) in _LAZY_COMMANDS.items() if _module_exists(module)]
        return sorted({*super().list_commands(ctx), *lazy})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        command = super().get_command(ctx, name)
        if command is None and name in _LAZY_COMMANDS:
            module_name, attribute = _LAZY_COMMANDS[name]
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError as exc:
                if exc.name != module_name:
                    raise
                return None
            command = getattr(module, attribute)
        return command

    def invoke(self, ctx: click.Context):  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except MgiassistError as exc:
            _fail(str(exc))
        except (KeyboardInterrupt, EOFError):
            _fail("interrupted")
        except OSError as exc:
            _fail(f"{exc.strerror or exc}" + (f": {exc.filename}" if exc.filename else ""))
        except Exception as exc:
            if os.environ.get("MGIASSIST_DEBUG"):
                raise
            first = (str(exc).strip().splitlines() or [""])[0][:300]
            _fail(f"unexpected {type(exc).__name__}: {first} (MGIASSIST_DEBUG=1 shows the traceback;"
                  " please report it)")

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):  # type: ignore[override]
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.UsageError as exc:
            hint = f" (see `{exc.ctx.command_path} --help`)" if exc.ctx is not None else ""
            _fail(exc.format_message() + hint)
        except click.ClickException as exc:
            _fail(exc.format_message())
        except click.Abort:
            _fail("interrupted")
        sys.exit(code if isinstance(code, int) else 0)


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


def _module_exists(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


_backend_option = click.option(
    "--backend", type=click.Choice(BACKENDS), default=None,
    help="Embedding runtime: onnx (ONNX Runtime, the default) or torch (sentence-transformers),"
    " which give the same vectors; or onnx-int8 (quantised, faster, slightly lower quality; an"
    " index built with it is searched with it). Env MGIASSIST_BACKEND.",
)

_index_option = click.option(
    "--index", "index_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("index"),
    show_default=True, help="Index folder.",
)


@main.command("index")
@click.option("--corpus", "corpus_dir", type=click.Path(path_type=Path), default=Path("corpus"), show_default=True,
              help="Folder of profiles (.txt, .md, .html, .pdf, .docx).")
@_index_option
@click.option("--model", default="all-MiniLM-L6-v2", show_default=True,
              help="sentence-transformers model name or local folder.")
@click.option("--faiss", "faiss_kind", type=click.Choice(["flat", "hnsw"]), default="flat", show_default=True,
              help="FAISS index kind; hnsw for large corpora.")
@click.option("--force", is_flag=True, help="Re-embed every chunk even if nothing changed.")
@click.option("--check", is_flag=True,
              help="Only report whether the index is missing, damaged, stale or current (exit 1 unless current).")
@click.option("--no-wait", is_flag=True, help="If another run is building this index, exit 2 instead of waiting.")
@click.option("--max-file-mb", type=click.FloatRange(min=0, min_open=True), default=10.0, show_default=True,
              help="Skip (with a warning) any profile file larger than this.")
@click.option("--file-timeout", "file_seconds", type=click.FloatRange(min=0, min_open=True), default=60.0,
              show_default=True, metavar="SECONDS",
              help="Skip (with a warning) any profile file whose reading takes longer than this.")
@click.option("--file-memory", "file_memory_mb", type=click.IntRange(min=100), default=1500, show_default=True,
              metavar="MB", help="Skip (with a warning) any profile file whose reading needs more memory than this.")
@_backend_option
def index_command(corpus_dir: Path, index_dir: Path, model: str, faiss_kind: str, force: bool, check: bool,
                  no_wait: bool, max_file_mb: float, file_seconds: float, file_memory_mb: int,
                  backend: str | None) -> None:
    """Build, refresh or repair the index (only added or changed profiles are embedded)."""
    from mgiassist.index import build_index, index_status
    from mgiassist.ingest import Bounds

    if check:
        status = index_status(index_dir, corpus_dir, model, deep=True)
        click.echo(status.message())
        sys.exit(0 if status.state == "current" else 1)
    ingest_log, quiet = logging.getLogger("mgiassist.ingest"), logging.NullHandler()
    ingest_log.addHandler(quiet)
    ingest_log.propagate = False  # its warnings are printed below, once each, with the report
    try:
        report = build_index(corpus_dir, index_dir, model=model, faiss_kind=faiss_kind, force=force,
                             max_file_bytes=int(max_file_mb * 1024 * 1024), wait=not no_wait, backend=backend,
                             bounds=Bounds(seconds=file_seconds, memory_mb=file_memory_mb),
                             on_wait=lambda message: click.echo(f"{message}…", err=True))
    finally:
        ingest_log.propagate = True
        ingest_log.removeHandler(quiet)
    for entry in report.ingestion:
        click.echo(entry.line())
        for warning in entry.warnings:
            click.echo(f"  warning: {warning}", err=True)
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


@main.command("search")
@click.argument("question", required=False)
@_index_option
@click.option("--k", type=click.IntRange(1, 100), default=None, help="Passages to return [default: 5; 10 with --questions].")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (one object per question).")
@conversation_options("Batch mode: a JSON-lines file of {id, question, history}.")
@filter_options(section=True)
@click.option("--model", default=None, help="Embedding model (defaults to the one the index was built with).")
@_backend_option
def search_command(
    question: str | None, index_dir: Path, k: int | None, as_json: bool, history: tuple[str, ...],
    questions_file: Path | None, country: str | None, family: str | None, domain: str | None,
    section: str | None, polarity: str | None, edition: str | None, model: str | None, backend: str | None,
) -> None:
    """Search the index for QUESTION and print cited passages."""
    from mgiassist.assistant import Assistant
    from mgiassist.search.searcher import validate_query

    if questions_file is None and question is None:
        raise QueryError("give a QUESTION, or --questions FILE.jsonl for a batch")
    if questions_file is not None and question is not None:
        raise QueryError("give either a QUESTION or --questions, not both")
    batch = read_questions(questions_file) if questions_file is not None else None
    if question is not None:
        validate_query(question)  # fail before the model takes seconds to load
    embedder = None
    if backend is not None:
        from mgiassist.embed import load_embedder
        from mgiassist.index import read_manifest

        embedder = load_embedder(model or read_manifest(index_dir).model_id, backend=backend)
    assistant = Assistant.load(index_dir, model=model, embedder=embedder)
    filters = {"country": country, "family": family, "domain": domain, "section": section,
               "polarity": polarity, "edition": edition}
    search = assistant.search
    if batch is None:
        result = search(question or "", k=k or 5, history=list(history), **filters)
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False) if as_json else _format_text(result))
        return
    warn_unreadable(batch, questions_file)
    for item in batch:
        _answer_batch_item(search, item, k or 10, filters, as_json)


def _answer_batch_item(search, item: dict, k: int, filters: dict, as_json: bool) -> None:
    result = None
    if "error" in item:
        payload = {"id": item["id"], "error": item["error"], "abstained": True, "results": []}
    else:
        try:
            result = search(item["question"], k=k, history=item["history"], **filters)
            payload = {"id": item["id"], **result.to_dict()}
        except QueryError as exc:
            # one bad question must not lose the rest of the batch
            payload = {"id": item["id"], "query": item["question"], "error": str(exc), "abstained": True, "results": []}
    if as_json:
        click.echo(json.dumps(payload, ensure_ascii=False))
    else:
        click.echo(f"# {item['id']}: {item.get('question', '')}")
        click.echo(f"error: {payload['error']}" if result is None else _format_text(result))
        click.echo("")


if __name__ == "__main__":  # pragma: no cover
    main()
