"""Mutated renderings for fuzzing the readers (issue 21): the seeds rendered the way the
format-parity checks render them, and random edits of their bytes (bit flips, cuts, insertions,
repeated runs, tokens each format treats specially) or, for DOCX, of an XML part inside the zip.

``tests/test_reader_fuzz.py`` draws the edits through Hypothesis (:class:`Draws` with ``draw``);
``benchmarks/fuzz_inputs.py`` draws them from a seeded ``random.Random`` at scale.
"""

from __future__ import annotations

import functools
import io
import tempfile
import zipfile
from pathlib import Path

__all__ = ["OPS", "RENDERING", "SECONDS_PER_FILE", "SEED_LINES", "SUFFIX", "TOKENS", "Draws", "docx_part",
           "edit", "rezip", "seeds", "work_folder"]

SEED_LINES = 60  # the first lines of each seed: a page or two, so a PDF reads in a fraction of a second
SECONDS_PER_FILE = 30  # generous: the readers' own caps stop far earlier

# Bytes each format treats specially, inserted at random places.
TOKENS = {
    "text": [b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b"\r", b"\x0c", b"\xe2\x80\xa8", b"- ", b"* ", b"1. ",
             b"\n\n", b"[1]", b"\xc2\xb9", b"http://", b"|", b"\t", b"#"],
    "markdown": [b"# ", b"## ", b"\n- ", b"| --- |", b"[x](javascript:1)", b"```", b"> ", b"**", b"[^1]: ",
                 b"<div>", b"\x00", b"\\"],
    "html": [b"<ul><li>", b"<table><tr><td>", b"</td>", b"<sup>1</sup>", b"<!--", b"-->", b"<![CDATA[",
             b"<script>", b"&#0;", b"&#x110000;", b"<h1>", b"</html>", b"<div" * 50, b"\x00", b"<br/>"],
    "pdf": [b"obj", b"endobj", b"stream", b"endstream", b"xref", b"trailer", b"/Length 999999", b"%%EOF",
            b"/Type /Pages", b"/Kids [", b"R", b"<<", b">>", b"(", b")", b"\\", b"BT", b"ET", b"Tj"],
    "docx": [b"<w:p>", b"</w:p>", b"<w:t>", b"</w:t>", b"<w:tbl>", b"<!DOCTYPE x [<!ENTITY a \"b\">]>", b"&a;",
             b"<w:numPr>", b"<w:pStyle w:val=\"Heading1\"/>", b"\x00", b"]]>", b"<w:footnoteReference w:id=\"9\"/>"],
}
SUFFIX = {"text": ".txt", "markdown": ".md", "html": ".html", "pdf": ".pdf", "docx": ".docx"}
RENDERING = {"html": "html", "pdf": "pdf-1col", "docx": "docx"}


@functools.cache
def work_folder() -> Path:
    return Path(tempfile.mkdtemp(prefix="reader-fuzz-"))


@functools.cache
def seeds(fmt: str, corpus: Path, lines: int = SEED_LINES) -> tuple[bytes, ...]:
    """The first ``lines`` lines of each seed profile in ``corpus`` rendered as ``fmt``, as bytes
    (built once per run)."""
    from mgiassist.evaluate.renderings import render
    from mgiassist.ingest.readers.text import read_text_document
    from mgiassist.ingest.render import to_markdown

    out = []
    for seed in sorted(Path(corpus).glob("*.txt")):
        text = "\n".join(seed.read_text(encoding="utf-8").splitlines()[:lines]) + "\n"
        if fmt == "text":
            out.append(text.encode("utf-8"))
        elif fmt == "markdown":
            out.append(to_markdown(read_text_document(text, seed.stem)).encode("utf-8"))
        else:
            folder = work_folder() / f"seed-{fmt}"
            folder.mkdir(exist_ok=True)
            out.append(render(text, RENDERING[fmt], folder, seed.stem).read_bytes())
    return tuple(out)


