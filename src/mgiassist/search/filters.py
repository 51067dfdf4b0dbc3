"""Filter values (``--country/--family/--domain/--section/--polarity``) resolved against an index.

A value matches a facet exactly (case, spacing and punctuation aside) or as an unambiguous prefix:
``--domain obst`` is "Obstacles", ``--domain x`` is an error listing the domains, and
``--section domain`` (two "Domain definition …" headings) is an error naming both. Sections match
at any heading level: ``--section "Diaspora related institutions"`` keeps everything under it. A
substring is never enough ("x" is not "Annex").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

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

__all__ = ["FILTER_NAMES", "FilterResolver", "Filters", "as_list", "match_value", "normalise"]

FILTER_NAMES = ("country", "family", "domain", "section", "polarity")
SECTION_SEPARATOR = " › "

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

    def active(self) -> bool:
        return any(v for v in (self.country, self.family, self.domain, self.section, self.polarity))


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
        self.facets = {
            "country": sorted({c.country for c in chunks if c.country}),
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
        }
        self._headings = {level: level for s in self.facets["section"] for level in _heading_levels(s)}

    def resolve(self, name: str, raw: str) -> str:
        """The facet value (or, for sections, heading) one filter value names."""
        facets = self.facets[name]
        if name == "country":
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

    def mask(self, filters: Filters | None) -> np.ndarray:
        mask = np.ones(self.count, dtype=bool)
        if filters is None:
            return mask
        for name in FILTER_NAMES:
            values = as_list(getattr(filters, name))
            if not values:
                continue
            wanted = [self.resolve(name, value) for value in values]
            column = self.columns[name]
            if name == "section":
                mask &= np.array([any(_under(w, s) for w in wanted) for s in column], dtype=bool)
            else:
                mask &= np.isin(column, wanted)
        return mask
