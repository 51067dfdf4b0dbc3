"""HTML and plain text for the chat page: replies, the source viewer, the comparison table.

Every piece of corpus or user text is escaped here. Links that act inside the page are plain
anchors (they survive the chatbot's HTML sanitiser) handled by ``scripts.js``:
``#mgi-chunk-<id>`` opens a passage in the viewer, ``#mgi-ask`` asks the link's own text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any

from mgiassist.answer import Span, highlight_html
from mgiassist.export import ComparisonRow, answer_state, state_label
from mgiassist.schema import FAMILY_LABELS, Chunk
from mgiassist.suggest import IndexedProfile, describe_filters

__all__ = [
    "CHUNK_LINK",
    "VIEWER_EMPTY",
    "answer_plain_text",
    "chunk_view_html",
    "comparison_html",
    "indexed_summary",
    "render_answer_html",
    "render_chat",
    "welcome_markdown",
]

CHUNK_LINK = "#mgi-chunk-"
ASK_LINK = "#mgi-ask"
VIEWER_EMPTY = (
    '<div class="mgi-viewer-empty">Click a citation number or title to read its whole section '
    "here.</div>"
)
# A note carrying a score ("best passage similarity 0.10 is below 0.30") is for the curious,
# not the first thing a reader sees: it goes under "Search details".
_TECHNICAL_NOTE = re.compile(r"\d\.\d")


def _esc(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _text(text: Any) -> str:
    """Escaped for element content (quotes stay readable in the page's source)."""
    return html.escape(str(text), quote=False)


def _spans(text: str, sentences: Sequence[str]) -> list[Span]:
    spans = []
    for sentence in sentences:
        start = text.find(sentence)
        if start >= 0:
            spans.append(Span(start, start + len(sentence)))
    return spans


def _safe_url(url: str) -> str | None:
    # Footnote parsing can leave a trailing ":" or "." (e.g. "report.pdf: 13"); only http(s) is linked.
    url = url.rstrip(":.,;)")
    return url if url.startswith(("http://", "https://")) else None


def _urls(passage: dict[str, Any]) -> list[str]:
    notes = passage.get("citation", {}).get("footnotes", [])
    return [u for note in notes for u in (_safe_url(x) for x in note.get("urls", [])) if u]


def _footnotes_html(passage: dict[str, Any]) -> str:
    items = []
    for note in passage.get("citation", {}).get("footnotes", []):
        links = [u for u in (_safe_url(u) for u in note.get("urls", [])) if u]
        if links:
            body = " ".join(
                f'<a class="mgi-source" href="{_esc(u)}" target="_blank" '
                f'rel="noopener noreferrer">{_esc(u)}</a>'
                for u in links
            )
        else:
            body = _esc(note.get("text", ""))
        items.append(f'<li><span class="mgi-fn">{_esc(note.get("number", ""))}</span> {body}</li>')
    return f'<ul class="mgi-footnotes">{"".join(items)}</ul>' if items else ""


def _cite_link(passage: dict[str, Any], text: str, css: str) -> str:
    return (
        f'<a class="{css}" href="{CHUNK_LINK}{_esc(passage.get("chunk_id", ""))}" '
        f'title="Open the whole section">{text}</a>'
    )


def _passage_html(passage: dict[str, Any], *, highlight: bool = True) -> str:
    text = passage.get("text", "")
    spans = _spans(text, passage.get("highlights", [])) if highlight else []
    label = f"[{_esc(passage.get('marker', ''))}] {_esc(passage.get('label', ''))}"
    return (
        f'<div class="mgi-passage">'
        f'<div class="mgi-citation">{_cite_link(passage, label, "mgi-cite")}</div>'
        f'<div class="mgi-text">{highlight_html(text, spans)}</div>'
        f"{_footnotes_html(passage)}</div>"
    )


def _state_html(record: dict[str, Any]) -> str:
    state, reason = answer_state(record)
    label = state_label(state, record)
    return (
        f'<div class="mgi-state mgi-state-{_esc(state)}"><strong>{_esc(label)}</strong>'
        + (f' <span class="mgi-reason">{_text(_sentence(reason))}</span>' if reason else "")
        + "</div>"
    )


def _sentence(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] if text else text


def _context_html(record: dict[str, Any]) -> str:
    filters = describe_filters(record.get("filters"))
    parts = [f'<div class="mgi-filters">Filters: {_esc(filters or "none, all indexed profiles")}</div>']
    if record.get("contextualised"):
        parts.append(
            f'<div class="mgi-searched">Searched for: {_esc(record.get("search_query", ""))}</div>'
        )
    notes = [str(n) for n in record.get("notes") or []]
    plain = [n for n in notes if not _TECHNICAL_NOTE.search(n)]
    technical = [n for n in notes if _TECHNICAL_NOTE.search(n)]
    if plain:
        # e.g. "narrowed to Cambodia", "no indexed profile covers Kenya": why these passages
        parts.append(f'<div class="mgi-notes">{_esc("; ".join(plain))}</div>')
    if technical:
        parts.append(
            '<details class="mgi-details"><summary>Search details</summary>'
            f"{_esc('; '.join(technical))}</details>"
        )
    return "".join(parts)


def _follow_ups_html(record: dict[str, Any]) -> str:
    questions = record.get("follow_ups") or []
    if not questions:
        return ""
    links = "".join(
        f'<li><a class="mgi-ask" href="{ASK_LINK}">{_esc(q)}</a></li>' for q in questions
    )
    return f'<div class="mgi-follow"><div>You could also ask:</div><ul>{links}</ul></div>'


def _groups_html(groups: Sequence[dict[str, Any]], by_marker: dict[Any, dict[str, Any]]) -> str:
    """A list answer in the profile's own order: one heading per domain or section, each item
    with the marker of the passage it comes from."""
    parts = ['<div class="mgi-groups">']
    for group in groups:
        if group.get("title"):
            parts.append(f'<p class="mgi-group-title"><strong>{_esc(group["title"])}</strong></p>')
        items = []
        for item in group.get("items", []):
            marker = _cite_link(by_marker.get(item["marker"], {}), f"[{_esc(item['marker'])}]", "mgi-marker")
            items.append(f"<li>{_esc(item['text'])} {marker}</li>")
        parts.append(f"<ul>{''.join(items)}</ul>")
    parts.append("</div>")
    return "".join(parts)


def answer_plain_text(record: dict[str, Any]) -> str:
    """The reply as plain text for the clipboard: state, answer with its markers, then the
    numbered citations, each with its source links."""
    state, reason = answer_state(record)
    lines = [state_label(state, record) + (f" — {_sentence(reason)}" if reason else "")]
    if record.get("error"):
        return lines[0] + "\n"
    if record.get("answer"):
        lines += ["", str(record["answer"])]
    citations = record.get("citations") or []
    if citations:
        lines.append("")
    for passage in citations:
        lines.append(f"[{passage.get('marker', '')}] {passage.get('label', '')}")
        lines += [f"    {url}" for url in _urls(passage)]
    filters = describe_filters(record.get("filters"))
    if filters:
        lines += ["", f"Filters: {filters}"]
    return "\n".join(lines) + "\n"


def render_answer_html(record: dict[str, Any]) -> str:
    """The assistant's reply for one turn: its state first, then the short answer.

    The markup is kept on one line with no blank lines, so the chatbot's Markdown renderer
    passes it through as a single HTML block instead of reading it as Markdown.
    """
    if record.get("error"):
        return f'<div class="mgi-error">⚠️ {_esc(record["error"])}</div>'
    state, _ = answer_state(record)
    parts = ['<div class="mgi-answer">', _state_html(record)]
    by_marker = {p["marker"]: p for p in record.get("citations", [])}
    lead = record.get("lead")
    if state != "not_covered" and lead:
        parts.append(f'<p class="mgi-lead">{_esc(lead)}</p>')
    groups = record.get("groups") or []
    if state != "not_covered" and groups:
        parts.append(_groups_html(groups, by_marker))
    elif state != "not_covered" and record.get("sentences"):
        sentences = []
        for sentence in record["sentences"]:
            passage = by_marker.get(sentence["marker"], {})
            marker = _cite_link(passage, f"[{_esc(sentence['marker'])}]", "mgi-marker")
            sentences.append(f"{_esc(sentence['text'])} {marker}")
        parts.append(f'<p class="mgi-short">{" ".join(sentences)}</p>')
    parts.append(_context_html(record))
    if state != "not_covered" and record.get("citations"):
        parts.append('<div class="mgi-passages">')
        parts.extend(_passage_html(p) for p in record["citations"])
        parts.append("</div>")
    nearest = record.get("nearest") or []
    if nearest and (state == "not_covered" or not record.get("citations")):
        parts.append(
            '<details class="mgi-nearest"><summary>Nearest passages '
            f"({len(nearest)}): related, but not an answer</summary>"
        )
        parts.extend(_passage_html(p, highlight=False) for p in nearest)
        parts.append("</details>")
    parts.append(_follow_ups_html(record))
    # Newlines as character references: a raw blank line would end the chatbot's HTML block.
    plain = _text(answer_plain_text(record)).replace("\n", "&#10;")
    parts.append(f'<div class="mgi-plain">{plain}</div>')
    parts.append("</div>")
    return "".join(parts)


def render_chat(records: Sequence[dict[str, Any]] | None) -> list[dict[str, str]]:
    messages: list[dict[str, str]] = []
    for record in records or []:
        messages.append({"role": "user", "content": _esc(record.get("question", ""))})
        messages.append({"role": "assistant", "content": render_answer_html(record)})
    return messages


# -- first screen ------------------------------------------------------------------------------


def indexed_summary(profiles: Sequence[IndexedProfile]) -> str:
    """One line per country: "Cambodia: MGI profile, February 2021; Diaspora engagement …"."""
    by_country: dict[str, list[str]] = {}
    for profile in profiles:
        by_country.setdefault(profile.place or "No country named", []).append(profile.label())
    return "; ".join(f"{c} ({', '.join(labels)})" for c, labels in by_country.items())


def _md_text(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>#])", r"\\\1", text)


def welcome_markdown(profiles: Sequence[IndexedProfile], examples: Sequence[str]) -> str:
    """The empty chat's first screen: what is indexed, and example questions to click."""
    if not profiles:
        return "**No profile is indexed yet.** Build the index, then reload this page."
    countries = sorted({p.place for p in profiles if p.place})
    plural = "s" if len(profiles) != 1 else ""
    named = _md_text(", ".join(countries) or "no named country")
    lines = [
        f"**{len(profiles)} profile{plural} indexed** for {named}.",
        "",
        "Try one of these questions:",
        "",
    ]
    lines += [f"- [{_md_text(q)}]({ASK_LINK})" for q in examples]
    return "\n".join(lines)


# -- source viewer and comparison --------------------------------------------------------------


def _chunk_html(chunk: Chunk, target: str, sentences: list[str], *, show_heading: bool) -> str:
    is_target = chunk.chunk_id == target
    spans = _spans(chunk.text, sentences) if is_target else []
    heading = (
        f'<div class="mgi-heading">{_esc(" › ".join(chunk.heading_path))}</div>'
        if show_heading
        else ""
    )
    css = "mgi-chunk mgi-target" if is_target else "mgi-chunk"
    return (
        f'<div class="{css}" id="mgi-view-{_esc(chunk.chunk_id)}">{heading}'
        f'<div class="mgi-text">{highlight_html(chunk.text, spans)}</div></div>'
    )


def chunk_view_html(
    target: Chunk, chunks: Sequence[Chunk], sentences: list[str], *, whole_profile: bool
) -> str:
    """The viewer: the target passage among its section (or its whole profile), highlighted."""
    family = FAMILY_LABELS.get(target.family, target.family)
    scope = "Whole profile" if whole_profile else "Section"
    where = " › ".join(target.heading_path[:2]) if not whole_profile else ""
    meta = " · ".join(
        p
        for p in (
            target.country or "",
            f"{family}, {target.date}" if target.date else family,
            f"{scope}: {where}" if where else scope,
        )
        if p
    )
    header = (
        f'<div class="mgi-viewer-head"><div class="mgi-viewer-title">{_esc(target.title)}</div>'
        f'<div class="mgi-viewer-meta">{_esc(meta)} · <code>{_esc(target.source)}</code></div></div>'
    )
    body = "".join(
        _chunk_html(
            c,
            target.chunk_id,
            sentences,
            show_heading=whole_profile or c.heading_path != target.heading_path,
        )
        for c in chunks
    )
    return f'<div class="mgi-viewer">{header}{body}</div>'


def comparison_html(question: str, rows: Sequence[ComparisonRow] | str) -> str:
    """The comparison as a wrapped table (or the error as a message); citations open the viewer."""
    if isinstance(rows, str):
        return f'<div class="mgi-error" role="alert">{_esc(_sentence(rows))}</div>'
    if not rows:
        return ""
    body = []
    for row in rows:
        if row.found:
            passage = {"chunk_id": row.chunk_id}
            citation = _cite_link(passage, _esc(row.citation), "mgi-cite")
            answer = _esc(row.answer)
            text = f'<details><summary>Passage</summary><div class="mgi-text">{_esc(row.passage)}</div></details>'
        else:
            citation, answer, text = "", f'<span class="mgi-none">{_esc(row.answer)}</span>', ""
        body.append(
            f"<tr><th scope=\"row\">{_esc(row.country)}</th><td>{answer}{text}</td>"
            f"<td>{citation}</td></tr>"
        )
    return (
        f'<table class="mgi-compare"><caption>{_esc(question)}</caption>'
        '<thead><tr><th scope="col">Country</th><th scope="col">Answer</th>'
        '<th scope="col">Citation</th></tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )
