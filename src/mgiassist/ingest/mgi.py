"""IOM Migration Governance Indicators (MGI) profiles, read from blocks.

The template: domain definitions (national, then city level) before the first "Key findings";
then per domain a "Key findings" block naming the domain, a list of well-developed areas and a
list of areas with potential for further development; a date and the profile's title close it.

A local (city) profile — "Migration Governance Profile: City of Accra", the Local MGI — is the same
template at city level: it is read as an MGI profile whose ``city`` is set ("Accra") and whose
``country`` is the city's country, named in the title ("City of Accra, Ghana"), else the country
the profile names most.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from mgiassist.errors import ProfileError
from mgiassist.ingest.blocks import Block, Document, FootnoteDefinition, Heading, ListItem, Table
from mgiassist.ingest.common import block_text, clean, date_in, is_title, origin_of, resolve_country
from mgiassist.schema import (
    FAMILY_MGI,
    POLARITY_FURTHER_DEVELOPMENT,
    POLARITY_WELL_DEVELOPED,
    Profile,
    Section,
)
from mgiassist.text.countries import CountryMatcher, CountryNames, all_countries, lookup_country

__all__ = ["MGI_DOMAINS", "canonical_domain", "city_of", "parse_mgi_document"]

# The six domains of the MGI framework, with the spellings used across published profiles.
MGI_DOMAINS: dict[str, tuple[str, ...]] = {
    "Migrants' rights": ("migrants' rights", "migrants’ rights", "adherence to international standards and fulfilment of migrants' rights"),
    "Whole of government approach": ("whole of government approach", "whole-of-government approach", "whole-of-government", "formulates policy using evidence and whole-of-government approach"),
    "Partnerships": ("partnerships", "engages with partners to address migration and related issues"),
    "Well-being of migrants": ("well-being of migrants", "socioeconomic well-being of migrants", "advances the socioeconomic well-being of migrants and society"),
    "Mobility dimensions of crises": ("mobility dimensions of crises", "effectively addresses the mobility dimensions of crises"),
    "Safe, orderly and regular migration": ("safe, orderly and regular migration", "ensures that migration takes place in a safe, orderly and dignified manner"),
}
_DOMAIN_BY_ALIAS = {
    alias.replace("’", "'").lower(): name for name, aliases in MGI_DOMAINS.items() for alias in (name, *aliases)
}
_WELL = re.compile(r"well[- ]developed areas", re.IGNORECASE)
_FURTHER = re.compile(r"potential for further development", re.IGNORECASE)
_KEY_FINDINGS = re.compile(r"^\s*key findings\s*:?\s*$", re.IGNORECASE)
_KEY_FINDINGS_OF = re.compile(r"^\s*key findings\s*[:–—-]\s*(.+?)\s*$", re.IGNORECASE)
_HEREAFTER = re.compile(
    r"(?:of\s+)?((?:the\s+)?[A-Z][\w'’.-]*(?:\s+(?:of|and|the|[A-Z][\w'’.-]*))*)\s*"
    r"\(hereafter(?: referred to as)?\s+([^)]+)\)",
)
_TITLE = re.compile(r"^\s*Migration Governance Profile\s*:\s*(.+?)\s*$", re.IGNORECASE | re.MULTILINE)
# "City of Accra", "the Municipality of São Paulo, Brazil", "City of Montréal (Canada)"
_CITY = re.compile(
    r"^\s*(?:the\s+)?(?:City|Municipality|Metropolitan Municipality|Town|Commune|District|Metropolis)"
    r"\s+of\s+(?P<city>[^,()]+?)\s*(?:,\s*(?P<country>[^()]+?)|\((?P<paren>[^()]+)\))?\s*$",
    re.IGNORECASE,
)
# the Local MGI's own wording: "This Local Profile describes …", "the Local MGI"
_LOCAL = re.compile(r"\bLocal (?:MGI|Migration Governance Indicators|Profile)\b")
# an instruction for an interactive page ("Click the icons on the wheel …"), not content
_UI_INSTRUCTION = re.compile(r"^\s*(Click|Tap|Hover over|Select)\b[^.]*\b(icons?|wheel|button|here|map|tabs?)\b", re.IGNORECASE)


def canonical_domain(heading: str) -> str | None:
    key = re.sub(r"\s+", " ", heading).strip().strip(":").replace("’", "'").lower()
    return _DOMAIN_BY_ALIAS.get(key)


def city_of(subject: str | None) -> tuple[str, str | None] | None:
    """``(city, country named beside it or None)`` when a title's subject names a city ("City of
    Accra" → ``("Accra", None)``; "City of Accra, Ghana" → ``("Accra", "Ghana")``), else None."""
    m = _CITY.match(subject or "")
    if not m:
        return None
    city, country = m.group("city").strip(), (m.group("country") or m.group("paren") or "").strip() or None
    # a title set in capitals ("THE CITY OF ACCRA") names "Accra"
    return (city.title() if city.isupper() else city), (country.title() if country and country.isupper() else country)


def _most_named_country(text: str, city: str) -> CountryNames | None:
    """The country a city profile names most (its own country, in a profile about its city)."""
    matcher = CountryMatcher(list(all_countries()))
    counts = Counter(name for _, _, name in matcher.mentions(text) if name.lower() != city.lower())
    if not counts:
        return None
    return lookup_country(counts.most_common(1)[0][0])


