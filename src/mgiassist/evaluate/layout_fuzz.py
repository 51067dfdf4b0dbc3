"""A layout fuzzer for the PDF reader: a random profile typeset under random typographic choices.

``case(seed)`` draws, from one seeded generator, a profile (one of the seeds with its country
swapped for another and some findings, entries or actors left out) and a layout: font family and
body size, line spacing, how headings are signalled (larger, larger and bold, or bold in the body
size), the list bullet (•, a larger unmapped Helvetica bullet, –, ▪, a Dingbats disc or square, a
drawn disc or square, numbers, or none but a hanging indent), spacing between items and
paragraphs, one or two columns, running header and footer, ruled or unruled tables, footnotes
where the text puts them or at the foot of the page where they are cited, and markers raised
(``<super>``) or only set smaller. ``run(seed, folder)`` typesets it with reportlab, reads the
PDF back and scores it against the profile's own parse (section F1, footnote recall; see
:func:`mgiassist.evaluate.producers.score`).

``python benchmarks/layout_fuzz.py --n 1000`` prints the distribution; ``tests/test_layout_fuzz.py``
runs a few dozen seeds. ``case(seed, variety=True)`` draws from :func:`varied_layout` instead: the
same choices plus three columns, the opening part (a mapping's facts and figures) in a sidebar on
page 1 or in a ruled box, a distribution of its own (``--variety``), so the default seeds keep
their layouts and their numbers stay comparable.
"""

from __future__ import annotations

import html
import random
from dataclasses import dataclass, replace
from pathlib import Path

from mgiassist.evaluate.producers import Score, score
from mgiassist.evaluate.renderings import _font_paths, with_inserts
from mgiassist.ingest.blocks import (
    Block,
    Document,
    FootnoteDefinition,
    Heading,
    ListItem,
    Paragraph,
    Table,
)

__all__ = ["Layout", "case", "run", "typeset", "varied_layout"]

SEEDS = ("mgi-profile-cambodia-2021", "eudif-diaspora-mapping-cambodia-2022")
COUNTRIES = ("Kenya", "Ghana", "Peru", "Nepal", "Chad", "Morocco", "Viet Nam", "Ecuador", "Senegal",
             "Philippines", "Tunisia", "Mongolia", "Bolivia", "Zambia", "Jordan")
BULLETS = ("•", "big-cid", "–", "▪", "dingbat-disc", "dingbat-square", "disc", "square", "number", "none")
_MARK = "#010203"  # the colour markers are set in, so the page that cites a note can be found


@dataclass(frozen=True)
class Layout:
    font: str  # helvetica, times, dejavu, dejavu-serif
    body: float
    leading: float  # line pitch / body size
    heading: str  # size, size+bold, bold
    heading_scale: float
    bullet: str
    item_space: float
    para_space: float
    columns: int
    header: bool
    footer: bool
    notes: str  # flow (where the text puts them) or foot (the foot of the page citing them)
    marker: str  # rise or small
    table: str  # ruled or unruled
    # the wider variety (``varied_layout``; the default generator never sets these): the opening
    # part (a mapping's facts and figures) in a sidebar beside the text on page 1, or in a box
    sidebar: bool = False
    boxed: bool = False

    def __str__(self) -> str:
        return (f"{self.font} {self.body}pt ×{self.leading} heading {self.heading}"
                f"{'' if self.heading == 'bold' else f' ×{self.heading_scale}'} bullet {self.bullet} "
                f"items +{self.item_space} paras +{self.para_space} cols {self.columns} "
                f"{'header ' if self.header else ''}{'footer ' if self.footer else ''}notes {self.notes} "
                f"markers {self.marker} table {self.table}"
                f"{' sidebar yes' if self.sidebar else ''}{' boxed yes' if self.boxed else ''}")


