"""The "Evaluate" tab of the chat page: run :func:`mgiassist.evaluate.evaluate` on a question set.

The chat page calls :func:`build_evaluate_tab` inside ``with gr.Tab("Evaluate"):``. Everything
here is presentation; scoring, reports and plots come from the library.
"""

from __future__ import annotations

import base64
import html
import math
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any

import gradio as gr

from mgiassist.errors import MgiassistError

__all__ = [
    "QUESTIONS_DIR",
    "build_evaluate_tab",
    "misses_html",
    "plain_summary",
    "run_evaluation",
    "shipped_sets",
]

# the repository's eval/questions/ (src/mgiassist/page/ is three levels below it); absent when the
# package is installed without the repository, and then the tab offers uploads only
QUESTIONS_DIR = Path(__file__).resolve().parents[3] / "eval" / "questions"
_EMBEDDERS: dict[str, Any] = {}
_LOCK = threading.Lock()
# One evaluation at a time per process: a run takes every core it can get, and writing the
# report draws its plot with matplotlib's pyplot, whose figure state is shared by all threads.
# (The metrics need no warm-up: they are plain numpy, with no JIT to compile first.)
_EVAL_LOCK = threading.Lock()
_SHOWN_MISSES = 200


def shipped_sets(folder: Path = QUESTIONS_DIR) -> list[str]:
    """The question sets shipped in eval/questions/, by file name."""
    return sorted(p.name for p in folder.glob("*.jsonl")) if folder.is_dir() else []


# The set chosen when the tab opens: the seed profiles' own questions (README, "The shipped
# sets"), not whichever file sorts first.
DEFAULT_SET = "cambodia-seeds.jsonl"


def default_sets(folder: Path = QUESTIONS_DIR) -> list[str]:
    shipped = shipped_sets(folder)
    return [DEFAULT_SET] if DEFAULT_SET in shipped else shipped[:1]


def _embedder(index_dir: str) -> Any:
    """One model per index per process: loading it takes seconds, a run should not pay it twice
    (the chat page hands over the model it already loaded)."""
    from mgiassist.embed import load_embedder
    from mgiassist.index import load_index

    with _LOCK:
        if index_dir not in _EMBEDDERS:
            _EMBEDDERS[index_dir] = load_embedder(load_index(index_dir).model_id)
        return _EMBEDDERS[index_dir]


def _known(value: Any) -> bool:
    return isinstance(value, int | float) and not math.isnan(value)


def _pct(value: float) -> str:
    return f"{100 * value:.0f} %"


def _primary(report: Any) -> str:
    names = list(report.retrievers)
    return "hybrid" if "hybrid" in names else next((n for n in names if n != "baseline"), names[0])


def plain_summary(report: Any) -> str:
    """The headline in plain words, for the main retriever (hybrid when it ran)."""
    name = _primary(report)
    parts = []
    hit = report.scores.get(name, {}).get("hit_rate@1")
    if _known(hit):
        parts.append(f"{name} puts a relevant passage first for {_pct(hit)} of answerable questions")
    ab = report.abstention.get(name, {})
    if ab.get("unanswerable"):
        recall = ab.get("recall")
        if _known(recall):
            parts.append(f"{_pct(1 - recall)} of unanswerable questions still get an answer")
    false = ab.get("false_abstention")
    if _known(false):
        parts.append(f"{_pct(false)} of answerable questions are wrongly refused")
    return ("**In short:** " + "; ".join(parts) + ".") if parts else ""


def _legend(report: Any) -> str:
    letters = ", ".join(f"({chr(ord('a') + i)}) {n}" for i, n in enumerate(report.retrievers))
    test = report.comparison.get("stat_test", "student")
    test = "paired t-test" if test == "student" else f"{test} test"
    max_p = report.comparison.get("max_p", 0.05)
    return (
        f"*Superscript letters:* a score marked with a retriever's letter is significantly better "
        f"than that retriever's ({test}, p < {max_p}). Letters: {letters}. "
        "*abstain P / R*: of the questions a retriever refused, how many were really unanswerable "
        "(precision), and of the unanswerable ones, how many it refused (recall)."
    )


def _plot_html(path: str | None) -> str:
    # An <img> with its own alt text: Gradio's image component adds an unnamed button (axe).
    if not path or not Path(path).is_file():
        return ""
    data = base64.b64encode(Path(path).read_bytes()).decode("ascii")
    return (
        f'<img class="mgi-plot" src="data:image/png;base64,{data}" '
        'alt="Bar chart: each metric by retriever (the same numbers as the table above)">'
    )


