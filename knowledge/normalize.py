"""Vietnamese text normalisation for knowledge-base search.

Pipeline: NFC → lower case → accent folding (NFD, strip combining marks, đ→d) → punctuation to
spaces → tokens → abbreviation expansion. The lexicon (abbreviations, topic synonyms, stopwords,
generic words) is data: ``knowledge/data/synonyms.yaml``.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).parent / "data"
SYNONYMS_PATH = DATA_DIR / "synonyms.yaml"
CONCEPT_PREFIX = "~"
_NON_WORD = re.compile(r"[\W_]+")
_BREAK = re.compile(r"[.,;:!?()\[\]{}\"“”‘’…–—/|\n]+|\s-\s")
# A folded Vietnamese syllable: initial consonant, vowel cluster, final consonant, with the
# spelling rules that typos usually break (gh/ngh/k only before e, i, y; c/g/ng never there).
_NUCLEI = (
    "ieu", "oai", "oao", "oay", "oeo", "uay", "uoi", "uou", "uya", "uye", "uyu", "yeu", "ai",
    "ao", "au", "ay", "eo", "eu", "ia", "ie", "iu", "oa", "oe", "oi", "oo", "ua", "ue", "ui",
    "uo", "uu", "uy", "ye", "a", "e", "i", "o", "u", "y",
)
_SYLLABLE = re.compile(
    rf"gi(?:{'|'.join(_NUCLEI)})?(?:ch|ng|nh|[cmnpt])?|"
    r"(?:(?:ngh|gh|k)(?=[eiy])|(?:ng|g|c)(?![eiy])|ch|kh|nh|ph|qu|th|tr|[bdhlmnprstvx])?"
    rf"(?:{'|'.join(_NUCLEI)})(?:ch|ng|nh|[cmnpt])?"
)


def nfc(text: str) -> str:
    """Compose combining marks (NFC), so NFD input compares equal to NFC input."""
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Lower-case and strip Vietnamese diacritics: ``"Đường Hộ nghèo"`` → ``"duong ho ngheo"``."""
    if len(text) <= 24:
        return _fold_word(text)
    return _fold(text)


@lru_cache(maxsize=65536)
def _fold_word(text: str) -> str:
    return _fold(text)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.lower())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.replace("đ", "d")


def words(text: str) -> list[str]:
    """Lower-case NFC words with their diacritics; anything but letters and digits separates."""
    return [word for word in _NON_WORD.split(nfc(text).lower()) if word]


def tokenize(text: str) -> list[str]:
    """Folded word tokens; punctuation, symbols, emoji and control characters separate words."""
    return [fold(word) for word in words(text)]


def segments(text: str) -> list[str]:
    """Clauses between punctuation marks: word pairs are only taken inside one clause."""
    return [part for part in _BREAK.split(text) if part.strip()]


def is_syllable(token: str) -> bool:
    """Whether a folded token is spelled like a Vietnamese syllable (``nghe`` yes, ``nge`` no)."""
    return _SYLLABLE.fullmatch(token) is not None


def bigrams(tokens: Sequence[str]) -> list[str]:
    """Adjacent token pairs joined by a space (Vietnamese words are mostly two syllables)."""
    return [f"{a} {b}" for a, b in itertools.pairwise(tokens)]


