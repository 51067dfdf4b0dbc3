"""A PDF's pages as typed records: words with their font size and name, drawn bullets, ruled
tables, the page's size and its image count, everything the layout reader
(:mod:`~mgiassist.ingest.readers.pdf`) works from.

Each page is checked against the structural caps (:mod:`~mgiassist.ingest.readers.limits`)
before it is interpreted. Damaged input raises whatever the parsing library raises; the reader
turns that into one line naming the file.
"""

from __future__ import annotations

import array
import io
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mgiassist.ingest.readers.limits import (
    DEFAULT_LIMITS,
    ReadLimits,
    pdf_chars_problem,
    pdf_content_problem,
    pdf_page_count_problem,
    raw_page_objects,
)
from mgiassist.ingest.readers.pdf_layout import Word, drawn_bullets

__all__ = ["DEFAULT_ENGINE", "ENGINES", "PageRecord", "PageTable", "extract_pages"]

ENGINES = ("pdfium", "pdfplumber")
DEFAULT_ENGINE = "pdfium"  # the same words as pdfplumber, 5-7x faster (docs/speed.md)

Box = tuple[float, float, float, float]  # x0, top, x1, bottom in points from the page's top left


@dataclass
class PageTable:
    """A ruled table: its box and its rows of cell texts (whitespace collapsed, empty rows left out)."""

    bbox: Box
    rows: list[list[str]]


@dataclass
class PageRecord:
    """One page: its words (outside ruled tables; drawn bullets as ``•`` words of size 0), its
    ruled tables, its size in points and how many images it shows."""

    number: int
    width: float
    height: float
    words: list[Word] = field(default_factory=list)
    tables: list[PageTable] = field(default_factory=list)
    images: int = 0


def _inside(item: dict, boxes: list[Box]) -> bool:
    return any(b[0] - 1 <= item["x0"] and item["x1"] <= b[2] + 1 and b[1] - 1 <= item["top"]
               and item["bottom"] <= b[3] + 1 for b in boxes)


def extract_pages(path: Path, data: bytes, limits: ReadLimits = DEFAULT_LIMITS,
                  engine: str | None = None) -> list[PageRecord]:
    """Every page of the PDF in ``data``, in order; raises :class:`ProfileError` when the file
    breaks one of ``limits``, and the parser's own exceptions when it cannot be read.
    ``engine`` (default ``$MGIASSIST_PDF_EXTRACTOR``, else :data:`DEFAULT_ENGINE`) is one of
    :data:`ENGINES`."""
    # the page cap first on the bytes: page objects spelled out in the file (no parsing)
    problem = pdf_page_count_problem(path, raw_page_objects(data), limits, about=True)
    if problem:
        raise problem
    chosen = engine or os.environ.get("MGIASSIST_PDF_EXTRACTOR") or DEFAULT_ENGINE
    if chosen not in ENGINES:
        raise ValueError(f"unknown PDF extractor {chosen!r}; choose one of {', '.join(ENGINES)}")
    return _pdfium_pages(path, data, limits) if chosen == "pdfium" else _plumber_pages(path, data, limits)


def _page_tree_count(pdf) -> int:
    """The page count the page tree's root declares (0 when it has none to read)."""
    from pdfminer.pdftypes import resolve1

    try:
        count = resolve1(resolve1(pdf.doc.catalog["Pages"]).get("Count"))
    except Exception:  # noqa: BLE001 - a damaged tree: pdfplumber's walk names it, or the cap does
        return 0
    return count if isinstance(count, int) else 0


def _check_pages(path: Path, pdf, limits: ReadLimits) -> None:
    """The page cap once the file is open: the page tree's declared count (one object), then the
    pages pdfplumber found (a count that lies)."""
    problem = (pdf_page_count_problem(path, _page_tree_count(pdf), limits)
               or pdf_page_count_problem(path, len(pdf.pages), limits))
    if problem:
        raise problem


