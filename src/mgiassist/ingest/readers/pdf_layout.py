"""Page layout for the PDF reader: words into lines, columns in reading order, running heads.

Works on pdfplumber words (text, box, font size and name). A line is the words sharing a
baseline within one column; a two-column page is split at the widest vertical gutter no body
word crosses, and read left column, then right, band by band between full-width lines.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass, field

__all__ = ["Line", "Word", "body_size", "drawn_bullets", "drop_running_lines", "find_gutter", "page_lines"]

_BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
_CID = re.compile(r"\(cid:\d+\)")
_SYMBOL_FONT = re.compile(r"dingbat|symbol|wingding|webding", re.IGNORECASE)


@dataclass
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    symbol: bool = False  # set in a symbol font (Dingbats, Symbol, Wingdings): a bullet, not a letter

    @classmethod
    def from_plumber(cls, w: dict) -> Word:
        return cls.from_font(w["text"], w["x0"], w["x1"], w["top"], w["bottom"], float(w.get("size", 0)),
                             str(w.get("fontname", "")))

    @classmethod
    def from_font(cls, text: str, x0: float, x1: float, top: float, bottom: float, size: float,
                  fontname: str) -> Word:
        """A word set in ``fontname`` at ``size`` (rounded to 0.1 pt), its weight and symbol
        font read from the name."""
        return cls(text, x0, x1, top, bottom, round(size, 1), *_font_flags(fontname))


@functools.lru_cache(maxsize=1024)
def _font_flags(fontname: str) -> tuple[bool, bool]:
    """Whether a font is bold, and whether it is a symbol font, by its name."""
    return bool(_BOLD_FONT.search(fontname)), bool(_SYMBOL_FONT.search(fontname))


@dataclass
class Line:
    words: list[Word]
    page: int
    column: int = 0  # 0 full width or single column, 1 left, 2 right
    column_x1: float = 0.0  # right edge of the column the line sits in
    markers_at: list[int] = field(default_factory=list)
    note: int | None = None  # the footnote this line opens, read at the page foot (pdf._page_foot_notes)
    carried: bool = False  # a note's text carried over from the foot of an earlier page
    foot: bool = False  # in the notes at the page foot (a note's own line or its wrapped text)

    @property
    def x0(self) -> float:
        return self._measures()[0]

    @property
    def x1(self) -> float:
        return self._measures()[1]

    @property
    def top(self) -> float:
        return self._measures()[2]

    @property
    def bottom(self) -> float:
        return self._measures()[3]

    def main_words(self) -> list[Word]:
        """The words in the line's own type: not raised markers set smaller, not a bullet set
        larger in its gutter."""
        size = self.size
        main = [w for w in self.words if size * 0.85 <= w.size <= size * 1.18]
        return main or self.words

    @property
    def size(self) -> float:
        """The size most of the line's characters are set in (a bullet glyph or a marker, one
        or two characters, does not change it)."""
        return self._measures()[4]

    @property
    def bold(self) -> bool:
        return self._measures()[5]

    def _measures(self) -> tuple[float, float, float, float, float, bool]:
        """x0, x1, top, bottom, size and bold, computed once per set of words: the reader asks
        for them hundreds of thousands of times on a long document. Words are only ever added
        to a line (or the list replaced), so the list itself and its length say when to
        compute them again."""
        words = self.words
        cached = self.__dict__.get("_cached")
        if cached is not None and cached[0] is words and cached[1] == len(words):
            return cached[2]
        counts: Counter[float] = Counter()
        for w in self.words:
            glyphs = len(_CID.sub("?", w.text))
            counts[w.size] += glyphs if glyphs > 1 or w.text.isalnum() else 0.5
        size = max(counts, key=lambda s: (counts[s], s))
        main = [w for w in self.words if size * 0.85 <= w.size <= size * 1.18] or self.words
        value = (min(w.x0 for w in self.words), max(w.x1 for w in self.words), min(w.top for w in main),
                 max(w.bottom for w in main), size, all(w.bold for w in main if w.text.strip()))
        self.__dict__["_cached"] = (words, len(words), value)
        return value

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    def is_raised(self, word: Word, previous: Word | None = None) -> bool:
        """A footnote marker: digits raised above the line's baseline, set smaller (a little
        rise is enough) or in the line's own size (then clearly raised: a third of the size); or,
        on the baseline, set much smaller right after a word (``previous``)."""
        if not re.fullmatch(r"\d{1,3}", word.text) or word.size > self.size * 1.02:
            return False
        rise = self.bottom - word.bottom
        if word.size <= self.size * 0.85 and rise > self.size * 0.15:
            return True
        if previous is not None and word.size <= self.size * 0.8 and previous.size > word.size * 1.1 \
                and word.x0 - previous.x1 < 0.35 * self.size:
            return True
        return rise > self.size * 0.3 and word.bottom > self.top


def body_size(words: list[Word]) -> float:
    counts = Counter()
    for w in words:
        counts[w.size] += len(w.text)
    return counts.most_common(1)[0][0] if counts else 10.0


def _cluster_lines(words: list[Word], page: int, column: int, column_x1: float) -> list[Line]:
    lines: list[Line] = []
    spans: list[list[float]] = []  # each line's top and bottom over all its words, kept as they come
    for word in sorted(words, key=lambda w: (w.top, w.x0)):
        placed = False
        for line, span in zip(reversed(lines[-3:]), reversed(spans[-3:])):
            top, bottom = span
            overlap = min(bottom, word.bottom) - max(top, word.top)
            if overlap >= 0.5 * min(word.bottom - word.top, bottom - top):
                line.words.append(word)
                span[0], span[1] = min(top, word.top), max(bottom, word.bottom)
                placed = True
                break
        if not placed:
            lines.append(Line([word], page, column, column_x1))
            spans.append([word.top, word.bottom])
    for line in lines:
        line.words.sort(key=lambda w: w.x0)
    return sorted(lines, key=lambda ln: ln.top)


def _gutter(words: list[Word], width: float) -> float | None:
    """The x of a vertical gutter between two columns, if the page has one."""
    if len(words) < 40:
        return None
    coverage = [0] * (int(width) + 2)
    for w in words:
        for x in range(max(0, int(w.x0) + 1), min(len(coverage), int(w.x1))):
            coverage[x] += 1
    lo, hi = int(width * 0.3), int(width * 0.7)
    best = min(coverage[lo:hi])
    left_of = lambda x: sum(1 for w in words if w.x1 <= x)
    # the widest run of x positions as empty as the emptiest one; its middle is the gutter
    runs, run = [], []
    for x in range(lo, hi):
        if coverage[x] == best:
            run.append(x)
        elif run:
            runs.append(run)
            run = []
    if run:
        runs.append(run)
    widest = max(runs, key=len)
    middle = (widest[0] + widest[-1]) / 2
    left = left_of(middle)
    right = sum(1 for w in words if w.x0 >= middle)
    if best > 2 + 0.02 * len(words) or min(left, right) < max(10, 0.08 * len(words)) or len(widest) < 6:
        return None
    return middle


def _fits(words: list[Word], x: float) -> bool:
    """Whether another page's gutter also splits this page: no line crosses it, text on both sides."""
    crossing = sum(1 for w in words if w.x0 < x < w.x1)
    return crossing <= 2 and sum(1 for w in words if w.x1 <= x) >= 5 and sum(1 for w in words if w.x0 >= x) >= 5


