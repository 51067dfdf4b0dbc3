"""Stage 5 of an evaluation: the report files — report.md (headline, dev/test side by side, reply
states, breakdowns per kind, misses), metrics.json, misses.md, results.jsonl, TREC runs and qrels,
plot.png."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import numpy as np

from mgiassist.evaluate.judging import relevant_key
from mgiassist.evaluate.metrics import metric_label, ranked_ids
from mgiassist.evaluate.questions import STATES
from mgiassist.evaluate.scoring import EvalReport, snippet

__all__ = ["headline_markdown", "write_report"]

_SHORT = ("hit_rate@1", "hit_rate@5", "mrr@{k}")  # the numbers the breakdown tables show


def _fmt(value: float) -> str:
    return "—" if value is None or math.isnan(value) else f"{value:.3f}"


def _md_cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(_md_cell(c) for c in cells) + " |"


def _table(head: list[str], rows: list[list[str]]) -> list[str]:
    return [_row(head), "|" + "---|" * len(head), *(_row(r) for r in rows)]


def _json_safe(value: Any) -> Any:
    """NaN (a metric with nothing to measure) as null: metrics.json must be strict JSON."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    return value


def _headline_table(report: EvalReport) -> list[str]:
    letters = {name: chr(ord("a") + i) for i, name in enumerate(report.retrievers)}
    head = ["retriever", *[metric_label(m) for m in report.metrics], "unanswerable recognised",
            "answerable refused", "median chars"]
    better = report.comparison.get("better", {})
    rows = []
    for name in report.retrievers:
        cells = [f"({letters[name]}) {name}"]
        for metric in report.metrics:
            wins = "".join(letters[b] for b in better.get(name, {}).get(metric, []))
            cells.append(_fmt(report.scores[name][metric]) + (f"<sup>{wins}</sup>" if wins else ""))
        ab = report.abstention[name]
        cells += [_fmt(ab["unanswerable_recognised"]), _fmt(ab["answerable_refused"]), f"{report.median_chars[name]:.0f}"]
        rows.append(cells)
    return _table(head, rows)


def headline_markdown(report: EvalReport) -> str:
    """The headline table alone (for the README)."""
    return "\n".join(_headline_table(report))


def _short_metrics(report: EvalReport) -> list[str]:
    return [m.format(k=report.k) for m in _SHORT]


def _breakdown_table(report: EvalReport, facet: str) -> list[str]:
    """One row per group and retriever: hit@1, hit@5, MRR@k over its answerable questions, and
    abstention (unanswerable recognised, answerable refused)."""
    short = _short_metrics(report)
    head = [facet, "retriever", "questions", "answerable", *[metric_label(m) for m in short],
            "unanswerable recognised", "answerable refused"]
    rows = []
    for group, by_retriever in report.breakdowns[facet].items():
        for name in report.retrievers:
            cell = by_retriever[name]
            rows.append([group, name, str(cell["questions"]), str(cell["n"]), *[_fmt(cell[m]) for m in short],
                         _fmt(cell["unanswerable_recognised"]), _fmt(cell["answerable_refused"])])
    return _table(head, rows)


def _split_table(report: EvalReport) -> list[str]:
    """Dev and test side by side: one row per retriever, the short metrics of each part."""
    splits = [s for s in ("dev", "test") if s in report.breakdowns.get("split", {})]
    short = _short_metrics(report)
    labels = [*[metric_label(m) for m in short], "recognised", "refused"]
    head = ["retriever", *[f"{s} {label}" for s in splits for label in labels]]
    rows = []
    for name in report.retrievers:
        cells = [name]
        for split in splits:
            cell = report.breakdowns["split"][split][name]
            cells += [*[_fmt(cell[m]) for m in short], _fmt(cell["unanswerable_recognised"]),
                      _fmt(cell["answerable_refused"])]
        rows.append(cells)
    counts = ", ".join(
        f"{s}: {next(iter(report.breakdowns['split'][s].values()))['questions']} questions "
        f"({next(iter(report.breakdowns['split'][s].values()))['n']} answerable)" for s in splits
    )
    return [counts + ".", "", *_table(head, rows)]


