"""PDF into blocks, from the page layout (pdfplumber, MIT).

Headings are lines set larger than the body (levels by size) or short lines wholly in bold;
raised, smaller digits are footnote markers; a line opening with a bullet glyph (including the
private-use ones symbol fonts map bullets to) starts a list item, deeper when indented; small
lines opening with a number are footnote definitions; ruled tables come from pdfplumber's table
finder and unruled ones from words aligned in columns. Wrapped lines are re-flowed into
paragraphs (hyphenation and broken links joined), two-column pages are read column by column,
and running headers, footers and page numbers are dropped.
"""

from __future__ import annotations

import itertools
import re
import statistics
import unicodedata
from collections import Counter
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

from mgiassist.errors import ProfileError
from mgiassist.ingest.blocks import (
    SUPERSCRIPTS,
    Block,
    Document,
    FootnoteDefinition,
    Heading,
    ListItem,
    Origin,
    Paragraph,
    Table,
)
from mgiassist.ingest.readers.limits import (
    DEFAULT_LIMITS,
    ReadLimits,
)
from mgiassist.ingest.readers.pdf_extract import extract_pages
from mgiassist.ingest.readers.pdf_layout import (
    Line,
    Word,
    body_size,
    drop_running_lines,
    find_gutter,
    page_lines,
)

__all__ = ["read_pdf"]

_BULLETS = set("•●▪◦‣∙·○■□◆◇►▶➢➤✓✔-–—*")
_TABLE = "\x00table"
_URL_TAIL = re.compile(r"(https?://|www\.)\S*$")
_SUPERSCRIPT_RUN = re.compile(f"[{SUPERSCRIPTS}]+")


def _is_bullet(word: Word) -> bool:
    text = word.text
    if (len(text) == 1 and word.symbol) or re.fullmatch(r"\(cid:\d+\)", text):
        return True  # a symbol-font bullet, or a glyph the font does not map to any character
    if len(text) != 1:
        return False
    code = ord(text)
    return text in _BULLETS or 0xE000 <= code <= 0xF8FF or unicodedata.category(text) in ("Cc", "Co")


@dataclass
class _Run:
    """Text with emphasis spans and markers, grown line by line."""

    text: str = ""
    bold: list[tuple[int, int]] = field(default_factory=list)
    markers: list[tuple[int, int]] = field(default_factory=list)

    def extend(self, other: _Run, separator: str) -> None:
        base = len(self.text) + len(separator) if self.text else 0
        end = len(self.text)
        self.text = (self.text + separator + other.text) if self.text else other.text
        spans = [(s + base, e + base) for s, e in other.bold]
        if spans and self.bold and self.bold[-1][1] == end and spans[0][0] == base:
            spans[0] = (self.bold.pop()[0], spans[0][1])  # emphasis running on across the break
        self.bold += spans
        self.markers += [(a + base, n) for a, n in other.markers]


def _line_run(line: Line, words: list[Word]) -> _Run:
    run = _Run()
    previous: Word | None = None
    for word in words:
        if previous is not None and line.is_raised(word, previous):
            run.markers.append((len(run.text), int(word.text)))
            previous = word
            continue
        glued = previous is not None and word.x0 - previous.x1 < 0.12 * line.size
        separator = "" if glued or not run.text else " "
        start = len(run.text) + len(separator)
        text = word.text
        for m in _SUPERSCRIPT_RUN.finditer(text):  # a publisher's Unicode superscript markers
            run.markers.append((start + m.start(), int(m.group().translate(str.maketrans(SUPERSCRIPTS, "0123456789")))))
        text = _SUPERSCRIPT_RUN.sub("", text)
        run.text += separator + text
        if word.bold and text:
            if run.bold and run.bold[-1][1] in (start - len(separator), start):
                run.bold[-1] = (run.bold[-1][0], start + len(text))
            else:
                run.bold.append((start, start + len(text)))
        previous = word
    return run


def _joiner(before: str, after: str, full: bool = False) -> tuple[str, str]:
    """How a wrapped line joins the next: a link broken across lines is rejoined, a word
    hyphenated at the line end is mended, anything else gets a space."""
    tail = _URL_TAIL.search(before)
    if tail and after[:1] not in ("<", "(") and re.match(r"[\w/.%=&?#~-]+", after) and (
            re.search(r"[/.=&?_%#~-]$", before) or re.match(r"[\w-]*[/.=&?_%#~]", after)
            or before[: tail.start()].endswith("<") or full):
        return before, ""
    if re.search(r"[a-z]-$", before) and after[:1].islower():
        if re.match(r"(?:and|or|nor|to)\b", after):
            return before, " "  # a suspended hyphen: "provincial- and district-level"
        return (before, "") if _keeps_hyphen(before, after) else (before[:-1], "")
    return before, " "


