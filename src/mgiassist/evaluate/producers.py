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
- ``weasyprint``: WeasyPrint's HTML → PDF of the web rendering;
- ``libreoffice-footnotes-docx``: a DOCX with real Word footnotes (``w:footnoteReference`` runs and
  a ``word/footnotes.xml`` part, which python-docx cannot write): a flat ODT with ``text:note``
  footnotes at the markers (:func:`render_fodt`), converted by ``soffice --convert-to docx``;
- ``libreoffice-footnotes-pdf``: that DOCX exported to PDF by LibreOffice, each note at the foot of
  the page that cites it;
- ``libreoffice-endnotes-docx``: the same with Word endnotes (``w:endnoteReference``,
  ``word/endnotes.xml``).

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

__all__ = ["PRODUCERS", "Score", "available", "produce", "render_fodt", "score", "suffix"]

PRODUCERS = ("reportlab-list-1col", "reportlab-list-2col", "chromium", "libreoffice", "weasyprint",
             "libreoffice-footnotes-docx", "libreoffice-footnotes-pdf", "libreoffice-endnotes-docx")
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
        shutil.move(str(_convert(docx, "pdf", Path(tmp))), path)
    return path


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _convert(source: Path, target: str, outdir: Path) -> Path:
    """``source`` converted by LibreOffice to the ``target`` filter, in ``outdir``; a private user
    profile so concurrent runs (and a user's own LibreOffice) do not share a lock."""
    profile = outdir / "lo-profile"
    subprocess.run([_soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                    "--convert-to", target, "--outdir", str(outdir), str(source)],
                   check=True, capture_output=True, timeout=180)
    return outdir / f"{source.stem}.{target.split(':')[0]}"


# ------------------------------------------------------------------------------ real footnotes

_ODF = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
}
# paragraphs spaced like Word's Normal style and LibreOffice's Text Body (8 pt after)
_FODT_STYLES = """<office:styles>
<style:default-style style:family="paragraph"><style:paragraph-properties fo:margin-bottom="0.11in"/><style:text-properties fo:font-size="11pt"/></style:default-style>
<style:style style:name="Title" style:family="paragraph"><style:text-properties fo:font-size="20pt" fo:font-weight="bold"/></style:style>
<style:style style:name="Heading_20_2" style:display-name="Heading 2" style:family="paragraph" style:default-outline-level="2"><style:paragraph-properties fo:margin-top="0.2in" fo:margin-bottom="0.08in"/><style:text-properties fo:font-size="13pt" fo:font-weight="bold"/></style:style>
</office:styles>
<office:automatic-styles>
<style:style style:name="B" style:family="text"><style:text-properties fo:font-weight="bold"/></style:style>
<text:list-style style:name="L1">
<text:list-level-style-bullet text:level="1" text:bullet-char="•"><style:list-level-properties text:list-level-position-and-space-mode="label-alignment"><style:list-level-label-alignment text:label-followed-by="listtab" fo:text-indent="-0.2in" fo:margin-left="0.3in"/></style:list-level-properties></text:list-level-style-bullet>
<text:list-level-style-bullet text:level="2" text:bullet-char="◦"><style:list-level-properties text:list-level-position-and-space-mode="label-alignment"><style:list-level-label-alignment text:label-followed-by="listtab" fo:text-indent="-0.2in" fo:margin-left="0.6in"/></style:list-level-properties></text:list-level-style-bullet>
</text:list-style>
</office:automatic-styles>"""


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def _note(number: int, notes: dict[int, str], kind: str) -> str:
    """A real note (``text:note``, ``kind`` "footnote" or "endnote") at its marker, numbered by
    LibreOffice in order; the text's own number is its citation, as Word shows it."""
    body = _esc(notes.get(number, ""))
    style = "Footnote" if kind == "footnote" else "Endnote"
    return (f'<text:note text:id="n{number}" text:note-class="{kind}"><text:note-citation>{number}'
            f'</text:note-citation><text:note-body><text:p text:style-name="{style}">{body}</text:p>'
            "</text:note-body></text:note>")


def _odf_inline(block, notes: dict[int, str], kind: str) -> str:
    inserts: list[tuple[int, int, str]] = []
    for start, end in block.bold:
        inserts += [(start, 1, '<text:span text:style-name="B">'), (end, 0, "</text:span>")]
    inserts += [(at, 0, _note(number, notes, kind)) for at, number in block.markers]
    out, last = [], 0
    for at, _, piece in sorted(inserts, key=lambda x: (x[0], x[1])):
        out += [_esc(block.text[last:at]), piece]
        last = at
    out.append(_esc(block.text[last:]))
    return "".join(out).replace("\n", "<text:line-break/>")


