"""Give every question without a ``split`` one, stratified by kind and expected state.

    python eval/questions/split.py eval/questions/*.jsonl

Questions that already have a split keep it: the test part is frozen, and a question added
later is balanced into dev/test within its stratum (kind + expected state) so that both parts
keep covering every kind. Reproducible: strata are shuffled with a fixed seed.
"""

from __future__ import annotations

import json
import random
import sys
from collections import defaultdict
from pathlib import Path

SEED = 8


def stratum(item: dict) -> str:
    return f"{item.get('kind', 'single')}/{item.get('expected_state', 'answered')}"


def assign(files: list[Path], seed: int = SEED) -> dict[str, int]:
    sets = {path: [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
            for path in files}
    strata: dict[str, list[dict]] = defaultdict(list)
    for path in files:
        for item in sets[path]:
            strata[stratum(item)].append(item)
    assigned = {"dev": 0, "test": 0}
    totals = {part: sum(1 for items in sets.values() for i in items if i.get("split") == part) for part in assigned}
    for name in sorted(strata):
        items = strata[name]
        counts = {part: sum(1 for i in items if i.get("split") == part) for part in ("dev", "test")}
        todo = [i for i in items if i.get("split") not in ("dev", "test")]
        random.Random(f"{seed}/{name}").shuffle(todo)
        for item in todo:
            if counts["dev"] != counts["test"]:
                part = "dev" if counts["dev"] < counts["test"] else "test"
            else:  # a tie inside the stratum goes to the part that is smaller overall
                part = "dev" if totals["dev"] <= totals["test"] else "test"
            item["split"] = part
            counts[part] += 1
            totals[part] += 1
            assigned[part] += 1
    for path, items in sets.items():
        path.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), encoding="utf-8")
    return assigned


if __name__ == "__main__":
    print(assign([Path(p) for p in sys.argv[1:]]))