def _check_page(path: Path, page, number: int, limits: ReadLimits) -> None:
    """The content and character caps of one page: estimated from its content streams before
    pdfminer reads them, then counted (text drawn by form XObjects is only seen then)."""
    problem = (pdf_content_problem(path, page, number, limits)
               or pdf_chars_problem(path, number, len(page.chars), limits))
    if problem:
        raise problem


def _plumber_pages(path: Path, data: bytes, limits: ReadLimits) -> list[PageRecord]:
    import pdfplumber

    # not closed: PDF.close() walks every page (29 s for 100,000), and all of it is in memory
    pdf = pdfplumber.open(io.BytesIO(data))
    _check_pages(path, pdf, limits)
    records: list[PageRecord] = []
    for number, page in enumerate(pdf.pages, start=1):
        _check_page(path, page, number, limits)
        found = page.find_tables()
        boxes = [t.bbox for t in found]
        raw = page.extract_words(extra_attrs=["size", "fontname"], x_tolerance=1.5, y_tolerance=2)
        words = [Word.from_plumber(w) for w in raw if not _inside(w, boxes)]
        shapes = [s for s in (*page.curves, *page.rects) if not _inside(s, boxes)]
        words += drawn_bullets(shapes, words)
        tables = []
        for t in found:
            rows = [[" ".join((c or "").split()) for c in row] for row in t.extract()]
            rows = [r for r in rows if any(r)]
            if rows:
                tables.append(PageTable(tuple(t.bbox), rows))
        records.append(PageRecord(number, float(page.width), float(page.height), words, tables, len(page.images)))
        # pdfplumber keeps every page's characters until the file closes: 7 MB a page
        # (87 pages held 670 MB); only the words are needed from here on
        page.close()
    return records


# ------------------------------------------------------------------------------ pdfium

_LIGATURES = {"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl", "ﬆ": "st", "ﬅ": "st"}
X_TOLERANCE, Y_TOLERANCE = 1.5, 2.0  # as pdfplumber's extract_words is called by the old reader


class _Pdfium:
    """The few PDFium calls the extractor makes once per character, bound once, returning plain
    ints where pypdfium2's bindings return pointer objects (cheaper to compare and hash)."""

    def __init__(self) -> None:
        import ctypes

        from pypdfium2 import raw

        self.raw = raw
        self.ctypes = ctypes
        address = ctypes.cast(raw.FPDFText_GetTextObject, ctypes.c_void_p).value
        self.text_object = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int)(address)
        address = ctypes.cast(raw.FPDFTextObj_GetFont, ctypes.c_void_p).value
        self.object_font = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p)(address)
        self.rect = raw.FS_RECTF()
        self.rect_ref = ctypes.byref(self.rect)
        self.matrix = raw.FS_MATRIX()
        self.buffer = ctypes.create_string_buffer(256)
        self.floats = [ctypes.c_float() for _ in range(4)]


def _font_name(api: _Pdfium, font) -> str:
    size = api.raw.FPDFFont_GetBaseFontName(font, api.buffer, len(api.buffer))
    return api.buffer.raw[: max(0, size - 1)].decode("utf-8", "replace") if size else ""


