"""Hostile profile files: each one beside the two seed profiles, indexed by `mgiassist index`.

Per file it prints whether the file was skipped or read, the reason, the wall time of the whole
`mgiassist index` run and its peak RSS (the largest process of the run: the build, the fork
server or a reader process). Then the indexing throughput (files/s) of the seeds plus 20 copies
of a PDF rendering, with the reader pool and with every file read in the build's own process.

    .venv/bin/python benchmarks/hostile_files.py                  # hashing embedder (no model)
    .venv/bin/python benchmarks/hostile_files.py --model all-MiniLM-L6-v2 --copies 20

Every file is generated in the work folder (a temporary one by default); nothing is committed.
Linux only: the peak RSS is read from the run's reaped process tree (PR_SET_CHILD_SUBREAPER).
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEEDS = sorted((REPO / "corpus").glob("*.txt"))
MB = 1024 * 1024

# ------------------------------------------------------------------------------------ files


def pdf_file(objects: list[bytes]) -> bytes:
    """A PDF of ``objects`` (object 1 is the catalog) with a classic cross-reference table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def pdf_stream(data: bytes, flate: bool = True) -> bytes:
    if flate:
        data = zlib.compress(data, 9)
    head = b"<< /Length %d%s >>\nstream\n" % (len(data), b" /Filter /FlateDecode" if flate else b"")
    return head + data + b"\nendstream"


FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
TEXT = b"BT /F1 12 Tf 72 700 Td (Ghana engages its diaspora through a national policy.) Tj ET\n"


def one_page_pdf(contents: list[bytes], catalog_extra: bytes = b"") -> bytes:
    """One page whose content streams are ``contents`` (flate-compressed)."""
    refs = b" ".join(b"%d 0 R" % (5 + n) for n in range(len(contents)))
    return pdf_file([
        b"<< /Type /Catalog /Pages 2 0 R" + catalog_extra + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >>"
        b" /Contents [" + refs + b"] >>",
        FONT,
        *(pdf_stream(c) for c in contents),
    ])


def many_pages_pdf(pages: int) -> bytes:
    """``pages`` tiny pages sharing one content stream (100,000 pages: 9 MB)."""
    kids = b" ".join(b"%d 0 R" % (5 + n) for n in range(pages))
    return pdf_file([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d /MediaBox [0 0 200 200]"
        b" /Resources << /Font << /F1 4 0 R >> >> >>" % pages,
        pdf_stream(b"BT /F1 12 Tf 10 100 Td (Ghana page.) Tj ET", flate=False),
        FONT,
        *[b"<</Type/Page/Parent 2 0 R/Contents 3 0 R>>"] * pages,
    ])


def many_chars_pdf(chars: int, per_line: int = 200) -> bytes:
    """One page showing ``chars`` characters in 1-point type, ``per_line`` to a line."""
    line = b"(" + b"x" * per_line + b") '"
    body = b"BT /F1 1 Tf 10 780 Td 1.2 TL\n" + b"\n".join([line] * (chars // per_line)) + b"\nET"
    return one_page_pdf([TEXT, body])


def flate_bomb_pdf(megabytes: int) -> bytes:
    """A page whose second content stream inflates to ``megabytes`` of spaces (~1,000 to 1)."""
    compressor, chunks = zlib.compressobj(9), []
    for _ in range(megabytes):
        chunks.append(compressor.compress(b" " * MB))
    bomb = b"".join(chunks) + compressor.flush()
    stream = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(bomb) + bomb + b"\nendstream"
    return pdf_file([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >>"
         b" /Contents [5 0 R 6 0 R] >>"),
        FONT,
        pdf_stream(TEXT),
        stream,
    ])


def javascript_pdf() -> bytes:
    return one_page_pdf([TEXT], b" /OpenAction << /S /JavaScript /JS (app.alert\\('hello'\\);) >>")


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
    '"/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.'
    'document.main+xml"/></Types>')
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
    'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')


def docx_file(path: Path, body: bytes | Callable, doctype: str = "") -> None:
    """A minimal DOCX whose body is ``body`` (bytes, or a function writing to the open part)."""
    head = f'<?xml version="1.0" encoding="UTF-8"?>{doctype}<w:document xmlns:w="{_W}"><w:body>'.encode()
    tail = b"</w:body></w:document>"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            part.write(head)
            body(part) if callable(body) else part.write(body)
            part.write(tail)


def paragraph(text: str) -> bytes:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>".encode()


def whitespace_docx(path: Path, megabytes: int) -> None:
    def write(part) -> None:
        part.write(paragraph("Ghana engages its diaspora."))
        for _ in range(megabytes):
            part.write(b" " * MB)

    docx_file(path, write)


CASES: list[tuple[str, str, Callable[[Path], None]]] = [
    ("pages-100000.pdf", "a PDF of 100,000 tiny pages (9 MB)",
     lambda p: p.write_bytes(many_pages_pdf(100_000))),
    ("chars-400000.pdf", "a PDF with 400,000 characters on one page",
     lambda p: p.write_bytes(many_chars_pdf(400_000))),
    ("deep-unclosed.html", "HTML nested 100,000 <div>s deep, unclosed",
     lambda p: p.write_text("<div>" * 100_000 + "Ghana engages its diaspora.", encoding="utf-8")),
    ("deep-closed.html", "HTML nested 100,000 <div>s deep, closed",
     lambda p: p.write_text("<div>" * 100_000 + "Ghana." + "</div>" * 100_000, encoding="utf-8")),
    ("lists.html", "<ul><li>x repeated 100,000 times",
     lambda p: p.write_text("<ul><li>x" * 100_000, encoding="utf-8")),
    ("whitespace-1gb.docx", "a DOCX inflating to 1 GB of whitespace", lambda p: whitespace_docx(p, 1024)),
    ("flate-bomb-300mb.pdf", "a 300 MB flate-bomb content stream in a PDF",
     lambda p: p.write_bytes(flate_bomb_pdf(300))),
    ("javascript.pdf", "a PDF with JavaScript (an OpenAction)", lambda p: p.write_bytes(javascript_pdf())),
]

