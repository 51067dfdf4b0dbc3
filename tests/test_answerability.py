"""The answerability features and model: tiny inline results, no embedding model."""

from __future__ import annotations

import json

import numpy as np
import pytest

from mgiassist.answer.answerability import (
    CorpusVocabulary,
    analyse_question,
    answer_features,
    holds_answer_type,
)
from mgiassist.answer.answerability.features import specificity
from mgiassist.answer.answerability.model import (
    INDEX_MODEL_FILE,
    AnswerabilityModel,
    fit_logistic,
    load_model,
)
from mgiassist.errors import InputFileError
from mgiassist.evaluate.judge_fit import choose_threshold, cross_validated_probabilities
from mgiassist.schema import Chunk, Citation, Hit, SearchResult
from mgiassist.text.countries import CountryMatcher, all_countries
from mgiassist.text.symbols import spell_symbols

WORLD = CountryMatcher(list(all_countries()))
TEXTS = [
    "Top countries of destination\nThailand\t689,451\nFrance\t69,748",
    "The Ministry of Interior provides passports to Cambodians.",
    "Cambodians overseas cannot vote from abroad.",
]


def _result(question: str, *texts: str, dense: float = 0.6) -> SearchResult:
    hits = []
    for rank, text in enumerate(texts, start=1):
        chunk = Chunk(f"c{rank}", "m.txt", "diaspora-mapping", "Cambodia", "KHM", "T", None,
                      ("Facts & figures",), "paragraph", None, text, text)
        hits.append(Hit(rank, 1.0 / rank, chunk, Citation.from_chunk(chunk),
                        dense_score=dense - 0.1 * rank, lexical_score=2.0))
    return SearchResult(question, question, False, hits)


def test_question_analysis_finds_foreign_countries_names_years_and_answer_type() -> None:
    analysis = analyse_question("How many Cambodians lived in Germany in 2010 per the ILO?", WORLD,
                                ["Cambodia"])
    assert analysis.countries == ["Germany"]
    assert "2010" in analysis.named and "ILO" in analysis.named
    assert analysis.answer_type == "number"
    assert analyse_question("When was it founded?", WORLD).answer_type == "date"
    # the years a plan runs are dates too, asked in the plural (three blind sets asked so)
    assert analyse_question("Which years does the five-year plan cover?", WORLD).answer_type == "date"
    assert analyse_question("What dates does the festival run?", WORLD).answer_type == "date"
    assert analyse_question("Which ministry issues passports?", WORLD).answer_type == "organisation"
    # someone by name: after a possessor of several words, or opening a follow-up with "and"
    assert analyse_question("Who is Cabo Verde's minister for the diaspora?", WORLD).answer_type == "person"
    assert analyse_question("and who is the minister in charge of it?", WORLD).answer_type == "person"
    assert analyse_question("Can Cambodians vote from abroad?", WORLD).answer_type is None


def test_holds_answer_type_does_not_take_a_year_for_a_count() -> None:
    assert holds_answer_type("France 69,748", "number", WORLD)
    assert not holds_answer_type("The plan was adopted in 2019.", "number", WORLD)
    # a duration answers "how long", not "how many people"
    festival = "It revives the arts almost 40 years after the fall of the regime."
    assert not holds_answer_type(festival, "number", WORLD, "How many people attended the festival?")
    assert holds_answer_type(festival, "number", WORLD, "How many years after the fall was it?")
    assert holds_answer_type("A permit takes 30 days.", "number", WORLD, "How long does a permit take?")
    # a share says what part of a whole, not how many
    split = "% of which in the EU ♂ 46.5% ♀ 53.5%"
    assert not holds_answer_type(split, "number", WORLD, "How many Cambodian emigrants live in the EU?")
    assert holds_answer_type(split, "number", WORLD, "What percentage of emigrants are women?")
    # a span of years says how long a project ran, not how many hours a training lasts
    project = "Joint project between the institute and OECD (2013–2017)."
    assert holds_answer_type(project, "number", WORLD, "How long did the OECD project run?")
    assert not holds_answer_type(project, "number", WORLD, "How many hours does the training last?")
    assert holds_answer_type("About 40 people attended.", "number", WORLD, "How many people attended?")
    assert not holds_answer_type(festival, "number", WORLD, "How much do emigrants send home each year?")
    assert holds_answer_type("The plan was adopted in 2019.", "date", WORLD)
    assert holds_answer_type("The Ministry of Interior issues them.", "organisation", WORLD)


@pytest.mark.parametrize(("question", "kind"), [
    # a quantity asked for by its name, not only by "how many"
    ("What is the fee for a work permit for foreigners?", "number"),
    ("What is Cambodia's net migration rate?", "number"),
    ("What is today's riel to dollar exchange rate?", "number"),
    ("How much does a passport cost?", "number"),
    ("How old must a worker be to go abroad?", "number"),
    ("How long ago was it founded?", "date"),
    # "how much" and "when" inside a question are clauses, not what is asked
    ("Does the country measure how much the labour market needs immigrant workers?", None),
    ("Is birthplace recorded when the population is counted?", None),
    ("When a crisis unfolds, do information systems consider migrants?", None),
    ("When and why was the collective set up?", "date"),
    ("inter ministerial taskforce when created", "date"),
    # someone by name, not the body they lead
    ("Who is the director of the General Department of Immigration?", "person"),
    ("Who heads the labour ministry?", "person"),
    ("Who is Cambodia's Minister of Foreign Affairs?", "person"),
    # French and Spanish question words ask for the same kinds
    ("Qui est le ministre de l'Intérieur du Cambodge ?", "person"),
    ("¿Quién es el director del departamento?", "person"),
    ("Combien de Cambodgiens vivent en France ?", "number"),
    ("¿Cuántos camboyanos viven en Tailandia?", "number"),
    ("Quand le fonds a-t-il été créé ?", "date"),
    ("¿Cuándo se creó el comité?", "date"),
    ("Who runs the Migration Governance Indicators?", "organisation"),
    ("Who does the National Social Security Fund cover?", None),
    ("Who are they trying to reach?", None),
    ("What is the capital of Thailand?", "place"),
    ("What is the purpose of the TVET policy?", None),
])
def test_the_kind_of_answer_a_question_asks_for(question: str, kind: str | None) -> None:
    assert analyse_question(question, WORLD).answer_type == kind


def test_what_the_question_names_is_not_its_answer() -> None:
    director = "Who is the director of the General Department of Immigration?"
    assert not holds_answer_type("The General Department of Immigration manages borders.", "person",
                                 WORLD, director)
    assert holds_answer_type("The department is headed by Sok Dara.", "person", WORLD, director)
    assert not holds_answer_type("It is headed by the Ministry of Interior.", "person", WORLD, director)
    which = "In which countries are Cambodian labour attachés posted?"
    home = "The plan created the role of labour attaché in Cambodian embassies."
    assert not holds_answer_type(home, "place", WORLD, which, ["Cambodia"])
    assert holds_answer_type("Attachés serve in Thailand and Malaysia.", "place", WORLD, which, ["Cambodia"])
    assert not holds_answer_type("About 15 workers left.", "number", WORLD, "Did 15 workers leave?")
    assert not holds_answer_type("It was renewed in 2015.", "date", WORLD, "What changed in 2015?")
    assert not holds_answer_type("The Ministry of Interior issues them.", "organisation", WORLD,
                                 "What does the Ministry of Interior issue?")


def test_an_annex_entrys_heading_names_the_body_its_sentences_describe() -> None:
    text = "It coordinates migration issues and advises the government."
    question = "Which body coordinates migration issues?"
    vocabulary = CorpusVocabulary([text])
    plain = _result(question, text)
    headed = _result(question, text)
    headed.hits[0].chunk.heading_path = ("Annex", "Inter-Ministerial Taskforce on Migration")
    assert answer_features(plain, WORLD, vocabulary)["best_sentence_type_missing"] == 1.0
    assert answer_features(headed, WORLD, vocabulary)["best_sentence_type_missing"] == 0.0


