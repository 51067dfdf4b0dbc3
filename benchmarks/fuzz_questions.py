"""Ten thousand questions as people type them through one chat turn each: crashes must be 0.

The questions come from ``mgiassist.evaluate.typed_questions`` (typos of real questions,
misspelt stopwords, stopword-only, punctuation and emoji, other scripts, very long words,
numbers, control characters, lone surrogates, arbitrary text), seeded so a run can be repeated.
Every reply must have a state, or the turn must raise the one-line input error
(``MgiassistError``); anything else is a crash, printed with its question.

    python benchmarks/fuzz_questions.py --index /tmp/idx --n 10000 --seed 0
"""

from __future__ import annotations

import argparse
import random
import time
from collections import Counter
from pathlib import Path

from mgiassist.assistant import Assistant
from mgiassist.errors import MgiassistError
from mgiassist.evaluate.typed_questions import REAL_QUESTIONS, typed_question


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=Path("index"))
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    assistant = Assistant.load(args.index)
    rng = random.Random(args.seed)
    outcomes: Counter[str] = Counter()
    crashes = []
    started = time.perf_counter()
    for i in range(args.n):
        question = typed_question(rng)
        history = [REAL_QUESTIONS[1]] if rng.random() < 0.2 else []
        try:
            answer = assistant.answer(question, history)
            answer.to_dict()
            outcomes[answer.state] += 1
        except MgiassistError as exc:
            outcomes["input error"] += 1
            if "\n" in str(exc).strip():
                crashes.append((question, f"a multi-line error: {exc!r}"))
        except Exception as exc:  # noqa: BLE001 - a crash is what is counted
            outcomes["crash"] += 1
            crashes.append((question, repr(exc)[:200]))
        if (i + 1) % 1000 == 0:
            print(f"{i + 1} questions, {outcomes['crash']} crashes, {time.perf_counter() - started:.0f} s", flush=True)
    elapsed = time.perf_counter() - started
    print(f"{args.n} questions in {elapsed:.0f} s ({1000 * elapsed / max(1, args.n):.1f} ms each): "
          + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())))
    print(f"crashes: {len(crashes)}")
    for question, error in crashes[:20]:
        print(f"  {question!r}: {error}")


if __name__ == "__main__":
    main()