_WORD_TAIL = re.compile(r"([^\W\d_]+)-$")
_WORD_HEAD = re.compile(r"[^\W\d_]+")
_VOCABULARY: ContextVar[frozenset[str]] = ContextVar("pdf_vocabulary", default=frozenset())


def _keeps_hyphen(before: str, after: str) -> bool:
    """Whether a hyphen at a line's end belongs to the word ("well-/being", as browsers and word
    processors break lines only at real hyphens) or was added to break it ("govern-/ment"): the
    document's own spelling first (the word written elsewhere with or without the hyphen), then
    English: a joined form that is not an English word keeps it."""
    head, tail = _WORD_TAIL.search(before), _WORD_HEAD.match(after)
    if not head or not tail:
        return False
    first, second = head.group(1).lower(), tail.group().lower()
    vocabulary = _VOCABULARY.get()
    if f"{first}-{second}" in vocabulary:
        return True
    if first + second in vocabulary:
        return False
    from mgiassist.text.spelling import is_english_word

    return not is_english_word(first + second)


def _vocabulary(lines: list[Line]) -> frozenset[str]:
    """The document's words, lower-cased, hyphenated compounds whole (line-end pieces left out)."""
    words = set()
    for line in lines:
        for word in line.words[:-1]:
            words.update(m.group().lower() for m in re.finditer(r"[^\W\d_]+(?:-[^\W\d_]+)*", word.text))
        if line.words:
            last = line.words[-1].text
            if not last.endswith("-"):
                words.update(m.group().lower() for m in re.finditer(r"[^\W\d_]+(?:-[^\W\d_]+)*", last))
    return frozenset(words)


@dataclass
class _Pending:
    kind: str
    lines: list[Line]
    depth: int = 0
    number: int = 0
    text_x0: float = 0.0
    glyph: bool = True  # a list item opened by a bullet or number (left out of its text)


