"""What a chat turn gives over what the search gave, per question kind (issue 17's measures).

For every question of the sets (optionally one split), with the real model:

* **search@1** — the search's first passage holds the evidence; **lead** — the answer's first
  citation does (a layer on top must not lose what the layer below had);
* **refused** — an answerable question answered "not covered"; **recognised** — a question owed
  "not covered" is not answered (as ``mgiassist eval`` counts it: a partial reply says the
  profiles do not state it, "The profiles don't state this for Germany", and shows what they
  give instead); **not covered** — the stricter count that earlier rounds reported as recognised:
  it gets "not covered" itself;
* **list** — for list questions, the answer's text and citations hold at least 80 % of the
  evidence phrases (one per list item);
* **follow-up** — a follow-up is searched with the conversation, a question that names its own
  subject after a conversation (kind ``new-after-history``) is searched on its own;
* **countries** — for questions naming several countries (field ``countries``), every named
  country is cited; for a question that names its one country (or whose conversation does), no
  passage of another country is cited.

    python benchmarks/answer_quality.py eval/questions/*.jsonl --split test --index /tmp/idx
    python benchmarks/answer_quality.py eval/blind/answers.jsonl --index /tmp/idx --json out.json
"""

from __future__ import annotations

import argparse
import json
import re
from collections import defaultdict
from pathlib import Path

from mgiassist.evaluate.judging import normalise
from mgiassist.evaluate.questions import load_questions, select_split

LIST_SHARE = 0.8


def _holds(text: str, evidence: list[str]) -> bool:
    text = normalise(text)
    return any(normalise(e) in text for e in evidence)


def _words(text: str) -> str:
    """``text`` as its words alone, for list items: an annex entry's evidence copied across its
    table cells ("Ministry of Interior 1996") is the item the list shows as "Ministry of Interior
    (1996)"; each rendering punctuates the cells differently."""
    return " " + " ".join(re.findall(r"\w+", normalise(text))) + " "


def _extras(path: Path) -> dict[str, dict]:
    rows = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            rows[str(item.get("id"))] = item
    return rows


def measure(question, extra: dict, assistant) -> dict:
    result = assistant.search(question.question, k=10, history=question.history)
    answer = assistant.answer(question.question, question.history)
    chunk_text = {c.chunk_id: c.text for c in assistant.index.chunks}
    cited = [p for p in answer.passages]
    row = {"id": question.id, "kind": question.kind, "state": answer.state, "expected": question.expected_state,
           "crashed": False, "reason": answer.reason}
    if question.expected_state == "answered" and question.evidence:
        own = [h for h in result.hits if not question.country or h.chunk.country == question.country]
        row["search@1"] = bool(result.hits) and result.hits[0] in own[:1] and _holds(result.hits[0].chunk.text, question.evidence)
        lead_ok = bool(cited) and (not question.country or cited[0].citation.get("country") == question.country)
        row["lead"] = lead_ok and _holds(chunk_text.get(cited[0].chunk_id, cited[0].text), question.evidence)
        row["refused"] = answer.state == "not_covered"
    if question.expected_state == "not_covered":
        row["recognised"] = answer.state != "answered"
        row["not covered"] = answer.state == "not_covered"
    if question.kind == "list" and question.evidence and answer.state == "answered":
        said = _words(answer.text + " " + " ".join(chunk_text.get(p.chunk_id, p.text) for p in cited))
        share = sum(_words(e) in said for e in question.evidence) / len(question.evidence)
        row["list"] = share >= LIST_SHARE
    elif question.kind == "list" and question.evidence:
        row["list"] = False
    if question.history:
        if question.kind == "follow-up":
            row["follow-up"] = answer.contextualised
        elif question.kind == "new-after-history":
            row["follow-up"] = not answer.contextualised
    named = extra.get("countries")
    countries = {p.citation.get("country") for p in cited}
    if named and len(named) > 1:
        row["countries"] = set(named) <= countries
    elif question.country and cited and answer.state == "answered" and _names(assistant, question):
        row["countries"] = countries <= {question.country}
    return row


def _names(assistant, question) -> bool:
    """Whether the question (or its conversation) names its own country: only then is another
    country's passage wrong. A question naming none ("What obstacles does diaspora engagement
    face?") over several look-alike profiles may be answered from any of them."""
    said = " ".join([*question.history, question.question])
    return question.country in assistant.searcher.world.find(said)


def _measured(question, extra: dict, assistant) -> dict:
    """The question's row; a turn that raises is counted as a crash (older versions had some),
    not allowed to stop the run."""
    try:
        return measure(question, extra, assistant)
    except Exception as exc:  # noqa: BLE001 - any crash is what is being counted
        return {"id": question.id, "kind": question.kind, "crashed": True, "error": repr(exc)[:200]}


def table(rows: list[dict]) -> str:
    measures = ["search@1", "lead", "refused", "recognised", "not covered", "list", "follow-up", "countries", "crashed"]
    by_kind: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_kind[row["kind"]].append(row)
    by_kind["(all)"] = rows
    lines = ["| kind | questions | " + " | ".join(measures) + " |", "|---" * (len(measures) + 2) + "|"]
    for kind in sorted(by_kind, key=lambda k: (k == "(all)", k)):
        cells = []
        for m in measures:
            values = [r[m] for r in by_kind[kind] if m in r]
            cells.append(f"{sum(values)}/{len(values)} ({sum(values) / len(values):.2f})" if values else "—")
        lines.append(f"| {kind} | {len(by_kind[kind])} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("questions", nargs="+", type=Path)
    parser.add_argument("--index", type=Path, default=Path("index"))
    parser.add_argument("--split", choices=["dev", "test"], default=None)
    parser.add_argument("--json", type=Path, help="Write every question's row here.")
    args = parser.parse_args()
    from mgiassist.evaluate.corpora import SetAssistants

    assistants = SetAssistants(args.index)
    rows = []
    for path in args.questions:
        qset = load_questions(path)
        if args.split:
            if not any(q.split == args.split for q in qset.questions):
                continue
            qset = select_split(qset, args.split)
        extras = _extras(path)
        assistant = assistants(qset.lookalike)
        rows += [_measured(q, extras.get(q.id, {}), assistant) for q in qset.questions]
    print(table(rows))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
