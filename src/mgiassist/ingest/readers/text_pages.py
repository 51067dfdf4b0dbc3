"""Text extracted from a PDF (pdftotext, a viewer's copy-paste): pages flattened into lines.

Three things such text carries that a text rendering does not, each read from the document's
own lines, not from a list of words or fixed distances:

- **running lines**: headers, footers and page numbers recur at every page break, also in the
  middle of a paragraph. Page numbers are the short lines whose number rises by one from page to
  page, many lines apart; form feeds mark breaks too. Short lines that recur at those breaks (and
  rarely elsewhere) are the running lines. Without page numbers or form feeds, a short line that
  recurs at regular intervals and at least once cuts a sentence in two is one.
- **footnote markers** glued to words ("citizenship3"): :mod:`mgiassist.ingest.footnotes`
  matches them to the notes the document defines.
- **wrapped lines**: the document's measure is the length its wrapped lines reach; a line that
  reaches it (the next line's first word would not have fitted) continues on the next line, as
  does a line whose next line opens in lower case or that ends with a hyphen. A paragraph a page
  break cut (with its notes and running lines between) is joined again and its notes follow it.
"""

from __future__ import annotations

import bisect
import itertools
import re
import statistics
from collections import defaultdict
from dataclasses import dataclass, field, replace

from mgiassist.ingest.blocks import SUPERSCRIPTS, superscript
from mgiassist.ingest.footnotes import (
    URL,
    glued_candidates,
    match_glued_markers,
    next_text,
    note_lines,
)

__all__ = ["Line", "running_line_indices", "unflatten"]

_BULLET_START = re.compile(r"^\s*(?:[•●▪◦‣∙·*\uf0a7\uf0b7]|-(?!-)|\(cid:\d+\))\s+\S")
_SENTENCE_END = re.compile(rf"[.!?][\"”’)*{SUPERSCRIPTS}]*$")  # "leaders.¹⁴" ends a sentence
# a line ending so cannot end its sentence: a comma, a range's arrow or dash, a joining word
_OPEN_END = re.compile(r"(?:[,–∨↓→⟶&]|\b(?:and|or|of|the|to|in|for|with|an?|by|on|at|from))$")
# joining wrapped lines rebuilds a paragraph's text at each line: past a few hundred pages of
# text (a profile is 10-40 thousand characters) the lines are read as they stand
_MAX_REFLOW = 300_000
_MIN_PAGE = 10  # lines between two page numbers: no page holds fewer (a note's number alone is 1 apart)


@dataclass
class Line:
    """A line of the text with the offset of its first character; ``note`` when it opens a note
    definition found through its markers; ``page_break`` when a page break (running lines, a form
    feed) stood just before it."""

    offset: int
    text: str
    note: int | None = None
    page_break: bool = False
    joined: list[str] = field(default_factory=list)
    blank_after_break: bool = False  # a blank line stood between the running lines and this one
    blank_before_break: bool | None = None  # … between the body text above and the running lines


# ------------------------------------------------------------------ running lines


def _next_line(lines: list[Line]) -> list[Line | None]:
    out: list[Line | None] = [None] * len(lines)
    nxt = None
    for i in range(len(lines) - 1, -1, -1):
        out[i] = nxt
        nxt = lines[i] if lines[i].text.strip() else nxt
    return out


def is_title_text(text: str) -> bool:
    """A short line that opens with a capital or digit and ends no sentence (as the text reader
    reads a title line)."""
    flat = text.strip()
    if not flat or not flat[0].isalnum() or (flat[0].isalpha() and not flat[0].isupper()):
        return False
    return len(flat.split()) <= 12 and not flat.endswith((".", ";", ",", "!", "?")) and not re.search(r":\s+\S", flat)


def _key(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.split()))


def _short(text: str) -> bool:
    """A line that could be a running line: a few words, no sentence, no table row."""
    words = text.split()
    return (0 < len(words) <= 8 and "\t" not in text and not text.rstrip().endswith((".", ";", ","))
            and not URL.search(text))


