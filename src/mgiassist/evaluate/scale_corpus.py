"""A scale corpus: many countries × two families × several editions, with varied content.

Issue 19's scale benchmark needs a corpus the size of the publishers' series (about 150
countries, an MGI profile and a diaspora engagement mapping each, three editions of both) whose
profiles are not copies of one another with the names swapped
(:mod:`mgiassist.evaluate.lookalike` makes those). Everything here is drawn from the two seed
templates in ``corpus/``, recombined per country:

* **MGI profiles**: the seed's findings (names swapped, see :func:`~mgiassist.evaluate.lookalike.swap_country`)
  plus findings with both a well-developed and a further-development wording form one pool; each
  country gets its own draw, each finding its domain (mostly the seed's, sometimes another) and
  polarity, in its own order, with its own years, percentages, partner countries and names of
  bodies ("Ministry of Labour and Vocational Training" becomes e.g. "Ministry of Employment and
  Social Protection").
* **Diaspora mappings**: the seed's facts and figures are redrawn (emigrant shares, remittances,
  a destination table of other countries), its timeline entries, obstacles, effective practices,
  actors and diaspora organisations are sampled and reordered from the seed's (plus a few written
  in the same style), the terminology and policy sentences come and go.
* **Editions**: edition 1 is the draw above; every later edition is the one before with a few
  findings or sections added, removed or moved (a gap that became a strength), figures updated
  and a new date ("2020 / 2022 / 2023"; the mapping's "September 2020 … Updated September 2022").

The output is plain text the normal readers parse as the right family, country and date
(``mgiassist inspect``). Deterministic: the same ``seed`` writes the same bytes. Model-free.

>>> paths = generate_scale_corpus("corpus", "/tmp/scale", countries=5)
>>> len(paths)   # 5 countries × 2 families × 3 editions
30
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mgiassist.evaluate.lookalike import _forms, lookalike_countries, swap_country
from mgiassist.ingest import iter_profile_paths, read_text
from mgiassist.ingest import parse_profile as _parse
from mgiassist.text.countries import CountryNames, lookup_country

__all__ = [
    "DOMAINS",
    "ScaleFile",
    "generate_scale_corpus",
    "mapping_editions",
    "mgi_editions",
    "scale_countries",
    "seed_templates",
]

DOMAINS = (
    "Migrants' rights",
    "Whole of government approach",
    "Partnerships",
    "Well-being of migrants",
    "Mobility dimensions of crises",
    "Safe, orderly and regular migration",
)
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
WELL = "well-developed"
FURTHER = "further-development"

# Bodies the seeds name, and other names a country may give the same kind of body.
BODIES: dict[str, tuple[str, ...]] = {
    "Ministry of Labour and Vocational Training": (
        "Ministry of Labour and Employment", "Ministry of Labour and Social Protection",
        "Ministry of Employment and Vocational Training", "Ministry of Labour, Employment and Social Security",
        "Ministry of Manpower", "Ministry of Labour and Social Affairs",
    ),
    "Ministry of Foreign Affairs and International Cooperation": (
        "Ministry of Foreign Affairs", "Ministry of Foreign Affairs and Trade",
        "Ministry of External Relations", "Ministry of Foreign Affairs and Diaspora",
    ),
    "National Committee for Counter Trafficking": (
        "National Anti-Trafficking Commission", "National Council against Trafficking in Persons",
        "Inter-Agency Committee against Trafficking", "National Coordination Body on Trafficking",
    ),
    "General Department of Immigration": (
        "Directorate General of Immigration", "National Immigration Service", "Immigration and Borders Agency",
        "Department of Immigration and Emigration",
    ),
    "National Social Security Fund": (
        "National Social Insurance Fund", "Social Security Institute", "National Pension and Insurance Fund",
    ),
    "Inter-Ministerial Taskforce for Migration": (
        "Inter-Ministerial Committee on Migration", "National Migration Coordination Committee",
        "Migration Policy Council", "Inter-Agency Working Group on Migration",
    ),
    "Department of Employment and Manpower": (
        "Department of Overseas Employment", "Directorate of Labour Migration", "Bureau of Emigrant Workers",
    ),
    "Manpower Training and Overseas Sending Board": (
        "Overseas Employment Board", "Labour Export Agency", "Overseas Workers Welfare Board",
    ),
    "Association of Cambodian Recruitment Agencies": (
        "Federation of Recruitment Agencies", "Association of Licensed Employment Agencies",
        "Chamber of Overseas Employment Promoters",
    ),
}
DESTINATIONS = (
    "United States of America", "France", "Germany", "Italy", "Spain", "United Kingdom", "Canada",
    "Australia", "Saudi Arabia", "United Arab Emirates", "Qatar", "Malaysia", "Japan", "Republic of Korea",
    "South Africa", "Belgium", "Netherlands", "Sweden", "Portugal", "Russian Federation", "Türkiye",
    "Brazil", "Argentina", "Kenya", "Côte d'Ivoire", "Nigeria", "India", "Kuwait", "Oman", "Greece",
)
PARTNERS = ("Thailand", "Malaysia", "Qatar", "Germany", "Italy", "Spain", "Japan", "the Republic of Korea",
            "Saudi Arabia", "the United Arab Emirates", "Kuwait", "France", "Portugal", "Canada")

# Findings with both wordings: (domain, well-developed, further-development)
PAIRED_FINDINGS: tuple[tuple[str, str, str], ...] = (
    (DOMAINS[0], "{Demonyms} abroad can vote in national elections from {partner}'s embassies and consulates.",
     "{Demonyms} abroad cannot vote in national elections without returning to {name}."),
    (DOMAINS[0], "Dual citizenship has been allowed since {year}.",
     "{name} does not allow dual citizenship, so nationals who naturalise abroad lose their {demonym} nationality."),
    (DOMAINS[0], "Migrant children have access to public primary and secondary education on the same terms as nationals.",
     "Children of irregular migrants cannot enrol in public secondary schools."),
    (DOMAINS[1], "The {body} coordinates engagement with the diaspora and publishes a yearly report.",
     "No single government body coordinates engagement with the diaspora."),
    (DOMAINS[1], "{name} has a national migration strategy adopted in {year}, reviewed every {small} years.",
     "{name} has no national migration strategy; migration is addressed in sectoral plans only."),
    (DOMAINS[1], "The national statistics office publishes emigration data every year, including remittance flows.",
     "Data on emigration are collected irregularly and are not published."),
    (DOMAINS[2], "{name} has signed bilateral labour agreements with {partner} and {small} other countries.",
     "{name} has no bilateral labour agreement with {partner}, the main destination of its workers."),
    (DOMAINS[2], "Diaspora associations take part in a consultative council set up in {year}.",
     "Diaspora associations are consulted only on an ad hoc basis."),
    (DOMAINS[3], "Remittance transfer costs fell to {pct}% in {year} after the {body} licensed new providers.",
     "Transferring remittances to {name} costs on average {pct}% of the amount sent."),
    (DOMAINS[3], "Qualifications obtained abroad are recognised through a procedure run by the {body}.",
     "There is no procedure to recognise qualifications that returning {demonyms} obtained abroad."),
    (DOMAINS[3], "Pre-departure orientation is compulsory for all workers leaving through licensed agencies.",
     "Pre-departure orientation is offered only in the capital and reaches about {pct}% of departing workers."),
    (DOMAINS[4], "The national disaster risk reduction plan of {year} includes measures for migrants and displaced persons.",
     "The national disaster risk reduction plan does not mention migrants or displaced persons."),
    (DOMAINS[4], "Consulates keep an emergency register of nationals abroad and organised {small} evacuations since {year}.",
     "There is no register of nationals abroad that consulates could use in an emergency."),
    (DOMAINS[5], "Border officials receive yearly training on identifying victims of trafficking.",
     "Border officials receive no specific training on identifying victims of trafficking."),
    (DOMAINS[5], "A reintegration programme run by the {body} has supported about {count} returnees since {year}.",
     "Returning migrants receive no reintegration support from the State."),
    (DOMAINS[5], "Visa overstays are monitored through an electronic entry and exit system introduced in {year}.",
     "Visa overstays are not systematically monitored."),
)

EXTRA_OBSTACLES = (
    ("- **Trust:** Parts of the diaspora left for political reasons and remain wary of government initiatives, "
    "which limits participation in consultations organised by the {body}."),
    ("- **Data gaps:** There is no reliable estimate of the size of the diaspora in {destination}, so programmes "
    "cannot be planned or evaluated."),
    ("- **Costs of remittances:** Sending money home still costs about {pct}% of the amount sent, well above "
    "the 3% target of the Sustainable Development Goals."),
    ("- **Fragmented institutions:** Responsibilities for the diaspora are split between the {body} and "
    "several other ministries, without a coordination mechanism."),
)
EXTRA_PRACTICES = (
    ("Diaspora investment forum {year}", "INVESTMENT",
     ("The {body} organises a yearly forum where {demonym} entrepreneurs abroad meet local businesses; "
     "the {year} edition gathered about {count} participants from {small} countries.")),
    ("Return of skills programme {year}", "TRAINING + SKILLS",
     ("Health professionals of the diaspora in {destination} spend short missions in public hospitals of "
     "{name}; about {count} missions were completed by {year2}.")),
    ("Diaspora bond {year}", "REMITTANCES",
     ("A government bond reserved for {demonyms} abroad raised USD {small}0 million for infrastructure, "
     "sold through banks in {destination}.")),
)


@dataclass(frozen=True)
class ScaleFile:
    """One generated profile: where it was written and what it is."""

    path: Path
    country: str
    family: str  # "mgi-profile" | "diaspora-mapping"
    edition: int  # 1, 2, 3 …
    date: str  # as the parser reads it, "February 2021"


@dataclass
class _Seeds:
    mgi_findings: list[tuple[str, str, str]]  # (domain, polarity, text) with "Cambodia" names
    mgi_head: str  # the definitions part, up to the key findings
    mgi_intro: str  # the introduction paragraphs after the country sentence
    mapping: str  # the whole mapping text
    country: CountryNames


def seed_templates(seed_dir: Path | str) -> _Seeds:
    """The pieces of the two seed profiles the generator recombines."""
    mgi_text = mapping_text = None
    country = None
    for path in iter_profile_paths(Path(seed_dir)):
        if path.suffix not in (".txt", ".md"):
            continue
        text = read_text(path)
        profile = _parse(text, path.name)
        if profile.family == "mgi-profile" and mgi_text is None:
            mgi_text = text
            country = lookup_country(profile.country) if profile.country else country
        elif profile.family == "diaspora-mapping" and mapping_text is None:
            mapping_text = text
    if mgi_text is None or mapping_text is None or country is None:
        raise FileNotFoundError(f"{seed_dir} must hold an MGI profile and a diaspora mapping (.txt/.md)")
    findings: list[tuple[str, str, str]] = []
    domain = polarity = None
    for line in mgi_text.splitlines():
        stripped = line.strip()
        if stripped in DOMAINS:
            domain = stripped
        elif stripped.startswith("Migration Governance: examples of well-developed areas"):
            polarity = WELL
        elif stripped.startswith("Areas with potential for further development"):
            polarity = FURTHER
        elif stripped.startswith("•") and domain and polarity:
            findings.append((domain, polarity, re.sub(r"\s+", " ", stripped.lstrip("• ").strip())))
    head, _, rest = mgi_text.partition("Key findings\nINTRODUCTION")
    intro = rest.split("Key findings\n", 1)[0]
    intro_paragraphs = [p.strip() for p in intro.split("\n\n") if p.strip()]
    if not findings or not head or len(intro_paragraphs) < 2:
        raise ValueError("the MGI seed does not have the expected layout")
    return _Seeds(findings, head.rstrip() + "\n\n", "\n\n".join(intro_paragraphs[1:]), mapping_text, country)


def scale_countries(count: int, seed: int = 0, exclude: str = "Cambodia") -> list[CountryNames]:
    """``count`` distinct countries (at most the ~170 that resolve cleanly with a demonym)."""
    drawn = lookalike_countries(exclude, count, seed)
    unique: list[CountryNames] = []
    for country in drawn:
        if country.name not in {c.name for c in unique}:
            unique.append(country)
    if len(unique) < count:
        raise ValueError(f"only {len(unique)} distinct countries available, {count} asked for")
    return unique


# ---------------------------------------------------------------------------------------------
# Per-country vocabulary
# ---------------------------------------------------------------------------------------------


@dataclass
class _Place:
    country: CountryNames
    forms: dict[str, str]
    bodies: dict[str, str]
    partner: str
    destinations: list[str]
    rng: random.Random
    extra: dict[str, str] = field(default_factory=dict)

    def fill(self, template: str, **values: object) -> str:
        rng = self.rng
        year = rng.randint(2004, 2019)
        data = {
            "name": self.forms["name"],
            "demonym": self.forms["demonym"],
            "Demonyms": self.forms["demonyms"],
            "demonyms": self.forms["demonyms"],
            "partner": self.partner,
            "body": rng.choice(list(self.bodies.values())),
            "year": year,
            "year2": year + rng.randint(1, 4),
            "pct": f"{rng.uniform(3.0, 11.0):.1f}",
            "small": rng.randint(2, 9),
            "count": f"{rng.randint(3, 60) * 100:,}",
            "destination": rng.choice(self.destinations),
        }
        data.update(values)
        return template.format(**data)


# the acronyms the seeds use for their bodies (not all are the initials)
SEED_ACRONYMS = {
    "Ministry of Labour and Vocational Training": ("MOLVT",),
    "Ministry of Foreign Affairs and International Cooperation": ("MFAIC",),
    "Inter-Ministerial Taskforce for Migration": ("IMTM",),
    "Manpower Training and Overseas Sending Board": ("MTOSB",),
    "Association of Cambodian Recruitment Agencies": ("ACRA",),
}


def _acronym(name: str) -> str:
    return "".join(w[0] for w in re.findall(r"[A-Z][\w-]*", name))


def _place(country: CountryNames, rng: random.Random, source: CountryNames) -> _Place:
    forms = dict(_forms(country))
    forms.setdefault("official", forms["name"])
    forms.setdefault("demonym", forms["name"])
    own_plural = forms["demonym"].endswith(("ese", "sh", "ch", "ss", "s"))
    forms.setdefault("demonyms", forms["demonym"] if own_plural else forms["demonym"] + "s")
    bodies = {seed: rng.choice(others) for seed, others in BODIES.items()}
    partners = [p for p in PARTNERS if p.removeprefix("the ").lower() != country.name.lower()]
    destinations = [d for d in DESTINATIONS if d.lower() != country.name.lower()]
    return _Place(country, forms, bodies, rng.choice(partners), rng.sample(destinations, 8), rng)


def _localise(text: str, place: _Place, source: CountryNames) -> str:
    """A seed text made this place's: country names swapped, bodies renamed (with their
    acronyms), the seed's own words for its people and neighbours replaced."""
    text = swap_country(text, source, place.country)
    for seed_name, name in place.bodies.items():
        seed_name_local = swap_country(seed_name, source, place.country)
        text = text.replace(seed_name_local, name)
        for old in SEED_ACRONYMS.get(seed_name, (_acronym(seed_name_local),)):
            if len(old) >= 3:
                text = re.sub(rf"(?<![./])\b{re.escape(old)}\b(?!\.)", _acronym(name), text, flags=re.IGNORECASE)
    demonym = place.forms["demonym"]
    replacements = [
        (r"\bKhmer Anekachun\b|\bAnekachun Khmer\b", f"{demonym} abroad"),
        (r"\bKhmer Rouge\b", "former regime"),
        (r"\bKhmers?\b", demonym),
        (r"\bCambodgiens\b|\bCambodienne\b|\bCambodge\b", place.forms["name"]),
        (r"\bPhnom Penh\b", "the capital"),
        (r"\bPrime Minister Hun Sen\b", "The Prime Minister"),
        (r"\bPol Pot regime\b", "former regime"),
        (r"\bGreater Mekong Sub-region\b", "region"),
        (r"\bCoordinated Mekong Ministerial Initiative\b", "Regional Ministerial Initiative"),
        (r"\bThailand\b", place.partner.removeprefix("the ")),
    ]
    for pattern, value in replacements:
        text = re.sub(pattern, value, text)
    return text


