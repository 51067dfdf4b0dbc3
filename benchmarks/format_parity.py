"""Retrieval per rendering: the seed profiles typeset as PDF (one and two columns), web page and
DOCX (by ``mgiassist.evaluate.renderings``), each indexed with the real model and scored on a question set.

Prints, per format, the structure the parser found (sections by kind, footnotes), hit@1 /
hit@5 / MRR@10 of one retriever, and the reply states (unanswerable questions recognised,
answerable ones refused): the answerability judge reads headings, sentences and table rows, so a
rendering that loses them shows here. The target is every format within 0.02 of the text.

    # render, index and score with the sources on PYTHONPATH
    .venv/bin/python benchmarks/format_parity.py --work /tmp/formats
    # score renderings made earlier with another version of the code (e.g. main, for "before")
    PYTHONPATH=/path/to/other/src .venv/bin/python benchmarks/format_parity.py --work /tmp/formats --no-render
    # the producer matrix (no model): section F1 and footnote recall per PDF producer, against the text
    .venv/bin/python benchmarks/format_parity.py --work /tmp/producers --producers
"""

from __future__ import annotations

import argparse
import shutil
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FORMATS = ("text", "pdf-1col", "pdf-2col", "html", "docx")


def render_all(work: Path, seeds: Path) -> None:
    from mgiassist.evaluate.renderings import render

    for fmt in FORMATS:
        folder = work / fmt / "corpus"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        for seed in sorted(seeds.glob("*.txt")):
            if fmt == "text":
                shutil.copy(seed, folder / seed.name)
            else:
                render(seed.read_text(encoding="utf-8"), fmt, folder, seed.stem)


def structure(folder: Path) -> str:
    from mgiassist.ingest import load_corpus

    loaded = load_corpus(folder)
    kinds: Counter[str] = Counter()
    notes = 0
    for profile in loaded.profiles:
        kinds.update(s.kind for s in profile.sections)
        notes += len({f.number for s in profile.sections for f in s.footnotes})
    shown = ", ".join(f"{k} {kinds[k]}" for k in ("finding", "timeline", "obstacle", "practice", "actor", "table",
                                                    "right", "paragraph") if kinds[k])
    return f"{sum(kinds.values())} sections ({shown}); {notes} cited footnotes; {len(loaded.skipped)} skipped"


def producer_table(work: Path, seeds: Path, render_again: bool) -> None:
    """Section F1 and footnote recall per producer (mgiassist.evaluate.producers) on the seeds
    and a look-alike (Kenya), each against its text's parse; a producer not installed is named."""
    from mgiassist.evaluate.lookalike import swap_country
    from mgiassist.evaluate.producers import PRODUCERS, available, produce, score, suffix
    from mgiassist.evaluate.renderings import render
    from mgiassist.ingest import load_profile, parse_profile
    from mgiassist.text.countries import lookup_country

    texts = {}
    for seed in sorted(seeds.glob("*.txt")):
        text = seed.read_text(encoding="utf-8")
        texts[seed.stem] = text
        if "cambodia" in seed.stem:
            texts[seed.stem.replace("cambodia", "kenya")] = swap_country(
                text, lookup_country("Cambodia"), lookup_country("Kenya"))
    print("| producer | section F1 (mean) | footnote recall (pooled) | worst file |")
    print("|---|---|---|---|")
    for producer in ("pdf-1col", "pdf-2col", *PRODUCERS):
        why = None if producer.startswith("pdf-") else available(producer)
        if why:
            print(f"| {producer} | skipped: {why} | | |")
            continue
        folder = work / producer
        folder.mkdir(parents=True, exist_ok=True)
        f1s, found, cited, worst = [], 0.0, 0, (2.0, "")
        for name, text in texts.items():
            path = folder / f"{name}{'.pdf' if producer.startswith('pdf-') else suffix(producer)}"
            if render_again or not path.exists():
                if producer.startswith("pdf-"):
                    render(text, producer, folder, name)
                else:
                    produce(text, producer, folder, name)
            expected = parse_profile(text, name)
            got = score(expected, load_profile(path, folder))
            notes = sum(len(s.footnotes) for s in expected.sections)
            f1s.append(got.section_f1)
            found += got.footnote_recall * notes
            cited += notes
            worst = min(worst, (got.section_f1, name))
        print(f"| {producer} | {sum(f1s) / len(f1s):.3f} | {found / cited if cited else 1:.3f} "
              f"| {worst[1]} {worst[0]:.3f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, required=True, help="Folder for renderings and indexes.")
    parser.add_argument("--questions", type=Path, default=REPO / "eval/questions/cambodia-seeds.jsonl")
    parser.add_argument("--retriever", default="hybrid")
    parser.add_argument("--seeds", type=Path, default=REPO / "corpus")
    parser.add_argument("--no-render", action="store_true", help="Reuse the renderings already in --work.")
    parser.add_argument("--producers", action="store_true",
                        help="Print the producer matrix (section F1, footnote recall) instead of retrieval.")
    args = parser.parse_args()
    if args.producers:
        producer_table(args.work, args.seeds, not args.no_render)
        return

    from mgiassist.embed import load_embedder
    from mgiassist.errors import MgiassistError
    from mgiassist.evaluate import evaluate
    from mgiassist.index import build_index

    if not args.no_render:
        render_all(args.work, args.seeds)
    embedder = load_embedder("all-MiniLM-L6-v2")
    rows = []
    for fmt in FORMATS:
        corpus, index = args.work / fmt / "corpus", args.work / fmt / "index"
        shutil.rmtree(index, ignore_errors=True)
        try:
            build_index(corpus, index, embedder=embedder, progress=False)
        except MgiassistError as exc:  # an older version may not read this format at all
            print(f"{fmt}: not indexed ({exc})", file=sys.stderr)
            continue
        report = evaluate([args.questions], index_dir=index, retrievers=args.retriever, embedder=embedder,
                          progress=False)
        name = report.retrievers[0]
        scores = report.scores[name]
        states = report.abstention[name]
        rows.append((fmt, scores["hit_rate@1"], scores["hit_rate@5"], scores["mrr@10"],
                     states["unanswerable_recognised"], states["answerable_refused"], report.median_chars[name],
                     structure(corpus)))
    text = rows[0]
    print("| format | hit@1 | hit@5 | MRR@10 | Δ hit@5 / MRR vs text | unanswerable recognised "
          "| answerable refused | median chars | structure |")
    print("|---|---|---|---|---|---|---|---|---|")
    for fmt, h1, h5, mrr, recognised, refused, chars, found in rows:
        print(f"| {fmt} | {h1:.3f} | {h5:.3f} | {mrr:.3f} | {h5 - text[2]:+.3f} / {mrr - text[3]:+.3f} "
              f"| {recognised:.3f} | {refused:.3f} | {chars:.0f} | {found} |")


if __name__ == "__main__":
    main()
