"""The "Evaluate" tab of the chat page: run :func:`mgiassist.evaluate.evaluate` on a question set.

The chat page calls :func:`build_evaluate_tab` inside ``with gr.Tab("Evaluate"):``. Everything
here is presentation; scoring, reports and plots come from the library.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any

import gradio as gr

from mgiassist.errors import MgiassistError

__all__ = ["QUESTIONS_DIR", "build_evaluate_tab", "run_evaluation", "shipped_sets"]

QUESTIONS_DIR = Path(__file__).resolve().parents[1] / "eval" / "questions"
_MISS_COLUMNS = ["retriever", "id", "kind", "question", "problem", "returned instead", "expected evidence"]
_EMBEDDERS: dict[str, Any] = {}
_LOCK = threading.Lock()


def shipped_sets(folder: Path = QUESTIONS_DIR) -> list[str]:
    """The question sets shipped in eval/questions/, by file name."""
    return sorted(p.name for p in folder.glob("*.jsonl")) if folder.is_dir() else []


def _embedder(index_dir: str) -> Any:
    """One model per index per process: loading it takes seconds, a run should not pay it twice
    (the chat page hands over the model it already loaded)."""
    from mgiassist.embed import load_embedder
    from mgiassist.index import load_index

    with _LOCK:
        if index_dir not in _EMBEDDERS:
            _EMBEDDERS[index_dir] = load_embedder(load_index(index_dir).model_id)
        return _EMBEDDERS[index_dir]


def run_evaluation(
    index_dir: str,
    chosen: list[str] | None,
    uploaded: str | None,
    retrievers: str,
    k: int,
    progress: Any = None,
) -> tuple[str, str | None, list[list[str]], str | None]:
    """Headline markdown, plot path, misses rows and a zip of the report, for one run."""
    from mgiassist.evaluate import evaluate, headline_markdown

    paths = [QUESTIONS_DIR / name for name in (chosen or [])]
    if uploaded:
        paths.append(Path(uploaded))
    if not paths:
        raise gr.Error("Pick a question set from eval/questions/ or upload a .jsonl file.")
    out_dir = Path(tempfile.mkdtemp(prefix="mgiassist-eval-"))

    def report_progress(done: int, total: int) -> None:
        if progress is not None:
            progress(done / max(total, 1), desc=f"{done}/{total} searches")

    try:
        report = evaluate(
            paths, index_dir=index_dir, retrievers=retrievers or "hybrid,baseline", k=int(k), out_dir=out_dir,
            embedder=_embedder(index_dir), progress=False, on_progress=report_progress,
        )
    except MgiassistError as exc:
        raise gr.Error(str(exc)) from None
    summary = [
        (f"**{len(report.questions)} questions** ({len(report.qrels)} answerable), k = {report.k}, "
        f"abstention threshold {report.threshold:.2f}."),
        "",
        headline_markdown(report),
    ]
    if report.warnings:
        summary += ["", "Warnings:", *[f"- {w}" for w in report.warnings[:20]]]
    misses = [
        [m["retriever"], m["id"], m["kind"], m["question"], m["problem"], m["returned"], m["expected"]]
        for m in report.misses
    ]
    archive = shutil.make_archive(str(out_dir.parent / f"{out_dir.name}-report"), "zip", out_dir)
    return "\n".join(summary), str(out_dir / "plot.png"), misses, archive


def build_evaluate_tab(index_dir: str, embedder: Any = None) -> None:
    """Lay out the tab's controls and wire the run button (call inside ``gr.Tab``). ``embedder``:
    the model the page already loaded for this index, so the tab does not load a second copy."""
    if embedder is not None:
        with _LOCK:
            _EMBEDDERS.setdefault(index_dir, embedder)
    gr.Markdown(
        "Score retrieval on a judged question set (see `eval/questions/README.md` for the format). "
        "Each retriever is compared with the generic baseline: 1,000-character chunks, same model, FAISS flat."
    )
    with gr.Row():
        chosen = gr.Dropdown(
            choices=shipped_sets(), value=shipped_sets()[:1],
            multiselect=True, label="Question sets in eval/questions/", elem_id="mgi-eval-sets",
        )
        uploaded = gr.File(label="…or upload a question set (.jsonl)", file_types=[".jsonl"], type="filepath",
                           elem_id="mgi-eval-upload", height=90)
    with gr.Row():
        retrievers = gr.Textbox(value="bm25,dense,hybrid,baseline", label="Retrievers", elem_id="mgi-eval-retrievers")
        k = gr.Number(value=10, precision=0, minimum=1, maximum=100, label="k", elem_id="mgi-eval-k")
        run = gr.Button("Run evaluation", variant="primary", elem_id="mgi-eval-run")
    headline = gr.Markdown(elem_id="mgi-eval-headline")
    plot = gr.Image(label="Metric by retriever", type="filepath", interactive=False, elem_id="mgi-eval-plot")
    misses = gr.Dataframe(headers=_MISS_COLUMNS, label="Misses (top passage not relevant, or answered when it should abstain)",
                          interactive=False, wrap=True, elem_id="mgi-eval-misses")
    download = gr.File(label="Report (report.md, metrics.json, runs, plot, misses)", interactive=False,
                       elem_id="mgi-eval-download", height=90)

    def on_run(sets: list[str] | None, upload: str | None, names: str, cutoff: float,
               progress: gr.Progress = gr.Progress()):  # noqa: B008 - gradio injects progress this way
        return run_evaluation(index_dir, sets, upload, names, int(cutoff or 10), progress)

    run.click(on_run, [chosen, uploaded, retrievers, k], [headline, plot, misses, download], api_visibility="private")
