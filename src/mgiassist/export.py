"""Conversation export (Markdown, CSV, JSON) and the one-question country comparison.

Everything works on plain dicts, as produced by :meth:`mgiassist.answer.Answer.to_dict` (one per
answered turn) — the same records the chat page keeps in the browser — so an export can be made
from a saved session without the model or the index.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from mgiassist.answer import ANSWERED, NOT_COVERED, Answer
from mgiassist.suggest import describe_filters

__all__ = [
    "COMPARISON_CSV_FIELDS",
    "CONVERSATION_CSV_FIELDS",
    "DOUBTFUL_LABEL",
    "FORMULA_STARTS",
    "NO_PASSAGE",
    "STATE_LABELS",
    "ComparisonRow",
    "answer_state",
    "compare_countries",
    "comparison_csv",
    "conversation_csv",
    "conversation_json",
    "conversation_markdown",
    "csv_cell",
    "state_label",
]

NO_PASSAGE = "no passage found"
BOM = "\ufeff"  # spreadsheets on Windows read a CSV as UTF-8 only when it starts with one
# A cell starting with one of these is a formula to a spreadsheet ("=HYPERLINK(…)" from a passage
# or a question would be live); the OWASP rule is to start such a cell with a quote instead.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# RFC 4180 line ends; the csv module also quotes only cells holding a character of its line
# terminator, so with "\n" alone a cell holding "\r" went out bare and split its row.
CSV_LINE_END = "\r\n"

STATE_LABELS = {
    "answered": "Answered",
    "partial": "Partly answered",
    "not_covered": "Not covered by the indexed profiles",
    "error": "Not answered",
}
_NOT_COVERED_REASON = "The indexed profiles don't appear to cover this question."
# an answer whose passages may not state it (``Answer.doubtful``): "Answered: Low confidence…"
# read as a contradiction to a new user
DOUBTFUL_LABEL = "Answered, with low confidence"


def state_label(state: str, record: dict[str, Any] | None = None) -> str:
    """The plain words for a turn's state; an answered turn the judge doubted says so."""
    if state == "answered" and record is not None and record.get("doubtful"):
        return DOUBTFUL_LABEL
    return STATE_LABELS.get(state, state)

CONVERSATION_CSV_FIELDS = (
    "turn",
    "question",
    "search_query",
    "answer",
    "abstained",
    "state",
    "reason",
    "notes",
    "filters",
    "asked_at",
    "index_version",
    "marker",
    "citation",
    "chunk_id",
    "source",
    "passage",
    "highlighted",
    "footnote_urls",
)
COMPARISON_CSV_FIELDS = (
    "country",
    "answer",
    "citation",
    "chunk_id",
    "source",
    "passage",
    "footnote_urls",
)


