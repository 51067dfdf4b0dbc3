"""Web page reader: the DOM's structure, without the page's furniture."""

from __future__ import annotations

import pytest

from mgiassist.errors import ProfileError
from mgiassist.ingest.blocks import FootnoteDefinition, Heading, ListItem, Paragraph, Table
from mgiassist.ingest.readers.html import read_html

PAGE = """<html><head><script>var x = "Script text";</script><style>p{}</style></head><body>
<header><h1>Portal name</h1></header><nav><ul><li>Countries</li></ul></nav>
<div class="cookie-banner"><p>We use cookies.</p></div>
<main><h1>Profile of Chad</h1><p>Chad <strong>engages</strong> its diaspora.<sup><a href="#fn2">2</a></sup></p>
<h3>Findings</h3><ul><li><b>Label:</b> first<ul><li>nested</li></ul></li><li>second</li></ul>
<table><tr><th>Country</th><th>People</th></tr><tr><td>Sudan</td><td>12</td></tr></table>
<ol class="footnotes"><li id="fn2"><a href="https://example.org/a">https://example.org/a</a></li></ol></main>
<aside><p>Related</p></aside><footer><p>Copyright</p></footer></body></html>"""


def read(html: str):
    return read_html("page.html", html, "page.html").blocks


def test_article_blocks_without_navigation_banner_scripts_or_footer():
    blocks = read(PAGE)
    text = " ".join(b.text for b in blocks)
    for furniture in ("Portal name", "Countries", "cookies", "Script text", "Related", "Copyright"):
        assert furniture not in text
    assert isinstance(blocks[0], Heading) and (blocks[0].level, blocks[0].text) == (1, "Profile of Chad")


def test_sup_markers_emphasis_lists_tables_and_notes():
    blocks = read(PAGE)
    para = next(b for b in blocks if isinstance(b, Paragraph))
    assert (para.text, para.markers, para.bold) == ("Chad engages its diaspora.", ((26, 2),), ((5, 12),))
    assert [(b.text, b.depth) for b in blocks if isinstance(b, ListItem)] == [
        ("Label: first", 0), ("nested", 1), ("second", 0)]
    assert next(b for b in blocks if isinstance(b, Heading) and b.level == 3).text == "Findings"
    assert next(b for b in blocks if isinstance(b, Table)).rows == [["Country", "People"], ["Sudan", "12"]]
    [note] = [b for b in blocks if isinstance(b, FootnoteDefinition)]
    assert (note.number, note.text) == (2, "https://example.org/a")


def test_page_without_main_reads_its_body():
    blocks = read("<html><body><h2>Kenya</h2><p>Kenya text.</p><footer>x</footer></body></html>")
    assert [b.text for b in blocks] == ["Kenya", "Kenya text."]


def test_page_with_no_article_text_is_refused():
    with pytest.raises(ProfileError, match="no article text"):
        read("<html><body><nav><a>Home</a></nav><script>x()</script></body></html>")


def test_notes_under_a_notes_heading_and_raised_numbers_in_paragraphs():
    blocks = read("<main><p>Voting³ abroad¹.</p><h2>Sources</h2><ol><li>https://a.org/one</li></ol>"
                  "<p><sup>3</sup> Allowed in law: https://b.org/three</p></main>")
    assert blocks[0].markers == ((6, 3), (13, 1))
    notes = {b.number: b.text for b in blocks if isinstance(b, FootnoteDefinition)}
    assert notes == {1: "https://a.org/one", 3: "Allowed in law: https://b.org/three"}


def test_paragraphs_opening_with_a_bullet_are_list_items():
    blocks = read("<main><p>– <b>At regional level</b></p><p>• Second item</p><p>-5% is a figure.</p></main>")
    assert [(type(b).__name__, b.text) for b in blocks] == [
        ("ListItem", "At regional level"), ("ListItem", "Second item"), ("Paragraph", "-5% is a figure.")]
    assert blocks[0].lead() == "At regional level"


def test_divs_used_as_paragraphs_stay_apart():
    blocks = read("<article><div><strong>Trends</strong></div><div>First point.</div><div>Second¹².</div></article>")
    assert [(type(b).__name__, b.text) for b in blocks] == [
        ("Paragraph", "Trends"), ("Paragraph", "First point."), ("Paragraph", "Second.")]
    assert blocks[2].markers == ((6, 12),)


def test_inline_icons_read_as_their_accessible_names():
    """Templates show yes/no as icons: an inline image reads as what a screen reader says for it
    (``alt``, ``aria-label``, an SVG's ``<title>``); decorative or hidden ones say nothing, and an
    image alone in its block is a figure, left out as before."""
    blocks = read("""<nav><svg role="img" aria-label="Menu"></svg><img alt="Home"></nav><main>
<p>Dual citizenship<sup>1</sup> <img src="tick.svg" alt="Yes" width="12"></p>
<ul><li>Voting from abroad <svg role="img"><title>No</title><path d="M0 0"/></svg></li></ul>
<p><span role="img" aria-label="Yes">✔</span> Right to vote</p>
<p>Logo <img src="x.png" alt=""> and <img src="y.png" alt="Hidden" aria-hidden="true"> stay silent</p>
<p><img src="chart.png" alt="A chart of remittances"></p>
<p>Nothing after the <svg><path d="M0 0"/></svg> shape</p>
<header><svg role="img" aria-label="Logo"></svg></header></main>""")
    assert [(type(b), b.text, b.markers) for b in blocks] == [
        (Paragraph, "Dual citizenship Yes", ((16, 1),)),
        (ListItem, "Voting from abroad No", ()),
        (Paragraph, "Yes Right to vote", ()),
        (Paragraph, "Logo and stay silent", ()),
        (Paragraph, "Nothing after the shape", ()),
    ]


def test_a_table_cell_holding_only_an_icon_reads_as_its_name():
    blocks = read("""<main><table><tr><th>Right</th><th>Status</th></tr>
<tr><td>Dual citizenship</td><td><img src="tick.svg" alt="Yes"></td></tr>
<tr><td>Voting <b>abroad</b></td><td><svg role="img" aria-label="No"></svg></td></tr></table></main>""")
    assert blocks[0].rows == [["Right", "Status"], ["Dual citizenship", "Yes"], ["Voting abroad", "No"]]
