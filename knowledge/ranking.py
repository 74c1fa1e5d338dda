"""Lexical ranking for the knowledge base.

- Features: accent-folded words, word pairs inside one clause, and synonym-group concepts from
  ``synonyms.yaml`` (a phrase inside a longer phrase of another group does not count: "đi học"
  in "đi học nghề"); BM25F over the fields title, text and keywords (own weights and length
  normalisation).
- Questions: chat abbreviations expanded, particles that fold like content words dropped ("vậy"),
  typos corrected against the entries' own vocabulary (``knowledge.spelling``), stopwords
  dropped; words after "muốn", "xin"… (what is asked for) weigh more, story words and bare
  numbers weigh less, and entries about a benefit named after the focus word rank higher.
- Confidence: the best entry must cover enough of the question's IDF mass, hold enough rare
  (non-generic) evidence, and — for questions of several content words — match two of them side
  by side or a multi-word synonym; words typed with diacritics that match only a differently
  accented word (``căn`` / ``cận``) count half. A long story is also answered when the best
  entry is *about* (title or keywords) a benefit the question names by an anchor synonym group
  (``anchors`` in ``synonyms.yaml``); story words (``narrative``) left unmatched do not count
  against it.
"""
from __future__ import annotations

import itertools
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence

from knowledge.normalize import (
    CONCEPT_PREFIX,
    Lexicon,
    bigrams,
    concept_spans,
    expand_abbreviations,
    focus_start,
    generic_mask,
    phrase_matches,
    segments,
    shadowed,
    spans_of,
    tokenize,
    words,
)
from knowledge.query import question_tokens
from knowledge.rank_types import Document, Query, QueryTerm, Ranked, RankParams
from knowledge.spelling import Speller


