"""Which template a document follows, from its wording."""

from __future__ import annotations

import re

from mgiassist.schema import FAMILY_MAPPING, FAMILY_MGI, FAMILY_OTHER

__all__ = ["detect_family"]


def detect_family(text: str) -> str:
    text = re.sub(r"\s+", " ", text)
    if re.search(r"Diaspora engagement mapping", text[:20000], re.IGNORECASE):
        return FAMILY_MAPPING
    if re.search(r"Migration Governance (Indicators|Profile)", text, re.IGNORECASE) and re.search(
        r"well[- ]developed areas", text, re.IGNORECASE
    ):
        return FAMILY_MGI
    return FAMILY_OTHER