class _BlockBuilder:
    def __init__(self, body: float, tables: dict[int, list[list[str]]], leading: float | _Spacing = 0.25) -> None:
        self.body = body
        spacing = leading if isinstance(leading, _Spacing) else _Spacing(leading, {})
        self.leading = spacing.body  # the usual gap between two lines of a paragraph, as a share of the size
        self.spacing = spacing
        self.edges: dict[tuple[int, int], float] = {}  # right edge of the text, per page and column
        self.margins: dict[tuple[int, int], float] = {}  # left margin of the text, per page and column
        self.tables = tables
        self.blocks: list[Block] = []
        self.spans: list[tuple[Line, Line]] = []  # first and last line of each block
        self.pending: _Pending | None = None
        self.bullet_xs: list[float] = []
        # indents from the column's margin (whole points) of the glyphless items seen so far whose
        # wrapped lines hang further in: a one-line item at such an indent is an item too
        self.hang_indents: Counter[int] = Counter()

    def flush(self) -> None:
        pending, self.pending = self.pending, None
        if pending is None:
            return
        run = _Run()
        widest = max(ln.x1 for ln in pending.lines)
        previous: Line | None = None
        for line in pending.lines:
            words = line.words
            if line is pending.lines[0] and pending.kind in ("item", "note") and pending.glyph:
                words = words[1:]  # the bullet or the note's number
            piece = _line_run(line, words)
            if not piece.text and not piece.markers:
                continue
            full = previous is not None and previous.x1 >= widest - previous.size
            mended, separator = _joiner(run.text, piece.text, full) if run.text else (run.text, "")
            run.text = mended
            run.extend(piece, separator)
            previous = line
        if pending.kind == "carried" and self._carry(run, pending):
            return
        origin = Origin(page=pending.lines[0].page, offset=len(self.blocks))
        bold = tuple(run.bold)
        markers = tuple(run.markers)
        if pending.kind == "item":
            block: Block = ListItem(run.text, markers, bold, origin, depth=pending.depth)
        elif pending.kind == "note":
            block = FootnoteDefinition(run.text, (), bold, origin, number=pending.number)
        elif pending.kind == "heading":
            block = Heading(run.text, markers, bold, origin, level=round(pending.lines[0].size * 10))
        else:
            block = Paragraph(run.text, markers, bold, origin)
        if block.text.strip():
            self.blocks.append(block)
            self.spans.append((pending.lines[0], pending.lines[-1]))

    def _continues(self, line: Line) -> bool:
        pending = self.pending
        if pending is None or pending.kind == "heading" and line.size < self.body * 1.15:
            return False
        last = pending.lines[-1]
        lone_number = pending.kind == "note" and len(pending.lines) == 1 and len(last.words) == 1
        if (last.page, last.column) != (line.page, line.column) or abs(last.size - line.size) > 0.6 and not lone_number:
            return False
        gap = line.top - last.bottom
        if gap > max(0.45, self.spacing.at(line.size) + 0.3) * line.size or gap < -0.5 * line.size:
            return False
        if pending.kind == "paragraph" and (all(ln.bold for ln in pending.lines) != line.bold) \
                and (line.bold and len(line.words) <= 12 or not line.bold):
            return False  # a heading set in bold body type, or the text after one
        if self._room_left(last, line) and (
                pending.kind == "heading" or all(ln.bold for ln in pending.lines) and line.bold
                or pending.kind in ("paragraph", "item") and gap > (self.leading + 0.12) * line.size):
            return False  # the line before ended where the next word would still have fitted
        if pending.kind in ("paragraph", "item") and gap > (self.leading + 0.12) * line.size \
                and last.text.rstrip().endswith((".", "!", "?", ":")):
            return False  # a sentence ends the line and more space than the leading follows
        if pending.kind in ("paragraph", "item") and self._spaced_apart(last, line, gap):
            return False
        if pending.kind == "item":  # wrapped lines hang past the bullet
            return line.x0 > pending.lines[0].x0 + 2
        if pending.kind == "note":  # a note wraps under its number or under its text
            return line.x0 >= pending.lines[0].x0 - 2 and _note_number(line, self.body) is None
        if len(pending.lines) > 1 and line.x0 < min(ln.x0 for ln in pending.lines[1:]) - max(2.0, 0.3 * line.size) \
                and abs(line.x0 + line.x1 - last.x0 - last.x1) > 4:
            return False  # left of the wrapped lines of an indented block (and not centred under them)
        return abs(line.x0 - pending.lines[0].x0) < 2.5 * line.size or abs(line.x0 - last.x0) < 2

    def _spaced_apart(self, last: Line, line: Line, gap: float) -> bool:
        """Body lines set clearly further apart than the document's leading (by 0.15 of the size,
        1.5 pt at the least): a paragraph's lines keep one pitch, so the space was put there
        between two blocks ("Remittances inflow: 1,272" and "% of which in the EU", two figures
        2 pt apart on a 16 pt pitch). Not when either line carries a raised marker: a browser's
        ``<sup>`` makes its line box taller."""
        if abs(line.size - self.body) > 0.3 or abs(last.size - self.body) > 0.3:
            return False
        if gap <= self.leading * line.size + max(1.5, 0.15 * line.size):
            return False
        return not any(ln.is_raised(w, p) for ln in (last, line) for p, w in zip([None, *ln.words], ln.words))

    def _room_left(self, last: Line, line: Line) -> bool:
        """Whether the next line's first word would have fitted at the end of ``last``: the
        typesetter broke the line on purpose (a heading or paragraph ended there)."""
        edge = self.edges.get((last.page, last.column))
        if edge is None:
            return False
        at = 1 if (_is_bullet(line.words[0]) or _is_item_number(line.words[0], line, self.body)) \
            and len(line.words) > 1 else 0
        first, end = line.words[at], line.words[at].x1
        for word in line.words[at + 1:]:  # what is glued to the word (a marker) moves with it
            if word.x0 - end > 0.12 * line.size and not line.is_raised(word, first):
                break
            end = word.x1
        return last.x1 + 0.3 * last.size + (end - first.x0) < edge - 0.5 * last.size

    def _dash_in_text(self, line: Line) -> bool:
        """A dash opening a line that goes on with a paragraph or heading (the text's own dash,
        "policies - to implement", wrapped to the line start): in the block's type and margin,
        within the line spacing, after a line that does not end a sentence or announce a list."""
        pending = self.pending
        if line.words[0].text not in ("-", "–", "—") or pending is None \
                or pending.kind not in ("paragraph", "heading") or not self._continues(line):
            return False
        return abs(line.x0 - pending.lines[-1].x0) < 2 and not pending.lines[-1].text.rstrip().endswith(
            (".", ":", ";", "!", "?"))

    def _hangs(self, line: Line, nxt: Line | None) -> bool:
        """A list item with nothing in its gutter: a body line indented from the column's left
        margin whose wrapped lines hang further in (or the next item starts level with it),
        after a line that does not carry on into it."""
        margin = self.margins.get((line.page, line.column))
        pending = self.pending
        if margin is None or abs(line.size - self.body) > 0.6 or not 0.3 * line.size < line.x0 - margin < 4 * line.size:
            return False
        if pending is not None and pending.kind == "item" and self._continues(line):
            return False  # the wrapped line of an item
        if pending is not None and pending.kind in ("item", "paragraph"):
            before: Line | None = pending.lines[-1]
        elif pending is None or pending.kind == "note":  # notes at a page foot come between
            before = next((span[1] for block, span in zip(reversed(self.blocks), reversed(self.spans))
                           if not isinstance(block, FootnoteDefinition)), None)
            if before is not None and not isinstance(
                    next(b for b in reversed(self.blocks) if not isinstance(b, FootnoteDefinition)),
                    (Paragraph, ListItem)):
                before = None
        else:
            before = None
        same = nxt is not None and (nxt.page, nxt.column) == (line.page, line.column) \
            and nxt.top - line.bottom <= 1.5 * line.size
        if before is not None and (before.page, before.column) != (line.page, line.column) \
                and not before.text.rstrip().endswith((".", "!", "?", ":")) \
                and not (same and nxt.x0 > line.x0 + 0.3 * line.size):
            return False  # the text cut by a column or page break goes on here (unless the next
            # line hangs further in: text carried over a break is not indented on its first line)
        if pending is not None and pending.kind == "paragraph" and self._continues(line) \
                and abs(line.x0 - pending.lines[-1].x0) < 1:
            return False  # a paragraph set indented as a whole
        if same and nxt.x0 > line.x0 + 0.3 * line.size:
            self.hang_indents[round(line.x0 - margin)] += 1  # an item whose wrapped lines hang in
        known = self.hang_indents[round(line.x0 - margin)] >= 2
        if not same:
            return known or pending is not None and pending.kind == "item" and abs(pending.lines[0].x0 - line.x0) < 1
        if abs(nxt.size - line.size) > 0.6:  # a heading follows: a one-line item at the items' indent
            return known or nxt.x0 > line.x0 - 1
        return nxt.x0 > line.x0 - 1

    def add(self, line: Line, nxt: Line | None = None) -> None:
        first = line.words[0]
        if line.foot and self._foot_note(line):
            return
        if first.text == _TABLE:
            self.flush()
            rows = self.tables[int(first.size)]
            self.blocks.append(Table("\n".join("\t".join(r) for r in rows), (), (),
                                     Origin(page=line.page, offset=len(self.blocks)), rows=rows))
            self.spans.append((line, line))
            self.bullet_xs = []
            return
        glyph = (_is_bullet(first) or _is_item_number(first, line, self.body)) and len(line.words) > 1
        if glyph and not self._dash_in_text(line) or not glyph and self._hangs(line, nxt):
            self.flush()
            # depth by the indent from the column's own margin (the same item in the next column
            # or on a facing page starts at another x)
            indent = first.x0 - self.margins.get((line.page, line.column), 0.0)
            while self.bullet_xs and indent < self.bullet_xs[-1] - 3:
                self.bullet_xs.pop()
            if not self.bullet_xs or indent > self.bullet_xs[-1] + 3:
                self.bullet_xs.append(indent)
            self.pending = _Pending("item", [line], depth=len(self.bullet_xs) - 1,
                                    text_x0=line.words[1 if glyph else 0].x0, glyph=glyph)
            return
        number = _note_number(line, self.body)
        if number is not None:
            self.flush()
            self.pending = _Pending("note", [line], number=number, text_x0=line.words[-1].x0)
            return
        if self._continues(line):
            self.pending.lines.append(line)
            return
        self.flush()
        self.bullet_xs = [] if self.blocks and not isinstance(self.blocks[-1], ListItem) else self.bullet_xs
        kind = "heading" if line.size >= self.body * 1.15 else "paragraph"
        self.pending = _Pending(kind, [line])


    def _foot_note(self, line: Line) -> bool:
        """A line of the notes at the page foot (:func:`_page_foot_notes`): it opens a note,
        carries on the note an earlier page ended with, or wraps the note above."""
        pending = self.pending
        if line.note is not None:
            self.flush()
            self.pending = _Pending("note", [line], number=line.note, text_x0=line.words[-1].x0)
        elif line.carried and pending is not None and pending.kind == "carried" and pending.lines[-1].page == line.page:
            pending.lines.append(line)
        elif line.carried:
            self.flush()
            self.pending = _Pending("carried", [line])
        elif pending is not None and pending.kind == "note" and self._continues(line):
            pending.lines.append(line)
        else:
            return False
        return True

    def _carry(self, run: _Run, pending: _Pending) -> bool:
        """Append a note's text carried over a page break to the note it continues."""
        at = next((i for i in range(len(self.blocks) - 1, -1, -1) if isinstance(self.blocks[i], FootnoteDefinition)), None)
        if at is None:
            return False
        note = self.blocks[at]
        host = _Run(note.text, list(note.bold), [])
        mended, separator = _joiner(host.text, run.text, True)
        host.text = mended
        host.extend(run, separator)
        note.text, note.bold = host.text, tuple(host.bold)
        self.spans[at] = (self.spans[at][0], pending.lines[-1])
        return True