def test_features_separate_an_unstated_country_and_unknown_words() -> None:
    vocabulary = CorpusVocabulary(TEXTS)
    assert vocabulary.mentions("passports") and not vocabulary.mentions("bonds")
    assert vocabulary.idf("bond") > vocabulary.idf("cambodian")
    stated = answer_features(_result("How many Cambodians live in France?", TEXTS[0]), WORLD,
                             vocabulary, ["Cambodia"])
    absent = answer_features(_result("How many Cambodians live in Germany?", TEXTS[0]), WORLD,
                             vocabulary, ["Cambodia"])
    assert stated["country_missing_in_top"] == 0.0 and absent["country_missing_in_top"] == 1.0
    bonds = answer_features(_result("Does Cambodia issue diaspora bonds?", TEXTS[2]), WORLD,
                            vocabulary, ["Cambodia"])
    assert bonds["terms_in_corpus"] < 1.0
    assert stated["answer_type_missing"] == 0.0
    assert answer_features(_result("How many people vote from abroad?", TEXTS[2]), WORLD,
                           vocabulary)["answer_type_missing"] == 1.0


def test_fit_logistic_ranks_and_round_trips_as_json(tmp_path) -> None:
    rng = np.random.default_rng(0)
    rows = [{"dense_top": float(v)} for v in rng.normal(0.6, 0.1, 40)] + [
        {"dense_top": float(v)} for v in rng.normal(0.3, 0.1, 20)
    ]
    labels = [True] * 40 + [False] * 20
    model = fit_logistic(rows, labels, features=("dense_top",))
    assert model.probability({"dense_top": 0.8}) > 0.5 > model.probability({"dense_top": 0.1})
    path = model.save(tmp_path / INDEX_MODEL_FILE)
    assert "pickle" not in path.read_text() and json.loads(path.read_text())["features"] == ["dense_top"]
    again = load_model(tmp_path)  # an index folder's own model overrides the shipped one
    assert again.probability({"dense_top": 0.8}) == pytest.approx(model.probability({"dense_top": 0.8}))
    with pytest.raises(ValueError):
        fit_logistic(rows[:5], [True] * 5, features=("dense_top",))


def test_load_model_reports_a_broken_index_model_in_one_line(tmp_path) -> None:
    (tmp_path / INDEX_MODEL_FILE).write_text('{"format": "something-else"}')
    with pytest.raises(InputFileError, match="answerability"):
        load_model(tmp_path)
    shipped = load_model(None)
    assert isinstance(shipped, AnswerabilityModel) and shipped.features


def test_choose_threshold_keeps_false_refusals_within_budget() -> None:
    probabilities = [0.9, 0.8, 0.7, 0.2, 0.6, 0.1, 0.05]
    labels = [True, True, True, True, False, False, False]
    assert choose_threshold(probabilities, labels, 0.0) == 0.2
    assert choose_threshold(probabilities, labels, 0.25) == 0.7
    refused_anyway = [True, False, False, False, False, False, False]
    assert choose_threshold(probabilities, labels, 0.25, refused_anyway) == 0.2


def test_an_answerable_question_without_a_reason_to_refuse_costs_no_budget() -> None:
    # the turn refuses only with a positive reason; below the threshold without one it answers,
    # its doubt said, so such a question does not hold the threshold down
    probabilities = [0.9, 0.8, 0.7, 0.2, 0.6, 0.1, 0.05]
    labels = [True, True, True, True, False, False, False]
    assert choose_threshold(probabilities, labels, 0.0) == 0.2
    reasoned = [True, True, True, False, True, True, True]
    assert choose_threshold(probabilities, labels, 0.0, reasoned=reasoned) == 0.7
    assert choose_threshold(probabilities, labels, 0.25, reasoned=reasoned) == 0.8


