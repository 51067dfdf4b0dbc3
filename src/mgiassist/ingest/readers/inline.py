"""Inline markup of text renderings: ``**emphasis**`` and Unicode superscript footnote markers."""

from __future__ import annotations

import re

from mgiassist.ingest.blocks import SUPERSCRIPTS

__all__ = ["parse_inline"]

_SUPERSCRIPT_VALUE = {ch: str(i) for i, ch in enumerate(SUPERSCRIPTS)}
_TOKEN = re.compile(rf"\*\*|[{SUPERSCRIPTS}]+")


def parse_inline(raw: str) -> tuple[str, tuple[tuple[int, int], ...], tuple[tuple[int, int], ...]]:
    """``(text, bold spans, markers)`` of a line of Markdown-ish text.

    ``**`` opens emphasis when a word follows it and closes when a word precedes it (Markdown's
    flanking rule), so a stray closer such as ``2003** ● **Title**`` is dropped, not paired.
    """
    raw = raw.replace("\\$", "$").replace("\\*", "*")
    out: list[str] = []
    bold: list[tuple[int, int]] = []
    markers: list[tuple[int, int]] = []
    opened: int | None = None
    last = 0
    length = 0
    for m in _TOKEN.finditer(raw):
        piece = raw[last : m.start()]
        out.append(piece)
        length += len(piece)
        last = m.end()
        token = m.group()
        if token != "**":
            markers.append((length, int("".join(_SUPERSCRIPT_VALUE[c] for c in token))))
            continue
        before = raw[m.start() - 1] if m.start() else " "
        after = raw[m.end()] if m.end() < len(raw) else " "
        if opened is not None and not before.isspace():
            bold.append((opened, length))
            opened = None
        elif opened is None and not after.isspace():
            opened = length
    out.append(raw[last:])
    text = "".join(out)
    # whitespace is folded, so every offset is re-based on the folded text
    return _fold(text, bold, markers)


def _fold(text, bold, markers):
    if "  " not in text and "\t" not in text and text == text.strip():  # nothing to fold
        return text, tuple((s, e) for s, e in bold if e > s), tuple(markers)
    mapping: list[int] = []
    folded: list[str] = []
    for ch in text:
        mapping.append(len(folded))
        if ch in " \t" and (not folded or folded[-1] == " "):
            continue
        folded.append(" " if ch in " \t" else ch)
    mapping.append(len(folded))
    lead = len(folded) - len("".join(folded).lstrip())
    result = "".join(folded).strip()

    def at(i: int) -> int:
        return max(0, min(len(result), mapping[i] - lead))

    return (
        result,
        tuple((at(s), at(e)) for s, e in bold if at(e) > at(s)),
        tuple((at(i), n) for i, n in markers),
    )
