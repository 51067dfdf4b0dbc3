"""DOCX reader: Word's own structure on a few paragraphs."""

from __future__ import annotations

import pytest

from mgiassist.errors import ProfileError
from mgiassist.ingest.blocks import FootnoteDefinition, Heading, ListItem, Paragraph, Table
from mgiassist.ingest.readers import read_document

docx = pytest.importorskip("docx")


def test_headings_lists_tables_markers_and_numbered_notes(tmp_path):
    document = docx.Document()
    document.add_heading("Diaspora policy", level=1)
    paragraph = document.add_paragraph()
    paragraph.add_run("Lack of resources:").bold = True
    paragraph.add_run(" few staff")
    paragraph.add_run("13").font.superscript = True
    paragraph.add_run(".")
    document.add_paragraph("First finding", style="List Bullet")
    document.add_paragraph("Nested finding", style="List Bullet 2")
    table = document.add_table(rows=2, cols=2)
    for row, values in zip(table.rows, [("Thailand", "689,451"), ("France", "69,748")]):
        for cell, value in zip(row.cells, values):
            cell.text = value
    note = document.add_paragraph()
    note.add_run("13").font.superscript = True
    note.add_run(" https://example.org/report.pdf")
    document.sections[0].header.paragraphs[0].text = "Running header"
    path = tmp_path / "profile.docx"
    document.save(str(path))

    blocks = read_document(path).blocks
    assert [type(b) for b in blocks] == [Heading, Paragraph, ListItem, ListItem, Table, FootnoteDefinition]
    assert blocks[1].text == "Lack of resources: few staff." and blocks[1].markers == ((28, 13),)
    assert blocks[1].lead() == "Lack of resources:"
    assert [(b.text, b.depth) for b in blocks[2:4]] == [("First finding", 0), ("Nested finding", 1)]
    assert blocks[4].rows == [["Thailand", "689,451"], ["France", "69,748"]]
    assert (blocks[5].number, blocks[5].text) == (13, "https://example.org/report.pdf")
    assert not any("Running header" in b.text for b in blocks)


def test_empty_and_corrupt_docx_are_refused(tmp_path):
    empty = tmp_path / "empty.docx"
    docx.Document().save(str(empty))
    with pytest.raises(ProfileError, match="empty DOCX"):
        read_document(empty)
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04 not a zip")
    with pytest.raises(ProfileError, match="not a readable DOCX"):
        read_document(broken)


def _with_footnotes(document, notes: dict[int, str], kind: str = "footnote") -> None:
    """Give a python-docx document a ``word/footnotes.xml`` part (or endnotes) as LibreOffice
    writes it: the separators under ids 0 and 1, the notes from id 2 (python-docx cannot write
    notes)."""
    from docx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    body = "".join(f'<w:{kind} w:id="{key}"><w:p><w:r><w:{kind}Ref/></w:r><w:r><w:t xml:space="preserve"> '
                   f"{text}</w:t></w:r></w:p></w:{kind}>" for key, text in notes.items())
    blob = (f'<w:{kind}s xmlns:w="{w}"><w:{kind} w:id="0" w:type="separator"><w:p><w:r><w:separator/>'
            f'</w:r></w:p></w:{kind}><w:{kind} w:id="1" w:type="continuationSeparator"><w:p><w:r>'
            f"<w:continuationSeparator/></w:r></w:p></w:{kind}>{body}</w:{kind}s>").encode()
    content_type = CONTENT_TYPE.WML_FOOTNOTES if kind == "footnote" else CONTENT_TYPE.WML_ENDNOTES
    relation = RELATIONSHIP_TYPE.FOOTNOTES if kind == "footnote" else RELATIONSHIP_TYPE.ENDNOTES
    part = Part(PackURI(f"/word/{kind}s.xml"), content_type, blob, document.part.package)
    document.part.relate_to(part, relation)


def _reference(paragraph, key: int, custom: str | None = None, kind: str = "footnote") -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = paragraph.add_run()
    ref = OxmlElement(f"w:{kind}Reference")
    ref.set(qn("w:id"), str(key))
    if custom is not None:
        ref.set(qn("w:customMarkFollows"), "1")
    run._r.append(ref)
    if custom is not None:
        run._r.append(OxmlElement("w:t"))
        run._r[-1].text = custom


def test_word_footnotes_are_numbered_by_their_references_not_their_ids(tmp_path):
    """LibreOffice's DOCX keys the notes from 2 (0 and 1 are the separators); Word shows them
    numbered by the order of their references, and a custom mark ("7") stands for itself."""
    document = docx.Document()
    first = document.add_paragraph("Dual citizenship")
    _reference(first, 2)
    second = document.add_paragraph("Voting from abroad")
    _reference(second, 3)
    second.add_run(" is allowed")
    _reference(second, 4, custom="7")
    second.add_run(".")
    _with_footnotes(document, {2: "https://example.org/a", 3: "Not implemented. https://example.org/b",
                               4: "https://example.org/c"})
    path = tmp_path / "footnoted.docx"
    document.save(str(path))

    blocks = read_document(path).blocks
    assert [(b.text, b.markers) for b in blocks[:2]] == [
        ("Dual citizenship", ((16, 1),)), ("Voting from abroad is allowed.", ((18, 2), (29, 7)))]
    notes = {b.number: b.text for b in blocks if isinstance(b, FootnoteDefinition)}
    assert notes == {1: "https://example.org/a", 2: "Not implemented. https://example.org/b",
                     7: "https://example.org/c"}


