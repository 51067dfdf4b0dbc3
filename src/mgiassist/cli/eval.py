"""``mgiassist eval``: parse options, call :func:`mgiassist.evaluate.evaluate`, print the headline."""

from __future__ import annotations

from pathlib import Path

import click

__all__ = ["eval_command"]


@click.command("eval")
@click.argument("questions", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--index", "index_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("index"),
              show_default=True, help="Index folder (question sets with a .corpus.json sidecar or BEIR folders "
              "are indexed separately into a cache folder).")
@click.option("--retrievers", default="bm25,dense,hybrid,baseline", show_default=True,
              help="Comma-separated: bm25, dense, hybrid, baseline, or presets with settings such as "
              "'convex(alpha=0.4)', 'rrf(rrf_k=20;dense_weight=2)', 'hybrid(history=0)', "
              "'baseline(chunk_size=500;chunk_overlap=100)'.")
@click.option("--k", type=click.IntRange(1, 100), default=10, show_default=True, help="Passages per question.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Write report.md, metrics.json, runs, plot and misses here.")
@click.option("--qrels", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="TREC qrels judging the questions by document id (chunk id or profile file name).")
@click.option("--calibrate", is_flag=True,
              help="Choose the abstention threshold on these questions and store it with the index.")
@click.option("--max-false-abstention", type=click.FloatRange(0, 1), default=0.0, show_default=True,
              help="With --calibrate: the largest share of answerable questions the threshold may abstain on.")
@click.option("--split", type=click.Choice(["dev", "test", "all"]), default="all", show_default=True,
              help="The part of each set to run: dev (tune on it), test (frozen: report it), or all (both, "
              "reported side by side).")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def eval_command(
    questions: tuple[Path, ...], index_dir: Path, retrievers: str, k: int, out_dir: Path | None,
    qrels: Path | None, calibrate: bool, max_false_abstention: float, split: str, quiet: bool,
) -> None:
    """Score retrievers on judged QUESTIONS (JSON-lines sets or BEIR folders)."""
    from mgiassist.evaluate import evaluate, headline_markdown

    report = evaluate(
        list(questions), index_dir=index_dir, retrievers=retrievers, k=k, out_dir=out_dir,
        calibrate=calibrate, max_false_abstention=max_false_abstention, qrels=qrels, progress=not quiet,
        split=split,
    )
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(headline_markdown(report))
    if report.calibration is not None:
        c = report.calibration
        click.echo(
            f"\nabstention threshold {c.threshold:.3f} stored with {index_dir} "
            f"(precision {c.precision:.2f}, recall {c.recall:.2f}, false abstention {c.false_abstention:.2f}, "
            f"ROC AUC {c.auc:.2f})"
        )
    if out_dir is not None:
        click.echo(f"\nreport written to {out_dir / 'report.md'}")
