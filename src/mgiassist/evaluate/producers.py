"""PDFs of a profile made by other programs than the project's own reportlab script, and the score
of a rendering against the text's parse.

Each producer typesets a profile's text file (via :mod:`mgiassist.evaluate.renderings` for its
web page or DOCX) with its own tool, inside the caller's folder, so no binary is committed:

- ``reportlab-list-1col`` / ``reportlab-list-2col``: reportlab's ``ListFlowable`` with its default
  bullet (Helvetica's bullet, larger than the text, which pdfminer reads as an unmapped glyph
  ``(cid:127)``), headings in bold at 12 pt over a 10 pt body, note numbers raised; two columns
  with a running header and page numbers;
- ``chromium``: Chromium's print-to-PDF of the web rendering (what "Save as PDF" gives), with
  ``@page`` margins, a header and a footer; bullets are drawn shapes, notes ``<sup>``;
- ``libreoffice``: ``soffice --headless --convert-to pdf`` of the DOCX rendering;
- ``weasyprint``: WeasyPrint's HTML → PDF of the web rendering.

:func:`available` says why a producer cannot run here (``None`` when it can); :func:`score`
compares two profiles: section F1 (sections whose kind, polarity and whitespace-normalised text
match, as multisets) and footnote recall (the text's (passage, note number) pairs found on the same
passage, a passage named by its kind, polarity and heading path).
"""

from __future__ import annotations

import html
import importlib.util
import os
import re
import shutil
import subprocess
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from mgiassist.evaluate.renderings import _fonts, _marked, page_frames, render_docx, render_html
from mgiassist.ingest.blocks import (
    Document,
    FootnoteDefinition,
    Heading,
    ListItem,
    Paragraph,
    Table,
)
from mgiassist.ingest.readers.text import read_text_document

__all__ = ["PRODUCERS", "Score", "available", "produce", "score"]

PRODUCERS = ("reportlab-list-1col", "reportlab-list-2col", "chromium", "libreoffice", "weasyprint")
CHROMIUM = os.environ.get("MGIASSIST_CHROMIUM", "/usr/bin/chromium")


def _title(document: Document, stem: str) -> str:
    first = next((b.text for b in document.blocks if b.text.strip()), stem)
    return " ".join(first.split()[:8])


# ------------------------------------------------------------------------------ reportlab lists


def _reportlab_lists(document: Document, path: Path, columns: int, title: str) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import BaseDocTemplate, ListFlowable, PageTemplate, Spacer
    from reportlab.platypus import ListItem as PdfItem
    from reportlab.platypus import Paragraph as Para
    from reportlab.platypus import Table as PdfTable

    regular, bold = _fonts()  # DejaVu when at hand (♂/♀); the bullets stay in ListFlowable's Helvetica
    body = ParagraphStyle("body", fontName=regular, fontSize=10, leading=13, spaceAfter=6)
    heading = ParagraphStyle("heading", parent=body, fontName=bold, fontSize=12, leading=15,
                             spaceBefore=10, spaceAfter=4)
    note = ParagraphStyle("note", parent=body, fontSize=7.5, leading=9, spaceAfter=2)
    width, height = A4
    margin, gutter = 56, 20
    frames = page_frames(columns, margin, gutter, A4)

    def furniture(canvas, doc):
        if columns == 1:
            return
        canvas.saveState()
        canvas.setFont("Helvetica-Oblique", 8)
        canvas.drawString(margin, height - 34, title.upper())
        canvas.drawRightString(width - margin, 30, str(doc.page))
        canvas.restoreState()

    story: list = []
    items: list = []

    def close_list() -> None:
        if items:
            story.append(ListFlowable(list(items), bulletType="bullet"))
            items.clear()

    for block in document.blocks:
        if not isinstance(block, ListItem):
            close_list()
        if isinstance(block, Heading):
            story.append(Para(_marked(block, "pdf"), heading))
        elif isinstance(block, ListItem):
            items.append(PdfItem(Para(_marked(block, "pdf"), body)))
        elif isinstance(block, Table):
            table = PdfTable([[Para(html.escape(c), body) for c in row] for row in block.rows], hAlign="LEFT")
            table.setStyle([("GRID", (0, 0), (-1, -1), 0.5, "#888888")])
            story += [table, Spacer(1, 6)]
        elif isinstance(block, FootnoteDefinition):
            story.append(Para(f'<super>{block.number}</super> {html.escape(block.text, quote=False)}', note))
        elif isinstance(block, Paragraph):
            story.append(Para(_marked(block, "pdf"), body))
    close_list()
    doc = BaseDocTemplate(str(path), pagesize=A4, pageTemplates=[PageTemplate(frames=frames, onPage=furniture)])
    doc.build(story)
    return path


# ------------------------------------------------------------------------------ HTML → PDF

_PRINT_CSS = """
@page { size: A4; margin: 22mm 18mm 20mm 18mm; }
body { font-family: "DejaVu Sans", sans-serif; font-size: 10pt; line-height: 1.35; }
h1 { font-size: 18pt; } h2 { font-size: 13pt; margin: 1em 0 .3em; }
nav, #cookie-banner, .site-header, .site-footer, aside { display: none; }
.footnotes li { font-size: 8pt; }
"""


