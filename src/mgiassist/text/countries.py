"""Country names, codes and demonyms, from pycountry (ISO 3166) and countryinfo (demonyms).

Profiles name their country in many ways ("The Kingdom of Cambodia", "CAMBODIA") and so do
questions ("Cambodians", "KHM"). :func:`lookup_country` turns one name into a canonical
:class:`CountryNames`; :class:`CountryMatcher` finds the countries of an index inside a question.
"""

from __future__ import annotations

import functools
import gettext
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import pycountry

from mgiassist.text.spelling import english_log_frequency

__all__ = ["CountryMatcher", "CountryNames", "all_countries", "lookup_country"]

_LEADING_ARTICLE = re.compile(r"^\s*the\s+", re.IGNORECASE)
_WORD = re.compile(r"\w+")


def _fold(text: str) -> str:
    # str.lower() keeps the dotless "ı", while a case-insensitive regex matches it to "I":
    # folding it to "i" lets "KIBRIS" find "Kıbrıs" either way. Length is unchanged.
    return text.lower().replace("ı", "i")


def _continues_word(text: str, position: int) -> bool:
    return position < len(text) and (text[position].isalnum() or text[position] == "_")


@dataclass(frozen=True)
class CountryNames:
    name: str
    alpha_3: str
    alpha_2: str
    official_name: str | None = None
    aliases: tuple[str, ...] = field(default_factory=tuple)
    # the name in the other languages users ask in ("Cambodge", "Camboya"), kept apart from
    # the English aliases, whose demonyms the look-alike corpora reuse
    translations: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "alpha_3": self.alpha_3,
            "alpha_2": self.alpha_2,
            "official_name": self.official_name,
            "aliases": list(self.aliases),
            "translations": list(self.translations),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CountryNames:
        return cls(
            name=data["name"],
            alpha_3=data["alpha_3"],
            alpha_2=data["alpha_2"],
            official_name=data.get("official_name"),
            aliases=tuple(data.get("aliases", ())),
            translations=tuple(data.get("translations", ())),
        )


def _plural(demonym: str) -> list[str]:
    # "Cambodian" -> "Cambodians"; "Chinese", "Swiss", "Thai" have no -s plural worth matching
    # except the -i and -an kinds ("Thais", "Kenyans").
    if demonym.endswith(("ese", "ss", "sh", "ch")):
        return []
    return [demonym + "s"]


@functools.lru_cache(maxsize=512)
def _demonyms(alpha_2: str) -> tuple[str, ...]:
    try:
        from countryinfo import CountryInfo

        info = CountryInfo(alpha_2).info()
    except Exception:  # noqa: BLE001 - countryinfo raises KeyError or its own errors for unknown codes
        return ()
    found: list[str] = []
    demonym = (info or {}).get("demonym")
    if demonym:
        found.append(demonym)
        found.extend(_plural(demonym))
    for spelling in (info or {}).get("altSpellings") or ():
        # "Reunion" for Réunion would find a country in "a family reunion"
        if len(spelling) > 3 and (" " in spelling or english_log_frequency(spelling.lower()) < _ENGLISH_WORD):
            found.append(spelling)
    return tuple(found)


# Languages whose country names a question may use: those the users write in besides
# English. pycountry ships the ISO 3166 names translated (its gettext catalogues), so nothing
# here lists a country.
TRANSLATED_LANGUAGES = ("fr", "es")
# pyspellchecker's log frequency above which a word is ordinary English ("suede" 3.2, "chili" 3.8)
_ENGLISH_WORD = 3.0


@functools.lru_cache(maxsize=1)
def _catalogues() -> tuple[gettext.NullTranslations, ...]:
    found = []
    for language in TRANSLATED_LANGUAGES:
        try:
            found.append(gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language]))
        except OSError:  # a pycountry build without that catalogue: English names only
            continue
    return tuple(found)


def _without_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _translations(english: set[str]) -> tuple[str, ...]:
    """The names of ``english`` in :data:`TRANSLATED_LANGUAGES`, with and without accents
    ("Thaïlande", "Thailande"); "Corée, République de"-style inverted forms are left out."""
    found: set[str] = set()
    for catalogue in _catalogues():
        for name in english:
            translated = catalogue.gettext(name)
            if translated != name and "," not in translated:
                found.update({translated, _without_accents(translated)})
    # a translation that is a common English word ("Suede", "Grenade", "Chili", "Reunion") would
    # find a country in ordinary English text
    found = {t for t in found if " " in t or english_log_frequency(t.lower()) < _ENGLISH_WORD}
    return tuple(sorted(found - english, key=lambda a: (-len(a), a)))


