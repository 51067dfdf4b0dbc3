"""Structural caps a reader checks before its heavy work, so a hostile file is refused in
milliseconds with the bound it breaks, instead of running into the time or memory limit of
its reader process (:mod:`mgiassist.ingest.bounded`).

Each default is far above what real profiles have and below where the reader gets slow:

- pages per PDF, 500: MGI profiles run 20 to 60 pages, diaspora mappings 5 to 20. Reading a
  text-dense page takes 0.1 to 0.3 s, so 500 pages is already a minute or more; the page tree
  of a 100,000-page PDF (9 MB) alone takes 43 s to walk.
- characters per PDF page, 50,000: a dense A4 page holds 3,000 to 6,000. pdfminer needs ~0.15 ms
  and ~2.5 KB per character (40,000 characters on one page: 5.8 s, 119 MB), so 400,000 would
  cost about a minute and a gigabyte; the count is estimated from the page's content stream
  (its string operands) before pdfminer reads a single glyph, and counted exactly after.
- content per PDF page, 32 MB inflated: a text page's content stream is 20 to 100 KB, a detailed
  vector map a few MB. A stream that inflates past it is a flate bomb: a 300 KB file can hold
  300 MB of it, which pdfminer would inflate whole in memory.
- HTML nesting, 200 tags deep: real pages nest 15 to 60 deep. The reader walks the tree by
  recursion (Python's stack gives out between 600 and 1,000 levels) and its list items are
  quadratic in depth (1,000 levels of ``<ul><li>``: 1.6 s; 100,000 <div>s: over 500 s).
- XML in a DOCX, 50 MB inflated: the body of a 300-page report is 5 to 15 MB. zipfile stops
  inflating a part at the size its directory declares (and fails the CRC beyond), so the declared
  sizes bound what python-docx can be made to hold.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from mgiassist.errors import ProfileError

__all__ = [
    "DEFAULT_LIMITS",
    "ReadLimits",
    "html_depth_problem",
    "pdf_chars_problem",
    "pdf_content_problem",
    "pdf_page_count_problem",
    "raw_page_objects",
    "zip_parts_problem",
]

_MB = 1024 * 1024


@dataclass(frozen=True)
class ReadLimits:
    """Structural caps per file, checked before the heavy work (see the module's notes)."""

    pdf_pages: int = 500
    pdf_page_chars: int = 50_000
    pdf_page_content_bytes: int = 32 * _MB
    html_depth: int = 200
    docx_xml_bytes: int = 50 * _MB


DEFAULT_LIMITS = ReadLimits()


def _mb(size: int) -> str:
    return f"{size / _MB:.0f} MB" if size >= _MB else f"{size / _MB:.2f} MB"


# ------------------------------------------------------------------------------------- PDF

_PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![A-Za-z])")
# string operands of the text operators: (literal) strings and <hex> strings (not << dicts >>)
_LITERAL = re.compile(rb"\((?:[^()\\]|\\.)*\)", re.DOTALL)
_HEX = re.compile(rb"(?<!<)<([0-9A-Fa-f\s]*)>(?!>)")


def pdf_page_count_problem(path: Path, count: int, limits: ReadLimits, about: bool = False) -> ProfileError | None:
    if count <= limits.pdf_pages:
        return None
    return ProfileError(f"{path}: {'about ' if about else ''}{count:,} pages, over the limit of "
                        f"{limits.pdf_pages:,} pages per PDF")


def raw_page_objects(data: bytes) -> int:
    """How many page objects a PDF's bytes spell out (those in compressed object streams are not
    seen: the page tree's own count is checked after opening)."""
    return len(_PAGE_OBJECT.findall(data))


def _inflated(stream, cap: int) -> bytes | None:
    """The decoded bytes of a content stream, at most ``cap + 1`` of them; ``None`` when it is
    encrypted, damaged, or uses a filter other than Flate (behind ASCII armour or not): pdfminer
    decodes those, within the reader process's memory limit."""
    from pdfminer.ascii85 import ascii85decode, asciihexdecode
    from pdfminer.pdftypes import (
        LITERALS_ASCII85_DECODE,
        LITERALS_ASCIIHEX_DECODE,
        LITERALS_FLATE_DECODE,
    )

    if stream.data is not None:
        return stream.data[: cap + 1]
    filters = stream.get_filters()
    if stream.decipher or stream.rawdata is None or any(params and "Predictor" in params for _, params in filters):
        return None
    if not filters:
        return stream.rawdata[: cap + 1]
    data = stream.rawdata
    try:
        for name, _ in filters[:-1]:  # ASCII armour before the Flate (reportlab's way) only shrinks
            if name in LITERALS_ASCII85_DECODE:
                data = ascii85decode(data)
            elif name in LITERALS_ASCIIHEX_DECODE:
                data = asciihexdecode(data)
            else:
                return None
        if filters[-1][0] not in LITERALS_FLATE_DECODE:
            return None
        return zlib.decompressobj().decompress(data, cap + 1)
    except (zlib.error, ValueError, TypeError):
        return None  # damaged: pdfminer's own recovery decides