def _body_words(words: list[Word], body: float | None) -> list[Word]:
    """The words set in the body's size or larger: the columns are the body's (notes at the page
    foot and captions often run across the gutter)."""
    if body is None:
        return words
    main = [w for w in words if w.size >= body * 0.9]
    return main if len(main) >= 40 else words


def find_gutter(words: list[Word], width: float, body: float | None = None) -> float | None:
    return _gutter(_body_words(words, body), width)


def page_lines(words: list[Word], page: int, width: float, hint: float | None = None,
               body: float | None = None) -> list[Line]:
    """The page's lines in reading order; ``hint`` is the gutter of the document's other pages,
    used when this page (a short last page) has too little text to show its own."""
    main = _body_words(words, body)
    gutter = hint if hint is not None and _fits(main, hint) else _gutter(main, width)
    if gutter is None:
        return _cluster_lines(words, page, 0, width)
    # notes at the page foot, below the body text of both columns, run across the page
    lowest = max((w.bottom for w in main), default=0.0) if main is not words and body else float("inf")
    foot = {id(w) for w in words if w.top > lowest and w.size < body * 0.9}  # type: ignore[operator]
    spanning = [w for w in words if w.x0 < gutter < w.x1 or id(w) in foot]
    rest = [w for w in words if id(w) not in foot]
    left = _cluster_lines([w for w in rest if w.x1 <= gutter], page, 1, gutter)
    right = _cluster_lines([w for w in rest if w.x0 >= gutter], page, 2, width)
    full = _cluster_lines(spanning, page, 0, width)
    # a full-width line whose words happen to leave the gutter empty: left and right halves on
    # one baseline, in one size, with no more than a word space between them
    for line in list(left):
        match = next((r for r in right if abs(r.top - line.top) < 1 and abs(r.size - line.size) < 0.2
                      and r.x0 - line.x1 < line.size * 1.5), None)
        if match is not None:
            left.remove(line)
            right.remove(match)
            full.append(Line(line.words + match.words, page, 0, width))
    for line in list(left) + list(right):  # words on a full line's baseline belong to it
        host = next((f for f in full if abs(f.top - line.top) < 1), None)
        if host is not None:
            host.words.extend(line.words)
            (left if line in left else right).remove(line)
    for line in full:
        line.words.sort(key=lambda w: w.x0)
    ordered: list[Line] = []
    cuts = sorted(full, key=lambda ln: ln.top)
    start = float("-inf")
    for cut in [*cuts, None]:
        end = cut.top if cut is not None else float("inf")
        ordered.extend(ln for ln in left if start <= ln.top < end)
        ordered.extend(ln for ln in right if start <= ln.top < end)
        if cut is not None:
            ordered.append(cut)
            start = cut.top
    return ordered