def _picture(paragraph, descr: str | None = None, title: str | None = None, decorative: bool = False) -> None:
    """An inline picture (a one-pixel PNG written by hand) with Word's alt text fields."""
    import io
    import struct
    import zlib

    from docx.oxml import parse_xml
    from docx.shared import Pt

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(b"\x00\x10\x80\x30")) + chunk(b"IEND", b""))
    run = paragraph.add_run()
    run.add_picture(io.BytesIO(png), width=Pt(9))
    doc_pr = run._r.xpath(".//wp:docPr")[0]
    for name, value in (("descr", descr), ("title", title)):
        if value is not None:
            doc_pr.set(name, value)
    if decorative:  # Word's "Mark as decorative"
        doc_pr.append(parse_xml(
            '<a:extLst xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:ext uri="{C183D7F6-'
            'B498-43B3-948B-1728B52AA6E4}"><adec:decorative xmlns:adec="http://schemas.microsoft.com/office/'
            'drawing/2017/decorative" val="1"/></a:ext></a:extLst>'))


def test_pictures_read_as_their_alt_text(tmp_path):
    """Templates show yes/no as icons: a picture set among words reads as its alt text (the
    description, else the title); decorative ones say nothing; one alone is a figure."""
    document = docx.Document()
    first = document.add_paragraph("Dual citizenship")
    _reference(first, 2)
    first.add_run(" ")
    _picture(first, descr="Yes")
    second = document.add_paragraph()
    _picture(second, title="No")
    second.add_run("Voting from abroad")
    third = document.add_paragraph("Logo ")
    _picture(third, descr="Company logo", decorative=True)
    third.add_run("stays silent")
    _picture(document.add_paragraph(), descr="A chart of remittances")
    document.add_paragraph("End.")
    _with_footnotes(document, {2: "https://example.org/a"})
    path = tmp_path / "pictures.docx"
    document.save(str(path))
    blocks = read_document(path).blocks
    assert [(b.text, b.markers) for b in blocks if not isinstance(b, FootnoteDefinition)] == [
        ("Dual citizenship Yes", ((16, 1),)), ("No Voting from abroad", ()), ("Logo stays silent", ()), ("End.", ())]


def test_ticks_and_crosses_in_wingdings_read_as_their_unicode_glyphs(tmp_path):
    """Word's Insert Symbol writes a tick as Wingdings' code F0FC (w:sym), or as "ü" in a run set
    in Wingdings; the same letter in an ordinary font stays a letter."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    first = document.add_paragraph("Dual citizenship ")
    sym = OxmlElement("w:sym")
    sym.set(qn("w:font"), "Wingdings")
    sym.set(qn("w:char"), "F0FC")
    first.add_run()._r.append(sym)
    second = document.add_paragraph("Voting from abroad ")
    second.add_run("û").font.name = "Wingdings"
    document.add_paragraph("Zürich ü")
    path = tmp_path / "symbols.docx"
    document.save(str(path))
    assert [b.text for b in read_document(path).blocks] == ["Dual citizenship ✓", "Voting from abroad ✗", "Zürich ü"]


def test_a_table_cell_holding_only_a_picture_reads_as_its_alt_text(tmp_path):
    document = docx.Document()
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Dual citizenship"
    _picture(table.cell(0, 1).paragraphs[0], descr="Yes")
    table.cell(1, 0).text = "Voting from abroad"
    _picture(table.cell(1, 1).paragraphs[0], title="No")
    path = tmp_path / "table.docx"
    document.save(str(path))
    assert read_document(path).blocks[0].rows == [["Dual citizenship", "Yes"], ["Voting from abroad", "No"]]


def test_word_endnotes_are_read_like_footnotes(tmp_path):
    document = docx.Document()
    first = document.add_paragraph("Dual citizenship")
    _reference(first, 2, kind="endnote")
    second = document.add_paragraph("Voting from abroad")
    _reference(second, 3, kind="endnote")
    _with_footnotes(document, {2: "https://example.org/a", 3: "https://example.org/b"}, kind="endnote")
    path = tmp_path / "endnoted.docx"
    document.save(str(path))

    blocks = read_document(path).blocks
    assert [(b.text, b.markers) for b in blocks[:2]] == [("Dual citizenship", ((16, 1),)), ("Voting from abroad", ((18, 2),))]
    assert {b.number: b.text for b in blocks if isinstance(b, FootnoteDefinition)} == {
        1: "https://example.org/a", 2: "https://example.org/b"}
