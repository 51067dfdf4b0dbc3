"""What changed between two editions of a profile: the model-free core, pure functions.

A profile is compared as a list of :class:`Unit` records (one per section: a finding, a paragraph
group, a table with its rows), in document order. :func:`diff_units` aligns the two lists by
heading path and text similarity, never by position:

1. a unit whose text is unchanged under the same heading is dropped (nothing changed);
2. under one heading path, the remaining units are paired best first by word similarity
   (difflib's ratio over words, at least :data:`SAME_HEADING`): a pair is *changed*;
3. what is left is paired across headings (a heading renamed, a finding moved) when at least
   :data:`OTHER_HEADING` similar;
4. the rest is *removed* (only in the older edition) or *added* (only in the newer).

A changed pair carries its figures before → after (:func:`figures`): "Label: value" lines by
label, table rows by their first cell, and any other number that changed, labelled by the words
before it. :func:`word_diff` and :func:`mark_words` give the changed words ("[-1,272-]{+1,510+}").

>>> a = [Unit(("Facts & figures", "Remittances"), "Remittances inflow (USD million): 1,272")]
>>> b = [Unit(("Facts & figures", "Remittances"), "Remittances inflow (USD million): 1,510")]
>>> [f.line() for f in diff_units(a, b)[0].figures]
['Remittances inflow (USD million): 1,272 → 1,510']
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from mgiassist.chunk import KIND_ABOUT, KIND_TABLE_ROW
from mgiassist.schema import Chunk

__all__ = [
    "OTHER_HEADING",
    "SAME_HEADING",
    "Change",
    "EditionDiff",
    "EditionRef",
    "Figure",
    "Unit",
    "diff_units",
    "figures",
    "mark_words",
    "similarity",
    "units_of_chunks",
    "word_diff",
]

SAME_HEADING = 0.4  # a pair under one heading path needs this much word similarity
OTHER_HEADING = 0.6  # a pair across heading paths needs more
_NUMBER = re.compile(r"\d")
_LABELLED = re.compile(r"^\s*(?P<label>[^:\n]{2,120}?)\s*:\s*(?P<value>[^\n]*\d[^\n]*?)\s*$")
_CONTEXT_WORDS = 6


@dataclass(frozen=True)
class Unit:
    """One section of one edition: its heading path, its text, and a table's rows."""

    heading_path: tuple[str, ...]
    text: str
    kind: str = "paragraph"
    rows: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class Figure:
    """One figure that changed: ``before`` None when it is new, ``after`` None when dropped."""

    label: str
    before: str | None
    after: str | None

    def line(self) -> str:
        return f"{self.label}: {self.before or '(none)'} → {self.after or '(none)'}"

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "before": self.before, "after": self.after}


@dataclass(frozen=True)
class Change:
    """A section added, removed or changed; ``before``/``after`` are its texts (None on the side
    it is missing from); ``heading_path`` is the newer edition's (the older one's when removed)."""

    kind: str  # "added" | "removed" | "changed"
    heading_path: tuple[str, ...]
    before: str | None
    after: str | None
    figures: tuple[Figure, ...] = ()
    # a changed section found under another heading in the older edition (a finding that moved
    # from the areas for further development to the well-developed ones); not in the JSON
    # contract, said in the text
    moved_from: tuple[str, ...] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "heading_path": list(self.heading_path),
            "before": self.before,
            "after": self.after,
            "figures": [f.to_dict() for f in self.figures],
        }


@dataclass(frozen=True)
class EditionRef:
    date: str | None
    source: str

    def to_dict(self) -> dict[str, Any]:
        return {"date": self.date, "source": self.source}


@dataclass(frozen=True)
class EditionDiff:
    """Two editions of one series compared: the JSON contract of ``mgiassist diff --json``."""

    country: str | None
    family: str
    before: EditionRef
    after: EditionRef
    changes: tuple[Change, ...] = field(default_factory=tuple)

    def counts(self) -> dict[str, int]:
        return {kind: sum(c.kind == kind for c in self.changes) for kind in ("added", "removed", "changed")}

    def to_dict(self) -> dict[str, Any]:
        return {
            "country": self.country,
            "family": self.family,
            "from": self.before.to_dict(),
            "to": self.after.to_dict(),
            "changes": [c.to_dict() for c in self.changes],
        }


# ---------------------------------------------------------------------------------------------
# Units from stored chunks
# ---------------------------------------------------------------------------------------------