def _vary_numbers(text: str, rng: random.Random, spread: float = 0.25) -> str:
    """Figures (not years, not footnote or list numbers) scaled by a random factor."""
    def repl(m: re.Match[str]) -> str:
        raw = m.group(0)
        value = float(raw.replace(",", ""))
        if "," not in raw and "." not in raw and 1900 <= value <= 2100:
            return raw  # a year
        if value < 10 and "." not in raw:
            return raw
        new = value * rng.uniform(1 - spread, 1 + spread)
        if "." in raw:
            return f"{new:.{len(raw.split('.')[1])}f}"
        return f"{round(new):,}" if "," in raw else str(round(new))
    return re.sub(r"(?<![\w/.])\d[\d,]*(?:\.\d+)?(?![\w/])", repl, text)


def _shift_years(text: str, delta: int) -> str:
    return re.sub(r"\b(19[5-9]\d|20[01]\d)\b", lambda m: str(int(m.group(1)) + delta), text) if delta else text


# ---------------------------------------------------------------------------------------------
# MGI profiles
# ---------------------------------------------------------------------------------------------


@dataclass
class _Finding:
    domain: str
    polarity: str
    text: str
    other: str | None = None  # the other polarity's wording, when the finding has one


def _mgi_findings(seeds: _Seeds, place: _Place) -> list[_Finding]:
    rng = place.rng
    pool: list[_Finding] = []
    for domain, polarity, text in seeds.mgi_findings:
        if rng.random() < 0.3:
            continue
        if rng.random() < 0.2:
            domain = rng.choice(DOMAINS)
        pool.append(_Finding(domain, polarity, _vary_numbers(_localise(text, place, seeds.country), rng)))
    for domain, well, further in PAIRED_FINDINGS:
        if rng.random() < 0.45:
            continue
        pair = (place.fill(well), place.fill(further))
        flip = rng.random() < 0.5
        pool.append(_Finding(domain, FURTHER if flip else WELL, pair[flip], pair[not flip]))
    rng.shuffle(pool)
    return pool


