"""Typesets a profile the way publishers do, as PDF, web page and DOCX, for the format-parity checks.

The input is the profile's blocks (read from its text file); each renderer sets them with the
format's own structure: headings larger and bold, real bullets (a private-use glyph in one PDF
layout), the table as a table, footnote markers as raised small digits / ``<sup>`` / superscript
runs, running headers, footers and page numbers, a web page's navigation and cookie banner.
"""

from __future__ import annotations

import html
import io
import itertools
import struct
import zlib
from pathlib import Path
from urllib.parse import quote

from mgiassist.ingest.blocks import (
    Block,
    Document,
    FootnoteDefinition,
    Heading,
    ListItem,
    Paragraph,
    Table,
)
from mgiassist.ingest.footnotes import URL
from mgiassist.ingest.mapping.values import split_value, value_of
from mgiassist.ingest.readers.text import read_text_document

__all__ = ["FORMATS", "VALUE_STYLES", "render", "render_docx", "render_html", "render_pdf"]

FORMATS = ("pdf-1col", "pdf-2col", "html", "docx")
# how a yes/no the text states ("Dual citizenship¹ Yes") is shown: as the word, as a check or
# cross glyph (a different pair per format), or as an icon picture whose alt text is the word
VALUE_STYLES = ("text", "glyph", "icon")
_GLYPHS = {"pdf": ("✓", "✗"), "html": ("✓", "✗"), "docx": ("✔", "✘")}


def _valued(block: Block, values: str) -> tuple[Block, str | None]:
    """The block to set and the yes/no to show after it as a glyph or icon (None: as typed)."""
    split = split_value(block) if values != "text" else None
    return split if split is not None else (block, None)


def _glyph(value: str, markup: str) -> str:
    yes, no = _GLYPHS[markup]
    return yes if value == "yes" else no


def _icon_svg(value: str) -> str:
    """A small tick or cross drawn in SVG, as a data URI (no file beside the page)."""
    shape = "M2 7l3 3 7-8" if value == "yes" else "M3 3l8 8M11 3l-8 8"
    colour = "#1a7f37" if value == "yes" else "#b42318"
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 14 14"><path d="{shape}" '
           f'stroke="{colour}" stroke-width="2" fill="none"/></svg>')
    return "data:image/svg+xml," + quote(svg)


def _icon_png(value: str) -> bytes:
    """An 8 × 8 PNG of one colour (green for yes, red for no), written by hand: no image library."""
    rgb = bytes((26, 127, 55) if value == "yes" else (180, 35, 24))
    raw = b"".join(b"\x00" + rgb * 8 for _ in range(8))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def _font_paths() -> tuple[Path, Path] | None:
    import matplotlib

    folders = [Path(matplotlib.get_data_path()) / "fonts" / "ttf", Path("/usr/share/fonts/truetype/dejavu")]
    for folder in folders:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            return regular, bold
    return None


def _fonts() -> tuple[str, str]:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    paths = _font_paths()
    if paths is None:  # no TTF at hand: the built-in fonts (no ♂/♀ glyphs)
        return "Helvetica", "Helvetica-Bold"
    if "DejaVu" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVu", str(paths[0])))
        pdfmetrics.registerFont(TTFont("DejaVu-Bold", str(paths[1])))
        pdfmetrics.registerFontFamily("DejaVu", normal="DejaVu", bold="DejaVu-Bold")
    return "DejaVu", "DejaVu-Bold"


def _marked(block: Block, markup: str) -> str:
    """Block text as markup with emphasis and markers; ``markup`` is "pdf" or "html"."""
    inserts: list[tuple[int, int, str]] = []
    for start, end in block.bold:
        inserts += [(start, 1, "<b>"), (end, 0, "</b>")]
    for at, number in block.markers:
        sup = (f'<super rise="3" size="6">{number}</super>' if markup == "pdf"
               else f'<sup><a href="#fn{number}">{number}</a></sup>')
        inserts.append((at, 0, sup))
    return with_inserts(block.text, inserts)