def _page_number_lines(lines: list[str]) -> list[int]:
    """Lines whose number rises by one a page (one page may lack it), at least a page apart: two
    pages, or three or more whose lengths mostly agree. A bare number with an address on the next
    line is a note's, not a page's."""
    groups: dict[str, list[tuple[int, int]]] = defaultdict(list)
    following = next_text(lines)
    for i, text in enumerate(lines):
        numbers = re.findall(r"\d+", text)
        if _note_number(text, following[i]):
            continue
        # a footer may name the site ("www.example.org/profiles Page 1"), unlike other short lines
        if 0 < len(text.split()) <= 5 and "\t" not in text and 1 <= len(numbers) <= 2 and int(numbers[0]) < 1000:
            groups[_key(text)].append((i, int(numbers[0])))
    found: list[int] = []
    for occurrences in groups.values():
        chain = _rising_by_page(occurrences)
        if len(chain) == 2 or (len(chain) >= 3 and _regular([(b - a) / (m - n) for (a, n), (b, m)
                                                            in itertools.pairwise(chain)])):
            found += [line for line, _ in chain]
    return sorted(found)


def _regular(pages: list[float]) -> bool:
    """Most page lengths within a third of their median (a first or last page may be short)."""
    middle = statistics.median(pages)
    return sum(abs(p - middle) <= middle / 3 for p in pages) >= 2 / 3 * len(pages)


def _note_number(text: str, nxt: str) -> bool:
    """A bare number whose next line is an address: a note's number, its source too long to follow."""
    return text.strip().isdigit() and URL.match(nxt.strip()) is not None