# ------------------------------------------------------------------------------------ runs


def measure(command: list[str]) -> dict:
    """Run ``command`` as this process's only child; its wall time and the peak RSS of the
    largest process of its tree (orphans, like the fork server, are reaped here too)."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    started = time.perf_counter()
    run = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    while True:  # reap whatever the run left behind
        try:
            os.wait()
        except ChildProcessError:
            break
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"seconds": seconds, "peak_mb": peak, "code": run.returncode, "stdout": run.stdout,
            "stderr": run.stderr}


def index_run(corpus: Path, index: Path, model: str) -> dict:
    env = {**os.environ, "PYTHONPATH": f"{REPO / 'src'}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    command = [sys.executable, "-m", "mgiassist.cli.main", "index", "--corpus", str(corpus),
               "--index", str(index), "--model", model]
    measured = subprocess.run([sys.executable, __file__, "--measure", json.dumps(command)],
                              capture_output=True, text=True, env=env, check=True)
    return json.loads(measured.stdout)


def outcome(name: str, run: dict) -> tuple[str, str]:
    for line in run["stderr"].splitlines():
        if "skipped" in line and name in line:
            return "skipped", line.split(f"{name}: ", 1)[-1]
    if any(line.startswith(f"{name} [") for line in run["stdout"].splitlines()):
        return "read", "within bounds"
    return f"exit {run['code']}", (run["stderr"].strip().splitlines() or ["?"])[-1]


def hostile_table(work: Path, model: str) -> None:
    print(f"{'file':<22} {'outcome':<8} {'wall s':>7} {'peak MB':>8}  reason")
    for name, _, build in CASES:
        corpus = work / name / "corpus"
        corpus.mkdir(parents=True)
        for seed in SEEDS:
            shutil.copy(seed, corpus / seed.name)
        build(corpus / name)
        run = index_run(corpus, work / name / "index", model)
        seeds_indexed = "indexed 2 profiles" in run["stdout"] or "indexed 3 profiles" in run["stdout"]
        kind, reason = outcome(name, run)
        note = "" if seeds_indexed and run["code"] == 0 else f"  [seeds not indexed: exit {run['code']}]"
        print(f"{name:<22} {kind:<8} {run['seconds']:>7.1f} {run['peak_mb']:>8.0f}  {reason}{note}", flush=True)
        shutil.rmtree(work / name)


def _rendered_corpus(folder: Path, copies: int) -> int:
    from mgiassist.evaluate.renderings import render

    folder.mkdir(parents=True)
    for seed in SEEDS:
        shutil.copy(seed, folder / seed.name)
    pdf = render(SEEDS[0].read_text(encoding="utf-8"), "pdf-1col", folder, "rendering-0")
    for n in range(1, copies):
        shutil.copy(pdf, folder / f"rendering-{n}.pdf")
    return len(SEEDS) + copies


def throughput(work: Path, copies: int, rounds: int) -> None:
    from mgiassist.embed.hashing import HashingEmbedder
    from mgiassist.index import build_index
    from mgiassist.ingest import Bounds

    corpus = work / "throughput" / "corpus"
    files = _rendered_corpus(corpus, copies)
    modes = {"reader pool": Bounds(), "in-process": Bounds(workers=0)}
    times: dict[str, list[float]] = {mode: [] for mode in modes}
    for _ in range(rounds):  # interleaved, so a busy machine weighs on both alike
        for mode, bounds in modes.items():
            started = time.perf_counter()
            build_index(corpus, work / "throughput" / "index", embedder=HashingEmbedder(64), progress=False,
                        force=True, bounds=bounds)
            times[mode].append(time.perf_counter() - started)
    print(f"\nindexing {files} files (the 2 seeds + {copies} copies of a "
          f"{(corpus / 'rendering-0.pdf').stat().st_size // 1024} KB PDF rendering), {rounds} interleaved "
          f"rounds, {os.cpu_count()} cores:")
    for mode, seconds in times.items():
        median = statistics.median(seconds)
        shown = ", ".join(f"{s:.1f}" for s in seconds)
        print(f"  {mode:<12} {files / median:6.2f} files/s  (median {median:.1f} s; runs {shown} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, help="Folder for the generated files (default: a temporary one).")
    parser.add_argument("--model", default="hashing:64", help="Embedding model of the index runs.")
    parser.add_argument("--copies", type=int, default=20, help="Copies of the PDF rendering for the throughput.")
    parser.add_argument("--rounds", type=int, default=2, help="Throughput rounds per mode.")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(json.loads(args.measure))))
        return
    with tempfile.TemporaryDirectory(dir=args.work) as folder:
        work = Path(folder)
        print(f"mgiassist index --model {args.model} on the 2 seeds + one hostile file; "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n")
        hostile_table(work, args.model)
        throughput(work, args.copies, args.rounds)


if __name__ == "__main__":
    main()
