"""The page's "What changed" tab: `mgiassist diff` for staff, over the profiles with two editions.

The choices are the series the index holds two or more editions of
(:func:`mgiassist.editions.diffable_series`); the view is :func:`mgiassist.editions.diff_text`'s
text, the changed words shown struck out and inserted. Nothing here compares anything: the page
parses, calls the library and formats.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

from mgiassist.errors import MgiassistError
from mgiassist.schema import FAMILY_LABELS

__all__ = ["build_changes_tab", "changes_html", "refresh", "series_choices"]

NO_SERIES = ("No indexed profile has two editions yet: index a newer (or older) edition of a "
             "mapping or MGI profile beside the one you have, and its changes show here.")
_MARKS = re.compile(r"\[-(.*?)-\]|\{\+(.*?)\+\}", re.DOTALL)


def series_choices(index_dir: Path | str) -> list[tuple[str, str]]:
    """(label, value) per series with two editions or more: "Cambodia · Diaspora engagement
    mapping (September 2020 – September 2023)"; the value is the series as JSON."""
    from mgiassist.editions import diffable_series

    try:
        series = diffable_series(index_dir)
    except MgiassistError:
        return []
    choices = []
    for item in series:
        dates = item["dates"]
        label = (f"{item['place']} · {FAMILY_LABELS.get(item['family'], item['family'])} "
                 f"({dates[0]} – {dates[-1]})")
        choices.append((label, json.dumps(item, ensure_ascii=False)))
    return choices


def _marked_html(text: str) -> str:
    """``[-old-]`` struck out, ``{+new+}`` inserted, everything else escaped."""
    out, last = [], 0
    for found in _MARKS.finditer(text):
        out.append(html.escape(text[last:found.start()]))
        removed, added = found.group(1), found.group(2)
        out.append(f"<del>{html.escape(removed)}</del>" if removed is not None else f"<ins>{html.escape(added)}</ins>")
        last = found.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


def changes_html(index_dir: Path | str, series: str | None, date_from: str | None = None,
                 date_to: str | None = None) -> str:
    """What changed in ``series`` (a value of :func:`series_choices`) between two of its dates
    (default: the newest and the one before), as HTML; a problem is one line, not an exception."""
    from mgiassist.editions import diff_editions, diff_text

    if not series:
        return f"<p>{html.escape(NO_SERIES)}</p>"
    try:
        item: dict[str, Any] = json.loads(series)
        place, family = item["place"], item["family"]
    except (ValueError, KeyError, TypeError):
        return "<p>Choose a profile from the list.</p>"
    try:
        diff = diff_editions(index_dir, place, family=family, date_from=date_from or None, date_to=date_to or None)
    except MgiassistError as exc:
        return f"<p>{html.escape(str(exc))}</p>"
    return f'<pre class="mgi-diff">{_marked_html(diff_text(diff))}</pre>'


def build_changes_tab(index_dir: Path | str) -> dict[str, Any]:
    """The tab's controls, inside an open ``gr.Blocks``; :func:`refresh` gives their state for
    the index answering now (the page calls it on every load, so a rebuilt index's new editions
    show without a restart)."""
    import gradio as gr

    c: dict[str, Any] = {}
    gr.Markdown("What changed between two editions of one profile: sections added, removed or "
                "changed (changed words struck out and inserted), figures before → after.")
    with gr.Row():
        c["series"] = gr.Dropdown(choices=[], value=None, label="Profile", elem_id="mgi-changes-series", scale=3)
        c["from"] = gr.Textbox(label="From (date)", placeholder="the one before", scale=1,
                               elem_id="mgi-changes-from")
        c["to"] = gr.Textbox(label="To (date)", placeholder="the newest", scale=1, elem_id="mgi-changes-to")
        c["button"] = gr.Button("Show changes", variant="primary", scale=0, elem_id="mgi-changes-btn")
    c["view"] = gr.HTML(f"<p>{html.escape(NO_SERIES)}</p>", elem_id="mgi-changes-view")
    c["button"].click(lambda s, a, b: changes_html(index_dir, s, a, b), [c["series"], c["from"], c["to"]],
                      c["view"], api_visibility="private")
    return c


def refresh(index_dir: Path | str) -> list[Any]:
    """The series choices and the newest changes of the first series, for the index now."""
    import gradio as gr

    choices = series_choices(index_dir)
    first = choices[0][1] if choices else None
    return [gr.update(choices=choices, value=first), changes_html(index_dir, first)]
