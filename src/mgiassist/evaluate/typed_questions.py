"""Questions as people type them, drawn from a seeded random generator (for fuzzing the turn).

Real questions with typos (letters dropped, doubled, swapped, replaced), misspelt stopwords,
stopword-only questions, punctuation and emoji, other scripts, very long words, numbers, control
characters and lone surrogates, and arbitrary text. The suite draws a few hundred through
Hypothesis (``tests/test_question_fuzz.py``, which feeds it Hypothesis's own ``random``);
``benchmarks/fuzz_questions.py`` draws ten thousand.

>>> import random
>>> typed_question(random.Random(3))  # doctest: +SKIP
'Which ministry isues passports?'
"""

from __future__ import annotations

import random

__all__ = ["MISSPELT_STOPWORDS", "REAL_QUESTIONS", "SHAPES", "typed_question"]

REAL_QUESTIONS = (
    "Which ministry issues passports?",
    "Can Cambodians vote from abroad?",
    "What is Cambodia weak at in migration governance?",
    "How much do migrants send home in remittances?",
    "What obstacles does diaspora engagement face in Cambodia?",
    "Does Cambodia allow dual citizenship?",
    "Where can prospective migrants get counselling before they leave?",
    "Which country, Cambodia or Ghana, allows dual citizenship?",
)
STOPWORDS = ("which", "what", "the", "of", "and", "is", "does", "how", "where", "who", "in", "a")
MISSPELT_STOPWORDS = ("wich", "waht", "teh", "fo", "adn", "si", "dose", "hwo", "wehre", "woh", "ni")
ODD_TEXT = ("😀", "🇰🇭", "ដើម្បី", "移民", "مهاجر", "—", "\u200b", "\x00", "\t", "\n", "\udfff", "%%", "'", '"',
            "<script>", "=HYPERLINK(1)", "9" * 40, "ab" * 200)
SHAPES = ("typos", "stopwords", "odd", "text")


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 2:
        return word
    i = rng.randrange(len(word))
    kind = rng.choice(("drop", "double", "swap", "replace"))
    if kind == "drop":
        return word[:i] + word[i + 1:]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    if kind == "swap" and i < len(word) - 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    return word[:i] + rng.choice("aeioustnrlx") + word[i + 1:]


def _any_text(rng: random.Random, limit: int = 80) -> str:
    """Code points from all planes, surrogates and controls included."""
    return "".join(chr(rng.choice((rng.randrange(0x20, 0x7F), rng.randrange(0x110000))))
                   for _ in range(rng.randrange(limit + 1)))


def typed_question(rng: random.Random, shape: str | None = None) -> str:
    """A real question as people type it, or something that is barely a question at all."""
    shape = shape or rng.choice(SHAPES)
    if shape == "typos":
        words = rng.choice(REAL_QUESTIONS).split()
        for _ in range(rng.randint(1, 3)):
            i = rng.randrange(len(words))
            words[i] = _typo(words[i], rng)
        if rng.random() < 0.5:
            words[0] = rng.choice(MISSPELT_STOPWORDS)
        return " ".join(words)
    if shape == "stopwords":
        pool = STOPWORDS + MISSPELT_STOPWORDS
        return " ".join(rng.choice(pool) for _ in range(rng.randint(1, 6))) + rng.choice(("", "?", " ?!"))
    if shape == "odd":
        pool = ODD_TEXT + REAL_QUESTIONS
        return " ".join(rng.choice(pool) for _ in range(rng.randint(1, 4)))
    return _any_text(rng)
