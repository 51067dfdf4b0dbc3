"""Editions of a profile, and what changed between two of them.

An edition is one publication of one family for one country or city; the index holds every
edition it was given, searches the newest by default (:mod:`mgiassist.search.filters`), and
:func:`list_editions` lists them. :func:`diff_editions` compares two editions of one series section
by section — sections aligned by heading path and text similarity, changed words marked, figures
before → after — from the chunks stored in the index (:mod:`mgiassist.editions.diff` holds the
model-free core, pure functions over :class:`~mgiassist.editions.diff.Unit` records).
"""

from __future__ import annotations

from mgiassist.editions.catalogue import (
    Edition,
    date_key,
    date_matches,
    edition_note,
    editions_of_manifest,
    group_editions,
    question_years,
)
from mgiassist.editions.diff import (
    Change,
    EditionDiff,
    Figure,
    Unit,
    diff_units,
    mark_words,
    word_diff,
)
from mgiassist.editions.stored import diff_editions, diffable_series, list_editions
from mgiassist.editions.text import diff_text

__all__ = [
    "Change",
    "Edition",
    "EditionDiff",
    "Figure",
    "Unit",
    "date_key",
    "date_matches",
    "diff_editions",
    "diff_text",
    "diff_units",
    "diffable_series",
    "edition_note",
    "editions_of_manifest",
    "group_editions",
    "list_editions",
    "mark_words",
    "question_years",
    "word_diff",
]
