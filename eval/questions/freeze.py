"""Write (or check) test-split.lock.json: the frozen test part of every question set.

    python eval/questions/freeze.py          # check: exit 1 when the test part changed
    python eval/questions/freeze.py --write  # record the current test part (only when adding questions)

The lock holds each test question's id and a digest of what judges it (question, history,
evidence, answerable, expected state), so the test suite notices a test question edited, moved to
dev or removed.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
LOCK = HERE / "test-split.lock.json"
JUDGED = ("question", "history", "evidence", "answerable", "expected_state")


def digest(item: dict) -> str:
    payload = json.dumps({k: item.get(k) for k in JUDGED}, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def test_part(folder: Path = HERE) -> dict[str, dict[str, str]]:
    part: dict[str, dict[str, str]] = {}
    for path in sorted(folder.glob("*.jsonl")):
        items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        tested = {i["id"]: digest(i) for i in items if i.get("split") == "test"}
        if tested:  # a dev-only set has no test part to freeze
            part[path.name] = tested
    return part


if __name__ == "__main__":
    current = test_part()
    if "--write" in sys.argv[1:]:
        LOCK.write_text(json.dumps(current, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"locked {sum(len(v) for v in current.values())} test questions")
    else:
        locked = json.loads(LOCK.read_text(encoding="utf-8"))
        changed = sorted(f"{f}/{q}" for f in locked for q in locked[f] if current.get(f, {}).get(q) != locked[f][q])
        print("\n".join(changed) or "test split unchanged")
        sys.exit(1 if changed else 0)
