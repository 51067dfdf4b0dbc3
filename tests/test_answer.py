"""The extractive short answer: sentence splitting, choice, markers, highlighting and escaping."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mgiassist.answer import (
    NO_ANSWER,
    Span,
    compose_answer,
    highlight_html,
    split_sentences,
    strip_footnote_marks,
)
from mgiassist.answer.answerability.features import states_existence
from mgiassist.answer.compose import rows_as_their_table
from mgiassist.schema import Chunk, Citation, Footnote, Hit, SearchResult

REPO = Path(__file__).resolve().parents[1]


def _chunk(
    chunk_id: str,
    text: str,
    *,
    heading: tuple[str, ...] = ("Migrants' rights", "Findings"),
    notes=(),
) -> Chunk:
    return Chunk(
        chunk_id=chunk_id,
        source=f"{chunk_id}.txt",
        family="mgi-profile",
        country="Cambodia",
        country_code="KHM",
        title="Migration Governance Profile: Cambodia",
        date="February 2021",
        heading_path=heading,
        kind="paragraph",
        polarity=None,
        text=text,
        embed_text=text,
        footnotes=tuple(notes),
    )


def _result(
    question: str, *texts: str, abstained: bool = False, search_query: str | None = None
) -> SearchResult:
    hits = []
    for rank, text in enumerate(texts, start=1):
        chunk = _chunk(f"c{rank}", text)
        hits.append(
            Hit(rank=rank, score=1.0 / rank, chunk=chunk, citation=Citation.from_chunk(chunk))
        )
    return SearchResult(question, search_query or question, abstained, hits)


def test_split_sentences_keeps_offsets_lines_and_footnote_marks() -> None:
    text = "Voting from abroad³\nIt is allowed.² It is not implemented, e.g. no offices. Funding lacks."
    pieces = [text[s.start : s.end] for s in split_sentences(text)]
    assert pieces == [
        "Voting from abroad³",
        "It is allowed.²",
        "It is not implemented, e.g. no offices.",
        "Funding lacks.",
    ]


def test_an_initial_ends_no_sentence() -> None:
    text = "Written by Dr J. Smith and the U.S. Government. Plan B. Next year."
    pieces = [text[s.start : s.end] for s in split_sentences(text)]
    assert pieces == ["Written by Dr J. Smith and the U.S. Government.", "Plan B. Next year."]


def test_strip_footnote_marks() -> None:
    assert strip_footnote_marks("abroad² and  home¹²") == "abroad and home"


def test_compose_answer_leads_with_the_search_s_first_passage_and_marks_only_shown_passages(
    fake_embedder,
) -> None:
    """The search's order decides the lead: a lower passage whose sentence merely repeats the
    question's words more closely does not take the first citation."""
    result = _result(
        "Can Cambodians vote from abroad?",
        "Cambodians overseas cannot vote from abroad. The diaspora is large and growing fast.",
        "Can Cambodians vote from abroad? Many ask it. Cambodia signed a memorandum with Thailand.",
    )
    answer = compose_answer(result, fake_embedder.encode, max_sentences=1)
    assert answer.sentences[0].text == "Cambodians overseas cannot vote from abroad."
    assert answer.text == "Cambodians overseas cannot vote from abroad. [1]"
    assert [p.marker for p in answer.passages] == [1]
    assert answer.passages[0].chunk_id == "c1"
    assert answer.passages[0].highlighted_sentences() == [
        "Cambodians overseas cannot vote from abroad."
    ]
    more = compose_answer(result, fake_embedder.encode, max_sentences=2, margin=1.0)
    assert [p.chunk_id for p in more.passages] == ["c1", "c2"]  # the closer sentence follows
    assert {s.marker for s in more.sentences} <= {p.marker for p in more.passages}