def _evolve_mgi(findings: list[_Finding], spare: list[_Finding], rng: random.Random) -> list[_Finding]:
    """The next edition: a few findings dropped, added, changed or moved to the other polarity."""
    new = [_Finding(f.domain, f.polarity, f.text, f.other) for f in findings]
    for _ in range(rng.randint(1, 2)):
        if len(new) > 8:
            new.pop(rng.randrange(len(new)))
    for _ in range(rng.randint(1, 3)):
        if spare:
            new.insert(rng.randrange(len(new) + 1), spare.pop())
    gaps = [f for f in new if f.polarity == FURTHER and f.other]
    if gaps:  # a gap that became a strength
        f = rng.choice(gaps)
        f.polarity, f.text, f.other = WELL, f.other, f.text
    for f in rng.sample(new, min(2, len(new))):
        f.text = _vary_numbers(_shift_years(f.text, rng.choice((0, 1))), rng, 0.15)
    return new


def _mgi_text(seeds: _Seeds, place: _Place, findings: list[_Finding], date: tuple[int, str]) -> str:
    official = place.forms["official"]
    article = "" if official.lower().startswith("the ") else "The "
    full = f"{article}{official}"
    intro = (
        f"This country Profile describes examples of well-developed areas of {full} (hereafter referred to as "
        f"{place.forms['name']}) migration governance structures and areas with potential for further development, "
        "as evaluated through the six domains of the Migration Governance Indicators (MGI). These address migrants’ "
        "rights, a “whole-of-government” approach, partnerships, socioeconomic well-being of migrants, the "
        "mobility dimensions of crises, and safe and orderly migration."
    )
    parts = [seeds.mgi_head, "Key findings\nINTRODUCTION\n\n", intro, "\n\n", seeds.mgi_intro, "\n\n"]
    for domain in DOMAINS:
        well = [f.text for f in findings if f.domain == domain and f.polarity == WELL]
        further = [f.text for f in findings if f.domain == domain and f.polarity == FURTHER]
        if not well and not further:
            continue
        parts.append(f"Key findings\n{domain}\n\n")
        if well:
            parts.append("Migration Governance: examples of well-developed areas\n\n")
            parts.extend(f"  • {t}\n" for t in well)
            parts.append("\n")
        if further:
            parts.append("Areas with potential for further development:\n\n")
            parts.extend(f"  • {t}\n" for t in further)
        parts.append("\n")
    year, month = date
    parts.append(f"\n{year} {month}\n\nMigration Governance Profile: {full}\n")
    return "".join(parts)


def mgi_editions(seeds: _Seeds, country: CountryNames, editions: int = 3, seed: int = 0) -> list[tuple[str, str]]:
    """The MGI profile of ``country``, edition by edition: ``[(date as parsed, text), …]``."""
    rng = random.Random(f"mgi:{seed}:{country.name}")
    place = _place(country, rng, seeds.country)
    pool = _mgi_findings(seeds, place)
    start = max(8, min(len(pool) - 2 * editions, rng.randint(14, 22)))
    current, spare = pool[:start], pool[start:]
    years = _edition_years(rng, editions, first=(2018, 2020))
    out = []
    for n, year in enumerate(years):
        if n:
            current = _evolve_mgi(current, spare, rng)
        month = rng.choice(MONTHS)
        out.append((f"{month} {year}", _mgi_text(seeds, place, current, (year, month))))
    return out


def _edition_years(rng: random.Random, editions: int, first: tuple[int, int]) -> list[int]:
    years = [rng.randint(*first)]
    for _ in range(editions - 1):
        years.append(years[-1] + rng.choice((1, 2, 2)))
    return years


# ---------------------------------------------------------------------------------------------
# Diaspora engagement mappings
# ---------------------------------------------------------------------------------------------


def _between(text: str, start: str, end: str) -> str:
    i = text.index(start) + len(start)
    return text[i : text.index(end, i)]


