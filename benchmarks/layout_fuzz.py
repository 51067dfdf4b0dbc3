"""The layout fuzzer's distribution: section F1 and footnote recall of the PDF reader over N
random layouts (``mgiassist.evaluate.layout_fuzz``), with the worst layouts named.

    .venv/bin/python benchmarks/layout_fuzz.py --n 1000 [--start 0] [--work /tmp/fuzz] [--jobs 2]
        [--rows rows.jsonl] [--variety]

``--variety`` draws the wider layouts (three columns, a sidebar, a boxed opening part;
``layout_fuzz.varied_layout``), a distribution of its own: without it the seeds are the same
layouts as before.

``--rows`` writes one JSON object per layout (seed, section F1, footnote recall, layout, file), so
two runs can be compared seed by seed.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
import time
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path


def _one(args: tuple) -> tuple[int, float, float, str, str, tuple[str, ...]]:
    from mgiassist.evaluate.layout_fuzz import run

    seed, folder, *rest = args
    try:
        score, layout, name = run(seed, Path(folder), variety=bool(rest and rest[0]))
    except Exception as exc:  # noqa: BLE001 - a layout that cannot be typeset or read is a result too
        return seed, 0.0, 0.0, f"error {type(exc).__name__}: {exc}"[:120], "", ()
    for path in Path(folder).glob(f"fuzz-{seed}-*"):
        path.unlink()
    return seed, score.section_f1, score.footnote_recall, str(layout), name, score.missing[:2]


def _bar(values: list[float]) -> str:
    bins = Counter(min(9, int(v * 10)) for v in values)
    return "  ".join(f"{b / 10:.1f}-{(b + 1) / 10:.1f}: {bins[b]}" for b in range(10) if bins[b])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--start", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--worst", type=int, default=10, help="How many of the worst layouts to show.")
    parser.add_argument("--rows", type=Path, default=None, help="Write every layout's scores here (JSON lines).")
    parser.add_argument("--variety", action="store_true", help="The wider layouts: 3 columns, sidebar, boxed part.")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="layout-fuzz-"))
    work.mkdir(parents=True, exist_ok=True)
    seeds = [(s, str(work), args.variety) for s in range(args.start, args.start + args.n)]
    started = time.perf_counter()
    if args.jobs > 1:
        with ProcessPoolExecutor(args.jobs) as pool:
            rows = list(pool.map(_one, seeds, chunksize=4))
    else:
        rows = [_one(s) for s in seeds]
    took = time.perf_counter() - started
    f1 = [r[1] for r in rows]
    recall = [r[2] for r in rows]
    n = len(rows)
    print(f"{n} layouts (seeds {args.start}-{args.start + n - 1}) in {took:.0f} s")
    print(f"section F1: median {statistics.median(f1):.3f}, mean {statistics.mean(f1):.3f}, "
          f">= 0.95: {sum(v >= 0.95 for v in f1) / n:.1%}, = 1: {sum(v == 1 for v in f1) / n:.1%}")
    print(f"  histogram: {_bar(f1)}")
    print(f"footnote recall: median {statistics.median(recall):.3f}, mean {statistics.mean(recall):.3f}, "
          f">= 0.95: {sum(v >= 0.95 for v in recall) / n:.1%}")
    print(f"  histogram: {_bar(recall)}")
    by: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for _, value, _, layout, _, _ in rows:
        parts = layout.split()
        for key in ("bullet", "heading", "cols", "notes", "markers", "table", "sidebar", "boxed"):
            if key in parts:
                by[key][parts[parts.index(key) + 1]].append(value)
    print("share with section F1 >= 0.95 by choice:")
    for key, groups in by.items():
        print(f"  {key}: " + ", ".join(f"{k} {sum(v >= 0.95 for v in vs) / len(vs):.0%} ({len(vs)})"
                                       for k, vs in sorted(groups.items())))
    print("worst layouts:")
    for seed, value, rec, layout, name, missing in sorted(rows, key=lambda r: (r[1], r[2]))[: args.worst]:
        print(f"  seed {seed}: F1 {value:.3f}, recall {rec:.3f}, {name}: {layout}")
        for m in missing:
            print(f"      missing {m}")
    if args.rows is not None:
        with args.rows.open("w", encoding="utf-8") as out:
            for seed, value, rec, layout, name, missing in rows:
                out.write(json.dumps({"seed": seed, "section_f1": value, "footnote_recall": rec,
                                      "layout": layout, "file": name, "missing": list(missing)}) + "\n")
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