def _states_section(report: EvalReport) -> list[str]:
    lines = ["## Reply states", ""]
    for name in report.retrievers:
        states = report.states.get(name)
        if not states:
            continue
        source = {"answer": "from `Assistant.answer`", "search": "derived from abstention (abstained → not_covered)",
                  "mixed": "partly from `Assistant.answer`"}[states["source"]]
        lines += [f"**{name}** — {source}; {_fmt(states['accuracy'])} of {states['n']} replies in the expected state.", ""]
        rows = [[f"expected {e}", *[str(states["matrix"][e].get(r, 0)) for r in STATES],
                 _fmt(states["per_state"][e])] for e in STATES]
        lines += [*_table(["", *[f"returned {r}" for r in STATES], "as expected"], rows), ""]
    return lines


def _pointer_line(report: EvalReport) -> list[str]:
    if not report.pointer_qrels:
        return []
    short = _short_metrics(report)
    rows = [[name, *[_fmt(report.pointer_scores[name][m]) for m in short]] for name in report.retrievers]
    return [
        "## Partial questions: the related passage", "",
        (f"{len(report.pointer_qrels)} partial questions name the passage the reply should point to (the destinations "
         "table for a country it does not list); how well each retriever finds it:"), "",
        *_table(["retriever", *[metric_label(m) for m in short]], rows), "",
    ]


def _misses_table(rows: list[dict[str, Any]]) -> list[str]:
    body = []
    for row in rows:
        question = row["question"] + (f" (after: {' / '.join(row['history'])})" if row["history"] else "")
        body.append([row["retriever"], row["id"], row["kind"], question, row["problem"], row["returned"],
                     snippet(row["expected"], 90)])
    return _table(["retriever", "id", "kind", "question", "problem", "returned instead", "expected evidence"], body)


def _primary(report: EvalReport) -> str:
    return next((r for r in report.retrievers if r == "hybrid"), next((r for r in report.retrievers if r != "baseline"), report.retrievers[0]))