def test_a_lower_passage_leads_only_when_it_holds_the_asked_kind_and_the_first_does_not(
    fake_embedder,
) -> None:
    def has_figure(text: str) -> bool:
        return any(ch.isdigit() for ch in text)

    lower_holds = _result(
        "How many trainees did the scheme have?",
        "The scheme trains migrant workers before departure and the trainees learn skills.",
        "In 2014, this scheme had 745 trainees.",
    )
    answer = compose_answer(lower_holds, fake_embedder.encode, holds_asked=has_figure, max_sentences=1)
    assert answer.passages[0].chunk_id == "c2" and "745" in answer.sentences[0].text
    both_hold = _result(
        "How many trainees did the scheme have?",
        "The scheme had 300 trainees when it began.",
        "In 2014, this scheme had 745 trainees.",
    )
    answer = compose_answer(both_hold, fake_embedder.encode, holds_asked=has_figure, max_sentences=1)
    assert answer.passages[0].chunk_id == "c1"


def test_compose_answer_caps_sentences_per_passage_and_drops_headings(fake_embedder) -> None:
    result = _result(
        "migrant resource centres services",
        "Migrant resource centres (2013). Migrant resource centres give services to migrants. "
        "Migrant resource centres offer services and counselling. Migrant resource centres services exist widely.",
    )
    answer = compose_answer(
        result, fake_embedder.encode, max_sentences=3, per_passage=2, margin=1.0
    )
    assert len(answer.sentences) == 2
    assert all("(2013)" not in s.text for s in answer.sentences)


def test_a_heading_that_states_the_asked_kind_answers_and_keeps_its_passage_first(fake_embedder) -> None:
    """An annex entry's title carries its founding year and no other sentence repeats it: for
    "when", the title is quoted and its passage keeps the lead over a lower entry whose own
    sentence holds a year. Without a kind asked for, the title is still left out."""
    def has_year(text: str) -> bool:
        return re.search(r"\b(19|20)\d\d\b", text) is not None

    entry = _chunk("c1", "Union of Recruiters (UR) (2008). Members place workers in jobs abroad.",
                   heading=("Annex: list of actors", "Union of Recruiters (UR) (2008)"))
    other = _chunk("c2", "Friends of Culture (France, 1980). A cultural association near Lyon.",
                   heading=("Annex: list of actors", "Friends of Culture (1980)"))
    result = SearchResult("When was UR founded?", "When was UR founded?", False, [
        Hit(rank=i, score=1.0 / i, chunk=c, citation=Citation.from_chunk(c)) for i, c in enumerate((entry, other), 1)])
    answer = compose_answer(result, fake_embedder.encode, holds_asked=has_year, max_sentences=1)
    assert answer.passages[0].chunk_id == "c1" and "2008" in answer.sentences[0].text
    # the title holds the year and nothing else: the entry's sentence of substance follows it
    assert [s.marker for s in answer.sentences[:2]] == [1, 1]
    assert "Members place workers in jobs abroad" in answer.sentences[1].text
    plain = compose_answer(result, fake_embedder.encode, max_sentences=2, margin=1.0)
    assert all("(2008)" not in s.text for s in plain.sentences)


def test_a_sentence_leaning_on_the_one_before_is_read_with_it_and_named_only_when_it_can_be(
    fake_embedder,
) -> None:
    """"It … is funded by Australia" is chosen for "who funds the TRIANGLE programme" when read
    after the sentence naming TRIANGLE; quoted under the ILO's entry it is not given the ILO's
    name, which the sentence before shows it is not about."""
    text = ("International Labour Organisation (ILO) (1969). The ILO supports decent work. "
            "The TRIANGLE programme is a part of the ILO's efforts. It is funded by Australia and Canada.")
    entry = _chunk("c1", text, heading=("Annex: list of actors", "International Labour Organisation (ILO) (1969)"))
    question = "Who funded TRIANGLE?"
    result = SearchResult(question, question, False, [Hit(rank=1, score=1.0, chunk=entry,
                                                          citation=Citation.from_chunk(entry))])
    answer = compose_answer(result, fake_embedder.encode, max_sentences=1)
    assert answer.sentences[0].text == "It is funded by Australia and Canada."
    named = _chunk("c2", "Union of Recruiters (UR) (2008). Members place workers abroad. It trains them first.",
                   heading=("Annex: list of actors", "Union of Recruiters (UR) (2008)"))
    trains = SearchResult("Who trains workers?", "Who trains workers?", False, [
        Hit(rank=1, score=1.0, chunk=named, citation=Citation.from_chunk(named))])
    quoted = compose_answer(trains, fake_embedder.encode, max_sentences=1).sentences[0].text
    assert quoted == "Union of Recruiters (UR) (2008) — It trains them first."