def _matrix(api: _Pdfium, obj) -> tuple[float, float, float, float, float, float]:
    m = api.matrix
    if not api.raw.FPDFPageObj_GetMatrix(obj, m):
        return (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _compose(inner: tuple, outer: tuple) -> tuple:
    """The matrix applying ``inner`` then ``outer`` (PDF row-vector convention)."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


# a character: (text, x0, x1, top, bottom, key), key = (upright, size, font name), what
# pdfplumber groups characters by; tuples, as a page holds thousands
_TEXT, _X0, _X1, _TOP, _BOTTOM, _KEY = range(6)


def _page_chars(api: _Pdfium, textpage, y1: float, metrics: dict[str, _FontMetrics]) -> list[tuple]:
    """The page's characters in content order, with pdfminer's boxes in top-left coordinates
    (generated spaces and line breaks left out; a real space is a character, as for pdfminer)."""
    raw, ctypes = api.raw, api.ctypes
    count = raw.FPDFText_CountChars(textpage)
    if count <= 0:
        return []
    handle = ctypes.cast(textpage, ctypes.c_void_p).value
    is_generated, loose_box, get_origin = raw.FPDFText_IsGenerated, raw.FPDFText_GetLooseCharBox, raw.FPDFText_GetCharOrigin
    text_object, rect, rect_ref = api.text_object, api.rect, api.rect_ref
    x, y = ctypes.c_double(), ctypes.c_double()
    x_ref, y_ref = ctypes.byref(x), ctypes.byref(y)
    objects: dict[int, tuple] = {}
    fonts: dict[int, tuple] = {}
    shifts: dict[int, float] = {}
    chars: list[tuple] = []
    append = chars.append
    last, key, top, bottom, fractions, widths, unit, shift = None, None, None, None, None, None, 0.0, 0.0
    glyph_x, glyph_object, glyph_shift = None, None, 0.0
    for k, code in enumerate(_codes(api, textpage, count)):
        if code in _MAYBE_GENERATED and is_generated(textpage, k):
            continue
        obj = text_object(handle, k)
        if not get_origin(textpage, k, x_ref, y_ref):
            continue
        if obj != last:
            if last is not None:
                shifts[last] = shift
            last = obj
            known = objects.get(obj)
            if known is None:
                known = objects[obj] = _object_key(api, obj, y.value, y1, metrics, fonts)
            key, top, bottom, fractions, widths, unit = known
            shift = shifts.get(obj, 0.0)
        text = _CHARACTERS.get(code) or chr(code)
        if top is None:  # rotated text: PDFium's box
            if loose_box(textpage, k, rect_ref):
                append((text, rect.left, rect.right, y1 - rect.top, y1 - rect.bottom, key))
            continue
        if x.value == glyph_x and obj == glyph_object:
            # one glyph, several characters (a ligature "fi"): one character, as for pdfminer
            text = chars.pop()[_TEXT] + text
            shift = glyph_shift
        else:
            glyph_x, glyph_object, glyph_shift = x.value, obj, shift
        x0 = x.value + shift
        if fractions:
            shift += fractions.get(text, 0.0) * unit
        width = widths.get(text) if widths else None
        if width is not None:
            x1 = x0 + width * unit
        else:  # a character pdfminer's font has no width for: where PDFium's box ends
            x1 = rect.right + shift if loose_box(textpage, k, rect_ref) else x0
        append((text, x0, x1, top, bottom, key))
    return chars


def _codes(api: _Pdfium, textpage, count: int) -> Sequence[int]:
    """The page's character codes (UTF-16) in one call; one call per character when the text
    holds surrogate pairs (two units for one character)."""
    ctypes, raw = api.ctypes, api.raw
    buffer = ctypes.create_string_buffer((count + 1) * 2)
    raw.FPDFText_GetText(textpage, 0, count, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)))
    codes = array.array("H", buffer.raw[: 2 * count])
    if sys.byteorder == "big":
        codes.byteswap()
    if any(0xD800 <= code <= 0xDFFF for code in codes):
        return [raw.FPDFText_GetUnicode(textpage, k) for k in range(count)]
    return codes


_MAYBE_GENERATED = frozenset((2, 10, 13, 32, 0xFFFE))
# PDFium marks a hyphen it takes for a line-end break as 0x02 (0xFFFE in its text); 0 is a glyph
# without a code
_CHARACTERS = {2: "-", 0xFFFE: "-", 0: "\ufffd"}


def _object_key(api: _Pdfium, obj: int, origin_y: float, y1: float, metrics: dict[str, _FontMetrics],
                fonts: dict[int, tuple]) -> tuple:
    """What a text object's characters share: ``(upright, size, font name)``, their top and
    bottom as pdfminer measures them (``None`` for rotated text), and the width fractions PDFium
    drops with the factor turning them into points. The size is the font size times the text
    matrix's vertical scale; the box runs from the font's descent below the baseline up by the
    size (PDFium's own box spans the font's ascent and descent instead)."""
    ctypes, raw = api.ctypes, api.raw
    handle = ctypes.cast(obj, raw.FPDF_PAGEOBJECT)
    a, b, c, d, _, _ = _matrix(api, handle)
    font_size = api.floats[2]
    if not raw.FPDFTextObj_GetFontSize(handle, ctypes.byref(font_size)):
        font_size.value = 0.0
    upright = b == 0 and c == 0
    scale = abs(d) if upright else (b * b + d * d) ** 0.5 if abs(a) < 1e-6 else (a * a + c * c) ** 0.5
    size = font_size.value * scale
    font = api.object_font(obj)
    known = fonts.get(font) if font else ("", 0.0, None, None)
    if known is None:
        font_handle = ctypes.cast(font, raw.FPDF_FONT)
        name = _font_name(api, font_handle)
        descent = api.floats[3]
        found = metrics.get(_without_subset(name))
        if found is not None:
            known = (name, found.descent, found.fractions, found.widths)
        elif raw.FPDFFont_GetDescent(font_handle, 1000.0, ctypes.byref(descent)):
            known = (name, descent.value, None, None)
        else:
            known = (name, 0.0, None, None)
        fonts[font] = known
    name, depth, fractions, widths = known
    key = (upright, round(size, 4), name)
    if not upright or d <= 0:
        return key, None, None, None, None, 0.0
    baseline = origin_y + depth * font_size.value / 1000 * d
    return key, y1 - (baseline + size), y1 - baseline, fractions, widths, font_size.value * a / 1000


def _words(chars: list[tuple]) -> list[Word]:
    """pdfplumber's ``extract_words`` (x_tolerance 1.5, y_tolerance 2, split by size and font
    name): runs of characters with the same attributes, each clustered into lines by their tops,
    sorted along the line, cut at blanks and at gaps wider than the tolerance."""
    out: list[Word] = []
    start = 0
    n = len(chars)
    while start < n:
        key = chars[start][_KEY]
        end = start + 1
        while end < n and chars[end][_KEY] == key:
            end += 1
        run = chars[start:end]
        start = end
        upright = key[0]
        for line in _cluster(run, upright):
            line.sort(key=_along_x if upright else _along_y)
            word: list[tuple] = []
            for ch in line:
                if ch[_TEXT].isspace():
                    if word:
                        out.append(_to_word(word))
                    word = []
                    continue
                if word:
                    prev = word[-1]
                    if upright:
                        new = ch[_X0] < prev[_X0] or ch[_X0] > prev[_X1] + X_TOLERANCE \
                            or abs(ch[_TOP] - prev[_TOP]) > Y_TOLERANCE
                    else:
                        new = ch[_TOP] < prev[_TOP] or ch[_TOP] > prev[_BOTTOM] + Y_TOLERANCE \
                            or abs(ch[_X0] - prev[_X0]) > X_TOLERANCE
                    if new:
                        out.append(_to_word(word))
                        word = []
                word.append(ch)
            if word:
                out.append(_to_word(word))
    return out


def _along_x(ch: tuple) -> float:
    return ch[_X0]


def _along_y(ch: tuple) -> tuple[float, float]:
    return ch[_TOP], ch[_BOTTOM]


def _cluster(run: list[tuple], upright: bool) -> list[list[tuple]]:
    """pdfplumber's ``cluster_objects``: distinct values sorted and chained within the tolerance."""
    field_, tolerance = (_TOP, Y_TOLERANCE) if upright else (_X0, X_TOLERANCE)
    index: dict[float, int] = {}
    group, last = -1, None
    for v in sorted({ch[field_] for ch in run}):
        if last is None or v > last + tolerance:
            group += 1
        index[v] = group
        last = v
    if group == 0:
        return [run]
    lines: list[list[tuple]] = [[] for _ in range(group + 1)]
    for ch in run:
        lines[index[ch[field_]]].append(ch)
    return lines