@dataclass
class _Mapping:
    men: float
    eu_men: float
    share_gdp: float
    inflow: int
    destinations: list[tuple[str, int]]
    rights: str
    terminology: str | None
    policy: str
    timeline: list[str]
    footnotes_1: str
    trends: str
    engagement: list[str]
    obstacles: list[str]
    practices: list[str]
    practice_notes: str
    actors: str
    organisations: list[str]
    author: str


def _split_entries(block: str, marker: str) -> list[str]:
    entries: list[str] = []
    for line in block.strip("\n").splitlines():
        if line.startswith(marker) or not entries:
            entries.append(line)
        else:
            entries[-1] += "\n" + line
    return [e.rstrip() for e in entries if e.strip()]


def _mapping_pieces(seeds: _Seeds, place: _Place) -> _Mapping:
    rng = place.rng
    text = _localise(seeds.mapping, place, seeds.country)
    name = place.forms["name"]
    rights = _between(text, "Political rights\n", "Terminology:")
    terminology = "Terminology:" + _between(text, "Terminology:", "\n\n")
    policy_line = next(ln for ln in text.splitlines() if "diaspora engagement policy" in ln)
    timeline = _split_entries(_between(text, "Overview of the policy and legislative framework\n", "» Trends"), "- ")
    footnotes_1 = _between(text, "» Trends", "In terms of diaspora engagement")
    trends, _, footnotes_1 = footnotes_1.strip().partition("\n\n")
    engagement = [p.strip() for p in _between(text, footnotes_1.strip()[-20:], "Obstacles").split("\n\n") if p.strip()]
    obstacles_block = _between(text, "Obstacles\n", "SPOTLIGHT")
    obstacles = [e for e in _split_entries(obstacles_block, "- **") if e.startswith("- **")]
    obstacle_notes = "\n\n".join(p for p in obstacles_block.split("\n\n") if re.match(r"\d+ ", p.strip()))
    practices_block = _between(text, "SPOTLIGHT: effective practices\n", "Annex:")
    paragraphs = [p.strip() for p in practices_block.split("\n\n") if p.strip()]
    practices, notes = [], []
    for p in paragraphs:
        if re.match(r"\d+ ", p):
            notes.append(p)
        elif practices and len(practices[-1].split("\n\n")) < 3:
            practices[-1] += "\n\n" + p
        else:
            practices.append(p)
    actors = "Annex:" + _between(text, "Annex:", "Diaspora organisations in Europe")
    organisations_block = _between(text, "Diaspora organisations in Europe\n", "Written by:")
    organisations: list[str] = []
    for p in [p.strip() for p in organisations_block.split("\n\n") if p.strip()]:
        if organisations and (p.endswith("activities") or organisations[-1].endswith("activities")):
            organisations[-1] += "\n\n" + p
        else:
            organisations.append(p)
    # the draw
    obstacles = [o for o in obstacles if rng.random() < 0.8]
    obstacles += [place.fill(o) for o in EXTRA_OBSTACLES if rng.random() < 0.4]
    rng.shuffle(obstacles)
    practices = [p for p in practices if rng.random() < 0.75]
    for title, tag, body in EXTRA_PRACTICES:
        if rng.random() < 0.35:
            values = {"year": rng.randint(2010, 2019)}
            practices.append(f"{place.fill(title, **values)}\n\n{tag}\n\n{place.fill(body, **values)}")
    rng.shuffle(practices)
    timeline = [_shift_years(e, rng.randint(-3, 2)) for e in timeline if rng.random() < 0.8] or timeline[:1]
    timeline.sort(key=lambda e: e[:8])
    organisations = [o for o in organisations if rng.random() < 0.7] or organisations[:1]
    rng.shuffle(organisations)
    destinations = [(d, rng.randint(8, 900) * 1000 + rng.randint(0, 999)) for d in place.destinations[:5]]
    destinations.sort(key=lambda d: -d[1])
    policy = policy_line if rng.random() < 0.5 else f"{name} adopted a diaspora engagement policy in {rng.randint(2012, 2019)}."
    authors = ("Dr Ronojoy Sen", "Dr Amina Diallo", "Prof. Lena Varga", "Dr Tomás Herrera", "Dr Mei Lin Tan")
    return _Mapping(
        men=rng.uniform(40, 65), eu_men=rng.uniform(35, 65), share_gdp=rng.uniform(0.5, 20),
        inflow=rng.randint(80, 9000), destinations=destinations, rights=rights,
        terminology=terminology if rng.random() < 0.6 else None, policy=policy, timeline=timeline,
        footnotes_1=footnotes_1, trends=_vary_numbers(trends, rng),
        engagement=[_vary_numbers(e, rng) for e in engagement if rng.random() < 0.85],
        obstacles=obstacles, practices=practices,
        practice_notes=obstacle_notes + ("\n\n" if obstacle_notes else "") + "\n\n".join(notes),
        actors=actors, organisations=organisations, author=rng.choice(authors),
    )