def test_a_figures_label_is_quoted_with_the_values_printed_under_it(fake_embedder) -> None:
    block = ("Emigration\n% of emigrants in total population\n♂ 53.6%\n♀ 46.4%\n"
             "% of which in the EU\n♂ 46.5%\n♀ 53.5%")
    answer = compose_answer(_result("emigrants in total population", block), fake_embedder.encode,
                            max_sentences=1)
    [sentence] = answer.sentences
    assert " ".join(sentence.text.split()) == "% of emigrants in total population ♂ 53.6% ♀ 46.4%"
    # a finished sentence keeps its own span: a number after it is not its value
    prose = _result("remittances", "Remittances rose sharply after the crisis. 2019\nOther text here.")
    quoted = compose_answer(prose, fake_embedder.encode, max_sentences=1, margin=1.0).sentences
    assert quoted[0].text == "Remittances rose sharply after the crisis."


def test_compose_answer_dedupes_repeated_sentences(fake_embedder) -> None:
    same = "Cambodians overseas cannot vote from abroad."
    result = _result("vote from abroad", same, same)
    answer = compose_answer(result, fake_embedder.encode, margin=1.0)
    assert [s.text for s in answer.sentences].count(same) == 1


def test_a_figures_question_naming_a_table_row_is_answered_by_that_row(fake_embedder) -> None:
    """The row leads (read as "Label: value (caption)") even when longer sentences share more
    words with the question; without the figures cue it only competes on similarity."""
    question = "How many emigrants from the country live in Norway?"
    result = _result(
        question,
        "Emigrants from the country live in many places and the number of emigrants grew.",
        "The country counts its emigrants in the census of the country.",
        "Norway\t12,345",
    )
    row = result.hits[2].chunk
    row.kind = "table-row"
    row.attributes = {"row": ["Norway", "12,345"], "caption": "Top countries of destination"}
    result.intent = {"cues": ["figures"], "polarity": None, "kinds": ["table-row"]}
    answer = compose_answer(result, fake_embedder.encode)
    assert answer.sentences[0].text == "Norway: 12,345 (Top countries of destination)"
    assert answer.passages[answer.sentences[0].marker - 1].chunk_id == row.chunk_id
    assert len(answer.sentences) == 1  # the row is the answer: sentences sharing its words are clutter

    result.intent = None
    plain = compose_answer(result, fake_embedder.encode)
    assert plain.sentences[0].text != "Norway: 12,345 (Top countries of destination)"


def test_abstaining_result_gives_no_answer_and_nearest_passages(fake_embedder) -> None:
    result = _result(
        "What is the capital of France?", "France hosts 69,748 Cambodians.", abstained=True
    )
    answer = compose_answer(result, fake_embedder.encode)
    assert answer.abstained and answer.sentences == [] and answer.passages == []
    assert answer.text == NO_ANSWER
    assert [p.chunk_id for p in answer.nearest] == ["c1"]
    assert fake_embedder.encoded == []  # nothing to score when abstaining


