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

__all__ = ["SYMBOL_WORDS", "holds_amount", "names_sex", "sex_split_only", "spell_symbols", "split_shown"]

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
    return any(any(ch.isdigit() for ch in _near(text, found, _NEAR)) for found in _money().finditer(text))


def _near(text: str, found: re.Match[str], reach: int) -> str:
    """The text within ``reach`` characters of ``found``, on its own line."""
    line_start = text.rfind("\n", 0, found.start()) + 1
    line_end = text.find("\n", found.end())
    line_end = len(text) if line_end < 0 else line_end
    return text[max(line_start, found.start() - reach) : min(line_end, found.end() + reach)]


# A sex, as factsheets print one beside a share: a glyph or a word ("♂ 53.6%", "women: 46%").
_SEX = re.compile(r"[♂♀]|\b(?:males?|females?|men|women|man|woman|boys|girls|sex|gender)\b", re.IGNORECASE)
_SHARE = re.compile(r"(\d+(?:[.,]\d+)?)\s*(?:%|per\s?cent\b)", re.IGNORECASE)
# how far (characters, same line) a sex marker may stand from the share it labels
_MARKED = 12
# how far from 100 the shares of one split may sum (rounded figures: 53.6 + 46.4, 33 + 33 + 33)
_WHOLE = 1.5


def names_sex(text: str) -> bool:
    """Whether ``text`` names a sex or asks about one ("women", "gender", "♀")."""
    return bool(_SEX.search(text))


def _share_value(found: re.Match[str]) -> float:
    return float(found.group(1).replace(",", "."))




def sex_split_only(text: str) -> bool:
    """Whether every share (a percentage of at most 100) in ``text`` splits a whole by sex and
    there is one: each printed beside a sex marker, in consecutive runs that sum to 100
    (± :data:`_WHOLE`). "% of emigrants in total population ♂ 53.6% ♀ 46.4%" gives how the
    emigrants divide, not what share of the population they are; "160% increase" is a change,
    no share, and does not count either way."""
    shares = [f for f in _SHARE.finditer(text) if _share_value(f) <= 100]
    if not shares or not all(_SEX.search(_near(text, f, _MARKED)) for f in shares):
        return False
    total = 0.0
    for found in shares:
        total += _share_value(found)
        if abs(total - 100) <= _WHOLE:
            total = 0.0
        elif total > 100 + _WHOLE:
            return False
    return total == 0.0


def split_shown(text: str) -> str:
    """A split as a reason shows it: “what its shares are of” (the shares), the label being the
    words before its first sex marker or number."""
    first = re.search(rf"{_SEX.pattern}|\d", text, re.IGNORECASE)
    cut = first.start() if first else len(text)
    label = text[:cut].strip(" :·-–") or "this figure"
    return f"“{label}” ({' '.join(text[cut:].split())})"