def _rising_by_page(occurrences: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest run of ``(line, number)`` whose number rises by one or two, a page apart for
    each; ties go to the later line (a page's number comes after the notes at its foot, whose last
    may end in a bare number: "…wcms_228484.pdf: 13", page 13 of the source)."""
    ends: dict[int, list[tuple[int, int, int]]] = defaultdict(list)  # number → (line, length, index), by line
    best_upto: dict[int, list[tuple[int, int]]] = defaultdict(list)  # number → running best (length, index)
    length: list[int] = []
    back: list[int] = []
    for j, (line, number) in enumerate(occurrences):
        size, prev = 1, -1
        for step in (1, 2):
            at = ends[number - step]
            k = bisect.bisect_right(at, (line - step * _MIN_PAGE, len(occurrences), len(occurrences)))
            if k and best_upto[number - step][k - 1][0] + 1 >= size:
                size, prev = best_upto[number - step][k - 1][0] + 1, best_upto[number - step][k - 1][1]
        length.append(size)
        back.append(prev)
        ends[number].append((line, size, j))
        running = best_upto[number][-1] if best_upto[number] else (0, -1)
        best_upto[number].append(max(running, (size, j)))
    if not length:
        return []
    j = max(range(len(length)), key=lambda k: (length[k], k))
    chain = []
    while j >= 0:
        chain.append(occurrences[j])
        j = back[j]
    return chain[::-1]


def _cuts_sentence(lines: list[str], i: int) -> bool:
    """Whether the line at ``i`` stands between the two halves of a sentence."""
    before = next((lines[j] for j in range(i - 1, max(i - 50, -1), -1) if lines[j].strip()), "").strip()
    after = next((lines[j] for j in range(i + 1, min(i + 50, len(lines))) if lines[j].strip()), "").strip()
    return bool(before) and not _SENTENCE_END.search(before) and after[:1].islower()


def _regular_breaks(lines: list[str]) -> list[int]:
    """Without page numbers or form feeds: a short line recurring at regular intervals that cuts a
    sentence at least once marks the breaks."""
    groups: dict[str, list[int]] = defaultdict(list)
    for i, text in enumerate(lines):
        if _short(text):
            groups[_key(text)].append(i)
    for positions in groups.values():
        gaps = [b - a for a, b in itertools.pairwise(positions)]
        if len(positions) < 3 or min(gaps) < _MIN_PAGE:
            continue
        spread = statistics.pstdev(gaps) / statistics.mean(gaps)
        if spread <= 0.35 and (any(_cuts_sentence(lines, i) for i in positions) or _opens_pages(lines, positions)):
            return positions
    return []


def _opens_pages(lines: list[str], positions: list[int]) -> bool:
    """A recurring line that is also among the document's first lines (the first page's header)
    and always has the same line next to it (a header of two lines, or a header and a number)."""
    first = [i for i, t in enumerate(lines) if t.strip()][:3]
    if positions[0] not in first:
        return False
    for step in (-1, 1):
        beside = {_key(lines[i + step]) for i in positions if 0 <= i + step < len(lines)}
        if len(beside) == 1 and beside != {""} and all(0 <= i + step < len(lines) for i in positions):
            return True
    return False


def _zone(lines: list[str], at: int, step: int) -> list[int]:
    """The short lines next to a page break, up to three each way (blank lines skipped)."""
    found, i = [], at
    while 0 <= i < len(lines) and len(found) < 3:
        text = lines[i]
        if text.strip():
            if not _short(text):
                break
            found.append(i)
        i += step
    return found


def _one_per_page(breaks: list[int]) -> list[int]:
    """A page number and the form feed after it are one break."""
    out: list[int] = []
    for at in breaks:
        if not out or at - out[-1] >= _MIN_PAGE:
            out.append(at)
    return out


def _near_breaks(lines: list[str], breaks: list[int]) -> dict[str, dict[int, set[int]]]:
    """The short lines next to each break, by their shape (digits as #), then by break."""
    near: dict[str, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
    for at in breaks:
        for i in _zone(lines, at - 1, -1) + _zone(lines, at + 1, 1) + ([at] if 0 <= at < len(lines) else []):
            if lines[i].strip() and _short(lines[i]):
                near[_key(lines[i])][at].add(i)
    return near


def running_line_indices(lines: list[str]) -> tuple[set[int], set[int]]:
    """``(running lines, page breaks)``: indices of the lines to drop, and of the lines (page
    numbers, form feeds, recurring lines) a page break is known at."""
    feeds = [i for i, t in enumerate(lines) if "\f" in t]
    numbers = _page_number_lines(lines)
    breaks = _one_per_page(sorted(set(numbers) | set(feeds))) or _regular_breaks(lines)
    if not breaks:
        return set(), set()
    ends = _near_breaks(lines, [-1, len(lines)])  # the first page's header, the last page's footer
    counts: dict[str, int] = defaultdict(int)
    for text in lines:
        if _short(text):
            counts[_key(text)] += 1
    running = set(numbers)
    for key, by_break in _near_breaks(lines, breaks).items():
        at = set().union(*by_break.values()) | set().union(*ends.get(key, {}).values())
        # at most breaks (a domain named twice at one break is one), seldom elsewhere ("Key
        # findings" recurs too, mostly away from them)
        if len(by_break) >= max(2, 0.6 * len(breaks)) and counts[key] - len(at) <= len(by_break) // 2:
            running |= at
    return running, set(breaks)


# ------------------------------------------------------------------ markers


def _opens_block(lines: list[str], dropped: set[int]) -> list[bool]:
    """Whether a block may start at each line: after a blank, dropped or note line, or first."""
    opens, previous = [], ""
    for i, text in enumerate(lines):
        opens.append(not previous.strip())
        if i not in dropped:
            previous = text
    return opens


def _raise_markers(lines: list[str], dropped: set[int]) -> tuple[list[str], dict[int, int]]:
    """Glued markers made superscripts; the note lines ``{line: number}`` they cite."""
    kept = [t if i not in dropped else "" for i, t in enumerate(lines)]
    notes = note_lines(kept, _opens_block(kept, dropped))
    markers = match_glued_markers(glued_candidates(kept, skip=notes), notes)
    cited = {m.number for m in markers}
    out = list(lines)
    for marker in sorted(markers, key=lambda m: -m.start):
        text = out[marker.line]
        out[marker.line] = text[: marker.start] + superscript(marker.number) + text[marker.end :]
    # a prose note counts only when a marker cites it, the first such line after the marker
    first_marker = {m.number: m.line for m in reversed(markers)}
    chosen: dict[int, int] = {}
    for i, number in sorted(notes.items()):
        if number in cited and number not in chosen.values() and i > first_marker.get(number, len(lines)):
            chosen[i] = number
    return out, chosen


# ------------------------------------------------------------------ wrapped lines


def _measure(lines: list[str]) -> float | None:
    """The length the document's wrapped lines reach (the 90th percentile of the lines a clear
    continuation follows: a lower-case start, or a hyphen at their end); ``None`` when the text is
    not wrapped (a text rendering keeps a paragraph on one line)."""
    lengths = []
    for a, b in itertools.pairwise(lines):
        head, tail = a.rstrip(), b.strip()
        if head.strip() and tail and "\t" not in a + b and (tail[0].islower() or re.search(r"[^\W\d_]-$", head)):
            lengths.append(len(head))
    if len(lengths) < 3:
        return None
    lengths.sort()
    measure = lengths[int(0.9 * (len(lengths) - 1))]
    return measure if measure < 200 else None


def _vocabulary(lines: list[str]) -> frozenset[str]:
    """The document's words, hyphenated compounds whole; a line's last word left out when it
    ends with a hyphen (it may be a piece)."""
    words: set[str] = set()
    for text in lines:
        text = re.sub(r"\S+-\s*$", "", text)
        words.update(m.group().lower() for m in re.finditer(r"[^\W\d_]+(?:-[^\W\d_]+)*", text))
    return frozenset(words)


def _mend(before: str, after: str, vocabulary: frozenset[str]) -> str:
    """Two wrapped lines as one: a word hyphenated at the line end mended unless the hyphen is
    the word's own ("well-/being" written so elsewhere, or the joined form is no English word);
    "provincial- and" keeps a suspended hyphen."""
    before, after = before.rstrip(), after.strip()
    head = re.search(r"([^\W\d_]+)-$", before[-120:])  # the last word only: a paragraph grows long
    tail = re.match(r"[^\W\d_]+", after)
    if not head or not tail:
        return f"{before} {after}"
    if re.match(r"(?:and|or|nor|to)\s", after):
        return f"{before} {after}"
    first, second = head.group(1).lower(), tail.group().lower()
    return before + after if _keeps_hyphen(first, second, vocabulary) else before[:-1] + after


def _keeps_hyphen(first: str, second: str, vocabulary: frozenset[str]) -> bool:
    """Whether a line-end hyphen is the word's own: the document writes the compound so, or both
    pieces are English words whose joined form is none ("Government-/funded"); a hyphen that cut
    a word ("opti-/mised", "govern-/ment") goes, British spellings included."""
    from mgiassist.text.spelling import is_english_word

    if f"{first}-{second}" in vocabulary:
        return True
    joined = first + second
    if joined in vocabulary or is_english_word(joined) or is_english_word(_american(joined)):
        return False
    return len(first) > 1 and is_english_word(first) and is_english_word(second)


def _american(word: str) -> str:
    """The US spelling pyspellchecker's list holds ("optimised" → "optimized", "counselling" →
    "counseling")."""
    for british, american in (("isation", "ization"), ("ise", "ize"), ("ising", "izing"), ("ised", "ized"),
                              ("lling", "ling"), ("lled", "led"), ("our", "or")):
        word = re.sub(f"{british}(?=s?$)", american, word)
    return word


class _Reflow:
    """Physical lines → logical lines (one per paragraph, item or note, as a text rendering has)."""

    def __init__(self, lines: list[Line], measure: float, vocabulary: frozenset[str]) -> None:
        self.lines, self.measure, self.vocabulary = lines, measure, vocabulary
        # whether this document sets a blank line after its running lines: seen where a page
        # break cut a sentence (the next line opens in lower case); when it never does, a blank
        # line there ends a paragraph
        self.listed = self._listed_runs()
        cuts = [line.blank_after_break for line in lines if line.page_break and line.text.strip()[:1].islower()]
        self.blank_ends_paragraph = bool(cuts) and not any(cuts)
        before = [line.blank_before_break for line in lines
                  if line.page_break and line.text.strip()[:1].islower() and line.blank_before_break is not None]
        self.blank_before_ends_paragraph = bool(before) and not any(before)

    @staticmethod
    def _opens(line: Line) -> bool:
        """A line that starts its own block whatever came before: an item, a note, a table row."""
        from mgiassist.ingest.footnotes import parse_definition

        text = line.text
        return bool(_BULLET_START.match(text) or line.note is not None or parse_definition(text) or "\t" in text)

    @staticmethod
    def _own_dash(last: str, text: str) -> bool:
        """A dash opening a line in the middle of a sentence is the text's ("policies - to …")."""
        return bool(re.match(r"\s*[-–]\s+[a-z]", text)) and not _SENTENCE_END.search(last.rstrip())

    def full(self, last: str, nxt: str) -> bool:
        """Whether ``nxt``'s first word would not have fitted at the end of ``last``."""
        first = nxt.split()[0] if nxt.split() else ""
        return len(last.rstrip()) + 1 + len(first) > self.measure

    def continues(self, current: Line, line: Line, strict: bool = False, after: Line | None = None) -> bool:
        """Whether ``line`` goes on with ``current``'s block; ``after`` is the line after it."""
        last = current.joined[-1] if current.joined else current.text
        text = line.text
        if self._own_dash(last, text):
            return True
        if self._opens(line) or "\t" in last or not text.strip():
            return False
        if URL.match(text.strip()):  # an address continues a note, or prose that did not end
            bare = re.fullmatch(r"\s*\d{1,3}\s*", current.text) is not None
            return self._is_note(current) or bare or not (strict or _SENTENCE_END.search(last.rstrip()))
        if re.search(r"[^\W\d_]-$", last.rstrip()) and text.strip()[:1].isalpha():
            return True
        if _OPEN_END.search(last.rstrip()):
            return True  # "2014 ∨" / "2018 ● …", "between Thailand and" / "Cambodia on …"
        if text.strip()[:1].islower():
            return True
        if not strict and text[:1].isspace() and _BULLET_START.match(current.text):
            return True  # an item's wrapped line, indented under its text
        if not self.full(last, text):
            return False
        if _SENTENCE_END.search(last.rstrip()):
            # a new sentence on a full line goes on, unless it is a title: short, no full stop,
            # with a line after it ("migrants." / "Key findings" / "Safe, orderly …"), or the
            # lines run as a list whose items end their sentences (a list that lost its bullets)
            return not strict and not self._title_like(line, after) and id(line) not in self.listed
        return True

    def _listed_runs(self) -> set[int]:
        """The lines of runs (lines between blank lines) in which a sentence ends short of the
        measure before the run's end: the run is a list, one item a sentence or more."""
        listed: set[int] = set()
        run: list[Line] = []
        for line in [*self.lines, Line(0, "")]:
            if line.text.strip() and not line.page_break:
                run.append(line)
                continue
            ends = [a for a, b in itertools.pairwise(run)
                    if _SENTENCE_END.search(a.text.rstrip()) and not self.full(a.text, b.text)
                    and not b.text.strip()[:1].islower()]
            if ends:
                listed.update(id(x) for x in run)
            run = [line] if line.text.strip() else []
        return listed

    def _title_like(self, line: Line, after: Line | None) -> bool:
        text = line.text.strip()
        if _SENTENCE_END.search(text) or len(text.split()) > 12:
            return False
        if after is not None and after.text.strip()[:1].islower():
            return False  # a sentence going on
        return after is None or not self.full(text, after.text)

    def join(self, current: Line, line: Line) -> None:
        current.text = _mend(current.text, line.text, self.vocabulary)
        current.joined.append(line.joined[-1] if line.joined else line.text)

    def logical(self) -> list[Line]:
        out: list[Line] = []
        following = _next_line(self.lines)
        for i, line in enumerate(self.lines):
            current = out[-1] if out and out[-1].text.strip() else None
            after = following[i]
            if current is not None and not line.page_break and self.continues(current, line, after=after):
                self.join(current, line)
                continue
            if (current is not None and line.text.strip() and not self._opens(line) and current.note is None
                    and not line.page_break and _SENTENCE_END.search(current.text.rstrip())):
                out.append(Line(line.offset, ""))  # a sentence ended short of the measure: a new block
            out.append(replace(line, joined=[line.text]))
        return out

    def across_breaks(self, lines: list[Line]) -> list[Line]:
        """A paragraph cut by a page break (notes, running lines, blank lines between) joined, its
        notes moved after it."""
        out = list(lines)
        i = 0
        while i < len(out):
            if not self._note_cut(out, i):
                i += 1
        k = 0
        while k < len(out):
            m = self._next_content(out, k)
            if m is None:
                break
            between = out[k + 1 : m]
            is_break = out[m].page_break or any(x.page_break or x.note is not None or self._is_note(x) for x in between)
            if not is_break and between and self._open_gap(out[k], out[m]):
                self.join(out[k], out[m])  # a text box break inside a sentence ("… on" / "" / "Cooperation …")
                del out[k + 1 : m + 1]
                continue
            last_note = next((x for x in reversed(between) if x.text.strip()), None)
            if last_note is not None and self._is_note(last_note) and URL.match(out[m].text.strip()):
                self.join(last_note, out[m])  # a note's address on the next page
                del out[m]
                continue
            if is_break and "\t" in out[k].text and "\t" in out[m].text:
                out = self._join_table(out, k, m)
                k += 1
                continue
            parted = not out[m].text.strip()[:1].islower() and (
                self.blank_ends_paragraph and out[m].blank_after_break
                or self.blank_before_ends_paragraph and out[m].blank_before_break is True)
            if (out[k].text.strip() and out[k].note is None and not self._is_note(out[k]) and is_break
                    and not parted and self.continues(out[k], out[m], strict=True)):
                self.join(out[k], out[m])
                notes = [x for x in between if x.text.strip()]
                blank = [Line(out[k].offset, "")] if notes else []
                out[k + 1 : m + 1] = blank + notes + blank
                continue
            k = m
        return out

    def _open_gap(self, line: Line, nxt: Line) -> bool:
        """Blank lines inside a sentence: the line before ends with a comma, a joining word or a
        hyphen, or the line after opens in lower case (not an address)."""
        if self._is_note(line) or self._opens(nxt) or "\t" in line.text + nxt.text:
            return False
        last, text = line.joined[-1].rstrip(), nxt.text.strip()
        lower = text[:1].islower() and not URL.match(text)
        return bool(lower or _OPEN_END.search(last) or re.search(r"[^\W\d_]-$", last))

    def parts(self, lines: list[Line]) -> list[Line]:
        """A title line set right above its paragraph (no blank line between, as a viewer's
        copy gives it) parted from it: a short line with no full stop before a wrapped one or
        one that is no title ("Key findings" / "Migration Governance: examples of …")."""
        out: list[Line] = []
        for line in lines:
            before = out[-1] if out else None
            if (before is not None and before.text.strip() and line.text.strip() and len(before.joined) == 1
                    and not self._opens(before) and not self._opens(line) and is_title_text(before.text)
                    and (len(line.joined) > 1 or not is_title_text(line.text))):
                out.append(Line(line.offset, ""))
            out.append(line)
        return out

    def _note_cut(self, lines: list[Line], k: int) -> bool:
        """A note cut by a page break goes on with the next line (joined here, in place)."""
        if not self._is_note(lines[k]):
            return False
        m = next((i for i in range(k + 1, len(lines)) if lines[i].text.strip()), None)
        nxt = lines[m] if m is not None else None
        if nxt is None or not nxt.page_break or self._is_note(nxt) or self._opens(nxt):
            return False
        body = next((lines[j] for j in range(k - 1, max(k - 200, -1), -1)
                     if lines[j].text.strip() and not self._is_note(lines[j])), None)
        if body is not None and not _SENTENCE_END.search(body.text.rstrip()):
            return False  # the text above the notes is unfinished: the next page goes on with it
        last, text = lines[k].joined[-1].rstrip(), nxt.text.strip()
        # only a clear continuation: a note's last line may reach the measure with its address
        if not (text[:1].islower() and not URL.match(text) or _OPEN_END.search(last) or re.search(r"[^\W\d_]-$", last)):
            return False
        self.join(lines[k], nxt)
        del lines[m]
        return True

    @staticmethod
    def _join_table(lines: list[Line], k: int, m: int) -> list[Line]:
        """A table the page break cut: its rows together again, the notes between after it."""
        notes = [x for x in lines[k + 1 : m] if x.text.strip()]
        rest = lines[m:]
        end = next((i for i, x in enumerate(rest) if "\t" not in x.text), len(rest))
        moved = [Line(lines[k].offset, ""), *notes] if notes else []
        return [*lines[: k + 1], *rest[:end], *moved, *rest[end:]]

    def _is_note(self, line: Line) -> bool:
        from mgiassist.ingest.footnotes import parse_definition

        return line.note is not None or parse_definition(line.text) is not None

    def _next_content(self, lines: list[Line], k: int) -> int | None:
        for m in range(k + 1, len(lines)):
            if lines[m].text.strip() and not self._is_note(lines[m]):
                return m
        return None


def _kept_lines(raw: list[str], kept: list[str], running: set[int], notes: dict[int, int]) -> list[Line]:
    """The lines left once running lines are dropped; the first line after a page break says so,
    and whether blank lines stood before the running lines (after body text, not notes) and after."""
    lines: list[Line] = []
    offset = 0
    page_break = blank_after = False
    blank_before: bool | None = None
    for i, t in enumerate(kept):
        at, offset = offset, offset + len(raw[i]) + 1
        if i in running or "\f" in raw[i]:
            if not page_break:
                blank_before = _blank_before(kept, running, notes, i)
            page_break, blank_after = True, False
            if i in running:
                continue
        line = Line(at, t, notes.get(i), page_break and bool(t.strip()), [t])
        line.blank_after_break = line.page_break and blank_after
        line.blank_before_break = blank_before if line.page_break else None
        lines.append(line)
        blank_after = blank_after or not (t.strip() or "\f" in raw[i])  # a form feed is no blank line
        if t.strip():
            page_break = False
    return lines


def _blank_before(kept: list[str], running: set[int], notes: dict[int, int], i: int) -> bool | None:
    """Whether a blank line parts the body text from the running lines at ``i``; ``None`` when
    notes stand there (they are set apart by blank lines of their own)."""
    j = i - 1
    while j >= 0 and not kept[j].strip():
        j -= 1
    if j < 0 or j in notes or URL.search(kept[j]) or j in running:
        return None
    return j < i - 1


def unflatten(text: str) -> tuple[list[Line], list[str]]:
    """The lines of ``text`` with running lines dropped, glued markers raised, prose notes found
    and wrapped lines re-flowed; and the running lines dropped (once each)."""
    raw = text.split("\n")
    running, _ = running_line_indices(raw)
    kept_text, notes = _raise_markers([t.replace("\f", "") for t in raw], running)
    lines = _kept_lines(raw, kept_text, running, notes)
    first_of_shape: dict[str, str] = {}
    for i in sorted(running):  # once each: "Page 1" stands for "Page 2", "Page 3" …
        first_of_shape.setdefault(_key(raw[i]), " ".join(raw[i].split()))
    dropped = list(first_of_shape.values())
    measure = _measure([t for i, t in enumerate(kept_text) if i not in running])
    if measure is None or len(text) > _MAX_REFLOW:
        return lines, dropped
    reflow = _Reflow(lines, measure, _vocabulary([line.text for line in lines]))
    logical = reflow.parts(reflow.across_breaks(reflow.logical()))
    return (_one_block_a_line(logical) if _no_blank_lines(kept_text) else logical), dropped


def _no_blank_lines(lines: list[str]) -> bool:
    """A text with no blank line between its blocks (a viewer's copy, pdfium's text): its blocks
    are told apart by the re-flow alone."""
    return sum(not t.strip() for t in lines) <= len(lines) // 100


def _one_block_a_line(lines: list[Line]) -> list[Line]:
    out: list[Line] = []
    for line in lines:
        if out and out[-1].text.strip() and line.text.strip():
            out.append(Line(line.offset, ""))
        out.append(line)
    return out