def test_to_dict_carries_citations_and_contextualisation(fake_embedder) -> None:
    result = _result(
        "What about migrant resource centres there?",
        "Migrant resource centres provide information in Cambodia.",
        search_query="What about migrant resource centres there? Cambodia",
    )
    data = compose_answer(result, fake_embedder.encode).to_dict()
    assert data["contextualised"] is True
    assert data["citations"][0]["label"].startswith("Cambodia · MGI profile, February 2021")
    assert data["citations"][0]["highlights"] == [
        "Migrant resource centres provide information in Cambodia."
    ]
    assert data["answer"].endswith("[1]")


def test_highlight_html_escapes_before_marking() -> None:
    text = 'Rights <script>alert("x")</script> apply & more.\nSecond line.'
    start = text.index("apply")
    out = highlight_html(text, [Span(start, start + len("apply & more."))])
    assert "<script>" not in out
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in out
    assert '<mark class="answer-sentence">apply &amp; more.</mark>' in out
    assert out.endswith("<br>Second line.")


def test_highlight_html_ignores_overlapping_and_out_of_range_spans() -> None:
    out = highlight_html("abcdef", [Span(0, 3), Span(2, 4), Span(10, 12)])
    assert out == '<mark class="answer-sentence">abc</mark><mark class="answer-sentence">d</mark>ef'


@pytest.fixture(scope="module")
def ui_app():
    """The page's HTML (the Gradio app re-exports these; importing Gradio costs seconds)."""
    from mgiassist.page import render

    return render


def test_page_reply_escapes_profile_markup_and_question(ui_app, fake_embedder) -> None:
    chunk = _chunk(
        "x1",
        "Migrants may vote <script>alert(1)</script> in local elections.",
        notes=[Footnote(1, "see", ("https://example.org/a.pdf:", "javascript:alert(1)"))],
    )
    result = SearchResult(
        "<b>vote</b>?",
        "<b>vote</b>? Cambodia",
        False,
        [Hit(1, 1.0, chunk, Citation.from_chunk(chunk))],
    )
    record = compose_answer(result, fake_embedder.encode).to_dict()
    page_html = ui_app.render_answer_html(record)
    assert "<script>" not in page_html and "&lt;script&gt;" in page_html
    assert "<b>vote</b>" not in page_html
    assert (
        'href="https://example.org/a.pdf"' in page_html
    )  # the stray ":" left by parsing is dropped
    assert "javascript:" not in page_html.split("mgi-footnotes")[1].split("href=")[1]
    chat = ui_app.render_chat([record])
    assert chat[0] == {"role": "user", "content": "&lt;b&gt;vote&lt;/b&gt;?"}


def test_page_reply_for_errors_and_abstentions(ui_app) -> None:
    assert "⚠️ the question is empty" in ui_app.render_answer_html(
        {"question": "", "error": "the question is empty"}
    )
    html = ui_app.render_answer_html(
        {
            "question": "q",
            "search_query": "q",
            "abstained": True,
            "sentences": [],
            "citations": [],
            "nearest": [],
            "notes": ["no indexed profile covers <Kenya>"],
        }
    )
    assert "don't appear to cover" in html
    assert '<div class="mgi-notes">no indexed profile covers &lt;Kenya&gt;</div>' in html


def test_cached_encoder_encodes_each_text_once(fake_embedder) -> None:
    from mgiassist.answer import cached_encoder

    encode = cached_encoder(fake_embedder.encode, maxsize=2)
    first = encode(["a b", "c d", "a b"])
    assert fake_embedder.encoded == ["a b", "c d"]
    again = encode(["c d", "a b"])
    assert fake_embedder.encoded == ["a b", "c d"]
    assert (again[0] == first[1]).all() and (again[1] == first[0]).all()
    encode(["e f"])  # evicts the least recently used text ("c d")
    encode(["c d"])
    assert fake_embedder.encoded == ["a b", "c d", "e f", "c d"]
    assert encode([]).shape[0] == 0