@dataclass(frozen=True)
class _Spacing:
    """The document's line spacing: the usual gap between two lines of a paragraph, as a share of
    their size, for body text and for each other size lines are wrapped in (a heading's)."""

    body: float
    by_size: dict[float, float]

    def at(self, size: float) -> float:
        """The gap share lines of ``size`` wrap at: the size's own when it is set tighter than
        the body (headings are: two headings in a row then part at their own, wider, gap), else
        the body's."""
        near = min(self.by_size, key=lambda s: abs(s - size), default=None)
        if near is None or abs(near - size) > 0.3:
            return self.body
        return min(self.body, self.by_size[near])


def _leading(lines: list[Line], body: float) -> _Spacing:
    """The document's usual gap between two lines of a body paragraph, as a share of the body
    size (the mode over consecutive body lines of one column); for every other size, the
    smallest gap seen at least twice between two lines of that size (a heading's wrapped lines;
    the gap between two headings in a row is wider)."""
    gaps: Counter[float] = Counter()
    other: dict[float, Counter[float]] = {}
    for a, b in itertools.pairwise(lines):
        if (a.page, a.column) != (b.page, b.column) or abs(a.size - b.size) >= 0.3:
            continue
        size = body if abs(a.size - body) < 0.3 else a.size
        share = round((b.top - a.bottom) / size * 20) / 20
        if not -0.2 < share < 1.5:
            continue
        (gaps if size == body else other.setdefault(size, Counter()))[share] += 1
    by_size = {size: min(twice) for size, seen in other.items() if (twice := [g for g, n in seen.items() if n >= 2])}
    return _Spacing(gaps.most_common(1)[0][0] if gaps else 0.25, by_size)