def _to_word(chars: list[tuple]) -> Word:
    _, size, font = chars[0][_KEY]
    if len(chars) == 1:
        ch = chars[0]
        return Word.from_font(_LIGATURES.get(ch[_TEXT], ch[_TEXT]), ch[_X0], ch[_X1], ch[_TOP], ch[_BOTTOM], size, font)
    text = "".join([_LIGATURES.get(ch[_TEXT], ch[_TEXT]) for ch in chars])
    return Word.from_font(text, min([ch[_X0] for ch in chars]), max([ch[_X1] for ch in chars]),
                          min([ch[_TOP] for ch in chars]), max([ch[_BOTTOM] for ch in chars]), size, font)


def _walk(api: _Pdfium, parent, form: bool, outer: tuple | None, depth: int, out: dict) -> None:
    """Path objects (as pdfminer's subpaths: ``pts`` in page space, top-left) and image count of
    a page or form XObject, recursively."""
    raw = api.raw
    count = raw.FPDFFormObj_CountObjects(parent) if form else raw.FPDFPage_CountObjects(parent)
    get = raw.FPDFFormObj_GetObject if form else raw.FPDFPage_GetObject
    for i in range(max(0, count)):
        obj = get(parent, i)
        if not obj:
            continue
        kind = raw.FPDFPageObj_GetType(obj)
        if kind == raw.FPDF_PAGEOBJ_IMAGE:
            out["images"] += 1
        elif kind == raw.FPDF_PAGEOBJ_FORM and depth < 15:
            matrix = _matrix(api, obj)
            _walk(api, obj, True, matrix if outer is None else _compose(matrix, outer), depth + 1, out)
        elif kind == raw.FPDF_PAGEOBJ_PATH:
            fill, stroke = api.ctypes.c_int(), api.ctypes.c_int()
            if raw.FPDFPath_GetDrawMode(obj, fill, stroke) and not fill.value and not stroke.value:
                continue  # neither filled nor stroked: pdfminer paints nothing
            matrix = _matrix(api, obj)
            out["paths"].extend(_subpaths(api, obj, matrix if outer is None else _compose(matrix, outer)))


