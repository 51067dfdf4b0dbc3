"""Symbols read as words, for the text that is embedded and BM25-indexed (never the displayed text).

Infographics put meaning in glyphs: "♂ 53.6 %" is a share of men. Neither the tokenizer of the
embedding model nor the BM25 analyser reads "♂", so a question about the "gender breakdown" or
"percentage of women" could never meet it. The same spelling is applied to questions.
"""

from __future__ import annotations

import re

__all__ = ["SYMBOL_WORDS", "spell_symbols"]

SYMBOL_WORDS = {
    "♂": "male (men)",
    "♀": "female (women)",
    "%": "percent",
    "‰": "per thousand",
    "€": "euro",
    "£": "pound",
    "$": "dollar",
    "≥": "at least",
    "≤": "at most",
    "±": "plus or minus",
    "№": "number",
}
_SYMBOL = re.compile("|".join(re.escape(s) for s in SYMBOL_WORDS))


def spell_symbols(text: str) -> str:
    """``text`` with each symbol of :data:`SYMBOL_WORDS` replaced by its words (space-padded)."""
    if not _SYMBOL.search(text):
        return text
    spelled = _SYMBOL.sub(lambda m: f" {SYMBOL_WORDS[m.group(0)]} ", text)
    return re.sub(r"[ \t]{2,}", " ", spelled).strip()
