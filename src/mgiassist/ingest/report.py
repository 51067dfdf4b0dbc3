"""The ingestion report: per file, what was recognised and what looks missing."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from mgiassist.schema import FAMILY_LABELS, FAMILY_MAPPING, FAMILY_MGI, Profile

__all__ = ["IngestionReport", "ingestion_report"]


@dataclass
class IngestionReport:
    source: str
    format: str
    family: str
    country: str | None
    date: str | None
    sections: int
    findings: int
    footnotes: int
    tables: int
    warnings: list[str] = field(default_factory=list)
    place: str | None = None  # "Accra (Ghana)" for a city profile, else the country

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def line(self) -> str:
        family = FAMILY_LABELS.get(self.family, self.family)
        what = ", ".join(p for p in (self.place or self.country, family, self.date or "no date") if p)
        counts = (f"{self.sections} sections, {self.findings} findings, {self.footnotes} footnotes, "
                  f"{self.tables} tables")
        return f"{self.source} [{self.format}]: {what}; {counts}"


def _cited_numbers(profile: Profile) -> set[int]:
    import re

    from mgiassist.ingest.blocks import SUPERSCRIPTS

    value = {ch: str(i) for i, ch in enumerate(SUPERSCRIPTS)}
    numbers: set[int] = set()
    for section in profile.sections:
        for run in re.findall(f"[{SUPERSCRIPTS}]+", section.text):
            numbers.add(int("".join(value[c] for c in run)))
    return numbers


def ingestion_report(profile: Profile) -> IngestionReport:
    ingest = profile.metadata.get("ingest", {})
    footnote_numbers = {f.number for s in profile.sections for f in s.footnotes}
    defined = {n["number"] for n in profile.metadata.get("footnotes", [])} | footnote_numbers
    warnings = list(ingest.get("warnings", []))
    if ingest.get("parser") == "generic":
        reason = ingest.get("fallback")
        warnings.append("parsed only by the generic fallback (headings and paragraphs)"
                        + (f": {reason.split(': ', 1)[-1]}" if reason else ""))
    undefined = sorted(_cited_numbers(profile) - defined)
    if undefined:
        warnings.append(f"footnote markers without definitions: {', '.join(map(str, undefined))}")
    kinds = [s.kind for s in profile.sections]
    if profile.family == FAMILY_MAPPING and "actor" not in kinds:
        warnings.append("a mapping without its annex of actors")
    if profile.family in (FAMILY_MGI, FAMILY_MAPPING) and not profile.date:
        warnings.append("no date recognised")
    if profile.country is None:
        warnings.append("no country recognised")
    return IngestionReport(
        source=profile.source,
        format=ingest.get("format", "text"),
        family=profile.family,
        country=profile.country,
        date=profile.date,
        sections=len(profile.sections),
        findings=kinds.count("finding"),
        footnotes=len(footnote_numbers | {n["number"] for n in profile.metadata.get("footnotes", [])}),
        tables=kinds.count("table"),
        warnings=warnings,
        place=profile.place,
    )