def units_of_chunks(chunks: Sequence[Chunk]) -> list[Unit]:
    """One edition's sections from its stored chunks, in document order: the parts of a split
    section joined again, a table's row chunks left to the table (its rows are in the table's
    chunk), a heading's repeated sentence kept once (as the chunker did). The passage about the
    profile itself (its title, dates, credits) is left out: the diff's header names both dates."""
    units: list[Unit] = []
    for chunk in chunks:
        if chunk.kind in (KIND_TABLE_ROW, KIND_ABOUT):
            continue
        part = str(chunk.attributes.get("part") or "")
        if part and not part.startswith("1/") and units and units[-1].heading_path == chunk.heading_path:
            last = units.pop()
            units.append(Unit(last.heading_path, f"{last.text} {chunk.text}", last.kind, last.rows))
            continue
        rows = chunk.attributes.get("rows") if chunk.kind == "table" else None
        cells = tuple(tuple(" ".join(str(c).split()) for c in row if c is not None)
                      for row in rows if isinstance(row, (list, tuple))) if isinstance(rows, list) else ()
        units.append(Unit(tuple(chunk.heading_path), chunk.text, chunk.kind, cells))
    return units


# ---------------------------------------------------------------------------------------------
# Words
# ---------------------------------------------------------------------------------------------


def _words(text: str | None) -> list[str]:
    return (text or "").split()


def similarity(before: str, after: str) -> float:
    """Word-level similarity of two texts, 0 to 1 (difflib's ratio over their words)."""
    a, b = _words(before), _words(after)
    if not a and not b:
        return 1.0
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < SAME_HEADING / 2 or matcher.quick_ratio() < SAME_HEADING / 2:
        return matcher.quick_ratio() / 2
    return matcher.ratio()


