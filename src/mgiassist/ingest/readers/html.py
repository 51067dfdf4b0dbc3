"""Web pages into blocks, from the DOM's own structure (BeautifulSoup).

The article is the page's ``<main>`` or ``<article>`` (else ``<body>``); navigation, headers,
footers, asides, scripts, forms and cookie or consent banners are left out, found by tag, ARIA
role, or class/id wording. ``h1``–``h6`` give headings, ``li`` list items (nested lists deeper),
``table`` tables, ``<sup>`` digits footnote markers, ``<b>``/``<strong>`` emphasis; a footnotes
list (``role="doc-endnotes"``, an ``ol`` whose items have ``fn`` ids or whose class says notes)
gives footnote definitions.
"""

from __future__ import annotations

import re
from pathlib import Path

from mgiassist.errors import ProfileError
from mgiassist.ingest.blocks import (
    SUPERSCRIPTS,
    Block,
    Document,
    FootnoteDefinition,
    Heading,
    ListItem,
    Origin,
    Paragraph,
    Table,
)
from mgiassist.ingest.footnotes import parse_definition
from mgiassist.ingest.readers.limits import DEFAULT_LIMITS, ReadLimits, html_depth_problem

__all__ = ["read_html"]

_DROP_TAGS = ("script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form",
              "iframe", "svg", "button", "dialog")
_DROP_ROLES = {"navigation", "banner", "contentinfo", "complementary", "dialog", "alertdialog", "search"}
_DROP_WORDING = re.compile(
    r"cookie|consent|gdpr|banner|navbar|\bnav\b|menu|breadcrumb|sidebar|share|social|newsletter|"
    r"skip-link|site-header|site-footer|masthead|popup|modal", re.IGNORECASE)
_NOTES_WORDING = re.compile(r"footnote|endnote|\bnotes\b|references", re.IGNORECASE)
_BLOCK_TAGS = {"p", "li", "table", "pre", "blockquote", "dd", "dt", "figcaption", "address",
               "h1", "h2", "h3", "h4", "h5", "h6"}
_LISTS = ("ul", "ol")
_BOXES = {"div", "section", "article", "main", "figure", "center", "details", "summary", "fieldset", "body"}
_DIGITS = str.maketrans(SUPERSCRIPTS, "0123456789")
_TEXT_BULLET = re.compile(r"^[•●▪◦‣∙–-]\s+(?=\S)")
_NOTES_HEADING = re.compile(r"^(foot|end)?notes$|^sources$|^references$", re.IGNORECASE)


def _attr_words(el) -> str:
    classes = el.get("class") or []
    return " ".join([*(classes if isinstance(classes, list) else [classes]), el.get("id") or ""])


def _is_boilerplate(el) -> bool:
    if el.name in ("main", "article") or el.find(["main", "article"]) is not None:
        return False
    if el.name in _DROP_TAGS or (el.get("role") or "").lower() in _DROP_ROLES:
        return True
    if el.get("aria-hidden") == "true" or el.get("hidden") is not None:
        return True
    return bool(_DROP_WORDING.search(_attr_words(el)))


class _Inline:
    """Text of an element with emphasis spans and footnote markers, nested lists left out."""

    def __init__(self, icons_alone: bool = False) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.bold: list[tuple[int, int]] = []
        self.markers: list[tuple[int, int]] = []
        self.written = icons_alone  # text of the page's own, not only icons' names (a table cell's icon is its value)

    def add(self, text: str) -> None:
        text = re.sub(r"\s+", " ", text)
        if not self.parts or self.parts[-1][-1:] in (" ", "\n", ""):
            text = text.lstrip(" ")
        for piece in re.split(f"([{SUPERSCRIPTS}]+)", text):  # markers typed as Unicode superscripts
            if piece and piece[0] in SUPERSCRIPTS:
                self.markers.append((self.length, int(piece.translate(_DIGITS))))
            elif piece:
                self.parts.append(piece)
                self.length += len(piece)

    def walk(self, el) -> None:
        from bs4 import NavigableString, Tag

        for child in el.children:
            if isinstance(child, NavigableString):
                if type(child).__name__ in ("Comment", "Doctype", "CData", "ProcessingInstruction"):
                    continue
                self.written = self.written or bool(str(child).strip())
                self.add(str(child))
            elif isinstance(child, Tag):
                icon = _icon_name(child)
                if icon is not None:
                    if icon:
                        self.add(f" {icon} ")
                    continue
                if child.name in _LISTS or child.name in _DROP_TAGS:
                    continue
                if child.name == "br":
                    self.parts.append("\n")
                    self.length += 1
                elif child.name == "sup" and re.fullmatch(r"\[?\s*\d{1,3}\s*\]?", child.get_text()):
                    number = int(re.sub(r"\D", "", child.get_text()))
                    self.markers.append((len("".join(self.parts).rstrip()), number))
                elif child.name in ("b", "strong"):
                    start = self.length
                    self.walk(child)
                    self.bold.append((start, self.length))
                else:
                    self.walk(child)

    def result(self) -> tuple[str, tuple, tuple]:
        if not self.written:  # an image alone in its block is a figure, not an inline icon
            return "", (), ()
        raw = "".join(self.parts)
        lead = len(raw) - len(raw.lstrip())
        text = re.sub(r" *\n *", "\n", raw).strip()
        if text == raw[lead:].rstrip():
            shift = lead
            clip = len(text)
            bold = tuple((max(0, s - shift), min(clip, e - shift)) for s, e in self.bold if e - shift > max(0, s - shift))
            markers = tuple((min(clip, max(0, at - shift)), n) for at, n in self.markers)
            return text, bold, markers
        # spaces around line breaks were folded: offsets are only approximate then
        return text, (), tuple((min(len(text), at), n) for at, n in self.markers)


