"""Yes/no values a template shows beside an item: a word ("Yes", "No"), a glyph (✓ ✔ ☑ / ✗ ✘ ☒
❌), or an icon whose alt text the reader put in the text ("Yes").

Glyphs are recognised by their Unicode names, not by one file's code points: every check mark
(CHECK MARK, HEAVY CHECK MARK, WHITE HEAVY CHECK MARK, LIGHT CHECK MARK, BALLOT BOX WITH CHECK…)
says yes; every ballot or multiplication X and CROSS MARK says no. The plain MULTIPLICATION SIGN
(×) is left out: it is arithmetic ("2 × 3") as often as a cross. A word is a value only as the
block's last word; a glyph may also open it (icons are set before labels as often as after).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

from mgiassist.ingest.blocks import Block

__all__ = ["NO", "YES", "glyph_value", "split_value", "value_of"]

YES, NO = "yes", "no"
_WORDS = {"yes": YES, "no": NO}
_VARIATION = "\ufe0e\ufe0f"  # text / emoji presentation selectors after a glyph
_SEPARATORS = " \t:–—-|"


def glyph_value(char: str) -> str | None:
    """YES or NO for a check-mark or cross glyph, by its Unicode name; None otherwise."""
    if len(char) != 1:
        return None
    words = unicodedata.name(char, "").split()
    if "NOT" in words:  # APL's NOT CHECK MARK
        return None
    if "CHECK" in words:
        return YES
    if "X" in words and ("BALLOT" in words or "MULTIPLICATION" in words) or words[-2:] == ["CROSS", "MARK"]:
        return NO
    return None


def value_of(token: str) -> str | None:
    """The value a whole token states: a yes/no word (any case) or one glyph."""
    token = token.strip().strip(_VARIATION).strip(".")
    return _WORDS.get(token.lower()) or glyph_value(token)


_TRAILING = re.compile(rf"^(?P<label>.*?\S)[{re.escape(_SEPARATORS)}]+(?P<value>\S+)\s*$", re.DOTALL)
_LEADING = re.compile(rf"^\s*(?P<value>\S[{_VARIATION}]?)[{re.escape(_SEPARATORS)}]+(?P<label>\S.*)$", re.DOTALL)


def split_value(block: Block) -> tuple[Block, str] | None:
    """``(the block without its value, YES or NO)`` when the block ends with a value ("Dual
    citizenship³ Yes", "… ✓") or opens with a glyph ("✗ Voting from abroad"); markers and
    emphasis keep their places in the label. None when it shows no value."""
    text = block.text
    m = _TRAILING.match(text)
    if m and value_of(m.group("value")) and not value_of(m.group("label")):
        return _cut(block, 0, len(m.group("label"))), value_of(m.group("value"))
    m = _LEADING.match(text)
    if m and glyph_value(m.group("value").strip(_VARIATION)):
        return _cut(block, m.start("label"), len(text)), glyph_value(m.group("value").strip(_VARIATION))
    return None


def _cut(block: Block, start: int, end: int) -> Block:
    def at(i: int) -> int:
        return max(0, min(end, i) - start)

    return replace(
        block,
        text=block.text[start:end],
        markers=tuple((at(a), n) for a, n in block.markers),
        bold=tuple((at(s), at(e)) for s, e in block.bold if at(e) > at(s)),
    )
