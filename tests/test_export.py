"""Conversation export (Markdown, CSV, JSON) and the country comparison, without a model."""

from __future__ import annotations

import csv
import io
import json

from mgiassist.answer import Answer, AnswerSentence, CitedPassage, Span
from mgiassist.export import (
    CONVERSATION_CSV_FIELDS,
    NO_PASSAGE,
    compare_countries,
    comparison_csv,
    conversation_csv,
    conversation_json,
    conversation_markdown,
)

LABEL = "Cambodia · Diaspora engagement mapping, September 2022 · Political rights"
URL = "https://www.khmertimeskh.com/6674/nec-pressed-on-election-reforms/"


def _passage(
    marker: int = 1, chunk_id: str = "b8f0", text: str = "Voting from abroad is allowed."
) -> CitedPassage:
    return CitedPassage(
        marker=marker,
        rank=1,
        chunk_id=chunk_id,
        label=LABEL,
        citation={
            "country": "Cambodia",
            "source": "mapping.txt",
            "footnotes": [{"number": 3, "text": URL, "urls": [URL]}],
        },
        text=text,
        highlights=[Span(0, len(text))],
    )


def _records() -> list[dict]:
    answered = Answer(
        question="Can Cambodians vote from abroad?",
        search_query="Can Cambodians vote from abroad?",
        abstained=False,
        sentences=[AnswerSentence("Voting from abroad is allowed.", 1, 0.8, Span(0, 30))],
        passages=[_passage()],
    ).to_dict()
    answered.update(
        filters={"country": "Cambodia"}, asked_at="2026-11-23T02:00:00+00:00", index_version="abc123"
    )
    followed = Answer(
        question="# and there?",
        search_query="# and there? Cambodia",
        abstained=True,
        sentences=[],
        passages=[],
    ).to_dict()
    error = {"question": "", "error": "the question is empty", "citations": []}
    return [answered, followed, error]


def test_markdown_lists_every_turn_with_citations_and_sources() -> None:
    md = conversation_markdown(_records())
    assert "## 1. Can Cambodians vote from abroad?" in md
    assert "Voting from abroad is allowed. [1]" in md
    assert f"**[1] {LABEL}**" in md
    assert f"- <{URL}>" in md
    assert "## 2. \\# and there?" in md  # corpus/user text never becomes a heading
    assert "*Searched for: \\# and there? Cambodia*" in md
    assert "don't appear to cover" in md
    assert "- State: Not answered — the question is empty" in md
    assert "- State: Answered" in md and "- Filters: Country: Cambodia" in md
    assert "- asked 2026-11-23T02:00:00+00:00 · index abc123" in md


def _csv_rows(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff")  # the byte-order mark a spreadsheet needs to read UTF-8
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def test_csv_has_one_row_per_cited_passage() -> None:
    rows = _csv_rows(conversation_csv(_records()))
    assert tuple(rows[0].keys()) == CONVERSATION_CSV_FIELDS
    assert [r["turn"] for r in rows] == ["1", "2", "3"]
    assert rows[0]["citation"] == LABEL and rows[0]["chunk_id"] == "b8f0"
    assert rows[0]["footnote_urls"] == URL
    assert rows[0]["highlighted"] == "Voting from abroad is allowed."
    assert rows[1]["abstained"] == "True" and rows[1]["citation"] == ""
    assert rows[2]["answer"] == "the question is empty"
    assert [r["state"] for r in rows] == ["answered", "not_covered", "error"]
    assert "don't appear to cover" in rows[1]["reason"]
    assert rows[0]["filters"] == "Country: Cambodia" and rows[1]["filters"] == ""
    assert rows[0]["asked_at"] == "2026-11-23T02:00:00+00:00"
    assert rows[0]["index_version"] == "abc123"


def test_csv_keeps_state_reason_notes_and_slug_free_filters() -> None:
    record = {
        "question": "Gaps?",
        "state": "partial",
        "reason": "Only one of two parts is covered.",
        "notes": ["narrowed to Cambodia", "no indexed profile covers Kenya"],
        "filters": {"country": "Cambodia", "polarity": "further-development"},
        "citations": [],
    }
    row = _csv_rows(conversation_csv([record]))[0]
    assert row["state"] == "partial" and row["reason"] == "Only one of two parts is covered."
    assert row["notes"] == "narrowed to Cambodia; no indexed profile covers Kenya"
    assert row["filters"] == (
        "Country: Cambodia · Polarity: Areas with potential for further development"
    )
    assert not conversation_csv([record], bom=False).startswith("\ufeff")


def test_json_round_trips_the_records() -> None:
    records = _records()
    data = json.loads(
        conversation_json(records, exported_at="2026-11-23T03:00:00+00:00", index_version="v1")
    )
    assert data["format"] == "mgiassist-conversation/1"
    assert data["exported_at"] == "2026-11-23T03:00:00+00:00" and data["index_version"] == "v1"
    assert [t["state"] for t in data["turns"]] == ["answered", "not_covered", "error"]
    def without_state(turns):
        return [{k: v for k, v in t.items() if k not in ("state", "reason")} for t in turns]

    assert without_state(data["turns"]) == without_state(records)
    assert data["turns"][0]["citations"][0]["citation"]["footnotes"][0]["urls"] == [URL]


def test_empty_conversation_exports_cleanly() -> None:
    assert conversation_markdown([]).startswith("# mgiassist conversation")
    assert conversation_csv([]).strip() == "\ufeff" + ",".join(CONVERSATION_CSV_FIELDS)
    assert json.loads(conversation_json([]))["turns"] == []


def _answer(country: str, found: bool) -> Answer:
    if not found:
        return Answer("q", "q", True, [], [], nearest=[_passage()])
    passage = _passage(chunk_id=f"{country}-1", text=f"{country} allows voting from abroad.")
    passage.label = f"{country} · MGI profile · Migrants' rights"
    return Answer("q", "q", False, [AnswerSentence(passage.text, 1, 0.7, Span(0, 10))], [passage])


def test_compare_gives_one_row_per_country_in_order() -> None:
    asked: list[tuple[str, str]] = []

    def answer_for(question: str, country: str) -> Answer:
        asked.append((question, country))
        return _answer(country, found=country != "Ghana")

    rows = compare_countries(
        "Can citizens vote from abroad?", ["Cambodia", "Ghana", "Morocco"], answer_for
    )
    assert asked == [
        ("Can citizens vote from abroad?", c) for c in ("Cambodia", "Ghana", "Morocco")
    ]
    assert [r.country for r in rows] == ["Cambodia", "Ghana", "Morocco"]
    assert rows[0].found and rows[0].answer == "Cambodia allows voting from abroad."
    assert rows[0].citation.startswith("Cambodia ·") and rows[0].footnote_urls == (URL,)
    # An abstaining country shows no passage at all, not its nearest one.
    assert not rows[1].found and rows[1].answer == NO_PASSAGE and rows[1].passage == ""


def test_comparison_csv() -> None:
    rows = compare_countries("q?", ["Cambodia", "Ghana"], lambda q, c: _answer(c, c == "Cambodia"))
    table = _csv_rows(comparison_csv("q?", rows))
    assert [(r["question"], r["country"], r["answer"]) for r in table] == [
        ("q?", "Cambodia", "Cambodia allows voting from abroad."),
        ("q?", "Ghana", NO_PASSAGE),
    ]
    assert table[0]["footnote_urls"] == URL and table[0]["chunk_id"] == "Cambodia-1"