def _subpaths(api: _Pdfium, obj, matrix: tuple) -> list[list[tuple[float, float]]]:
    """A path's subpaths as pdfminer sees them: one point per segment (a curve's end point, a
    closing segment's start point), in PDF page space."""
    raw = api.raw
    x, y = api.floats[0], api.floats[1]
    xr, yr = api.ctypes.byref(x), api.ctypes.byref(y)
    a, b, c, d, e, f = matrix
    subpaths: list[list[tuple[float, float]]] = []
    current: list[tuple[float, float]] = []
    pending_bezier = 0
    for i in range(raw.FPDFPath_CountSegments(obj)):
        segment = raw.FPDFPath_GetPathSegment(obj, i)
        if not segment or not raw.FPDFPathSegment_GetPoint(segment, xr, yr):
            continue
        kind = raw.FPDFPathSegment_GetType(segment)
        point = (a * x.value + c * y.value + e, b * x.value + d * y.value + f)
        if kind == raw.FPDF_SEGMENT_MOVETO:
            if current:
                subpaths.append(current)
            current = [point]
            pending_bezier = 0
        elif kind == raw.FPDF_SEGMENT_BEZIERTO:
            pending_bezier += 1
            if pending_bezier == 3:  # two control points, then the end point
                current.append(point)
                pending_bezier = 0
        else:
            current.append(point)
        if raw.FPDFPathSegment_GetClose(segment) and current:
            current.append(current[0])
    if current:
        subpaths.append(current)
    return subpaths