@functools.lru_cache(maxsize=512)
def _population(alpha_2: str) -> int:
    try:
        from countryinfo import CountryInfo

        return int((CountryInfo(alpha_2).info() or {}).get("population") or 0)
    except Exception:  # noqa: BLE001 - countryinfo raises KeyError or its own errors for unknown codes
        return 0


@functools.lru_cache(maxsize=1024)
def lookup_country(text: str) -> CountryNames | None:
    """Resolve a name, official name or ISO code to a canonical country, or ``None``."""
    cleaned = _LEADING_ARTICLE.sub("", text.strip()).strip(" .,:;")
    if not cleaned:
        return None
    try:
        record = pycountry.countries.lookup(cleaned)
    except LookupError:
        record = None
    if record is None:
        # pycountry's lookup is exact; a few profile spellings ("Viet Nam", "Türkiye") need the
        # common_name/official_name scan that search_fuzzy does, but only accept a single match.
        try:
            matches = pycountry.countries.search_fuzzy(cleaned)
        except LookupError:
            matches = []
        if len(matches) != 1:
            return None
        record = matches[0]
    name = getattr(record, "common_name", None) or record.name
    official = getattr(record, "official_name", None)
    aliases = {record.name, name}
    if official:
        aliases.add(official)
    aliases.update(_demonyms(record.alpha_2))
    aliases.discard("")
    return CountryNames(
        name=name,
        alpha_3=record.alpha_3,
        alpha_2=record.alpha_2,
        official_name=official,
        aliases=tuple(sorted(aliases, key=lambda a: (-len(a), a))),
        translations=_translations({n for n in (record.name, name, official) if n}),
    )


@functools.lru_cache(maxsize=1)
def all_countries() -> tuple[CountryNames, ...]:
    """Every ISO 3166 country that resolves to a canonical record."""
    names = [getattr(c, "common_name", None) or c.name for c in pycountry.countries]
    return tuple(c for c in (lookup_country(n) for n in names) if c is not None)


# Two-letter ISO codes collide with the abbreviations of ordinary text far more often than they
# name a country ("ID cards", "HR department", "IT sector", "a CV", "PR campaign", "TV"), so a
# question's or a passage's two-letter upper-case word is a country only for the codes writers
# do use as names. Three-letter codes ("KHM", "THA") and names are unambiguous enough.
_TWO_LETTER_NAMES = {"US": "US", "UK": "GB"}


def _short_names(countries: list[CountryNames]) -> dict[str, tuple[str, ...]]:
    """Names written with a shorter form of another country's name they open with: "United
    States Minor Outlying Islands" is also "US Minor Outlying Islands", as people write it (and
    the bare "US" there would otherwise name the United States)."""
    written: dict[str, list[str]] = {}
    for code, alpha_2 in _TWO_LETTER_NAMES.items():
        country = lookup_country(alpha_2)  # whether or not it is among ``countries``
        if country is not None:
            written.setdefault(country.name, []).append(code)
    found: dict[str, tuple[str, ...]] = {}
    for country in countries:
        for other, codes in written.items():
            if other != country.name and country.name.startswith(other + " "):
                rest = country.name[len(other):]
                found[country.name] = tuple(code + rest for code in codes)
    return found


def _takes_alias(key: str, country: CountryNames, held: CountryNames) -> bool:
    """Whether ``country`` takes the alias ``key`` from ``held``, which claimed it first.

    A demonym several countries share ("French": France, Réunion, Martinique…) means the most
    populous of them; a country's own name is always its own.
    """
    if held is country or key == held.name.lower():
        return False
    return key == country.name.lower() or _population(country.alpha_2) > _population(held.alpha_2)


