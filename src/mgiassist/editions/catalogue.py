"""Editions: which indexed profiles are publications of the same family for the same place.

An edition is one publication of one family (MGI profile, diaspora engagement mapping) for one
country or city: the mapping's "Updated September 2022", the MGI's "February 2021". Profiles of
the same family and place are editions of one series, ordered by their date (then by file name,
so an undated edition sorts first and the order is stable). The newest edition answers by default;
an older one when asked by date (``--edition 2020``, "in 2020").

Everything here is pure: it works on ``(source, family, country, city, date)`` records, whether
they come from a manifest's profile entries or from chunks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mgiassist.schema import FAMILY_LABELS, FAMILY_OTHER, place_label

__all__ = [
    "Edition",
    "SeriesKey",
    "date_key",
    "date_matches",
    "edition_note",
    "editions_of_manifest",
    "group_editions",
    "question_years",
    "series_of",
]

_MONTHS = {
    name: number
    for number, names in enumerate(
        (("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
         ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
         ("october", "oct"), ("november", "nov"), ("december", "dec")),
        start=1,
    )
    for name in names
}
_YEAR = re.compile(r"(?<!\d)(19\d{2}|20\d{2})(?!\d)")
_ISO = re.compile(r"^\s*(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?\s*$")

# (family, country, city): the series an edition belongs to
SeriesKey = tuple[str, str | None, str | None]


def date_key(text: str | None) -> tuple[int, int] | None:
    """``(year, month)`` of a date as profiles and users write it: "September 2022", "2022
    September", "Sept. 2022", "2022-09", "2022" (month 0). None when it names no year."""
    if not text:
        return None
    iso = _ISO.match(text)
    if iso:
        month = int(iso.group(2) or 0)
        return (int(iso.group(1)), month if 0 <= month <= 12 else 0)
    years = _YEAR.findall(text)
    if not years:
        return None
    month = 0
    for word in re.findall(r"[A-Za-z]+", text):
        if word.lower() in _MONTHS:
            month = _MONTHS[word.lower()]
            break
    return (int(years[0]), month)


def date_matches(date: str | None, wanted: str) -> bool:
    """Whether an edition dated ``date`` is the one ``wanted`` names: the same year, and the same
    month when ``wanted`` names one ("2022" matches "September 2022"; "2022-05" does not)."""
    have, want = date_key(date), date_key(wanted)
    if have is None or want is None:
        return bool(date) and " ".join(date.split()).casefold() == " ".join(wanted.split()).casefold()
    return have[0] == want[0] and (want[1] == 0 or have[1] == want[1])


def question_years(text: str) -> list[int]:
    """The years a question names ("What did the 2020 mapping say?" → [2020])."""
    return [int(y) for y in _YEAR.findall(text)]


@dataclass(frozen=True)
class Edition:
    """One indexed publication of one family for one country or city."""

    source: str
    family: str
    country: str | None
    city: str | None
    date: str | None
    title: str | None = None
    chunks: int = 0
    position: int = 1  # 1 = the oldest of its series
    count: int = 1  # editions in its series

    @property
    def key(self) -> SeriesKey:
        return (self.family, self.country, self.city)

    @property
    def place(self) -> str | None:
        return place_label(self.country, self.city)

    @property
    def newest(self) -> bool:
        return self.position == self.count

    @property
    def note(self) -> str | None:
        return edition_note(self.position, self.count)

    def to_dict(self) -> dict[str, Any]:
        return {
            "family": self.family,
            "country": self.country,
            "city": self.city,
            "place": self.place,
            "date": self.date,
            "source": self.source,
            "title": self.title,
            "newest": self.newest,
            "edition": self.position,
            "editions": self.count,
            "chunks": self.chunks,
        }

    def label(self) -> str:
        family = FAMILY_LABELS.get(self.family, self.family)
        return f"{self.place or 'unknown country'} · {family}, {self.date or 'undated'}"


def edition_note(position: int, count: int) -> str | None:
    """"newest of 3 editions", "edition 1 of 3 (not the newest)"; None for a single edition."""
    if count < 2:
        return None
    if position == count:
        return f"newest of {count} editions"
    return f"edition {position} of {count}, not the newest"


def _order(edition: Edition) -> tuple[tuple[int, int], str]:
    return (date_key(edition.date) or (0, 0), edition.source)


def group_editions(records: Iterable[Edition]) -> dict[SeriesKey, list[Edition]]:
    """Series → its editions, oldest first, each with its position and the series' count (of
    distinct dates: files of the same date are one edition, and both answer).

    A profile of no known family or country is a series of its own (its country is only a guess
    from its text): it is never hidden behind another file."""
    series: dict[SeriesKey, list[Edition]] = {}
    for record in records:
        key: Any = record.key
        if record.family == FAMILY_OTHER or not record.country:
            key = ("", None, record.source)
        series.setdefault(key, []).append(record)
    grouped = {}
    for key, members in series.items():
        ordered = sorted(members, key=_order)
        # files of one date are one edition (two renderings of a profile, an undated pair):
        # neither hides the other
        dates = sorted({date_key(e.date) or (0, 0) for e in ordered})
        grouped[key] = [
            Edition(**{**e.__dict__, "position": dates.index(date_key(e.date) or (0, 0)) + 1, "count": len(dates)})
            for e in ordered
        ]
    return grouped


def editions_of_manifest(profiles: Mapping[str, Any]) -> list[Edition]:
    """Every indexed edition, from a manifest's ``profiles`` (:class:`ProfileEntry` records or
    their JSON), by place, family and date."""
    records = []
    for source, entry in profiles.items():
        get = entry.get if isinstance(entry, Mapping) else lambda name, e=entry: getattr(e, name, None)
        records.append(Edition(source=source, family=get("family") or FAMILY_OTHER, country=get("country"),
                               city=get("city"), date=get("date"), title=get("title"),
                               chunks=int(get("chunks") or 0)))
    editions = [e for members in group_editions(records).values() for e in members]
    return sorted(editions, key=lambda e: ((e.place or "").casefold(), e.family, _order(e)))


def series_of(editions: Sequence[Edition]) -> dict[str, Edition]:
    """source → its edition record (with position and count)."""
    return {e.source: e for e in editions}