def _right_edges(lines: list[Line], body: float) -> dict[tuple[int, int], float]:
    """Where the text of each page and column ends on the right: the edge most full lines of
    body text reach (the page's own measure, whatever its margins)."""
    by: dict[tuple[int, int], list[float]] = {}
    for line in lines:
        if abs(line.size - body) < 0.6 and len(line.words) >= 4:
            by.setdefault((line.page, line.column), []).append(line.x1)
    everywhere = sorted(x for xs in by.values() for x in xs)
    edges = {}
    for key, xs in by.items():
        xs.sort()
        edges[key] = xs[int(len(xs) * 0.9)] if len(xs) >= 3 else max(xs)
    for line in lines:  # a page or column with too little body text: the document's edge
        if (line.page, line.column) not in edges and everywhere and line.column in (0, 1):
            edges[(line.page, line.column)] = everywhere[int(len(everywhere) * 0.9)]
    return edges


def _leftmost_supported(xs: list[float], share: float) -> float:
    """The leftmost x that at least ``share`` of the lines (two at the least) start at."""
    xs = sorted(xs)
    need = max(2, int(share * len(xs)))
    return next((x for x in xs if sum(abs(y - x) < 1 for y in xs) >= need), xs[0])


def _left_margins(lines: list[Line], body: float) -> dict[tuple[int, int], float]:
    """Where the text of each page and column starts on the left: the leftmost x that several
    body lines start at (indented lines, bullets and wrapped list lines lie right of it).

    A column that is mostly a list without glyphs (its items' first lines indented, their
    wrapped lines further in) shows no line at its own margin, so the page alone would take an
    item's indent for the margin: the same column on the document's other pages of the same
    parity (facing pages may mirror their margins) shows it. That margin is taken when it lies
    left of the page's own by less than the widest hanging indent (4 × the size)."""
    by: dict[tuple[int, int], list[float]] = {}
    pooled: dict[tuple[int, int], list[float]] = {}
    for line in lines:
        if abs(line.size - body) < 0.6:
            by.setdefault((line.page, line.column), []).append(line.x0)
            if not (_is_bullet(line.words[0]) or _is_item_number(line.words[0], line, body)):
                pooled.setdefault((line.column, line.page % 2), []).append(line.x0)
    document = {key: _leftmost_supported(xs, 0.05) for key, xs in pooled.items() if len(xs) >= 20}
    margins = {}
    for (page, column), xs in by.items():
        own = _leftmost_supported(xs, 0.15)
        shared = document.get((column, page % 2))
        near = shared is not None and own - 4 * body < shared < own - 1 and min(xs) > shared - 1
        margins[(page, column)] = shared if near else own
    return margins


