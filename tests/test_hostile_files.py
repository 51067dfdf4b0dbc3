"""Hostile profile files beside the seed profiles: each is skipped with one line naming the bound
it breaks, or read within the bounds, and the seeds are indexed all the same.

Every file is built here (reportlab or by hand for PDFs, zipfile for DOCX); none is committed.
Caps are lowered through ``Bounds``/``ReadLimits`` where a file at the default cap would be slow
to build; the issue's own sizes are used where they are cheap (100,000 nested tags, 100,000
pages, 400,000 characters).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path

import pytest
from conftest import REPO, SEED_CORPUS, FakeEmbedder

import mgiassist.index
from mgiassist.cli.main import main
from mgiassist.index import index_status, load_index
from mgiassist.ingest import Bounds, ReadLimits, load_corpus

MB = 1024 * 1024
SEEDS = sorted(p.name for p in SEED_CORPUS.glob("*.txt"))


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name in SEEDS:
        shutil.copy(SEED_CORPUS / name, folder / name)
    return folder


# --- files ---------------------------------------------------------------------------------------


def _reportlab_pdf(path: Path, pages: int, lines: int = 1, text: str = "Ghana engages its diaspora.",
                   size: float = 10) -> Path:
    from reportlab.pdfgen import canvas

    sheet = canvas.Canvas(str(path))
    for _ in range(pages):
        sheet.setFont("Helvetica", size)
        for n in range(lines):
            sheet.drawString(20, 820 - n * size * 1.2, text)
        sheet.showPage()
    sheet.save()
    return path


def _pdf(objects: list[bytes]) -> bytes:
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    return bytes(out) + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)


def _flate(data: bytes) -> bytes:
    packed = zlib.compress(data, 9)
    return b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream"


_TEXT = b"BT /F1 12 Tf 72 700 Td (Ghana engages its diaspora through a national policy.) Tj ET\n"


def _one_page(contents: list[bytes], catalog: bytes = b"") -> bytes:
    refs = b" ".join(b"%d 0 R" % (5 + n) for n in range(len(contents)))
    return _pdf([b"<< /Type /Catalog /Pages 2 0 R" + catalog + b" >>",
                 b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                 b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >>"
                 b" /Contents [" + refs + b"] >>",
                 b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
                 *(_flate(c) for c in contents)])


def _many_pages(pages: int) -> bytes:
    kids = b" ".join(b"%d 0 R" % (5 + n) for n in range(pages))
    return _pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                 b"<< /Type /Pages /Kids [" + kids + b"] /Count %d /MediaBox [0 0 200 200]"
                 b" /Resources << /Font << /F1 4 0 R >> >> >>" % pages,
                 b"<< /Length 41 >>\nstream\nBT /F1 12 Tf 10 100 Td (Ghana page.) Tj ET\nendstream",
                 b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
                 *[b"<</Type/Page/Parent 2 0 R/Contents 3 0 R>>"] * pages])


def _many_chars(chars: int) -> bytes:
    line = b"(" + b"x" * 200 + b") '"
    return _one_page([_TEXT, b"BT /F1 1 Tf 10 780 Td 1.2 TL\n" + b"\n".join([line] * (chars // 200)) + b"\nET"])


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _docx(path: Path, body: bytes, doctype: str = "", footnotes: bytes | None = None) -> Path:
    """A DOCX made by hand: its body's XML ``body``, a DOCTYPE, and optionally a footnotes part."""
    types = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
             '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
             '<Default Extension="xml" ContentType="application/xml"/>'
             '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
             'officedocument.wordprocessingml.document.main+xml"/>'
             '<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-'
             'officedocument.wordprocessingml.footnotes+xml"/></Types>')
    rels = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{_R}/officeDocument" Target="word/document.xml"/></Relationships>')
    document_rels = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                     f'relationships"><Relationship Id="rId9" Type="{_R}/footnotes" Target="footnotes.xml"/>'
                     '</Relationships>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("_rels/.rels", rels)
        archive.writestr("word/document.xml", f'<?xml version="1.0"?>{doctype}<w:document xmlns:w="{_W}">'
                         .encode() + b"<w:body>" + body + b"</w:body></w:document>")
        if footnotes is not None:
            archive.writestr("word/_rels/document.xml.rels", document_rels)
            archive.writestr("word/footnotes.xml", f'<?xml version="1.0"?>{doctype}<w:footnotes xmlns:w="{_W}">'
                             .encode() + footnotes + b"</w:footnotes>")
    return path


