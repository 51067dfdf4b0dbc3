"""The small records passed between pipeline stages.

Ingest produces a :class:`Profile` made of :class:`Section` units; chunking turns sections into
:class:`Chunk` records; search returns :class:`Hit` records, each with a :class:`Citation` built
only from chunk metadata so that the same chunk is always cited the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

__all__ = [
    "FAMILY_LABELS",
    "FAMILY_MAPPING",
    "FAMILY_MGI",
    "FAMILY_OTHER",
    "POLARITIES",
    "POLARITY_FURTHER_DEVELOPMENT",
    "POLARITY_WELL_DEVELOPED",
    "Chunk",
    "Citation",
    "Footnote",
    "Hit",
    "Profile",
    "SearchResult",
    "Section",
    "place_label",
]

FAMILY_MGI = "mgi-profile"
FAMILY_MAPPING = "diaspora-mapping"
FAMILY_OTHER = "other"
FAMILY_LABELS = {
    FAMILY_MGI: "MGI profile",
    FAMILY_MAPPING: "Diaspora engagement mapping",
    FAMILY_OTHER: "Profile",
}

POLARITY_WELL_DEVELOPED = "well-developed"
POLARITY_FURTHER_DEVELOPMENT = "further-development"
POLARITIES = (POLARITY_WELL_DEVELOPED, POLARITY_FURTHER_DEVELOPMENT)


@dataclass(frozen=True)
class Footnote:
    number: int
    text: str
    urls: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"number": self.number, "text": self.text, "urls": list(self.urls)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Footnote:
        return cls(number=int(data["number"]), text=data["text"], urls=tuple(data["urls"]))


def place_label(country: str | None, city: str | None) -> str | None:
    """"Accra (Ghana)" for a city of a country, the city or the country alone otherwise."""
    if city and country:
        return f"{city} ({country})"
    return city or country


class _HeadingPathMixin:
    """``domain`` is the first heading (an MGI domain or a mapping part); ``section`` the rest."""

    heading_path: tuple[str, ...]

    @property
    def domain(self) -> str:
        return self.heading_path[0] if self.heading_path else ""

    @property
    def section(self) -> str:
        return " › ".join(self.heading_path[1:])


@dataclass
class Section(_HeadingPathMixin):
    """The smallest structural unit of a profile: a finding, a timeline entry, a paragraph group.

    ``heading_path`` starts with the domain (an MGI domain, or a top-level part of a mapping such
    as "Political rights") and goes down to the unit's own title.
    """

    heading_path: tuple[str, ...]
    text: str
    kind: str = "paragraph"
    polarity: str | None = None
    footnotes: tuple[Footnote, ...] = ()
    attributes: dict[str, Any] = field(default_factory=dict)
    # where the section starts in its file, for a source viewer: {"page": 3 or None, "offset": n}
    origin: dict[str, Any] | None = None


@dataclass
class Profile:
    source: str
    family: str
    country: str | None
    country_code: str | None
    title: str
    date: str | None
    content_hash: str
    sections: list[Section] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    # a local (city) profile's city, e.g. "Accra" for "Migration Governance Profile: City of
    # Accra"; ``country`` is then the city's country. None for a national profile.
    city: str | None = None

    @property
    def place(self) -> str | None:
        return place_label(self.country, self.city)


@dataclass
class Chunk(_HeadingPathMixin):
    chunk_id: str
    source: str
    family: str
    country: str | None
    country_code: str | None
    title: str
    date: str | None
    heading_path: tuple[str, ...]
    kind: str
    polarity: str | None
    text: str
    embed_text: str
    footnotes: tuple[Footnote, ...] = ()
    attributes: dict[str, Any] = field(default_factory=dict)
    # the city of a local (city) MGI profile; None (and not written) for a national profile
    city: str | None = None

    @property
    def place(self) -> str | None:
        """"Accra (Ghana)" for a city profile's chunk, the country otherwise."""
        return place_label(self.country, self.city)

    def to_dict(self) -> dict[str, Any]:
        # not dataclasses.asdict: its deep copy costs seconds on a large corpus
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["heading_path"] = list(self.heading_path)
        data["footnotes"] = [f.to_dict() for f in self.footnotes]
        if data["city"] is None:
            del data["city"]  # a national profile's chunks are written as before
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Chunk:
        values = dict(data)
        values["heading_path"] = tuple(values["heading_path"])
        values["footnotes"] = tuple(Footnote.from_dict(f) for f in values.get("footnotes", ()))
        return cls(**values)