def _fonts(name: str) -> tuple[str, str]:
    if name == "helvetica":
        return "Helvetica", "Helvetica-Bold"
    if name == "times":
        return "Times-Roman", "Times-Bold"
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    paths = _font_paths()
    folder = paths[0].parent if paths else None
    stem = "DejaVuSerif" if name == "dejavu-serif" else "DejaVuSans"
    regular, bold = (folder / f"{stem}.ttf", folder / f"{stem}-Bold.ttf") if folder else (None, None)
    if regular is None or not regular.is_file() or not bold.is_file():
        return "Helvetica", "Helvetica-Bold"
    if f"Fz-{stem}" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(f"Fz-{stem}", str(regular)))
        pdfmetrics.registerFont(TTFont(f"Fz-{stem}-Bold", str(bold)))
    return f"Fz-{stem}", f"Fz-{stem}-Bold"


def random_layout(rng: random.Random) -> Layout:
    heading = rng.choice(("size", "size+bold", "bold"))
    return Layout(
        font=rng.choice(("helvetica", "times", "dejavu", "dejavu-serif")),
        body=rng.choice((8.5, 9, 9.5, 10, 10.5, 11)),
        leading=rng.choice((1.15, 1.2, 1.3, 1.45)),
        heading=heading,
        heading_scale=rng.choice((1.2, 1.3, 1.45, 1.6)),
        bullet=rng.choice(BULLETS),
        item_space=rng.choice((0, 0, 2, 4, 8)),
        para_space=rng.choice((2, 4, 6, 10)),
        columns=rng.choice((1, 1, 2)),
        header=rng.random() < 0.6,
        footer=rng.random() < 0.6,
        notes=rng.choice(("flow", "foot")),
        marker=rng.choice(("rise", "small")),
        table=rng.choice(("ruled", "unruled")),
    )


def varied_layout(rng: random.Random) -> Layout:
    """A layout with the variety ``random_layout`` lacks (issue 18): one to three columns, the
    opening part in a sidebar on page 1 or boxed in a ruled panel. A separate distribution, so the
    default generator's seeds stay the same layouts."""
    layout = random_layout(rng)
    extra = rng.choice(("sidebar", "boxed", "three", "three+boxed"))
    return replace(layout, columns=3 if extra.startswith("three") else layout.columns,
                   sidebar=extra == "sidebar", boxed=extra.endswith("boxed"))


def _encodable(block: Block, standard: bool) -> Block:
    """The block with characters a standard PDF font cannot show replaced one for one."""
    if not standard:
        return block
    text = block.text.encode("cp1252", "replace").decode("cp1252")
    if text == block.text and not isinstance(block, Table):
        return block
    if isinstance(block, Table):
        rows = [[c.encode("cp1252", "replace").decode("cp1252") for c in r] for r in block.rows]
        return replace(block, text=text, rows=rows)
    return replace(block, text=text)


def random_document(rng: random.Random, standard_font: bool) -> tuple[Document, str]:
    from mgiassist.evaluate.lookalike import swap_country
    from mgiassist.ingest.readers.text import read_text_document
    from mgiassist.text.countries import lookup_country

    seed = rng.choice(SEEDS)
    corpus = Path(__file__).resolve().parents[3] / "corpus"
    text = (corpus / f"{seed}.txt").read_text(encoding="utf-8")
    country = rng.choice(COUNTRIES)
    text = swap_country(text, lookup_country("Cambodia"), lookup_country(country))
    name = seed.replace("cambodia", country.lower().replace(" ", "-"))
    document = read_text_document(text, name)
    blocks: list[Block] = []
    for i, block in enumerate(document.blocks):
        prev_item = i > 0 and isinstance(document.blocks[i - 1], ListItem)
        # leave out some list items that cite nothing (never the first of a list)
        if isinstance(block, ListItem) and prev_item and not block.markers and rng.random() < 0.25:
            continue
        blocks.append(_encodable(block, standard_font))
    return Document(source=name, format="text", blocks=blocks), name