# The edits each format gets. Text formats mostly gain text (random bytes would mostly just
# make a file "binary", skipped before its parser runs); PDF edits mostly keep the length, so
# the cross-reference offsets still point at objects and the parser gets past the trailer.
TEXT_OPS = ("flip", "delete", "text", "text", "repeat", "cut", "token", "token", "bytes")
OPS = {
    "text": TEXT_OPS, "markdown": TEXT_OPS, "html": TEXT_OPS, "xml": TEXT_OPS,
    "pdf": ("flip", "overwrite", "overwrite", "token-over", "token-over", "token", "delete", "repeat", "cut"),
    "docx": ("flip", "delete", "bytes", "repeat", "cut", "token"),
}
TEXT_ALPHABET = "abc XYZ 019.,;:-*#|()[]<>/&\"'\n\t\u00a0\u2028\u00e9\u2022\u00b9\u200b\ufeff\U0001f600"


class Draws:
    """Random choices, from Hypothesis (``draw``) or from a ``random.Random`` (the benchmark)."""

    def __init__(self, draw=None, rng=None) -> None:
        self.draw, self.rng = draw, rng

    def integer(self, low: int, high: int) -> int:
        if self.draw:
            from hypothesis import strategies as st

            return self.draw(st.integers(low, high))
        return self.rng.randint(low, high)

    def choice(self, options):
        if self.draw:
            from hypothesis import strategies as st

            return self.draw(st.sampled_from(options))
        return self.rng.choice(list(options))

    def text(self, size: int) -> bytes:
        return "".join(self.choice(TEXT_ALPHABET) for _ in range(size)).encode("utf-8")

    def bytes(self, size: int) -> bytes:
        if self.draw:
            from hypothesis import strategies as st

            return self.draw(st.binary(min_size=size, max_size=size))
        return self.rng.randbytes(size)


def edit(data: bytes, fmt: str, draws: Draws) -> bytes:
    """``data`` with 1–8 random edits of the kinds ``fmt`` gets (:data:`OPS`)."""
    data = bytearray(data)
    tokens = TOKENS["docx" if fmt == "xml" else fmt]
    for _ in range(draws.integer(1, 8)):
        if not data:
            data += draws.text(draws.integer(1, 32))
            continue
        at = draws.integer(0, len(data) - 1)
        op = draws.choice(OPS[fmt])
        if op == "flip":
            data[at] ^= 1 << draws.integer(0, 7)
        elif op == "overwrite":
            piece = draws.bytes(draws.integer(1, 16))
            data[at : at + len(piece)] = piece[: len(data) - at]
        elif op == "token-over":
            piece = draws.choice(tokens)
            data[at : at + len(piece)] = piece[: len(data) - at]
        elif op == "delete":
            del data[at : at + draws.integer(1, 256)]
        elif op == "text":
            data[at:at] = draws.text(draws.integer(1, 64))
        elif op == "bytes":
            data[at:at] = draws.bytes(draws.integer(1, 64))
        elif op == "repeat":
            data[at:at] = data[at : at + draws.integer(1, 64)] * draws.integer(2, 200)
        elif op == "cut":
            del data[at:]
        else:
            data[at:at] = draws.choice(tokens) * draws.integer(1, 20)
    return bytes(data)



def docx_part(seed: bytes, draws: Draws) -> bytes:
    """``seed`` (a DOCX) with one XML part (``word/document.xml`` most often) edited, zipped again."""
    names = [n for n in zipfile.ZipFile(io.BytesIO(seed)).namelist() if n.endswith(".xml")]
    names = sorted(names, key=lambda n: n != "word/document.xml")[:4]
    member = draws.choice(names[:1] * 3 + names)
    changed = edit(zipfile.ZipFile(io.BytesIO(seed)).read(member), "xml", draws)
    return rezip(seed, member, lambda _: changed)


def rezip(docx: bytes, member: str, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(docx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item.filename, change(data) if item.filename == member else data)
    return out.getvalue()