def with_inserts(text: str, inserts: list[tuple[int, int, str]]) -> str:
    """``text`` escaped, with each ``(offset, order, markup)`` put in at its offset (closing tags
    before opening ones at the same offset: ``order`` 0 before 1); line breaks as ``<br/>``."""
    out, last = [], 0
    for at, _, piece in sorted(inserts, key=lambda x: (x[0], x[1])):
        out.append(html.escape(text[last:at], quote=False))
        out.append(piece)
        last = at
    out.append(html.escape(text[last:], quote=False))
    return "".join(out).replace("\n", "<br/>")


def page_frames(columns: int, margin: float, gutter: float, size: tuple[float, float]) -> list:
    """reportlab frames for one or two columns inside ``margin`` on a page of ``size``."""
    from reportlab.platypus import Frame

    width, height = size
    if columns == 1:
        return [Frame(margin, margin, width - 2 * margin, height - 2 * margin, id="c1")]
    col = (width - 2 * margin - gutter) / 2
    return [Frame(margin, margin, col, height - 2 * margin, id="c1"),
            Frame(margin + col + gutter, margin, col, height - 2 * margin, id="c2")]


# ------------------------------------------------------------------------------------ PDF


def render_pdf(document: Document, path: Path, columns: int = 1, running_title: str = "Profile",
               values: str = "text") -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import BaseDocTemplate, PageTemplate, Spacer
    from reportlab.platypus import Paragraph as Para
    from reportlab.platypus import Table as PdfTable

    regular, bold = _fonts()
    body = ParagraphStyle("body", fontName=regular, fontSize=9.5, leading=12, spaceAfter=5)
    heading = ParagraphStyle("heading", parent=body, fontName=bold, fontSize=13, leading=16, spaceBefore=8, spaceAfter=5)
    item = ParagraphStyle("item", parent=body, leftIndent=14, bulletIndent=3, spaceAfter=3)
    note = ParagraphStyle("note", parent=body, fontSize=7, leading=8.5, spaceAfter=2)
    width, height = A4
    margin, gutter = 50, 24
    frames = page_frames(columns, margin, gutter, A4)

    def page_furniture(canvas, doc):
        canvas.saveState()
        canvas.setFont(regular, 7.5)
        canvas.drawString(margin, height - 30, f"{running_title} · EUDiF / IOM")
        canvas.drawRightString(width - margin, 25, f"Page {doc.page}")
        canvas.drawString(margin, 25, "www.example.org/profiles")
        canvas.restoreState()

    story = []
    bullet = "•" if columns == 1 else "\uf0b7"  # the private-use bullet symbol fonts use
    def marked(block: Block) -> str:
        block, value = _valued(block, values)
        return _marked(block, "pdf") + (f" {_glyph(value, 'pdf')}" if value else "")

    for block in document.blocks:
        if isinstance(block, Heading):
            story.append(Para(marked(block), heading))
        elif isinstance(block, ListItem):
            style = ParagraphStyle(f"item{block.depth}", parent=item, leftIndent=14 + 14 * block.depth,
                                   bulletIndent=3 + 14 * block.depth)
            story.append(Para(marked(block), style, bulletText=bullet))
        elif isinstance(block, Table):
            if columns == 1:  # ruled, cells wrapping
                table = PdfTable([[Para(html.escape(c), body) for c in row] for row in block.rows], hAlign="LEFT")
                table.setStyle([("GRID", (0, 0), (-1, -1), 0.5, "#888888")])
            else:  # unruled: words aligned in columns
                table = PdfTable(block.rows, hAlign="LEFT", style=[("FONT", (0, 0), (-1, -1), regular, 9.5),
                                                                   ("LEFTPADDING", (0, 0), (-1, -1), 0)])
            story += [table, Spacer(1, 6)]
        elif isinstance(block, FootnoteDefinition):
            number = f'<super rise="2" size="5">{block.number}</super>' if columns == 2 else f"{block.number}"
            text = html.escape(block.text, quote=False)
            story.append(Para(f"{number} {text}", note))
        elif isinstance(block, Paragraph):
            story.append(Para(marked(block), body))
    doc = BaseDocTemplate(str(path), pagesize=A4, pageTemplates=[PageTemplate(frames=frames, onPage=page_furniture)])
    doc.build(story)
    return path


