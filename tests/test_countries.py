"""CountryMatcher: word-start matching gives what one case-insensitive regex of every alias gives."""

from __future__ import annotations

import json
from pathlib import Path

from mgiassist.text.countries import CountryMatcher, all_countries, lookup_country

ROOT = Path(__file__).resolve().parents[1]


def _every_country() -> CountryMatcher:
    return CountryMatcher(list(all_countries()))


def test_names_demonyms_and_codes_are_found_in_text_order() -> None:
    matcher = CountryMatcher([lookup_country("Cambodia"), lookup_country("Thailand")])
    text = "Cambodians in Thailand; the Kingdom of Cambodia (KHM) and THA, but not 'Cambodiana'."
    assert matcher.find(text) == ["Cambodia", "Thailand"]
    mentions = matcher.mentions(text)
    assert [text[start:end] for start, end, _ in mentions] == [
        "Cambodians", "Thailand", "Kingdom of Cambodia", "KHM", "THA",
    ]


def test_the_longest_alias_at_a_word_wins() -> None:
    matcher = CountryMatcher([lookup_country("Guinea"), lookup_country("Guinea-Bissau")])
    assert matcher.find("Migrants from Guinea-Bissau and Guinea") == ["Guinea-Bissau", "Guinea"]


def test_a_capitalised_alias_whose_lower_case_differs_is_resolved_not_a_crash() -> None:
    # The regex folds "KIBRIS" onto the alias "kıbrıs" (dotless i) while str.lower() gives
    # "kibris": the matcher must name the country instead of failing on the lookup.
    matcher = _every_country()
    assert matcher.find("Can KIBRIS nationals vote from abroad?") == ["Cyprus"]
    # "İ" lower-cases to two characters, which sends the text down the regex path.
    assert matcher.find("Can KIBRIS nationals vote? İSTANBUL asks too.") == ["Cyprus"]


def test_word_start_matching_equals_the_regex_on_real_texts() -> None:
    matcher = _every_country()
    texts = [line for path in sorted((ROOT / "corpus").glob("*.txt")) for line in path.read_text().splitlines()]
    for path in sorted((ROOT / "eval" / "questions").glob("*.jsonl")):
        texts += [json.loads(line)["question"] for line in path.read_text().splitlines() if line.strip()]
    assert len(texts) > 300
    for text in texts:
        pattern_only = sorted(
            matcher._alias_mentions_by_pattern(text)
            + [(*m.span(1), matcher._by_code[m.group(1)]) for m in matcher._code_pattern.finditer(text)]
        )
        assert matcher.mentions(text) == pattern_only, text


def test_two_letter_abbreviations_are_not_countries_but_us_and_uk_are() -> None:
    matcher = _every_country()
    # ID (Indonesia), HR (Croatia), IT (Italy), CV (Cabo Verde), TV (Tuvalu), PR (Puerto Rico)
    text = "Can the diaspora get ID cards? Ask HR or IT; send a CV; watch TV; a PR campaign."
    assert matcher.find(text) == []
    assert matcher.find("Migrants in the US and the UK") == ["United States", "United Kingdom"]
    assert matcher.find("Migrants in the USA, GBR and IDN") == ["United States", "United Kingdom", "Indonesia"]


def test_country_names_in_french_and_spanish_are_found() -> None:
    matcher = _every_country()
    assert matcher.find("Combien de Cambodgiens vivent en Allemagne, en Thaïlande ou en Thailande ?") == [
        "Germany", "Thailand"]
    assert matcher.find("¿Cuántos camboyanos viven en Estados Unidos o en Corea del Sur?") == [
        "United States", "South Korea"]
    assert "Camboya" in lookup_country("Cambodia").translations
    # a translation that is an English word is not a country in English text
    assert matcher.find("a suede jacket, a grenade, chili sauce and a family reunion") == []


def test_a_demonym_several_countries_share_means_the_most_populous() -> None:
    # "French" is France's demonym and Réunion's, Martinique's, Saint Pierre and Miquelon's…
    assert _every_country().find("French associations and British charities") == ["France", "United Kingdom"]


def test_an_index_recorded_before_translations_still_finds_them(tmp_path) -> None:
    from mgiassist.index.load import LoadedIndex
    from mgiassist.index.manifest import Manifest

    recorded = lookup_country("Cambodia").to_dict()
    del recorded["translations"]  # a manifest written by an older version
    index = LoadedIndex.__new__(LoadedIndex)
    index.manifest = Manifest(
        model_id="m", dimension=1, max_tokens=1, chunk_count=0, corpus="", countries=(recorded,)
    )
    assert "Camboya" in index.countries[0].translations


def test_a_possessive_typed_without_its_apostrophe_names_the_country() -> None:
    matcher = CountryMatcher([lookup_country(n) for n in ("Cambodia", "Thailand", "Guinea", "South Africa")])
    assert matcher.find("gaps in cambodias coordination") == ["Cambodia"]
    assert matcher.find("south africas rules and thailands market") == ["South Africa", "Thailand"]
    # an alias whose "s" form is an English word is not taken from it
    assert matcher.find("paid in guineas") == []
    assert matcher.find("cambodiaso") == []


def test_a_name_opening_with_another_country_is_written_with_its_short_form_too() -> None:
    """"US Minor Outlying Islands" is the United States Minor Outlying Islands, whether or not
    the United States is among the countries matched; its "US" names no second country, while
    "US" alone still names the United States."""
    islands = "United States Minor Outlying Islands"
    for matcher in (_every_country(), CountryMatcher([lookup_country("Cambodia"), lookup_country(islands)])):
        assert matcher.find("obstacles in the US Minor Outlying Islands and Cambodia") == [islands, "Cambodia"]
        assert matcher.find(f"emigrants from the {islands}") == [islands]
    assert _every_country().find("Cambodians in the US") == ["Cambodia", "United States"]
