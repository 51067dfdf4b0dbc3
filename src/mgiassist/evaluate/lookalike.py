"""Look-alike profiles: a real profile with its country's names swapped for another country's.

Used to test that parsers hold no country strings, to build multi-country evaluation sets, and
to grow a corpus of any size for benchmarks.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from pathlib import Path

import pycountry

from mgiassist.ingest import iter_profile_paths, read_text
from mgiassist.ingest import parse_profile as _parse
from mgiassist.text.countries import CountryNames, lookup_country

__all__ = ["generate_corpus", "lookalike_countries", "swap_country"]


def _forms(country: CountryNames) -> dict[str, str]:
    """Name forms by role: name, official, demonym, demonyms."""
    forms = {"name": country.name}
    if country.official_name:
        forms["official"] = country.official_name
    singular = [a for a in country.aliases if a.endswith(("an", "ian", "ese", "ish", "i", "ch")) and a != country.name
                and " " not in a]
    if singular:
        forms["demonym"] = singular[-1]
        plural = singular[-1] + "s"
        if plural in country.aliases:
            forms["demonyms"] = plural
    return forms


def _case_like(template: str, value: str) -> str:
    return value.upper() if template.isupper() and len(template) > 1 else value


def swap_country(text: str, source: CountryNames, target: CountryNames) -> str:
    """``text`` with every name of ``source`` replaced by the same form of ``target``'s name."""
    src, dst = _forms(source), _forms(target)
    dst.setdefault("official", dst["name"])
    dst.setdefault("demonym", dst["name"])
    # "Bhutanese", "British" and "Swiss" are their own plurals
    own_plural = dst["demonym"].endswith(("ese", "sh", "ch", "ss", "s"))
    dst.setdefault("demonyms", dst["demonym"] if own_plural else dst["demonym"] + "s")
    pairs = sorted(((src[role], dst[role]) for role in src), key=lambda p: -len(p[0]))
    pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(a) for a, _ in pairs) + r")(?!\w)", re.IGNORECASE)
    lookup = {a.lower(): b for a, b in pairs}
    return pattern.sub(lambda m: _case_like(m.group(1), lookup[m.group(1).lower()]), text)


def lookalike_countries(exclude: str, count: int, seed: int = 0) -> list[CountryNames]:
    """``count`` countries other than ``exclude`` that resolve cleanly (repeats once all are used)."""
    rng = random.Random(seed)
    names = [getattr(c, "common_name", None) or c.name for c in pycountry.countries]
    resolved = [c for c in (lookup_country(n) for n in names) if c is not None and c.name != exclude]
    # only countries with a demonym, so "Cambodians overseas" becomes "Kenyans overseas", not
    # "Cabo Verdes overseas"
    resolved = [c for c in resolved if "," not in c.name and "demonym" in _forms(c)]
    rng.shuffle(resolved)
    return [resolved[i % len(resolved)] for i in range(count)]


def generate_corpus(
    seed_dir: Path, out_dir: Path, count: int, *, seed: int = 0, countries: Sequence[str] | None = None
) -> list[Path]:
    """Write ``count`` look-alike profiles made from the profiles in ``seed_dir`` into ``out_dir``:
    the countries named, in order, else a reproducible draw from ``seed``."""
    seeds = [p for p in iter_profile_paths(Path(seed_dir)) if p.suffix in (".txt", ".md")]
    if not seeds:
        raise FileNotFoundError(f"no seed profiles in {seed_dir}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    texts = []
    for path in seeds:
        text = read_text(path)
        profile = _parse(text, path.name)
        if profile.country is None:
            continue
        texts.append((path, text, lookup_country(profile.country)))
    wanted = (count + len(texts) - 1) // len(texts)
    if countries:
        named = [lookup_country(name) for name in countries]
        unknown = [name for name, found in zip(countries, named) if found is None]
        if unknown:
            raise ValueError(f"unknown look-alike countries: {', '.join(unknown)}")
        targets = [named[i % len(named)] for i in range(wanted)]
    else:
        targets = lookalike_countries(texts[0][2].name, wanted, seed)
    written: list[Path] = []
    for n in range(count):
        path, text, source = texts[n % len(texts)]
        target = targets[n // len(texts)]
        slug = re.sub(r"[^a-z0-9]+", "-", target.name.lower()).strip("-")
        stem = re.sub(re.escape(source.name.lower()), slug, path.stem) if source.name.lower() in path.stem else f"{path.stem}-{slug}"
        destination = out_dir / f"{stem}{path.suffix}"
        suffix = 2  # a country drawn twice (more profiles than countries) gets numbered copies
        while destination in written:
            destination = out_dir / f"{stem}-{suffix}{path.suffix}"
            suffix += 1
        destination.write_text(swap_country(text, source, target), encoding="utf-8")
        written.append(destination)
    return written