def _print_html(document: Document, path: Path, title: str, running: bool) -> Path:
    """The web rendering with a print stylesheet (and, for WeasyPrint, CSS running heads)."""
    render_html(document, path, title)
    css = _PRINT_CSS
    if running:
        css += (f'@page {{ @top-left {{ content: "{title.upper()}"; font-size: 8pt; }} '
                '@bottom-right { content: "Page " counter(page); font-size: 8pt; } }')
    page = path.read_text(encoding="utf-8").replace("</head>", f"<style>{css}</style></head>", 1)
    path.write_text(page, encoding="utf-8")
    return path


def _chromium(document: Document, path: Path, title: str) -> Path:
    from playwright.sync_api import sync_playwright

    page_html = _print_html(document, path.with_suffix(".print.html"), title, running=False)
    header = (f'<div style="font-size:8px;width:100%;padding:0 18mm">{html.escape(title)}'
              ' · <span class="date"></span></div>')
    footer = ('<div style="font-size:8px;width:100%;text-align:right;padding:0 18mm">'
              'Page <span class="pageNumber"></span> of <span class="totalPages"></span></div>')
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.goto(page_html.as_uri())
            page.pdf(path=str(path), format="A4", display_header_footer=True, header_template=header,
                     footer_template=footer, margin={"top": "22mm", "bottom": "20mm", "left": "18mm",
                                                     "right": "18mm"})
        finally:
            browser.close()
    page_html.unlink()
    return path


def _weasyprint(document: Document, path: Path, title: str) -> Path:
    import weasyprint

    page_html = _print_html(document, path.with_suffix(".print.html"), title, running=True)
    weasyprint.HTML(filename=str(page_html)).write_pdf(str(path))
    page_html.unlink()
    return path


# ------------------------------------------------------------------------------ DOCX → PDF


def _libreoffice(document: Document, path: Path, title: str) -> Path:
    with tempfile.TemporaryDirectory(prefix="mgiassist-lo-") as tmp:
        docx = render_docx(document, Path(tmp) / f"{path.stem}.docx", title)
        profile = Path(tmp) / "profile"
        subprocess.run([_soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                        "--convert-to", "pdf", "--outdir", tmp, str(docx)],
                       check=True, capture_output=True, timeout=180)
        shutil.move(str(Path(tmp) / f"{path.stem}.pdf"), path)
    return path


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


# ------------------------------------------------------------------------------ the matrix


def available(producer: str) -> str | None:
    """Why ``producer`` cannot run on this machine, or ``None`` when it can."""
    if producer.startswith("reportlab"):
        return None if importlib.util.find_spec("reportlab") else "reportlab is not installed"
    if producer == "chromium":
        if importlib.util.find_spec("playwright") is None:
            return "playwright is not installed"
        return None if Path(CHROMIUM).is_file() else f"no Chromium at {CHROMIUM} (make chromium)"
    if producer == "libreoffice":
        return None if _soffice() else "no soffice (make producers installs libreoffice-writer-nogui)"
    if producer == "weasyprint":
        try:
            import weasyprint  # noqa: F401 - it loads Pango on import
        except (ImportError, OSError) as exc:
            return f"WeasyPrint cannot load ({type(exc).__name__}: {str(exc)[:80]})"
        return None
    raise ValueError(producer)


def produce(text: str, producer: str, folder: Path, stem: str) -> Path:
    """``text`` (a profile's text file) typeset as a PDF by ``producer``, written in ``folder``."""
    document = read_text_document(text, stem)
    title = _title(document, stem)
    path = folder / f"{stem}.pdf"
    if producer == "reportlab-list-1col":
        return _reportlab_lists(document, path, 1, title)
    if producer == "reportlab-list-2col":
        return _reportlab_lists(document, path, 2, title)
    if producer == "chromium":
        return _chromium(document, path, title)
    if producer == "libreoffice":
        return _libreoffice(document, path, title)
    if producer == "weasyprint":
        return _weasyprint(document, path, title)
    raise ValueError(producer)


# ------------------------------------------------------------------------------ scoring


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@dataclass(frozen=True)
class Score:
    section_f1: float
    footnote_recall: float
    sections: int  # in the rendering's profile
    expected_sections: int
    missing: tuple[str, ...] = ()  # the text's sections the rendering lost (first few, for reports)
    extra: tuple[str, ...] = ()  # the rendering's sections the text has not

    def __str__(self) -> str:
        return f"section F1 {self.section_f1:.3f}, footnote recall {self.footnote_recall:.3f}"


def score(expected, got) -> Score:
    """``got`` (a rendering's Profile) against ``expected`` (the text's)."""
    def keys(profile) -> Counter:
        return Counter((s.kind, s.polarity, _norm(s.text)) for s in profile.sections)

    def notes(profile) -> Counter:
        return Counter((s.kind, s.polarity, tuple(_norm(h) for h in s.heading_path), f.number)
                       for s in profile.sections for f in s.footnotes)

    want, have = keys(expected), keys(got)
    common = sum((want & have).values())
    total = sum(want.values()) + sum(have.values())
    f1 = 2 * common / total if total else 1.0
    want_notes, have_notes = notes(expected), notes(got)
    recall = sum((want_notes & have_notes).values()) / sum(want_notes.values()) if want_notes else 1.0
    missing = tuple(f"{k[0]}: {k[2][:90]}" for k in (want - have))[:8]
    extra = tuple(f"{k[0]}: {k[2][:90]}" for k in (have - want))[:8]
    return Score(f1, recall, sum(have.values()), sum(want.values()), missing, extra)