def _evolve_mapping(m: _Mapping, place: _Place, year: int) -> _Mapping:
    rng = place.rng
    new = _Mapping(**{k: (list(v) if isinstance(v, list) else v) for k, v in vars(m).items()})
    new.inflow = round(m.inflow * rng.uniform(0.9, 1.3))
    new.share_gdp = m.share_gdp * rng.uniform(0.85, 1.2)
    new.men = min(70.0, max(35.0, m.men + rng.uniform(-2, 2)))
    new.destinations = sorted(((d, round(v * rng.uniform(0.95, 1.15))) for d, v in m.destinations), key=lambda d: -d[1])
    if rng.random() < 0.5:  # a new policy entry in the timeline
        new.timeline.append(place.fill(
            "- {year}** ● **National Diaspora Policy:** The {body} adopted a policy to engage {demonyms} abroad in "
            "development, with a diaspora desk in each embassy and a yearly diaspora day.", year=year - 1))
    if new.obstacles and rng.random() < 0.5:
        new.obstacles.pop(rng.randrange(len(new.obstacles)))
    if rng.random() < 0.4:
        new.obstacles.append(place.fill(rng.choice(EXTRA_OBSTACLES)))
    if new.practices and rng.random() < 0.4:
        new.practices.pop(rng.randrange(len(new.practices)))
    if rng.random() < 0.5:
        title, tag, body = rng.choice(EXTRA_PRACTICES)
        values = {"year": year - 1}
        new.practices.append(f"{place.fill(title, **values)}\n\n{tag}\n\n{place.fill(body, **values)}")
    if rng.random() < 0.3:
        new.terminology = None if new.terminology else m.terminology
    if rng.random() < 0.3 and "does not have" in new.policy:
        new.policy = f"{place.forms['name']} adopted a diaspora engagement policy in {year - 1}."
    new.trends = _vary_numbers(m.trends, rng, 0.1)
    return new


