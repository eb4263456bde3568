"""Ask CaseDesk's retrieval quality: top-1 and top-3 accuracy on questions practitioners might type, and the
time one question takes to rank.

Two sets, both kept in tests/data/guidance/: `paraphrases.json`, which the synonym list was tuned against, and
`heldout.json`, written afterwards and not used to tune. A question whose expected entry is null should find
nothing. For a question the immediate-risk rule pins the act-now answer above, accuracy is measured on the ranking
below the pin (the rule itself is checked by tests/domain/test_guidance_search.py). Target: top-3 >= 0.95.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import record, summary, timed

from casedesk.domain.guidance.load import sample_guidance
from casedesk.domain.guidance.search import Answer, GuidanceIndex

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "guidance"


def ranked(answers: list[Answer], expected: str | None) -> list[str]:
    return [a.entry.id for a in answers if not (a.risk_first and expected != "immediate-risk")]


def accuracy(index: GuidanceIndex, name: str) -> dict[str, object]:
    questions = json.loads((DATA / name).read_text(encoding="utf-8"))["questions"]
    top1 = top3 = 0
    misses = []
    for item in questions:
        ids = ranked(index.ask(item["q"])[1], item["expected"])
        if item["expected"] is None:
            hit1 = hit3 = not ids
        else:
            hit1, hit3 = ids[:1] == [item["expected"]], item["expected"] in ids[:3]
        top1 += hit1
        top3 += hit3
        if not hit1:
            misses.append({"question": item["q"], "expected": item["expected"], "got": ids[:3]})
    n = len(questions)
    return {"questions": n, "top1": round(top1 / n, 3), "top3": round(top3 / n, 3), "misses": misses}


def main() -> None:
    entries = sample_guidance().entries
    index = GuidanceIndex(entries)
    results = {name: accuracy(index, f"{name}.json") for name in ("paraphrases", "heldout")}
    build = timed(lambda: GuidanceIndex(entries), repeat=5)
    ask = timed(lambda: index.ask("can parents apeal a permanent exclusion"), repeat=20)
    record("guidance_retrieval", {"entries": len(entries), **results, "build_s": build, "ask_s": ask})
    for name, result in results.items():
        print(f"{name}: {result['questions']} questions, top-1 {result['top1']}, top-3 {result['top3']}")
        for miss in result["misses"]:  # type: ignore[attr-defined]
            print(f"  miss: {miss['question']!r} expected {miss['expected']}, got {miss['got']}")
    print(f"index of {len(entries)} entries: {summary(build)}; one question: {summary(ask)}")


if __name__ == "__main__":
    main()