def _odf_block(block, notes: dict[int, str], kind: str) -> str:
    inline = _odf_inline(block, notes, kind)
    if isinstance(block, Heading):
        return f'<text:h text:style-name="Heading_20_2" text:outline-level="2">{inline}</text:h>'
    if isinstance(block, ListItem):
        depth = block.depth + 1
        return ('<text:list text:style-name="L1">' + "<text:list-item><text:list>" * (depth - 1)
                + f"<text:list-item><text:p>{inline}</text:p></text:list-item>"
                + "</text:list></text:list-item>" * (depth - 1) + "</text:list>")
    if isinstance(block, Table):
        width = max(len(r) for r in block.rows)
        rows = "".join("<table:table-row>" + "".join(
            f'<table:table-cell office:value-type="string"><text:p>{_esc(c)}</text:p></table:table-cell>'
            for c in row + [""] * (width - len(row))) + "</table:table-row>" for row in block.rows)
        return (f'<table:table table:name="Table{block.origin.offset}"><table:table-column '
                f'table:number-columns-repeated="{width}"/>{rows}</table:table>')
    return f"<text:p>{inline}</text:p>"


def render_fodt(document: Document, path: Path, title: str, kind: str = "footnote") -> Path:
    """A flat ODT whose notes are real footnotes or endnotes (``text:note``, ``kind``) at their
    markers: the form LibreOffice writes to DOCX as ``w:footnoteReference`` runs and a
    ``word/footnotes.xml`` part (endnotes alike), which python-docx cannot write."""
    notes = {b.number: b.text for b in document.blocks if isinstance(b, FootnoteDefinition)}
    cited = {n for b in document.blocks for _, n in b.markers}
    body = [f'<text:p text:style-name="Title">{_esc(title)}</text:p>']
    for block in document.blocks:
        if isinstance(block, FootnoteDefinition) and block.number in cited:
            continue  # it lives in its note
        body.append(_odf_block(block, notes, kind))
    spaces = " ".join(f'xmlns:{k}="{v}"' for k, v in _ODF.items())
    path.write_text(f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document {spaces} office:version="1.3" '
                    f'office:mimetype="application/vnd.oasis.opendocument.text">{_FODT_STYLES}'
                    f"<office:body><office:text>{''.join(body)}</office:text></office:body></office:document>",
                    encoding="utf-8")
    return path


def _footnoted_docx(document: Document, path: Path, title: str, kind: str = "footnote") -> Path:
    with tempfile.TemporaryDirectory(prefix="mgiassist-lo-") as tmp:
        fodt = render_fodt(document, Path(tmp) / f"{path.stem}.fodt", title, kind)
        shutil.move(str(_convert(fodt, "docx:MS Word 2007 XML", Path(tmp))), path)
    return path


def _footnoted_pdf(document: Document, path: Path, title: str) -> Path:
    """The footnoted DOCX exported to PDF by LibreOffice: notes at the foot of the page that cites them."""
    with tempfile.TemporaryDirectory(prefix="mgiassist-lo-") as tmp:
        docx = _footnoted_docx(document, Path(tmp) / f"{path.stem}.docx", title)
        shutil.move(str(_convert(docx, "pdf", Path(tmp) / "out")), path)
    return path


# ------------------------------------------------------------------------------ the matrix


def available(producer: str) -> str | None:
    """Why ``producer`` cannot run on this machine, or ``None`` when it can."""
    if producer.startswith("reportlab"):
        return None if importlib.util.find_spec("reportlab") else "reportlab is not installed"
    if producer == "chromium":
        if importlib.util.find_spec("playwright") is None:
            return "playwright is not installed"
        return None if Path(CHROMIUM).is_file() else f"no Chromium at {CHROMIUM} (make chromium)"
    if producer.startswith("libreoffice"):
        return None if _soffice() else "no soffice (make producers installs libreoffice-writer-nogui)"
    if producer == "weasyprint":
        try:
            import weasyprint  # noqa: F401 - it loads Pango on import
        except (ImportError, OSError) as exc:
            return f"WeasyPrint cannot load ({type(exc).__name__}: {str(exc)[:80]})"
        return None
    raise ValueError(producer)


def suffix(producer: str) -> str:
    """The file type ``producer`` writes: a DOCX for the footnoted Word file, else a PDF."""
    return ".docx" if producer.endswith("-docx") else ".pdf"


def produce(text: str, producer: str, folder: Path, stem: str) -> Path:
    """``text`` (a profile's text file) typeset by ``producer`` (a PDF, or a DOCX: :func:`suffix`),
    written in ``folder``."""
    document = read_text_document(text, stem)
    title = _title(document, stem)
    path = folder / f"{stem}{suffix(producer)}"
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
    if producer == "libreoffice-footnotes-docx":
        return _footnoted_docx(document, path, title)
    if producer == "libreoffice-footnotes-pdf":
        return _footnoted_pdf(document, path, title)
    if producer == "libreoffice-endnotes-docx":
        return _footnoted_docx(document, path, title, "endnote")
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
