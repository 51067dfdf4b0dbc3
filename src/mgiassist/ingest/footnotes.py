"""Footnotes: recognising a definition, building :class:`~mgiassist.schema.Footnote` records, and
attaching them to the passages whose markers cite them."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from mgiassist.ingest.blocks import SUPERSCRIPTS, Block, FootnoteDefinition, superscript
from mgiassist.schema import Footnote

__all__ = [
    "URL",
    "FootnoteTable",
    "GluedMarker",
    "build_footnotes",
    "glued_candidates",
    "match_glued_markers",
    "next_text",
    "note_lines",
    "parse_definition",
    "with_note_prose",
]

URL = re.compile(r"<?(https?://[^\s<>]+|www\.[^\s<>]+)>?")
_SUPERSCRIPT_VALUE = {ch: str(i) for i, ch in enumerate(SUPERSCRIPTS)}
_DEFINITION = re.compile(rf"^\s*(\d{{1,3}}|[{SUPERSCRIPTS}]{{1,3}})[.)]?\s+(\S.*?)\s*$")
_SAME_SOURCE = re.compile(r"^\s*(Ibid|Idem|Id\.)\b", re.IGNORECASE)


def parse_definition(line: str) -> tuple[int, str] | None:
    """``(number, body)`` when a line reads as a footnote ("4 http…", "¹⁹ <http…>", "22 Ibid"):
    a number then a source, which is a link or "Ibid"."""
    m = _DEFINITION.match(line)
    if not m:
        return None
    marker, body = m.groups()
    if not (URL.search(body) or _SAME_SOURCE.match(body)):
        return None
    number = int("".join(_SUPERSCRIPT_VALUE.get(ch, ch) for ch in marker))
    return (number, body) if number > 0 else None


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("<", "").replace(">", "")).strip()


def build_footnotes(definitions: Iterable[FootnoteDefinition]) -> dict[int, Footnote]:
    """Footnotes by number; "Ibid" inherits the sources of the note before it."""
    bodies = {d.number: d.text for d in definitions}
    notes: dict[int, Footnote] = {}
    previous: Footnote | None = None
    for number in sorted(bodies):
        body = bodies[number]
        # "…/wcms_228484.pdf: 17" cites page 17 of the PDF; the colon is not part of the address
        urls = tuple(u.rstrip(".,;:)") for u in URL.findall(body))
        if _SAME_SOURCE.match(body) and not urls and previous is not None:
            urls = previous.urls
        previous = notes[number] = Footnote(number=number, text=_clean(body), urls=urls)
    return notes


class FootnoteTable:
    def __init__(self, notes: dict[int, Footnote]) -> None:
        self.notes = notes

    def cite(self, *blocks: Block | None) -> tuple[Footnote, ...]:
        seen: list[int] = []
        for block in blocks:
            for number in block.numbers if block is not None else ():
                if number in self.notes and number not in seen:
                    seen.append(number)
        return tuple(self.notes[n] for n in seen)


def _note_prose(note: Footnote) -> str:
    prose = URL.sub("", note.text)
    prose = re.sub(r"\s+(or|and)\s*$", "", re.sub(r"\s+", " ", prose)).strip(" .:;,")
    return prose if len(prose.split()) >= 5 else ""


def with_note_prose(text: str, notes: tuple[Footnote, ...]) -> str:
    """Append the prose of cited footnotes that say more than a source link.

    Some mappings put the substance in a footnote (whether voting from abroad works in practice),
    so that prose belongs to the passage that cites it.
    """
    extra = [f"{superscript(n.number)} {_note_prose(n)}." for n in notes if _note_prose(n)]
    return text + ("\n" + "\n".join(extra) if extra else "")


# ------------------------------------------------------------------ markers in flattened text
#
# Text extracted from a PDF whose markers are not raised (pdftotext, a viewer's copy-paste) glues
# the marker to what it follows: "Dual citizenship3", "abroad.12", "(2009)6", "Manpower 200520".
# A trailing number is read as a marker only when the document itself defines a note with that
# number after it, and the markers read that way rise through the text (1, 2, 3 …), so "2022",
# "Article 3", "US$20", "COVID-19" or "USD 1,272" are never taken.

_TOKEN_DIGITS = re.compile(r"^(?P<head>.*?)(?P<digits>\d+)(?P<tail>[*\"”’]*)$")
_PROSE_NOTE = re.compile(r"^\s*(\d{1,3})[.)]?\s+(\S.*?)\s*$")
_NO_MARKER_AFTER = "-/–—_+#@&=$€£¥<>~|"


@dataclass(frozen=True)
class GluedMarker:
    """A trailing number read as a footnote marker: ``line``, the digits' span, the number."""

    line: int
    start: int
    end: int
    number: int
    weight: float = 1.0


