"""Flattened text from PDFs read back: section F1 and footnote recall of N random flattened
renderings of the seeds (``mgiassist.evaluate.flattened``) against the clean text's parse, with
the share by choice and the worst renderings named.

    .venv/bin/python benchmarks/flattened_text.py --n 200 [--start 0] [--jobs 2] [--worst 10]
    .venv/bin/python benchmarks/flattened_text.py --extracted [--work /tmp/extracted]

``--extracted`` scores real extractions instead: the seeds typeset by the project's reportlab
renderings (one and two columns), their text taken by pdfminer.six (``extract_text``, what
pdftotext-like tools give) and by pypdfium2 (a viewer's copy: no blank lines), read as ``.txt``.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path


def _one(seed: int) -> tuple[int, float, float, str, str, str]:
    from mgiassist.evaluate.flattened import run

    try:
        score, flat, name, profile = run(seed)
    except Exception as exc:  # noqa: BLE001 - a rendering that cannot be read is a result too
        return seed, 0.0, 0.0, f"error {type(exc).__name__}: {exc}"[:120], "", ""
    recognised = f"{profile.family} {profile.country} {profile.date}"
    return seed, score.section_f1, score.footnote_recall, str(flat), name, recognised


def _bar(values: list[float]) -> str:
    bins = Counter(min(9, int(v * 10)) for v in values)
    return "  ".join(f"{b / 10:.1f}-{(b + 1) / 10:.1f}: {bins[b]}" for b in range(10) if bins[b])


def _by_choice(rows: list[tuple]) -> None:
    groups: dict[str, dict[str, list[tuple[float, float]]]] = defaultdict(lambda: defaultdict(list))
    for _, f1, recall, flat, name, _ in rows:
        parts = flat.split()
        groups["seed"]["mgi" if name.startswith("mgi") else "mapping"].append((f1, recall))
        for key in ("notes", "bullet", "shuffle", "ff", "hyphen", "bold"):
            if key in parts:
                groups[key][parts[parts.index(key) + 1]].append((f1, recall))
    print("share with section F1 >= 0.95 / footnote recall >= 0.95, by choice:")
    for key, by in groups.items():
        cells = [f"{k} {sum(f >= 0.95 for f, _ in v) / len(v):.0%}/{sum(r >= 0.95 for _, r in v) / len(v):.0%} ({len(v)})"
                 for k, v in sorted(by.items())]
        print(f"  {key}: " + ", ".join(cells))


def _extracted(work: Path) -> None:
    import pypdfium2 as pdfium
    from pdfminer.high_level import extract_text

    from mgiassist.evaluate.flattened import CORPUS, SEEDS
    from mgiassist.evaluate.producers import score
    from mgiassist.evaluate.renderings import render
    from mgiassist.ingest import parse_profile

    work.mkdir(parents=True, exist_ok=True)
    for stem in SEEDS:
        clean = (CORPUS / f"{stem}.txt").read_text(encoding="utf-8")
        expected = parse_profile(clean, f"{stem}.txt")
        for fmt in ("pdf-1col", "pdf-2col"):
            pdf = render(clean, fmt, work, f"{stem}-{fmt}")
            document = pdfium.PdfDocument(str(pdf))
            texts = {"pdfminer": extract_text(str(pdf)),
                     "pdfium": "\f".join(page.get_textpage().get_text_range() for page in document)}
            for tool, text in texts.items():
                got = parse_profile(text.replace("\r\n", "\n"), f"{stem}.txt")
                print(f"{stem} {fmt} {tool}: {score(expected, got)}; {got.family} {got.country} {got.date}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--start", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--worst", type=int, default=10, help="How many of the worst renderings to show.")
    parser.add_argument("--extracted", action="store_true", help="Score pdfminer and pdfium text of typeset seeds.")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "flattened-extracted")
    args = parser.parse_args()
    if args.extracted:
        _extracted(args.work)
        return
    seeds = range(args.start, args.start + args.n)
    started = time.perf_counter()
    if args.jobs > 1:
        with ProcessPoolExecutor(args.jobs) as pool:
            rows = list(pool.map(_one, seeds, chunksize=8))
    else:
        rows = [_one(s) for s in seeds]
    took = time.perf_counter() - started
    f1, recall, n = [r[1] for r in rows], [r[2] for r in rows], len(rows)
    print(f"{n} flattened renderings (seeds {args.start}-{args.start + n - 1}) in {took:.0f} s")
    print(f"section F1: median {statistics.median(f1):.3f}, mean {statistics.mean(f1):.3f}, "
          f"min {min(f1):.3f}, >= 0.95: {sum(v >= 0.95 for v in f1) / n:.1%}, = 1: {sum(v == 1 for v in f1) / n:.1%}")
    print(f"  histogram: {_bar(f1)}")
    print(f"footnote recall: median {statistics.median(recall):.3f}, mean {statistics.mean(recall):.3f}, "
          f"min {min(recall):.3f}, >= 0.95: {sum(v >= 0.95 for v in recall) / n:.1%}")
    print(f"  histogram: {_bar(recall)}")
    unrecognised = [r for r in rows if " None" in r[5] or r[5].startswith("other") or not r[5]]
    print(f"family, country and date recognised: {n - len(unrecognised)}/{n}")
    _by_choice(rows)
    print(f"worst {args.worst}:")
    for seed, value, rec, flat, name, recognised in sorted(rows, key=lambda r: (r[1], r[2]))[: args.worst]:
        print(f"  seed {seed}: F1 {value:.3f} recall {rec:.3f}  {name}  [{flat}]  {recognised}")


if __name__ == "__main__":
    main()
