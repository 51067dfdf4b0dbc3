"""Retrieval that reaches structured content: each rule on a tiny inline profile with the fake embedder."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import faiss
import numpy as np
import pytest
from conftest import FakeEmbedder

from mgiassist.chunk import KIND_ABOUT, KIND_TABLE_ROW, chunk_profile, render_row
from mgiassist.errors import FilterError
from mgiassist.index import LoadedIndex
from mgiassist.index.manifest import Manifest
from mgiassist.schema import FAMILY_MAPPING, FAMILY_MGI, Profile, Section
from mgiassist.search.cues import CUE_MARGIN, detect_intent, with_meaning
from mgiassist.search.intents import IntentGuess
from mgiassist.search.searcher import Filters, Searcher, SearchSettings
from mgiassist.text.acronyms import AcronymTable, find_definitions, initials_match
from mgiassist.text.countries import lookup_country
from mgiassist.text.lexical import LexicalIndex, analyse
from mgiassist.text.spelling import Speller
from mgiassist.text.symbols import spell_symbols


def words(text: str) -> int:
    return len(re.findall(r"\w+", text))


def profile(*sections: Section, family: str = FAMILY_MAPPING, source: str = "kenya.txt") -> Profile:
    return Profile(source=source, family=family, country="Kenya", country_code="KEN",
                   title="Profile: Kenya", date="2022", content_hash=source, sections=list(sections))


def searcher(*profiles: Profile, settings: SearchSettings | None = None, tmp_path: Path = Path("/nonexistent")) -> Searcher:
    """A Searcher over an index built in memory (no files), with the fake embedder."""
    embedder = FakeEmbedder()
    chunks = [c for p in profiles for c in chunk_profile(p, count_tokens=words, max_tokens=128)]
    vectors = embedder.encode([c.embed_text for c in chunks])
    dense = faiss.IndexFlatIP(vectors.shape[1])
    dense.add(vectors)
    manifest = Manifest(model_id=embedder.model_id, dimension=embedder.dimension, max_tokens=128,
                        chunk_count=len(chunks), corpus="",
                        countries=tuple(lookup_country(c).to_dict() for c in dict.fromkeys(p.country for p in profiles)))
    index = LoadedIndex(tmp_path, manifest, chunks, vectors, dense, LexicalIndex.build([c.embed_text for c in chunks]))
    return Searcher(index, lambda text: embedder.encode([text])[0], settings)


FILLER = [
    Section(("Trends",), "Emigration to France grew after 1975 and many families settled near Paris.", "paragraph"),
    Section(("Annex: list of actors", "Diaspora organisations in Europe", "Khmer Friends of France"),
            "Khmer Friends of France (France, 1990). A cultural association in France.", "actor"),
    Section(("Obstacles", "Lack of trust"), "Lack of trust: the diaspora distrusts state programmes.", "obstacle"),
]
TABLE = Section(
    ("Facts & figures", "Top countries of destination"),
    "Top countries of destination\nUganda\t50,000\nFrance\t12,345\nCanada\t2,000",
    "table",
    attributes={"rows": [["Uganda", "50,000"], ["France", "12,345"], ["Canada", "2,000"]]},
)


# -- tables and symbols -------------------------------------------------------------------------


def test_each_table_row_is_a_chunk_rendered_as_a_sentence():
    chunks = chunk_profile(profile(TABLE), count_tokens=words, max_tokens=128)
    table, *rows, about = chunks
    assert about.kind == KIND_ABOUT
    assert table.kind == "table" and [r.kind for r in rows] == [KIND_TABLE_ROW] * 3
    france = rows[1]
    assert france.text == "France\t12,345"  # displayed as the source lays it out
    assert france.embed_text.endswith("France: 12,345 (Top countries of destination)")
    assert france.heading_path == TABLE.heading_path and france.attributes["table_id"] == table.chunk_id
    assert render_row(["France", "12,345"], "Top", ["Country", "emigrants"]) == "France: 12,345 emigrants (Top)"


def test_a_question_about_one_row_finds_that_row_first():
    # the clear-leader margins are set for the real model and profiles; here the fake embedder's
    # cosines and an actor naming France three times would lead by them (tests/test_search_lead.py)
    search = searcher(profile(TABLE, *FILLER), settings=SearchSettings(dense_lead_margin=0, lexical_lead_ratio=0))
    hit = search.search("How many Kenyans live in France?", k=3).hits[0]
    assert hit.chunk.kind == KIND_TABLE_ROW and hit.chunk.text.startswith("France")


def test_a_row_below_its_own_table_is_not_shown_twice():
    search = searcher(profile(TABLE, *FILLER))
    hits = search.search("top countries of destination Uganda France Canada", k=6).hits
    table_rank = next(h.rank for h in hits if h.chunk.kind == "table")
    rows = [h for h in hits if h.chunk.kind == KIND_TABLE_ROW]
    assert all(h.rank < table_rank for h in rows)
    passages = [h for h in hits if h.chunk.kind != KIND_ABOUT]  # the profile's own particulars aside
    assert len(passages) == 4 + len(rows)  # the table and the three other passages, whatever the rows did


def test_symbols_are_read_as_words_for_search_only():
    assert spell_symbols("♂ 53.6% ♀ 46.4%") == "male (men) 53.6 percent female (women) 46.4 percent"
    assert "percent" in analyse("% of emigrants")
    figures = Section(("Facts & figures", "Emigration"), "Emigration\n♂ 53.6%\n♀ 46.4%", "figures")
    chunk, _about = chunk_profile(profile(figures), count_tokens=words, max_tokens=128)
    assert chunk.text == "Emigration\n♂ 53.6%\n♀ 46.4%"
    assert "female (women) 46.4 percent" in chunk.embed_text
    hit = searcher(profile(figures, *FILLER)).search("share of women among emigrants", k=1).hits[0]
    assert hit.chunk.kind == "figures"


# -- acronyms -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "pair"),
    [
        ("The Ministry of Labour and Vocational Training (MoLVT) runs it.", ("MoLVT", "Ministry of Labour and Vocational Training")),
        ("run by the MOI (Ministry of Interior).", ("MOI", "Ministry of Interior")),
        ("Migrant workers resource centres (MRCs) help.", ("MRCs", "Migrant workers resource centres")),
        ("Inter-Ministerial Taskforce for Migration (IMTM) was set up", ("IMTM", "Inter-Ministerial Taskforce for Migration")),
    ],
)
def test_acronym_definitions_are_mined_in_either_order(text, pair):
    assert find_definitions(text) == [pair]


def test_brackets_that_are_not_definitions_are_ignored():
    assert find_definitions("The association (France, 1980) and the plan (2014) and ACRA (2008).") == []
    assert not initials_match("LMP", ["Policy", "on", "Labour", "Migration"], skips=1)


def test_undefined_acronym_is_matched_to_a_capitalised_phrase_by_its_initials():
    table = AcronymTable.mine(["2017: Technical and Vocational Education and Training policy adopted.",
                               "The Ministry of Labour and Vocational Training (MOLVT) was created."])
    assert table.long_forms("TVET") == ["Technical and Vocational Education and Training"]
    assert table.long_forms("MoLVT") == ["Ministry of Labour and Vocational Training"]  # case of the definition aside
    assert table.long_forms("XYZ") == [] and table.long_forms("TV") == []  # two letters are too short to guess
    assert AcronymTable.from_dict(table.to_dict()) == table


def test_an_acronym_spelling_a_run_inside_a_capitalised_name_is_spelled_out_there():
    table = AcronymTable.mine(["A Joint Project between the Cambodia Development Resource Institute and OECD.",
                               "The National Action Plan for Disaster Risk Reduction (2014-2018)."])
    assert table.spelled_by_a_run("CDRI") and table.spelled_by_a_run("DRR") and table.spelled_by_a_run("NAP")
    assert table.long_forms("CDRI") == []  # a run is enough to know the name, not to pick a long form
    assert not table.spelled_by_a_run("CDR I".replace(" ", "X")) and not table.spelled_by_a_run("OECDX")
    assert not table.spelled_by_a_run("DR")  # two letters are too short to tell


def test_acronym_in_a_question_finds_the_spelled_out_passage():
    policy = Section(("Policy and legislative framework", "2017 · Technical and Vocational Education and Training"),
                     "2017: Technical and Vocational Education and Training: the policy guides skills development.",
                     "timeline")
    search = searcher(profile(policy, *FILLER))
    result = search.search("What is the purpose of the TVET policy?", k=3)
    assert result.hits[0].chunk.kind == "timeline"
    assert "TVET → Technical and Vocational Education and Training" in result.expansions
    off = Searcher(search.index, search.encode_query, SearchSettings(expand_acronyms=False))
    assert not off.search("What is the purpose of the TVET policy?", k=3).expansions


def test_a_follow_up_borrowing_an_acronym_is_searched_with_its_long_form():
    """"when was it set up?" after "What is the UR?" is searched as "… UR": the borrowed acronym
    is expanded as it was in the first question, so the entry that spells it out comes first
    rather than the one sharing "set up"."""
    entry = Section(("Annex: list of actors", "Union of Recruiters (2008)"),
                    "Union of Recruiters (2008). The Union of Recruiters (UR) promotes the employment of workers.",
                    "actor")
    other = Section(("Annex: list of actors", "Friends of Culture (1980)"),
                    "Friends of Culture (1980). Set up to promote culture, it also runs a dance school.", "actor")
    search = searcher(profile(entry, other, *FILLER))
    result = search.search("when was it set up?", k=2, history=["What is the UR?"])
    assert "UR → Union of Recruiters" in result.expansions
    assert result.hits[0].chunk.heading_path[-1] == "Union of Recruiters (2008)"


def test_passage_using_only_the_acronym_is_glossed_from_the_profile_definition():
    actor = Section(("Annex: list of actors", "Ministry of Labour and Vocational Training (MOLVT)"),
                    "Ministry of Labour and Vocational Training (MOLVT). The primary body for labour migration.", "actor")
    obstacle = Section(("Obstacles", "Lack of resources"), "Lack of resources: the MOLVT lacks staff.", "obstacle")
    chunks = chunk_profile(profile(actor, obstacle), count_tokens=words, max_tokens=128)
    glossed = next(c for c in chunks if c.kind == "obstacle")
    assert "MOLVT = Ministry of Labour and Vocational Training" in glossed.embed_text
    assert glossed.text == "Lack of resources: the MOLVT lacks staff."


def test_a_country_named_in_another_language_is_searched_by_its_english_name():
    rights = Section(("Political rights", "Voting from abroad"), "Kenyans abroad can vote in Kenya.", "rights")
    search = searcher(profile(rights, *FILLER))
    assert "Kenia → Kenya" in search.search("¿Pueden votar desde el extranjero los ciudadanos de Kenia?", k=2).expansions
    assert "kenia → Kenya" in search.search("pueden votar los ciudadanos de kenia", k=2).expansions
    assert not [e for e in search.search("Can Kenyans abroad vote in Kenya?", k=2).expansions if "→ Kenya" in e]


# -- typos --------------------------------------------------------------------------------------


def test_unknown_words_are_corrected_to_close_indexed_words():
    speller = Speller.from_texts(["Remittances from migrants abroad", "remittances grew"])
    assert speller.correct("remitances") == "remittances"
    assert speller.correct("migrnats") == "migrants"
    assert speller.correct("abroad") is None  # known words are left alone
    assert speller.correct("zzzzzzzz") is None and speller.correct("mgr") is None  # too far, too short
    assert Speller.from_dict(speller.to_dict()) == speller


def test_a_misspelt_question_finds_the_passage_and_keeps_its_own_words():
    remittances = Section(("Facts & figures", "Remittances"), "Remittances as a share of GDP: 3.1%", "figures")
    search = searcher(profile(remittances, *FILLER))
    result = search.search("remitances share of gdp", k=2)
    assert result.hits[0].chunk.kind == "figures"
    assert "remitances → remittances" in result.expansions
    # a country is never "corrected": no profile naming it is a fact about coverage
    assert not [e for e in search.search("Kenyans in Germny and Germany", k=2).expansions if "german" in e.lower()]


# -- cues ---------------------------------------------------------------------------------------


def test_cue_words_name_polarity_and_section_kinds():
    weak = detect_intent("What is Kenya weak at?")
    assert weak.polarity == "further-development" and "weaknesses" in weak.cues
    assert "obstacle" in detect_intent("What barriers hinder diaspora engagement?").kinds
    assert "practice" in detect_intent("Give examples of good practices").kinds
    assert "actor" in detect_intent("Which ministry handles complaints?").kinds
    assert detect_intent("Is it good or weak?").polarity is None
    assert detect_intent("What is meant by the partnerships domain?").kinds == ("definition",)
    assert detect_intent("scope of the well-being domain").cues == ("definitions",)


def test_a_question_whose_words_name_no_cue_takes_the_cue_of_its_meaning():
    unnamed = detect_intent("Where could Kenya do better?")
    assert unnamed.cues == ()
    weak = with_meaning(unnamed, "weaknesses", CUE_MARGIN)
    assert weak.cues == ("weaknesses",) and weak.polarity == "further-development"
    assert with_meaning(unnamed, "figure", 0.5).kinds == ("table", "table-row", "figures")
    assert with_meaning(unnamed, "weaknesses", CUE_MARGIN / 2) == unnamed  # read without its margin
    assert with_meaning(unnamed, "body", 0.9) == unnamed  # one body asks for no kind of section
    assert with_meaning(unnamed, "definition", 0.5).kinds == ("definition",)
    named = detect_intent("What barriers hinder Kenyans abroad?")
    assert with_meaning(named, "weaknesses", 0.9) == named  # the words' own cue stands


def test_the_search_reads_a_question_by_meaning_once_for_its_cues():
    search = searcher(profile(*FILLER))
    read = []
    search.__dict__["intents"] = SimpleNamespace(
        read=lambda text: read.append(text) or IntentGuess("weaknesses", 0.9, 0.5))
    asked = search.read("Where could Kenya do better?")
    assert asked.cues.cues == ("weaknesses",) and asked.intent.intent == "weaknesses" and len(read) == 1
    # a follow-up's cues are its own words': read with the words it leans on, it reads as their list
    leaning = search.read("and which one has 20 members?", history=["list the Kenyan associations in France"])
    assert leaning.contextualised and leaning.cues.cues == ()
    off = Searcher(search.index, search.encode_query, SearchSettings(cues_by_meaning=False))
    assert off.read("Where could Kenya do better?").intent is None
    assert off.read("Where could Kenya do better?").cues.cues == ()


MGI = [
    Section(("Introduction",), "This profile describes migration governance in Kenya, its areas and domains.", "paragraph"),
    Section(("Partnerships", "Domain definition (national)"),
            "This domain assesses migration governance partnerships of countries.", "definition"),
    Section(("Partnerships", "Well-developed areas"), "Kenya signed labour agreements with Gulf states.",
            "finding", polarity="well-developed"),
    Section(("Partnerships", "Areas with potential for further development"),
            "Kenya engages civil society only on an ad hoc basis.", "finding", polarity="further-development"),
    Section(("Migrants' rights", "Areas with potential for further development"),
            "Kenyans overseas cannot vote from abroad.", "finding", polarity="further-development"),
]


def test_weak_at_question_ranks_findings_of_that_polarity_over_introductions():
    search = searcher(profile(*MGI, family=FAMILY_MGI))
    hits = search.search("What is Kenya weak at in migration governance?", k=2).hits
    assert [h.chunk.polarity for h in hits] == ["further-development"] * 2
    result = search.search("What is Kenya weak at in migration governance?", k=2)
    assert result.intent and result.intent["polarity"] == "further-development"
    off = Searcher(search.index, search.encode_query, SearchSettings(polarity_boost=0.0, cue_weights={}))
    assert off.search("What is Kenya weak at in migration governance?", k=1).hits[0].chunk.polarity is None


def test_obstacle_cue_prefers_the_obstacles_section():
    question = "What barriers do Kenyans in France face?"

    def obstacle_rank(settings: SearchSettings) -> int:
        hits = searcher(profile(TABLE, *FILLER), settings=settings).search(question, k=10).hits
        return next(h.rank for h in hits if h.chunk.kind == "obstacle")

    assert obstacle_rank(SearchSettings(cue_weights={"obstacles": 2.0})) < obstacle_rank(SearchSettings(cue_weights={}))


def test_hits_report_which_question_terms_they_hold():
    search = searcher(profile(TABLE, *FILLER))
    result = search.search("How many emigrants in France?", k=3)
    row = next(h for h in result.hits if h.chunk.text.startswith("France"))
    assert "franc" in row.matched_terms and 0 < row.coverage <= 1
    assert set(result.query_terms) >= {"franc", "emigr"}


# -- filters ------------------------------------------------------------------------------------


@pytest.fixture
def filtered() -> Searcher:
    return searcher(profile(*MGI, family=FAMILY_MGI, source="mgi.txt"), profile(TABLE, *FILLER))


def test_filter_values_match_exactly_or_by_unambiguous_prefix(filtered):
    def domains(**kw) -> set[str]:
        return {c.domain for c, keep in zip(filtered.index.chunks, filtered.filter_mask(Filters(**kw))) if keep}

    assert domains(domain="obstacles") == {"Obstacles"}
    assert domains(domain="OBST") == {"Obstacles"}
    assert domains(domain="migrants rights") == {"Migrants' rights"}
    assert domains(section="well") == {"Partnerships"}
    assert domains(section="Diaspora organisations in Europe") == {"Annex: list of actors"}
    assert domains(polarity="further") == {"Partnerships", "Migrants' rights"}
    assert domains(family="mgi") == {c.domain for c in filtered.index.chunks if c.family == FAMILY_MGI}


def test_unknown_or_ambiguous_filter_values_are_one_line_errors_listing_candidates(filtered):
    with pytest.raises(FilterError, match=r"unknown domain 'x'; the index holds: Annex.*Obstacles") as error:
        filtered.filter_mask(Filters(domain="x"))  # never a substring of "Annex"
    assert "\n" not in str(error.value)
    with pytest.raises(FilterError, match=r"ambiguous domain 'p': it could be Partnerships, Political rights"):
        searcher(profile(*MGI, family=FAMILY_MGI), profile(Section(("Political rights",), "x", "paragraph"),
                                                            source="b.txt")).filter_mask(Filters(domain="p"))
    with pytest.raises(FilterError, match=r"ambiguous polarity 'w'.*further-development.*well-developed"):
        filtered.filter_mask(Filters(polarity="w"))  # "well-developed" or "weakness"


def test_prefix_naming_a_heading_and_those_under_it_is_not_ambiguous(filtered):
    mask = filtered.filter_mask(Filters(section="Diaspora org"))
    assert mask.sum() == 1 and np.flatnonzero(mask).size == 1


def test_a_french_elided_article_is_not_part_of_the_name_it_precedes():
    # "de l'Ain", "Côte d'Ivoire": the name is the word; an English possessive is unchanged
    assert analyse("l'Ain") == analyse("Ain") == analyse("l’Ain")
    assert analyse("Côte d'Ivoire")[-1] == analyse("Ivoire")[0]
    assert analyse("o'clock") == ["o'clock"] and analyse("Cambodia's") == analyse("Cambodia")



def test_a_question_on_what_a_domain_means_ranks_its_definition_over_its_findings():
    search = searcher(profile(*MGI, family=FAMILY_MGI))
    hits = search.search("What is meant by Kenya's partnerships?", k=3).hits
    assert hits[0].chunk.kind == "definition"
    # without the cue the findings, which name Kenya, come first
    plain = Searcher(search.index, search.encode_query, SearchSettings(cue_weights={}))
    assert plain.search("What is meant by Kenya's partnerships?", k=3).hits[0].chunk.kind != "definition"


def test_a_national_profile_gives_its_own_definition_and_a_question_about_cities_the_city_level_one():
    national = Section(("Partnerships", "Domain definition (national)"),
                       "This domain focuses on countries' efforts to cooperate on migration.", "definition",
                       attributes={"scope": "national"})
    city = Section(("Partnerships", "Domain definition (city level)"),
                   "Indicators in this category look at partnerships.", "definition",
                   attributes={"scope": "city level"})
    search = searcher(profile(national, city, *MGI[2:], family=FAMILY_MGI))
    # the city-level paragraph is the shorter, with the question's words: without the level it led
    assert search.search("What does the partnerships domain mean?", k=2).hits[0].chunk.attributes["scope"] == "national"
    assert search.search("define the partnerships domain", k=2).hits[0].chunk.attributes["scope"] == "national"
    asked = search.search("What do the city indicators look at for partnerships?", k=2)
    assert asked.hits[0].chunk.attributes["scope"] == "city level"
    assert detect_intent("how are cities assessed?").local and not detect_intent("how are countries assessed?").local


def test_a_subject_asked_after_a_conversation_on_a_country_is_that_countrys_if_it_has_it():
    import dataclasses

    policy = "The Village Safety Policy asks local authorities to prevent trafficking."
    kenya = profile(Section(("Trends",), policy), *FILLER)
    uganda = dataclasses.replace(kenya, source="uganda.txt", country="Uganda", country_code="UGA",
                                 title="Profile: Uganda", content_hash="uganda.txt")
    collective = Section(("Annex", "Victims' Collective"), "The Victims' Collective keeps the memory of the regime alive.")
    uganda.sections = [*uganda.sections, collective]
    search = searcher(kenya, uganda)
    asked = "What does the Village Safety Policy ask local authorities to do?"
    # both profiles have it: the conversation's country, asked about second, is the one searched
    for country in ("Kenya", "Uganda"):
        found = search.search(asked, k=3, history=[f"How many people from {country} live abroad?"])
        assert {h.chunk.country for h in found.hits} == {country}
    # only the other country's profile has it: found there
    found = search.search("What is the Victims' Collective?", k=3, history=["How many Kenyans live abroad?"])
    assert found.hits[0].chunk.country == "Uganda"


def test_a_whole_table_reads_as_one_line_of_its_rows_as_each_row_reads():
    """Rows rendered as :func:`render_row` renders each (headers after their values), a header
    row repeated among the rows left out, the caption first."""
    from mgiassist.chunk import render_table, table_rows

    table = {"rows": [["Country", "emigrants"], ["France", "12,345"], ["Chile", "678"]], "headers": ["Country", "emigrants"]}
    assert table_rows(table) == [["France", "12,345"], ["Chile", "678"]]
    assert render_table(table, "Top") == "Top — France: 12,345 emigrants; Chile: 678 emigrants"
    assert render_table({"rows": [["Norway", "1"]]}, "") == "Norway: 1"
    assert table_rows({"rows": "not a list"}) == []


def test_a_family_named_as_where_to_look_narrows_the_search_and_is_not_its_topic():
    mgi = profile(
        Section(("Introduction",), "The Migration Governance Indicators (MGI) help countries review their migration "
                "governance. According to the MGI, the MGI profile summarises what was signed and agreed.", "paragraph"),
        Section(("Partnerships", "Well-developed areas"),
                "In 2003, Kenya signed an agreement with Uganda on the employment of workers.", "finding"),
        family=FAMILY_MGI, source="kenya-mgi.txt")
    mapping = profile(
        Section(("Policy and legislative framework", "2003 · Agreement with Uganda"),
                "2003: agreement between Kenya and Uganda on the employment of workers signed.", "timeline"),
        *FILLER)
    search = searcher(mgi, mapping)
    asked = search.read("When was the agreement with Uganda signed, according to the MGI?")
    assert asked.families == (FAMILY_MGI,)
    assert not asked.expansion.acronyms  # "MGI" is not searched as "Migration Governance Indicators"
    result = search.search(asked, k=3)
    assert {h.chunk.family for h in result.hits} == {FAMILY_MGI}
    assert result.hits[0].chunk.heading_path[0] == "Partnerships"
    assert any("narrowed to the MGI profiles" in note for note in result.notes)
    # a follow-up does not inherit the family its conversation named
    assert search.read("And who signed it?", ["When was the agreement with Uganda signed, according to the MGI?"]).families == ()
    # an explicit family filter wins over the family the question names
    filtered = search.search("When was the agreement with Uganda signed, according to the MGI?", k=3,
                             filters=Filters(family=FAMILY_MAPPING))
    assert filtered.hits[0].chunk.kind == "timeline"