def _shape(pts: list[tuple[float, float]], y1: float) -> dict:
    """A subpath as pdfminer's LTLine, LTRect or LTCurve would give it to pdfplumber (top-left
    coordinates): ``object_type``, box and ``pts``."""
    if len(pts) > 3 and pts[-2] == pts[0] and pts[-1] == pts[0]:
        pts = pts[:-1]  # a redundant line back to the start before the close
    top_left = [(px, y1 - py) for px, py in pts]
    xs = [p[0] for p in top_left]
    ys = [p[1] for p in top_left]
    box = {"x0": min(xs), "x1": max(xs), "top": min(ys), "bottom": max(ys)}
    box["width"], box["height"] = box["x1"] - box["x0"], box["bottom"] - box["top"]
    box["doctop"] = box["top"]
    box["page_height"] = y1
    if len(pts) == 2:
        box["object_type"] = "line"
    elif len(pts) == 5 and pts[0] == pts[4] and (
            (pts[0][0] == pts[1][0] and pts[1][1] == pts[2][1] and pts[2][0] == pts[3][0] and pts[3][1] == pts[0][1])
            or (pts[0][1] == pts[1][1] and pts[1][0] == pts[2][0] and pts[2][1] == pts[3][1] and pts[3][0] == pts[0][0])):
        box["object_type"] = "rect"
    else:
        box["object_type"] = "curve"
    box["pts"] = top_left
    return box


class _TablePage:
    """What pdfplumber's TableFinder and Table.extract read from a page: its box, edges and
    characters."""

    def __init__(self, width: float, height: float, edges: list[dict], chars: list[tuple]) -> None:
        self.bbox = (0, 0, width, height)
        self.edges = edges
        self._chars = chars

    @property
    def chars(self) -> list[dict]:
        return [{"text": text, "x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": top,
                 "upright": key[0], "size": key[1], "fontname": key[2], "width": x1 - x0, "height": bottom - top}
                for text, x0, x1, top, bottom, key in self._chars]


def _edges(shapes: list[dict]) -> list[dict]:
    from pdfplumber.utils.geometry import curve_to_edges, line_to_edge, rect_to_edges

    edges: list[dict] = []
    for shape in shapes:
        kind = shape["object_type"]
        if kind == "line":
            edges.append(line_to_edge(shape))
        elif kind == "rect":
            edges.extend(rect_to_edges({**shape, "y0": shape["page_height"] - shape["bottom"],
                                        "y1": shape["page_height"] - shape["top"]}))
        else:
            edges.extend(curve_to_edges(shape))
    return edges


def _find_tables(width: float, height: float, shapes: list[dict], chars: list[tuple]) -> list:
    """pdfplumber's ruled-table finder (its default settings: tables from ruling lines), run on
    the page's edges from PDFium; pages without a horizontal and a vertical edge have none."""
    edges = _edges(shapes)
    if not any(e["orientation"] == "h" for e in edges) or not any(e["orientation"] == "v" for e in edges):
        return []
    from pdfplumber.table import TableFinder, TableSettings

    return TableFinder(_TablePage(width, height, edges, chars), TableSettings.resolve(None)).tables  # type: ignore[arg-type]


def _pdfium_pages(path: Path, data: bytes, limits: ReadLimits) -> list[PageRecord]:
    import pypdfium2 as pdfium

    metrics = _precheck(path, data, limits)
    api = _Pdfium()
    document = pdfium.PdfDocument(data)
    problem = pdf_page_count_problem(path, len(document), limits)
    if problem:
        raise problem
    records: list[PageRecord] = []
    for index in range(len(document)):
        number = index + 1
        page = document[index]
        x0, y0, x1, y1 = page.get_mediabox()
        width, height = x1 - x0, y1 - y0
        textpage = page.get_textpage()
        problem = pdf_chars_problem(path, number, api.raw.FPDFText_CountChars(textpage.raw), limits)
        if problem:
            raise problem
        chars = _page_chars(api, textpage.raw, height, metrics)
        found: dict = {"images": 0, "paths": []}
        _walk(api, page.raw, False, None, 0, found)
        shapes = [_shape(pts, height) for pts in found["paths"] if pts]
        tables = _find_tables(width, height, shapes, chars)
        boxes = [t.bbox for t in tables]
        words = [w for w in _words(chars) if not boxes or not _inside(
            {"x0": w.x0, "x1": w.x1, "top": w.top, "bottom": w.bottom}, boxes)]
        words += drawn_bullets([s for s in shapes if s["object_type"] != "line" and not _inside(s, boxes)], words)
        page_tables = []
        for t in tables:
            rows = [[" ".join((c or "").split()) for c in row] for row in t.extract()]
            rows = [r for r in rows if any(r)]
            if rows:
                page_tables.append(PageTable(tuple(t.bbox), rows))
        records.append(PageRecord(number, width, height, words, page_tables, found["images"]))
        textpage.close()
        page.close()
    document.close()
    return records


