"""Near-domain topics the plan does not cover (``knowledge/data/out-of-scope.yaml``).

A question about one of them (an electricity bill, a pension, a land certificate…) must not be
answered with plan text that merely shares "hỗ trợ" and "hộ nghèo": ``Scope.match`` names the
topic and the office that usually handles it, and the search says ``not_covered``. Topics are
matched by their phrases, or by two word lists near each other, never by whole questions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from knowledge.normalize import DATA_DIR
from knowledge.phrases import Phrase, PhraseIndex, Tokens, free, near, phrases

SCOPE_PATH = DATA_DIR / "out-of-scope.yaml"


@dataclass(frozen=True)
class Topic:
    """What the citizen is told: the topic, the office that usually handles it, a note."""

    id: str
    title: str
    office: str
    note: str | None = None
    title_en: str | None = None
    office_en: str | None = None
    note_en: str | None = None


@dataclass(frozen=True)
class _Near:
    first: tuple[Phrase, ...]
    second: tuple[Phrase, ...]
    window: int


@dataclass(frozen=True)
class _Rule:
    phrases: tuple[Phrase, ...]
    near: tuple[_Near, ...]
    blocked: tuple[Phrase, ...]


class ScopeError(ValueError):
    """``out-of-scope.yaml`` is malformed."""


class Scope:
    """Ordered topics; the first that matches a question wins."""

    def __init__(self, topics: Sequence[Topic], rules: Mapping[str, Sequence[_Rule]]) -> None:
        self.topics = tuple(topics)
        self._indexes = {lang: _index(lang_rules) for lang, lang_rules in rules.items()}
        self._rules = {lang: tuple(lang_rules) for lang, lang_rules in rules.items()}

    @classmethod
    def load(cls, path: Path | None = None) -> Scope:
        raw: Any = yaml.safe_load((path or SCOPE_PATH).read_text(encoding="utf-8")) or []
        if not isinstance(raw, list):
            raise ScopeError("out-of-scope.yaml: expected a list of topics")
        topics = [_topic(item) for item in raw]
        rules = {"vi": [_rule(item) for item in raw],
                 "en": [_rule(item.get("en") or {}) for item in raw]}
        return cls(topics, rules)

    def match(self, tokens: Tokens, lang: str = "vi") -> Topic | None:
        """The first topic the question is about, or None."""
        index = self._indexes.get(lang)
        if index is None or not tokens.folded:
            return None
        found = index.find(tokens)
        for number in sorted({int(label.partition(":")[0]) for label in found}):
            blocked = found.get(f"{number}:x", [])
            if free(found.get(f"{number}:p", ()), blocked):
                return self.topics[number]
            for pair, rule in enumerate(self._rules[lang][number].near):
                first = free(found.get(f"{number}:a{pair}", ()), blocked)
                second = free(found.get(f"{number}:b{pair}", ()), blocked)
                if first and second and near(first, second, rule.window):
                    return self.topics[number]
        return None

    def vocabulary(self) -> set[str]:
        """Folded words of every phrase (so that typo correction does not bend them away)."""
        return {word for index in self._indexes.values() for word in index.words()}


def _index(rules: Sequence[_Rule]) -> PhraseIndex:
    labelled = []
    for number, rule in enumerate(rules):
        kinds = [("p", rule.phrases), ("x", rule.blocked)]
        for pair, close in enumerate(rule.near):
            kinds += [(f"a{pair}", close.first), (f"b{pair}", close.second)]
        for kind, options in kinds:
            labelled += [(f"{number}:{kind}", phrase) for phrase in options]
    return PhraseIndex(labelled)


def _text(value: Any) -> str | None:
    text = " ".join(str(value).split()) if value is not None else ""
    return text or None


def _topic(item: Any) -> Topic:
    if not isinstance(item, dict) or not item.get("id") or not item.get("office"):
        raise ScopeError(f"out-of-scope.yaml: a topic needs an id and an office: {item!r}")
    return Topic(
        id=str(item["id"]), title=_text(item.get("title")) or str(item["id"]),
        office=_text(item["office"]) or "", note=_text(item.get("note")),
        title_en=_text(item.get("title_en")), office_en=_text(item.get("office_en")),
        note_en=_text(item.get("note_en")),
    )


def _rule(item: Mapping[str, Any]) -> _Rule:
    pairs: Iterable[Any] = item.get("near") or ()
    near_rules = []
    for pair in pairs:
        if not isinstance(pair, Mapping) or not pair.get("first") or not pair.get("second"):
            raise ScopeError(f"out-of-scope.yaml: 'near' needs first and second: {pair!r}")
        near_rules.append(_Near(phrases(pair["first"]), phrases(pair["second"]),
                                int(pair.get("window", 2))))
    return _Rule(phrases(item.get("phrases")), tuple(near_rules), phrases(item.get("except")))