def word_diff(before: str, after: str) -> list[tuple[str, str]]:
    """The two texts as ``(op, words)`` runs, ``op`` one of "equal", "delete", "insert"."""
    a, b = _words(before), _words(after)
    runs: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            runs.append(("equal", " ".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            runs.append(("delete", " ".join(a[i1:i2])))
        if op in ("insert", "replace"):
            runs.append(("insert", " ".join(b[j1:j2])))
    return runs


def mark_words(before: str, after: str) -> str:
    """The newer text with the changed words marked, line breaks kept: "[-old words-]{+new
    words+}" (as ``git diff --word-diff`` prints them).

    >>> mark_words("inflow: 1,272", "inflow: 1,510")
    'inflow: [-1,272-]{+1,510+}'
    """
    marked = {"equal": "{}", "delete": "[-{}-]", "insert": "{{+{}+}}"}
    a, b = _line_words(before), _line_words(after)
    pieces = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(" ".join(a[i1:i2]))
            continue
        old = " ".join(w for w in a[i1:i2] if w != "\n")
        new = " ".join(w for w in b[j1:j2] if w != "\n")
        pieces.append((marked["delete"].format(old) if old else "") + (marked["insert"].format(new) if new else ""))
        pieces += ["\n"] * (b[j1:j2].count("\n"))
    text = " ".join(p for p in pieces if p)
    return re.sub(r" *\n *", "\n", text).strip()


def _line_words(text: str) -> list[str]:
    return re.findall(r"\n|[^\s]+", text or "")


# ---------------------------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------------------------


def _labelled(text: str) -> dict[str, str]:
    found = {}
    for line in text.splitlines():
        m = _LABELLED.match(line)
        if m:
            found.setdefault(" ".join(m.group("label").split()), " ".join(m.group("value").split()))
    return found


def _rows(unit: Unit) -> dict[str, str]:
    rows = {}
    for row in unit.rows:
        if row:
            rows.setdefault(row[0], " ".join(row[1:]))
    return rows


def _keyed(before: dict[str, str], after: dict[str, str], caption: str = "") -> list[Figure]:
    found = []
    for label in [*before, *(k for k in after if k not in before)]:
        old, new = before.get(label), after.get(label)
        if old != new:
            found.append(Figure(f"{label} ({caption})" if caption else label, old, new))
    return found


def _numbers_changed(before: str, after: str, claimed: set[str]) -> list[Figure]:
    """Numbers that changed in running text, each labelled by up to six words before it."""
    a, b = _words(before), _words(after)
    found = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op != "replace":
            continue
        old, new = " ".join(a[i1:i2]), " ".join(b[j1:j2])
        if not (_NUMBER.search(old) and _NUMBER.search(new)) or old in claimed or new in claimed:
            continue
        context = b[max(0, j1 - _CONTEXT_WORDS):j1]
        # the label starts after the last sentence end in its context
        for n in range(len(context) - 1, -1, -1):
            if context[n].endswith((".", ";", ":")) and n < len(context) - 1:
                context = context[n + 1:]
                break
        label = " ".join(context).rstrip(":") or "figure"
        found.append(Figure(label, old.rstrip(".,;"), new.rstrip(".,;")))
    return found


def figures(before: Unit | None, after: Unit | None) -> list[Figure]:
    """The figures of a section before → after: table rows by their first cell, "Label: value"
    lines by label, then any other number that changed (labelled by the words before it)."""
    old_unit = before or Unit((), "")
    new_unit = after or Unit((), "")
    caption = (after or before or old_unit).heading_path[-1] if (after or before) and (after or before).heading_path else ""
    found = _keyed(_rows(old_unit), _rows(new_unit), caption)
    old_lines, new_lines = _labelled(old_unit.text), _labelled(new_unit.text)
    if before is not None and after is not None:
        found += _keyed(old_lines, new_lines)
        claimed = {v for f in found for v in (f.before, f.after) if v}
        if not old_unit.rows and not new_unit.rows:
            found += _numbers_changed(old_unit.text, new_unit.text, claimed)
    return found


# ---------------------------------------------------------------------------------------------
# Alignment
# ---------------------------------------------------------------------------------------------


def _pairs(before: Sequence[Unit], after: Sequence[Unit], left: list[int], right: list[int],
           threshold: float, same_heading: bool) -> list[tuple[int, int]]:
    """Best-first pairs (indexes into ``before``/``after``) among ``left`` × ``right``."""
    scored = []
    for i in left:
        for j in right:
            if same_heading and before[i].heading_path != after[j].heading_path:
                continue
            score = similarity(before[i].text, after[j].text)
            if score >= threshold:
                scored.append((score, -abs(i - j), i, j))
    scored.sort(reverse=True)
    used_i: set[int] = set()
    used_j: set[int] = set()
    pairs = []
    for _, _, i, j in scored:
        if i not in used_i and j not in used_j:
            used_i.add(i)
            used_j.add(j)
            pairs.append((i, j))
    return pairs


def diff_units(before: Sequence[Unit], after: Sequence[Unit]) -> list[Change]:
    """The changes from ``before`` to ``after`` (two editions' units), in the newer edition's
    order; a removed section comes after the section that preceded it in the older one."""
    left = list(range(len(before)))
    right = list(range(len(after)))
    # 1. unchanged under the same heading (each unit pairs once)
    unchanged: dict[int, int] = {}
    by_key: dict[tuple[tuple[str, ...], str, tuple], list[int]] = {}
    for j in right:
        by_key.setdefault((after[j].heading_path, after[j].text, after[j].rows), []).append(j)
    for i in left:
        candidates = by_key.get((before[i].heading_path, before[i].text, before[i].rows))
        if candidates:
            unchanged[i] = candidates.pop(0)
    left = [i for i in left if i not in unchanged]
    taken = set(unchanged.values())
    right = [j for j in right if j not in taken]
    # 2. under the same heading, 3. across headings
    paired: dict[int, int] = {}
    for threshold, same in ((SAME_HEADING, True), (OTHER_HEADING, False)):
        for i, j in _pairs(before, after, left, right, threshold, same):
            paired[i] = j
        left = [i for i in left if i not in paired]
        right = [j for j in right if j not in paired.values()]

    placed: list[tuple[tuple[float, int, int], Change]] = []
    for i, j in paired.items():
        found = figures(before[i], after[j])
        moved = before[i].heading_path if before[i].heading_path != after[j].heading_path else None
        if before[i].text == after[j].text and before[i].rows == after[j].rows and moved is None:
            continue
        placed.append(((j, 0, i), Change("changed", after[j].heading_path, before[i].text, after[j].text,
                                         tuple(found), moved)))
    for j in right:
        placed.append(((j, 0, -1), Change("added", after[j].heading_path, None, after[j].text,
                                          tuple(figures(None, after[j])))))
    matched = {**unchanged, **paired}
    for i in left:
        earlier = [matched[n] for n in range(i) if n in matched]
        anchor = max(earlier) if earlier else -1
        placed.append(((anchor + 0.5, 1, i), Change("removed", before[i].heading_path, before[i].text, None,
                                                    tuple(figures(before[i], None)))))
    placed.sort(key=lambda item: item[0])
    return [change for _, change in placed]
