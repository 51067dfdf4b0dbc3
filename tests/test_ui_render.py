"""The chat page's HTML and plain text (src/mgiassist/page/render.py), without a browser or a model."""

from __future__ import annotations

from mgiassist.export import ComparisonRow
from mgiassist.page.render import (
    answer_plain_text,
    comparison_html,
    render_answer_html,
    welcome_markdown,
)
from mgiassist.suggest import IndexedProfile

URL = "https://example.org/report.pdf"
PASSAGE = {
    "marker": 1,
    "chunk_id": "c1",
    "label": "Ghana · MGI profile, March 2019 · Migrants' rights",
    "citation": {"footnotes": [{"number": 3, "text": URL, "urls": [URL + ":"]}]},
    "text": "Migrants <b>can</b> vote.",
    "highlights": ["Migrants <b>can</b> vote."],
}
ANSWERED = {
    "question": "Can migrants vote?",
    "abstained": False,
    "answer": "Migrants <b>can</b> vote. [1]",
    "sentences": [{"text": "Migrants <b>can</b> vote.", "marker": 1}],
    "citations": [PASSAGE],
    "notes": ["narrowed to Ghana", "best passage similarity 0.10 is below 0.30"],
    "filters": {"polarity": "further-development"},
    "follow_ups": ["Which areas of partnerships need further development in Ghana?"],
}


def test_reply_starts_with_its_state_and_escapes_corpus_text() -> None:
    page = render_answer_html(ANSWERED)
    assert page.startswith('<div class="mgi-answer"><div class="mgi-state mgi-state-answered">')
    assert "<b>can</b>" not in page and "&lt;b&gt;can&lt;/b&gt;" in page
    assert "Filters: Polarity: Areas with potential for further development" in page
    assert '<div class="mgi-notes">narrowed to Ghana</div>' in page  # plain notes in plain sight
    assert "<summary>Search details</summary>best passage similarity" in page  # scores folded
    assert 'href="#mgi-ask">Which areas of partnerships' in page
    assert "\n" not in page  # one HTML block for the chatbot's Markdown renderer


def test_state_from_the_record_wins_over_abstained() -> None:
    partial = {**ANSWERED, "state": "partial", "reason": "only one of two parts is covered"}
    assert "Partly answered</strong> <span class=\"mgi-reason\">Only one of two" in (
        render_answer_html(partial)
    )
    refused = {**ANSWERED, "abstained": True, "nearest": [PASSAGE], "citations": []}
    page = render_answer_html(refused)
    assert "Not covered by the indexed profiles" in page
    assert '<p class="mgi-short">' not in page  # nearest passages are never the answer
    assert "<details class=\"mgi-nearest\"><summary>Nearest passages (1)" in page


def test_an_answer_the_judge_doubted_is_labelled_so_not_as_a_plain_answer() -> None:
    doubted = {**ANSWERED, "state": "answered", "doubtful": True, "reason": "These are the closest passages."}
    assert "Answered, with low confidence</strong>" in render_answer_html(doubted)
    assert answer_plain_text(doubted).startswith("Answered, with low confidence — These are the closest")
    assert "Answered</strong>" in render_answer_html({**doubted, "doubtful": False})


def test_plain_text_has_markers_citations_and_links_but_no_html() -> None:
    text = answer_plain_text(ANSWERED)
    assert text.startswith("Answered\n\nMigrants <b>can</b> vote. [1]\n\n[1] Ghana · MGI profile")
    assert f"    {URL}\n" in text  # the footnote's trailing ":" is not part of the link
    assert "&lt;" not in text and "mgi-" not in text
    assert text.rstrip().endswith("Filters: Polarity: Areas with potential for further development")


def test_errors_and_comparisons_read_as_messages() -> None:
    assert render_answer_html({"question": "", "error": "the question is empty"}) == (
        '<div class="mgi-error">⚠️ the question is empty</div>'
    )
    error = comparison_html("", "type a question to compare, then press Compare")
    assert error.startswith('<div class="mgi-error" role="alert">Type a question')
    assert "<table" not in error
    rows = [
        ComparisonRow("Ghana", "Migrants can vote.", "Ghana · MGI profile", "c1", "g.txt", "p"),
        ComparisonRow("Kenya", "no passage found"),
    ]
    table = comparison_html("Can migrants vote?", rows)
    assert '<a class="mgi-cite" href="#mgi-chunk-c1"' in table
    assert '<th scope="row">Kenya</th><td><span class="mgi-none">no passage found' in table


def test_welcome_names_the_indexed_countries_and_links_the_examples() -> None:
    profiles = [IndexedProfile("Ghana", "mgi-profile", "t", "March 2019", "g.txt")]
    text = welcome_markdown(profiles, ["What about [Ghana]?"])
    assert "**1 profile indexed** for Ghana." in text
    assert "- [What about \\[Ghana\\]?](#mgi-ask)" in text
    assert "No profile is indexed" in welcome_markdown([], [])
