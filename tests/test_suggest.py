"""Guidance from the index: indexed profiles, example questions, follow-ups, filter labels."""

from __future__ import annotations

from dataclasses import replace

from mgiassist.index.manifest import Manifest, ProfileEntry
from mgiassist.schema import Chunk
from mgiassist.suggest import (
    Guide,
    describe_filters,
    filter_value_label,
    index_version,
    indexed_profiles,
)

MANIFEST = Manifest(
    model_id="all-MiniLM-L6-v2",
    dimension=384,
    max_tokens=256,
    chunk_count=7,
    chunker_version=3,
    corpus="../corpus",
    built_at="2026-11-23T01:59:32+00:00",
    profiles={
        "mgi-ghana.txt": ProfileEntry(
            content_hash="aa",
            chunks=4,
            family="mgi-profile",
            country="Ghana",
            title="Migration Governance Profile: Ghana",
            date="March 2019",
        ),
        "mapping-kenya.pdf": ProfileEntry(
            content_hash="bb",
            chunks=3,
            family="diaspora-mapping",
            country="Kenya",
            title="Diaspora engagement mapping: Kenya",
            date=None,
        ),
    },
)


def _chunk(n: int, country: str, source: str, path: tuple[str, ...], kind: str, polarity=None):
    return Chunk(
        chunk_id=f"c{n}",
        source=source,
        family="mgi-profile" if source.startswith("mgi") else "diaspora-mapping",
        country=country,
        country_code=None,
        title="t",
        date=None,
        heading_path=path,
        kind=kind,
        polarity=polarity,
        text="text",
        embed_text="text",
    )


CHUNKS = [
    _chunk(0, "Ghana", "mgi-ghana.txt", ("Migrants' rights", "Definition"), "definition"),
    _chunk(1, "Ghana", "mgi-ghana.txt", ("Migrants' rights", "Well"), "finding", "well-developed"),
    _chunk(2, "Ghana", "mgi-ghana.txt", ("Partnerships", "Well"), "finding", "well-developed"),
    _chunk(
        3, "Ghana", "mgi-ghana.txt", ("Partnerships", "Gaps"), "finding", "further-development"
    ),
    _chunk(4, "Kenya", "mapping-kenya.pdf", ("Political rights", "Vote"), "right"),
    _chunk(5, "Kenya", "mapping-kenya.pdf", ("Obstacles", "Trust"), "obstacle"),
    _chunk(6, "Kenya", "mapping-kenya.pdf", ("Trends",), "paragraph"),
]


def test_indexed_profiles_come_from_the_manifest_by_country() -> None:
    profiles = indexed_profiles(MANIFEST)
    assert [(p.country, p.label()) for p in profiles] == [
        ("Ghana", "MGI profile, March 2019"),
        ("Kenya", "Diaspora engagement mapping"),
    ]


def test_index_version_changes_with_content_and_build_time() -> None:
    version = index_version(MANIFEST)
    assert version.endswith("built 2026-11-23T01:59:32+00:00")
    changed = replace(MANIFEST, profiles={**MANIFEST.profiles, "x.txt": ProfileEntry(content_hash="cc", chunks=1)})
    assert index_version(changed).split()[0] != version.split()[0]
    rebuilt = replace(MANIFEST, built_at="2026-11-24T00:00:00+00:00")
    assert index_version(rebuilt).split()[0] == version.split()[0]
    assert index_version(rebuilt) != version


def test_examples_take_every_indexed_country_in_turn_and_skip_definitions() -> None:
    examples = Guide(CHUNKS, MANIFEST).examples(limit=4)
    assert examples == [
        "Which areas of partnerships need further development in Ghana?",
        "What rights do citizens of Kenya have while living abroad?",
        "Which areas of migrants' rights are well developed in Ghana?",
        "What are the obstacles to diaspora engagement in Kenya?",
    ]
    assert not any("Cambodia" in q for q in Guide(CHUNKS, MANIFEST).examples(limit=20))


def test_follow_ups_offer_the_other_polarity_then_neighbouring_domains() -> None:
    guide = Guide(CHUNKS, MANIFEST)
    record = {"question": "What works in partnerships?", "citations": [{"chunk_id": "c2"}]}
    assert guide.follow_ups(record) == [
        "Which areas of partnerships need further development in Ghana?",
        "Which areas of migrants' rights are well developed in Ghana?",
    ]
    kenya = guide.follow_ups({"question": "q", "citations": [{"chunk_id": "c5"}]})
    assert kenya == [
        "What do the profiles say about trends in Kenya?",
        "What rights do citizens of Kenya have while living abroad?",
    ]


def test_follow_ups_without_a_citation_stay_with_the_filtered_country() -> None:
    guide = Guide(CHUNKS, MANIFEST)
    asked = "What are the obstacles to diaspora engagement in Kenya?"
    record = {"question": asked, "citations": [], "filters": {"country": "Kenya"}}
    follow = guide.follow_ups(record)
    assert follow and all("Kenya" in q for q in follow) and asked not in follow
    assert guide.follow_ups({"question": "q", "citations": [{"chunk_id": "gone"}]})


def test_filters_are_described_with_labels_not_slugs() -> None:
    assert filter_value_label("polarity", "further-development") == (
        "Areas with potential for further development"
    )
    assert filter_value_label("family", "mgi-profile") == "MGI profile"
    assert describe_filters({"country": "Ghana", "polarity": "well-developed", "domain": None}) == (
        "Country: Ghana · Polarity: Well-developed areas"
    )
    assert describe_filters({}) == ""


def test_an_empty_index_gives_no_examples() -> None:
    guide = Guide([])
    assert guide.examples() == [] and guide.profiles == [] and guide.countries == []
