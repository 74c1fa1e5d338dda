"""Typo correction against the knowledge base's own vocabulary.

Two passes, both limited to one edit (rapidfuzz OSA distance: insert, delete, substitute or swap
adjacent letters):

1. a token that is not a well-spelt Vietnamese syllable (``dongg``, ``nge``, ``heim``) becomes the
   most frequent vocabulary token one edit away;
2. an unknown token that forms no known word pair with its neighbours (``truyen tanh``) becomes a
   token one edit away that does (``truyen thanh``): typos that are themselves real syllables.

A well-spelt word the plan does not use (``xăng``) is left alone by pass 1; pass 2 may still
guess, so the ranking gives its guesses a lower weight and does not count them as evidence that
a question is on topic.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from knowledge.normalize import is_syllable


class Speller:
    """Corrects folded tokens; built once from the index's unigram counts and bigrams."""

    def __init__(
        self, unigrams: Counter[str], bigrams: Iterable[str], extra: Iterable[str] = (),
        keep: Iterable[str] = (),
    ) -> None:
        """``extra``: more words to correct towards; ``keep``: words never corrected, but not
        targets of a correction (out-of-scope phrases must not attract typos)."""
        self._choices = sorted(frozenset(unigrams) | frozenset(extra),
                               key=lambda tok: (-unigrams.get(tok, 0), tok))
        self.vocab = frozenset(self._choices) | frozenset(keep)
        self._rank = {tok: i for i, tok in enumerate(self._choices)}
        self._pairs = frozenset(bigrams)
        after: dict[str, set[str]] = defaultdict(set)
        before: dict[str, set[str]] = defaultdict(set)
        for pair in self._pairs:
            first, second = pair.split(" ")
            after[first].add(second)
            before[second].add(first)
        self._after = {key: tuple(sorted(v)) for key, v in after.items()}
        self._before = {key: tuple(sorted(v)) for key, v in before.items()}
        self.word = lru_cache(maxsize=8192)(self._word)
        self._in_context = lru_cache(maxsize=8192)(self._in_context_uncached)

    def _word(self, token: str) -> str:
        """Pass 1: a misspelt unknown token → nearest frequent vocabulary token (or itself)."""
        if token in self.vocab or len(token) < 3 or token.isdigit() or is_syllable(token):
            return token
        found = process.extract(token, self._choices, scorer=OSA.distance, score_cutoff=1,
                                limit=8)
        for candidate, _dist, _index in sorted(found, key=lambda hit: (hit[1], hit[2])):
            if len(token) > 3 or len(candidate) == 4:  # 3 letters: only a dropped letter
                return str(candidate)
        return token

    def in_context(self, tokens: Sequence[str], movable: Sequence[bool]) -> list[str]:
        """Pass 2 over content tokens: fix unknown tokens that pair with neither neighbour."""
        out = list(tokens)
        for i, tok in enumerate(tokens):
            if not movable[i] or tok in self.vocab or len(tok) < 3 or tok.isdigit():
                continue
            prev = tokens[i - 1] if i > 0 else ""
            nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
            if f"{prev} {tok}" in self._pairs or f"{tok} {nxt}" in self._pairs:
                continue
            out[i] = self._in_context(prev, tok, nxt)
        return out

    def _in_context_uncached(self, prev: str, token: str, nxt: str) -> str:
        options = set(self._after.get(prev, ())) | set(self._before.get(nxt, ()))
        options = {o for o in options if len(o) >= 3 and o != token}
        if not options:
            return token
        found = process.extract(token, sorted(options), scorer=OSA.distance, score_cutoff=1,
                                limit=None)
        if not found:
            return token
        best = min(found, key=lambda hit: (hit[1], self._rank.get(str(hit[0]), 1 << 30)))
        return str(best[0])
