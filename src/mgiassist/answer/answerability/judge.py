"""The answerability decision for one index: features of a search result, then the model."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mgiassist.answer.answerability.features import (
    CorpusVocabulary,
    QuestionAnalysis,
    analyse_question,
    answer_features,
)
from mgiassist.answer.answerability.model import AnswerabilityModel
from mgiassist.schema import SearchResult
from mgiassist.text.countries import CountryMatcher, all_countries
from mgiassist.text.sentences import Encoder
from mgiassist.text.symbols import spell_symbols

if TYPE_CHECKING:  # the index imports the answer step; at run time the judge only reads it
    from mgiassist.index import LoadedIndex

__all__ = ["Decision", "Judge"]


@dataclass
class Decision:
    answers: bool
    probability: float
    features: dict[str, float]
    missing_countries: list[str]  # countries the question names that no top passage mentions


class Judge:
    """Decides whether a search result answers its question, for one loaded index."""

    def __init__(
        self,
        index: LoadedIndex,
        model: AnswerabilityModel,
        encode: Encoder | None = None,
        world: CountryMatcher | None = None,
    ) -> None:
        self.index = index
        self.encode = encode
        self.model = model
        # every country's names: the searcher's matcher when given (built once per assistant)
        self.world = world or CountryMatcher(list(all_countries()))
        self.profile_countries = sorted({c.country for c in index.chunks if c.country})

    @functools.cached_property
    def vocabulary(self) -> CorpusVocabulary:
        # Built on the first question, not at load time: a page starts without this cost.
        # symbols read as words, as the search reads them ("%" is "percent"); a passage's title and
        # headings are its words too ("mapping", "obstacles" are said there, not in the text), and
        # so is its date, on every citation ("2021" in "February 2021" is a year the profiles give)
        return CorpusVocabulary(
            spell_symbols("\n".join((c.title, *c.heading_path, c.text, c.date or ""))) for c in self.index.chunks
        )

    def features(self, result: SearchResult, analysis: QuestionAnalysis | None = None) -> dict[str, float]:
        return answer_features(
            result, self.world, self.vocabulary, self.profile_countries, self.encode, analysis
        )

    def decide(self, result: SearchResult, analysis: QuestionAnalysis | None = None) -> Decision:
        """Whether the passages answer the question; ``analysis`` is the question's, when the
        turn has read it already (:mod:`mgiassist.answer.reading`)."""
        analysis = analysis or analyse_question(result.search_query, self.world, self.profile_countries)
        values = self.features(result, analysis)
        probability = self.model.probability(values)
        top = "\n".join(h.chunk.text for h in result.hits[:3])
        shown = set(self.world.find(top))
        missing = [c for c in analysis.countries if c not in shown]
        return Decision(probability >= self.model.threshold, probability, values, missing)