def _paragraph(text: str) -> bytes:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>".encode()


def _whitespace_docx(path: Path, megabytes: int) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            part.write(f'<w:document xmlns:w="{_W}"><w:body>'.encode() + _paragraph("Ghana engages its diaspora."))
            for _ in range(megabytes):
                part.write(b" " * MB)
            part.write(b"</w:body></w:document>")
    return path


_LAUGHS = ('<!DOCTYPE w:document [<!ENTITY lol0 "lol">'
           + "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)) + "]>")


def _load(corpus: Path, caplog, bounds: Bounds | None = None):
    with caplog.at_level(logging.WARNING):
        loaded = load_corpus(corpus, bounds=bounds)
    assert [p.source for p in loaded.profiles if p.source in SEEDS] == SEEDS  # the seeds beside it
    for source, reason in loaded.skipped_sources.items():
        assert "\n" not in reason and sum(source in m for m in caplog.messages) == 1, source
    return loaded


# --- each file: skipped with the bound named, or read within the bounds ------------------------

SKIPPED = [
    ("pages.pdf", lambda p: p.write_bytes(_many_pages(100_000)), ReadLimits(),
     "about 100,000 pages, over the limit of 500 pages per PDF"),
    ("pages-reportlab.pdf", lambda p: _reportlab_pdf(p, pages=6), ReadLimits(pdf_pages=5),
     "6 pages, over the limit of 5 pages per PDF"),
    ("chars.pdf", lambda p: p.write_bytes(_many_chars(400_000)), ReadLimits(),
     "characters, over the limit of 50,000 characters per PDF page"),
    ("chars-reportlab.pdf", lambda p: _reportlab_pdf(p, pages=2, lines=40, text="x" * 100, size=2),
     ReadLimits(pdf_page_chars=3_000), "page 1 holds about 4,000 characters, over the limit of 3,000 characters"),
    ("flate-bomb.pdf", lambda p: p.write_bytes(_one_page([_TEXT, _TEXT + b" " * (40 * MB)])), ReadLimits(),
     "the content of page 1 inflates past the limit of 32 MB per PDF page"),
    ("deep-unclosed.html", lambda p: p.write_text("<div>" * 100_000 + "Ghana.", encoding="utf-8"), ReadLimits(),
     "elements nested more than 200 deep, over the HTML nesting limit of 200"),
    ("deep-closed.html", lambda p: p.write_text("<div>" * 100_000 + "Ghana." + "</div>" * 100_000,
                                                encoding="utf-8"), ReadLimits(),
     "over the HTML nesting limit of 200"),
    ("lists.html", lambda p: p.write_text("<ul><li>x" * 100_000, encoding="utf-8"), ReadLimits(),
     "over the HTML nesting limit of 200"),
    ("bomb.docx", lambda p: _whitespace_docx(p, 60), ReadLimits(),
     "its XML parts inflate to 60 MB, over the limit of 50 MB per DOCX"),
    ("small-bomb.docx", lambda p: _whitespace_docx(p, 3), ReadLimits(docx_xml_bytes=MB),
     "its XML parts inflate to 3 MB, over the limit of 1 MB per DOCX"),
    ("nul.txt", lambda p: p.write_bytes(b"Ghana\x00 engages its diaspora."), ReadLimits(),
     "looks binary (NUL bytes)"),
    ("nul.html", lambda p: p.write_bytes(b"<p>Ghana\x00 engages.</p>"), ReadLimits(), "looks binary"),
    ("utf16-no-mark.txt", lambda p: p.write_bytes("Ghana engages.".encode("utf-16-le")), ReadLimits(),
     "looks binary"),
    ("not-1252.txt", lambda p: p.write_bytes(b"Ghana \xff\xfe\x81\x8d engages."), ReadLimits(),
     "is neither UTF-8 nor Windows-1252 text"),
]


@pytest.mark.parametrize(("name", "build", "limits", "reason"), SKIPPED, ids=[c[0] for c in SKIPPED])
def test_a_file_over_a_bound_is_skipped_with_the_bound_named(corpus, caplog, name, build, limits, reason):
    build(corpus / name)
    started = time.perf_counter()
    loaded = _load(corpus, caplog, Bounds(limits=limits))
    assert reason in loaded.skipped_sources[name]
    assert loaded.skipped_sources[name].startswith(str(corpus / name))
    assert time.perf_counter() - started < 30  # refused by a cap, not by the time limit


