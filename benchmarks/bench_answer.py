"""What one chat turn costs in the library, side by side in one run. Numbers only, no asserts.

``Assistant.answer`` over the questions of the shipped sets, in process (no page, no HTTP):

* **fresh** — each question asked once, as a new user's question is: the query and its words the
  corpus never uses are encoded, the judge scores the top passages' sentences, the answer is
  composed;
* **repeated** — the same questions again, as a page sees a popular question: encodes come from
  the caches.

Each configuration (``--configs``: ``default`` and ``no-neighbours``, i.e. ``neighbour_weight=0``)
runs in its own fresh process, the configurations interleaved ``--repeats`` times, so that a noisy
machine moves them alike; compare them as ratios. ``--src`` runs another checkout's code (for a
"before" column) on an index it built.

    .venv/bin/python benchmarks/bench_answer.py --index /tmp/final-index --repeats 2
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CONFIGS = {"default": {}, "no-neighbours": {"neighbour_weight": 0.0}}


def _questions(limit: int) -> list[str]:
    questions: list[str] = []
    for path in sorted((REPO / "eval" / "questions").glob("cambodia-*.jsonl")):
        questions += [json.loads(line)["question"] for line in path.read_text(encoding="utf-8").splitlines()
                      if line.strip()]
    return list(dict.fromkeys(questions))[:limit]


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def measure(index: str, overrides: dict, limit: int) -> dict:
    """Run in the child process: load, warm up on one question, then time each answer."""
    import dataclasses

    from mgiassist.assistant import Assistant
    from mgiassist.search.settings import SearchSettings

    started = time.perf_counter()
    settings = dataclasses.replace(SearchSettings(), **overrides) if overrides else None
    assistant = Assistant.load(index, settings=settings)
    assistant.answer("Can nationals vote from abroad?")
    cold = time.perf_counter() - started
    questions = _questions(limit)
    timings: dict[str, list[float]] = {"fresh": [], "repeated": []}
    for values in timings.values():  # fresh, then repeated: the same questions again
        for question in questions:
            start = time.perf_counter()
            assistant.answer(question)
            values.append(1000 * (time.perf_counter() - start))
    row = {"load + first answer s": round(cold, 2), "questions": len(questions)}
    for phase, values in timings.items():
        row[f"{phase} p50 ms"] = round(statistics.median(values), 1)
        row[f"{phase} p95 ms"] = round(_percentile(values, 0.95), 1)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True, help="an index built by the code measured")
    parser.add_argument("--configs", default=",".join(CONFIGS), help=f"of {', '.join(CONFIGS)}")
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--src", type=Path, default=REPO / "src", help="the source tree to measure")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(measure(args.index, CONFIGS[args.child], args.questions)))
        return
    environment = {**os.environ, "PYTHONPATH": str(args.src), "HF_HUB_OFFLINE": "1"}
    rows = []
    for _ in range(args.repeats):
        for name in args.configs.split(","):
            if name not in CONFIGS:
                sys.exit(f"error: unknown config {name!r}; choose from {', '.join(CONFIGS)}")
            child = subprocess.run(
                [sys.executable, __file__, "--index", args.index, "--questions", str(args.questions),
                 "--child", name], capture_output=True, text=True, env=environment, check=False,
            )
            if child.returncode != 0:
                sys.exit(f"error: {name}: {child.stderr.strip().splitlines()[-1] if child.stderr else 'failed'}")
            rows.append({"config": name, **json.loads(child.stdout.strip().splitlines()[-1])})
    print(f"load average {os.getloadavg()[0]:.2f}; source {args.src}")
    keys = [k for k in rows[0] if k != "config"]
    print("| config | " + " | ".join(keys) + " |")
    print("|---" * (len(keys) + 1) + "|")
    for row in rows:
        print(f"| {row['config']} | " + " | ".join(str(row[k]) for k in keys) + " |")


if __name__ == "__main__":
    main()