def _is_item_number(word: Word, line: Line, body: float) -> bool:
    """A numbered list's number ("1.", "2)") in the body's size (note numbers are smaller)."""
    return bool(re.fullmatch(r"\d{1,2}[.)]", word.text)) and abs(line.size - body) < 0.6 and word.size >= body * 0.9


def _note_number(line: Line, body: float) -> int | None:
    """A footnote definition line: small type opening with a (possibly raised) number (alone on
    its line when the note's text, a long address, could not follow it), or a line the page foot
    shows to open a note (:func:`_page_foot_notes`)."""
    if line.note is not None:
        return line.note
    if line.size > body * 0.9:
        return None
    m = re.fullmatch(r"(\d{1,3})[.)]?", line.words[0].text)
    return int(m.group(1)) if m else None


_GLUED_NUMBER = re.compile(r"(\d{1,3})[.)]?(?!(?:st|nd|rd|th)\b)(?=[^\W\d_]|[<(\"'“‘])")


def _opening_number(line: Line, wanted: set[int]) -> tuple[int, str] | None:
    """The number a line opens with, when it is one of ``wanted``, and what of the first word
    follows it: nothing ("3 Whilst…") or the text glued to it ("1https://…", "12Ibid")."""
    text = line.words[0].text
    m = re.fullmatch(r"(\d{1,3})[.)]?", text) or _GLUED_NUMBER.match(text)
    if m is None or int(m.group(1)) not in wanted:
        return None
    return int(m.group(1)), text[m.end():]


def _split_number(line: Line, tail: str) -> None:
    """Cut a note number glued to its text ("1https://…") into a word of its own."""
    first = line.words[0]
    head = first.text[: len(first.text) - len(tail)]
    cut = first.x0 + (first.x1 - first.x0) * len(head) / len(first.text)
    line.words = [Word(head, first.x0, cut, first.top, first.bottom, first.size, first.bold, first.symbol),
                  Word(tail, cut, first.x1, first.top, first.bottom, first.size, first.bold, first.symbol),
                  *line.words[1:]]


def _page_foot_notes(lines: list[Line], body: float) -> None:
    """Footnotes at a page's foot, by position and size relative to the body, whatever their
    size (LibreOffice sets them at 10 pt under an 11 pt body, the number on the baseline): the
    lines below the last line of body text of their column, set smaller than the body, where a
    line opens with a number (alone or glued to the text) that a marker raised in the body
    cites. Such a line opens a note (``line.note``); the zone's lines before its first note that
    start where the last note's text did carry on that note (``line.carried``)."""
    wanted = {int(w.text) for ln in lines if ln.size >= body * 0.96
              for p, w in zip([None, *ln.words], ln.words) if ln.is_raised(w, p)}
    if not wanted:
        return
    text_x0: float | None = None  # where the last note's text starts (its wrapped lines' column)
    for _, group in itertools.groupby(lines, key=lambda ln: ln.page):
        page = list(group)
        # the page's lines from the foot up: whether body text lies below, per column (a
        # full-width line is below every column's)
        body_below = {0: False, 1: False, 2: False}
        zone: set[int] = set()
        for line in sorted(page, key=lambda ln: -ln.top):
            column = line.column
            below = any(body_below.values()) if column == 0 else body_below[column] or body_below[0]
            if line.size >= body * 0.96 or line.words[0].text == _TABLE:
                body_below[column] = True
            elif not below:
                zone.add(id(line))
        opened = False
        for line in page:
            if id(line) not in zone:
                continue
            found = _opening_number(line, wanted)
            if found is not None:
                number, tail = found
                if tail:
                    _split_number(line, tail)
                line.note = number
                opened = True
                text_x0 = line.words[1].x0 if len(line.words) > 1 else None
            elif not opened and text_x0 is not None and abs(line.x0 - text_x0) < 2:
                line.carried = True
            line.foot = opened or line.carried


