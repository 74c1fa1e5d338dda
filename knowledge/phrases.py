"""Phrase matching over a question's tokens, shared by the out-of-scope topics and the
eligibility cues.

A phrase is written by staff with or without diacritics. It is compared with the question's
folded tokens; where the citizen typed a word with diacritics and the phrase's word has
diacritics too, they must agree ("thuế" is not "thuê"), old and new tone placement alike
("hoá" = "hóa").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from knowledge.normalize import fold, nfc, words

# Old-style tone placement → new style, at the end of a syllable (hoá → hóa, thuỷ → thủy).
_OLD_TONES = {
    "oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa",
    "oè": "òe", "oé": "óe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe",
    "uỳ": "ùy", "uý": "úy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy",
}
_OLD = re.compile("(" + "|".join(_OLD_TONES) + r")$")


def canonical(word: str) -> str:
    """Lower-case NFC word with the new tone placement."""
    word = nfc(word).lower()
    return _OLD.sub(lambda m: _OLD_TONES[m.group(1)], word)


@dataclass(frozen=True)
class Phrase:
    folded: tuple[str, ...]
    accented: tuple[str | None, ...]  # the word as written when it carries diacritics

    @classmethod
    def of(cls, text: str) -> Phrase | None:
        written = words(text)
        if not written:
            return None
        folded = tuple(fold(w) for w in written)
        accented = tuple(canonical(w) if fold(w) != w else None for w in written)
        return cls(folded, accented)


def phrases(texts: Iterable[object] | None) -> tuple[Phrase, ...]:
    made = (Phrase.of(str(text)) for text in texts or ())
    return tuple(p for p in made if p is not None)


@dataclass(frozen=True)
class Tokens:
    """A question as folded tokens plus the words as typed (None where typed without marks)."""

    folded: tuple[str, ...]
    typed: tuple[str | None, ...]

    @classmethod
    def of(cls, text: str) -> Tokens:
        written = words(text)
        return cls(tuple(fold(w) for w in written),
                   tuple(canonical(w) if fold(w) != w else None for w in written))


def _agrees(phrase: Phrase, tokens: Tokens, start: int) -> bool:
    for offset, folded in enumerate(phrase.folded):
        if tokens.folded[start + offset] != folded:
            return False
        typed, written = tokens.typed[start + offset], phrase.accented[offset]
        if typed is not None and written is not None and typed != written:
            return False
    return True


class PhraseIndex:
    """Labelled phrases indexed by their first word: one pass over a question finds them all."""

    def __init__(self, labelled: Iterable[tuple[str, Phrase]]) -> None:
        index: dict[str, list[tuple[str, Phrase]]] = {}
        for label, phrase in labelled:
            index.setdefault(phrase.folded[0], []).append((label, phrase))
        self._index = index

    def words(self) -> set[str]:
        return {w for items in self._index.values() for _, p in items for w in p.folded}

    def find(self, tokens: Tokens) -> dict[str, list[tuple[int, int]]]:
        """Label → (start, end) of each occurrence."""
        found: dict[str, list[tuple[int, int]]] = {}
        size = len(tokens.folded)
        for start, token in enumerate(tokens.folded):
            for label, phrase in self._index.get(token, ()):
                end = start + len(phrase.folded)
                if end <= size and _agrees(phrase, tokens, start):
                    found.setdefault(label, []).append((start, end))
        return found


def free(found: Iterable[tuple[int, int]], blocked: Sequence[tuple[int, int]]
         ) -> list[tuple[int, int]]:
    """The spans that overlap none of the blocked spans."""
    return [(s, e) for s, e in found if not any(s < be and bs < e for bs, be in blocked)]


def near(first: Sequence[tuple[int, int]], second: Sequence[tuple[int, int]], window: int
         ) -> bool:
    """A span of each list, not overlapping, at most ``window`` tokens apart."""
    for s1, e1 in first:
        for s2, e2 in second:
            gap = s2 - e1 if s2 >= e1 else s1 - e2
            if 0 <= gap <= window:
                return True
    return False