class Index:
    """An immutable BM25F index over a handful of documents (built once, queried many times)."""

    def __init__(self, docs: Sequence[Document], lexicon: Lexicon, params: RankParams,
                 vocabulary: Iterable[str] = ()) -> None:
        """``vocabulary``: more words typo correction must know (out-of-scope phrases…)."""
        self.lexicon = lexicon
        self.params = params
        doc_fields = [self._doc_fields(doc) for doc in docs]
        doc_feats = [sum(fields, Counter()) for fields in doc_fields]
        self._doc_sets = [frozenset(feats) for feats in doc_feats]
        self._about = [frozenset(fields[0]) | frozenset(fields[2]) for fields in doc_fields]
        self._doc_words = [
            frozenset(w for text in (d.title, d.text, *d.keywords) for w in words(text))
            for d in docs
        ]
        self._idf = _idf(doc_feats)
        self._idf_max = max(self._idf.values(), default=1.0)
        self._postings = self._build_postings(doc_fields)
        self._speller = Speller(
            Counter(f for feats in doc_feats for f in feats if _is_unigram(f)),
            (f for f in self._idf if " " in f),
            (tok for phrases in lexicon.groups for phrase in phrases for tok in phrase),
            keep=vocabulary,
        )

    # -- building -----------------------------------------------------------------------
    def _features(self, tokens: Sequence[str],
                  concepts: Mapping[int, set[str]] | None = None) -> list[str]:
        content = [tok for tok in tokens if tok not in self.lexicon.stopwords]
        if concepts is None:
            concepts = concept_spans(tokens, self.lexicon)
        return content + bigrams(content) + sorted(set().union(*concepts.values()))

    def _doc_fields(self, doc: Document) -> tuple[Counter[str], ...]:
        """Feature counts of the title, the text and the keywords."""
        fields = []
        for phrases in ((doc.title,), (doc.text,), doc.keywords):
            counts: Counter[str] = Counter()
            for clause in (part for phrase in phrases for part in segments(phrase)):
                counts.update(self._features(expand_abbreviations(tokenize(clause), self.lexicon)))
            fields.append(counts)
        return tuple(fields)

    def _build_postings(
        self, doc_fields: Sequence[tuple[Counter[str], ...]]
    ) -> dict[str, tuple[tuple[int, float], ...]]:
        """BM25F: per-field weighted, length-normalised term frequency, then saturation."""
        p = self.params
        weights = (p.title_weight, p.text_weight, p.keyword_weight)
        slopes = (p.title_b, p.text_b, p.keyword_b)
        lengths = [[_length(counts) for counts in fields] for fields in doc_fields]
        avgs = [sum(row[i] for row in lengths) / max(len(lengths), 1) or 1.0 for i in range(3)]
        postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for doc, fields in enumerate(doc_fields):
            merged: dict[str, float] = defaultdict(float)
            for i, counts in enumerate(fields):
                norm = 1 - slopes[i] + slopes[i] * lengths[doc][i] / avgs[i]
                for feat, tf in counts.items():
                    merged[feat] += weights[i] * tf / norm
            for feat, weighted in merged.items():
                saturated = weighted * (p.k1 + 1) / (weighted + p.k1)
                postings[feat].append((doc, self._idf[feat] * saturated))
        return {feat: tuple(items) for feat, items in postings.items()}

    # -- querying -----------------------------------------------------------------------
    def analyse(self, question: str) -> Query:
        """Question → weighted content terms, adjacent pairs and ranking features."""
        lex, p = self.lexicon, self.params
        typed, every = question_tokens(question, lex, self._speller, p.max_chars, p.max_tokens,
                                       p.fuzzy_weight, p.guess_weight)
        tokens = [tok for tok, _, _ in typed]
        focus = focus_start(tokens, lex)
        if focus is not None and focus < len(tokens):
            typed = [(tok, acc, weight * (p.focus_weight if i >= focus else 1.0))
                     for i, (tok, acc, weight) in enumerate(typed)]
        else:
            focus = None
        generic = generic_mask(tokens, lex)
        kept, lost = phrase_matches(tokens, lex)
        concepts, phrases = spans_of(kept), spans_of(kept, min_words=2)
        terms = [
            QueryTerm(tok, weight, generic[i], frozenset(concepts.get(i, ())),
                      (accented,) if accented else (),
                      i in phrases)
            for i, (tok, accented, weight) in enumerate(typed)
            if tok not in lex.stopwords
        ]
        pairs = [
            QueryTerm(f"{a.token} {b.token}", min(a.weight, b.weight), a.generic and b.generic,
                      a.concepts | b.concepts, a.accented + b.accented)
            for a, b in itertools.pairwise(terms)
        ]
        weights = {tok: weight for tok, _, weight in typed}
        wanted = frozenset().union(*(concepts.get(i, set()) for i in range(focus or 0, len(tokens))
                                     if focus is not None)) & lex.anchors
        features = self._query_features(tokens, weights, concepts, shadowed(tokens, lost))
        return Query(_dedupe(terms), _dedupe(pairs), features,
                     every, focus_start(every.folded, lex, turn=True), wanted)

    def _query_features(self, tokens: Sequence[str], weights: Mapping[str, float],
                        concepts: Mapping[int, set[str]], hidden: set[str]) -> dict[str, float]:
        features: dict[str, float] = {}
        narrative = self.lexicon.narrative
        for feat in self._features(tokens, concepts):
            if feat in hidden:
                continue
            kind = _kind_weight(feat, self.params)
            if feat in narrative or (feat.isdigit() and not _year(feat)):  # "tuổi", "20" alone
                kind *= self.params.narrative_weight
            weight = kind * min((weights.get(t, 1.0) for t in feat.split(" ")), default=1.0)
            features[feat] = max(features.get(feat, 0.0), weight)
        return features

    def rank(self, query: Query, evidence: int = 3) -> list[Ranked]:
        """Documents sharing a feature with the query, best first (ties by document order);
        the confidence evidence is computed for the first ``evidence`` only (zero after)."""
        raw: dict[int, float] = defaultdict(float)
        for feat, weight in query.features.items():
            for doc, contrib in self._postings.get(feat, ()):
                raw[doc] += weight * contrib
        ideal = self._ideal(query)
        if query.wanted:  # entries about what is asked for, rather than about the story
            for doc in raw:
                if self._about[doc] & query.wanted:
                    raw[doc] *= 1 + self.params.focus_bonus
        order = sorted(raw.items(), key=lambda item: (-item[1], item[0]))
        return [self._evidence(query, doc, score / ideal) if i < evidence
                else Ranked(doc, min(score / ideal, 1.0), 0.0, 0.0, False)
                for i, (doc, score) in enumerate(order)]

    def _ideal(self, query: Query) -> float:
        k1 = self.params.k1
        known = sum(w * self._idf[f] for f, w in query.features.items() if f in self._idf)
        unknown = sum(t.weight * self._idf_max for t in query.terms if t.token not in self._idf)
        return max((known + unknown) * (k1 + 1), 1e-9)

    @staticmethod
    def _exact(term: QueryTerm, typed: frozenset[str]) -> bool:
        """The words typed with diacritics occur with the same diacritics in the entry."""
        return all(word in typed for word in term.accented)

    def _evidence(self, query: Query, doc: int, score: float) -> Ranked:
        p = self.params
        feats, typed = self._doc_sets[doc], self._doc_words[doc]
        total = matched = specific = 0.0
        adjacent = anchored = False
        narrative = self.lexicon.narrative
        for term in query.terms:
            mass = term.weight * self._idf.get(term.token, self._idf_max)
            synonym = bool(term.concepts & feats)
            hit = synonym or term.token in feats
            context = term.token.isdigit() or term.token in narrative  # "17 tuổi", "mẹ tôi"
            total += mass if hit or not context else 0.0
            about = term.concepts & self._about[doc] & self.lexicon.anchors
            anchored |= bool(about) and not term.generic
            if hit:
                mass *= 1.0 if synonym or self._exact(term, typed) else p.accent_penalty
                matched += mass
                specific += 0.0 if term.generic else mass
                adjacent |= term.phrase and bool(term.concepts & feats)
        for pair in query.pairs:
            if pair.token in feats and not pair.generic:
                exact = self._exact(pair, typed)
                adjacent |= exact and pair.weight > p.guess_weight
                mass = pair.weight * self._idf[pair.token]
                specific += mass if exact else mass * p.accent_penalty
        coverage = matched / total if total else 0.0
        return Ranked(doc, min(score, 1.0), coverage, specific, adjacent, anchored)

    def confident(self, query: Query, best: Ranked) -> bool:
        """Enough of the question's rare words found in the best entry, not only generic ones;
        a question of several content words must also match two of them side by side (or a
        synonym phrase), so that unrelated words that merely exist in the plan do not count."""
        p = self.params
        if best.anchored and best.coverage >= p.anchor_min_coverage:
            return True
        several = sum(not term.generic for term in query.terms) >= 2
        if several and not best.adjacent:
            return False
        if best.specific >= p.strong_specific:
            return best.coverage >= p.strong_min_coverage
        return best.coverage >= p.min_coverage and best.specific >= p.min_specific


def _length(counts: Counter[str]) -> int:
    return sum(tf for feat, tf in counts.items() if _is_unigram(feat))


def _year(token: str) -> bool:
    """A year (2021, 2027…) tells which period is asked about, unlike an age or an amount."""
    return len(token) == 4 and token.startswith("20")


def _is_unigram(feat: str) -> bool:
    return " " not in feat and not feat.startswith(CONCEPT_PREFIX)


def _kind_weight(feat: str, p: RankParams) -> float:
    if feat.startswith(CONCEPT_PREFIX):
        return p.concept_weight
    return p.bigram_weight if " " in feat else 1.0


def _idf(doc_feats: Sequence[Counter[str]]) -> dict[str, float]:
    n = len(doc_feats)
    df: Counter[str] = Counter(f for feats in doc_feats for f in feats)
    return {f: math.log(1 + (n - d + 0.5) / (d + 0.5)) for f, d in df.items()}


def _dedupe(terms: Iterable[QueryTerm]) -> tuple[QueryTerm, ...]:
    seen: dict[str, QueryTerm] = {}
    for term in terms:
        seen.setdefault(term.token, term)
    return tuple(seen.values())