def _plot(report: EvalReport, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")  # no display on servers and in the chat page's worker threads
    import matplotlib.pyplot as plt

    metrics = report.metrics
    names = report.retrievers
    width = 0.8 / max(len(names), 1)
    # the legend sits right of the axes: with many tuned retrievers it would hide the bars
    fig, ax = plt.subplots(figsize=(8 + 0.12 * len(names), 4.2 + 0.1 * max(0, len(names) - 12)))
    x = np.arange(len(metrics))
    for i, name in enumerate(names):
        values = [report.scores[name][m] for m in metrics]
        ax.bar(x + (i - (len(names) - 1) / 2) * width, values, width, label=name)
    ax.set_xticks(x, [metric_label(m) for m in metrics])
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("score")
    ax.set_title(f"Retrieval on {len(report.qrels)} answerable questions")
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    ax.grid(axis="y", alpha=0.3)
    fig.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(fig)


def _trec_qrels(qrels: dict[str, dict[str, int]]) -> str:
    """TREC qrels as ranx wrote them: queries sorted by id, judgments highest first, no final newline."""
    return "\n".join(
        f"{qid} 0 {doc} {int(qrels[qid][doc])}"
        for qid in sorted(qrels) for doc in sorted(qrels[qid], key=lambda d: -qrels[qid][d])
    )


def _trec_run(run: dict[str, dict[str, float]], name: str) -> str:
    """A TREC run as ranx wrote it: queries sorted by id, best score first, no final newline."""
    return "\n".join(
        f"{qid} Q0 {doc} {rank} {float(run[qid][doc])} {name}"
        for qid in sorted(run) for rank, doc in enumerate(ranked_ids(run[qid]), start=1)
    )


def _write_runs(report: EvalReport, out: Path, paths: dict[str, Path]) -> None:
    if report.qrels:
        paths["qrels"].write_text(_trec_qrels(report.qrels), encoding="utf-8")
    for name in report.retrievers:
        safe = re.sub(r"[^A-Za-z0-9._=-]+", "_", name)
        run = {q: report.runs[name].get(q) or {"p:none": 0.0} for q in report.questions}
        (out / "runs" / f"{safe}.trec").write_text(_trec_run(run, safe), encoding="utf-8")
    with paths["results"].open("w", encoding="utf-8") as handle:
        for name in report.retrievers:
            for qid, r in report.retrievals[name].items():
                handle.write(json.dumps({
                    "retriever": name, "id": qid, "search_query": r.search_query, "abstained": r.abstained,
                    "state": r.reply_state, "best_cosine": round(r.best_cosine, 4), "error": r.error,
                    # [passage id, profile file, evidence id it contains or null]: compact, the reports are committed
                    "passages": [[p.pid, p.source, relevant_key(report.questions[qid], p)] for p in r.passages],
                }, ensure_ascii=False) + "\n")


def _report_markdown(report: EvalReport) -> list[str]:
    counts = report.to_dict()["questions"]
    primary = _primary(report)
    lines = [
        "# Retrieval evaluation",
        "",
        (f"Question sets: {', '.join(sorted(set(report.sets.values())))} — {counts['total']} questions "
         f"({counts['answerable']} answerable; by kind: {', '.join(f'{k} {v}' for k, v in counts['by_kind'].items())})."),
        (f"Split: {', '.join(f'{k} {v}' for k, v in counts['by_split'].items())}. "
         f"Cut-off k = {report.k}; abstention threshold {report.threshold:.3f} (best passage cosine below it → abstain)."),
        "",
        "## Headline",
        "",
        *_headline_table(report),
        "",
        (f"Superscripts name the retrievers a row beats significantly (paired {report.comparison.get('stat_test', 'student')} "
         f"test, p < {report.comparison.get('max_p', 0.05)}, ranx `compare`). Ranking metrics are over the answerable "
         "questions; *unanswerable recognised* is the share of questions the profiles do not answer (not_covered or "
         "partial) that were not answered, *answerable refused* the share of answerable questions that were; median "
         "chars is over all returned passages."),
        "",
        "![metric by retriever](plot.png)",
        "",
    ]
    if len(report.splits) > 1:
        lines += ["## Dev and test", "", *_split_table(report), ""]
    lines += _states_section(report) + _pointer_line(report)
    if report.calibration:
        c = report.calibration
        lines += [
            "## Calibration", "",
            (f"Chosen abstention threshold **{c.threshold:.3f}** over {c.questions} questions: precision "
             f"{_fmt(c.precision)}, recall {_fmt(c.recall)}, false abstention on answerable {_fmt(c.false_abstention)} "
             f"(Youden J {c.youden:.3f}, allowed false abstention ≤ {c.max_false_abstention:.2f}; ROC AUC of the best "
             f"cosine {c.auc:.3f}). Stored with the index (calibration.json)."), "",
        ]
    for facet in ("kind", "expected_state", "family", "domain"):
        lines += [f"## By {facet.replace('_', ' ')}", "", *_breakdown_table(report, facet), ""]
    primary_misses = [m for m in report.misses if m["retriever"] == primary]
    lines += [
        f"## Misses of {primary}", "",
        (f"{len(primary_misses)} questions where the top passage is not relevant, an answerable question was refused "
         "or an unanswerable one answered; every retriever's misses are in [misses.md](misses.md)."), "",
        *(_misses_table(primary_misses) if primary_misses else ["None."]), "",
    ]
    if report.warnings:
        lines += ["## Warnings", "", *[f"- {w}" for w in report.warnings], ""]
    lines += [
        "## Files", "",
        ("`metrics.json` (all numbers, with every breakdown), `runs/*.trec` and `qrels.trec` (TREC format; a relevant "
         "passage carries the id of the evidence it contains, `ev0`…, so every retriever shares one qrels), "
         "`results.jsonl` (returned passage ids and reply state per question), `misses.md`, `plot.png`."), "",
    ]
    return lines


def write_report(report: EvalReport, out_dir: Path | str) -> dict[str, Path]:
    """Write report.md, metrics.json, misses.md, results.jsonl, qrels.trec, runs/*.trec and plot.png."""
    out = Path(out_dir)
    (out / "runs").mkdir(parents=True, exist_ok=True)
    paths = {
        "report": out / "report.md", "metrics": out / "metrics.json", "plot": out / "plot.png",
        "misses": out / "misses.md", "results": out / "results.jsonl", "qrels": out / "qrels.trec",
    }
    _plot(report, paths["plot"])
    paths["metrics"].write_text(
        json.dumps(_json_safe(report.to_dict()), indent=2, ensure_ascii=False, allow_nan=False, default=str), encoding="utf-8"
    )
    _write_runs(report, out, paths)
    paths["misses"].write_text("\n".join(["# Misses", "", *(_misses_table(report.misses) or [])]) + "\n", encoding="utf-8")
    paths["report"].write_text("\n".join(_report_markdown(report)), encoding="utf-8")
    return paths