def test_a_pdf_with_javascript_is_read_as_text(corpus, caplog):
    (corpus / "javascript.pdf").write_bytes(
        _one_page([_TEXT], b" /OpenAction << /S /JavaScript /JS (app.alert\\('x'\\);) >>"))
    loaded = _load(corpus, caplog)
    [profile] = [p for p in loaded.profiles if p.source == "javascript.pdf"]
    assert "national policy" in " ".join(s.text for s in profile.sections)


def test_a_docx_entity_is_never_expanded_from_a_file(corpus, caplog, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-MARKER", encoding="utf-8")
    doctype = f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file://{secret}">]>'
    _docx(corpus / "xxe.docx", _paragraph("Ghana &xxe; engages its diaspora."), doctype,
          footnotes=b'<w:footnote w:id="1"><w:p><w:r><w:t>Source &xxe; here</w:t></w:r></w:p></w:footnote>')
    loaded = _load(corpus, caplog)
    [profile] = [p for p in loaded.profiles if p.source == "xxe.docx"]
    texts = [s.text for s in profile.sections] + [f.text for s in profile.sections for f in s.footnotes]
    assert "Ghana" in " ".join(texts) and "SECRET-MARKER" not in repr(profile)


def test_a_docx_billion_laughs_is_refused_or_read_small(corpus, caplog):
    _docx(corpus / "laughs.docx", _paragraph("Ghana &lol9; engages its diaspora."), _LAUGHS)
    _docx(corpus / "laughs-notes.docx", _paragraph("Ghana engages its diaspora."), _LAUGHS,
          footnotes=b'<w:footnote w:id="1"><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:footnote>')
    started = time.perf_counter()
    loaded = _load(corpus, caplog)
    assert time.perf_counter() - started < 30
    for name in ("laughs.docx", "laughs-notes.docx"):
        profile = next((p for p in loaded.profiles if p.source == name), None)
        assert profile is not None or name in loaded.skipped_sources
        assert profile is None or "lollol" not in repr(profile)  # 10^9 "lol"s never spelled out


def test_text_in_other_encodings_is_read(corpus, caplog):
    (corpus / "cote.txt").write_bytes("Côte d’Ivoire engages its diaspora.".encode("cp1252"))
    (corpus / "ghana16.txt").write_bytes("Ghana engages its diaspora.".encode("utf-16"))
    (corpus / "kenya16.md").write_bytes("# Kenya\n\nKenya has a diaspora policy.".encode("utf-16-be"))
    loaded = _load(corpus, caplog)
    read = {p.source: " ".join(s.text for s in p.sections) for p in loaded.profiles}
    assert "Côte d’Ivoire" in read["cote.txt"] and "Ghana engages" in read["ghana16.txt"]
    assert "kenya16.md" in loaded.skipped_sources  # no byte-order mark: NUL bytes, as binary
    assert "looks binary" in loaded.skipped_sources["kenya16.md"]


ODD_NAMES = ["-rf.txt", "name with spaces.md", "名前.txt", "new\nline.txt", "tab\tname.md", "x" * 240 + ".txt",
             "back\\slash.txt", "--index=elsewhere.md", "semi;colon$(true).txt"]


def test_odd_file_names_are_read(corpus, caplog):
    for name in ODD_NAMES:
        (corpus / name).write_text("Ghana engages its diaspora.\n", encoding="utf-8")
    loaded = _load(corpus, caplog)
    assert sorted(p.source for p in loaded.profiles) == sorted([*SEEDS, *ODD_NAMES])


def test_a_file_over_the_time_limit_is_killed_and_skipped(corpus, caplog):
    # 40 dense pages read in 4 to 12 s here; the limit is a fifth of a second
    _reportlab_pdf(corpus / "slow.pdf", pages=40, lines=60, text="Ghana engages its diaspora. " * 4, size=8)
    _reportlab_pdf(corpus / "quick.pdf", pages=1)
    started = time.perf_counter()
    loaded = _load(corpus, caplog, Bounds(seconds=0.2))
    assert time.perf_counter() - started < 20  # killed at its limit, not read to the end
    assert loaded.skipped_sources["slow.pdf"].endswith(
        "slow.pdf: over the 0.2 s time limit per file (raise it with --file-timeout)")


def test_a_file_over_the_memory_limit_is_skipped(corpus, caplog):
    # a 300 MB flate bomb under a raised content cap: inflating it cannot fit in 250 MB
    limits = ReadLimits(pdf_page_content_bytes=1024 * MB)
    (corpus / "bomb.pdf").write_bytes(_one_page([_TEXT, _TEXT + b" " * (300 * MB)]))
    loaded = _load(corpus, caplog, Bounds(memory_mb=250, limits=limits))
    assert loaded.skipped_sources["bomb.pdf"].endswith(
        "bomb.pdf: over the 250 MB memory limit per file (raise it with --file-memory)")


def test_the_index_command_takes_the_limits(corpus, tmp_path, monkeypatch):
    from click.testing import CliRunner

    monkeypatch.setattr(mgiassist.index, "load_embedder", lambda model=None: FakeEmbedder())
    _reportlab_pdf(corpus / "slow.pdf", pages=40, lines=60, text="Ghana engages its diaspora. " * 4, size=8)
    result = CliRunner().invoke(main, ["index", "--corpus", str(corpus), "--index", str(tmp_path / "index"),
                                       "--file-timeout", "0.2", "--file-memory", "800"])
    assert result.exit_code == 0, result.output
    assert result.output.count("slow.pdf: over the 0.2 s time limit per file") == 1
    assert "indexed 2 profiles" in result.output


# --- the whole run, at the sizes -------------------------------------------------------

# runs `mgiassist index` as its only child and reports its wall time and the peak RSS of the
# largest process of its tree: orphans such as the fork server are reaped here (Linux)
_MEASURE = """
import ctypes, json, os, resource, subprocess, sys, time
ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)
started = time.perf_counter()
run = subprocess.run(sys.argv[1:], capture_output=True, text=True)
seconds = time.perf_counter() - started
while True:
    try:
        os.wait()
    except ChildProcessError:
        break
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({"code": run.returncode, "stdout": run.stdout, "stderr": run.stderr, "seconds": seconds,
                  "peak_mb": peak}))
"""

HOSTILE = {
    "pages.pdf": (lambda p: p.write_bytes(_many_pages(100_000)), "over the limit of 500 pages per PDF"),
    "chars.pdf": (lambda p: p.write_bytes(_many_chars(400_000)), "over the limit of 50,000 characters"),
    "flate-bomb.pdf": (lambda p: p.write_bytes(_one_page([_TEXT, _TEXT + b" " * (300 * MB)])),
                       "inflates past the limit of 32 MB per PDF page"),
    "deep.html": (lambda p: p.write_text("<div>" * 100_000 + "Ghana.", encoding="utf-8"), "nesting limit of 200"),
    "lists.html": (lambda p: p.write_text("<ul><li>x" * 100_000, encoding="utf-8"), "nesting limit of 200"),
    "bomb.docx": (lambda p: _whitespace_docx(p, 60), "over the limit of 50 MB per DOCX"),
    "nul.txt": (lambda p: p.write_bytes(b"Ghana\x00 engages."), "looks binary"),
}


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="the peak is read with PR_SET_CHILD_SUBREAPER")
def test_index_run_over_hostile_files_keeps_its_time_and_memory(corpus, tmp_path):
    for name, (build, _) in HOSTILE.items():
        build(corpus / name)
    (corpus / "javascript.pdf").write_bytes(_one_page([_TEXT], b" /OpenAction << /S /JavaScript /JS (x) >>"))
    (corpus / "ghana16.txt").write_bytes("Ghana engages its diaspora.".encode("utf-16"))
    index = tmp_path / "index"
    env = {**os.environ, "PYTHONPATH": f"{REPO / 'src'}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    command = [sys.executable, "-m", "mgiassist.cli.main", "index", "--corpus", str(corpus), "--index", str(index),
               "--model", "hashing:64"]
    measured = subprocess.run([sys.executable, "-c", _MEASURE, *command], capture_output=True, text=True,
                              env=env, check=True, timeout=300)
    run = json.loads(measured.stdout)
    assert run["code"] == 0, run["stderr"]
    for name, (_, reason) in HOSTILE.items():
        [line] = [line for line in run["stderr"].splitlines() if f"{name}: " in line]
        assert reason in line and line.startswith("warning: skipped"), line
    for name in (*SEEDS, "javascript.pdf", "ghana16.txt"):
        assert f"{name} [" in run["stdout"], name
    # measured here on 2 loaded cores: 9 to 14 s and 150 to 330 MB (the build process, the fork
    # server and the readers alike); the bounds allow 60 s and 1,500 MB per file
    assert run["seconds"] < 60 and run["peak_mb"] < 1000, run
    assert index_status(index, corpus).state == "current"
    assert {c.source for c in load_index(index).chunks} == {*SEEDS, "javascript.pdf", "ghana16.txt"}
