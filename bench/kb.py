"""Knowledge-base retrieval and coverage benchmark.

    python bench/kb.py [--only NAME,...] [--stream N] [--seed S]

Sets (question TAB accepted sections TAB optional expected verdict[:topic] TAB optional entry id
that must be the top answer, for facts that share a section with others; "-" = off-topic):
``../shared/spec/kb_dev.tsv`` (``dev``), the older held-out sets ``bench/kb_heldout*.tsv``, our
issue-11 sets ``bench/kb_paraphrase_*.tsv`` / ``bench/kb_offtopic_*.tsv`` (``*_dev`` tuned on,
``*_heldout`` blind) and the small English set ``bench/kb_en.tsv``.

Per set: Acc@1, Acc@3, MRR@10 (on-topic), precision of confident answers (share of confident
answers whose top section is acceptable), on-topic answered correctly (confident and top-1
right, over on-topic), out-of-scope refused (not confident, over off-topic), verdict accuracy of
the rows marked ``not_covered`` (and their topic) or ``eligibility``; a plain BM25 baseline's
Acc@1. Latency over a deterministic stream of perturbed dev questions. Ends with one JSON line.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.kb_tools import baseline_top1, latency, stream  # noqa: E402
from knowledge.search import Answer, KnowledgeBase, SearchResult  # noqa: E402

TARGETS = {"precision": 0.97, "answered_correct": 0.92, "offtopic_rejected": 0.95}
OWN_SETS = ["heldout", "heldout2", "heldout3", "paraphrase_dev", "offtopic_dev",
            "paraphrase_heldout", "offtopic_heldout", "en"]


@dataclass(frozen=True)
class Item:
    question: str
    sections: tuple[str, ...]  # empty = off-topic
    verdict: str | None = None  # expected verdict where the set says
    topic: str | None = None  # expected out-of-scope topic (not_covered rows)
    entry: str | None = None  # the entry that must answer (a section holds other facts too)

    @property
    def offtopic(self) -> bool:
        return not self.sections


def read_items(path: Path) -> list[Item]:
    items = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        question, accepted, expected, entry = ([*line.split("\t"), "", "", ""])[:4]
        verdict, _, topic = expected.strip().partition(":")
        sections = tuple(s for s in accepted.split() if s != "-")
        items.append(Item(question.strip(), sections, verdict or None, topic or None,
                          entry.strip() or None))
    return items


def find_dev() -> Path:
    """``shared/spec/kb_dev.tsv`` beside the repository or beside its worktree folder."""
    for base in (ROOT.parent, *ROOT.parents):
        candidate = base / "shared" / "spec" / "kb_dev.tsv"
        if candidate.exists():
            return candidate
    return ROOT.parent / "shared" / "spec" / "kb_dev.tsv"


def _ratio(hits: float, total: int) -> float | None:
    return round(hits / total, 4) if total else None


def evaluate(kb: KnowledgeBase, items: Sequence[Item], label: str) -> dict[str, float | None]:
    results = [kb.search(item.question, k=10) for item in items]
    pairs = list(zip(items, results, strict=True))
    on = [(i, r) for i, r in pairs if not i.offtopic]
    off = [(i, r) for i, r in pairs if i.offtopic]
    ranks = [_rank(i, r) for i, r in on]
    confident = [(i, r) for i, r in pairs if r.confident]
    good = sum(bool(r.answers) and _fits(i, r.answers[0]) for i, r in confident)
    covered = [(i, r) for i, r in pairs if i.verdict == "not_covered"]
    eligible = [(i, r) for i, r in pairs if i.verdict == "eligibility"]
    print_misses(label, pairs)
    return {
        "top1": _ratio(sum(rank == 1 for rank in ranks), len(on)),
        "top3": _ratio(sum(0 < rank <= 3 for rank in ranks), len(on)),
        "mrr10": _ratio(sum(1 / rank for rank in ranks if rank), len(on)),
        "precision": _ratio(good, len(confident)),
        "answered_correct": _ratio(sum(r.confident and _rank(i, r) == 1 for i, r in on), len(on)),
        "confident_ontopic": _ratio(sum(r.confident for _, r in on), len(on)),
        "offtopic_rejected": _ratio(sum(not r.confident for _, r in off), len(off)),
        "verdict_not_covered": _ratio(sum(r.verdict == "not_covered" for _, r in covered),
                                      len(covered)),
        "verdict_topic": _ratio(sum(_topic(r) == i.topic for i, r in covered), len(covered)),
        "verdict_eligibility": _ratio(sum(r.verdict == "eligibility" for _, r in eligible),
                                      len(eligible)),
        "n": len(items),
    }


def _rank(item: Item, res: SearchResult) -> int:
    """1-based rank of the first acceptable section among the answers (0 = not in the top 10)."""
    for rank, answer in enumerate(res.answers[:10], start=1):
        if _fits(item, answer):
            return rank
    return 0


def _fits(item: Item, answer: Answer) -> bool:
    return answer.section in item.sections and item.entry in (None, answer.entry_id)


def _topic(res: SearchResult) -> str | None:
    return res.topic.id if res.topic is not None else None


def _wrong(item: Item, res: SearchResult) -> bool:
    top = res.answers[0] if res.answers else None
    wrong = res.confident if item.offtopic else (
        not res.confident or top is None or not _fits(item, top))
    if item.verdict in ("not_covered", "eligibility"):
        wrong |= res.verdict != item.verdict
        wrong |= item.verdict == "not_covered" and _topic(res) != item.topic
    return wrong


def print_misses(label: str, pairs: Sequence[tuple[Item, SearchResult]]) -> None:
    misses = [(i, r) for i, r in pairs if _wrong(i, r)]
    print(f"\n{label}: {len(misses)} of {len(pairs)} question(s) not handled right")
    for item, res in misses:
        want = " ".join(item.sections) or "-"
        want += f"#{item.entry}" if item.entry else ""
        if item.verdict:
            want += f" {item.verdict}" + (f":{item.topic}" if item.topic else "")
        got = " ".join(a.section for a in res.answers[:3])
        got += f" {res.verdict}" + (f":{_topic(res)}" if res.topic else "")
        print(f"  {item.question[:56]:<56}  want {want:<26} got {got:<40} conf={res.confident}")


COLUMNS = [("n", "n"), ("top1", "Acc@1"), ("top3", "Acc@3"), ("mrr10", "MRR@10"),
           ("precision", "prec"), ("answered_correct", "ans_ok"), ("offtopic_rejected", "refused"),
           ("verdict_not_covered", "v_notcov"), ("verdict_topic", "v_topic"),
           ("verdict_eligibility", "v_elig"), ("baseline_top1", "bm25")]


def table(rows: dict[str, dict[str, float | None]]) -> None:
    print("\n" + f"{'set':<20}" + "".join(f"{title:>9}" for _, title in COLUMNS))
    for name, row in rows.items():
        cells = []
        for key, _ in COLUMNS:
            value = row.get(key)
            cells.append(f"{'–':>9}" if value is None else
                         f"{value:>9}" if key == "n" else f"{value:>9.3f}")
        print(f"{name:<20}" + "".join(cells))
    print("targets: " + ", ".join(f"{k} >= {v}" for k, v in TARGETS.items()) + ", p99 <= 5 ms")


def sets(only: str | None) -> dict[str, Path]:
    paths = {"dev": find_dev()} | {name: ROOT / "bench" / f"kb_{name}.tsv" for name in OWN_SETS}
    if not only:
        return paths
    wanted = [name.strip() for name in only.split(",") if name.strip()]
    return {name: paths[name] for name in wanted}


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--only", help="comma-separated set names: dev," + ",".join(OWN_SETS))
    ap.add_argument("--stream", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=2023)
    return ap.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    kb = KnowledgeBase.load()
    print(f"loaded {len(kb.entries)} entries in {time.perf_counter() - started:.2f}s")
    items = {name: read_items(path) for name, path in sets(args.only).items()}
    rows = {name: evaluate(kb, got, name) for name, got in items.items()}
    for name, got in items.items():
        rows[name]["baseline_top1"] = baseline_top1(kb.entries, got)
    table(rows)
    sources = [i.question for name, got in items.items() if "heldout" not in name for i in got]
    print(f"\nlatency over {args.stream} generated queries (seed {args.seed})")
    lat = latency(kb, stream(kb, sources, args.stream, args.seed))
    print(f"  p50 {lat['p50_ms']} ms, p99 {lat['p99_ms']} ms, max {lat['max_ms']} ms; "
          f"same top section as the unperturbed query: {lat['stream_same_top']:.3f}")
    result: dict[str, object] = {}
    for name, row in rows.items():
        prefix = "" if name == "dev" else f"{name}_"
        result |= {f"{prefix}{key}": value for key, value in row.items() if key != "n"}
        result[f"n_{name}"] = row["n"]
    result |= lat | {"n_entries": len(kb.entries),
                     "seconds": round(time.perf_counter() - started, 2)}
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
