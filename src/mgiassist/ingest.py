"""Read profile files and parse them into structured :class:`~mgiassist.schema.Profile` records.

Two families have dedicated parsers, written against the published templates rather than any
one country: IOM's Migration Governance Indicators (MGI) profiles and EUDiF diaspora engagement
mappings. Any other profile (Markdown, HTML, PDF or plain text) falls back to heading-based
sections so that whatever is dropped into the corpus folder is searchable.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from mgiassist.countries import CountryNames, lookup_country
from mgiassist.errors import CorpusError, ProfileError
from mgiassist.schema import (
    FAMILY_MAPPING,
    FAMILY_MGI,
    FAMILY_OTHER,
    POLARITY_FURTHER_DEVELOPMENT,
    POLARITY_WELL_DEVELOPED,
    Footnote,
    Profile,
    Section,
)

__all__ = [
    "MGI_DOMAINS",
    "SUPPORTED_SUFFIXES",
    "CorpusLoad",
    "detect_family",
    "file_hash",
    "iter_profile_paths",
    "load_corpus",
    "load_profile",
    "parse_diaspora_mapping",
    "parse_generic_profile",
    "parse_mgi_profile",
    "parse_profile",
    "read_text",
]

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = (".txt", ".text", ".md", ".markdown", ".html", ".htm", ".pdf")

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

_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
)
_YEAR_MONTH = re.compile(rf"^\s*(\d{{4}})\s+({_MONTHS})\s*$", re.IGNORECASE)
_MONTH_YEAR = re.compile(rf"^\s*(?:Updated:?\s+)?({_MONTHS})\s+(\d{{4}})\s*$", re.IGNORECASE)
_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUPERSCRIPT_VALUE = {ch: str(i) for i, ch in enumerate(_SUPERSCRIPTS)}
_SUPERSCRIPT_RUN = re.compile(f"[{_SUPERSCRIPTS}]+")
_URL = re.compile(r"<?(https?://[^\s<>]+|www\.[^\s<>]+)>?")
_FOOTNOTE_DEFINITION = re.compile(rf"^\s*(\d{{1,3}}|[{_SUPERSCRIPTS}]{{1,3}})\s+(\S.*?)\s*$")
_BULLET = re.compile(r"^\s*(?:[•●▪◦*]|-(?!\d))\s*")
_BOLD = re.compile(r"\*\*")


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _canonical_domain(heading: str) -> str | None:
    key = heading.strip().strip(":").replace("’", "'").lower()
    return _DOMAIN_BY_ALIAS.get(key)


def _clean(text: str) -> str:
    """Display form of a passage: markdown bold and escapes dropped, whitespace folded."""
    text = _BOLD.sub("", text).replace("\\$", "$")
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    return text.strip()


def _superscript_numbers(text: str) -> list[int]:
    numbers: list[int] = []
    for run in _SUPERSCRIPT_RUN.findall(text):
        numbers.append(int("".join(_SUPERSCRIPT_VALUE[ch] for ch in run)))
    return numbers


def _paragraphs(lines: Iterable[str]) -> list[str]:
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        if line.strip():
            current.append(line.rstrip())
        elif current:
            paragraphs.append("\n".join(current))
            current = []
    if current:
        paragraphs.append("\n".join(current))
    return paragraphs


def _format_date(month: str, year: str) -> str:
    return f"{month.capitalize()} {year}"


# --------------------------------------------------------------------------------------------
# Reading files
# --------------------------------------------------------------------------------------------


def read_text(path: Path) -> str:
    """The text of one profile file; raises :class:`ProfileError` when it cannot be used."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ProfileError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    if not data.strip():
        raise ProfileError(f"{path}: the file is empty")
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return _pdf_text(path, data)
    if b"\x00" in data:
        raise ProfileError(f"{path}: looks binary (NUL bytes), not a text profile")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise ProfileError(f"{path}: is neither UTF-8 nor Windows-1252 text") from exc
    if suffix in (".html", ".htm"):
        import html2text

        converter = html2text.HTML2Text()
        converter.body_width = 0
        converter.ignore_images = True
        converter.ignore_links = False
        text = converter.handle(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    if not text.strip():
        raise ProfileError(f"{path}: holds no text")
    return text


def _pdf_text(path: Path, data: bytes) -> str:
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise ProfileError(f"{path}: is not a readable PDF ({exc})") from exc
    text = "\n\n".join(pages).replace("\u00a0", " ")
    if not text.strip():
        raise ProfileError(f"{path}: the PDF has no extractable text (scanned?)")
    return text


def detect_family(text: str) -> str:
    head = text[:20000]
    if re.search(r"Diaspora engagement mapping", head, re.IGNORECASE):
        return FAMILY_MAPPING
    if re.search(r"Migration Governance (Indicators|Profile)", text, re.IGNORECASE) and re.search(
        r"well[- ]developed areas", text, re.IGNORECASE
    ):
        return FAMILY_MGI
    return FAMILY_OTHER


# --------------------------------------------------------------------------------------------
# MGI profiles
# --------------------------------------------------------------------------------------------

_MGI_WELL = re.compile(r"well[- ]developed areas", re.IGNORECASE)
_MGI_FURTHER = re.compile(r"potential for further development", re.IGNORECASE)
_HEREAFTER = re.compile(
    r"(?:of\s+)?((?:the\s+)?[A-Z][\w'’.-]*(?:\s+(?:of|and|the|[A-Z][\w'’.-]*))*)\s*"
    r"\(hereafter(?: referred to as)?\s+([^)]+)\)",
)
_MGI_TITLE = re.compile(r"^\s*Migration Governance Profile\s*:\s*(.+?)\s*$", re.IGNORECASE | re.MULTILINE)


def _resolve_profile_country(*candidates: str | None) -> CountryNames | None:
    for candidate in candidates:
        if candidate:
            found = lookup_country(candidate)
            if found:
                return found
    return None


def parse_mgi_profile(text: str, source: str, content_hash: str) -> Profile:
    lines = [line.rstrip() for line in text.split("\n")]
    key_findings_at = [i for i, line in enumerate(lines) if line.strip().lower() == "key findings"]
    if not key_findings_at:
        raise ProfileError(f"{source}: an MGI profile without a 'Key findings' section")

    title_match = _MGI_TITLE.search(text)
    title_country = title_match.group(1) if title_match else None
    hereafter = _HEREAFTER.search(text)
    country = _resolve_profile_country(
        hereafter.group(2) if hereafter else None,
        hereafter.group(1) if hereafter else None,
        title_country,
    )
    title = (
        f"Migration Governance Profile: {title_country}"
        if title_country
        else f"Migration Governance Profile: {country.name if country else 'unknown country'}"
    )
    date = None
    for line in lines:
        m = _YEAR_MONTH.match(line) or _MONTH_YEAR.match(line)
        if m:
            year, month = (m.group(1), m.group(2)) if m.re is _YEAR_MONTH else (m.group(2), m.group(1))
            date = _format_date(month, year)

    sections: list[Section] = []
    sections.extend(_mgi_definitions(lines[: key_findings_at[0]]))
    bounds = [*key_findings_at, len(lines)]
    for start, end in zip(bounds, bounds[1:]):
        sections.extend(_mgi_key_findings_block(lines[start + 1 : end]))

    if not any(s.kind == "finding" for s in sections):
        raise ProfileError(f"{source}: an MGI profile in which no key finding could be read")
    domains = {s.domain for s in sections if s.kind == "finding"}
    return Profile(
        source=source,
        family=FAMILY_MGI,
        country=country.name if country else None,
        country_code=country.alpha_3 if country else None,
        title=title,
        date=date,
        content_hash=content_hash,
        sections=sections,
        metadata={"domains": sorted(domains), "country_names": country.to_dict() if country else None},
    )


def _mgi_definitions(lines: list[str]) -> Iterator[Section]:
    """Domain definitions: each domain heading (printed twice) then national and city paragraphs."""
    domain: str | None = None
    for paragraph in _paragraphs(lines):
        heading_lines = [ln.strip() for ln in paragraph.split("\n")]
        if all(len(h.split()) <= 8 and not h.endswith(".") for h in heading_lines):
            # a run of heading lines (templates print each heading twice): the last one counts
            domain = _canonical_domain(heading_lines[-1]) or domain
            continue
        if domain is None:
            continue
        scope = "city level" if re.search(r"\bthis category\b|\bcities\b", paragraph) else "national"
        yield Section(
            heading_path=(domain, f"Domain definition ({scope})"),
            text=_clean(paragraph),
            kind="definition",
            attributes={"scope": scope},
        )


def _mgi_key_findings_block(lines: list[str]) -> Iterator[Section]:
    nonblank = [i for i, line in enumerate(lines) if line.strip()]
    if not nonblank:
        return
    heading = lines[nonblank[0]].strip()
    body = lines[nonblank[0] + 1 :]
    domain = _canonical_domain(heading)
    if domain is None:
        # The introduction (and any other unnamed block) is kept as paragraphs.
        name = heading.title() if heading.isupper() else heading
        for paragraph in _paragraphs(body):
            if re.match(r"^\s*Click the icons", paragraph):
                continue  # an instruction for the interactive page, not content
            yield Section(heading_path=(name,), text=_clean(paragraph), kind="paragraph")
        return
    polarity: str | None = None
    section_name = ""
    for line in body:
        stripped = line.strip()
        if not stripped:
            continue
        if _MGI_WELL.search(stripped) and not _BULLET.match(line):
            polarity, section_name = POLARITY_WELL_DEVELOPED, "Well-developed areas"
            continue
        if _MGI_FURTHER.search(stripped) and not _BULLET.match(line):
            polarity, section_name = POLARITY_FURTHER_DEVELOPMENT, "Areas with potential for further development"
            continue
        if _YEAR_MONTH.match(stripped) or _MONTH_YEAR.match(stripped) or _MGI_TITLE.match(stripped):
            break  # the closing date and title lines
        finding = _BULLET.sub("", stripped)
        if polarity is None or not finding:
            continue
        yield Section(
            heading_path=(domain, section_name),
            text=_clean(finding),
            kind="finding",
            polarity=polarity,
        )


# --------------------------------------------------------------------------------------------
# Diaspora engagement mappings (EUDiF)
# --------------------------------------------------------------------------------------------

_MAPPING_PARTS: list[tuple[str, re.Pattern[str]]] = [
    ("Facts & figures", re.compile(r"^\s*Facts\s*(?:&|and)\s*figures\s*$", re.IGNORECASE)),
    ("Political rights", re.compile(r"^\s*Political rights\s*$", re.IGNORECASE)),
    ("Policy and legislative framework", re.compile(r"^\s*Overview of the policy and legislative framework\s*$", re.IGNORECASE)),
    ("Trends", re.compile(r"^\s*(?:»\s*)?Trends\s*$", re.IGNORECASE)),
    ("Obstacles", re.compile(r"^\s*Obstacles\s*$", re.IGNORECASE)),
    ("Spotlight: effective practices", re.compile(r"^\s*SPOTLIGHT:?\s*effective practices\s*$", re.IGNORECASE)),
    ("Annex: list of actors", re.compile(r"^\s*Annex:?\s*$|^\s*List of Actors\s*$", re.IGNORECASE)),
    ("_end", re.compile(r"^\s*(?:Written by|Author)\s*:", re.IGNORECASE)),
]
_MAPPING_TITLE = re.compile(r"^\s*Diaspora engagement mapping\s*[:\-–]?\s*(.+?)\s*$", re.IGNORECASE | re.MULTILINE)
_TIMELINE_ENTRY = re.compile(r"^\s*-\s*(\d{4})\b")
_TAGS_LINE = re.compile(r"^[A-Z][A-Z &/+,'-]*[A-Z]$")
_TRAILING_YEAR = re.compile(rf"\s*((?:19|20)\d{{2}}(?:\s*[-–]\s*(?:19|20)\d{{2}})?)\s*([{_SUPERSCRIPTS}]*)\s*$")
_LABELLED = re.compile(r"^\s*(?:-\s*)?(?:\*\*)?([A-Z][^:*\n]{2,60}?):(?:\*\*)?\s+(.+)$", re.DOTALL)


@dataclass
class _FootnoteTable:
    notes: dict[int, Footnote]

    def cite(self, *texts: str) -> tuple[Footnote, ...]:
        seen: list[int] = []
        for text in texts:
            for number in _superscript_numbers(text):
                if number in self.notes and number not in seen:
                    seen.append(number)
        return tuple(self.notes[n] for n in seen)


def _footnote_from(number: int, body: str, previous: Footnote | None) -> Footnote:
    # "…/wcms_228484.pdf: 17" cites page 17 of the PDF; the colon is not part of the address
    urls = tuple(u.rstrip(".,;:)") for u in _URL.findall(body))
    if re.match(r"^\s*(Ibid|Idem|Id\.)\b", body) and not urls and previous is not None:
        urls = previous.urls
    return Footnote(number=number, text=_clean(body.replace("<", "").replace(">", "")), urls=urls)


def _split_footnote_definitions(lines: list[str]) -> tuple[list[str], dict[int, str]]:
    """Remove footnote definition lines ("4 http…", "¹⁹ <http…>", "22 Ibid") from a block."""
    kept: list[str] = []
    definitions: dict[int, str] = {}
    for line in lines:
        m = _FOOTNOTE_DEFINITION.match(line)
        if m and "●" not in line:
            marker, body = m.groups()
            is_note = bool(_URL.search(body)) or re.match(r"^(Ibid|Idem|Id\.)\b", body)
            if is_note:
                number = int("".join(_SUPERSCRIPT_VALUE.get(ch, ch) for ch in marker))
                definitions[number] = body
                kept.append("")
                continue
        kept.append(line)
    return kept, definitions


def _note_prose(note: Footnote) -> str:
    prose = _URL.sub("", note.text)
    prose = re.sub(r"\s+(or|and)\s*$", "", re.sub(r"\s+", " ", prose)).strip(" .:;,")
    return prose if len(prose.split()) >= 5 else ""


def _with_note_prose(text: str, notes: tuple[Footnote, ...]) -> str:
    """Append the prose of cited footnotes that say more than a source link.

    Some mappings put the substance in a footnote (whether voting from abroad works in practice),
    so that prose belongs to the passage that cites it.
    """
    extra = []
    for note in notes:
        prose = _note_prose(note)
        if prose:
            marker = "".join(_SUPERSCRIPTS[int(d)] for d in str(note.number))
            extra.append(f"{marker} {prose}.")
    return text + ("\n" + "\n".join(extra) if extra else "")


def parse_diaspora_mapping(text: str, source: str, content_hash: str) -> Profile:
    lines = [line.rstrip() for line in text.split("\n")]
    title_match = _MAPPING_TITLE.search(text)
    if not title_match:
        raise ProfileError(f"{source}: a diaspora engagement mapping without its title line")
    country = lookup_country(_clean(title_match.group(1)))

    # Split into the template's parts; each part's line range.
    marks: list[tuple[int, str]] = []
    for i, line in enumerate(lines):
        for name, pattern in _MAPPING_PARTS:
            if pattern.match(line) and not any(m[1] == name for m in marks):
                marks.append((i, name))
                break
    if len([m for m in marks if m[1] != "_end"]) < 2:
        raise ProfileError(f"{source}: a diaspora engagement mapping whose sections could not be found")
    marks.sort()
    parts: dict[str, list[str]] = {}
    for (start, name), (end, _) in zip(marks, [*marks[1:], (len(lines), "")]):
        parts[name] = lines[start + 1 : end]

    all_definitions: dict[int, str] = {}
    cleaned_parts: dict[str, list[str]] = {}
    for name, part_lines in parts.items():
        kept, definitions = _split_footnote_definitions(part_lines)
        cleaned_parts[name] = kept
        all_definitions.update(definitions)
    notes: dict[int, Footnote] = {}
    previous: Footnote | None = None
    for number in sorted(all_definitions):
        previous = notes[number] = _footnote_from(number, all_definitions[number], previous)
    table = _FootnoteTable(notes)

    end_lines = parts.get("_end", [])
    written, updated, authors = _mapping_credits(lines[marks[-1][0] :] if marks[-1][1] == "_end" else end_lines)

    sections: list[Section] = []
    builders = {
        "Facts & figures": _facts_and_figures,
        "Political rights": _political_rights,
        "Policy and legislative framework": _timeline,
        "Trends": _labelled_paragraphs,
        "Obstacles": _obstacles,
        "Spotlight: effective practices": _spotlight,
        "Annex: list of actors": _annex,
    }
    for name, part_lines in cleaned_parts.items():
        builder = builders.get(name)
        if builder is not None:
            sections.extend(builder(name, part_lines, table))
    if not sections:
        raise ProfileError(f"{source}: a diaspora engagement mapping with no readable section")
    country_name = country.name if country else None
    return Profile(
        source=source,
        family=FAMILY_MAPPING,
        country=country_name,
        country_code=country.alpha_3 if country else None,
        title=f"Diaspora engagement mapping: {country_name or _clean(title_match.group(1)).title()}",
        date=updated or written,
        content_hash=content_hash,
        sections=sections,
        metadata={
            "written": written,
            "updated": updated,
            "authors": authors,
            "footnotes": [n.to_dict() for n in notes.values()],
            "country_names": country.to_dict() if country else None,
        },
    )


def _mapping_credits(lines: list[str]) -> tuple[str | None, str | None, dict[str, str]]:
    written = updated = None
    authors: dict[str, str] = {}
    for line in lines:
        stripped = line.strip()
        credit = re.match(r"^(Written|Edited|Updated)\s+by\s*:\s*(.+)$", stripped, re.IGNORECASE)
        if credit:
            authors[credit.group(1).lower()] = credit.group(2).strip()
            continue
        m = _MONTH_YEAR.match(stripped)
        if m:
            value = _format_date(m.group(1), m.group(2))
            if stripped.lower().startswith("updated"):
                updated = value
            elif written is None:
                written = value
    return written, updated, authors


def _facts_and_figures(part: str, lines: list[str], table: _FootnoteTable) -> Iterator[Section]:
    rows = [i for i, line in enumerate(lines) if re.match(r"^[^\t]+\t\s*[\d.,]+\s*$", line)]
    before = lines
    if rows:
        first = rows[0]
        heading_at = max((i for i in range(first) if lines[i].strip()), default=None)
        heading = lines[heading_at].strip() if heading_at is not None else "Table"
        table_lines = [lines[i].strip() for i in range(first, rows[-1] + 1) if lines[i].strip()]
        yield Section(
            heading_path=(part, heading),
            text=heading + "\n" + "\n".join(table_lines),
            kind="table",
            attributes={"rows": [row.split("\t") for row in table_lines]},
        )
        before = lines[: heading_at if heading_at is not None else first]
    groups: dict[str, list[str]] = {}
    name = "Emigration"
    for line in before:
        stripped = line.strip()
        if not stripped:
            continue
        if re.match(r"^Remittances\b", stripped, re.IGNORECASE) and "Remittances" not in groups:
            name = "Remittances"
        elif re.match(r"^%\s*of which\b", stripped, re.IGNORECASE):
            # "% of which in the EU" qualifies the emigrants, though the layout prints it last
            name = "Emigration"
        if re.fullmatch(r"Emigration", stripped, re.IGNORECASE):
            name = "Emigration"
            continue
        groups.setdefault(name, []).append(stripped)
    for name, group in groups.items():
        text = "\n".join(group)
        yield Section(
            heading_path=(part, name),
            text=_clean(f"{name}\n{text}" if not text.lower().startswith(name.lower()) else text),
            kind="figures",
            footnotes=table.cite(text),
        )


def _political_rights(part: str, lines: list[str], table: _FootnoteTable) -> Iterator[Section]:
    """One section per right ("Voting from abroad³"), carrying its footnote: the yes/no is an
    icon the text does not keep, so the footnote's prose and sources are the substance."""
    for paragraph in _paragraphs(lines):
        flat = " ".join(paragraph.split())
        if len(flat.split()) <= 14 and not flat.endswith(".") and ":" not in flat:
            right = _SUPERSCRIPT_RUN.sub("", flat).strip()
            notes = table.cite(flat)
            yield Section(
                heading_path=(part, right),
                text=_with_note_prose(flat, notes),
                kind="right",
                footnotes=notes,
                attributes={"right": right},
            )
            continue
        yield from _labelled_paragraph(part, paragraph, table)


def _labelled_paragraph(part: str, paragraph: str, table: _FootnoteTable, kind: str = "paragraph") -> Iterator[Section]:
    flat = re.sub(r"^\s*-\s+", "", paragraph.replace("\n", " "))
    text = _clean(flat)
    if not text:
        return
    labelled = _LABELLED.match(flat)
    path: tuple[str, ...] = (part,)
    if labelled and len(labelled.group(1).split()) <= 6:
        path = (part, _clean(labelled.group(1)))
    notes = table.cite(text)
    yield Section(heading_path=path, text=_with_note_prose(text, notes), kind=kind, footnotes=notes)


def _labelled_paragraphs(part: str, lines: list[str], table: _FootnoteTable) -> Iterator[Section]:
    for paragraph in _paragraphs(lines):
        yield from _labelled_paragraph(part, paragraph, table)


def _timeline(part: str, lines: list[str], table: _FootnoteTable) -> Iterator[Section]:
    entries: list[list[str]] = []
    for line in lines:
        if _TIMELINE_ENTRY.match(line):
            entries.append([line])
        elif entries and line.strip():
            entries[-1].append(line)
    for entry in entries:
        raw = " ".join(s.strip() for s in entry)
        m = re.match(r"^-\s*(\d{4})\**\s*(?:∨|-|–|to)?\s*(\d{4})?\s*●?\s*(.*)$", raw)
        if not m:
            continue
        start, end, body = m.groups()
        years = f"{start}–{end}" if end else start
        title_match = re.match(r"^\*\*(.+?)\*\*", body.strip())
        title = title_match.group(1) if title_match else body.split(".")[0]
        title = _SUPERSCRIPT_RUN.sub("", title).strip(" :")
        text = _clean(body)
        notes = table.cite(body)
        yield Section(
            heading_path=(part, f"{years} · {title}"),
            text=_with_note_prose(f"{years}: {text}", notes),
            kind="timeline",
            footnotes=notes,
            attributes={"years": years, "title": title},
        )


def _obstacles(part: str, lines: list[str], table: _FootnoteTable) -> Iterator[Section]:
    items: list[list[str]] = []
    for line in lines:
        if re.match(r"^\s*-\s+\S", line):
            items.append([line])
        elif items and line.strip():
            items[-1].append(line)
    if not items:
        yield from _labelled_paragraphs(part, lines, table)
        return
    for item in items:
        yield from _labelled_paragraph(part, " ".join(s.strip() for s in item), table, kind="obstacle")


def _title_and_year(line: str) -> tuple[str, str | None]:
    m = _TRAILING_YEAR.search(line)
    if not m:
        return _SUPERSCRIPT_RUN.sub("", line).strip(), None
    return _SUPERSCRIPT_RUN.sub("", line[: m.start()]).strip(" ,–-"), m.group(1).replace("-", "–")


def _is_title_line(paragraph: str) -> bool:
    flat = paragraph.strip()
    return "\n" not in flat and len(flat.split()) <= 16 and not flat.endswith((".", ":"))


def _spotlight(part: str, lines: list[str], table: _FootnoteTable) -> Iterator[Section]:
    paragraphs = _paragraphs(lines)
    i = 0
    while i < len(paragraphs):
        if not _is_title_line(paragraphs[i]):
            yield from _labelled_paragraph(part, paragraphs[i], table)
            i += 1
            continue
        raw_title = paragraphs[i].strip()
        i += 1
        themes: list[str] = []
        if i < len(paragraphs) and _TAGS_LINE.match(paragraphs[i].strip()):
            themes = [t.strip() for t in re.split(r"[+,/&]", paragraphs[i]) if t.strip()]
            i += 1
        body: list[str] = []
        while i < len(paragraphs) and not (
            _is_title_line(paragraphs[i])
            and i + 1 < len(paragraphs)
            and _TAGS_LINE.match(paragraphs[i + 1].strip())
        ):
            body.append(paragraphs[i])
            i += 1
        title, year = _title_and_year(raw_title)
        notes = table.cite(raw_title, *body)
        text = _clean(" ".join(" ".join(b.split()) for b in body))
        heading = f"{title} ({year})" if year else title
        yield Section(
            heading_path=(part, heading),
            text=_with_note_prose(f"{heading}. {' + '.join(themes)}. {text}" if themes else f"{heading}. {text}", notes),
            kind="practice",
            footnotes=notes,
            attributes={"title": title, "year": year, "themes": themes},
        )


def _annex(part: str, lines: list[str], table: _FootnoteTable) -> Iterator[Section]:
    group = "Diaspora related institutions"
    level: list[str] = []
    paragraphs = _paragraphs(lines)
    i = 0
    while i < len(paragraphs):
        para = paragraphs[i].strip()
        i += 1
        if re.fullmatch(r"List of Actors", para, re.IGNORECASE):
            continue
        if re.match(r"^Diaspora (related )?(institutions|organi[sz]ations)\b", para, re.IGNORECASE):
            group, level = _clean(para), []
            continue
        if para.startswith("-"):
            name = _clean(para.lstrip("- ").strip())
            # "**National institutions**" opens a level; "At ministerial level" refines it.
            if para.lstrip("- ").startswith("**"):
                level = [name]
            else:
                level = level[:1] + [name]
            continue
        if not _is_title_line(para):
            yield from _labelled_paragraph(part, para, table)
            continue
        activities: list[str] = []
        while i < len(paragraphs) and re.fullmatch(r"[\w -]+ activities", paragraphs[i].strip(), re.IGNORECASE):
            activities.append(paragraphs[i].strip())
            i += 1
        body: list[str] = []
        while i < len(paragraphs) and not _is_title_line(paragraphs[i]) and not paragraphs[i].lstrip().startswith("-"):
            body.append(paragraphs[i])
            i += 1
        name, year = _title_and_year(para)
        kind = "organisation" if "organi" in group.lower() else "institution"
        # organisations are listed as "Name Country Year"; institutions carry no country
        actor_country = _trailing_country(name) if kind == "organisation" else None
        if actor_country:
            name = name[: -len(actor_country[1])].strip(" ,")
        heading = f"{name} ({year})" if year else name
        notes = table.cite(para, *body)
        description = _clean(" ".join(" ".join(b.split()) for b in body))
        facts = [f for f in (actor_country[0] if actor_country else None, year) if f]
        lead = f"{name} ({', '.join(facts)})" if facts else name
        detail = f" {'; '.join(activities)}." if activities else ""
        yield Section(
            heading_path=(part, group, *level, heading) if kind == "institution" else (part, group, heading),
            text=_with_note_prose(f"{lead}.{detail} {description}".strip(), notes),
            kind="actor",
            footnotes=notes,
            attributes={
                "name": name,
                "year": year,
                "actor_type": kind,
                "level": " › ".join(level) if level else None,
                "country": actor_country[0] if actor_country else None,
                "activities": activities,
            },
        )


def _trailing_country(name: str) -> tuple[str, str] | None:
    words = name.split()
    for size in (3, 2, 1):
        if len(words) > size:
            tail = " ".join(words[-size:])
            found = lookup_country(tail) if tail[:1].isupper() and len(tail) > 3 else None
            if found:
                return found.name, tail
    return None


# --------------------------------------------------------------------------------------------
# Any other profile: heading-based sections
# --------------------------------------------------------------------------------------------

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")


def parse_generic_profile(text: str, source: str, content_hash: str) -> Profile:
    lines = text.split("\n")
    markdown = any(_MD_HEADING.match(line) for line in lines)
    no_blank_lines = all(line.strip() for line in lines[:-1])
    path: list[tuple[int, str]] = []
    sections: list[Section] = []
    buffer: list[str] = []
    title: str | None = None

    def flush() -> None:
        for paragraph in _paragraphs(buffer):
            cleaned = _clean(paragraph)
            if cleaned:
                heading = tuple(h for _, h in path) or ("Text",)
                if sections and sections[-1].heading_path == heading and len(sections[-1].text) < 600:
                    sections[-1].text += "\n\n" + cleaned  # a paragraph group
                else:
                    sections.append(Section(heading_path=heading, text=cleaned, kind="paragraph"))
        buffer.clear()

    for i, line in enumerate(lines):
        m = _MD_HEADING.match(line) if markdown else None
        is_plain_heading = (
            not markdown
            and line.strip()
            and len(line.split()) <= 10
            and line.strip()[:1].isupper()
            and not line.strip().endswith((".", ",", ";", ":"))
            and (
                # a title line set apart by blank lines …
                ((i == 0 or not lines[i - 1].strip()) and (i + 1 >= len(lines) or not lines[i + 1].strip()))
                # … or, in text extracted from a PDF (no blank lines at all), one followed by a sentence
                or (no_blank_lines and i + 1 < len(lines) and lines[i + 1].rstrip().endswith((".", "!", "?")))
            )
        )
        if m or is_plain_heading:
            flush()
            level = len(m.group(1)) if m else 1
            heading = _clean(m.group(2) if m else line)
            title = title or heading
            path = [(lv, h) for lv, h in path if lv < level] + [(level, heading)]
            continue
        buffer.append(line)
    flush()
    if not sections:
        raise ProfileError(f"{source}: no paragraph of text could be read")
    country = _guess_country(text)
    return Profile(
        source=source,
        family=FAMILY_OTHER,
        country=country.name if country else None,
        country_code=country.alpha_3 if country else None,
        title=title or Path(source).stem,
        date=None,
        content_hash=content_hash,
        sections=sections,
        metadata={"country_names": country.to_dict() if country else None},
    )


def _guess_country(text: str) -> CountryNames | None:
    """The country a free-form profile is about: the most named one in its opening."""
    import pycountry

    head = text[:5000]
    counts: dict[str, int] = {}
    for record in pycountry.countries:
        name = getattr(record, "common_name", None) or record.name
        hits = len(re.findall(rf"(?<!\w){re.escape(name)}(?!\w)", head))
        if hits:
            counts[name] = hits
    if not counts:
        return None
    return lookup_country(max(counts, key=counts.__getitem__))


# --------------------------------------------------------------------------------------------
# Corpus
# --------------------------------------------------------------------------------------------


def parse_profile(text: str, source: str, content_hash: str | None = None) -> Profile:
    """Parse one profile's text; the family is detected from its content."""
    content_hash = content_hash or file_hash(text.encode("utf-8"))
    family = detect_family(text)
    if family == FAMILY_MGI:
        try:
            return parse_mgi_profile(text, source, content_hash)
        except ProfileError as exc:
            log.warning("%s; reading it by headings instead", exc)
    elif family == FAMILY_MAPPING:
        try:
            return parse_diaspora_mapping(text, source, content_hash)
        except ProfileError as exc:
            log.warning("%s; reading it by headings instead", exc)
    return parse_generic_profile(text, source, content_hash)


def load_profile(path: Path, corpus_dir: Path) -> Profile:
    source = path.relative_to(corpus_dir).as_posix()
    text = read_text(path)
    try:
        data = path.read_bytes()
    except OSError as exc:  # pragma: no cover - read_text already read it
        raise ProfileError(f"{path}: cannot be read ({exc})") from exc
    return parse_profile(text, source, file_hash(data))


def iter_profile_paths(corpus_dir: Path) -> list[Path]:
    if not corpus_dir.exists():
        raise CorpusError(f"corpus folder {corpus_dir} does not exist")
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus folder {corpus_dir} is not a folder")
    return sorted(
        p
        for p in corpus_dir.rglob("*")
        if p.is_file()
        and p.suffix.lower() in SUPPORTED_SUFFIXES
        and not p.name.startswith(".")
        and p.name.lower() != "readme.md"
    )


@dataclass
class CorpusLoad:
    profiles: list[Profile]
    skipped: list[str]


def load_corpus(corpus_dir: Path) -> CorpusLoad:
    """Every readable profile in a folder; unreadable ones are skipped with a warning naming them."""
    corpus_dir = Path(corpus_dir)
    paths = iter_profile_paths(corpus_dir)
    profiles: list[Profile] = []
    skipped: list[str] = []
    for path in paths:
        try:
            profiles.append(load_profile(path, corpus_dir))
        except ProfileError as exc:
            log.warning("skipped %s", exc)
            skipped.append(str(exc))
    if not profiles:
        detail = f" ({len(skipped)} skipped: {'; '.join(skipped)})" if skipped else ""
        raise CorpusError(
            f"no readable profile in {corpus_dir}{detail}; supported: {', '.join(SUPPORTED_SUFFIXES)}"
        )
    return CorpusLoad(profiles=profiles, skipped=skipped)
