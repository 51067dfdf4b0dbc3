"""The producer matrix: the seeds (and a look-alike country) typeset by other programs than the
project's own reportlab script must parse like their text files.

Each producer (``mgiassist.evaluate.producers``) runs inside the test: reportlab's ListFlowable,
Chromium's print-to-PDF of the web rendering, LibreOffice's export of the DOCX rendering,
WeasyPrint, and a DOCX with real Word footnotes written by LibreOffice (and its PDF export, notes at
the foot of each page). A producer whose tool is not installed is skipped with the reason (``make test``
installs them). Section F1 and footnote recall are measured against the text's parse.
"""

from __future__ import annotations

import pytest
from conftest import SEED_CORPUS

from mgiassist.evaluate.lookalike import swap_country
from mgiassist.evaluate.producers import PRODUCERS, available, produce, score
from mgiassist.ingest import load_profile, parse_profile
from mgiassist.text.countries import lookup_country

SEEDS = ("mgi-profile-cambodia-2021", "eudif-diaspora-mapping-cambodia-2022")
# what every producer reaches (benchmarks/format_parity.py --producers prints the table)
F1_FLOOR = 0.95
RECALL_FLOOR = 0.95


def _texts() -> dict[str, str]:
    texts = {}
    cambodia, kenya = lookup_country("Cambodia"), lookup_country("Kenya")
    for seed in SEEDS:
        text = (SEED_CORPUS / f"{seed}.txt").read_text(encoding="utf-8")
        texts[seed] = text
    mapping = texts[SEEDS[1]]
    texts[SEEDS[1].replace("cambodia", "kenya")] = swap_country(mapping, cambodia, kenya)
    return texts


TEXTS = _texts()


# ------------------------------------------------------------------------------ the score itself


def test_score_of_the_text_against_itself_is_perfect():
    profile = parse_profile(TEXTS[SEEDS[1]], SEEDS[1])
    got = score(profile, profile)
    assert (got.section_f1, got.footnote_recall) == (1.0, 1.0)
    assert got.sections == got.expected_sections > 30


def test_score_counts_a_split_finding_and_a_lost_footnote():
    text = TEXTS[SEEDS[1]]
    expected = parse_profile(text, SEEDS[1])
    # the footnote marker of "Voting from abroad" gone, one timeline entry cut in two
    broken = text.replace("Voting from abroad³", "Voting from abroad", 1)
    assert broken != text
    got = score(expected, parse_profile(broken, SEEDS[1]))
    assert got.footnote_recall < 1.0
    assert got.section_f1 < 1.0
    assert any("Voting from abroad" in m for m in got.missing)


def test_a_producer_not_installed_is_named():
    assert available("reportlab-list-1col") is None
    with pytest.raises(ValueError):
        available("no-such-producer")


# ------------------------------------------------------------------------------ the matrix


@pytest.fixture(scope="module")
def matrix(tmp_path_factory):
    folder = tmp_path_factory.mktemp("producers")
    cache: dict[str, dict[str, object]] = {}

    def scores(producer: str):
        if producer not in cache:
            why = available(producer)
            if why:
                pytest.skip(f"{producer}: {why}")
            target = folder / producer
            target.mkdir()
            cache[producer] = {}
            for name, text in TEXTS.items():
                path = produce(text, producer, target, name)
                cache[producer][name] = score(parse_profile(text, name), load_profile(path, target))
        return cache[producer]

    return scores


@pytest.mark.parametrize("producer", [p for p in PRODUCERS if p.startswith("reportlab")])
def test_reportlab_list_flowables_parse_like_the_text(matrix, producer):
    """ListFlowable's default bullet is Helvetica's, set larger than the text and read as an
    unmapped glyph: each wrapped line must continue its finding, not start one."""
    for name, got in matrix(producer).items():
        assert got.section_f1 >= F1_FLOOR, f"{producer} {name}: {got}; missing {got.missing}"
        assert got.footnote_recall >= RECALL_FLOOR, f"{producer} {name}: {got}"


@pytest.mark.integration
@pytest.mark.parametrize("producer", [p for p in PRODUCERS if not p.startswith("reportlab")])
def test_other_producers_parse_like_the_text(matrix, producer):
    for name, got in matrix(producer).items():
        assert got.section_f1 >= F1_FLOOR, f"{producer} {name}: {got}; missing {got.missing}"
        assert got.footnote_recall >= RECALL_FLOOR, f"{producer} {name}: {got}"