def _names_country(subject: str) -> bool:
    """Whether a title's subject is a country's own name ("The Kingdom of Cambodia", "Ghana"),
    not a place pycountry would match only fuzzily ("Accra", a region of Ghana)."""
    country = resolve_country(subject)
    if country is None:
        return False
    key = re.sub(r"^the\s+", "", subject.strip(), flags=re.IGNORECASE).casefold()
    names = (country.name, country.official_name or "", *country.aliases, country.alpha_3)
    return key in {re.sub(r"^the\s+", "", n, flags=re.IGNORECASE).casefold() for n in names}


def _closing_line(block: Block) -> bool:
    return any(date_in(line) or _TITLE.match(line) for line in block.text.split("\n"))


def _split_combined(blocks: list[Block]) -> list[Block]:
    """"Key findings: Partnerships" set as one heading reads as the two the template prints."""
    out: list[Block] = []
    for block in blocks:
        m = _KEY_FINDINGS_OF.match(block.text)
        if m and canonical_domain(m.group(1)):
            out += [Heading("Key findings", origin=block.origin), Heading(m.group(1), origin=block.origin)]
        else:
            out.append(block)
    return out


def parse_mgi_document(document: Document, source: str, content_hash: str) -> Profile:
    blocks = _split_combined([b for b in document.blocks if not isinstance(b, FootnoteDefinition)])
    starts = [i for i, b in enumerate(blocks) if _KEY_FINDINGS.match(b.text)]
    if not starts:
        raise ProfileError(f"{source}: an MGI profile without a 'Key findings' section")
    text = document.text()
    title_match = _TITLE.search(text)
    title_country = title_match.group(1) if title_match else None
    hereafter = _HEREAFTER.search(re.sub(r"\s+", " ", text))
    country = resolve_country(
        hereafter.group(2) if hereafter else None, hereafter.group(1) if hereafter else None, title_country
    )
    city = None
    local = city_of(title_country) or city_of(hereafter.group(1) if hereafter else None)
    if local is None and title_country and _LOCAL.search(text) and not _names_country(title_country):
        local = (title_country.strip(), None)  # "Migration Governance Profile: Accra", a Local MGI
    if local is not None:
        city, beside = local
        country = resolve_country(beside) or _most_named_country(text, city)
        title_country = f"City of {city}"
    title = f"Migration Governance Profile: {title_country or (country.name if country else 'unknown country')}"
    dates = [d for b in blocks for d in map(date_in, b.text.split("\n")) if d]
    # a date set only in the running footer
    dates = dates or [d for line in document.running for d in [date_in(line)] if d]

    sections = list(_definitions(blocks[: starts[0]]))
    for start, end in zip(starts, [*starts[1:], len(blocks)]):
        sections.extend(_key_findings(blocks[start + 1 : end]))
    if not any(s.kind == "finding" for s in sections):
        raise ProfileError(f"{source}: an MGI profile in which no key finding could be read")
    domains = {s.domain for s in sections if s.kind == "finding"}
    return Profile(
        source=source,
        family=FAMILY_MGI,
        country=country.name if country else None,
        country_code=country.alpha_3 if country else None,
        title=title,
        date=dates[-1] if dates else None,
        content_hash=content_hash,
        sections=sections,
        metadata={"domains": sorted(domains), "country_names": country.to_dict() if country else None},
        city=city,
    )


def _definitions(blocks: list[Block]) -> Iterator[Section]:
    """Domain definitions: each domain heading (templates print it twice) then national and city
    paragraphs."""
    domain: str | None = None
    for block in blocks:
        if is_title(block, max_words=8) and not block.text.rstrip().endswith("."):
            domain = canonical_domain(block.text) or domain
            continue
        if domain is None or isinstance(block, Table):
            continue
        text = block_text(block)
        scope = "city level" if re.search(r"\bthis category\b|\bcities\b", text) else "national"
        yield Section(
            heading_path=(domain, f"Domain definition ({scope})"),
            text=text,
            kind="definition",
            attributes={"scope": scope},
            origin=origin_of(block),
        )


def _key_findings(blocks: list[Block]) -> Iterator[Section]:
    if not blocks:
        return
    heading = clean(blocks[0].text)
    domain = canonical_domain(heading)
    if domain is None:
        # The introduction (and any other unnamed part) is kept as paragraphs.
        name = heading.title() if heading.isupper() else heading
        for block in blocks[1:]:
            if _UI_INSTRUCTION.match(block.text) or _closing_line(block):
                continue
            yield Section(heading_path=(name,), text=block_text(block), kind="paragraph", origin=origin_of(block))
        return
    polarity: str | None = None
    section_name = ""
    for block in blocks[1:]:
        is_item = isinstance(block, ListItem)
        if not is_item and _WELL.search(block.text):
            polarity, section_name = POLARITY_WELL_DEVELOPED, "Well-developed areas"
            continue
        if not is_item and _FURTHER.search(block.text):
            polarity, section_name = POLARITY_FURTHER_DEVELOPMENT, "Areas with potential for further development"
            continue
        if _closing_line(block):
            break  # the closing date and title lines
        text = block_text(block)
        if polarity is None or not text:
            continue
        yield Section(heading_path=(domain, section_name), text=text, kind="finding", polarity=polarity,
                      origin=origin_of(block))