def misses_html(misses: list[dict[str, Any]]) -> str:
    """The misses as wrapped cards (question, problem, what came back, what was expected)."""
    if not misses:
        return '<p class="mgi-misses-none">No misses.</p>'
    cards = []
    for miss in misses[:_SHOWN_MISSES]:
        question = str(miss.get("question", ""))
        if miss.get("history"):
            question += f" (after: {' / '.join(miss['history'])})"
        rows = [
            ("Question", question),
            ("Problem", miss.get("problem", "")),
            ("Returned instead", miss.get("returned", "")),
            ("Expected evidence", miss.get("expected", "")),
        ]
        items = "".join(
            f"<dt>{html.escape(k)}</dt><dd>{html.escape(str(v))}</dd>" for k, v in rows if v
        )
        head = " · ".join(str(miss.get(k, "")) for k in ("retriever", "id", "kind"))
        cards.append(
            f'<div class="mgi-miss"><div class="mgi-miss-head">{html.escape(head)}</div>'
            f"<dl>{items}</dl></div>"
        )
    more = len(misses) - _SHOWN_MISSES
    tail = f"<p>…and {more} more in the report's misses file.</p>" if more > 0 else ""
    return f'<div class="mgi-misses">{"".join(cards)}</div>{tail}'


def run_evaluation(
    index_dir: str,
    chosen: list[str] | None,
    uploaded: str | None,
    retrievers: str,
    k: int,
    progress: Any = None,
) -> tuple[str, str | None, str, str | None]:
    """Headline markdown, plot path, misses HTML and a zip of the report, for one run."""
    from mgiassist.evaluate import evaluate, headline_markdown

    paths = [QUESTIONS_DIR / name for name in (chosen or [])]
    if uploaded:
        paths.append(Path(uploaded))
    if not paths:
        raise gr.Error("Pick a question set from eval/questions/ or upload a .jsonl file.")
    out_dir = Path(tempfile.mkdtemp(prefix="mgiassist-eval-"))

    def report_progress(done: int, total: int) -> None:
        if progress is None:
            return
        if done < total:
            progress(done / max(total, 1), desc=f"Searching: {done}/{total} searches")
        else:
            progress(None, desc="Scoring: ranking metrics and significance tests…")

    if _EVAL_LOCK.acquire(blocking=False):
        _EVAL_LOCK.release()
    elif progress is not None:
        progress(None, desc="Waiting: another evaluation is running…")
    try:
        with _EVAL_LOCK:
            report = evaluate(
                paths, index_dir=index_dir, retrievers=retrievers or "hybrid,baseline", k=int(k),
                out_dir=out_dir, embedder=_embedder(index_dir), progress=False,
                on_progress=report_progress,
            )
    except MgiassistError as exc:
        raise gr.Error(str(exc)) from None
    summary = [
        (f"**{len(report.questions)} questions** ({len(report.qrels)} answerable), k = {report.k}, "
        f"abstention threshold {report.threshold:.2f}."),
        "",
        plain_summary(report),
        "",
        headline_markdown(report),
        "",
        _legend(report),
    ]
    if report.warnings:
        summary += ["", "Warnings:", *[f"- {w}" for w in report.warnings[:20]]]
    misses = misses_html(report.misses)
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
            choices=shipped_sets(), value=default_sets(),
            multiselect=True, label="Question sets in eval/questions/", elem_id="mgi-eval-sets",
        )
        uploaded = gr.File(label="…or upload a question set (.jsonl)", file_types=[".jsonl"], type="filepath",
                           elem_id="mgi-eval-upload", height=130)
    with gr.Row():
        retrievers = gr.Textbox(value="bm25,dense,hybrid,baseline", label="Retrievers", elem_id="mgi-eval-retrievers")
        k = gr.Number(value=10, precision=0, minimum=1, maximum=100, label="k", elem_id="mgi-eval-k")
        run = gr.Button("Run evaluation", variant="primary", elem_id="mgi-eval-run")
    headline = gr.Markdown(elem_id="mgi-eval-headline")
    plot = gr.HTML("", elem_id="mgi-eval-plot")
    gr.Markdown("### Misses\nQuestions whose top passage was not relevant, or that were answered "
                "when the profiles do not cover them.")
    misses = gr.HTML("", elem_id="mgi-eval-misses")
    download = gr.File(label="Report (report.md, metrics.json, runs, plot, misses)", interactive=False,
                       elem_id="mgi-eval-download", height=90)

    def on_run(sets: list[str] | None, upload: str | None, names: str, cutoff: float,
               progress: gr.Progress = gr.Progress()):  # noqa: B008 - gradio injects progress this way
        headline, plot_path, misses, archive = run_evaluation(
            index_dir, sets, upload, names, int(cutoff or 10), progress
        )
        return headline, _plot_html(plot_path), misses, archive

    run.click(on_run, [chosen, uploaded, retrievers, k], [headline, plot, misses, download], api_visibility="private")
