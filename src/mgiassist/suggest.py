"""Guidance built from the index: what is indexed, example questions, suggested follow-ups.

Nothing here is written for one country: the indexed profiles come from the index manifest,
the example questions from the structure of the chunks (an MGI domain's well-developed areas
and areas with potential for further development; a mapping's timeline, obstacles, practices,
institutions), and a follow-up from where an answer's first citation sits in its profile (the
same domain's other polarity, the neighbouring sections).

>>> guide = Guide(loaded_index.chunks, loaded_index.manifest)
>>> guide.examples()[:2]
['Which areas of migrants' rights need further development in Cambodia?', ...]
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mgiassist.schema import (
    FAMILY_LABELS,
    POLARITY_FURTHER_DEVELOPMENT,
    POLARITY_WELL_DEVELOPED,
    Chunk,
    place_label,
)

if TYPE_CHECKING:
    from mgiassist.index.manifest import Manifest

__all__ = [
    "FILTER_LABELS",
    "POLARITY_LABELS",
    "Guide",
    "IndexedProfile",
    "describe_filters",
    "filter_value_label",
    "index_version",
    "indexed_profiles",
]

POLARITY_LABELS = {
    POLARITY_WELL_DEVELOPED: "Well-developed areas",
    POLARITY_FURTHER_DEVELOPMENT: "Areas with potential for further development",
}
FILTER_LABELS = {
    "country": "Country",
    "family": "Profile family",
    "domain": "Domain",
    "polarity": "Polarity",
}
_OTHER_POLARITY = {
    POLARITY_WELL_DEVELOPED: POLARITY_FURTHER_DEVELOPMENT,
    POLARITY_FURTHER_DEVELOPMENT: POLARITY_WELL_DEVELOPED,
}

# Questions by the kind of unit the chunker found; "{country}" is filled in, "{topic}" is the
# domain (first heading) in lower case. A kind without a template falls back to _BY_TOPIC.
_BY_KIND = {
    "right": "What rights do citizens of {country} have while living abroad?",
    "timeline": "Which diaspora policies has {country} adopted, and when?",
    "obstacle": "What are the obstacles to diaspora engagement in {country}?",
    "practice": "Which diaspora engagement practices stand out in {country}?",
    "actor": "Which institutions in {country} work with the diaspora?",
    "figures": "What are the key facts and figures on {country}'s diaspora?",
}
_BY_POLARITY = {
    POLARITY_WELL_DEVELOPED: "Which areas of {topic} are well developed in {country}?",
    POLARITY_FURTHER_DEVELOPMENT: "Which areas of {topic} need further development in {country}?",
}
_BY_TOPIC = "What do the profiles say about {topic} in {country}?"
_SKIPPED_KINDS = {"definition", "table"}  # domain definitions and raw tables make poor questions
# The order in which kinds are offered as examples: a mix of both families first.
_EXAMPLE_ORDER = (
    POLARITY_FURTHER_DEVELOPMENT,
    "right",
    "obstacle",
    POLARITY_WELL_DEVELOPED,
    "timeline",
    "practice",
    "actor",
    "figures",
)


@dataclass(frozen=True)
class IndexedProfile:
    country: str | None
    family: str
    title: str
    date: str | None
    source: str
    city: str | None = None  # a local (city) profile's city

    @property
    def place(self) -> str | None:
        """"Cambodia", or "Accra (Ghana)" for a city profile."""
        return place_label(self.country, self.city)

    @property
    def family_label(self) -> str:
        return FAMILY_LABELS.get(self.family, self.family)

    def label(self) -> str:
        """e.g. "MGI profile, February 2021"."""
        return f"{self.family_label}, {self.date}" if self.date else self.family_label


def indexed_profiles(manifest: Manifest | None) -> list[IndexedProfile]:
    """The profiles an index holds (from its manifest), by country then family then date."""
    profiles = [
        IndexedProfile(
            country=entry.country,
            family=entry.family if entry.family is not None else "",
            title=entry.title if entry.title is not None else source,
            date=entry.date,
            source=source,
            city=entry.city,
        )
        for source, entry in (manifest.profiles if manifest is not None else {}).items()
    ]
    return sorted(profiles, key=lambda p: (p.country or "~", p.family, p.date or "", p.source))


def index_version(manifest: Manifest | None) -> str:
    """A short, stable name for one build of an index: its content hash and build time.

    The hash covers the profiles' content hashes, the model and the chunker version, so two
    indexes of the same corpus built the same way share it; the time tells rebuilds apart.
    No index (``None``) has a name too, the hash of nothing."""
    if manifest is None:
        material, built = "\n", ""
    else:
        profiles = manifest.profiles
        material = "\n".join(
            [
                manifest.model_id,
                str(manifest.chunker_version),
                *(f"{s}:{profiles[s].content_hash}" for s in sorted(profiles)),
            ]
        )
        built = (manifest.built_at or "").strip()
    digest = hashlib.sha256(material.encode("utf-8")).hexdigest()[:10]
    return f"{digest} built {built}" if built else digest


def filter_value_label(name: str, value: str) -> str:
    """The readable form of one filter value: labels, not slugs."""
    if name == "polarity":
        return POLARITY_LABELS.get(value, value)
    if name == "family":
        return FAMILY_LABELS.get(value, value)
    return value


def describe_filters(filters: Mapping[str, Any] | None) -> str:
    """e.g. "Country: Cambodia · Polarity: Areas with potential for further development"; "" if none."""
    parts = []
    for name, value in (filters or {}).items():
        if value:
            values = value if isinstance(value, list | tuple) else [value]
            shown = ", ".join(filter_value_label(name, str(v)) for v in values)
            parts.append(f"{FILTER_LABELS.get(name, name.capitalize())}: {shown}")
    return " · ".join(parts)


def _topic(domain: str) -> str:
    # "Migrants' rights" -> "migrants' rights"; an acronym or a name ("EU partnerships") stays.
    if len(domain) > 1 and domain[0].isupper() and domain[1].islower():
        return domain[0].lower() + domain[1:]
    return domain


def _question(chunk: Chunk, country: str) -> tuple[str, str] | None:
    """(the kind of question, the question) a chunk suggests, or None."""
    if chunk.polarity in _BY_POLARITY:
        template, key = _BY_POLARITY[chunk.polarity], chunk.polarity
    elif chunk.kind in _BY_KIND:
        template, key = _BY_KIND[chunk.kind], chunk.kind
    elif chunk.kind in _SKIPPED_KINDS or not chunk.domain:
        return None
    else:
        template, key = _BY_TOPIC, f"topic:{chunk.domain}"
    return key, template.format(country=country, topic=_topic(chunk.domain))


class Guide:
    """Example questions and follow-ups for one loaded index (chunks in profile order)."""

    def __init__(self, chunks: Sequence[Chunk], manifest: Manifest | None = None) -> None:
        self.chunks = list(chunks)
        self.manifest = manifest
        self.profiles = indexed_profiles(self.manifest)
        self.version = index_version(self.manifest)
        self._position = {c.chunk_id: i for i, c in enumerate(self.chunks)}

    @property
    def countries(self) -> list[str]:
        found = {p.country for p in self.profiles if p.country}
        found |= {c.country for c in self.chunks if c.country}
        return sorted(found)

    def _questions_by_kind(self, country: str) -> dict[str, str]:
        questions: dict[str, str] = {}
        for chunk in self.chunks:
            if chunk.country != country:
                continue
            found = _question(chunk, country)
            if found and found[0] not in questions:
                questions[found[0]] = found[1]
        return questions

    def examples(self, limit: int = 5) -> list[str]:
        """Example questions, taking the countries in turn so each indexed country is asked about."""
        per_country = []
        for country in self.countries:
            by_kind = self._questions_by_kind(country)
            ordered = [by_kind.pop(k) for k in _EXAMPLE_ORDER if k in by_kind]
            per_country.append(ordered + list(by_kind.values()))
        examples: list[str] = []
        for turn in range(max((len(q) for q in per_country), default=0)):
            for questions in per_country:
                if turn < len(questions) and len(examples) < limit:
                    examples.append(questions[turn])
        return examples

    def compare_example(self) -> str:
        """A question worth asking of every country (for the Compare tab's placeholder)."""
        kinds = {c.kind for c in self.chunks} | {c.polarity for c in self.chunks if c.polarity}
        if "right" in kinds:
            return "What rights do citizens have while living abroad?"
        if POLARITY_FURTHER_DEVELOPMENT in kinds:
            return "Which areas of migration governance need further development?"
        return "What do the profiles say about diaspora engagement?"

    def follow_ups(self, record: Mapping[str, Any], limit: int = 3) -> list[str]:
        """Questions that go on from one answer: the same domain's other polarity, then the
        neighbouring sections of its first cited passage. An answer with no citation gets the
        example questions for the country it was narrowed to (or for the whole index)."""
        asked = {str(record.get("question", "")).strip().lower()}
        cited = [c.get("chunk_id") for c in record.get("citations") or []]
        first = next((self.chunks[self._position[i]] for i in cited if i in self._position), None)
        candidates: list[str] = []
        if first is not None and first.country:
            candidates += self._other_polarity(first)
            candidates += self._neighbours(first)
        else:
            country = (record.get("filters") or {}).get("country")
            candidates += (
                list(self._questions_by_kind(country).values()) if country else self.examples()
            )
        chosen: list[str] = []
        for question in candidates:
            if question.lower() not in asked and question not in chosen:
                chosen.append(question)
            if len(chosen) == limit:
                break
        return chosen

    def _other_polarity(self, chunk: Chunk) -> list[str]:
        other = _OTHER_POLARITY.get(chunk.polarity or "")
        if not other:
            return []
        exists = any(
            c.source == chunk.source and c.domain == chunk.domain and c.polarity == other
            for c in self.chunks
        )
        if not exists:
            return []
        return [_BY_POLARITY[other].format(country=chunk.country, topic=_topic(chunk.domain))]

    def _neighbours(self, chunk: Chunk) -> list[str]:
        """Questions about the domains just before and after this chunk's in the same profile."""
        same_profile = [c for c in self.chunks if c.source == chunk.source]
        domains = list(dict.fromkeys(c.domain for c in same_profile if c.domain))
        if chunk.domain not in domains:
            return []
        at = domains.index(chunk.domain)
        questions = []
        for neighbour in (domains[at + 1 : at + 2] + domains[max(at - 1, 0) : at]):
            for candidate in same_profile:
                if candidate.domain != neighbour:
                    continue
                found = _question(candidate, chunk.country or "")
                if found:
                    questions.append(found[1])
                    break
        return questions
