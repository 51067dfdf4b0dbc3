"""Filter values (``--country/--family/--domain/--section/--polarity``) resolved against an index.

A value matches a facet exactly (case, spacing and punctuation aside) or as an unambiguous prefix:
``--domain obst`` is "Obstacles", ``--domain x`` is an error listing the domains, and
``--section domain`` (two "Domain definition …" headings) is an error naming both. Sections match
at any heading level: ``--section "Diaspora related institutions"`` keeps everything under it. A
substring is never enough ("x" is not "Annex").

**Editions.** When the index holds several editions of one family for one place (the 2020 and
2022 mappings of Cambodia), only the newest is searched unless ``edition`` names a date ("2020",
"September 2020", "2020-09"; "all" for every edition), or the question names the year of an older
one (:meth:`FilterResolver.mask`'s ``years``). With one edition per profile nothing changes.

**Cities.** A local (city) MGI profile is filed under its country and its place: ``--country
Ghana`` keeps Ghana's national and city profiles, ``--country Accra`` (or "Accra (Ghana)", the
facet's spelling) only the city's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from mgiassist.editions.catalogue import Edition, date_matches, edition_note, group_editions
from mgiassist.errors import FilterError
from mgiassist.schema import (
    FAMILY_LABELS,
    FAMILY_MAPPING,
    FAMILY_MGI,
    FAMILY_OTHER,
    POLARITY_FURTHER_DEVELOPMENT,
    POLARITY_WELL_DEVELOPED,
    Chunk,
)
from mgiassist.text.countries import CountryMatcher, lookup_country

__all__ = ["ALL_EDITIONS", "FILTER_NAMES", "FilterResolver", "Filters", "as_list", "match_value", "normalise"]

FILTER_NAMES = ("country", "family", "domain", "section", "polarity")
SECTION_SEPARATOR = " › "
ALL_EDITIONS = "all"

FAMILY_ALIASES = {
    "mgi": FAMILY_MGI, "mgi-profile": FAMILY_MGI, "mgi profile": FAMILY_MGI,
    "migration governance profile": FAMILY_MGI,
    "mapping": FAMILY_MAPPING, "diaspora": FAMILY_MAPPING, "diaspora-mapping": FAMILY_MAPPING,
    "diaspora engagement mapping": FAMILY_MAPPING, "eudif": FAMILY_MAPPING,
    "other": FAMILY_OTHER, "profile": FAMILY_OTHER,
}
POLARITY_ALIASES = {
    "well-developed": POLARITY_WELL_DEVELOPED, "well developed": POLARITY_WELL_DEVELOPED,
    "strength": POLARITY_WELL_DEVELOPED, "strengths": POLARITY_WELL_DEVELOPED,
    "positive": POLARITY_WELL_DEVELOPED,
    "further-development": POLARITY_FURTHER_DEVELOPMENT, "further development": POLARITY_FURTHER_DEVELOPMENT,
    "potential for further development": POLARITY_FURTHER_DEVELOPMENT,
    "weakness": POLARITY_FURTHER_DEVELOPMENT, "weaknesses": POLARITY_FURTHER_DEVELOPMENT,
    "gap": POLARITY_FURTHER_DEVELOPMENT, "gaps": POLARITY_FURTHER_DEVELOPMENT,
}


@dataclass
class Filters:
    country: str | Sequence[str] | None = None
    family: str | Sequence[str] | None = None
    domain: str | Sequence[str] | None = None
    section: str | Sequence[str] | None = None
    polarity: str | Sequence[str] | None = None
    # which editions: a date ("2020", "September 2020") or "all"; None: the newest of each
    edition: str | Sequence[str] | None = None

    def active(self) -> bool:
        return any(v for v in (self.country, self.family, self.domain, self.section, self.polarity,
                               self.edition))


def as_list(value: str | Sequence[str] | None) -> list[str]:
    if value is None or value == "":
        return []
    return [value] if isinstance(value, str) else [v for v in value if v]


def normalise(text: str) -> str:
    """Case, apostrophes, punctuation and spacing folded: "Migrants’ Rights" → "migrants rights"."""
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())


def _shown(values: Sequence[str], limit: int = 20) -> str:
    return ", ".join(values[:limit]) + (", …" if len(values) > limit else "") if values else "none"


def match_value(
    name: str,
    raw: str,
    names: dict[str, str],
    *,
    contains: Callable[[str, str], bool] = lambda a, b: a == b,
) -> str:
    """The canonical value ``raw`` names among ``names`` (spelling → canonical value).

    Exact first, then prefix; a prefix is unambiguous when its matches come to one value, or (via
    ``contains``) to one value that holds all the others (a heading and the headings under it).
    """
    key = normalise(raw)
    if not key:
        raise FilterError(f"empty {name} filter; the index holds: {_shown(sorted(set(names.values())))}")
    exact = {value for spelling, value in names.items() if normalise(spelling) == key}
    found = exact or {value for spelling, value in names.items() if normalise(spelling).startswith(key)}
    if len(found) > 1:
        roots = [v for v in found if all(contains(v, other) for other in found)]
        found = set(roots[:1]) if roots else found
    if len(found) == 1:
        return found.pop()
    if found:
        raise FilterError(f"ambiguous {name} {raw!r}: it could be {_shown(sorted(found))}; say which")
    raise FilterError(f"unknown {name} {raw!r}; the index holds: {_shown(sorted(set(names.values())))}")


def _heading_levels(section: str) -> Iterable[str]:
    """"A › B › C" → "A", "A › B", "A › B › C" and each single heading "B", "C"."""
    parts = section.split(SECTION_SEPARATOR)
    for n in range(1, len(parts) + 1):
        yield SECTION_SEPARATOR.join(parts[:n])
    yield from parts[1:]


def _under(parent: str, child: str) -> bool:
    return child == parent or child.startswith(parent + SECTION_SEPARATOR) or child.endswith(
        SECTION_SEPARATOR + parent
    ) or (SECTION_SEPARATOR + parent + SECTION_SEPARATOR) in child


class FilterResolver:
    """Turns filter values into a boolean mask over an index's chunks."""

    def __init__(self, chunks: Sequence[Chunk], matcher: CountryMatcher) -> None:
        self.matcher = matcher
        self.count = len(chunks)
        places = {c.place: c for c in chunks if c.city and c.country}
        self.facets = {
            # a city profile's place ("Accra (Ghana)") is listed beside the countries
            "country": sorted({c.country for c in chunks if c.country} | set(places)),
            "family": sorted({c.family for c in chunks}),
            "domain": sorted({c.domain for c in chunks if c.domain}),
            "section": sorted({c.section for c in chunks if c.section}),
            "polarity": sorted({c.polarity for c in chunks if c.polarity}),
        }
        self.columns = {
            "country": np.array([c.country or "" for c in chunks], dtype=object),
            "family": np.array([c.family for c in chunks], dtype=object),
            "domain": np.array([c.domain for c in chunks], dtype=object),
            "section": np.array([c.section for c in chunks], dtype=object),
            "polarity": np.array([c.polarity or "" for c in chunks], dtype=object),
            "place": np.array([c.place or "" for c in chunks], dtype=object),
        }
        # "accra", "city of accra", "accra (ghana)" → "Accra (Ghana)"
        self._cities = {
            normalise(spelling): place
            for place, c in places.items()
            for spelling in (place, c.city or "", f"City of {c.city}")
        }
        self._init_editions(chunks)
        self._headings = {level: level for s in self.facets["section"] for level in _heading_levels(s)}

    def resolve(self, name: str, raw: str) -> str:
        """The facet value (or, for sections, heading) one filter value names."""
        facets = self.facets[name]
        if name == "country":
            if (place := self._cities.get(normalise(raw))) is not None:
                return place
            found = [f for f in self.matcher.find(raw) if f in facets]
            if not found and (country := lookup_country(raw)) is not None and country.name in facets:
                found = [country.name]
            return found[0] if found else match_value(name, raw, {f: f for f in facets})
        if name == "family":
            spellings = {f: f for f in facets}
            spellings.update({FAMILY_LABELS.get(f, f): f for f in facets})
            spellings.update({alias: f for alias, f in FAMILY_ALIASES.items() if f in facets})
            return match_value(name, raw, spellings)
        if name == "polarity":
            spellings = {p: p for p in facets}
            spellings.update({alias: p for alias, p in POLARITY_ALIASES.items() if p in facets})
            return match_value(name, raw, spellings)
        if name == "domain":
            return match_value(name, raw, {d: d for d in facets})
        return match_value(name, raw, self._headings, contains=_under)

    def mask(self, filters: Filters | None, *, years: Sequence[int] = ()) -> np.ndarray:
        """Which chunks the filters allow: their facets, and the editions they ask for (the
        newest of each series unless ``filters.edition`` names a date, or ``years`` — the years a
        question names — the year of an older edition of a series)."""
        mask = np.ones(self.count, dtype=bool)
        if filters is not None:
            for name in FILTER_NAMES:
                values = as_list(getattr(filters, name))
                if not values:
                    continue
                wanted = [self.resolve(name, value) for value in values]
                column = self.columns[name]
                if name == "section":
                    mask &= np.array([any(_under(w, s) for w in wanted) for s in column], dtype=bool)
                elif name == "country":
                    mask &= np.isin(column, wanted) | np.isin(self.columns["place"], wanted)
                else:
                    mask &= np.isin(column, wanted)
        return mask & self.edition_mask(filters.edition if filters is not None else None, years)

    def cities_in(self, text: str) -> list[str]:
        """The indexed cities' places ("Accra (Ghana)") a text names ("What does Accra offer?")."""
        if not self._cities:
            return []
        words = f" {normalise(text)} "
        places = {place for spelling, place in self._cities.items() if f" {spelling} " in words}
        return sorted(places)

    # -- editions ---------------------------------------------------------------------------

    def _init_editions(self, chunks: Sequence[Chunk]) -> None:
        records: dict[str, Edition] = {}
        for c in chunks:
            if c.source not in records:
                records[c.source] = Edition(c.source, c.family, c.country, c.city, c.date, c.title)
        self.series = group_editions(records.values())
        self.editions = {e.source: e for members in self.series.values() for e in members}
        self._sources, self._source_codes = np.unique(
            np.array([c.source for c in chunks], dtype=object).astype(str), return_inverse=True
        )
        self.several_editions = any(len(members) > 1 for members in self.series.values())
        self._newest = self._sources_mask({e.source for e in self.editions.values() if e.newest})

    def _sources_mask(self, sources: set[str]) -> np.ndarray:
        if not self.count:
            return np.ones(0, dtype=bool)
        codes = np.flatnonzero(np.isin(self._sources, list(sources)))
        return np.isin(self._source_codes, codes)

    def edition_note(self, source: str) -> str | None:
        """"newest of 3 editions" for a profile with older editions indexed, else None."""
        edition = self.editions.get(source)
        return edition_note(edition.position, edition.count) if edition else None

    def resolve_editions(self, values: Sequence[str]) -> set[str] | None:
        """The sources of the editions ``values`` name (dates, or "all": None, every one)."""
        if any(normalise(v) == ALL_EDITIONS for v in values):
            return None
        found = {e.source for e in self.editions.values() if any(date_matches(e.date, v) for v in values)}
        if not found:
            dates = sorted({e.date for e in self.editions.values() if e.date})
            raise FilterError(f"no edition dated {', '.join(values)!s}; the index holds editions of: "
                              f"{_shown(dates)} (or \"all\")")
        return found

    def edition_mask(self, edition: str | Sequence[str] | None, years: Sequence[int] = ()) -> np.ndarray:
        values = as_list(edition)
        if values:
            sources = self.resolve_editions(values)
            return np.ones(self.count, dtype=bool) if sources is None else self._sources_mask(sources)
        if not self.several_editions:
            return np.ones(self.count, dtype=bool)
        if not years:
            return self._newest
        chosen = set()
        for members in self.series.values():
            asked = [e for e in members if any(date_matches(e.date, str(y)) for y in years)]
            chosen.add((asked or members)[-1].source)
        return self._sources_mask(chosen)
