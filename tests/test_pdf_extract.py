"""PDF extractors: PDFium gives the PDF reader the words, boxes, ruled tables, drawn shapes and
images pdfplumber gives it, on pages drawn with reportlab here; bad input stays a one-line error."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mgiassist.errors import ProfileError
from mgiassist.ingest.readers import read_document
from mgiassist.ingest.readers.limits import ReadLimits
from mgiassist.ingest.readers.pdf_extract import ENGINES, extract_pages

canvas_module = pytest.importorskip("reportlab.pdfgen.canvas")

TEXT = ("Indicators in this domain assess the extent to which migrants have the same status as "
        "citizens in terms of access to basic social services such as health, education and efforts.")


def pdf(tmp_path: Path, draw, pages: int = 1, name: str = "doc.pdf") -> Path:
    path = tmp_path / name
    canvas = canvas_module.Canvas(str(path), pagesize=(595, 842))
    for page in range(pages):
        draw(canvas, page)
        canvas.showPage()
    canvas.save()
    return path


def _dejavu() -> str | None:
    """reportlab embeds a TrueType font with fractional /Widths, which PDFium rounds down."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    path = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if not path.is_file():
        return None
    if "Test-DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("Test-DejaVuSans", str(path)))
    return "Test-DejaVuSans"


def _wrapped(c, x, y, text, font, size, width=420, leading=1.3):
    line = ""
    for word in text.split():
        if line and c.stringWidth(f"{line} {word}", font, size) > width:
            c.setFont(font, size)
            c.drawString(x, y, line)
            y -= size * leading
            line = word
        else:
            line = f"{line} {word}".strip()
    c.setFont(font, size)
    c.drawString(x, y, line)
    return y - size * leading


def _page(c, page):
    y = 790
    c.setFont("Helvetica-Bold", 16)
    c.drawString(50, y, f"Migrants' rights, part {page + 1}")
    y = _wrapped(c, 50, y - 24, TEXT, "Helvetica", 10)
    y = _wrapped(c, 50, y, TEXT, "Times-Roman", 9.5)
    font = _dejavu()
    if font:
        y = _wrapped(c, 50, y, TEXT + " Ligature glyphs: \ufb01ve o\ufb03ce.", font, 10.5)
    # a footnote marker raised by the text rise, set smaller, right after a word
    text = c.beginText(50, y)
    text.setFont("Helvetica", 10)
    text.textOut("Voting from abroad")
    text.setFont("Helvetica", 6)
    text.setRise(4)
    text.textOut("3")
    text.setRise(0)
    text.setFont("Helvetica", 10)
    text.textOut(" is allowed in law; spacing set apart.")
    c.drawText(text)
    text = c.beginText(50, y - 14)
    text.setFont("Helvetica", 10)
    text.setCharSpace(1.2)
    text.textOut("Letters spaced out by the character spacing")
    text.setCharSpace(0)
    c.drawText(text)
    # a bullet typed, bullets drawn as a disc and a square
    c.setFont("Helvetica", 10)
    c.drawString(50, y - 40, "•")
    c.drawString(62, y - 40, "A list item opened by a typed bullet.")
    c.circle(54, y - 56.5, 1.6, stroke=0, fill=1)
    c.drawString(62, y - 60, "A list item opened by a drawn disc.")
    c.rect(52.5, y - 78, 3.5, 3.5, stroke=0, fill=1)
    c.drawString(62, y - 80, "A list item opened by a drawn square.")
    # text under a scaled and translated coordinate system
    c.saveState()
    c.translate(300, y - 120)
    c.scale(1.5, 1.5)
    c.setFont("Helvetica", 8)
    c.drawString(0, 0, "Scaled text at twelve points")
    c.restoreState()
    # a ruled table
    top = y - 150
    rows = [("Country", "Migrants", "Share"), ("France", "69,748", "12 %"), ("Thailand", "1,200,000", "48 %")]
    for r, row in enumerate(rows):
        for col, cell in enumerate(row):
            c.drawString(56 + 120 * col, top - 14 - 18 * r, cell)
    for r in range(len(rows) + 1):
        c.line(50, top - 18 * r, 410, top - 18 * r)
    for col in range(4):
        c.line(50 + 120 * col, top, 50 + 120 * col, top - 18 * len(rows))
    _wrapped(c, 50, top - 80, TEXT, "Helvetica-Oblique", 8)


