"""PDF reading speed, pages per second, of each PDF extractor in one run (issue 18, item 6).

Reads the same PDFs with every extractor of ``mgiassist.ingest.readers.pdf_extract`` (``pdfium``
and the earlier ``pdfplumber``), rounds interleaved so a busy machine slows both alike, and
prints pages per second for the extraction alone and for the whole ``read_document`` (layout,
blocks), the best of the rounds and the ratio to ``pdfplumber``; then whether each extractor
gives the same blocks as ``pdfplumber`` (files whose block kinds and texts are equal).

    # the producer matrix's PDFs (benchmarks/format_parity.py --producers writes them)
    .venv/bin/python benchmarks/format_parity.py --work /tmp/fp-speed --producers
    .venv/bin/python benchmarks/pdf_speed.py /tmp/fp-speed --rounds 2
    # plus N layouts of the layout fuzzer, typeset into --fuzz-dir first
    .venv/bin/python benchmarks/pdf_speed.py /tmp/fp-speed --fuzz 60 --fuzz-dir /tmp/pdf-speed-fuzz
    # this checkout's reader against another one's (its src folder), read_document only, each
    # round a fresh process per checkout, rounds interleaved; same blocks file by file
    git archive HEAD~1 src | (mkdir -p /tmp/before && tar -x -C /tmp/before)
    .venv/bin/python benchmarks/pdf_speed.py /tmp/fp-speed --rounds 3 --compare /tmp/before/src

Prints numbers only; nothing is asserted about time.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"


def _fuzz_pdfs(folder: Path, n: int) -> list[Path]:
    from mgiassist.evaluate.layout_fuzz import case, typeset

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for seed in range(n):
        document, name, layout = case(seed)
        path = folder / f"fuzz-{seed}-{name}.pdf"
        if not path.exists():
            first = next((b.text for b in document.blocks if b.text.strip()), name)
            typeset(document, layout, path, " ".join(first.split()[:6]))
        paths.append(path)
    return paths


def _blocks(document) -> list[tuple[str, str]]:
    return [(type(b).__name__, " ".join(b.text.split())) for b in document.blocks]


def _worker(files: list[Path]) -> None:
    """Time ``read_document`` over ``files`` with the code on ``sys.path``; print JSON."""
    from mgiassist.errors import ProfileError
    from mgiassist.ingest.readers import read_document
    from mgiassist.ingest.readers.pdf_extract import extract_pages

    data = [(path, path.read_bytes()) for path in files]
    read_document(files[0], data[0][1])  # imports and word lists loaded before the clock runs
    pages, digests = 0, []
    started = time.perf_counter()
    for path, raw in data:
        try:
            blocks: object = _blocks(read_document(path, raw))
        except ProfileError as exc:
            blocks = str(exc)
        digests.append(hashlib.sha256(repr(blocks).encode()).hexdigest())
    seconds = time.perf_counter() - started
    for path, raw in data:
        try:
            pages += len(extract_pages(path, raw))
        except ProfileError:
            pass
    import mgiassist

    print(json.dumps({"seconds": seconds, "pages": pages, "blocks": digests, "module": mgiassist.__file__}))


def _compare(files: list[Path], trees: list[Path], rounds: int) -> None:
    """``read_document`` pages/s of this checkout and of each other ``src`` tree, in one run."""
    labels = [str(SRC), *map(str, trees)]
    best = {label: float("inf") for label in labels}
    digests: dict[str, list[str]] = {}
    pages = 0
    for _ in range(rounds):
        for label in labels:
            env = {**os.environ, "PYTHONPATH": label}
            out = subprocess.run([sys.executable, __file__, "--worker", *map(str, files)], env=env,
                                 check=True, capture_output=True, text=True).stdout
            result = json.loads(out.strip().splitlines()[-1])
            if not Path(result["module"]).resolve().is_relative_to(Path(label).resolve()):
                raise SystemExit(f"{label}: the worker imported {result['module']}")
            best[label] = min(best[label], result["seconds"])
            digests[label], pages = result["blocks"], result["pages"]
    print(f"{len(files)} PDFs, {pages} pages, read_document, best of {rounds} interleaved rounds (a fresh "
          f"process per checkout and round), load average {os.getloadavg()[0]:.1f}")
    print("| code | read_document pages/s | × the first --compare | files with the same blocks as this checkout |")
    print("|---|---|---|---|")
    here, base = labels[0], labels[1]
    for label in labels[1:] + labels[:1]:
        same = sum(a == b for a, b in zip(digests[label], digests[here]))
        print(f"| {label} | {pages / best[label]:.1f} | {best[base] / best[label]:.2f}× | {same} of {len(files)} |")
    for label in labels[1:]:
        for path, a, b in zip(files, digests[label], digests[here]):
            if a != b:
                print(f"  {label}: blocks differ in {path}")


def main() -> None:
    if sys.argv[1:2] == ["--worker"]:
        _worker([Path(p) for p in sys.argv[2:]])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", type=Path, nargs="*", help="Folders searched for *.pdf (recursively).")
    parser.add_argument("--rounds", type=int, default=2, help="Interleaved rounds; the best is kept.")
    parser.add_argument("--fuzz", type=int, default=0, help="Also this many layout-fuzzer PDFs (seeds 0..N-1).")
    parser.add_argument("--fuzz-dir", type=Path, default=Path("/tmp/pdf-speed-fuzz"))
    parser.add_argument("--compare", type=Path, action="append", default=[], metavar="SRC",
                        help="Another checkout's src folder: time read_document of this checkout and of each "
                             "SRC (PDFium extractor), rounds interleaved, instead of comparing extractors.")
    args = parser.parse_args()

    from mgiassist.errors import ProfileError
    from mgiassist.ingest.readers import read_document
    from mgiassist.ingest.readers.pdf_extract import ENGINES, extract_pages

    files = sorted(p for folder in args.folders for p in folder.rglob("*.pdf"))
    if args.fuzz:
        files += _fuzz_pdfs(args.fuzz_dir, args.fuzz)
    if args.compare:
        _compare(files, args.compare, args.rounds)
        return
    data = [(path, path.read_bytes()) for path in files]
    engines = ("pdfplumber", *[e for e in ENGINES if e != "pdfplumber"])
    saved = os.environ.get("MGIASSIST_PDF_EXTRACTOR")
    pages = {}
    extract: dict[str, float] = {e: float("inf") for e in engines}
    read: dict[str, float] = {e: float("inf") for e in engines}
    blocks: dict[str, dict[Path, object]] = {e: {} for e in engines}
    read_document(files[0], data[0][1])  # imports and word lists loaded before any clock runs
    try:
        for _ in range(args.rounds):
            for engine in engines:
                os.environ["MGIASSIST_PDF_EXTRACTOR"] = engine
                started = time.perf_counter()
                for path, raw in data:
                    try:
                        pages[path] = len(extract_pages(path, raw, engine=engine))
                    except ProfileError:
                        pages[path] = 0
                extract[engine] = min(extract[engine], time.perf_counter() - started)
                started = time.perf_counter()
                for path, raw in data:
                    try:
                        blocks[engine][path] = _blocks(read_document(path, raw))
                    except ProfileError as exc:
                        blocks[engine][path] = str(exc)
                read[engine] = min(read[engine], time.perf_counter() - started)
    finally:
        if saved is None:
            os.environ.pop("MGIASSIST_PDF_EXTRACTOR", None)
        else:
            os.environ["MGIASSIST_PDF_EXTRACTOR"] = saved
    total = sum(pages.values())
    print(f"{len(files)} PDFs, {total} pages, best of {args.rounds} interleaved rounds, load average "
          f"{os.getloadavg()[0]:.1f}")
    print("| extractor | extraction pages/s | × pdfplumber | read_document pages/s | × pdfplumber | files with the same blocks as pdfplumber |")
    print("|---|---|---|---|---|---|")
    for engine in engines:
        same = sum(blocks[engine][p] == blocks["pdfplumber"][p] for p in files)
        print(f"| {engine} | {total / extract[engine]:.1f} | {extract['pdfplumber'] / extract[engine]:.2f}× "
              f"| {total / read[engine]:.1f} | {read['pdfplumber'] / read[engine]:.2f}× | {same} of {len(files)} |")
    for engine in engines:
        differ = [p for p in files if blocks[engine][p] != blocks["pdfplumber"][p]]
        for path in differ[:5]:
            print(f"  {engine}: blocks differ in {path}")


if __name__ == "__main__":
    main()
