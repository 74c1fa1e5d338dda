"""Knowledge-base retrieval benchmark.

    python bench/kb.py [--dev PATH] [--heldout PATH] [--stream N] [--seed S]

Accuracy on the dev questions (``../shared/spec/kb_dev.tsv``) and on our own held-out questions
(``bench/kb_heldout.tsv``), scored by plan section: top-1 / top-3 over on-topic questions,
off-topic rejection (``confident`` false). Compared with a plain BM25 baseline over the same
entries (lower-case + whitespace split, no folding, synonyms or typo tolerance). Latency over a
deterministic stream of perturbed questions (diacritics stripped, typos, chat abbreviations).
Ends with one JSON line.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from knowledge.normalize import fold, nfc  # noqa: E402
from knowledge.search import Entry, KnowledgeBase  # noqa: E402

# Inverse abbreviations a chatting citizen uses (full phrase → short form).
CHAT_FORMS = {
    "không": "ko", "được": "dc", "gì": "j", "bảo hiểm y tế": "bhyt", "hộ nghèo": "hn",
    "hộ cận nghèo": "hcn", "xuất khẩu lao động": "xkld", "người": "ng", "với": "vs",
    "ngân hàng chính sách xã hội": "nhcs", "ủy ban nhân dân": "ubnd", "cộng tác viên": "ctv",
}


@dataclass(frozen=True)
class Item:
    question: str
    sections: tuple[str, ...]  # empty = off-topic

    @property
    def offtopic(self) -> bool:
        return not self.sections


def read_items(path: Path) -> list[Item]:
    items = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        question, _, accepted = line.partition("\t")
        sections = tuple(s for s in accepted.split() if s != "-")
        items.append(Item(question.strip(), sections))
    return items


def ranked_sections(kb: KnowledgeBase, question: str) -> tuple[list[str], bool]:
    res = kb.search(question, k=3)
    return [a.section for a in res.answers], res.confident


def evaluate(kb: KnowledgeBase, items: Sequence[Item], label: str) -> dict[str, float]:
    on = [i for i in items if not i.offtopic]
    off = [i for i in items if i.offtopic]
    top1 = top3 = conf_on = rejected = 0
    misses = []
    for item in on:
        sections, confident = ranked_sections(kb, item.question)
        top1 += bool(sections) and sections[0] in item.sections
        top3 += any(s in item.sections for s in sections[:3])
        conf_on += confident
        if not sections or sections[0] not in item.sections or not confident:
            misses.append((item.question, " ".join(item.sections), " ".join(sections), confident))
    for item in off:
        sections, confident = ranked_sections(kb, item.question)
        rejected += not confident
        if confident:
            misses.append((item.question, "-", " ".join(sections), confident))
    print_misses(label, misses)
    return {
        "top1": round(top1 / max(len(on), 1), 4),
        "top3": round(top3 / max(len(on), 1), 4),
        "confident_ontopic": round(conf_on / max(len(on), 1), 4),
        "offtopic_rejected": round(rejected / max(len(off), 1), 4),
        "n": len(items),
    }


def print_misses(label: str, misses: Sequence[tuple[str, str, str, bool]]) -> None:
    print(f"\n{label}: {len(misses)} question(s) not answered right and confidently")
    for question, want, got, confident in misses:
        print(f"  {question[:48]:<48}  want {want:<22} got {got:<30} conf={confident}")


class PlainBM25:
    """Baseline: BM25 (k1=1.2, b=0.75) over title+text+keywords, lower-case, whitespace split."""

    def __init__(self, entries: Sequence[Entry]) -> None:
        self.entries = entries
        self.docs = [Counter(self._tok(f"{e.title} {e.text} {' '.join(e.keywords)}"))
                     for e in entries]
        self.lens = [sum(d.values()) for d in self.docs]
        self.avg = sum(self.lens) / len(self.lens)
        df = Counter(t for d in self.docs for t in d)
        n = len(self.docs)
        self.idf = {t: math.log(1 + (n - c + 0.5) / (c + 0.5)) for t, c in df.items()}

    @staticmethod
    def _tok(text: str) -> list[str]:
        return nfc(text).lower().split()

    def sections(self, question: str, k: int = 3) -> list[str]:
        q = set(self._tok(question))
        scores = []
        for i, doc in enumerate(self.docs):
            norm = 1.2 * (0.25 + 0.75 * self.lens[i] / self.avg)
            s = sum(self.idf[t] * doc[t] * 2.2 / (doc[t] + norm) for t in q if t in doc)
            if s > 0:
                scores.append((-s, i))
        out: list[str] = []
        for _, i in sorted(scores):
            if self.entries[i].section not in out:
                out.append(self.entries[i].section)
        return out[:k]


def baseline_top1(entries: Sequence[Entry], items: Sequence[Item]) -> float:
    bm25 = PlainBM25(entries)
    on = [i for i in items if not i.offtopic]
    hits = sum(bool(s) and s[0] in i.sections for i in on for s in [bm25.sections(i.question)])
    return round(hits / max(len(on), 1), 4)


def perturb(text: str, rng: random.Random) -> str:
    """Chat-style variant: abbreviations, maybe no diacritics, maybe one typo."""
    out = nfc(text).lower()
    for full, short in CHAT_FORMS.items():
        if full in out and rng.random() < 0.5:
            out = out.replace(full, short)
    if rng.random() < 0.5:
        out = fold(out)
    words = out.split()
    if words and rng.random() < 0.5:
        i = rng.randrange(len(words))
        words[i] = typo(words[i], rng)
    return " ".join(words)


def typo(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(len(word) - 1)
    if rng.random() < 0.5:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + word[i + 1 :]


def stream(
    kb: KnowledgeBase, items: Sequence[Item], n: int, seed: int
) -> list[tuple[str, str]]:
    """(original, perturbed) pairs from dev questions, entry titles and keywords."""
    rng = random.Random(seed)
    sources = [i.question for i in items] + [e.title for e in kb.entries]
    sources += [kw for e in kb.entries for kw in e.keywords]
    picks = [rng.choice(sources) for _ in range(n)]
    return [(original, perturb(original, rng)) for original in picks]


def latency(kb: KnowledgeBase, pairs: Sequence[tuple[str, str]]) -> dict[str, float]:
    """Time every perturbed query; also how often its top section equals the original's."""
    times, same, answered = [], 0, 0
    for i, (original, query) in enumerate(pairs):
        start = time.perf_counter_ns()
        res = kb.search(query, k=3)
        times.append((time.perf_counter_ns() - start) / 1e6)
        want = kb.search(original, k=1).answers
        if want:
            answered += 1
            same += bool(res.answers) and res.answers[0].section == want[0].section
        if (i + 1) % 2500 == 0:
            print(f"  stream: {i + 1}/{len(pairs)} queries", flush=True)
    times.sort()
    return {
        "p50_ms": round(statistics.median(times), 3),
        "p99_ms": round(times[int(len(times) * 0.99) - 1], 3),
        "max_ms": round(times[-1], 3),
        "n_stream": len(times),
        "stream_same_top": round(same / max(answered, 1), 4),
    }