def _mapping_text(m: _Mapping, place: _Place, dates: list[tuple[str, int]]) -> str:
    women = 100 - m.men
    table = "\n".join(f"{d}\t{v:,}" for d, v in m.destinations)
    parts = [
        f"\n\n \n\n\nDiaspora engagement mapping {place.forms['name'].upper()}\n\nFacts & figures\n\nEmigration\n\n",
        f"% of emigrants in total population\n\n \n\n\n♂ {m.men:.1f}%\n♀ {women:.1f}%\n\n\n\n",
        f"Remittances as a share of GDP: **{m.share_gdp:.1f}%**\nRemittances inflow (USD million): **{m.inflow:,}**\n\n",
        f"% of which in the EU\n\n\n\n♂ {m.eu_men:.1f}%\n♀ {100 - m.eu_men:.1f}%\n\n\n\n",
        f"Top countries of destination\n\n{table}\n\nPolitical rights\n{m.rights}",
        f"{m.terminology}\n\n" if m.terminology else "",
        f"{m.policy}\n\n",
        "Overview of the policy and legislative framework\n\n\n\n",
        "\n".join(m.timeline), "\n\n» Trends\n\n", m.trends, "\n\n", m.footnotes_1.strip(), "\n\n",
        "\n\n".join(m.engagement), "\n\nObstacles\n\n\n\n", "\n".join(m.obstacles), "\n\n",
        "SPOTLIGHT: effective practices\n\n\n\n", "\n\n".join(m.practices), "\n\n",
        m.practice_notes, "\n\n", m.actors.rstrip(), "\n\nDiaspora organisations in Europe\n\n\n\n",
        "\n\n".join(m.organisations), f"\n\nWritten by: {m.author}\nEdited by: EUDiF\n",
    ]
    first_month, first_year = dates[0]
    parts.append(f"{first_month} {first_year}\n")
    if len(dates) > 1:
        month, year = dates[-1]
        parts.append(f"Updated {month} {year}\n")
    parts.append("\n\n\nImplemented by\n\n\n\nFunded by\nthe European Union\n")
    return "".join(parts)