def case(seed: int, variety: bool = False) -> tuple[Document, str, Layout]:
    rng = random.Random(seed)
    layout = varied_layout(rng) if variety else random_layout(rng)
    document, name = random_document(rng, layout.font in ("helvetica", "times"))
    return document, name, layout


# ------------------------------------------------------------------------------ typesetting


def _markup(block: Block, layout: Layout) -> str:
    inserts: list[tuple[int, int, str]] = []
    for start, end in block.bold:
        inserts += [(start, 1, "<b>"), (end, 0, "</b>")]
    for at, number in block.markers:
        if layout.marker == "rise":
            sup = f'<font color="{_MARK}"><super>{number}</super></font>'
        else:
            sup = f'<font color="{_MARK}" size="{layout.body * 0.62:.1f}">{number}</font>'
        inserts.append((at, 0, sup))
    return with_inserts(block.text, inserts)


def _cited(flowable) -> list[int]:
    """The note numbers a laid-out paragraph (or the part of it on this page) cites: its digits
    set in the markers' colour, wherever reportlab keeps its fragments after wrapping or splitting."""
    numbers: list[int] = []

    def walk(item, depth: int = 0) -> None:
        if depth > 6:
            return
        if isinstance(item, (list, tuple)):
            for part in item:
                walk(part, depth + 1)
            return
        colour, text = getattr(item, "textColor", None), getattr(item, "text", None)
        if colour is not None and isinstance(text, str) and text.strip().isdigit() \
                and colour.hexval().lower() == "0x010203":
            numbers.append(int(text.strip()))
        for part in getattr(item, "words", None) or ():
            walk(part, depth + 1)

    walk(getattr(flowable, "frags", None) or [])
    blpara = getattr(flowable, "blPara", None)
    if blpara is not None:
        walk(getattr(blpara, "lines", []))
    inner = getattr(flowable, "_para", None)
    return list(dict.fromkeys(numbers + (_cited(inner) if inner is not None else [])))