def _cells(line: Line) -> list[list[Word]]:
    groups: list[list[Word]] = [[line.words[0]]]
    for word in line.words[1:]:
        if word.x0 - groups[-1][-1].x1 > 0.5 * line.size and not line.is_raised(word, groups[-1][-1]):
            groups.append([word])
        else:
            groups[-1].append(word)
    return groups


def _row_shape(line: Line, body: float) -> list[float] | None:
    """Where the cells of a table row start, when the line reads as one: short pieces of text
    set apart by gaps wider than a word space (not a bullet or a note number and its text)."""
    if _is_bullet(line.words[0]) or _note_number(line, body) is not None or line.words[0].text == _TABLE:
        return None
    cells = _cells(line)
    if len(cells) < 2 or any(len(c) > 8 for c in cells):
        return None
    return [c[0].x0 for c in cells]


def _aligned(a: list[float], b: list[float]) -> bool:
    return len(a) == len(b) and all(abs(x - y) < 3 for x, y in zip(a[1:], b[1:]))


def _split_at(line: Line, starts: list[float], body: float) -> list[list[Word]] | None:
    """The line cut into cells where a table's columns start (a row whose cells are set closer
    than a gap, as browsers set a table without borders), if a word starts at each column."""
    if _is_bullet(line.words[0]) or _note_number(line, body) is not None or line.words[0].text == _TABLE:
        return None
    cells: list[list[Word]] = []
    cuts = list(starts[1:])
    for word in line.words:
        if cuts and word.x0 > cuts[0] - 2:
            if abs(word.x0 - cuts[0]) >= 2 or not cells:
                return None  # a word crosses the column's start
            cuts.pop(0)
            cells.append([word])
        elif cells:
            cells[-1].append(word)
        else:
            cells.append([word])
    if cuts or len(cells) != len(starts) or any(len(c) > 8 for c in cells):
        return None
    return cells


def _unruled_tables(lines: list[Line], tables: dict[int, list[list[str]]], body: float) -> list[Line]:
    """Consecutive lines whose words line up in the same two or more columns become one table:
    rows spaced up to twice the type size apart when each shows its own cells, a row whose cells
    are set closer than a gap when its words start at the other rows' columns."""
    out: list[Line] = []
    i = 0
    while i < len(lines):
        shape = _row_shape(lines[i], body)
        j, own = i, 1
        cut: dict[int, list[list[Word]]] = {}
        while shape is not None and j + 1 < len(lines) \
                and (lines[j + 1].page, lines[j + 1].column) == (lines[i].page, lines[i].column):
            gap = lines[j + 1].top - lines[j].bottom
            if gap < 2 * lines[i].size and _aligned(shape, _row_shape(lines[j + 1], body) or []):
                own += 1
            elif gap < 1.5 * lines[i].size and (cells := _split_at(lines[j + 1], shape, body)) is not None:
                cut[j + 1] = cells
            else:
                break
            j += 1
        while j > i and j in cut:  # a table ends on a row of its own
            del cut[j]
            j -= 1
        if j > i and own >= 2:
            rows = [[" ".join(w.text for w in c) for c in cut.get(k) or _cells(lines[k])] for k in range(i, j + 1)]
            key = len(tables)
            tables[key] = rows
            ln = lines[i]
            out.append(Line([Word(_TABLE, ln.x0, max(x.x1 for x in lines[i : j + 1]), ln.top, lines[j].bottom,
                                  float(key), False)], ln.page, ln.column, ln.column_x1))
            i = j + 1
            continue
        out.append(lines[i])
        i += 1
    return out


def _merge_across_breaks(builder: _BlockBuilder) -> list[Block]:
    """A paragraph (or list item) cut by a column or page break continues in the next block."""
    blocks, spans = builder.blocks, builder.spans
    out: list[Block] = []
    out_spans: list[tuple[Line, Line]] = []
    for block, span in zip(blocks, spans):
        host_at = len(out) - 1
        while host_at >= 0 and isinstance(out[host_at], FootnoteDefinition):
            host_at -= 1
        if host_at >= 0 and type(block) is Paragraph and type(out[host_at]) in (Paragraph, ListItem):
            host, (first, last) = out[host_at], out_spans[host_at]
            start = span[0]
            moved = (start.page, start.column) != (last.page, last.column)
            full = last.x1 >= last.column_x1 - 4 * last.size or first is not last and last.x1 >= first.x1 - 2 * last.size
            if moved and abs(start.size - last.size) < 0.6 and not host.text.rstrip().endswith((".", "!", "?", ":")) \
                    and (block.text[:1].islower() or full):
                run = _Run(host.text, list(host.bold), list(host.markers))
                mended, separator = _joiner(run.text, block.text)
                run.text = mended
                run.extend(_Run(block.text, list(block.bold), list(block.markers)), separator)
                host.text, host.bold, host.markers = run.text, tuple(run.bold), tuple(run.markers)
                out_spans[host_at] = (first, span[1])
                continue
        out.append(block)
        out_spans.append(span)
    return out