def _icon_name(tag) -> str | None:
    """What an inline image says, as a screen reader reads it: an ``<img>``'s ``aria-label``,
    ``alt`` or ``title``; an ``<svg>``'s or ``role="img"`` element's ``aria-label``, ``<title>`` or
    ``title``. Templates show yes/no as such icons ("Dual citizenship <img alt="Yes">").
    ``""`` for an image with no name or hidden from readers (decorative); None for other tags."""
    role = (tag.get("role") or "").lower()
    if tag.name not in ("img", "svg") and role not in ("img", "image"):
        return None
    if (tag.get("aria-hidden") or "").lower() == "true" or role in ("presentation", "none"):
        return ""
    name = tag.get("aria-label")
    if name is None and tag.name == "img":
        name = tag.get("alt")
    if name is None and tag.name != "img":
        title = tag.find("title")
        name = title.get_text() if title is not None else None
    name = name if name is not None else tag.get("title")
    return " ".join((name or "").split())[:200]


def _cell_text(cell) -> str:
    """A table cell's text; a cell with a named icon reads as its words and the icon's name (a
    "Status" column of ticks and crosses)."""
    if not any(_icon_name(el) for el in cell.find_all(True)):
        return " ".join(cell.get_text(" ").split())
    inline = _Inline(icons_alone=True)
    inline.walk(cell)
    return " ".join(inline.result()[0].split())


def _inline(el):
    inline = _Inline()
    inline.walk(el)
    return inline.result()


