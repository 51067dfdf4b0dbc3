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