def test_the_fit_reads_every_set_with_its_look_alike_corpus_and_partial_is_not_answerable(tmp_path) -> None:
    from mgiassist.evaluate.judge_fit import load_questions

    rows = [
        {"id": "a", "question": "Who issues passports?", "evidence": ["Ministry of Interior"]},
        {"id": "b", "question": "Is Germany a top destination?", "answerable": False, "expected_state": "partial"},
        {"id": "c", "question": "What is the budget?", "answerable": False, "split": "test"},
    ]
    (tmp_path / "set.jsonl").write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    (tmp_path / "set.corpus.json").write_text(json.dumps({"seed_corpus": "corpus", "lookalikes": 2, "seed": 1}),
                                              encoding="utf-8")
    (tmp_path / "plain.jsonl").write_text(json.dumps(rows[0]), encoding="utf-8")
    questions = load_questions([tmp_path / "set.jsonl", tmp_path / "plain.jsonl"])
    assert [(q.answerable, q.split) for q in questions] == [(True, "dev"), (False, "dev"), (False, "test"), (True, "dev")]
    assert questions[0].lookalike is not None and questions[0].lookalike.lookalikes == 2
    assert questions[3].lookalike is None


def test_unknown_words_are_asked_things_not_typos_acronyms_or_foreign_words() -> None:
    texts = [*TEXTS, "The Technical and Vocational Education and Training policy builds skills."]
    vocabulary = CorpusVocabulary(texts)
    assert vocabulary.knows("pasports")  # a misspelling of a word the texts use
    assert vocabulary.knows("TVET")  # the initials of a phrase the texts use
    assert vocabulary.unknown(["budget", "Frankfurt", "2010", "salaire", "passports"]) == [
        "budget", "Frankfurt", "2010"
    ]


def test_the_sentence_closest_in_meaning_is_looked_for_in_every_top_passage() -> None:
    # an encoder that makes "money sent home" closest to the remittances line
    def encode(texts):
        return np.array([[1.0, 0.0] if ("sent home" in t or "Remittances" in t) else [0.0, 1.0] for t in texts],
                        dtype=np.float32)

    question = "How big a part of the economy is money sent home?"
    found = _result(question, "The association was founded by recruiters.", "Remittances as a share of GDP: 4.9%")
    features = answer_features(found, WORLD, CorpusVocabulary(TEXTS), ["Cambodia"], encode)
    assert features["nearest_sentence_type_missing"] == 1.0  # not in the first passage
    assert features["nearest_anywhere_type_missing"] == 0.0  # but in the second


def test_features_see_an_unknown_asked_thing_a_missing_year_and_the_asked_kind() -> None:
    vocabulary = CorpusVocabulary(TEXTS)
    stated = answer_features(_result("How many Cambodians are in France?", TEXTS[0]), WORLD,
                             vocabulary, ["Cambodia"])
    budget = answer_features(_result("What is the budget of the Ministry of Interior?", TEXTS[1]),
                             WORLD, vocabulary, ["Cambodia"])
    assert stated["unknown_share"] == 0.0 and budget["unknown_share"] > 0.0
    # "many" frames the question; it is not a thing the profiles fail to mention
    assert answer_features(_result("How many passports?", TEXTS[1]), WORLD,
                           vocabulary)["unknown_share"] == 0.0
    year = answer_features(_result("How many Cambodians were in France in 2010?", TEXTS[0]), WORLD,
                           vocabulary, ["Cambodia"])
    assert year["year_missing_in_corpus"] == 1.0 and stated["year_missing_in_corpus"] == 0.0
    # the sentence closest to the question holds no number although another passage does
    count = answer_features(_result("How many Cambodians vote from abroad?", TEXTS[2], TEXTS[0]),
                            WORLD, vocabulary, ["Cambodia"])
    assert count["best_sentence_type_missing"] == 1.0 and count["answer_type_missing"] == 0.0
    assert stated["best_sentence_type_missing"] == 0.0


def test_answerable_weight_moves_the_fit_not_the_probability_scale() -> None:
    rng = np.random.default_rng(1)
    rows = [{"x": float(v)} for v in rng.normal(1.0, 1.0, 60)] + [
        {"x": float(v)} for v in rng.normal(-1.0, 1.0, 30)
    ]
    labels = [True] * 60 + [False] * 30
    plain = fit_logistic(rows, labels, features=("x",))
    weighted = fit_logistic(rows, labels, features=("x",), answerable_weight=3.0)
    # the intercept is taken back by log(weight): the midpoint stays near the balanced one
    assert abs(weighted.probability({"x": 0.0}) - plain.probability({"x": 0.0})) < 0.1
    assert weighted.coef[0] != pytest.approx(plain.coef[0])


