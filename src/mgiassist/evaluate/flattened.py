"""Flattened renderings of a profile: the text a PDF gives when its layout is thrown away.

``pdftotext``, a PDF viewer's copy-paste, or a PDF whose markers are not raised give text like
"Dual citizenship3 … 3 The constitution of Cabo Verde allows…": superscript markers become plain
digits glued to the word or punctuation they follow, note definitions sit at the foot of the page
that cites them, running headers and page numbers recur inside the text at page breaks (also in
the middle of a paragraph), long lines are wrapped and sometimes hyphenated, and a page read in
the wrong order scrambles the sections.

``flatten(text, rng)`` draws one such rendering of a seed's clean text under random choices
(:class:`Flattening`); ``case(seed)`` picks a seed profile, swaps in a look-alike country
(:func:`mgiassist.evaluate.lookalike.swap_country`) and flattens it; ``run(seed)`` reads the result
back with the text reader and scores it against the clean text's parse
(:func:`mgiassist.evaluate.producers.score`). ``benchmarks/flattened_text.py --n 200`` prints the
distribution; ``tests/test_flattened_text.py`` holds the floor.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path

from mgiassist.evaluate.producers import Score, score
from mgiassist.ingest.blocks import SUPERSCRIPTS
from mgiassist.ingest.footnotes import parse_definition

__all__ = ["SEEDS", "Flattening", "case", "flatten", "random_flattening", "run"]

CORPUS = Path(__file__).resolve().parents[3] / "corpus"
SEEDS = ("mgi-profile-cambodia-2021", "eudif-diaspora-mapping-cambodia-2022")
_DIGIT = {ch: str(i) for i, ch in enumerate(SUPERSCRIPTS)}
# the lines a part of each template opens with: a scrambled rendering moves whole parts
_PART_START = re.compile(
    r"^(?:Diaspora engagement mapping\b|Facts & figures$|Political rights$|Overview of the policy|» Trends$"
    r"|Obstacles$|SPOTLIGHT|Annex:|Written by|About the Migration Governance|Key findings$)"
)


@dataclass(frozen=True)
class Flattening:
    """One draw of the extraction's choices."""

    width: int  # characters per line
    page_lines: int  # body lines per page
    notes: str  # "page" (foot of the citing page), "end", or "seed" (where the text puts them)
    header: tuple[str, ...]  # running header lines ("#" is the page number)
    footer: tuple[str, ...]
    first_page: int
    blank_around_running: bool
    form_feed: bool
    hyphenate: float  # share of long words split at a line end
    bullet: str  # the glyph list items open with ("" none)
    indent_wraps: bool  # an item's wrapped lines indented under its text (pdftotext -layout)
    bold: bool  # keep the seed's **…** emphasis
    shuffle: bool

    def __str__(self) -> str:
        return (f"width {self.width} page {self.page_lines} notes {self.notes} header {len(self.header)} "
                f"footer {len(self.footer)} ff {int(self.form_feed)} hyphen {self.hyphenate:.1f} "
                f"bullet {self.bullet or 'none'} bold {int(self.bold)} shuffle {int(self.shuffle)}")