def table(rows: dict[str, dict[str, float]], baseline: dict[str, float]) -> None:
    print(f"\n{'set':<10}{'n':>5}{'top1':>8}{'top3':>8}{'conf_on':>9}{'off_rej':>9}{'bm25':>8}")
    for name, r in rows.items():
        print(f"{name:<10}{r['n']:>5}{r['top1']:>8.3f}{r['top3']:>8.3f}"
              f"{r['confident_ontopic']:>9.3f}{r['offtopic_rejected']:>9.3f}{baseline[name]:>8.3f}")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--dev", type=Path, default=ROOT / ".." / "shared" / "spec" / "kb_dev.tsv")
    ap.add_argument("--heldout", type=Path, default=ROOT / "bench" / "kb_heldout.tsv")
    ap.add_argument("--extra", type=Path, nargs="*", default=[
        ROOT / "bench" / "kb_heldout2.tsv", ROOT / "bench" / "kb_heldout3.tsv"],
        help="more held-out sets, reported as heldout2_*, heldout3_*…")
    ap.add_argument("--stream", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=2023)
    return ap.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    kb = KnowledgeBase.load()
    print(f"loaded {len(kb.entries)} entries in {time.perf_counter() - started:.2f}s")
    sets = {"dev": read_items(args.dev), "heldout": read_items(args.heldout)}
    sets |= {f"heldout{i}": read_items(path) for i, path in enumerate(args.extra, start=2)}
    rows = {name: evaluate(kb, items, name) for name, items in sets.items()}
    base = {name: baseline_top1(kb.entries, items) for name, items in sets.items()}
    table(rows, base)
    dev = sets["dev"]
    print(f"\nlatency over {args.stream} generated queries (seed {args.seed})")
    lat = latency(kb, stream(kb, dev, args.stream, args.seed))
    print(f"  p50 {lat['p50_ms']} ms, p99 {lat['p99_ms']} ms, max {lat['max_ms']} ms; "
          f"same top section as the unperturbed query: {lat['stream_same_top']:.3f}")
    d = rows.pop("dev")
    result = {
        "top1": d["top1"], "top3": d["top3"], "offtopic_rejected": d["offtopic_rejected"],
        "confident_ontopic": d["confident_ontopic"], "baseline_top1": base.pop("dev"),
        "n_dev": d["n"], **lat,
    }
    for name, row in rows.items():
        result |= {f"{name}_{key}": value for key, value in row.items() if key != "n"}
        result |= {f"{name}_baseline_top1": base[name], f"n_{name}": row["n"]}
    result |= {"n_entries": len(kb.entries), "seconds": round(time.perf_counter() - started, 2)}
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