def typeset(document: Document, layout: Layout, path: Path, title: str = "Profile") -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Spacer
    from reportlab.platypus import Paragraph as Para
    from reportlab.platypus import Table as PdfTable

    regular, bold = _fonts(layout.font)
    size = layout.body
    body = ParagraphStyle("body", fontName=regular, fontSize=size, leading=round(size * layout.leading, 1),
                          spaceAfter=layout.para_space)
    hsize = size if layout.heading == "bold" else round(size * layout.heading_scale, 1)
    heading = ParagraphStyle("heading", parent=body, fontName=regular if layout.heading == "size" else bold,
                             fontSize=hsize, leading=round(hsize * 1.2, 1), spaceBefore=6, spaceAfter=4)
    note_size = round(size * 0.75, 1)
    note = ParagraphStyle("note", parent=body, fontSize=note_size, leading=round(note_size * 1.2, 1), spaceAfter=1)
    indent = round(size * 1.5)
    width, height = A4
    margin, gutter = 54, 22
    notes = {b.number: b for b in document.blocks if isinstance(b, FootnoteDefinition)}

    class ShapeBullet(Flowable):
        """A paragraph with its bullet drawn as a disc or square in the gutter."""

        def __init__(self, para, x: float, shape: str | None):
            super().__init__()
            self._para, self._x, self._shape = para, x, shape

        def wrap(self, aw, ah):
            self.width, self.height = self._para.wrap(aw, ah)
            return self.width, self.height

        def getSpaceAfter(self):
            return self._para.getSpaceAfter()

        def getSpaceBefore(self):
            return self._para.getSpaceBefore()

        def split(self, aw, ah):
            parts = self._para.split(aw, ah)
            if not parts:
                return []
            return [ShapeBullet(parts[0], self._x, self._shape), *parts[1:]]

        def draw(self):
            self._para.drawOn(self.canv, 0, 0)
            if self._shape:
                r = size * 0.17
                y = self.height - self._para.style.leading + size * 0.33 + (self._para.style.leading - size) / 2
                self.canv.setFillColorRGB(0, 0, 0)
                if self._shape == "disc":
                    self.canv.circle(self._x + r, y, r, stroke=0, fill=1)
                else:
                    self.canv.rect(self._x, y - r, 2 * r, 2 * r, stroke=0, fill=1)

    def item_flowable(block: ListItem, number: int):
        left = indent * (block.depth + 1)
        style = ParagraphStyle(f"item{block.depth}", parent=body, leftIndent=left, bulletIndent=left - indent + 2,
                               spaceBefore=layout.item_space / 2, spaceAfter=layout.item_space / 2,
                               bulletFontName=regular, bulletFontSize=size)
        text = _markup(block, layout)
        kind = layout.bullet
        if kind in ("disc", "square"):
            return ShapeBullet(Para(text, style), left - indent + 2, kind)
        if kind == "none":  # a hanging indent and nothing in the gutter
            style = ParagraphStyle(f"hang{block.depth}", parent=style, firstLineIndent=-indent * 0.6)
            return Para(text, style)
        glyph, font, scale = {"•": ("•", regular, 1), "big-cid": ("•", "Helvetica", 1.2), "–": ("–", regular, 1),
                              "▪": ("▪", regular, 1), "dingbat-disc": ("l", "ZapfDingbats", 0.7),
                              "dingbat-square": ("n", "ZapfDingbats", 0.6), "number": (f"{number}.", regular, 1)}[kind]
        if glyph == "▪" and regular in ("Helvetica", "Times-Roman"):
            glyph, font, scale = "n", "ZapfDingbats", 0.6
        style = ParagraphStyle(f"b{block.depth}", parent=style, bulletFontName=font,
                               bulletFontSize=round(size * scale, 1))
        return Para(text, style, bulletText=glyph)

    opening = _opening(document.blocks) if layout.sidebar or layout.boxed else 0

    def make_story() -> list:
        story: list = []
        number = 0
        for at, block in enumerate(document.blocks):
            if at == opening and opening:
                story = _set_apart(story, layout, width - 2 * margin)
            number = number + 1 if isinstance(block, ListItem) else 0
            if isinstance(block, Heading):
                story.append(Para(_markup(block, layout), heading))
            elif isinstance(block, ListItem):
                story.append(item_flowable(block, number))
            elif isinstance(block, Table):
                if layout.table == "ruled":
                    table = PdfTable([[Para(html.escape(c), body) for c in row] for row in block.rows], hAlign="LEFT")
                    table.setStyle([("GRID", (0, 0), (-1, -1), 0.5, "#888888")])
                else:
                    table = PdfTable(block.rows, hAlign="LEFT", style=[("FONT", (0, 0), (-1, -1), regular, size),
                                                                       ("LEFTPADDING", (0, 0), (-1, -1), 0)])
                story += [table, Spacer(1, layout.para_space)]
            elif isinstance(block, FootnoteDefinition):
                if layout.notes == "flow":
                    mark = (f"<super>{block.number}</super>" if layout.marker == "rise" else f"{block.number}")
                    story.append(Para(f"{mark} {html.escape(block.text, quote=False)}", note))
            elif isinstance(block, Paragraph):
                story.append(Para(_markup(block, layout), body))
        return story

    def frames_for(bottom: float, sidebar: bool) -> list:
        left, total, tall = margin, width - 2 * margin, height - margin - bottom
        frames = []
        if sidebar:  # a narrow column on the left for the opening part, the text's columns beside it
            side = total * 0.28
            frames.append(Frame(margin, bottom, side, tall, id="side"))
            left, total = margin + side + gutter, total - side - gutter
        n = layout.columns
        col = (total - (n - 1) * gutter) / n
        return frames + [Frame(left + i * (col + gutter), bottom, col, tall, id=f"c{i + 1}") for i in range(n)]

    def build(reserve: float) -> dict[int, list[int]]:
        bottom = margin + reserve
        frames = frames_for(bottom, False)
        cited: dict[int, list[int]] = {}

        def furniture(canvas, doc):
            canvas.saveState()
            canvas.setFont(regular, round(size * 0.8, 1))
            if layout.header:
                canvas.drawString(margin, height - margin + 14, title.upper())
            if layout.footer:
                canvas.drawRightString(width - margin, margin - 24, f"{doc.page}")
            canvas.restoreState()

        def foot(canvas, doc):
            numbers = list(dict.fromkeys(n for n in cited.get(doc.page, []) if n in notes))
            if layout.notes != "foot" or not numbers:
                return
            y = margin + reserve - 6
            canvas.saveState()
            canvas.setLineWidth(0.4)
            canvas.line(margin, y, margin + 100, y)
            y -= 3
            for n in numbers:
                mark = f"<super>{n}</super>" if layout.marker == "rise" else f"{n}"
                para = Para(f"{mark} {html.escape(notes[n].text, quote=False)}", note)
                _, h = para.wrap(width - 2 * margin, reserve)
                para.drawOn(canvas, margin, y - h)
                y -= h + 1
            canvas.restoreState()

        class Doc(BaseDocTemplate):
            def afterFlowable(self, flowable):
                cited.setdefault(self.page, []).extend(_cited(flowable))

        templates = [PageTemplate(id="first", frames=frames_for(bottom, True), onPage=furniture, onPageEnd=foot,
                                  autoNextPageTemplate="body")] if layout.sidebar else []
        doc = Doc(str(path), pagesize=A4, title=title, pageTemplates=[
            *templates, PageTemplate(id="body", frames=frames, onPage=furniture, onPageEnd=foot)])
        doc.build(make_story())
        return cited

    reserve = 0.0
    if layout.notes == "foot" and notes:
        for _ in range(3):
            cited = build(reserve)
            need = max((sum(Para(f"{n} {html.escape(notes[n].text, quote=False)}", note)
                            .wrap(width - 2 * margin, height)[1] + 1 for n in set(ns) if n in notes)
                        for ns in cited.values()), default=0) + 10
            if need <= reserve:
                break
            reserve = need
    build(reserve)
    return path