def _finish(blocks: list[Block]) -> list[Block]:
    """Heading levels by size (largest first); a short line wholly in bold is a heading too."""
    sizes = sorted({b.level for b in blocks if isinstance(b, Heading)}, reverse=True)
    out: list[Block] = []
    for block in blocks:
        if isinstance(block, Heading):
            block.level = sizes.index(block.level) + 1
        elif type(block) is Paragraph and block.bold and block.bold[0] == (0, len(block.text)) \
                and len(block.text.split()) <= 12 and not block.text.endswith("."):
            block = Heading(block.text, block.markers, block.bold, block.origin, level=len(sizes) + 1)
        out.append(block)
    return out


def _open_error(path: Path, exc: Exception) -> ProfileError:
    chain = [exc, exc.__cause__, exc.__context__, *getattr(exc, "args", ())]
    if any("Password" in type(e).__name__ or "Encrypt" in type(e).__name__ for e in chain if e is not None):
        return ProfileError(f"{path}: an encrypted PDF; save an unprotected copy first")
    return ProfileError(f"{path}: is not a readable PDF ({type(exc).__name__}: {str(exc)[:120] or 'damaged'})")


def read_pdf(path: Path, data: bytes, source: str, limits: ReadLimits = DEFAULT_LIMITS) -> Document:
    try:
        records = extract_pages(path, data, limits)
    except ProfileError:
        raise
    except Exception as exc:  # pdfminer raises many types on damaged or encrypted input
        raise _open_error(path, exc) from exc
    tables: dict[int, list[list[str]]] = {}
    all_words: list[list[Word]] = []
    for record in records:
        words = list(record.words)
        for table in record.tables:
            key = len(tables) + 10_000 * record.number
            tables[key] = table.rows
            x0, top, x1, bottom = table.bbox
            words.append(Word(_TABLE, x0, x1, top, bottom, float(key), False))
        all_words.append(words)
    pages = [(words, record.width) for words, record in zip(all_words, records)]
    heights = [record.height for record in records]
    images = sum(record.images for record in records)
    text_words = [w for words in all_words for w in words if w.text != _TABLE]
    if not text_words:
        raise ProfileError(f"{path}: no text layer (scanned?); OCR it first"
                           + (f" ({images} images, no text)" if images else ""))
    # the body's size, from the text between the margins (running heads are often most of a page)
    inner = [w for words, height in zip(all_words, heights) for w in words
             if w.text != _TABLE and height * 0.08 < w.top and w.bottom < height * 0.92]
    body = body_size(inner or text_words)
    gutters = [g for g in (find_gutter(words, width, body) for words, width in pages) if g is not None]  # type: ignore[misc]
    hint = statistics.median(gutters) if gutters else None
    laid_out = [page_lines(words, n + 1, width, hint, body) for n, (words, width) in enumerate(pages)]  # type: ignore[misc]
    kept = drop_running_lines(laid_out, heights, body)
    lines = [ln for page in kept for ln in page]
    _page_foot_notes(lines, body)
    left_out = {id(ln) for page in kept for ln in page}
    running = list(dict.fromkeys(ln.text for page in laid_out for ln in page if id(ln) not in left_out))
    token = _VOCABULARY.set(_vocabulary(lines))
    try:
        builder = _BlockBuilder(body, tables, _leading(lines, body))
        builder.edges = _right_edges(lines, body)
        builder.margins = _left_margins(lines, body)
        laid = _unruled_tables(lines, tables, body)
        for line, nxt in itertools.zip_longest(laid, laid[1:]):
            builder.add(line, nxt)
        builder.flush()
        blocks = _finish(_merge_across_breaks(builder))
    finally:
        _VOCABULARY.reset(token)
    blank = [str(n + 1) for n, words in enumerate(all_words) if not any(w.text != _TABLE for w in words)]
    plural = len(blank) > 1
    warning = (f"page{'s' if plural else ''} {', '.join(blank)} without a text layer (scanned?); "
               f"OCR {'them' if plural else 'it'} first")
    warnings = [warning] if blank else []
    return Document(source=source, format="pdf", blocks=blocks, running=running, warnings=warnings)