# ------------------------------------------------------------------------------------ HTML


def _link(text: str) -> str:
    """Footnote text with its addresses as links (the angle brackets of the text dump dropped)."""
    out, last = [], 0
    for m in URL.finditer(text):
        out.append(html.escape(text[last : m.start()], quote=False))
        url = m.group(1)
        out.append(f'<a href="{html.escape(url)}">{html.escape(url, quote=False)}</a>')
        last = m.end()
    out.append(html.escape(text[last:], quote=False))
    return "".join(out)


def _html_marked(block: Block, values: str) -> str:
    block, value = _valued(block, values)
    if value is None:
        return _marked(block, "html")
    if values == "glyph":
        return f"{_marked(block, 'html')} {_glyph(value, 'html')}"
    word = value.capitalize()
    return f'{_marked(block, "html")} <img src="{_icon_svg(value)}" alt="{word}" width="14" height="14">'


def _html_cell(cell: str, values: str) -> str:
    """A table cell; a cell that is only a yes/no shown as a glyph or an icon."""
    value = value_of(cell) if values != "text" else None
    if value is None:
        return html.escape(cell)
    if values == "glyph":
        return _glyph(value, "html")
    return f'<img src="{_icon_svg(value)}" alt="{value.capitalize()}" width="14" height="14">'


def render_html(document: Document, path: Path, title: str = "Profile", values: str = "text") -> Path:
    body: list[str] = []
    notes: list[str] = []
    open_lists = 0
    for block in document.blocks:
        if not isinstance(block, ListItem):
            body.append("</ul>" * open_lists)
            open_lists = 0
        if isinstance(block, Heading):
            body.append(f"<h2>{_html_marked(block, values)}</h2>")
        elif isinstance(block, ListItem):
            while open_lists < block.depth + 1:
                body.append("<ul>")
                open_lists += 1
            while open_lists > block.depth + 1:
                body.append("</ul>")
                open_lists -= 1
            body.append(f"<li>{_html_marked(block, values)}</li>")
        elif isinstance(block, Table):
            rows = "".join("<tr>" + "".join(f"<td>{_html_cell(c, values)}</td>" for c in r) + "</tr>"
                           for r in block.rows)
            body.append(f"<table>{rows}</table>")
        elif isinstance(block, FootnoteDefinition):
            notes.append(f'<li id="fn{block.number}">{_link(block.text)}</li>')
        elif isinstance(block, Paragraph):
            body.append(f"<p>{_html_marked(block, values)}</p>")
    body.append("</ul>" * open_lists)
    page = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:sans-serif}}</style><script>window.dataLayer=[];function gtag(){{}}</script></head>