@dataclass(frozen=True)
class Lexicon:
    """Search vocabulary from data: every key and phrase is stored folded and tokenised."""

    abbreviations: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    groups: tuple[tuple[tuple[str, ...], ...], ...] = ()
    stopwords: frozenset[str] = frozenset()
    generic: tuple[tuple[str, ...], ...] = ()
    phrase_index: Mapping[str, tuple[tuple[tuple[str, ...], int], ...]] = field(
        default_factory=dict
    )
    narrative: frozenset[str] = frozenset()  # story words: unmatched, they do not count against
    accented_stopwords: frozenset[str] = frozenset()  # dropped when typed with these marks
    homographs: Mapping[str, Homograph] = field(default_factory=dict)
    anchors: frozenset[str] = frozenset()  # concept markers of the groups that name a benefit
    generic_index: Mapping[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    focus: tuple[tuple[str, ...], ...] = ()  # "muốn", "xin": what follows is what is wanted
    turn: tuple[tuple[str, ...], ...] = ()  # "muốn", "cần": the story turns to the ask

    @classmethod
    def load(cls, path: Path | None = None) -> Lexicon:
        raw: Any = yaml.safe_load((path or SYNONYMS_PATH).read_text(encoding="utf-8")) or {}
        return cls.from_mapping(raw)

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any]) -> Lexicon:
        abbreviations = {
            fold(nfc(str(key))): tuple(tokenize(str(value)))
            for key, value in (raw.get("abbreviations") or {}).items()
        }
        groups = tuple(
            tuple(tuple(tokenize(str(phrase))) for phrase in group if tokenize(str(phrase)))
            for group in raw.get("synonyms") or []
        )
        return cls(
            abbreviations=abbreviations,
            groups=groups,
            phrase_index=_phrase_index(groups),
            stopwords=frozenset(tok for phrase in _phrases(raw.get("stopwords")) for tok in phrase),
            generic=_phrases(raw.get("generic")),
            generic_index=_by_first(_phrases(raw.get("generic"))),
            focus=_phrases(raw.get("focus")),
            turn=_phrases(raw.get("turn")),
            narrative=frozenset(tok for phrase in _phrases(raw.get("narrative")) for tok in phrase),
            accented_stopwords=frozenset(
                nfc(str(word)).lower() for word in raw.get("accented_stopwords") or ()),
            homographs={fold(nfc(str(key))): Homograph.of(value)
                        for key, value in (raw.get("homographs") or {}).items()},
            anchors=_anchors(groups, raw.get("anchors")),
        )


@dataclass(frozen=True)
class Homograph:
    """A folded word that is a content word only next to these neighbours ("vay" is "vay vốn"
    next to "vốn", otherwise the particle "vậy"); ``#`` stands for any number."""

    before: frozenset[str] = frozenset()
    after: frozenset[str] = frozenset()

    @classmethod
    def of(cls, raw: Any) -> Homograph:
        raw = raw or {}
        return cls(frozenset(tok for w in raw.get("before") or () for tok in tokenize(str(w))),
                   frozenset(tok for w in raw.get("after") or () for tok in tokenize(str(w))
                             ) | frozenset("#" for w in raw.get("after") or () if str(w) == "#"))

    def content(self, prev: str, nxt: str) -> bool:
        after = nxt in self.after or ("#" in self.after and nxt.isdigit())
        return prev in self.before or after


def _anchors(groups: tuple[tuple[tuple[str, ...], ...], ...], names: Any) -> frozenset[str]:
    wanted = {tuple(tokenize(str(name))) for name in names or ()}
    return frozenset(f"{CONCEPT_PREFIX}{number}" for number, group in enumerate(groups)
                     if wanted & set(group))


def _phrase_index(
    groups: tuple[tuple[tuple[str, ...], ...], ...],
) -> dict[str, tuple[tuple[tuple[str, ...], int], ...]]:
    index: dict[str, list[tuple[tuple[str, ...], int]]] = {}
    for number, group in enumerate(groups):
        for phrase in group:
            index.setdefault(phrase[0], []).append((phrase, number))
    return {first: tuple(items) for first, items in index.items()}


def _by_first(phrases: Iterable[tuple[str, ...]]) -> dict[str, tuple[tuple[str, ...], ...]]:
    index: dict[str, list[tuple[str, ...]]] = {}
    for phrase in phrases:
        index.setdefault(phrase[0], []).append(phrase)
    return {first: tuple(items) for first, items in index.items()}


def _phrases(phrases: Iterable[Any] | None) -> tuple[tuple[str, ...], ...]:
    tokenised = (tuple(tokenize(str(phrase))) for phrase in phrases or ())
    return tuple(phrase for phrase in tokenised if phrase)


