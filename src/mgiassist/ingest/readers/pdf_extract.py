"""A PDF's pages as typed records: words with their font size and name, drawn bullets, ruled
tables, the page's size and its image count, everything the layout reader
(:mod:`~mgiassist.ingest.readers.pdf`) works from.

Each page is checked against the structural caps (:mod:`~mgiassist.ingest.readers.limits`)
before it is interpreted. Damaged input raises whatever the parsing library raises; the reader
turns that into one line naming the file.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from mgiassist.ingest.readers.limits import (
    DEFAULT_LIMITS,
    ReadLimits,
    pdf_page_count_problem,
    raw_page_objects,
)
from mgiassist.ingest.readers.pdf_layout import Word, drawn_bullets

__all__ = ["PageRecord", "PageTable", "extract_pages"]

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


def extract_pages(path: Path, data: bytes, limits: ReadLimits = DEFAULT_LIMITS) -> list[PageRecord]:
    """Every page of the PDF in ``data``, in order; raises :class:`ProfileError` when the file
    breaks one of ``limits``, and the parser's own exceptions when it cannot be read."""
    # the page cap first on the bytes: page objects spelled out in the file (no parsing)
    problem = pdf_page_count_problem(path, raw_page_objects(data), limits, about=True)
    if problem:
        raise problem
    return _plumber_pages(path, data, limits)


def _plumber_pages(path: Path, data: bytes, limits: ReadLimits) -> list[PageRecord]:
    import pdfplumber

    from mgiassist.ingest.readers.pdf import _check_page, _check_pages

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