def test_a_misspelt_term_and_a_table_rows_heading_count_as_coverage() -> None:
    row = "Thailand\t689,451"
    vocabulary = CorpusVocabulary([*TEXTS, row])
    result = _result("passports ministry", TEXTS[1])
    misspelt = _result("pasports ministry", TEXTS[1])
    features = answer_features(result, WORLD, vocabulary)
    assert answer_features(misspelt, WORLD, vocabulary)["terms_in_first"] == features["terms_in_first"] == 1.0
    plain = _result("destination", row)
    headed = _result("destination", row)
    headed.hits[0].chunk.heading_path = ("Facts & figures", "Top countries of destination")
    assert answer_features(plain, WORLD, vocabulary)["terms_in_first"] == 0.0
    assert answer_features(headed, WORLD, vocabulary)["terms_in_first"] == 1.0


def test_cross_validated_probabilities_repeat_exactly_for_a_seed() -> None:
    rng = np.random.default_rng(2)
    rows = [{"x": float(v)} for v in rng.normal(0.0, 1.0, 30)]
    labels = [r["x"] + float(rng.normal(0.0, 1.0)) > 0 for r in rows]
    first = cross_validated_probabilities(rows, labels, l2=1.0, seed=3, answerable_weight=3.0)
    again = cross_validated_probabilities(rows, labels, l2=1.0, seed=3, answerable_weight=3.0)
    other = cross_validated_probabilities(rows, labels, l2=1.0, seed=4, answerable_weight=3.0)
    assert first == again and first != other


def test_the_profiles_own_country_does_not_single_out_the_closest_sentence() -> None:
    # "Cambodian doctors in France" names Cambodia and France; the table row only France. The
    # question's own country is named everywhere, so the row is as close, and it holds the count.
    row = "France\t69,748"
    association = "The association was created by Cambodian doctors in France."
    vocabulary = CorpusVocabulary([row, association])
    result = _result("How many Cambodians live in France?", row, association)
    result.hits[0].chunk.heading_path = ("Facts & figures", "Top countries of destination")
    features = answer_features(result, WORLD, vocabulary, ["Cambodia"])
    assert features["best_sentence_type_missing"] == 0.0
    alone = _result("How many Cambodians live in France?", association)
    assert answer_features(alone, WORLD, vocabulary, ["Cambodia"])["best_sentence_type_missing"] == 1.0


def test_the_commonest_english_words_weigh_little_as_evidence() -> None:
    assert specificity("get") < 0.5 and specificity("take") < 0.5
    assert specificity("budget") == specificity("passport") == 1.0
    texts = ["Passports are issued within 20 days.", "Officials take a long view of the needs of migrants."]
    vocabulary = CorpusVocabulary(texts)
    # "take" and "long" are as rare in these texts as "passports", but not what the question is about:
    # the sentence that covers "passport" is the closest, and it holds the figure asked for
    features = answer_features(_result("How long does it take to obtain a passport?", *texts), WORLD,
                               vocabulary)
    assert features["best_sentence_type_missing"] == 0.0
    # a common word the texts never use is a small sign; a topical one a large one
    common = answer_features(_result("Can I get a passport?", texts[0]), WORLD, vocabulary)
    topical = answer_features(_result("Can I renew a passport?", texts[0]), WORLD, vocabulary)
    assert 0.0 < common["unknown_share"] < topical["unknown_share"]


def test_a_derived_form_of_a_corpus_word_is_not_a_thing_the_profiles_never_mention() -> None:
    vocabulary = CorpusVocabulary(["The percent of nationals abroad."])
    assert vocabulary.knows("percentage") and vocabulary.knows("nationality")
    assert not vocabulary.knows("bonds") and not vocabulary.knows("pension")
    # the base must be long: "bud" does not make "budget" known
    assert not CorpusVocabulary(["A bud."]).knows("budget")


def test_a_closed_compound_of_two_corpus_words_is_not_a_thing_the_profiles_never_mention() -> None:
    vocabulary = CorpusVocabulary(["The census records the place of birth and the work of the labour force."])
    assert vocabulary.knows("birthplace") and vocabulary.knows("workforce")
    # both parts must be used, and be words of four letters or more
    assert not vocabulary.knows("birthrate") and not vocabulary.knows("taxpayer")
    assert not CorpusVocabulary(["A tax on rice."]).knows("taxi")


