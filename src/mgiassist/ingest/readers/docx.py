"""DOCX into blocks (python-docx): heading styles, list styles or numbering, tables, bold runs,
superscript digits and Word footnote references as markers, Word footnotes (or numbered notes
typed as paragraphs) as footnote definitions. Headers and footers live in other parts and are
left out."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from mgiassist.errors import ProfileError
from mgiassist.ingest.blocks import (
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
from mgiassist.ingest.readers.limits import DEFAULT_LIMITS, ReadLimits, zip_parts_problem

__all__ = ["read_docx"]

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
_VML = "{urn:schemas-microsoft-com:vml}"
_DECORATIVE = "{http://schemas.microsoft.com/office/drawing/2017/decorative}decorative"
_NOTE_KINDS = ("footnote", "endnote")
_NOTES_RELS = {f"http://schemas.openxmlformats.org/officeDocument/2006/relationships/{kind}s": kind
               for kind in _NOTE_KINDS}
_REFERENCES = {f"{_W}{kind}Reference": kind for kind in _NOTE_KINDS}


def _note_numbers(document) -> dict[tuple[str, int], int]:
    """Each footnote's and endnote's shown number by its kind and id. Word numbers each kind by
    the order of its references, from the settings' ``numStart`` (1 by default), and the ids are
    only keys: LibreOffice's DOCX starts them at 2 (0 and 1 are the separators), Word's at 1. A
    reference with ``customMarkFollows`` shows its own mark (the run's text) and takes no number."""
    numbers: dict[tuple[str, int], int] = {}
    for kind in _NOTE_KINDS:
        start = 1
        setting = document.settings.element.find(f"{_W}{kind}Pr/{_W}numStart")
        if setting is not None and (setting.get(f"{_W}val") or "").isdigit():
            start = int(setting.get(f"{_W}val"))
        for ref in document.element.body.iter(f"{_W}{kind}Reference"):
            key = (kind, _note_id(ref))
            if key[1] is None or key in numbers:
                continue
            if _custom_mark(ref):
                mark = "".join(t.text or "" for t in ref.getparent().iter(f"{_W}t")).strip()
                if mark.isdigit() and len(mark) <= 3:
                    numbers[key] = int(mark)
                continue
            numbers[key] = start
            start += 1
    return numbers


def _note_id(element) -> int | None:
    value = element.get(f"{_W}id") or ""
    return int(value) if re.fullmatch(r"-?\d{1,9}", value) else None


def _custom_mark(ref) -> bool:
    return (ref.get(f"{_W}customMarkFollows") or "").lower() in ("1", "true", "on")


# Word's Insert Symbol writes a tick as Wingdings' "ü" (w:sym w:char="F0FC", or the letter in a run
# set in Wingdings): the font's own codes for ticks and crosses, as the Unicode characters the
# font's published mapping gives (PostScript names xmarkbld, checkbld, boxxmarkbld, boxcheckbld)
_SYMBOL_FONTS = {"wingdings": {0xFB: "✗", 0xFC: "✓", 0xFD: "☒", 0xFE: "☑"}}


def _symbol(font: str | None, code: int) -> str | None:
    """The Unicode character a symbol font's code shows (codes may sit at U+F000 + code)."""
    table = _SYMBOL_FONTS.get((font or "").strip().lower())
    if table is None or not (code < 0x100 or 0xF000 <= code <= 0xF0FF):
        return None
    return table.get(code & 0xFF)


def _run_text(run) -> str:
    """A run's text, with the ticks and crosses it shows in a symbol font (``w:sym``, or a letter
    set in the font) as their Unicode characters."""
    text = run.text
    if len(text) == 1 and _symbol(run.font.name, ord(text)):
        text = _symbol(run.font.name, ord(text))
    for sym in run._element.findall(f"{_W}sym"):
        code = sym.get(f"{_W}char") or ""
        if re.fullmatch(r"[0-9A-Fa-f]{2,4}", code):
            text += _symbol(sym.get(f"{_W}font"), int(code, 16)) or ""
    return text


def _picture_names(run) -> str:
    """What the pictures in a run say: Word's alt text (``wp:docPr`` ``descr``, else ``title``;
    a VML shape's ``alt``), as a screen reader reads it; pictures marked decorative say nothing.
    Templates show yes/no as icons ("Dual citizenship" and a tick picture whose alt text is "Yes")."""
    names = []
    for doc_pr in run.iter(f"{_WP}docPr"):
        decorative = any((d.get("val") or "") in ("1", "true") for d in doc_pr.iter(_DECORATIVE))
        if not decorative:
            names.append(doc_pr.get("descr") or doc_pr.get("title") or "")
    names += [shape.get("alt") or "" for shape in run.iter(f"{_VML}shape")]
    return " ".join(" ".join(names).split())[:200]


def _runs(paragraph, numbers: dict[tuple[str, int], int], icons_alone: bool = False) -> tuple[str, tuple, tuple]:
    text, bold, markers = "", [], []
    # text of the paragraph's own: a picture alone in it is a figure, not an icon (but a table
    # cell's picture is its value)
    written = icons_alone
    spaced = False  # a picture's name was just put in: the next words are set apart from it
    for run in paragraph.runs:
        icon = _picture_names(run._element)
        if icon:
            text += ("" if not text or text[-1].isspace() else " ") + icon
            spaced = True
        refs = [child for child in run._element if child.tag in _REFERENCES]
        for ref in refs:
            number = numbers.get((_REFERENCES[ref.tag], _note_id(ref)))
            if number is not None:
                markers.append((len(text.rstrip()), number))
        piece = _run_text(run)
        if not piece or any(_custom_mark(ref) for ref in refs):  # a custom mark is the marker itself
            continue
        if run.font.superscript and re.fullmatch(r"\s*\d{1,3}\s*", piece):
            markers.append((len(text.rstrip()), int(piece)))
            continue
        if spaced and not piece[0].isspace():
            text += " "
        spaced = False
        start = len(text)
        text += piece
        written = written or bool(piece.strip())
        if run.bold:
            if bold and bold[-1][1] == start:
                bold[-1] = (bold[-1][0], len(text))
            else:
                bold.append((start, len(text)))
    if not written:
        text = ""
    stripped = text.strip()
    lead = len(text) - len(text.lstrip())
    clip = len(stripped)
    return (
        stripped,
        tuple((max(0, s - lead), min(clip, e - lead)) for s, e in bold if min(clip, e - lead) > max(0, s - lead)),
        tuple((min(clip, max(0, a - lead)), n) for a, n in markers),
    )


def _list_depth(paragraph) -> int | None:
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    num = paragraph._p.pPr.numPr if paragraph._p.pPr is not None else None
    if num is not None:
        return int(num.ilvl.val) if num.ilvl is not None else 0
    m = re.match(r"List (?:Bullet|Number|Paragraph)(?: (\d))?$", style)
    if m:
        return int(m.group(1)) - 1 if m.group(1) else 0
    return None


def _paragraph_block(paragraph, offset: int, numbers: dict[tuple[str, int], int]) -> Block | None:
    text, bold, markers = _runs(paragraph, numbers)
    if not text and not markers:
        return None
    origin = Origin(offset=offset)
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    heading = re.match(r"Heading (\d)$", style)
    if heading or style == "Title":
        return Heading(text, markers, bold, origin, level=int(heading.group(1)) if heading else 1)
    if markers and markers[0][0] == 0:  # a numbered note: its number set as a superscript
        definition = parse_definition(f"{markers[0][1]} {text}")
        if definition:
            return FootnoteDefinition(text, (), bold, origin, number=markers[0][1])
    definition = parse_definition(text)
    if definition:
        return FootnoteDefinition(definition[1], (), (), origin, number=definition[0])
    depth = _list_depth(paragraph)
    if depth is not None:
        return ListItem(text, markers, bold, origin, depth=depth)
    return Paragraph(text, markers, bold, origin)


def _word_footnotes(document, numbers: dict[tuple[str, int], int]) -> list[FootnoteDefinition]:
    """Footnotes and endnotes kept by Word in their own parts (``word/footnotes.xml``,
    ``word/endnotes.xml``), under the numbers their references show; separators and notes
    nothing cites are left out."""
    from lxml import etree

    notes = []
    for rel in document.part.rels.values():
        kind = _NOTES_RELS.get(rel.reltype)
        if kind is None or rel.is_external:
            continue
        # no entity is expanded and nothing fetched: a footnotes part with an external entity
        # (a local file, a URL) or a billion-laughs one reads as its plain text only
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        root = etree.fromstring(rel.target_part.blob, parser)
        for note in root.findall(f"{_W}{kind}"):
            number = numbers.get((kind, _note_id(note)))
            text = " ".join("".join(t.text or "" for t in p.iter(f"{_W}t")) for p in note.findall(f"{_W}p")).strip()
            if number is not None and note.get(f"{_W}type") in (None, "normal") and text:
                notes.append(FootnoteDefinition(text, origin=Origin(offset=-1), number=number))
    return notes


def _check_parts(path: Path, data: bytes, limits: ReadLimits) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            problem = zip_parts_problem(path, archive, limits)
    except (zipfile.BadZipFile, ValueError, OSError):
        return  # not a zip: python-docx names the problem below
    if problem:
        raise problem


def _cell_text(cell, paragraph_type, numbers: dict[tuple[str, int], int]) -> str:
    """A table cell's text; a cell with pictures or symbols reads as its runs do (a "Status"
    column of ticks and crosses)."""
    if not cell._tc.xpath(".//w:drawing | .//w:pict | .//w:sym"):
        return " ".join(cell.text.split())
    texts = [_runs(paragraph_type(p, cell), numbers, icons_alone=True)[0] for p in cell._tc.iterchildren(f"{_W}p")]
    return " ".join(" ".join(texts).split())


def _body_blocks(document, paragraph_type, table_type, numbers: dict[tuple[str, int], int]) -> list[Block]:
    blocks: list[Block] = []
    for n, child in enumerate(document.element.body.iterchildren()):
        if child.tag == f"{_W}p":
            block = _paragraph_block(paragraph_type(child, document), n, numbers)
            if block is not None:
                blocks.append(block)
        elif child.tag == f"{_W}tbl":
            rows = [[_cell_text(cell, paragraph_type, numbers) for cell in row.cells]
                    for row in table_type(child, document).rows]
            rows = [r for r in rows if any(r)]
            if rows:
                blocks.append(Table("\n".join("\t".join(r) for r in rows), origin=Origin(offset=n), rows=rows))
    return blocks


def read_docx(path: Path, data: bytes, source: str, limits: ReadLimits = DEFAULT_LIMITS) -> Document:
    import docx
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph as DocxParagraph

    _check_parts(path, data, limits)
    try:
        document = docx.Document(io.BytesIO(data))
        # python-docx parses parts lazily: a malformed value (a bold flag that is not a boolean)
        # or a part of the wrong type raises its own errors during the walk, not at opening
        numbers = _note_numbers(document)
        blocks = _body_blocks(document, DocxParagraph, DocxTable, numbers)
        blocks.extend(_word_footnotes(document, numbers))
    except ProfileError:
        raise
    except Exception as exc:  # any library error is this file's skip, in one line
        detail = " ".join(str(exc).split())[:100]
        raise ProfileError(f"{path}: is not a readable DOCX ({type(exc).__name__}{': ' + detail if detail else ''})") from exc
    if not any(b.text.strip() for b in blocks):
        raise ProfileError(f"{path}: an empty DOCX (no text in its body)")
    return Document(source=source, format="docx", blocks=blocks)