class _Walker:
    def __init__(self, line_starts: list[int]) -> None:
        self.blocks: list[Block] = []
        self.line_starts = line_starts
        self.notes_heading = False  # the last heading reads "Notes", "Sources", "References"

    def origin(self, el) -> Origin:
        line, col = getattr(el, "sourceline", None), getattr(el, "sourcepos", None)
        if line is None:
            return Origin(offset=len(self.blocks))
        return Origin(offset=self.line_starts[min(line - 1, len(self.line_starts) - 1)] + (col or 0))

    def walk(self, el, depth: int = -1, notes: bool = False) -> None:
        from bs4 import NavigableString, Tag

        loose: list = []
        for child in list(el.children):
            if isinstance(child, NavigableString) or (isinstance(child, Tag) and child.name not in _BLOCK_TAGS
                                                       and child.name not in _LISTS and child.name not in _BOXES
                                                       and not _has_blocks(child)):
                loose.append(child)
                continue
            self._loose(loose)
            loose = []
            if _is_boilerplate(child):
                continue
            if child.name in _BOXES and not _has_blocks(child):
                self._loose([child])  # a box of text (a <div> used as a paragraph)
                continue
            self.element(child, depth, notes)
        self._loose(loose)

    def _loose(self, nodes: list) -> None:
        """Text sitting directly in a container, between blocks, reads as a paragraph."""
        from bs4 import BeautifulSoup

        if not nodes or not "".join(n.get_text() if hasattr(n, "get_text") else str(n) for n in nodes).strip():
            return
        holder = BeautifulSoup("<div></div>", "html.parser").div
        for node in nodes:
            holder.append(node.__copy__() if hasattr(node, "__copy__") else node)
        text, bold, markers = _inline(holder)
        if text:
            self.add(Paragraph(text, markers, bold, Origin(offset=len(self.blocks))), False)

    def add(self, block: Block, notes: bool) -> None:
        if isinstance(block, Paragraph) and block.markers and block.markers[0][0] == 0 \
                and parse_definition(f"{block.markers[0][1]} {block.text}"):
            # "<p><sup>3</sup> Whilst … <a>http…</a></p>": a note set with its number raised
            block = FootnoteDefinition(block.text, (), (), block.origin, number=block.markers[0][1])
        bullet = _TEXT_BULLET.match(block.text) if type(block) is Paragraph else None
        if bullet:  # a list typed as paragraphs opening with a bullet
            cut = bullet.end()
            block = ListItem(block.text[cut:], tuple((max(0, a - cut), n) for a, n in block.markers),
                             tuple((max(0, s - cut), e - cut) for s, e in block.bold if e > cut), block.origin)
        if (notes and not isinstance(block, FootnoteDefinition)) or isinstance(block, Paragraph):
            definition = parse_definition(block.text)
            if definition:
                block = FootnoteDefinition(definition[1], (), (), block.origin, number=definition[0])
        if block.text.strip() or isinstance(block, Table):
            self.blocks.append(block)

    def element(self, el, depth: int, notes: bool) -> None:
        name = el.name
        if name in _LISTS:
            is_notes = notes or (name == "ol" and self.notes_heading) or (el.get("role") or "") == "doc-endnotes" or bool(_NOTES_WORDING.search(_attr_words(el)))
            start = int(el.get("start") or 1) if name == "ol" else None
            for n, item in enumerate(el.find_all("li", recursive=False)):
                text, bold, markers = _inline(item)
                number = _note_number(item, start + n if start is not None else None) if is_notes else None
                if is_notes and number is not None:
                    self.add(FootnoteDefinition(text, (), bold, self.origin(item), number=number), True)
                else:
                    self.add(ListItem(text, markers, bold, self.origin(item), depth=depth + 1), False)
                for sub in item.find_all(_LISTS, recursive=False):
                    self.element(sub, depth + 1, is_notes)
            return
        if name and re.fullmatch(r"h[1-6]", name):
            text, bold, markers = _inline(el)
            self.notes_heading = bool(_NOTES_HEADING.match(text.strip()))
            self.add(Heading(text, markers, (), self.origin(el), level=int(name[1])), False)
            return
        if name == "table":
            rows = []
            for tr in el.find_all("tr"):
                cells = [_cell_text(c) for c in tr.find_all(["td", "th"])]
                if any(cells):
                    rows.append(cells)
            if rows:
                self.add(Table("\n".join("\t".join(r) for r in rows), (), (), self.origin(el), rows=rows), False)
            return
        if name in _BLOCK_TAGS:
            text, bold, markers = _inline(el)
            self.add(Paragraph(text, markers, bold, self.origin(el)), notes)
            return
        inner_notes = notes or (el.get("role") or "") == "doc-endnotes" or bool(
            _NOTES_WORDING.search(_attr_words(el)))
        self.walk(el, depth, inner_notes)


def _has_blocks(el) -> bool:
    return el.find(list(_BLOCK_TAGS | set(_LISTS))) is not None


def _note_number(item, fallback: int | None) -> int | None:
    m = re.search(r"(\d+)\s*$", item.get("id") or "")
    if m:
        return int(m.group(1))
    definition = parse_definition(item.get_text(" ").strip())
    return definition[0] if definition else fallback


def _strip_leading_number(block: FootnoteDefinition) -> None:
    definition = parse_definition(block.text)
    if definition and definition[0] == block.number:
        block.text = definition[1]


def read_html(path: Path, html: str, source: str, limits: ReadLimits = DEFAULT_LIMITS) -> Document:
    from bs4 import BeautifulSoup

    problem = html_depth_problem(path, html, limits)  # before the tree: see readers/limits.py
    if problem:
        raise problem
    soup = BeautifulSoup(html, "html.parser")
    for el in soup.find_all(_DROP_TAGS):
        if el.decomposed:  # inside furniture dropped already (its attributes are gone)
            continue
        if el.find(["main", "article"]) is None and not _icon_name(el):  # a named icon is text
            el.decompose()
    root = soup.find("main") or soup.find(attrs={"role": "main"})
    if root is None:
        articles = soup.find_all("article")
        root = max(articles, key=lambda a: len(a.get_text())) if articles else (soup.body or soup)
    line_starts = [0]
    for m in re.finditer("\n", html):
        line_starts.append(m.end())
    walker = _Walker(line_starts)
    walker.walk(root)
    for block in walker.blocks:
        if isinstance(block, FootnoteDefinition):
            _strip_leading_number(block)
    if not any(b.text.strip() for b in walker.blocks if not isinstance(b, FootnoteDefinition)):
        raise ProfileError(f"{path}: a web page with no article text")
    return Document(source=source, format="html", blocks=walker.blocks)
