"""A question in another language than the profiles' is searched without its own function words."""

from __future__ import annotations

from test_search_structure import profile, searcher

from mgiassist.schema import Section
from mgiassist.search.query import OTHER_SCRIPT, question_language, without_stopwords
from mgiassist.search.searcher import SearchSettings


def test_the_language_is_read_from_function_words_and_english_is_left_alone():
    assert question_language("Les citoyens de l'étranger peuvent-ils voter ?") == "french"
    assert question_language("¿Qué ministerio expide los pasaportes en el país?") == "spanish"
    assert question_language("តើមានជនចំណាកស្រុកប៉ុន្មាននាក់?") == OTHER_SCRIPT
    # English, a French name inside English, a typo query and a keyword query are not foreign
    assert question_language("What does the Association des Médecins do in France?") is None
    assert question_language("employmnet permit sheme south corea") is None
    assert question_language("remittances GDP share") is None
    assert question_language("") is None


def test_only_the_named_languages_function_words_are_removed():
    assert without_stopwords("Les citoyens de l'étranger en 2011", "french") == "citoyens étranger 2011"
    assert without_stopwords("the voter", "french") == "the voter"  # English words are not French ones


VOTE = Section(("Political rights", "Voting from abroad"), "Overseas voter registration is not possible.", "right")
FRENCH_NAME = Section(
    ("Annex: list of actors", "Association des Amis de la Culture"),
    "Association des Amis de la Culture (France). Les membres de l'association organisent des fêtes.",
    "actor",
)
FILLER = Section(("Trends",), "Emigration grew after 1975 and many families settled abroad.", "paragraph")


def test_a_foreign_question_meets_the_passage_by_its_content_words_not_its_articles():
    question = "Les citoyens de l'étranger peuvent-ils voter ?"
    on = searcher(profile(VOTE, FRENCH_NAME, FILLER), settings=SearchSettings(fusion="bm25"))
    result = on.search(question, k=2)
    assert result.hits[0].chunk.kind == "right"
    assert any("reads as french" in note for note in result.notes)
    off = searcher(profile(VOTE, FRENCH_NAME, FILLER), settings=SearchSettings(fusion="bm25", foreign_stopwords=False))
    assert off.search(question, k=2).hits[0].chunk.kind == "actor"  # "les", "de" matched the French name
    assert not any("reads as" in note for note in on.search("Can citizens abroad vote?", k=2).notes)


def test_the_search_result_names_the_language_and_the_uncovered_countries_as_fields():
    """The answer step reads typed fields; the notes say the same in words and nothing parses them."""
    from mgiassist.search.query import language_note

    search = searcher(profile(VOTE, FRENCH_NAME, FILLER), settings=SearchSettings(fusion="bm25"))
    french = search.search("Les citoyens de l'étranger peuvent-ils voter ?", k=2)
    assert french.language == "french" and language_note("french") in french.notes
    assert "reads as other script" in language_note(OTHER_SCRIPT)
    peru = search.search("Can citizens of Peru vote from abroad?", k=2)
    assert peru.uncovered_countries == ("Peru",) and peru.language is None
    assert search.search("Can citizens abroad vote?", k=2).uncovered_countries == ()
