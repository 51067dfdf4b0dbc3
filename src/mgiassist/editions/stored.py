"""Editions and their differences, read from a built index (no model, no vectors loaded).

:func:`list_editions` reads only ``manifest.json``; :func:`diff_editions` reads the manifest and
the stored chunks (``chunks.jsonl``, checked against its SHA-256 in the manifest) of the two
editions it compares: the sections are the ones search cites, not a re-parse of the files.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

from mgiassist.editions.catalogue import Edition, date_matches, editions_of_manifest
from mgiassist.editions.diff import EditionDiff, EditionRef, diff_units, units_of_chunks
from mgiassist.errors import FilterError
from mgiassist.index.layout import CHUNKS
from mgiassist.index.load import valid_manifest
from mgiassist.index.manifest import Manifest, damaged, sha256_of
from mgiassist.schema import FAMILY_LABELS, FAMILY_MAPPING, FAMILY_MGI, Chunk
from mgiassist.text.countries import CountryMatcher, lookup_country

__all__ = [
    "choose_series",
    "diff_editions",
    "diffable_series",
    "list_editions",
    "resolve_family",
    "resolve_place",
]


def _fold(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())


def resolve_family(raw: str | None) -> str | None:
    """"mgi", "MGI profile", "mapping", "eudif", "diaspora-mapping" → the family; None for none."""
    if not raw:
        return None
    key = _fold(raw)
    for family, label in FAMILY_LABELS.items():
        if key in (_fold(family), _fold(label)):
            return family
    if "mgi" in key.split() or "governance" in key or key.startswith("mgi"):
        return FAMILY_MGI
    if any(word in key for word in ("mapping", "diaspora", "eudif")):
        return FAMILY_MAPPING
    raise FilterError(f"unknown family {raw!r}; use mgi-profile or diaspora-mapping")


def resolve_place(raw: str, editions: Sequence[Edition], manifest: Manifest) -> tuple[str, str | None]:
    """``(country, city or None)`` that ``raw`` names among the indexed editions: a country's name,
    ISO code or demonym, or a city ("Accra", "City of Accra", "Accra (Ghana)")."""
    key = _fold(raw)
    for e in editions:
        if e.city and e.country and key in (_fold(e.city), _fold(f"City of {e.city}"), _fold(e.place or "")):
            return e.country, e.city
    countries = {e.country for e in editions if e.country}
    found = [name for name in CountryMatcher(manifest.country_names()).find(raw) if name in countries]
    if not found and (country := lookup_country(raw)) is not None and country.name in countries:
        found = [country.name]
    if not found:
        held = sorted({e.place for e in editions if e.place})
        raise FilterError(f"unknown country {raw!r}; the index holds: {', '.join(held) or 'none'}")
    return found[0], None


def list_editions(index_dir: Path | str, country: str | None = None) -> list[Edition]:
    """Every indexed edition (by place, family, date), or those of one country or city (a
    country's own and its cities')."""
    _, manifest = valid_manifest(Path(index_dir))
    editions = editions_of_manifest(manifest.profiles)
    if country:
        name, city = resolve_place(country, editions, manifest)
        editions = [e for e in editions if e.country == name and (city is None or e.city == city)]
    return editions


def diffable_series(index_dir: Path | str) -> list[dict[str, object]]:
    """The series a diff can compare (two editions or more), for a front end's "What changed"
    choices: ``[{"place", "country", "city", "family", "dates": [oldest … newest]}]``; pass
    ``place`` (or ``country``), ``family`` and two of ``dates`` to :func:`diff_editions`."""
    series: dict[tuple, list[Edition]] = {}
    for e in list_editions(index_dir):
        series.setdefault((e.place, e.country, e.city, e.family), []).append(e)
    return [
        {"place": place, "country": country, "city": city, "family": family,
         "dates": list(dict.fromkeys(e.date or "undated" for e in members))}
        for (place, country, city, family), members in series.items()
        if len({e.position for e in members}) > 1
    ]


def choose_series(editions: Sequence[Edition], place: tuple[str, str | None], family: str | None) -> list[Edition]:
    """The editions (oldest first) of the one series of ``place`` and ``family`` that has two or
    more; a clear error when there is none, or several and no family says which."""
    country, city = place
    shown = f"{city} ({country})" if city else country
    mine = [e for e in editions if e.country == country and e.city == city and (family is None or e.family == family)]
    series: dict[str, list[Edition]] = {}
    for e in mine:
        series.setdefault(e.family, []).append(e)
    several = {f: members for f, members in series.items() if len(members) > 1}
    if not mine:
        what = FAMILY_LABELS.get(family, family) if family else "profile"
        raise FilterError(f"the index holds no {what} of {shown}")
    if not several:
        held = "; ".join(f"{FAMILY_LABELS.get(f, f)}: {m[0].date or 'undated'}" for f, m in series.items())
        raise FilterError(f"the index holds one edition of each profile of {shown} ({held}); a diff needs two")
    if len(several) > 1:
        raise FilterError(f"{shown} has several editions of {' and '.join(sorted(several))}: say which with --family")
    return sorted(next(iter(several.values())), key=lambda e: e.position)


def _pick(series: list[Edition], wanted: str | None, option: str) -> Edition | None:
    if wanted is None:
        return None
    found = [e for e in series if date_matches(e.date, wanted)]
    if not found:
        dates = ", ".join(e.date or "undated" for e in series)
        raise FilterError(f"no edition dated {wanted!r} for {option}; the editions are: {dates}")
    return found[-1]


def _read_chunks(folder: Path, manifest: Manifest, index_dir: Path, sources: set[str]) -> dict[str, list[Chunk]]:
    path = folder / CHUNKS
    record = manifest.files.get(CHUNKS)
    try:
        if record is not None and sha256_of(path) != record.sha256:
            raise damaged(index_dir, [f"{CHUNKS} does not match its checksum"])
        found: dict[str, list[Chunk]] = {source: [] for source in sources}
        # a line names its source as the build wrote it: skip the others without parsing them
        needles = [json.dumps(source, ensure_ascii=False) for source in sources]
        needles += [json.dumps(source) for source in sources]
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                if not line.strip() or not any(needle in line for needle in needles):
                    continue
                data = json.loads(line)
                if data.get("source") in found:
                    found[data["source"]].append(Chunk.from_dict(data))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise damaged(index_dir, [f"{CHUNKS} cannot be read ({exc})"]) from exc
    return found


def diff_editions(
    index_dir: Path | str,
    country: str,
    *,
    family: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
) -> EditionDiff:
    """What changed between two editions of one country's (or city's) profile: by default the
    newest and the one before it; ``date_from``/``date_to`` name others ("2020", "September
    2022")."""
    index_dir = Path(index_dir)
    folder, manifest = valid_manifest(index_dir)
    editions = editions_of_manifest(manifest.profiles)
    place = resolve_place(country, editions, manifest)
    series = choose_series(editions, place, resolve_family(family))
    after = _pick(series, date_to, "--to") or series[-1]
    before = _pick(series, date_from, "--from") or next(
        (e for e in reversed(series) if e.position < after.position), None
    )
    if before is None:
        raise FilterError(f"no edition older than {after.date or after.source} to compare it with; give --from")
    if before.source == after.source:
        raise FilterError(f"--from and --to name the same edition ({after.date or after.source})")
    chunks = _read_chunks(folder, manifest, index_dir, {before.source, after.source})
    changes = diff_units(units_of_chunks(chunks[before.source]), units_of_chunks(chunks[after.source]))
    return EditionDiff(
        country=after.place,
        family=after.family,
        before=EditionRef(before.date, before.source),
        after=EditionRef(after.date, after.source),
        changes=tuple(changes),
    )