def mapping_editions(seeds: _Seeds, country: CountryNames, editions: int = 3, seed: int = 0) -> list[tuple[str, str]]:
    """The diaspora mapping of ``country``, edition by edition: ``[(date as parsed, text), …]``."""
    rng = random.Random(f"mapping:{seed}:{country.name}")
    place = _place(country, rng, seeds.country)
    mapping = _mapping_pieces(seeds, place)
    years = _edition_years(rng, editions, first=(2019, 2020))
    dates: list[tuple[str, int]] = []
    out = []
    for n, year in enumerate(years):
        if n:
            mapping = _evolve_mapping(mapping, place, year)
        dates.append((rng.choice(("June", "July", "September", "October", "November")), year))
        month, y = dates[-1]
        out.append((f"{month} {y}", _mapping_text(mapping, place, dates)))
    return out


# ---------------------------------------------------------------------------------------------
# The corpus
# ---------------------------------------------------------------------------------------------


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def generate_scale_corpus(
    seed_dir: Path | str,
    out_dir: Path | str,
    *,
    countries: int | Sequence[str] = 150,
    editions: int = 3,
    seed: int = 0,
) -> list[ScaleFile]:
    """Write ``countries`` × 2 families × ``editions`` profiles into ``out_dir`` (a count, drawn
    reproducibly from ``seed``, or the countries named), named ``mgi-profile-<country>-<year>.txt``
    and ``eudif-diaspora-mapping-<country>-<year>.txt``; returns what was written, in order."""
    seeds = seed_templates(seed_dir)
    if isinstance(countries, int):
        targets = scale_countries(countries, seed, exclude=seeds.country.name)
    else:
        targets = []
        for name in countries:
            found = lookup_country(name)
            if found is None:
                raise ValueError(f"unknown country: {name}")
            targets.append(found)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: list[ScaleFile] = []
    for country in targets:
        slug = _slug(country.name)
        for family, stem, make in (
            ("mgi-profile", "mgi-profile", mgi_editions),
            ("diaspora-mapping", "eudif-diaspora-mapping", mapping_editions),
        ):
            for n, (date, text) in enumerate(make(seeds, country, editions, seed), start=1):
                path = out / f"{stem}-{slug}-{date.split()[-1]}-e{n}.txt"
                path.write_text(text, encoding="utf-8")
                written.append(ScaleFile(path, country.name, family, n, date))
    return written
