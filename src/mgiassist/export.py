"""Conversation export (Markdown, CSV, JSON) and the one-question country comparison.

Everything works on plain dicts, as produced by :meth:`mgiassist.answer.Answer.to_dict` (one per
answered turn) — the same records the chat page keeps in the browser — so an export can be made
from a saved session without the model or the index.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from mgiassist.answer import Answer

__all__ = [
    "COMPARISON_CSV_FIELDS",
    "CONVERSATION_CSV_FIELDS",
    "NO_PASSAGE",
    "ComparisonRow",
    "compare_countries",
    "comparison_csv",
    "conversation_csv",
    "conversation_json",
    "conversation_markdown",
]

NO_PASSAGE = "no passage found"

CONVERSATION_CSV_FIELDS = (
    "turn",
    "question",
    "search_query",
    "answer",
    "abstained",
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


def _urls(passage: dict[str, Any]) -> list[str]:
    return [
        u for note in passage.get("citation", {}).get("footnotes", []) for u in note.get("urls", [])
    ]


def _md_escape(text: str) -> str:
    # Keep corpus text literal: a passage line starting with "#" or "-" must not become markup.
    return text.replace("\\", "\\\\").replace("\n", "  \n").replace("#", "\\#").replace("<", "&lt;")


def conversation_markdown(
    records: Sequence[dict[str, Any]], *, title: str = "mgiassist conversation"
) -> str:
    """Every turn as a heading, its answer, then its cited passages with citations and sources."""
    lines = [f"# {title}", ""]
    for turn, record in enumerate(records, start=1):
        lines += [f"## {turn}. {_md_escape(record.get('question', ''))}", ""]
        if record.get("error"):
            lines += [f"> {_md_escape(record['error'])}", ""]
            continue
        if record.get("contextualised"):
            lines += [f"*Searched for: {_md_escape(record['search_query'])}*", ""]
        lines += [_md_escape(record.get("answer", "")), ""]
        for passage in record.get("citations", []):
            lines += [f"**[{passage['marker']}] {_md_escape(passage['label'])}**", ""]
            lines += ["> " + _md_escape(passage["text"]).replace("  \n", "  \n> "), ""]
            for url in _urls(passage):
                lines.append(f"- <{url}>")
            if _urls(passage):
                lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def conversation_csv(records: Sequence[dict[str, Any]]) -> str:
    """One row per cited passage (one row with empty passage fields for a turn citing nothing)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CONVERSATION_CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for turn, record in enumerate(records, start=1):
        common = {
            "turn": turn,
            "question": record.get("question", ""),
            "search_query": record.get("search_query", ""),
            "answer": record.get("error") or record.get("answer", ""),
            "abstained": bool(record.get("abstained", False)),
        }
        passages = record.get("citations") or [{}]
        for passage in passages:
            writer.writerow(
                {
                    **common,
                    "marker": passage.get("marker", ""),
                    "citation": passage.get("label", ""),
                    "chunk_id": passage.get("chunk_id", ""),
                    "source": passage.get("citation", {}).get("source", ""),
                    "passage": passage.get("text", ""),
                    "highlighted": " | ".join(passage.get("highlights", [])),
                    "footnote_urls": " ".join(_urls(passage)),
                }
            )
    return out.getvalue()


def conversation_json(records: Sequence[dict[str, Any]]) -> str:
    return json.dumps(
        {"format": "mgiassist-conversation/1", "turns": list(records)}, ensure_ascii=False, indent=2
    )


@dataclass
class ComparisonRow:
    country: str
    answer: str  # the best answering sentence, or NO_PASSAGE
    citation: str = ""
    chunk_id: str = ""
    source: str = ""
    passage: str = ""
    footnote_urls: tuple[str, ...] = ()

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
    country never shows a passage that does not answer the question.
    """
    rows = []
    for country in countries:
        answer = answer_for(question, country)
        if answer.abstained or not answer.passages:
            rows.append(ComparisonRow(country=country, answer=NO_PASSAGE))
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
            )
        )
    return rows


def comparison_csv(question: str, rows: Sequence[ComparisonRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("question", *COMPARISON_CSV_FIELDS))
    for row in rows:
        data = row.to_dict()
        data["footnote_urls"] = " ".join(row.footnote_urls)
        writer.writerow((question, *(data[name] for name in COMPARISON_CSV_FIELDS)))
    return out.getvalue()