@dataclass(frozen=True)
class Citation:
    country: str | None
    family: str
    title: str
    date: str | None
    domain: str
    section: str
    source: str
    footnotes: tuple[Footnote, ...] = ()
    # a city profile's city ("Accra"; the label then says "Accra (Ghana)")
    city: str | None = None
    # set when the index holds several editions of the profile: "newest of 3 editions"
    edition_note: str | None = None

    @classmethod
    def from_chunk(cls, chunk: Chunk, *, edition_note: str | None = None) -> Citation:
        return cls(
            country=chunk.country,
            family=chunk.family,
            title=chunk.title,
            date=chunk.date,
            domain=chunk.domain,
            section=chunk.section,
            source=chunk.source,
            footnotes=chunk.footnotes,
            city=chunk.city,
            edition_note=edition_note,
        )

    @property
    def place(self) -> str | None:
        return place_label(self.country, self.city)

    def label(self) -> str:
        """One readable line, e.g. "Cambodia · MGI profile, February 2021 · Migrants' rights › …";
        a city profile reads "Accra (Ghana) · …", an edition among several "…, September 2022
        (newest of 2 editions) · …"."""
        family = FAMILY_LABELS.get(self.family, self.family)
        where = f"{family}, {self.date}" if self.date else family
        if self.edition_note:
            where = f"{where} ({self.edition_note})"
        path = " › ".join(p for p in (self.domain, self.section) if p)
        return " · ".join(p for p in (self.place, where, path) if p)

    def to_dict(self) -> dict[str, Any]:
        return {
            "country": self.country,
            "family": self.family,
            "title": self.title,
            "date": self.date,
            "domain": self.domain,
            "section": self.section,
            "source": self.source,
            "footnotes": [f.to_dict() for f in self.footnotes],
            # present only when they apply, so a national profile's citation keeps its keys
            **({"city": self.city} if self.city else {}),
            **({"edition_note": self.edition_note} if self.edition_note else {}),
        }


@dataclass
class Hit:
    rank: int
    score: float
    chunk: Chunk
    citation: Citation
    dense_score: float = 0.0
    lexical_score: float = 0.0
    # share of the question's content terms (analysed, with acronym/typo expansions) the passage holds
    coverage: float = 0.0
    matched_terms: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "score": round(float(self.score), 6),
            "chunk_id": self.chunk.chunk_id,
            "text": self.chunk.text,
            "citation": self.citation.to_dict(),
        }


@dataclass
class SearchResult:
    query: str
    search_query: str
    abstained: bool
    hits: list[Hit]
    countries: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    # what the question's cue words ask for: {"cues": [...], "polarity": ..., "kinds": [...]}
    intent: dict[str, Any] | None = None
    # words added to the query: "TVET → Technical and Vocational …", "migrnats → migrants"
    expansions: tuple[str, ...] = ()
    # the analysed content terms of the question that Hit.coverage is measured against
    query_terms: tuple[str, ...] = ()
    # What the search found about the question, for the answer step (``notes`` say the same in
    # words for people; nothing parses them): the countries it names that no indexed text names,
    # the language it reads as when not English ("french", "other-script"), and whether the
    # filters left no passage at all.
    uncovered_countries: tuple[str, ...] = ()
    language: str | None = None
    nothing_in_filters: bool = False
    # the question's misspelt words and the indexed words the search read them as
    # (("obstacels", "obstacles"), ...): the answer step reads the question corrected
    corrections: tuple[tuple[str, str], ...] = ()

    @property
    def contextualised(self) -> bool:
        return self.search_query != self.query

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "search_query": self.search_query,
            "abstained": self.abstained,
            "results": [hit.to_dict() for hit in self.hits],
        }
