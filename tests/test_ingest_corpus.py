"""The corpus folder: what is read, what is skipped (named once, with its reason), the ingestion
report, and ``mgiassist inspect``."""

from __future__ import annotations

import errno
import json
import logging
import os
import shutil

import pytest
from click.testing import CliRunner
from conftest import SEED_CORPUS, FakeEmbedder

import mgiassist.index
from mgiassist.cli.main import main
from mgiassist.errors import CorpusError
from mgiassist.ingest import Bounds, ingestion_report, list_corpus, load_corpus, parse_profile

MAPPING_SEED = SEED_CORPUS / "eudif-diaspora-mapping-cambodia-2022.txt"


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "kenya.md").write_text("# Kenya\n\nKenya has a diaspora policy.\n", encoding="utf-8")
    return folder


def test_symlinks_leading_out_or_nowhere_are_skipped_and_named(corpus, tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("Outside text.", encoding="utf-8")
    os.symlink(outside, corpus / "escape.txt")
    os.symlink(tmp_path / "missing.txt", corpus / "dangling.txt")
    os.symlink(corpus / "kenya.md", corpus / "alias.md")  # inside: read as itself
    listing = list_corpus(corpus)
    assert sorted(p.name for p in listing.paths) == ["alias.md", "kenya.md"]
    assert "outside the corpus" in listing.skipped["escape.txt"]
    assert "dangling symlink" in listing.skipped["dangling.txt"]


def test_files_over_the_size_limit_are_skipped_with_the_limit_named(corpus, caplog):
    (corpus / "big.txt").write_text("Kenya. " * 400, encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        loaded = load_corpus(corpus, max_file_bytes=1000)
    assert [p.source for p in loaded.profiles] == ["kenya.md"]
    assert "over the" in loaded.skipped_sources["big.txt"] and "--max-file-mb" in loaded.skipped_sources["big.txt"]
    assert sum("big.txt" in m for m in caplog.messages) == 1  # named once


def test_bad_documents_are_skipped_one_line_each_and_the_rest_read(corpus, caplog):
    reportlab_canvas = pytest.importorskip("reportlab.pdfgen.canvas")
    docx = pytest.importorskip("docx")
    scanned = reportlab_canvas.Canvas(str(corpus / "scanned.pdf"))
    scanned.rect(50, 50, 300, 300, fill=1)
    scanned.save()
    locked = reportlab_canvas.Canvas(str(corpus / "locked.pdf"), encrypt="pw")
    locked.drawString(50, 700, "Secret")
    locked.save()
    (corpus / "truncated.pdf").write_bytes((corpus / "scanned.pdf").read_bytes()[:200])
    (corpus / "menu.html").write_text("<html><body><nav>Home</nav></body></html>", encoding="utf-8")
    docx.Document().save(str(corpus / "empty.docx"))
    with caplog.at_level(logging.WARNING):
        loaded = load_corpus(corpus)
    assert [p.source for p in loaded.profiles] == ["kenya.md"]
    reasons = loaded.skipped_sources
    assert "OCR it first" in reasons["scanned.pdf"]
    assert "encrypted" in reasons["locked.pdf"]
    assert "not a readable PDF" in reasons["truncated.pdf"]
    assert "no article text" in reasons["menu.html"]
    assert "empty DOCX" in reasons["empty.docx"]
    for name in reasons:
        assert sum(name in m for m in caplog.messages) == 1, name
        assert "\n" not in reasons[name]


def test_docx_profiles_are_read(corpus):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_heading("Migration in Ghana", level=1)
    document.add_paragraph("Ghana engages its diaspora.")
    document.save(str(corpus / "ghana.docx"))
    loaded = load_corpus(corpus)
    ghana = next(p for p in loaded.profiles if p.source == "ghana.docx")
    assert ghana.country == "Ghana" and ghana.sections[0].heading_path == ("Migration in Ghana",)


def test_report_counts_and_warnings():
    mapping = parse_profile(MAPPING_SEED.read_text(encoding="utf-8"), MAPPING_SEED.name)
    report = ingestion_report(mapping)
    assert (report.family, report.country, report.date) == ("diaspora-mapping", "Cambodia", "September 2022")
    assert (report.tables, report.footnotes, report.findings) == (1, 23, 0) and not report.warnings

    text = MAPPING_SEED.read_text(encoding="utf-8")
    cut = text[: text.index("Annex:")].replace("Updated September 2022", "").replace("September 2020", "")
    cut = cut.replace("1 https://www.wto.org/english/thewto_e/acc_e/khm_e/WTACCKHM3A3_LEG_37.pdf", "")
    warnings = " | ".join(ingestion_report(parse_profile(cut, "cut.txt")).warnings)
    assert "markers without definitions: 1" in warnings
    assert "without its annex" in warnings
    assert "no date" in warnings
    notes = ingestion_report(parse_profile("# Notes\n\nSomething about Kenya.\n", "notes.md"))
    assert any("generic fallback" in w for w in notes.warnings)


def test_index_prints_the_report_and_names_each_skipped_file_once(tmp_path, monkeypatch):
    monkeypatch.setattr(mgiassist.index, "load_embedder", lambda model=None: FakeEmbedder())
    corpus = tmp_path / "corpus"
    shutil.copytree(SEED_CORPUS, corpus, ignore=shutil.ignore_patterns("README*"))
    (corpus / "empty.txt").write_text("")
    result = CliRunner().invoke(main, ["index", "--corpus", str(corpus), "--index", str(tmp_path / "i"),
                                       "--model", "fake-hashing-embedder"])
    assert result.exit_code == 0, result.output
    assert result.output.count("empty.txt") == 1
    assert "mgi-profile-cambodia-2021.txt [text]: Cambodia, MGI profile, February 2021; 41 sections, 27 findings" \
        in result.output


def test_index_size_limit_option(tmp_path, monkeypatch):
    monkeypatch.setattr(mgiassist.index, "load_embedder", lambda model=None: FakeEmbedder())
    corpus = tmp_path / "corpus"
    shutil.copytree(SEED_CORPUS, corpus, ignore=shutil.ignore_patterns("README*"))
    result = CliRunner().invoke(main, ["index", "--corpus", str(corpus), "--index", str(tmp_path / "i"),
                                       "--max-file-mb", "0.015"])
    assert result.exit_code == 0, result.output
    assert "eudif-diaspora-mapping-cambodia-2022.txt" in result.output and "MB limit" in result.output


def test_inspect_prints_the_tree_and_json():
    runner = CliRunner()
    tree = runner.invoke(main, ["inspect", str(MAPPING_SEED)])
    assert tree.exit_code == 0, tree.output
    assert "  Political rights\n    right: Dual citizenship — Dual citizenship¹\n" in tree.output
    assert "[3] https://www.khmertimeskh.com/6674/nec-pressed-on-election-reforms/" in tree.output
    data = json.loads(runner.invoke(main, ["inspect", str(MAPPING_SEED), "--json"]).output)
    assert data["report"]["country"] == "Cambodia"
    assert {b["type"] for b in data["blocks"]} >= {"heading", "paragraph", "list_item", "table", "footnote"}
    missing = runner.invoke(main, ["inspect", "nope.pdf"])
    assert missing.exit_code == 2 and "error: nope.pdf" in missing.output


# --- one file never stops the rest --------------------------------------------------------------


def test_symlink_loops_are_skipped_and_named(corpus):
    os.symlink("self.txt", corpus / "self.txt")
    os.symlink("b.md", corpus / "a.md")
    os.symlink("a.md", corpus / "b.md")
    os.symlink("round", corpus / "round")  # a folder-looking loop: no profile suffix, not listed
    loaded = load_corpus(corpus)
    assert [p.source for p in loaded.profiles] == ["kenya.md"]
    assert sorted(loaded.skipped_sources) == ["a.md", "b.md", "self.txt"]
    assert all("symlink loop" in reason for reason in loaded.skipped_sources.values())


def test_a_file_name_that_is_not_utf8_is_skipped_and_named(corpus, caplog):
    with open(os.path.join(os.fsencode(str(corpus)), b"bad-\xff.txt"), "wb") as handle:
        handle.write(b"Ghana has a diaspora policy.\n")
    os.mkdir(os.path.join(os.fsencode(str(corpus)), b"dir-\xfe"))
    with open(os.path.join(os.fsencode(str(corpus)), b"dir-\xfe", b"ok.txt"), "wb") as handle:
        handle.write(b"Ghana has a diaspora policy.\n")
    with caplog.at_level(logging.WARNING):
        loaded = load_corpus(corpus)
    assert [p.source for p in loaded.profiles] == ["kenya.md"]
    assert sorted(loaded.skipped_sources) == ["bad-\\xff.txt", "dir-\\xfe/ok.txt"]
    assert all("not valid UTF-8" in r for r in loaded.skipped_sources.values())
    for message in loaded.skipped:
        message.encode("utf-8")  # printable, loggable, storable as it is
    assert sum("bad-\\xff.txt" in m for m in caplog.messages) == 1


def _unreadable(monkeypatch, folder):
    """``os.walk`` meeting ``folder`` as a folder it may not list (chmod 000 does not stop root)."""
    real = os.scandir

    def scandir(path="."):
        if os.fspath(path) == str(folder):
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)


def test_a_folder_that_cannot_be_listed_is_a_warning_not_a_failure(corpus, monkeypatch, caplog):
    locked = corpus / "locked"
    locked.mkdir()
    (locked / "ghana.txt").write_text("Ghana has a diaspora policy.\n", encoding="utf-8")
    _unreadable(monkeypatch, locked)
    with caplog.at_level(logging.WARNING):
        loaded = load_corpus(corpus)
    assert [p.source for p in loaded.profiles] == ["kenya.md"]
    assert list(loaded.unlisted) == ["locked"] and "cannot be listed" in loaded.unlisted["locked"]
    assert "locked/ghana.txt" not in loaded.skipped_sources  # unknown, not skipped nor removed
    assert sum("cannot be listed" in m for m in caplog.messages) == 1


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a chmod 000 folder anyway")
def test_a_chmod_000_folder_is_a_warning_not_a_failure(corpus):
    locked = corpus / "locked"
    locked.mkdir()
    (locked / "ghana.txt").write_text("Ghana has a diaspora policy.\n", encoding="utf-8")
    locked.chmod(0)
    try:
        loaded = load_corpus(corpus)
    finally:
        locked.chmod(0o755)
    assert [p.source for p in loaded.profiles] == ["kenya.md"] and list(loaded.unlisted) == ["locked"]


def test_a_corpus_folder_that_cannot_be_listed_is_one_error(corpus, monkeypatch):
    _unreadable(monkeypatch, corpus)
    with pytest.raises(CorpusError, match="cannot be listed"):
        list_corpus(corpus)


def _failing_for(name, fail):
    """``read_document`` of the corpus module, failing with ``fail()`` on the file ``name``."""
    from mgiassist.ingest import corpus as corpus_module

    real = corpus_module.read_document

    def read_document(path, data=None, source=None, limits=None):
        if path.name == name:
            raise fail()
        return real(path, data, source, limits)

    return read_document


def _xml_error():
    etree = pytest.importorskip("lxml.etree")
    try:
        etree.fromstring(b"<w:document><w:body></w:document>")
    except etree.XMLSyntaxError as exc:
        return exc
    raise AssertionError("lxml parsed a broken document")


@pytest.mark.parametrize("fail", [
    lambda: RecursionError("maximum recursion depth exceeded"),
    lambda: ValueError("bad\nvalue"),
    lambda: KeyError("w:id"),
    AssertionError,
    MemoryError,
    lambda: UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"),
    _xml_error,
], ids=["RecursionError", "ValueError", "KeyError", "AssertionError", "MemoryError",
        "UnicodeDecodeError", "XMLSyntaxError"])
def test_a_reader_failing_in_any_way_skips_only_that_file(corpus, monkeypatch, fail):
    from mgiassist.ingest import corpus as corpus_module

    (corpus / "ghana.docx").write_bytes(b"PK")
    expected = type(fail()).__name__
    monkeypatch.setattr(corpus_module, "read_document", _failing_for("ghana.docx", fail))
    loaded = load_corpus(corpus, bounds=Bounds(workers=0))  # in this process, where the patch is
    assert [p.source for p in loaded.profiles] == ["kenya.md"]
    reason = loaded.skipped_sources["ghana.docx"]
    assert f"cannot be read ({expected}" in reason and "\n" not in reason


def test_a_deeply_nested_web_page_is_skipped_not_fatal(corpus):
    (corpus / "deep.html").write_text("<div>" * 1500 + "Ghana has a diaspora policy.", encoding="utf-8")
    loaded = load_corpus(corpus)
    assert [p.source for p in loaded.profiles] == ["kenya.md"]
    assert "over the HTML nesting limit of 200" in loaded.skipped_sources["deep.html"]


def test_index_goes_on_past_every_bad_file(tmp_path, monkeypatch):
    monkeypatch.setattr(mgiassist.index, "load_embedder", lambda model=None: FakeEmbedder())
    corpus = tmp_path / "corpus"
    shutil.copytree(SEED_CORPUS, corpus, ignore=shutil.ignore_patterns("README*"))
    os.symlink("loop.txt", corpus / "loop.txt")
    with open(os.path.join(os.fsencode(str(corpus)), b"bad-\xff.txt"), "wb") as handle:
        handle.write(b"Ghana has a diaspora policy.\n")
    (corpus / "deep.html").write_text("<div>" * 1500 + "Ghana.", encoding="utf-8")
    (corpus / "ghana.txt").write_bytes("Ghana has a diaspora policy.\n".encode("utf-16"))
    result = CliRunner().invoke(main, ["index", "--corpus", str(corpus), "--index", str(tmp_path / "i"),
                                       "--model", "fake-hashing-embedder"])
    assert result.exit_code == 0, result.output
    for name in ("loop.txt", "bad-\\xff.txt", "deep.html"):
        assert result.output.count(f"{name}: ") == 1, name  # named once, with its reason
    assert "ghana.txt [text]" in result.output