def _opening(blocks: list[Block]) -> int:
    """Where the opening part ends: after the first table (a mapping's facts and figures, with
    its destinations) and the blocks up to the next heading, else after the first six blocks."""
    table = next((i for i, b in enumerate(blocks) if isinstance(b, Table)), None)
    if table is None or table > 30:
        return min(6, len(blocks))
    return next((i for i in range(table + 1, len(blocks)) if isinstance(blocks[i], Heading)), table + 1)


def _set_apart(story: list, layout: Layout, width: float) -> list:
    """The opening part's flowables in a ruled box (a one-cell table that may split across
    columns), or ended by a frame break so the text starts beside the sidebar."""
    from reportlab.platypus import FrameBreak
    from reportlab.platypus import Table as PdfTable

    if layout.sidebar:
        return [*story, FrameBreak()]
    box = PdfTable([[story]], colWidths=[None], splitInRow=1, hAlign="LEFT",
                   style=[("BOX", (0, 0), (-1, -1), 0.8, "#333333"), ("LEFTPADDING", (0, 0), (-1, -1), 6),
                          ("RIGHTPADDING", (0, 0), (-1, -1), 6)])
    return [box]


def run(seed: int, folder: Path, variety: bool = False) -> tuple[Score, Layout, str]:
    """Typeset case ``seed`` in ``folder``, read it back and score it against the text's parse
    (``variety``: the wider layouts of :func:`varied_layout`)."""
    from mgiassist.ingest import load_profile, parse_profile

    document, name, layout = case(seed, variety)
    first = next((b.text for b in document.blocks if b.text.strip()), name)
    path = typeset(document, layout, folder / f"fuzz-{seed}-{name}.pdf", " ".join(first.split()[:6]))
    expected = parse_profile(document, name)
    got = load_profile(path, folder)
    return score(expected, got), layout, name