def _marker_number(head: str, digits: str) -> tuple[int, int, float] | None:
    """``(number, digits kept as text, weight)`` when ``digits`` after ``head`` may be a marker."""
    if head and head[-1].isalpha():
        letters = re.findall(r"[^\W\d_]", head)
        return (int(digits), 0, 1.0) if len(digits) <= 3 and len(letters) >= 2 else None
    if head and not head[-1].isspace() and head[-1] not in _NO_MARKER_AFTER:
        # punctuation: "abroad.12", "(2009)6"; not a decimal or thousands separator ("4.9", "1,272")
        if head[-1] in ".,:" and len(head) > 1 and head[-2].isdigit():
            return None
        return (int(digits), 0, 1.0) if len(digits) <= 3 else None
    # a marker glued to a year: "Manpower 200520" is 2005 and note 20, "012/20075" 2007 and 5
    year = re.fullmatch(r"(19|20)\d\d", digits[:4])
    if (not head or not head[-1].isalnum()) and 5 <= len(digits) <= 7 and year and digits[4] != "0":
        return int(digits[4:]), 4, 0.9
    return None


def glued_candidates(lines: list[str], skip: Iterable[int] = ()) -> list[GluedMarker]:
    """Every trailing number in ``lines`` (but the ``skip`` ones: note definitions) that could be a
    marker, in reading order."""
    found: list[GluedMarker] = []
    skipped = set(skip)
    for i, line in enumerate(lines):
        if i in skipped:
            continue
        for token in re.finditer(r"\S+", line):
            if URL.search(token.group()):
                continue
            m = _TOKEN_DIGITS.match(token.group())
            read = m and _marker_number(m.group("head"), m.group("digits"))
            if not read or read[0] == 0:
                continue
            number, kept, weight = read
            start = token.start() + m.start("digits") + kept
            found.append(GluedMarker(i, start, token.start() + m.end("digits"), number, weight))
    return found


def next_text(lines: list[str]) -> list[str]:
    """For each line, the next line that is not blank ("" at the end)."""
    out, nxt = [""] * len(lines), ""
    for i in range(len(lines) - 1, -1, -1):
        out[i] = nxt
        nxt = lines[i] if lines[i].strip() else nxt
    return out


def note_lines(lines: list[str], opens: list[bool]) -> dict[int, int]:
    """Lines that may define a note, ``{line: number}``: a source line ("4 http…", "22 Ibid")
    anywhere, a number and prose where ``opens`` says a block may start."""
    notes: dict[int, int] = {}
    previous = ""
    following = next_text(lines)
    for i, line in enumerate(lines):
        definition = parse_definition(line)
        # a note opens a block, or follows a note's source ("3 Whilst…" after note 2's address)
        after_source = bool(previous.split() and URL.search(previous.split()[-1]))
        prose = _PROSE_NOTE.match(line) if opens[i] or after_source else None
        previous = line if line.strip() else previous
        nxt = following[i]
        if definition is None and re.fullmatch(r"\s*\d{1,3}\s*", line) and URL.match(nxt.strip()):
            definition = (int(line), nxt)  # a long address could not follow its number
        if definition is not None:
            notes[i] = definition[0]
        elif prose and int(prose.group(1)) > 0:
            notes[i] = int(prose.group(1))
    return notes


def _rising_chain(candidates: list[GluedMarker]) -> list[GluedMarker]:
    """The heaviest run of candidates whose numbers rise strictly, in reading order (a Fenwick
    tree over the numbers keeps it O(n log n) on a long file)."""
    values = sorted({c.number for c in candidates})
    rank = {v: i + 1 for i, v in enumerate(values)}
    tree: list[tuple[float, int]] = [(0.0, 0)] * (len(values) + 1)  # (score, -index - 1) of the best end
    best: list[float] = []
    back: list[int] = []
    for j, c in enumerate(candidates):
        score, found, i = 0.0, 0, rank[c.number] - 1
        while i > 0:  # the best run ending below this number
            score, found = max((score, found), tree[i])
            i -= i & -i
        best.append(score + c.weight)
        back.append(-found - 1 if score else -1)
        i = rank[c.number]
        while i <= len(values):
            tree[i] = max(tree[i], (best[j], -j - 1))
            i += i & -i
    if not best:
        return []
    j = max(range(len(best)), key=lambda k: (best[k], k))
    chain = []
    while j >= 0:
        chain.append(candidates[j])
        j = back[j]
    return chain[::-1]


def match_glued_markers(candidates: list[GluedMarker], notes: dict[int, int]) -> list[GluedMarker]:
    """The candidates read as markers: each cites a note defined further on, and they rise.

    A first rising run takes most markers; a file whose parts were scrambled rises in several
    runs, each taken while it holds at least two markers of notes still unmatched."""
    chosen: list[GluedMarker] = []
    left = list(candidates)
    unmatched = set(notes.values())
    last_defined: dict[int, int] = {}
    for line, number in notes.items():
        last_defined[number] = max(line, last_defined.get(number, line))
    first = True
    while left:
        usable = [c for c in left if c.number in unmatched and c.line < last_defined[c.number]]
        chain = _rising_chain(usable)
        if not chain or (not first and len(chain) < 2):
            break
        chosen += chain
        unmatched -= {c.number for c in chain}
        taken = {id(c) for c in chain}
        left = [c for c in left if id(c) not in taken]
        first = False
    return sorted(chosen, key=lambda c: (c.line, c.start))
