"""Reader fuzzing at scale (issue 21): what ``tests/test_reader_fuzz.py`` does with a few hundred
Hypothesis examples, here with thousands of seeded random cases per format.

Each case is a seed rendering (text, Markdown, HTML, PDF, DOCX; the same seeds and special tokens
as the test) with 1–8 random edits (bit flips, cuts, insertions, repeated runs, tokens), random
bytes, or for DOCX a mutated XML part zipped again. Every case is read in this process by
``load_profile`` (the reader and the parser, as a reader process runs them) under a wall-clock
alarm. Per format it prints the cases, profiles, skips with a reason (``ProfileError``), those
of them whose reason spans several lines, unexpected exceptions (any other type: a reader bug, which the corpus loader would still turn
into a skip), cases over the time limit, the slowest case and the peak RSS; then the most common
skip reasons and every unexpected exception. ``--keep DIR`` saves the unexpected cases.

    .venv/bin/python benchmarks/fuzz_inputs.py                       # 1,000 cases per format
    .venv/bin/python benchmarks/fuzz_inputs.py --cases 5000 --formats pdf,docx --full
"""

from __future__ import annotations

import argparse
import collections
import random
import re
import resource
import signal
import sys
import tempfile
import time
from pathlib import Path

from mgiassist.errors import ProfileError
from mgiassist.evaluate import reader_fuzz as fuzz
from mgiassist.ingest.corpus import load_profile


class _OverTime(Exception):
    pass


def _alarm(signum, frame):
    raise _OverTime


def case(fmt: str, seeds: tuple[bytes, ...], rng: random.Random) -> tuple[str, bytes]:
    """One case as the test draws it (``test_reader_fuzz.inputs``), from ``rng``."""
    draws = fuzz.Draws(rng=rng)
    kind = rng.choice(["mutated", "mutated", "random"] + (["inside", "inside"] if fmt == "docx" else []))
    if kind == "random":
        return kind, rng.randbytes(rng.randint(0, 2048))
    seed = rng.choice(seeds)
    if kind == "inside":
        return kind, fuzz.docx_part(seed, draws)
    return kind, fuzz.edit(seed, fmt, draws)


def _reason_kind(reason: str, name: str) -> str:
    text = reason.split(name, 1)[-1].lstrip(": ")
    return re.sub(r"\d[\d,.]*", "N", text)[:90]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1000, help="cases per format")
    parser.add_argument("--formats", default=",".join(fuzz.SUFFIX), help="comma-separated")
    parser.add_argument("--seed", type=int, default=21)
    parser.add_argument("--seconds", type=int, default=fuzz.SECONDS_PER_FILE, help="limit per case")
    parser.add_argument("--full", action="store_true", help="render the whole seed profiles")
    parser.add_argument("--keep", type=Path, help="save the cases that raised an unexpected exception here")
    args = parser.parse_args(argv)
    corpus = Path(__file__).resolve().parents[1] / "corpus"
    lines = 10**9 if args.full else fuzz.SEED_LINES
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="fuzz-inputs-"))
    signal.signal(signal.SIGALRM, _alarm)
    unexpected: dict[str, list[str]] = collections.defaultdict(list)
    reasons: collections.Counter[tuple[str, str]] = collections.Counter()
    print(f"{'format':9} {'cases':>6} {'profiles':>8} {'skips':>6} {'2+ lines':>8} {'unexpected':>10} "
          f"{'over time':>9} {'mean ms':>8} {'max s':>6} {'peak RSS MB':>11}")
    failed = 0
    for fmt in args.formats.split(","):
        seeds = fuzz.seeds(fmt, corpus, lines)
        counts: collections.Counter[str] = collections.Counter()
        slowest, total = 0.0, 0.0
        for number in range(args.cases):
            kind, data = case(fmt, seeds, rng)
            name = f"case-{number}"
            path = work / f"{name}{fuzz.SUFFIX[fmt]}"
            path.write_bytes(data)
            started = time.perf_counter()
            signal.alarm(args.seconds)
            try:
                load_profile(path, work)
                counts["profiles"] += 1
            except ProfileError as exc:
                counts["skips"] += 1
                reasons[(fmt, _reason_kind(str(exc), path.name))] += 1
                if "\n" in str(exc).strip():  # a skip warning printed over several lines
                    counts["multi-line"] += 1
            except _OverTime:
                counts["over time"] += 1
            except Exception as exc:  # noqa: BLE001 (the finding: a reader error of another type)
                counts["unexpected"] += 1
                line = (str(exc).strip().splitlines() or [""])[0][:120]
                unexpected[f"{fmt}: {type(exc).__name__}: {line}"].append(f"{kind} {name}")
                if args.keep:
                    args.keep.mkdir(parents=True, exist_ok=True)
                    (args.keep / path.name).write_bytes(data)
            finally:
                signal.alarm(0)
            elapsed = time.perf_counter() - started
            total += elapsed
            slowest = max(slowest, elapsed)
            path.unlink()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        failed += counts["unexpected"] + counts["over time"]
        print(f"{fmt:9} {args.cases:>6} {counts['profiles']:>8} {counts['skips']:>6} {counts['multi-line']:>8} "
              f"{counts['unexpected']:>10} "
              f"{counts['over time']:>9} {1000 * total / max(1, args.cases):>8.1f} {slowest:>6.2f} {peak:>11.0f}",
              flush=True)
    print("\nmost common skip reasons:")
    for (fmt, reason), count in reasons.most_common(15):
        print(f"  {count:>6}  {fmt:8} {reason}")
    print("\nunexpected exceptions:" + ("" if unexpected else " none"))
    for line, cases in sorted(unexpected.items(), key=lambda kv: -len(kv[1])):
        print(f"  {len(cases):>6}  {line}  (e.g. {cases[0]})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