def test_a_sentence_opening_with_it_is_led_by_the_name_of_the_entry_it_describes(fake_embedder) -> None:
    name = "Inter-Ministerial Taskforce for Migration (IMTM) (2007)"
    entry = f"{name}. The IMTM was created in 2007. It coordinates migration issues and advises the government."
    result = _result("coordinates migration issues advises government", entry)
    result.hits[0].chunk.heading_path = ("Annex: list of actors", name)
    [sentence] = compose_answer(result, fake_embedder.encode, max_sentences=1).sentences
    assert sentence.text == f"{name} — It coordinates migration issues and advises the government."
    # the highlight stays on the passage's own words
    assert entry[sentence.span.start : sentence.span.end].startswith("It coordinates")
    # a finding under a section heading has no entry name to lend
    finding = _result("coordinates migration issues advises government",
                      "The plan is new. It coordinates migration issues and advises the government.")
    [plain] = compose_answer(finding, fake_embedder.encode, max_sentences=1).sentences
    assert plain.text.startswith("It coordinates")


def test_a_sentence_holding_the_kind_of_answer_asked_for_is_preferred(fake_embedder) -> None:
    text = ("The permit scheme is a partnership to create demand for labour. "
            "In 2014, it had 745 trainees.")
    result = _result("permit scheme partnership labour demand trainees", text)
    plain = compose_answer(result, fake_embedder.encode, max_sentences=1)
    assert plain.sentences[0].text.startswith("The permit scheme")
    holds_figure = lambda sentence: any(ch.isdigit() for ch in sentence.replace("2014", ""))
    typed = compose_answer(result, fake_embedder.encode, max_sentences=1, holds_asked=holds_figure,
                           asked_bonus=1.0)
    assert typed.sentences[0].text == "In 2014, it had 745 trainees."


@pytest.mark.parametrize("text, states", [
    ("There is no government institution tasked with coordinating efforts to engage with the diaspora.", True),
    ("Cambodia does not have a national assessment framework for migrants' well-being.", True),
    ("Migrant workers resource centres have been established in Cambodia.", True),
    ("There is a national committee for counter trafficking.", True),
    ("The department is tasked with the protection of Khmer workers overseas.", False),
    ("There are many Cambodians in Thailand.", False),  # how many, not whether
])
def test_a_sentence_states_whether_a_thing_exists_by_its_form(text, states):
    assert states_existence(text) is states


def test_asked_whether_one_exists_a_lower_passage_saying_so_leads(fake_embedder) -> None:
    question = "Is there a government office that coordinates outreach to Cambodians abroad?"
    result = _result(
        question,
        "The department is tasked with the protection and management of Khmer workers overseas.",
        "There is no government institution tasked with coordinating efforts to engage with the diaspora.",
    )
    answer = compose_answer(result, fake_embedder.encode, holds_asked=states_existence, max_sentences=1)
    assert answer.passages[0].chunk_id == "c2" and answer.sentences[0].text.startswith("There is no")


def test_an_existence_statement_answers_only_when_it_names_what_is_asked_about() -> None:
    from mgiassist.answer.turn import existence_of

    says = existence_of(["government", "office", "coordinates", "outreach"])
    assert says("There is no government institution tasked with coordinating efforts to engage with the diaspora.")
    assert not says("Cambodia does not have a national assessment framework for the labour market.")
    assert not says("The government coordinates outreach through its embassies.")  # says nothing exists


