"""What changed between two editions: the pure core on tiny inline profiles, then `mgiassist diff`
over an index of three editions of the Cambodia mapping (built in test_editions' way)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import FakeEmbedder
from test_editions import MAPPING, NEW, OLD, write_editions

from mgiassist.editions import Unit, diff_editions, diff_units, mark_words, word_diff
from mgiassist.editions.diff import Figure, figures, units_of_chunks
from mgiassist.errors import FilterError
from mgiassist.schema import Chunk

FINDINGS = ("Migrants' rights", "Well-developed areas")
GAPS = ("Migrants' rights", "Areas with potential for further development")


def unit(path, text, kind="paragraph", rows=()):
    return Unit(tuple(path), text, kind, tuple(tuple(r) for r in rows))


# -- the pure core -----------------------------------------------------------------------------


def test_sections_align_by_heading_and_similarity_not_position():
    before = [
        unit(FINDINGS, "Migrants have equal access to health care."),
        unit(FINDINGS, "The Labour Law protects foreigners against discrimination."),
        unit(GAPS, "Cambodians overseas cannot vote from abroad."),
    ]
    # the same findings in another order, one of them reworded, one new, one dropped
    after = [
        unit(FINDINGS, "The Labour Law protects foreigners and migrant workers against discrimination."),
        unit(FINDINGS, "Migrants have equal access to health care."),
        unit(FINDINGS, "A migrant resource centre opened in every province."),
    ]
    changes = sorted(diff_units(before, after), key=lambda c: c.kind)
    assert [(c.kind, c.heading_path) for c in changes] == [
        ("added", FINDINGS), ("changed", FINDINGS), ("removed", GAPS),
    ]
    changed = changes[1]
    assert changed.before.startswith("The Labour Law protects foreigners against")
    assert mark_words(changed.before, changed.after) == (
        "The Labour Law protects foreigners {+and migrant workers+} against discrimination."
    )
    assert changes[0].after == "A migrant resource centre opened in every province." and changes[0].before is None
    assert changes[2].before == "Cambodians overseas cannot vote from abroad." and changes[2].after is None


def test_identical_editions_have_no_changes_and_a_renamed_heading_is_followed():
    same = [unit(FINDINGS, "Migrants have equal access to health care."), unit(GAPS, "No training.")]
    assert diff_units(same, list(reversed(same))) == []
    before = [unit(("Policy", "2014–2018 · National Strategic Development Plan"),
                   "2014–2018: National Strategic Development Plan: the plan incorporates migration challenges.")]
    after = [unit(("Policy", "2019–2023 · National Strategic Development Plan"),
                  "2019–2023: National Strategic Development Plan: the plan incorporates migration challenges.")]
    [change] = diff_units(before, after)
    assert change.kind == "changed" and change.heading_path == after[0].heading_path
    assert "[-2014–2018:-]{+2019–2023:+}" in mark_words(change.before, change.after)


def test_figures_before_and_after():
    remittances = ("Facts & figures", "Remittances")
    before = unit(remittances, "Remittances as a share of GDP: 4.9%\nRemittances inflow (USD million): 1,272")
    after = unit(remittances, "Remittances as a share of GDP: 4.9%\nRemittances inflow (USD million): 1,510")
    assert figures(before, after) == [Figure("Remittances inflow (USD million)", "1,272", "1,510")]
    assert figures(before, after)[0].line() == "Remittances inflow (USD million): 1,272 → 1,510"
    table = ("Facts & figures", "Top countries of destination")
    old = unit(table, "…", "table", [["Thailand", "689,451"], ["France", "69,748"], ["Laos", "1,000"]])
    new = unit(table, "…", "table", [["Thailand", "689,451"], ["France", "71,002"], ["Canada", "24,836"]])
    assert figures(old, new) == [
        Figure("France (Top countries of destination)", "69,748", "71,002"),
        Figure("Laos (Top countries of destination)", "1,000", None),
        Figure("Canada (Top countries of destination)", None, "24,836"),
    ]
    prose = figures(unit(("Trends",), "Emigration grew, seeing a 160% increase since 2000."),
                    unit(("Trends",), "Emigration grew, seeing a 170% increase since 2000."))
    assert prose == [Figure("Emigration grew, seeing a", "160%", "170%")]


def test_word_diff_runs():
    assert word_diff("a b c", "a x c") == [("equal", "a"), ("delete", "b"), ("insert", "x"), ("equal", "c")]
    assert mark_words("one\ntwo three", "one\ntwo four") == "one\ntwo [-three-]{+four+}"


def test_units_join_split_sections_and_leave_rows_to_their_table():
    def chunk(n, text, kind="paragraph", attributes=None, path=("Trends",)):
        return Chunk(chunk_id=str(n), source="s", family="diaspora-mapping", country="Cambodia",
                     country_code="KHM", title="t", date="2022", heading_path=path, kind=kind, polarity=None,
                     text=text, embed_text=text, attributes=attributes or {})

    chunks = [
        chunk(1, "First half.", attributes={"part": "1/2"}),
        chunk(2, "Second half.", attributes={"part": "2/2"}),
        chunk(3, "Top\nFrance\t69,748", "table", {"rows": [["France", "69,748"]]}, ("Facts", "Top")),
        chunk(4, "France\t69,748", "table-row", {"row": ["France", "69,748"]}, ("Facts", "Top")),
    ]
    assert units_of_chunks(chunks) == [
        Unit(("Trends",), "First half. Second half.", "paragraph"),
        Unit(("Facts", "Top"), "Top\nFrance\t69,748", "table", (("France", "69,748"),)),
    ]


# -- over an index ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def editions_index(tmp_path_factory) -> Path:
    from mgiassist.index import build_index

    root = tmp_path_factory.mktemp("diff")
    build_index(write_editions(root / "corpus"), root / "index", embedder=FakeEmbedder(), progress=False)
    return root / "index"


def test_diff_of_the_newest_two_editions(editions_index):
    diff = diff_editions(editions_index, "Cambodia")
    payload = diff.to_dict()
    assert list(payload) == ["country", "family", "from", "to", "changes"]
    assert payload["country"] == "Cambodia" and payload["family"] == "diaspora-mapping"
    assert payload["from"] == {"date": "September 2022", "source": MAPPING}
    assert payload["to"] == {"date": "September 2023", "source": NEW}
    for change in payload["changes"]:
        assert list(change) == ["kind", "heading_path", "before", "after", "figures"]
        assert all(list(f) == ["label", "before", "after"] for f in change["figures"])
    kinds = [(c["kind"], c["heading_path"]) for c in payload["changes"]]
    assert ("added", ["Obstacles", "Brain drain"]) in kinds
    assert ("removed", ["Obstacles", "Political division"]) in kinds
    assert ("changed", ["Facts & figures", "Remittances"]) in kinds
    figures_found = {(f["label"], f["before"], f["after"]) for c in payload["changes"] for f in c["figures"]}
    assert ("Remittances inflow (USD million)", "1,272", "1,510") in figures_found
    assert ("France (Top countries of destination)", "69,748", "71,002") in figures_found
    assert len(payload["changes"]) == 5  # nothing else differs


def test_the_series_a_front_end_can_offer(editions_index):
    from mgiassist.editions import diff_text, diffable_series

    assert diffable_series(editions_index) == [{
        "place": "Cambodia", "country": "Cambodia", "city": None, "family": "diaspora-mapping",
        "dates": ["September 2020", "September 2022", "September 2023"],
    }]
    text = diff_text(diff_editions(editions_index, "Cambodia", family="diaspora-mapping", date_from="September 2020"))
    assert text.startswith("Cambodia · Diaspora engagement mapping: September 2020 → September 2023")


def test_diff_between_named_editions_and_its_errors(editions_index):
    diff = diff_editions(editions_index, "KHM", family="mapping", date_from="2020", date_to="September 2022")
    assert (diff.before.source, diff.after.source) == (OLD, MAPPING)
    [change] = diff.changes
    assert change.figures == (Figure("Remittances inflow (USD million)", "1,105", "1,272"),)
    with pytest.raises(FilterError, match="one edition of each profile"):
        diff_editions(editions_index, "Cambodia", family="mgi")
    with pytest.raises(FilterError, match="no edition dated '2019'"):
        diff_editions(editions_index, "Cambodia", date_from="2019")
    with pytest.raises(FilterError, match="the same edition"):
        diff_editions(editions_index, "Cambodia", date_from="2022", date_to="2022")
    with pytest.raises(FilterError, match="unknown country"):
        diff_editions(editions_index, "Kenya")


def test_diff_command(runner, editions_index):
    from mgiassist.cli.main import main

    result = runner.invoke(main, ["diff", "Cambodia", "--index", str(editions_index)])
    assert result.exit_code == 0, result.output
    text = result.output
    assert "Cambodia · Diaspora engagement mapping: September 2022 → September 2023" in text
    assert f"from: September 2022 · {MAPPING}" in text and f"to:   September 2023 · {NEW}" in text
    assert "5 changes: 1 added, 1 removed, 3 changed" in text
    assert "Remittances inflow (USD million): [-1,272-]{+1,510+}" in text
    assert "figure: Remittances inflow (USD million): 1,272 → 1,510" in text
    assert "+ Added · Obstacles › Brain drain" in text and "- Removed · Obstacles › Political division" in text
    as_json = runner.invoke(main, ["diff", "Cambodia", "--index", str(editions_index), "--json",
                                   "--from", "2020", "--to", "2022"])
    assert as_json.exit_code == 0, as_json.output
    assert json.loads(as_json.output)["changes"][0]["figures"] == [
        {"label": "Remittances inflow (USD million)", "before": "1,105", "after": "1,272"}
    ]
    failed = runner.invoke(main, ["diff", "Cambodia", "--family", "mgi", "--index", str(editions_index)])
    assert failed.exit_code == 2 and failed.output.startswith("error: the index holds one edition")


def test_a_long_changed_section_shows_its_changed_sentences():
    from mgiassist.editions.text import changed_sentences

    text = "Unchanged words here. " * 30 + "Remittances grew [-4%-]{+5%+} last year. " + "More unchanged words."
    assert changed_sentences(text) == "… Remittances grew [-4%-]{+5%+} last year. …"
    assert changed_sentences("Short [-a-]{+b+}.") == "Short [-a-]{+b+}."


def test_a_finding_that_moved_from_gaps_to_strengths_is_one_change():
    from mgiassist.editions.text import change_lines

    gap = "There is no government institution tasked with coordinating efforts to engage with the diaspora."
    strength = "A government institution is now tasked with coordinating efforts to engage with the diaspora."
    [change] = diff_units([unit(GAPS, gap)], [unit(FINDINGS, strength)])
    assert (change.kind, change.heading_path, change.moved_from) == ("changed", FINDINGS, GAPS)
    assert "moved_from" not in change.to_dict()  # the JSON contract is fixed
    assert change_lines(change)[0] == (
        "~ Changed · Migrants' rights › Well-developed areas"
        "  (was under Migrants' rights › Areas with potential for further development)"
    )
