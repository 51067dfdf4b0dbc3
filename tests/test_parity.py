"""Every rendering of a profile gives the same Profile as its text file.

The two seed profiles and a look-alike country are typeset (see ``mgiassist.evaluate.renderings``) as a
one-column PDF, a two-column PDF, a web page and a DOCX, then read back through the corpus
loader. Findings per domain and polarity, timeline entries, obstacles, practices, actors,
destination rows and footnotes (numbers and URLs, on the same passages) must all match.
"""

from __future__ import annotations

import re

import pytest
from conftest import SEED_CORPUS

from mgiassist.evaluate.lookalike import swap_country
from mgiassist.evaluate.renderings import FORMATS, render
from mgiassist.ingest import load_profile, parse_profile
from mgiassist.text.countries import lookup_country

pytest.importorskip("reportlab")
pytest.importorskip("docx")

SEEDS = ("mgi-profile-cambodia-2021", "eudif-diaspora-mapping-cambodia-2022")
LOOKALIKE = "Kenya"


def _texts() -> dict[str, str]:
    texts = {}
    cambodia, other = lookup_country("Cambodia"), lookup_country(LOOKALIKE)
    for seed in SEEDS:
        text = (SEED_CORPUS / f"{seed}.txt").read_text(encoding="utf-8")
        texts[seed] = text
        texts[seed.replace("cambodia", LOOKALIKE.lower())] = swap_country(text, cambodia, other)
    return texts


TEXTS = _texts()


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def signature(profile) -> dict:
    """What a rendering must preserve, with whitespace normalised."""
    sections = [
        (s.kind, tuple(_norm(h) for h in s.heading_path), s.polarity, _norm(s.text),
         tuple((f.number, f.urls) for f in s.footnotes))
        for s in profile.sections
    ]
    return {
        "meta": (profile.family, profile.country, profile.country_code, profile.date, profile.title),
        "findings": [s for s in sections if s[0] == "finding"],
        "timeline": [s for s in sections if s[0] == "timeline"],
        "obstacles": [s for s in sections if s[0] == "obstacle"],
        "practices": [s for s in sections if s[0] == "practice"],
        "actors": [s for s in sections if s[0] == "actor"],
        "tables": [s.attributes.get("rows") for s in profile.sections if s.kind == "table"],
        "rights": [s for s in sections if s[0] == "right"],
        "all": sections,
        "footnotes": [(n["number"], tuple(n["urls"])) for n in profile.metadata.get("footnotes", [])],
    }


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    folder = tmp_path_factory.mktemp("renderings")
    cache: dict[tuple[str, str], object] = {}

    def get(name: str, fmt: str):
        if (name, fmt) not in cache:
            target = folder / fmt
            target.mkdir(exist_ok=True)
            path = render(TEXTS[name], fmt, target, name)
            cache[(name, fmt)] = load_profile(path, target)
        return cache[(name, fmt)]

    return get


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", sorted(TEXTS))
def test_rendering_gives_the_text_profile(rendered, name, fmt):
    expected = signature(parse_profile(TEXTS[name], name))
    got = signature(rendered(name, fmt))
    for key in ("meta", "findings", "timeline", "obstacles", "practices", "actors", "tables", "rights",
                "footnotes", "all"):
        assert got[key] == expected[key], f"{name} as {fmt}: {key} differ"


def test_the_renderings_are_what_they_claim(rendered):
    """Guard against a renderer that degrades to text: the structure must come from the format."""
    mapping = "eudif-diaspora-mapping-cambodia-2022"
    for fmt in FORMATS:
        profile = rendered(mapping, fmt)
        assert profile.metadata["ingest"]["format"] == fmt.split("-")[0]
        voting = next(s for s in profile.sections if s.heading_path[-1] == "Voting from abroad")
        assert [f.number for f in voting.footnotes] == [3]
        assert len([s for s in profile.sections if s.kind == "actor"]) == 15