class CountryMatcher:
    """Finds mentions of a fixed set of countries in a text, by name, demonym or ISO code.

    Names and demonyms match case-insensitively on word boundaries; three-letter ISO codes (and
    "US", "UK") only as upper-case words, since "IN" or "AT" in lower case are ordinary English.
    """

    def __init__(self, countries: list[CountryNames]) -> None:
        self.countries = {c.name: c for c in countries}
        self._by_code: dict[str, str] = {}
        claimed: dict[str, CountryNames] = {}
        short = _short_names(countries)
        for country in countries:
            for alias in (country.name, *country.aliases, *country.translations, *short.get(country.name, ())):
                # pycountry has a few names with a leading space; they would never match.
                key = alias.strip().lower()
                if not key:
                    continue
                held = claimed.get(key)
                if held is None or _takes_alias(key, country, held):
                    claimed[key] = country
            self._by_code[country.alpha_3] = country.name
        self._by_alias = {key: country.name for key, country in claimed.items()}
        by_alpha_2 = {country.alpha_2: country.name for country in countries}
        for written, alpha_2 in _TWO_LETTER_NAMES.items():
            if alpha_2 in by_alpha_2:
                self._by_code[written] = by_alpha_2[alpha_2]
        aliases = sorted(self._by_alias, key=len, reverse=True)
        # People type the possessive without its apostrophe ("cambodias migrants"); an alias
        # takes that "s" unless the result is an English word ("Turkeys", "Chads")
        self._takes_s = {
            _fold(a) for a in aliases
            if not a.endswith("s") and english_log_frequency(a.lower() + "s") < _ENGLISH_WORD
        }
        # Aliases by their first word, longest first: a text is scanned word by word and only
        # the aliases that can start at a word are tried. One regex alternation of every alias
        # (kept for texts whose lower-casing changes length) cost ~1.4 ms a passage; this ~0.1.
        self._by_first_word: dict[str, list[tuple[str, str]]] = {}
        for alias in aliases:
            folded = _fold(alias)
            first = _WORD.match(folded)
            self._by_first_word.setdefault(first.group(0) if first else "", []).append((folded, alias))
        self._alias_pattern = (
            re.compile(r"(?<!\w)(" + "|".join(map(re.escape, aliases)) + r")(?!\w)", re.IGNORECASE)
            if aliases
            else None
        )
        self._code_pattern = (
            re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, self._by_code)) + r")(?![\w-])")
            if self._by_code
            else None
        )

    def mentions(self, text: str) -> list[tuple[int, int, str]]:
        """Every mention as (start, end, canonical name), in text order. A code inside a longer
        name ("US" in "US Minor Outlying Islands") is part of that name, not a mention."""
        found = self._alias_mentions(text)
        if self._code_pattern is not None:
            named = list(found)
            for match in self._code_pattern.finditer(text):
                start, end = match.span(1)
                if not any(s <= start and end <= e for s, e, _ in named):
                    found.append((start, end, self._by_code[match.group(1)]))
        return sorted(found)

    def _alias_mentions(self, text: str) -> list[tuple[int, int, str]]:
        lowered = _fold(text)
        if len(lowered) != len(text):
            return self._alias_mentions_by_pattern(text)
        found: list[tuple[int, int, str]] = []
        covered_to = 0
        for word in _WORD.finditer(lowered):
            start = word.start()
            if start < covered_to:
                continue
            first = word.group(0)
            tried = (*self._by_first_word.get(first, ()), *self._by_first_word.get(first[:-1], ()))
            for folded, alias in tried:
                end = start + len(folded)
                if lowered.startswith(folded, start) and self._ends_mention(lowered, end, folded):
                    found.append((start, end, self._by_alias[alias]))
                    covered_to = end
                    break
        return found

    def _ends_mention(self, lowered: str, end: int, folded: str) -> bool:
        """Whether an alias matched up to ``end`` ends there: at a word boundary, or before a
        possessive "s" typed without its apostrophe."""
        if not _continues_word(lowered, end):
            return True
        return lowered[end] == "s" and not _continues_word(lowered, end + 1) and folded in self._takes_s

    def _alias_mentions_by_pattern(self, text: str) -> list[tuple[int, int, str]]:
        found: list[tuple[int, int, str]] = []
        if self._alias_pattern is None:
            return found
        for match in self._alias_pattern.finditer(text):
            matched = match.group(1)
            name = self._by_alias.get(matched.lower())
            if name is None:
                # The regex folds case letter by letter ("KIBRIS" matches "kıbrıs") where
                # str.lower() does not; find the alias it matched the same way.
                name = next(
                    (self._by_alias[a] for a in self._by_alias
                     if re.fullmatch(re.escape(a), matched, re.IGNORECASE)),
                    None,
                )
            if name is not None:
                found.append((*match.span(1), name))
        return found

    def find(self, text: str) -> list[str]:
        """Canonical names of the countries mentioned in ``text``, in order of first mention."""
        return list(dict.fromkeys(name for _, _, name in self.mentions(text)))

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Character spans of every mention, so callers can remove them from a text."""
        return [(start, end) for start, end, _ in self.mentions(text)]
