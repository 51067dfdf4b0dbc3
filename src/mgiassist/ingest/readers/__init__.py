"""One reader per file format; each turns a file into a :class:`~mgiassist.ingest.blocks.Document`.

PDF on pdfplumber (layout: font sizes, positions), web pages on BeautifulSoup (the DOM), DOCX on
python-docx, Markdown and text by their line conventions. Libraries are imported on first use.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from mgiassist.errors import ProfileError
from mgiassist.ingest.blocks import Document
from mgiassist.ingest.readers.limits import DEFAULT_LIMITS, ReadLimits

__all__ = ["DEFAULT_LIMITS", "READERS", "ReadLimits", "decode_text", "file_bytes", "file_text", "read_document"]

READERS = {
    ".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown",
    ".html": "html", ".htm": "html", ".pdf": "pdf", ".docx": "docx",
}


def file_bytes(path: Path) -> bytes:
    """The bytes of ``path``, or :class:`ProfileError` naming the file."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ProfileError(f"{path}: cannot be read ({exc.strerror or exc})") from exc


def file_text(path: Path, data: bytes | None = None) -> str:
    """The decoded text of a text or Markdown file; :class:`ProfileError` when it has none."""
    data = file_bytes(path) if data is None else data
    if not data.strip():
        raise ProfileError(f"{path}: the file is empty")
    text = decode_text(path, data)
    if not text.strip():
        raise ProfileError(f"{path}: holds no text")
    return text


# UTF-16 and UTF-32 text is full of NUL bytes, so its byte-order mark must be read before the
# binary check. UTF-32 first: the UTF-32-LE mark begins with the UTF-16-LE one. (A UTF-8 mark is
# left to the UTF-8 decoding below, which drops it.)
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _decode_by_bom(path: Path, data: bytes) -> str | None:
    """The text of a UTF-16 or UTF-32 file with a byte-order mark; ``None`` without one. UTF-16
    text opening with U+0000 carries the UTF-32-LE mark too, hence every matching codec is tried."""
    codecs_ = [codec for bom, codec in _BOMS if data.startswith(bom)]
    for codec in codecs_:
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    if codecs_:
        name = codecs_[-1].upper()
        raise ProfileError(f"{path}: starts with a {name} byte-order mark but is not {name} text")
    return None


def decode_text(path: Path, data: bytes) -> str:
    text = _decode_by_bom(path, data)
    if text is None:
        if b"\x00" in data:
            raise ProfileError(f"{path}: looks binary (NUL bytes), not a text profile")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError as exc:
                raise ProfileError(f"{path}: is neither UTF-8 nor Windows-1252 text") from exc
    if "\x00" in text:
        raise ProfileError(f"{path}: looks binary (NUL characters), not a text profile")
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")


def read_document(
    path: Path, data: bytes | None = None, source: str | None = None, limits: ReadLimits | None = None
) -> Document:
    """The blocks of one file; raises :class:`ProfileError` (naming the file) when it cannot be
    used, or breaks one of the structural ``limits`` (:mod:`~mgiassist.ingest.readers.limits`)."""
    path = Path(path)
    limits = limits or DEFAULT_LIMITS
    source = source or path.name
    if data is None:
        data = file_bytes(path)
    if not data.strip():
        raise ProfileError(f"{path}: the file is empty")
    fmt = READERS.get(path.suffix.lower(), "text")
    if fmt == "pdf":
        from mgiassist.ingest.readers.pdf import read_pdf

        document = read_pdf(path, data, source, limits)
    elif fmt == "docx":
        from mgiassist.ingest.readers.docx import read_docx

        document = read_docx(path, data, source, limits)
    elif fmt == "html":
        from mgiassist.ingest.readers.html import read_html

        document = read_html(path, decode_text(path, data), source, limits)
    else:
        from mgiassist.ingest.readers.text import read_text_document

        document = read_text_document(file_text(path, data), source, fmt)
    if not any(b.text.strip() for b in document.blocks):
        raise ProfileError(f"{path}: holds no text")
    return document