def test_torn_between_one_sense_of_list_in_the_two_families_the_search_decides_which():
    from types import SimpleNamespace

    from mgiassist.answer.turn import _family_side

    def first(family: str) -> SimpleNamespace:
        return SimpleNamespace(hits=[SimpleNamespace(chunk=SimpleNamespace(family=family))])

    good = {"practices": 0.59, "strengths": 0.57, "actors": 0.11, "other": 0.1}
    assert _family_side(good, first("mgi-profile")) == "strengths"
    assert _family_side(good, first("diaspora-mapping")) == "practices"
    bad = {"obstacles": 0.5, "weaknesses": 0.49, "other": 0.2}
    assert _family_side(bad, first("mgi-profile")) == "weaknesses"
    # not one sense, or not clear of the other readings: nothing read
    assert _family_side({"practices": 0.5, "weaknesses": 0.49, "other": 0.2}, first("mgi-profile")) is None
    assert _family_side({"practices": 0.5, "strengths": 0.49, "other": 0.45}, first("mgi-profile")) is None


def test_a_question_names_a_table_row_by_another_name_of_its_country_but_not_by_a_currency():
    from mgiassist.answer.compose import _names_row

    row = Chunk(chunk_id="r", source="m.txt", family="diaspora-mapping", country="Cambodia", country_code="KHM",
                title="Mapping", date="2022", heading_path=("Facts & figures", "Top countries of destination"),
                kind="table-row", polarity=None, text="United States of America\t196,003",
                embed_text="United States of America 196,003",
                attributes={"row": ["United States of America", "196,003"]})
    assert _names_row("how many in the United States of America?", row)
    assert _names_row("how many in the US?", row)
    assert not _names_row("How many US dollars in remittances flow into Cambodia?", row)
    assert not _names_row("how many in France?", row)


def _table_and_rows() -> tuple[Chunk, list[Chunk]]:
    rows = [["Norway", "12,345"], ["Chile", "6,789"], ["Japan", "1,234"]]
    table = _chunk("t", "Top countries of destination\n" + "\n".join("\t".join(r) for r in rows),
                   heading=("Facts & figures", "Top countries of destination"))
    table.kind, table.attributes = "table", {"rows": rows}
    cells = []
    for i, row in enumerate(rows):
        chunk = _chunk(f"t-{i}", "\t".join(row), heading=table.heading_path)
        chunk.kind = "table-row"
        chunk.attributes = {"row": row, "table_id": "t", "caption": "Top countries of destination"}
        cells.append(chunk)
    return table, cells


def _ranked(question: str, chunks: list[Chunk]) -> SearchResult:
    hits = [Hit(rank=i, score=1.0 / i, chunk=c, citation=Citation.from_chunk(c)) for i, c in enumerate(chunks, 1)]
    return SearchResult(question, question, False, hits)


def test_rows_of_one_table_ranked_together_are_quoted_as_the_whole_table(fake_embedder) -> None:
    """Two rows of a table among the top three stand for the table, every row in its own order,
    in the first row's place; the table ranked beside one of its rows does too. A question naming
    a row keeps that row: it is the answer."""
    table, (norway, chile, japan) = _table_and_rows()
    other = _chunk("p", "Emigration has grown since 2000.")
    by_id = {c.chunk_id: c for c in (table, norway, chile, japan, other)}.get

    result = rows_as_their_table(_ranked("top destination countries", [chile, other, japan, norway]), by_id)
    assert [h.chunk.chunk_id for h in result.hits] == ["t", "p"]
    answer = compose_answer(result, fake_embedder.encode)
    assert answer.sentences[0].text == "Top countries of destination — Norway: 12,345; Chile: 6,789; Japan: 1,234"

    beside = rows_as_their_table(_ranked("top destination countries", [norway, table, other]), by_id)
    assert [h.chunk.chunk_id for h in beside.hits] == ["t", "p"]

    named = _ranked("How many emigrants live in Chile?", [chile, norway, other])
    assert rows_as_their_table(named, by_id) is named
    alone = _ranked("top destination countries", [chile, other])
    assert rows_as_their_table(alone, by_id) is alone
    # an index whose rows outlived their table keeps the rows
    orphans = _ranked("x", [chile, japan])
    assert [h.chunk.chunk_id for h in rows_as_their_table(orphans, lambda _: None).hits] == ["t-1", "t-2"]