def _shape(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", " ", text.strip().lower()))


_PAGE_NUMBER = re.compile(r"^(?:page\s*)?[-–]?\s*\d{1,4}\s*(?:(?:/|of)\s*\d{1,4})?\s*[-–]?$", re.IGNORECASE)


def drop_running_lines(pages: list[list[Line]], heights: list[float], body: float) -> list[list[Line]]:
    """Running headers and footers (the same words at the same height in a page's top or bottom
    margin on several pages, in type no larger than the body) and bare page numbers are not
    content."""
    def margin(line: Line, height: float) -> bool:
        return line.size <= body * 1.05 and (line.bottom < height * 0.08 or line.top > height * 0.92)

    shapes = Counter()
    for lines, height in zip(pages, heights):
        shapes.update({(_shape(ln.text), round(ln.top / 3)) for ln in lines if margin(ln, height)})
    repeated = {s for s, n in shapes.items() if n >= 2}
    kept = []
    for lines, height in zip(pages, heights):
        kept.append([ln for ln in lines if not (margin(ln, height) and (
            (_shape(ln.text), round(ln.top / 3)) in repeated or _PAGE_NUMBER.match(ln.text.strip())))])
    return kept


def drawn_bullets(shapes: list[dict], words: list[Word]) -> list[Word]:
    """Bullets drawn as shapes (a browser's list discs and squares, a design tool's icons): a
    small, roughly square shape, no taller than the text beside it, in the gutter just left of a
    line's first word and level with it, becomes a bullet word ``•`` (size 0: it does not count
    in the line's type size)."""
    out: list[Word] = []
    texts = [w for w in words if w.text.strip()]
    for shape in shapes:
        x0, x1, top, bottom = (float(shape[k]) for k in ("x0", "x1", "top", "bottom"))
        w, h = x1 - x0, bottom - top
        if not (1.0 <= w <= 9 and 1.0 <= h <= 9 and 0.5 <= w / h <= 2):
            continue
        middle = (top + bottom) / 2
        beside = [t for t in texts if t.top <= middle <= t.bottom and h <= (t.bottom - t.top) * 1.1]
        right = [t for t in beside if t.x0 >= x1 - 0.5]
        if not right:
            continue
        first = min(right, key=lambda t: t.x0)
        gap = first.x0 - x1
        if gap > 3 * (first.bottom - first.top) or any(x1 - 0.5 <= t.x1 <= first.x0 and t is not first
                                                       for t in beside if t.x0 < first.x0):
            continue  # too far from the text, or not the line's start (an icon inside the text)
        if any(t.x0 < x0 and t.x1 > x0 - 2 * w for t in beside):
            continue  # text just left of it: an inline icon, not a bullet in the gutter
        if any(abs(b.top - top) < 0.5 and abs(b.x0 - x0) < 0.5 for b in out):
            continue  # the same disc filled and stroked
        out.append(Word("•", x0, x1, top, bottom, 0.0, False, True))
    return out
