"""Which template a document follows, from its wording."""

from __future__ import annotations

import re

from mgiassist.schema import FAMILY_MAPPING, FAMILY_MGI, FAMILY_OTHER

__all__ = ["detect_family"]


# a mapping's part headings, each on a line of its own
_MAPPING_PART_LINES = re.compile(
    r"^\W*(?:Facts\s*(?:&|and)\s*figures|Political rights|Overview of the policy and legislative framework"
    r"|SPOTLIGHT:?\s*effective practices|List of Actors)\s*$", re.IGNORECASE | re.MULTILINE)
_MAPPING_TITLE_LINE = re.compile(r"^\s*Diaspora engagement mapping\b.{0,60}$", re.IGNORECASE | re.MULTILINE)


def _scrambled_mapping(text: str) -> bool:
    """A mapping whose title page a PDF's text put last: its title on a line of its own and at
    least two of the template's part headings, wherever they stand (a report that only cites a
    mapping names it in a sentence)."""
    parts = {m.group().strip().lower() for m in _MAPPING_PART_LINES.finditer(text)}
    return len(parts) >= 2 and _MAPPING_TITLE_LINE.search(text) is not None


def detect_family(text: str) -> str:
    lines = text
    text = re.sub(r"\s+", " ", text)
    if re.search(r"Diaspora engagement mapping", text[:20000], re.IGNORECASE) or _scrambled_mapping(lines):
        return FAMILY_MAPPING
    if re.search(r"Migration Governance (Indicators|Profile)", text, re.IGNORECASE) and re.search(
        r"well[- ]developed areas", text, re.IGNORECASE
    ):
        return FAMILY_MGI
    return FAMILY_OTHER