def _precheck(path: Path, data: bytes, limits: ReadLimits) -> dict[str, _FontMetrics]:
    """The page and content caps, read by pdfminer's parser from the page tree and the content
    streams without interpreting them (as the pdfplumber route checks them); returns the
    descent of each font the pages name (:func:`_font_descents`)."""
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    document = PDFDocument(PDFParser(io.BytesIO(data)))
    problem = pdf_page_count_problem(path, _page_tree_count(_Shim(doc=document)), limits)
    if problem:
        raise problem
    pages = []
    for page in PDFPage.create_pages(document):
        pages.append(page)
        if len(pages) > limits.pdf_pages:
            break
    problem = pdf_page_count_problem(path, len(pages), limits)
    if problem:
        raise problem
    for number, page in enumerate(pages, start=1):
        problem = pdf_content_problem(path, _Shim(page_obj=page), number, limits)
        if problem:
            raise problem
    return _font_metrics(pages)


@dataclass
class _FontMetrics:
    """What pdfminer reads from a font and PDFium reads otherwise: the descent (per 1,000 of
    the size) and, per character, its width (per 1,000; PDFium's box ends where the glyph does,
    past the advance for an "f") and the fraction of it PDFium drops (it keeps a font's
    ``/Widths`` as whole numbers; reportlab writes fractions)."""

    descent: float
    fractions: dict[str, float] = field(default_factory=dict)
    widths: dict[str, float | None] = field(default_factory=dict)  # None: two widths for one character


def _font_metrics(pages: list) -> dict[str, _FontMetrics]:
    """Each page font's metrics as pdfminer reads them, by base name without a subset prefix."""
    from pdfminer.pdfinterp import PDFResourceManager
    from pdfminer.pdftypes import resolve1

    manager = PDFResourceManager()
    metrics: dict[str, _FontMetrics] = {}
    for page in pages:
        try:
            fonts = dict(resolve1(resolve1(page.resources).get("Font")) or {})
        except Exception:  # noqa: BLE001 - damaged resources: PDFium's own metrics
            fonts = {}
        for ref in fonts.values():
            found = _metrics_of(manager, ref)
            if found is not None:
                metrics.setdefault(*found)
    return metrics


def _metrics_of(manager, ref) -> tuple[str, _FontMetrics] | None:
    from pdfminer.pdftypes import PDFObjRef, resolve1

    try:
        spec = resolve1(ref)
        font = manager.get_font(ref.objid if isinstance(ref, PDFObjRef) else None, spec)
        name = getattr(font, "basefont", None) or ""
        found = _FontMetrics(font.get_descent() * 1000)
        for cid, width in font.widths.items():  # by code, or by character (the standard 14 fonts)
            if not isinstance(width, (int, float)):
                continue
            text = cid if isinstance(cid, str) else _character(font, cid)
            if not text:
                continue
            width = float(width) * font.hscale * 1000
            found.widths[text] = width if found.widths.get(text, width) == width else None
            fraction = float(width) - int(float(width))
            if fraction:
                found.fractions[text] = fraction if found.fractions.get(text, fraction) == fraction else 0.0
    except Exception:  # noqa: BLE001 - a font pdfminer cannot read: PDFium's own metrics
        return None
    return _without_subset(str(name)), found


def _without_subset(name: str) -> str:
    """A font's name without the tag of its subset (``AAAAAA+DejaVuSans``)."""
    return name[7:] if len(name) > 7 and name[6] == "+" else name


def _character(font, cid: int) -> str:
    try:
        return font.to_unichr(cid)
    except Exception:  # noqa: BLE001 - a code without a character
        return ""


class _Shim:
    def __init__(self, **attributes) -> None:
        self.__dict__.update(attributes)
