"""The page's "What changed" tab: its choices and view come from the editions library, for an
index holding three editions of the Cambodia mapping (built as test_editions builds it)."""

from __future__ import annotations

import json

import pytest
from conftest import FakeEmbedder
from test_editions import write_editions

from mgiassist.page.changes_tab import NO_SERIES, changes_html, series_choices


@pytest.fixture(scope="module")
def index_with_editions(tmp_path_factory):
    from mgiassist.index import build_index

    root = tmp_path_factory.mktemp("changes")
    build_index(write_editions(root / "corpus"), root / "index", embedder=FakeEmbedder(), progress=False)
    return root / "index"


def test_the_choices_are_the_profiles_with_two_editions(index_with_editions):
    choices = series_choices(index_with_editions)
    assert [label for label, _ in choices] == [
        "Cambodia · Diaspora engagement mapping (September 2020 – September 2023)"]
    assert json.loads(choices[0][1])["family"] == "diaspora-mapping"


def test_the_view_marks_changed_words_and_figures_and_escapes_the_text(index_with_editions):
    value = series_choices(index_with_editions)[0][1]
    shown = changes_html(index_with_editions, value)
    assert shown.startswith('<pre class="mgi-diff">')
    assert "<del>1,272</del>" in shown and "<ins>1,510</ins>" in shown
    assert "1,272 → 1,510" in shown and "<script" not in shown
    older = changes_html(index_with_editions, value, "2020", "2022")
    assert "<del>1,105</del>" in older and "<ins>1,272</ins>" in older


def test_bad_choices_and_dates_are_one_line_not_an_exception(index_with_editions, fake_index):
    value = series_choices(index_with_editions)[0][1]
    assert "no edition dated &#x27;1999&#x27;" in changes_html(index_with_editions, value, "1999")
    assert changes_html(index_with_editions, "not json") == "<p>Choose a profile from the list.</p>"
    assert series_choices(fake_index) == [] and NO_SERIES in changes_html(fake_index, None)
