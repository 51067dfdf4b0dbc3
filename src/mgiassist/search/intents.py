"""What a question asks for, read by meaning: a linear reader fitted on labelled wordings.

A regular expression per wording finds "What is Cambodia weak at?" and misses "Where is Cambodia
falling short?". Here every intent the answer step acts on has a few dozen labelled wordings
(``intent_prototypes.json``, written by someone who had not read the code). A question is read
from its sentence vector plus the answer-kind words it holds (the search's cue words, scaled
down): a ridge regression, one output per intent, fitted on the wordings when first needed (a
few milliseconds). The best intent must beat the runner-up by ``margin``, else the question asks
for nothing in particular (``None``); "other" (a specific question) is an intent of its own.

Chosen by 5-fold cross-validation on the wordings (docs/answers.md): nearest wordings (k = 1, 3, 5)
read 0.51-0.58 of them right, the nearest centroid 0.65, the ridge 0.80 and the ridge with the
cue words 0.84; at ``margin`` 0.1, 91 % of the lists it reads are right and it finds 82 % of them
(a list needs ``LIST_MARGIN``).

>>> reader = IntentReader(load_prototypes(), assistant.encoder.encode)
>>> reader.read("Where is Cambodia falling short on migration governance?").intent
'weaknesses'
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources

import numpy as np

from mgiassist.search.cues import CUES
from mgiassist.text.spelling import is_english_word, singular

__all__ = [
    "BOTH_FINDINGS",
    "FINDINGS",
    "INTENTS",
    "LIST_INTENTS",
    "LIST_MARGIN",
    "IntentGuess",
    "IntentModel",
    "IntentReader",
    "asks_for_one",
    "asks_for_several",
    "by_number",
    "by_polarity",
    "cue_features",
    "fit_intents",
    "load_prototypes",
    "plural_after_modifier",
    "prototypes_digest",
    "shipped_model",
    "write_shipped_model",
]

# The profile's own lists, and the single things a question may ask for. "other" is labelled
# too: a specific question must be near some wording for a list to be read into it. "definition"
# (what a domain or a term means) was read as a domain's strengths before it had wordings of its
# own (eval/intents/definitions.*: 6 of 30 held-out wordings read as findings, now none).
LIST_INTENTS = ("strengths", "weaknesses", "obstacles", "practices", "actors", "timeline")
INTENTS = (*LIST_INTENTS, "figure", "right", "body", "date", "comparison", "definition", "other")
# The MGI profile's two lists of findings, read together (BOTH_FINDINGS) when a question asks for
# them but not clearly for one side (:func:`by_polarity`); no wording is labelled so.
FINDINGS = ("strengths", "weaknesses")
BOTH_FINDINGS = "findings"
RIDGE = 0.3  # the ridge penalty
CUE_SCALE = 0.1  # the weight of one answer-kind word beside a unit sentence vector
MARGIN = 0.1  # over the runner-up, else no intent
# A list read into a specific question replaces its quoted answer by a whole list, a costlier
# mistake than missing one: a list intent must beat the runner-up by more. Dev, 2026-12-04: at
# 0.1 four questions about one association or body got a list, at 0.3 none. Dev, 2026-12-05 (with
# the blind set of 12-04 joined): 0.3 → 0.15 gave 22 of 29 unseen list wordings their list instead
# of 17, and cost two specific questions their quoted answer (a practices list came instead; the
# search's first passage now leads such a list, so its citation is kept). Dev, 2026-12-05 later
# (815 wordings, blind set 3 joined): 0.15 → 0.1 gave one more list on the dev split and one on
# blind sets 1-2, at one lead citation; a list that would drop the search's first passage now
# needs a confident reading (answer/turn.py, CONFIDENT_LIST_MARGIN), which bounds the cost.
LIST_MARGIN = 0.1


@dataclass(frozen=True)
class IntentGuess:
    """The intent read from a question (None: nothing in particular), with its evidence."""

    intent: str | None
    score: float = 0.0
    margin: float = 0.0
    scores: dict[str, float] = field(default_factory=dict)

    @property
    def asks_for_list(self) -> bool:
        return self.intent in LIST_INTENTS or self.intent == BOTH_FINDINGS


def cue_features(text: str) -> np.ndarray:
    """One column per answer-kind cue of the search (``how many``, ``obstacles``, ``who``…)."""
    return np.array([CUE_SCALE if cue.pattern.search(text) else 0.0 for cue in CUES], dtype=np.float32)


@dataclass(frozen=True)
class IntentModel:
    """Ridge weights: rows are the sentence vector, the cue columns and a bias; one column per
    name in ``names``."""

    names: tuple[str, ...]
    weights: np.ndarray

    def read(self, vector: np.ndarray, cues: np.ndarray, *, margin: float = MARGIN) -> IntentGuess:
        row = np.concatenate([np.asarray(vector, np.float32).reshape(-1), cues, [1.0]]).astype(np.float32)
        outputs = row @ self.weights
        order = np.argsort(-outputs, kind="stable")
        best, runner_up = order[0], order[1] if len(order) > 1 else order[0]
        gap = float(outputs[best] - outputs[runner_up]) if len(order) > 1 else float(outputs[best])
        name = self.names[best]
        needed = max(margin, LIST_MARGIN) if name in LIST_INTENTS else margin
        chosen = name if gap >= needed and name != "other" else None
        scores = {n: float(s) for n, s in zip(self.names, outputs)}
        return IntentGuess(chosen, float(outputs[best]), gap, scores)


def fit_intents(vectors: np.ndarray, cues: np.ndarray, labels: Sequence[str], *, ridge: float = RIDGE) -> IntentModel:
    """Least squares with a ridge penalty from [vector, cues, 1] to one-hot intents."""
    names = tuple(n for n in INTENTS if n in set(labels)) or tuple(sorted(set(labels)))
    rows = np.hstack([np.asarray(vectors, np.float32), np.asarray(cues, np.float32),
                      np.ones((len(labels), 1), np.float32)]).astype(np.float64)
    targets = np.stack([[1.0 if label == n else 0.0 for n in names] for label in labels])
    weights = np.linalg.solve(rows.T @ rows + ridge * np.eye(rows.shape[1]), rows.T @ targets)
    return IntentModel(names, weights.astype(np.float32))


def load_prototypes() -> dict[str, list[str]]:
    """The labelled wordings shipped with the package: {intent: [question, ...]}."""
    text = resources.files("mgiassist.search").joinpath("intent_prototypes.json").read_text(encoding="utf-8")
    data = json.loads(text)
    return {name: [str(q) for q in data[name]] for name in INTENTS if name in data}


# The reader fitted on the shipped wordings with the default model, so that a search need not
# encode 1,010 wordings before its first question (1.5 s of a cold `mgiassist search`, 2026-12-06).
SHIPPED_MODEL = "intent_model.json"
SHIPPED_FORMAT = 1


def prototypes_digest(prototypes: Mapping[str, Sequence[str]]) -> str:
    """What a fitted reader depends on besides the model: the wordings, the cue words read as
    features, the ridge penalty and the cue scale. A shipped reader whose digest differs is stale."""
    basis = {"prototypes": {name: list(prototypes[name]) for name in prototypes},
             "cues": [cue.pattern.pattern for cue in CUES], "ridge": RIDGE, "cue_scale": CUE_SCALE}
    return hashlib.sha256(json.dumps(basis, sort_keys=True).encode("utf-8")).hexdigest()


def shipped_model(model_id: str | None, digest: str, text: str | None = None) -> IntentModel | None:
    """The shipped reader (``text``: the file's, read from the package when not given) when it was
    fitted with ``model_id`` on the wordings of ``digest``; None otherwise, or when it is unusable."""
    if not model_id:
        return None
    try:
        if text is None:
            text = resources.files("mgiassist.search").joinpath(SHIPPED_MODEL).read_text(encoding="utf-8")
        payload = json.loads(text)
        if (payload.get("format") != SHIPPED_FORMAT or payload.get("model_id") != model_id
                or payload.get("digest") != digest):
            return None
        weights = np.asarray(payload["weights"], dtype=np.float32)
        names = tuple(str(n) for n in payload["names"])
        if weights.ndim != 2 or weights.shape[1] != len(names):
            return None
        return IntentModel(names, weights)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_shipped_model(model: IntentModel, model_id: str, digest: str, path: str) -> None:
    """Save ``model`` as the shipped reader (JSON: its names and weights, no pickle)."""
    payload = {"format": SHIPPED_FORMAT, "model_id": model_id, "digest": digest, "names": list(model.names),
               "weights": [[round(float(v), 7) for v in row] for row in model.weights]}
    with open(path, "w", encoding="utf-8") as out:
        json.dump(payload, out, separators=(",", ":"))
        out.write("\n")


class IntentReader:
    """An :class:`IntentModel` fitted on ``prototypes`` encoded by ``encode``, on first use; or the
    shipped one, when ``model_id`` (the encoder's) fitted it on the same wordings."""

    def __init__(
        self, prototypes: Mapping[str, Sequence[str]], encode: Callable[[list[str]], np.ndarray], *,
        margin: float = MARGIN, model_id: str | None = None,
    ) -> None:
        self._texts = [q for name in prototypes for q in prototypes[name]]
        self._labels = [name for name in prototypes for _ in prototypes[name]]
        self._encode = encode
        self._model: IntentModel | None = None
        self._lock = threading.Lock()
        self.margin = margin
        self._model_id = model_id
        self._digest = prototypes_digest(prototypes)

    def model(self) -> IntentModel:
        with self._lock:
            if self._model is None:
                self._model = shipped_model(self._model_id, self._digest)
            if self._model is None:
                self._model = self.fit()
            return self._model

    def fit(self) -> IntentModel:
        """The reader fitted on the wordings, encoded now."""
        vectors = np.asarray(self._encode(self._texts), dtype=np.float32)
        cues = np.stack([cue_features(t) for t in self._texts])
        return fit_intents(vectors, cues, self._labels)

    def read(self, question: str) -> IntentGuess:
        if len(set(self._labels)) < 2:
            return IntentGuess(None)
        return by_polarity(by_number(self._read(question), question, self._list_lean))

    def _read(self, question: str) -> IntentGuess:
        vector = np.asarray(self._encode([question]), dtype=np.float32)[0]
        return self.model().read(vector, cue_features(question), margin=self.margin)

    def _list_lean(self, question: str) -> float:
        """How much more ``question`` reads as the actors list than as one body (score gap)."""
        scores = self._read(question).scores
        return scores.get("actors", 0.0) - scores.get("body", 0.0)


# One thing and its list (the actors, one body): the same meaning, told apart by the number of
# the noun asked for.
_WH_NOUN = re.compile(r"\b(?:which|what)\s+([a-z-]+)", re.IGNORECASE)
_SINGULAR_AUXILIARIES = frozenset({"is", "was", "has", "does", "did", "can", "could", "will", "would", "should", "may", "must"})
_WH_NOUN_NEXT = re.compile(r"\b(?:which|what)\s+([a-z-]+)(?:\s+([a-z-]+))?", re.IGNORECASE)


def asks_for_several(question: str) -> bool:
    """Whether the noun right after the question's wh-word is plural ("which ministries", "what
    bodies"), not a verb ("what does") nor a singular ("which body issues passports"). A plural is
    a regular English plural whose singular is an English word at least a tenth as frequent: "does"
    is 1,000 times commoner than "doe"."""
    return any(singular(m.group(1).lower()) is not None for m in _WH_NOUN.finditer(question))


def asks_for_one(question: str) -> bool:
    """Whether the wh-word asks for one thing by agreement: a singular count noun (an English word
    whose regular plural is one too) followed by a singular auxiliary ("which association *is*
    based in Bron?", "which body *has*…", "what role *does*…"). A modifier ("what Cambodian
    diaspora groups…") or a verb ("which body issues…") after the noun says nothing."""
    for m in _WH_NOUN_NEXT.finditer(question):
        word, following = m.group(1).lower(), (m.group(2) or "").lower()
        if following not in _SINGULAR_AUXILIARIES or singular(word) is not None:
            continue
        plural = word[:-1] + "ies" if word.endswith("y") and word[-2:-1] not in "aeiou" else word + "s"
        if is_english_word(word) and is_english_word(plural):
            return True
    return False


# How far singularising a plural word must move a question from the actors list towards one body
# (the gap of their scores) for the word to be the number of what is asked for. Dev wordings,
# 2026-12-05: the head nouns "bodies", "agencies", "institutions", "ministries" in "What
# government bodies below ministry level…" moved it 0.11-0.27; verbs and objects after a singular
# head ("Which department issues work permits?", "What office handles complaints?") 0.01-0.09.
NUMBER_SHIFT = 0.1


def plural_after_modifier(question: str) -> list[tuple[str, str]]:
    """The question with its second word after a wh-word singularised, when that word is a
    regular plural and the first is not ("what government bodies" → "what government body"),
    as (variant, plural) pairs: the plural may be the head noun after a modifier, or a verb
    ("which department issues"), which only its meaning tells apart."""
    variants = []
    for m in _WH_NOUN_NEXT.finditer(question):
        first, second = m.group(1), m.group(2)
        single = singular(second.lower()) if second else None
        if single is not None and singular(first.lower()) is None:
            variants.append((question[: m.start(2)] + single + question[m.end(2):], second))
    return variants


def by_number(
    guess: IntentGuess, question: str, list_lean: Callable[[str], float] | None = None,
) -> IntentGuess:
    """A question read as one body, or left unread between a body and the list of actors, asks
    for the list when its noun is plural: "Which ministries handle labour migration?" (body 0.35,
    actors 0.33 on the dev wordings) wants every ministry the annex lists. A plural after a
    modifier ("What government bodies…") counts when singularising it moves the reading towards
    one body by :data:`NUMBER_SHIFT` (``list_lean`` gives a wording's actors-minus-body gap)."""
    if guess.intent == "actors" and "body" in guess.scores and asks_for_one(question) \
            and not asks_for_several(question):
        # "Which association is based in Bron?" asks for one entry, not the annex
        return IntentGuess("body", guess.scores["body"], guess.margin, guess.scores)
    ranked = sorted(guess.scores, key=lambda n: -guess.scores[n])[:2]
    if set(ranked) != {"actors", "body"} or guess.intent not in ("body", None):
        return guess
    several = asks_for_several(question)
    if not several and list_lean is not None:
        lean = guess.scores["actors"] - guess.scores["body"]
        several = any(lean - list_lean(variant) >= NUMBER_SHIFT for variant, _ in plural_after_modifier(question))
    return IntentGuess("actors", guess.scores["actors"], guess.margin, guess.scores) if several else guess


def by_polarity(guess: IntentGuess) -> IntentGuess:
    """A question read as the profile's findings but not clearly as one side of them asks for
    both: strengths and weaknesses are its two best readings, within :data:`LIST_MARGIN` of each
    other, and the lower of them still leads every other reading by :data:`LIST_MARGIN`. Dev,
    2026-12-05: "socio-economic wellbeing of migrants - what still needs doing?" (weaknesses
    0.39, strengths 0.38, other 0.25) and "If a crisis hits, what does Cambodia already have in
    place…?" (0.38, 0.30, 0.19) were left unread and quoted; the domain's two lists hold the
    answer either way. The margin kept is the pair's lead, which a loose reading is judged by."""
    if guess.intent is not None or len(guess.scores) < 3:
        return guess
    ranked = sorted(guess.scores, key=lambda n: -guess.scores[n])
    if set(ranked[:2]) != set(FINDINGS):
        return guess
    lead = guess.scores[ranked[1]] - guess.scores[ranked[2]]
    if lead < LIST_MARGIN:
        return guess
    return IntentGuess(BOTH_FINDINGS, guess.scores[ranked[0]], lead, guess.scores)


if __name__ == "__main__":  # python -m mgiassist.search.intents: refit the shipped reader
    from pathlib import Path

    from mgiassist.embed import DEFAULT_MODEL, load_embedder

    embedder = load_embedder(DEFAULT_MODEL)
    wordings = load_prototypes()
    fitted = IntentReader(wordings, embedder.encode).fit()
    target = Path(__file__).with_name(SHIPPED_MODEL)
    write_shipped_model(fitted, embedder.model_id, prototypes_digest(wordings), str(target))
    print(f"wrote {target} ({embedder.model_id}, {len(fitted.names)} intents)")