def _chars_in(content: bytes) -> int:
    """An upper bound on the glyphs a content stream shows: the bytes of its string operands
    (two-byte CID fonts count double)."""
    count = sum(len(m) - 2 for m in _LITERAL.findall(content))
    return count + sum(len(re.sub(rb"\s", b"", m)) // 2 for m in _HEX.findall(content))


def pdf_content_problem(path: Path, page, number: int, limits: ReadLimits) -> ProfileError | None:
    """Whether page ``number``'s content streams inflate past the cap or show more characters
    than the cap, read before pdfminer interprets them."""
    from pdfminer.pdftypes import PDFStream, resolve1

    cap, total, chars = limits.pdf_page_content_bytes, 0, 0
    for ref in page.page_obj.contents:
        stream = resolve1(ref)
        if not isinstance(stream, PDFStream):
            continue
        content = _inflated(stream, cap - total)
        if content is None:
            continue
        total += len(content)
        if total > cap:
            return ProfileError(f"{path}: the content of page {number} inflates past the limit of "
                                f"{_mb(cap)} per PDF page")
        chars += _chars_in(content)
    return pdf_chars_problem(path, number, chars, limits, about=True)


def pdf_chars_problem(path: Path, number: int, chars: int, limits: ReadLimits, about: bool = False) -> ProfileError | None:
    if chars <= limits.pdf_page_chars:
        return None
    return ProfileError(f"{path}: page {number} holds {'about ' if about else ''}{chars:,} characters, over "
                        f"the limit of {limits.pdf_page_chars:,} characters per PDF page")


# ------------------------------------------------------------------------------------ HTML

# elements the parser closes at once (html.parser and BeautifulSoup agree on these)
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta",
                   "param", "source", "track", "wbr"})


class _TooDeep(Exception):
    pass


class _DepthGauge(HTMLParser):
    """Open elements as BeautifulSoup's html.parser tree holds them: an end tag closes the most
    recent element of its name and every one opened after it; a stray end tag is ignored."""

    def __init__(self, cap: int) -> None:
        super().__init__(convert_charrefs=False)
        self.cap = cap
        self.stack: list[str] = []
        self.open: dict[str, int] = {}

    def handle_starttag(self, tag, attrs) -> None:
        if len(self.stack) >= self.cap:  # this element is one deeper than those open
            raise _TooDeep
        if tag in _VOID:
            return
        self.stack.append(tag)
        self.open[tag] = self.open.get(tag, 0) + 1

    def handle_endtag(self, tag) -> None:
        if not self.open.get(tag):
            return
        while True:
            name = self.stack.pop()
            self.open[name] -= 1
            if name == tag:
                return

    def handle_startendtag(self, tag, attrs) -> None:
        if len(self.stack) >= self.cap:  # <div/>: opened and closed, one deeper than those open
            raise _TooDeep


def html_depth_problem(path: Path, html: str, limits: ReadLimits) -> ProfileError | None:
    """Whether the page nests elements deeper than the cap; stops reading at the first element
    past it, so a page nested 100,000 deep costs as little as one nested 201 deep."""
    gauge = _DepthGauge(limits.html_depth)
    try:
        gauge.feed(html)
        gauge.close()
    except _TooDeep:
        return ProfileError(f"{path}: elements nested more than {limits.html_depth} deep, over the "
                            f"HTML nesting limit of {limits.html_depth}")
    return None


# ------------------------------------------------------------------------------------ DOCX

def zip_parts_problem(path: Path, archive, limits: ReadLimits) -> ProfileError | None:
    """Whether the XML parts of a DOCX (an open :class:`zipfile.ZipFile`) inflate, by the sizes
    its directory declares, past the cap."""
    size = sum(info.file_size for info in archive.infolist()
               if info.filename.lower().endswith((".xml", ".rels")))
    if size <= limits.docx_xml_bytes:
        return None
    return ProfileError(f"{path}: its XML parts inflate to {_mb(size)}, over the limit of "
                        f"{_mb(limits.docx_xml_bytes)} per DOCX")