def test_a_short_form_in_capitals_of_a_corpus_word_is_not_a_thing_the_profiles_never_mention() -> None:
    vocabulary = CorpusVocabulary(["Members may obtain national identification cards in the European Union."])
    assert vocabulary.knows("ID") and vocabulary.knows("IDs") and vocabulary.knows("EU")
    # a lower-case word is no short form ("cap" opens "capacity"), and the longer word must be
    # at least twice as long
    capacity = CorpusVocabulary(["The capacity of the agencies is low."])
    assert not capacity.knows("cap") and not capacity.knows("age") and capacity.knows("CAP")
    assert not CorpusVocabulary(["An ideal plan."]).knows("IDEA")


def test_the_judge_reads_symbols_as_the_search_does() -> None:
    block = "% of emigrants in total population\n♂ 53.6%\n♀ 46.4%"
    vocabulary = CorpusVocabulary([spell_symbols(block)])
    assert vocabulary.knows("women") and vocabulary.knows("percent")
    features = answer_features(_result("What percent of emigrants are women?", block), WORLD, vocabulary)
    assert features["unknown_share"] == 0.0 and features["terms_in_first"] == 1.0


def test_a_question_is_analysed_once_and_the_shared_analysis_cannot_be_changed() -> None:
    question = "How many Cambodians live in Germany in 2010?"
    first = analyse_question(question, WORLD, ["Cambodia"])
    assert analyse_question(question, WORLD, ("Cambodia",)) is first
    with pytest.raises(AttributeError):
        first.answer_type = "date"  # type: ignore[misc]


def test_a_bare_figures_noun_does_not_outweigh_the_question_word() -> None:
    assert analyse_question("Which Cambodian body gathers figures on trafficking?", WORLD).answer_type == "organisation"
    assert analyse_question("Which country hosts most emigrants, and how many?", WORLD).answer_type == "number"
    assert analyse_question("remittances percentage of GDP", WORLD).answer_type == "number"


def test_a_greek_plural_is_the_same_word() -> None:
    from mgiassist.answer.answerability.features import CorpusVocabulary

    vocabulary = CorpusVocabulary(["Mobility dimensions of crises.", "Analyses of data."])
    assert vocabulary.knows("crisis") and vocabulary.knows("analysis")
    assert not vocabulary.knows("thesis")


@pytest.mark.parametrize("question, asked", [
    ("What is the annual budget of the ministry?", ("annual budget", "budget")),
    ("What's Cambodia's unemployment rate?", ("unemployment rate", "rate")),
    ("what's the minimum wage for workers in Thailand", ("minimum wage", "wage")),
    ("whats the gdp growth rate of cambodia", ("gdp growth rate", "rate")),  # as people type it
    ("What about the amount in dollars?", None),  # no figure named as the thing asked
    ("What budget does the ministry allocate to migration?", ("budget", "budget")),  # "what" + the figure
    ("Which monthly wage do workers earn in Korea?", ("monthly wage", "wage")),
    ("What proportion of emigrants are men?", None),  # a figure of no particular kind
    ("What is the share of women among emigrants?", None),
    ("What is the average amount a migrant sends home?", ("average amount", "average")),  # its kind
    ("What does the ministry do?", None),
    ("How big are remittances relative to the size of the economy?", None),
    ("Who issues passports?", None),
    # penalties, quotas, scores and caps are figures too (nine unanswerable dev questions asked so)
    ("What is the fine for overstaying a visa?", ("fine", "fine")),
    ("What overall MGI score did Cambodia get?", ("overall MGI score", "score")),
    ("What is the annual quota of workers under the scheme?", ("annual quota", "quota")),
    ("what cap on recruitment fees did the guideline set?", ("cap", "cap")),
])
def test_the_figure_a_question_asks_for_by_name(question, asked) -> None:
    from mgiassist.answer.answerability.features import asked_quantity

    assert asked_quantity(question) == asked