def expand_abbreviations(tokens: Iterable[str], lexicon: Lexicon) -> list[str]:
    """Replace chat abbreviations and acronyms (``ko``, ``bhyt``…) by their folded expansion."""
    out: list[str] = []
    for tok in tokens:
        out.extend(lexicon.abbreviations.get(tok, (tok,)))
    return out


def concept_spans(
    tokens: Sequence[str], lexicon: Lexicon, min_words: int = 1
) -> dict[int, set[str]]:
    """Token position → markers (``~3``) of the synonym groups whose phrases (of at least
    ``min_words`` words) cover it; a phrase overlapping a longer one does not count."""
    return spans_of(phrase_matches(tokens, lexicon, min_words)[0])


Match = tuple[int, int, int]  # (start, end, synonym group)


def spans_of(matches: Iterable[Match], min_words: int = 1) -> dict[int, set[str]]:
    """Token position → concept markers of the matches (of at least ``min_words`` words)."""
    found: dict[int, set[str]] = {}
    for start, end, group in matches:
        if end - start >= min_words:
            for pos in range(start, end):
                found.setdefault(pos, set()).add(f"{CONCEPT_PREFIX}{group}")
    return found


def shadowed(tokens: Sequence[str], lost: Iterable[Match]) -> set[str]:
    """Two-word synonym phrases that overlap a longer phrase ("đi học" in "đi học nghề"): as
    word pairs they would pull towards the wrong topic."""
    return {" ".join(tokens[s:e]) for s, e, _ in lost if e - s == 2}


def phrase_matches(tokens: Sequence[str], lexicon: Lexicon, min_words: int = 1
                   ) -> tuple[list[Match], list[Match]]:
    """(kept, shadowed) phrase matches: a phrase inside or across a longer one of another
    synonym group is shadowed."""
    matches = []
    for start, tok in enumerate(tokens):
        for phrase, group in lexicon.phrase_index.get(tok, ()):
            if len(phrase) >= min_words and tuple(tokens[start : start + len(phrase)]) == phrase:
                matches.append((start, start + len(phrase), group))
    kept: list[Match] = []
    lost: list[Match] = []
    for start, end, group in matches:
        longer = any(e - s > end - start and s < end and start < e and g != group
                     for s, e, g in matches)
        (lost if longer else kept).append((start, end, group))
    return kept, lost


def concepts(tokens: Sequence[str], lexicon: Lexicon) -> list[str]:
    """Sorted concept markers of every synonym group one of whose phrases occurs in tokens."""
    return sorted(set().union(*concept_spans(tokens, lexicon).values()))


def generic_mask(tokens: Sequence[str], lexicon: Lexicon) -> list[bool]:
    """For each token, whether it is part of a generic phrase (``hỗ trợ``, ``nhà nước``…)."""
    mask = [False] * len(tokens)
    by_first = lexicon.generic_index
    for start, tok in enumerate(tokens):
        for phrase in by_first.get(tok, ()):
            if tuple(tokens[start : start + len(phrase)]) == phrase:
                mask[start : start + len(phrase)] = [True] * len(phrase)
    return mask


def focus_start(tokens: Sequence[str], lexicon: Lexicon, turn: bool = False) -> int | None:
    """Index of the first token after the last focus phrase ("muốn", "xin"…), if any; with
    ``turn``, after the last phrase where a story turns to its ask ("muốn", "cần")."""
    start = None
    for phrase in lexicon.turn if turn else lexicon.focus:
        size = len(phrase)
        for i in range(len(tokens) - size + 1):
            if tuple(tokens[i : i + size]) == phrase and (start is None or i + size > start):
                start = i + size
    return start


def normalize(text: str, lexicon: Lexicon | None = None) -> str:
    """Folded, abbreviation-expanded text as one string (for display, logs and tests)."""
    tokens = tokenize(text)
    if lexicon is not None:
        tokens = expand_abbreviations(tokens, lexicon)
    return " ".join(tokens)