<body><header class="site-header"><a href="/">Home</a> <h1>Migration data portal</h1></header>
<nav class="navbar"><ul><li><a href="/countries">Countries</a></li><li><a href="/about">About us</a></li></ul></nav>
<div id="cookie-banner" class="cookie-consent"><p>We use cookies to improve your experience.</p><button>Accept all</button></div>
<main><article><h1>{html.escape(title)}</h1>
{chr(10).join(body)}
<section class="footnotes" role="doc-endnotes"><h2>Notes</h2><ol>{''.join(notes)}</ol></section>
</article></main>
<aside class="sidebar"><h3>Related profiles</h3><ul><li>Other countries</li></ul></aside>
<footer class="site-footer"><p>© 2024 Example organisation. All rights reserved.</p></footer>
<script>console.log("analytics")</script></body></html>"""
    path.write_text(page, encoding="utf-8")
    return path


# ------------------------------------------------------------------------------------ DOCX


def _runs(paragraph, block: Block, values: str = "text") -> None:
    """Runs of the block's text, emphasis in bold runs, markers as superscript digits; a yes/no
    as a glyph or as a picture whose alt text (``descr``) is the word."""
    block, value = _valued(block, values)
    _text_runs(paragraph, block)
    if value is not None:
        paragraph.add_run(" ")
        _docx_value(paragraph, value, values)


def _docx_value(paragraph, value: str, values: str) -> None:
    """A yes/no as a glyph run, or as a picture whose alt text (``descr``) is the word."""
    if values == "glyph":
        paragraph.add_run(_glyph(value, "docx"))
        return
    from docx.shared import Pt

    run = paragraph.add_run()
    run.add_picture(io.BytesIO(_icon_png(value)), width=Pt(9))
    run._r.xpath(".//wp:docPr")[0].set("descr", value.capitalize())


def _text_runs(paragraph, block: Block) -> None:
    cuts = sorted({0, len(block.text), *(a for a, _ in block.markers), *(x for span in block.bold for x in span)})
    for start, end in itertools.pairwise(cuts):
        piece = block.text[start:end]
        if piece:
            run = paragraph.add_run(piece)
            run.bold = any(s <= start and end <= e for s, e in block.bold)
        for at, number in block.markers:
            if at == end:
                marker = paragraph.add_run(str(number))
                marker.font.superscript = True


def render_docx(document: Document, path: Path, title: str = "Profile", values: str = "text") -> Path:
    import docx
    from docx.shared import Pt

    out = docx.Document()
    out.add_heading(title, level=0)
    for block in document.blocks:
        if isinstance(block, Heading):
            _runs(out.add_heading("", level=2), block, values)
        elif isinstance(block, ListItem):
            _runs(out.add_paragraph(style="List Bullet" if block.depth == 0 else "List Bullet 2"), block, values)
        elif isinstance(block, Table):
            table = out.add_table(rows=len(block.rows), cols=max(len(r) for r in block.rows))
            for row, cells in zip(table.rows, block.rows):
                for cell, value in zip(row.cells, cells):
                    if values != "text" and value_of(value):
                        _docx_value(cell.paragraphs[0], value_of(value), values)
                    else:
                        cell.text = value
        elif isinstance(block, FootnoteDefinition):
            paragraph = out.add_paragraph()
            number = paragraph.add_run(str(block.number))
            number.font.superscript = True
            text = paragraph.add_run(" " + block.text)
            text.font.size = Pt(8)
        elif isinstance(block, Paragraph):
            _runs(out.add_paragraph(), block, values)
    section = out.sections[0]
    section.header.paragraphs[0].text = f"{title} · running header"
    section.footer.paragraphs[0].text = "Page footer"
    out.save(str(path))
    return path


def render(text: str, fmt: str, folder: Path, stem: str, values: str = "text") -> Path:
    """``text`` (a profile's text file) rendered as ``fmt`` (one of :data:`FORMATS`) in ``folder``,
    its yes/no values shown as ``values`` (one of :data:`VALUE_STYLES`; PDFs have no icons)."""
    if values not in VALUE_STYLES or (values == "icon" and fmt.startswith("pdf")):
        raise ValueError(f"no {values} values in {fmt}")
    document = read_text_document(text, stem)
    first = next((b.text for b in document.blocks if b.text.strip()), stem)
    title = " ".join(first.split()[:8])
    if fmt == "pdf-1col":
        return render_pdf(document, folder / f"{stem}.pdf", 1, title, values)
    if fmt == "pdf-2col":
        return render_pdf(document, folder / f"{stem}.pdf", 2, title, values)
    if fmt == "html":
        return render_html(document, folder / f"{stem}.html", title, values)
    if fmt == "docx":
        return render_docx(document, folder / f"{stem}.docx", title, values)
    raise ValueError(fmt)
