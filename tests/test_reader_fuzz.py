"""Every reader (text, Markdown, HTML, PDF, DOCX) on mutated real renderings and on random bytes
(issue 21): the result is a profile, or a skip with a one-line reason (``ProfileError``), never
another exception.

The seeds are the first part of the two seed profiles, rendered the way the format-parity
checks render them (:mod:`mgiassist.evaluate.renderings`); Hypothesis mutates their bytes (bit
flips, cuts, insertions, repeated runs, tokens each format treats specially) and, for DOCX, also
the XML inside the zip. A few hundred examples in all, well under a minute;
``benchmarks/fuzz_inputs.py`` runs the same at scale and prints the counts.

A reader error of another type would still only skip its file (``ingest.corpus._read_one``
catches everything), but as "cannot be read (IndexError: …)": a bug to fix, which this finds.
"""

from __future__ import annotations

import functools
import io
import tempfile
import time
import zipfile
from pathlib import Path

import pytest
from conftest import SEED_CORPUS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mgiassist.errors import ProfileError
from mgiassist.ingest.corpus import load_profile

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
def _workdir() -> Path:
    return Path(tempfile.mkdtemp(prefix="reader-fuzz-"))


@functools.cache
def seeds(fmt: str) -> tuple[bytes, ...]:
    """The seed renderings of ``fmt``, as bytes (built once per run)."""
    from mgiassist.evaluate.renderings import render
    from mgiassist.ingest.readers.text import read_text_document
    from mgiassist.ingest.render import to_markdown

    out = []
    for seed in sorted(SEED_CORPUS.glob("*.txt")):
        text = "\n".join(seed.read_text(encoding="utf-8").splitlines()[:SEED_LINES]) + "\n"
        if fmt == "text":
            out.append(text.encode("utf-8"))
        elif fmt == "markdown":
            out.append(to_markdown(read_text_document(text, seed.stem)).encode("utf-8"))
        else:
            folder = _workdir() / f"seed-{fmt}"
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
        return self.draw(st.integers(low, high)) if self.draw else self.rng.randint(low, high)

    def choice(self, options):
        return self.draw(st.sampled_from(options)) if self.draw else self.rng.choice(list(options))

    def text(self, size: int) -> bytes:
        return "".join(self.choice(TEXT_ALPHABET) for _ in range(size)).encode("utf-8")

    def bytes(self, size: int) -> bytes:
        return self.draw(st.binary(min_size=size, max_size=size)) if self.draw else self.rng.randbytes(size)


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


@st.composite
def mutations(draw, data: bytes, fmt: str) -> bytes:
    return edit(data, fmt, Draws(draw=draw))


def docx_part(seed: bytes, draws: Draws) -> bytes:
    """``seed`` (a DOCX) with one XML part (``word/document.xml`` most often) edited, zipped again."""
    names = [n for n in zipfile.ZipFile(io.BytesIO(seed)).namelist() if n.endswith(".xml")]
    names = sorted(names, key=lambda n: n != "word/document.xml")[:4]
    member = draws.choice(names[:1] * 3 + names)
    changed = edit(zipfile.ZipFile(io.BytesIO(seed)).read(member), "xml", draws)
    return _rezip(seed, member, lambda _: changed)


def _rezip(docx: bytes, member: str, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(docx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item.filename, change(data) if item.filename == member else data)
    return out.getvalue()


def inputs(fmt: str):
    """Mutated renderings of ``fmt``, random bytes, and for DOCX edited XML inside the zip."""
    mutated = st.sampled_from(seeds(fmt)).flatmap(lambda seed: mutations(seed, fmt))
    choices = [mutated, mutated, st.binary(max_size=2048)]
    if fmt == "docx":
        inside = st.sampled_from(seeds(fmt)).flatmap(lambda seed: st.composite(
            lambda draw: docx_part(seed, Draws(draw=draw)))())
        choices += [inside, inside]
    return st.one_of(*choices)


def read_outcome(fmt: str, data: bytes, name: str = "fuzzed") -> str:
    """"profile" or "skip: <reason>"; any other exception propagates."""
    folder = _workdir() / "cases"
    folder.mkdir(exist_ok=True)
    path = folder / f"{name}{SUFFIX[fmt]}"
    path.write_bytes(data)
    started = time.monotonic()
    try:
        profile = load_profile(path, folder)
    except ProfileError as exc:
        reason = str(exc)
        assert path.name in reason and "\n" not in reason.strip(), reason  # one warning line
        return f"skip: {reason}"
    finally:
        assert time.monotonic() - started < SECONDS_PER_FILE
    assert profile.source == path.name
    return "profile"


EXAMPLES = {"text": 100, "markdown": 80, "html": 80, "docx": 100, "pdf": 60}


def _fuzz(fmt: str):
    # derandomized: CI runs the same examples every time; the benchmark explores further
    @settings(max_examples=EXAMPLES[fmt], deadline=None, database=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                     HealthCheck.large_base_example])
    @given(data=inputs(fmt))
    def run(data: bytes) -> None:
        read_outcome(fmt, data)

    return run


@pytest.mark.parametrize("fmt", list(EXAMPLES))
def test_the_seed_renderings_read_as_profiles(fmt):
    assert all(read_outcome(fmt, seed) == "profile" for seed in seeds(fmt))


@pytest.mark.parametrize("fmt", list(EXAMPLES))
def test_a_reader_gives_a_profile_or_a_reason_never_another_exception(fmt):
    _fuzz(fmt)()


# Found by benchmarks/fuzz_inputs.py (2,000 cases per format, seed 21): python-docx raises its own
# errors while the reader walks the paragraphs, after the part of read_docx that turns library
# errors into a ProfileError (the loader skipped the file as "cannot be read (AttributeError: …)").
# The reader now turns any library error during the walk into its one-line skip reason.
DOCX_FOUND = {
    "a bold flag that is not a boolean (InvalidXmlError)": (
        "word/document.xml", lambda d: d.replace(b'<w:b w:val="0"/>', b'<w:b w:val="maybe"/>', 1)),
    "the styles part of another content type (AttributeError)": (
        "[Content_Types].xml", lambda d: d.replace(b"styles+xml", b"stylez+xml")),
}


@pytest.mark.parametrize("case", list(DOCX_FOUND))
def test_docx_found_by_the_benchmark_is_a_skip_with_a_reason(case):
    member, change = DOCX_FOUND[case]
    data = _rezip(seeds("docx")[0], member, change)
    assert read_outcome("docx", data, "found").startswith("skip: ")


def test_a_docx_skip_reason_is_one_line():
    # a NUL in an XML part: "is not a readable DOCX (XMLSyntaxError: Invalid character: Char 0x0
    # out of allowed range\n, line 1, column 2 …)", printed as two lines by `mgiassist index`
    data = _rezip(seeds("docx")[0], "word/document.xml", lambda d: d[:1] + b"\x00" + d[1:])
    reason = read_outcome("docx", data, "nul")
    assert reason.startswith("skip: ") and "\n" not in reason