def csv_cell(value: Any) -> Any:
    """``value`` as a CSV cell that a spreadsheet shows as text: a string that would start a
    formula gets a leading ``'``. Numbers and booleans (turn, marker) stay as they are, so a
    numeric column stays numeric."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _urls(passage: dict[str, Any]) -> list[str]:
    return [
        u for note in passage.get("citation", {}).get("footnotes", []) for u in note.get("urls", [])
    ]


def answer_state(record: dict[str, Any]) -> tuple[str, str]:
    """(state, reason) of one turn: the record's own when it carries them (``answered``,
    ``partial``, ``not_covered``), otherwise read from ``abstained`` as older records have it."""
    if record.get("error"):
        return "error", str(record["error"])
    state = record.get("state")
    if state:
        reason = str(record.get("reason") or "")
        # a refusal always says why, even from a record that carries its state but no reason
        return str(state), reason or (_NOT_COVERED_REASON if state == "not_covered" else "")
    if record.get("abstained") or not record.get("sentences", record.get("citations")):
        return "not_covered", _NOT_COVERED_REASON
    return "answered", ""


def _md_escape(text: str) -> str:
    # Keep corpus text literal: a passage line starting with "#" or "-" must not become markup,
    # and no text may become a link: "<" stops autolinks and HTML, "](" inline links and images,
    # "]:" link definitions (the "[1]" markers of an answer stay as they are).
    text = text.replace("\\", "\\\\").replace("\n", "  \n").replace("#", "\\#").replace("<", "&lt;")
    return text.replace("](", "]\\(").replace("]:", "]\\:")


# Only these open in a browser or mail program as the reader expects; a javascript: or data:
# "URL" from a profile's footnotes is shown, not linked. No space or angle bracket, which would
# end the autolink early and let the rest be read as Markdown.
_SAFE_URL = re.compile(r"(?:https?://|mailto:)[^\s<>]+", re.IGNORECASE)


def _md_link(url: str) -> str:
    return f"<{url}>" if _SAFE_URL.fullmatch(url) else _md_escape(url)


def _turn_facts(record: dict[str, Any]) -> list[str]:
    state, reason = answer_state(record)
    facts = [f"State: {state_label(state, record)}" + (f" — {reason}" if reason else "")]
    facts.append(f"Filters: {describe_filters(record.get('filters')) or 'none'}")
    if record.get("notes"):
        facts.append("Notes: " + "; ".join(str(n) for n in record["notes"]))
    stamp = " · ".join(
        p
        for p in (
            f"asked {record['asked_at']}" if record.get("asked_at") else "",
            f"index {record['index_version']}" if record.get("index_version") else "",
        )
        if p
    )
    return facts + ([stamp] if stamp else [])


def conversation_markdown(
    records: Sequence[dict[str, Any]],
    *,
    title: str = "mgiassist conversation",
    exported_at: str | None = None,
) -> str:
    """Every turn as a heading, its state, filters and notes, its answer, then its cited
    passages with citations and sources."""
    lines = [f"# {title}", ""]
    if exported_at:
        lines += [f"Exported {exported_at}.", ""]
    for turn, record in enumerate(records, start=1):
        lines += [f"## {turn}. {_md_escape(record.get('question', ''))}", ""]
        lines += [f"- {_md_escape(fact)}" for fact in _turn_facts(record)] + [""]
        if record.get("error"):
            continue
        if record.get("contextualised"):
            lines += [f"*Searched for: {_md_escape(record['search_query'])}*", ""]
        if record.get("answer"):
            lines += [_md_escape(record["answer"]), ""]
        for passage in record.get("citations", []):
            lines += [f"**[{passage['marker']}] {_md_escape(passage['label'])}**", ""]
            lines += ["> " + _md_escape(passage["text"]).replace("  \n", "  \n> "), ""]
            for url in _urls(passage):
                lines.append(f"- {_md_link(url)}")
            if _urls(passage):
                lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def conversation_csv(records: Sequence[dict[str, Any]], *, bom: bool = True) -> str:
    """One row per cited passage (one row with empty passage fields for a turn citing nothing).

    The text starts with a byte-order mark unless ``bom`` is false, so that a spreadsheet
    opens "·", "›" and "’" correctly."""
    out = io.StringIO()
    if bom:
        out.write(BOM)
    writer = csv.DictWriter(out, fieldnames=CONVERSATION_CSV_FIELDS, lineterminator=CSV_LINE_END)
    writer.writeheader()
    for turn, record in enumerate(records, start=1):
        common = {
            "turn": turn,
            "question": record.get("question", ""),
            "search_query": record.get("search_query", ""),
            "answer": record.get("error") or record.get("answer", ""),
            "abstained": bool(record.get("abstained", False)),
            "state": answer_state(record)[0],
            "reason": answer_state(record)[1],
            "notes": "; ".join(str(n) for n in record.get("notes") or []),
            "filters": describe_filters(record.get("filters")),
            "asked_at": record.get("asked_at", ""),
            "index_version": record.get("index_version", ""),
        }
        passages = record.get("citations") or [{}]
        for passage in passages:
            row = {
                **common,
                "marker": passage.get("marker", ""),
                "citation": passage.get("label", ""),
                "chunk_id": passage.get("chunk_id", ""),
                "source": passage.get("citation", {}).get("source", ""),
                "passage": passage.get("text", ""),
                "highlighted": " | ".join(passage.get("highlights", [])),
                "footnote_urls": " ".join(_urls(passage)),
            }
            writer.writerow({name: csv_cell(value) for name, value in row.items()})
    return out.getvalue()


def conversation_json(
    records: Sequence[dict[str, Any]],
    *,
    exported_at: str | None = None,
    index_version: str | None = None,
) -> str:
    """The records as they are, each with its ``state`` and ``reason`` filled in."""
    turns = []
    for record in records:
        state, reason = answer_state(record)
        turns.append({**record, "state": state, "reason": reason})
    data: dict[str, Any] = {"format": "mgiassist-conversation/1"}
    if exported_at:
        data["exported_at"] = exported_at
    if index_version:
        data["index_version"] = index_version
    data["turns"] = turns
    return json.dumps(data, ensure_ascii=False, indent=2)


@dataclass
class ComparisonRow:
    country: str
    answer: str  # the best answering sentence, or NO_PASSAGE
    citation: str = ""
    chunk_id: str = ""
    source: str = ""
    passage: str = ""
    footnote_urls: tuple[str, ...] = ()
    # the country's answer state (answered, partial, not_covered); only an answered one shows a
    # passage. Left empty, it is read from whether the row has a passage.
    state: str = ""

    def __post_init__(self) -> None:
        if not self.state:
            self.state = ANSWERED if self.found else NOT_COVERED

    @property
    def found(self) -> bool:
        return bool(self.chunk_id)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["footnote_urls"] = list(self.footnote_urls)
        return data


def compare_countries(
    question: str,
    countries: Iterable[str],
    answer_for: Callable[[str, str], Answer],
) -> list[ComparisonRow]:
    """One row per country: the first cited passage of ``answer_for(question, country)``.

    ``answer_for`` searches with the country filter and composes the answer (the page passes a
    closure over the assistant); an abstaining or empty answer gives :data:`NO_PASSAGE`, so a
    country never shows a passage that does not answer the question. Each row keeps the
    answer's state, so a partial answer (related passages, the thing asked not stated) reads
    apart from a country whose profiles do not cover the question.
    """
    rows = []
    for country in countries:
        answer = answer_for(question, country)
        if answer.abstained or not answer.passages:
            state = answer.state if answer.passages else NOT_COVERED  # partial: related, not stated
            rows.append(ComparisonRow(country=country, answer=NO_PASSAGE, state=state))
            continue
        passage = answer.passages[0]
        sentence = next((s.text for s in answer.sentences if s.marker == passage.marker), "")
        rows.append(
            ComparisonRow(
                country=country,
                answer=sentence,
                citation=passage.label,
                chunk_id=passage.chunk_id,
                source=str(passage.citation.get("source", "")),
                passage=passage.text,
                footnote_urls=tuple(passage.footnote_urls),
                state=answer.state,
            )
        )
    return rows


def comparison_csv(question: str, rows: Sequence[ComparisonRow], *, bom: bool = True) -> str:
    out = io.StringIO()
    if bom:
        out.write(BOM)
    writer = csv.writer(out, lineterminator=CSV_LINE_END)
    writer.writerow(("question", *COMPARISON_CSV_FIELDS))
    for row in rows:
        data = row.to_dict()
        data["footnote_urls"] = " ".join(row.footnote_urls)
        writer.writerow([csv_cell(v) for v in (question, *(data[n] for n in COMPARISON_CSV_FIELDS))])
    return out.getvalue()