def _running(rng: random.Random, country: str, family: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    title = "DIASPORA ENGAGEMENT MAPPING" if "mapping" in family else "MIGRATION GOVERNANCE PROFILE"
    names = [country.upper(), title, f"{title.title()} – {country}", f"{country} | {title.title()}"]
    numbers = ["#", "Page #", "- # -", f"# | {country.upper()}", "#"]
    header = tuple(rng.sample(names, rng.randint(0, 2)))
    footer = (rng.choice(numbers),) if rng.random() < 0.85 else ()
    if not header and not footer:
        header = (names[0],)
    if rng.random() < 0.3 and footer:  # the page number at the top instead
        header, footer = (*header, *footer), ()
    return header, footer


def random_flattening(rng: random.Random, country: str = "Cambodia", family: str = "mapping") -> Flattening:
    header, footer = _running(rng, country, family)
    shuffle = rng.random() < 0.25
    notes = rng.choice(("page", "page", "end") if shuffle else ("page", "page", "end", "seed"))
    return Flattening(
        width=rng.randint(55, 110),
        page_lines=rng.randint(25, 60),
        notes=notes,
        header=header,
        footer=footer,
        first_page=rng.randint(1, 3),
        blank_around_running=rng.random() < 0.5,
        form_feed=rng.random() < 0.4,
        hyphenate=rng.choice((0.0, 0.5, 1.0)),
        bullet=rng.choice(("•", "●", "-", "▪", "")),
        indent_wraps=rng.random() < 0.4,
        bold=rng.random() < 0.3,
        shuffle=shuffle,
    )


# ---------------------------------------------------------------------------------- the text


def _plain_markers(line: str) -> str:
    """Unicode superscripts as the plain digits an extraction gives."""
    return "".join(_DIGIT.get(ch, ch) for ch in line)


@dataclass
class _Logical:
    """One line of the clean text: its kind and, for a note, its number."""

    text: str
    kind: str  # blank, item, row, note, line
    number: int = 0
    indent: int = 0


def _logical_lines(text: str, bold: bool) -> list[_Logical]:
    out: list[_Logical] = []
    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.rstrip() if bold else raw.rstrip().replace("**", "")
        definition = parse_definition(line)
        item = re.match(r"^(\s*)(?:[•●▪-])\s+(?=\S)", line)
        if not line.strip():
            out.append(_Logical("", "blank"))
        elif definition is not None:
            out.append(_Logical(line.strip(), "note", number=definition[0]))
        elif "\t" in line:
            out.append(_Logical(line.strip(), "row"))
        elif item:
            out.append(_Logical(line[item.end():], "item", indent=len(item.group(1).expandtabs(4)) // 4))
        else:
            out.append(_Logical(line.strip(), "line"))
    return out


def _parts(lines: list[_Logical]) -> list[list[_Logical]]:
    parts: list[list[_Logical]] = [[]]
    for line in lines:
        if line.kind == "line" and _PART_START.match(line.text) and parts[-1]:
            parts.append([])
        parts[-1].append(line)
    # the MGI template prints "Key findings" twice before the introduction and a domain name;
    # a part that is only its opening line stays with the next
    merged: list[list[_Logical]] = []
    for part in parts:
        if merged and all(x.kind == "blank" for x in merged[-1][1:]):
            merged[-1] += part
        else:
            merged.append(part)
    for part in merged:  # each part ends with a blank line, so moved parts do not run together
        part.append(_Logical("", "blank"))
    return merged


def _hyphen_point(word: str, rng: random.Random) -> int | None:
    """Where a long word may be split: between letters, three from either end."""
    if not re.fullmatch(r"[A-Za-z]{8,}[.,;:]?", word):
        return None
    core = len(word.rstrip(".,;:"))
    return rng.randint(3, core - 4)


def _wrap(text: str, width: int, rng: random.Random, hyphenate: float) -> list[str]:
    lines, current = [], ""
    for word in text.split(" "):
        if not word:
            continue
        if not current or len(current) + 1 + len(word) <= width:
            current = f"{current} {word}" if current else word
            continue
        room = width - len(current) - 2
        cut = _hyphen_point(word, rng) if rng.random() < hyphenate else None
        head, _, tail = word.partition("-")
        if tail and head and len(head) < room and rng.random() < 0.5 and not re.search(r"https?://|www\.", word):
            lines += [f"{current} {head}-"]  # a line break after a compound's own hyphen
            current = tail
        elif cut is not None and cut <= room:
            lines += [f"{current} {word[:cut]}-"]
            current = word[cut:]
        else:
            lines.append(current)
            current = word
    return [*lines, current] if current else lines


def _physical(line: _Logical, flat: Flattening, rng: random.Random) -> list[tuple[str, set[int]]]:
    """A logical line as wrapped lines, each with the note numbers cited on it."""
    if line.kind in ("blank", "row"):
        return [(_plain_markers(line.text), set())]
    pad = "    " * line.indent
    glyph = f"{flat.bullet} " if line.kind == "item" and flat.bullet else ""
    if line.kind == "item" and not flat.bullet:
        glyph = "- " if line.indent else ""  # a nested item keeps some sign of its depth
    wrapped = _wrap(line.text, flat.width - len(pad) - len(glyph), rng, flat.hyphenate if line.kind != "note" else 0)
    hang = " " * len(pad + glyph) if flat.indent_wraps and line.kind == "item" else ""
    out = []
    for i, part in enumerate(wrapped):
        cited = {int(_plain_markers(m)) for m in re.findall(f"[{SUPERSCRIPTS}]+", part)}
        out.append(((pad + glyph if i == 0 else hang) + _plain_markers(part), cited))
    return out


def _running_lines(lines: tuple[str, ...], page: int) -> list[str]:
    return [line.replace("#", str(page)) for line in lines]


def _paginate(body: list[tuple[str, set[int]]], notes: dict[int, list[str]], flat: Flattening,
              rng: random.Random) -> list[str]:
    out: list[str] = []
    page = flat.first_page
    pending: list[int] = []
    blank = [""] if flat.blank_around_running else []

    def close_page(last: bool) -> None:
        nonlocal page
        if pending:
            out.extend(["", *(n for number in sorted(pending) for n in notes.get(number, ())), ""])
            pending.clear()
        out.extend([*blank, *_running_lines(flat.footer, page)])
        if not last:
            if flat.form_feed:
                out.append("\f")
            page += 1
            out.extend([*_running_lines(flat.header, page), *blank])

    out.extend([*_running_lines(flat.header, page), *blank])
    for i, (text, cited) in enumerate(body):
        if i and i % flat.page_lines == 0:
            close_page(last=False)
        out.append(text)
        if flat.notes == "page":
            pending.extend(n for n in sorted(cited) if n in notes and n not in pending)
    close_page(last=True)
    return out


def flatten(text: str, flat: Flattening, rng: random.Random) -> str:
    """``text`` (a clean profile) as a PDF's extracted text under ``flat``'s choices."""
    lines = _logical_lines(text, flat.bold)
    if flat.shuffle:
        parts = _parts(lines)
        rng.shuffle(parts)
        lines = [line for part in parts for line in part]
    notes: dict[int, list[str]] = {}
    if flat.notes != "seed":
        for line in lines:
            if line.kind == "note":
                notes[line.number] = [t for t, _ in _physical(line, flat, rng)]
        lines = [line for line in lines if line.kind != "note"]
    body = [wrapped for line in lines for wrapped in _physical(line, flat, rng)]
    out = _paginate(body, notes if flat.notes == "page" else {}, flat, rng)
    if flat.notes == "end":
        out += ["", "Notes", ""] + [n for number in sorted(notes) for n in notes[number]]
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------------- cases


def case(seed: int, corpus: Path = CORPUS) -> tuple[str, str, Flattening, str]:
    """``(clean text, flattened text, choices, name)`` for one seed: a seed profile, its country
    kept or swapped for a look-alike, flattened under random choices."""
    from mgiassist.evaluate.lookalike import lookalike_countries, swap_country
    from mgiassist.text.countries import lookup_country

    rng = random.Random(seed)
    stem = SEEDS[seed % len(SEEDS)]
    clean = (corpus / f"{stem}.txt").read_text(encoding="utf-8")
    country = "Cambodia"
    if rng.random() < 0.7:
        target = lookalike_countries("Cambodia", 1, seed=seed)[0]
        clean = swap_country(clean, lookup_country("Cambodia"), target)
        country = target.name
    flat = random_flattening(rng, country, stem)
    return clean, flatten(clean, flat, rng), flat, f"{stem}-{country}"


def run(seed: int, corpus: Path = CORPUS) -> tuple[Score, Flattening, str, object]:
    """The flattened rendering of ``case(seed)`` read back and scored against the clean parse;
    the profile read is returned too, for its warnings."""
    from mgiassist.ingest import parse_profile

    clean, flat_text, flat, name = case(seed, corpus)
    expected = parse_profile(clean, f"{name}.txt")
    got = parse_profile(flat_text, f"{name}.txt")
    return score(expected, got), flat, name, got
