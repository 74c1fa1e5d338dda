"""Value types of the ranking: tuning parameters, documents, analysed questions, results."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from knowledge.phrases import Tokens


@dataclass(frozen=True)
class RankParams:
    """Tuning knobs, chosen by measurement with ``bench/kb.py``."""

    k1: float = 1.2
    title_weight: float = 2.0
    keyword_weight: float = 1.5
    text_weight: float = 1.0
    title_b: float = 0.3  # BM25F length normalisation per field
    text_b: float = 0.75
    keyword_b: float = 0.5
    bigram_weight: float = 0.6
    concept_weight: float = 0.6
    fuzzy_weight: float = 0.7  # a misspelt word corrected to a known one
    guess_weight: float = 0.5  # a real but unknown word replaced to fit its neighbours
    accent_penalty: float = 0.5
    focus_weight: float = 1.5  # words after "muốn", "xin"… (what is wanted)
    focus_bonus: float = 0.3  # an entry about a benefit named after "muốn", "xin"…
    narrative_weight: float = 0.4  # story words ("tuổi", "con") and numbers as single words
    min_coverage: float = 0.5
    min_specific: float = 2.0
    strong_specific: float = 10.0  # more than one rare two-word term may answer a chatty…
    strong_min_coverage: float = 0.25  # …question that covers only this share of its words
    anchor_min_coverage: float = 0.15  # a benefit named by an anchor synonym group answers a
    # long story that covers only this share of its words
    max_chars: int = 1000
    max_tokens: int = 40


@dataclass(frozen=True)
class Document:
    """The searchable fields of one knowledge-base entry."""

    title: str
    text: str
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class QueryTerm:
    """One content token of a question (stopwords removed)."""

    token: str
    weight: float
    generic: bool
    concepts: frozenset[str]
    accented: tuple[str, ...] = ()  # the words as typed, those that carried diacritics
    phrase: bool = False  # part of a multi-word synonym phrase


@dataclass(frozen=True)
class Query:
    terms: tuple[QueryTerm, ...]
    pairs: tuple[QueryTerm, ...]
    features: Mapping[str, float]
    tokens: Tokens = field(default_factory=lambda: Tokens((), ()))  # stopwords included
    turn: int | None = None  # index in ``tokens`` after "muốn", "cần"… (where the ask starts)
    wanted: frozenset[str] = frozenset()  # anchor concepts after the focus marker


class Ranked(NamedTuple):
    """One scored document: ``score`` in 0..1, plus the evidence the confidence rule uses."""

    doc: int
    score: float
    coverage: float
    specific: float
    adjacent: bool
    anchored: bool = False  # shares with the question a concept that names a benefit