def _image(c, _):
    from reportlab.lib.utils import ImageReader

    pil = pytest.importorskip("PIL.Image")
    c.drawImage(ImageReader(pil.new("RGB", (8, 8), (200, 30, 30))), 50, 600, 40, 40)
    c.setFont("Helvetica", 10)
    c.drawString(50, 580, "A caption under an image.")


def _key(word):
    """What a word is to the reader. A glyph pdfminer cannot map is ``(cid:N)`` to it and its
    character to PDFium (reportlab's "•" in Helvetica is code 127): both are bullets to the reader."""
    text = "\ufffd" if re.fullmatch(r"\(cid:\d+\)", word.text) or word.text == "•" else word.text
    return (text, word.size, word.bold, word.symbol)


def test_engines_are_named():
    assert set(ENGINES) == {"pdfium", "pdfplumber"}
    with pytest.raises(ValueError, match="unknown PDF extractor"):
        extract_pages(Path("x.pdf"), b"%PDF-1.4", engine="nope")


def test_pdfium_gives_pdfplumbers_words_tables_shapes_and_images(tmp_path):
    path = pdf(tmp_path, _page, pages=2)
    data = path.read_bytes()
    old = extract_pages(path, data, engine="pdfplumber")
    new = extract_pages(path, data, engine="pdfium")
    assert len(old) == len(new) == 2
    for before, after in zip(old, new):
        assert (after.number, after.width, after.height) == pytest.approx((before.number, before.width, before.height))
        assert [t.rows for t in after.tables] == [t.rows for t in before.tables] == [
            [["Country", "Migrants", "Share"], ["France", "69,748", "12 %"], ["Thailand", "1,200,000", "48 %"]]]
        assert after.tables[0].bbox == pytest.approx(before.tables[0].bbox, abs=0.01)
        assert after.images == before.images
        assert [_key(w) for w in after.words] == [_key(w) for w in before.words]
        for a, b in zip(after.words, before.words):
            # an unmapped glyph has no width for pdfminer (x1 = x0), its character's for PDFium
            x1 = b.x1 if not b.text.startswith("(cid:") else a.x1
            assert (a.x0, a.x1, a.top, a.bottom) == pytest.approx((b.x0, x1, b.top, b.bottom), abs=0.05), a.text
    texts = [w.text for w in new[0].words]
    assert "•" in texts and "3" in texts and "twelve" in texts  # typed bullet, marker, scaled text
    assert sum(w.text == "•" and w.size == 0 for w in new[0].words) == 2  # the drawn disc and square
    if _dejavu():
        assert "five" in texts and "office." in texts  # expanded, as pdfplumber does


def test_pdfium_counts_images(tmp_path):
    path = pdf(tmp_path, _image)
    data = path.read_bytes()
    assert [p.images for p in extract_pages(path, data, engine="pdfium")] == \
        [p.images for p in extract_pages(path, data, engine="pdfplumber")] == [1]


def test_the_reader_gives_the_same_blocks_with_either_extractor(tmp_path, monkeypatch):
    path = pdf(tmp_path, _page, pages=2)
    got = {}
    for engine in ENGINES:
        monkeypatch.setenv("MGIASSIST_PDF_EXTRACTOR", engine)
        document = read_document(path)
        got[engine] = [(type(b).__name__, b.text, b.markers) for b in document.blocks]
    assert got["pdfium"] == got["pdfplumber"]


@pytest.mark.parametrize("engine", ENGINES)
def test_bad_input_is_one_line(tmp_path, monkeypatch, engine):
    monkeypatch.setenv("MGIASSIST_PDF_EXTRACTOR", engine)
    path = pdf(tmp_path, _page)
    data = path.read_bytes()
    broken = tmp_path / "broken.pdf"
    for damaged in (data[:300], data[:len(data) // 2], b"%PDF-1.7\n" + bytes(range(256)) * 40):
        broken.write_bytes(damaged)
        with pytest.raises(ProfileError) as caught:
            read_document(broken)
        assert str(caught.value).startswith(str(broken)) and "\n" not in str(caught.value)
    with pytest.raises(ProfileError, match="over the limit of 1 pages per PDF"):
        read_document(pdf(tmp_path, _page, pages=2, name="two.pdf"), limits=ReadLimits(pdf_pages=1))
    with pytest.raises(ProfileError, match="characters, over the limit of 100 characters per PDF page"):
        read_document(path, limits=ReadLimits(pdf_page_chars=100))
