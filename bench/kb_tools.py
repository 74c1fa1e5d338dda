"""Helpers of ``bench/kb.py``: the plain BM25 baseline and the perturbed latency stream."""

from __future__ import annotations

import math
import random
import statistics
import time
from collections import Counter
from collections.abc import Sequence
from typing import Protocol

from knowledge.normalize import fold, nfc
from knowledge.search import Entry, KnowledgeBase

# Inverse abbreviations a chatting citizen uses (full phrase → short form).
CHAT_FORMS = {
    "không": "ko", "được": "dc", "gì": "j", "bảo hiểm y tế": "bhyt", "hộ nghèo": "hn",
    "hộ cận nghèo": "hcn", "xuất khẩu lao động": "xkld", "người": "ng", "với": "vs",
    "ngân hàng chính sách xã hội": "nhcs", "ủy ban nhân dân": "ubnd", "cộng tác viên": "ctv",
}


class Labelled(Protocol):
    question: str

    @property
    def sections(self) -> tuple[str, ...]: ...

    @property
    def offtopic(self) -> bool: ...


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


def baseline_top1(entries: Sequence[Entry], items: Sequence[Labelled]) -> float | None:
    bm25 = PlainBM25(entries)
    on = [i for i in items if not i.offtopic]
    hits = sum(bool(s) and s[0] in i.sections for i in on for s in [bm25.sections(i.question)])
    return round(hits / len(on), 4) if on else None


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
    kb: KnowledgeBase, questions: Sequence[str], n: int, seed: int
) -> list[tuple[str, str]]:
    """(original, perturbed) pairs from the given questions, entry titles and keywords."""
    rng = random.Random(seed)
    sources = [*questions, *(e.title for e in kb.entries)]
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
