"""Footnotes: recognising a definition, building :class:`~mgiassist.schema.Footnote` records, and
attaching them to the passages whose markers cite them."""

from __future__ import annotations

import re
from collections.abc import Iterable

from mgiassist.ingest.blocks import SUPERSCRIPTS, Block, FootnoteDefinition, superscript
from mgiassist.schema import Footnote

__all__ = ["URL", "FootnoteTable", "build_footnotes", "parse_definition", "with_note_prose"]

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
