"""Symbols read as words, for the text that is embedded and BM25-indexed (never the displayed text).

Infographics put meaning in glyphs: "♂ 53.6 %" is a share of men. Neither the tokenizer of the
embedding model nor the BM25 analyser reads "♂", so a question about the "gender breakdown" or
"percentage of women" could never meet it. The same spelling is applied to questions.
"""

from __future__ import annotations

import functools
import re
import unicodedata

import pycountry

from mgiassist.text.spelling import is_english_word

__all__ = ["SYMBOL_WORDS", "holds_amount", "spell_symbols"]

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


# Currency signs: the Unicode category Sc ("$", "€", "៛").
_SIGNS = "[" + "".join(re.escape(chr(i)) for i in range(0x20, 0x2100) if unicodedata.category(chr(i)) == "Sc") + "]"
_PERCENT = re.compile(r"\d\s*(?:%|‰|per\s?cent\b)", re.IGNORECASE)
# a number this near a currency, on its line: "US$20", "20 euros", "(USD million): 1,272"
_NEAR = 25


@functools.lru_cache(maxsize=1)
def _money() -> re.Pattern[str]:
    """A currency, as profiles print one: a sign, an ISO 4217 code ("USD", "KHR"; not one that
    is an English word, like "ALL" or "TOP") or the last word of a currency's name, plural or not
    ("dollars", "euro", "riels"), from pycountry."""
    names = {c.name.split()[-1].lower() for c in pycountry.currencies}
    words = "|".join(sorted((re.escape(n) + "s?" for n in names if len(n) > 3), key=len, reverse=True))
    codes = "|".join(sorted(c.alpha_3 for c in pycountry.currencies if not is_english_word(c.alpha_3.lower())))
    return re.compile(rf"\b(?:{codes})\b|\b(?i:{words})\b|{_SIGNS}")


def holds_amount(text: str) -> bool:
    """Whether ``text`` gives an amount: a share ("4.9%", "160 per cent") or a number with a
    currency near it on its line (:data:`_NEAR` characters). A count of people or a year is no
    amount of money, nor a share."""
    if _PERCENT.search(text):
        return True
    for found in _money().finditer(text):
        line_start = text.rfind("\n", 0, found.start()) + 1
        line_end = text.find("\n", found.end())
        line_end = len(text) if line_end < 0 else line_end
        near = text[max(line_start, found.start() - _NEAR) : min(line_end, found.end() + _NEAR)]
        if any(ch.isdigit() for ch in near):
            return True
    return False
