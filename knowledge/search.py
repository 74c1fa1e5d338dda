"""The citizen knowledge base of the 2023 plan and its search.

Usage::

    kb = KnowledgeBase.load()
    res = kb.search("hộ cận nghèo có được hỗ trợ bhyt ko", k=3)
    res.confident, res.answers[0].section, res.answers[0].text

Entries are data (``knowledge/data/kb/*.yaml``), each tagged with one section id of the plan
(``knowledge/data/sections.yaml``). Answers are one per section, best first, so the top answers
point to different parts of the plan.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from knowledge.normalize import DATA_DIR, Lexicon
from knowledge.ranking import Document, Index, RankParams

REQUIRED = ("id", "section", "title", "text")


class KnowledgeBaseError(ValueError):
    """The knowledge-base data is malformed (message names the file and the entry)."""


@dataclass(frozen=True)
class Entry:
    id: str
    section: str
    title: str
    text: str
    agency: str | None = None
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class Answer:
    entry_id: str
    section: str
    title: str
    text: str
    agency: str | None
    score: float


@dataclass(frozen=True)
class SearchResult:
    question: str
    confident: bool
    answers: tuple[Answer, ...] = field(default_factory=tuple)


class KnowledgeBase:
    """Entries plus a search index; immutable once built. Load once and share."""

    def __init__(
        self,
        entries: Iterable[Entry],
        sections: Mapping[str, str],
        topics: Iterable[tuple[str, str]] = (),
        lexicon: Lexicon | None = None,
        params: RankParams | None = None,
    ) -> None:
        self.entries: tuple[Entry, ...] = tuple(entries)
        self.sections: Mapping[str, str] = dict(sections)
        self._topics = tuple(topics)
        _check(self.entries, self.sections)
        docs = [Document(e.title, e.text, e.keywords) for e in self.entries]
        self._index = Index(docs, lexicon or Lexicon(), params or RankParams())

    @classmethod
    def load(
        cls, path: Path | str | None = None, params: RankParams | None = None
    ) -> KnowledgeBase:
        """The knowledge base in ``path`` (a data directory like ``knowledge/data``).

        With no arguments the bundled data is loaded once per process and cached.
        """
        if path is None and params is None:
            return _bundled()
        return _load(Path(path) if path is not None else DATA_DIR, params)

    def by_section(self, section_id: str) -> tuple[Entry, ...]:
        """Entries of a section; a project group like ``DA3`` gives DA3.1 and DA3.2 too."""
        return tuple(
            e for e in self.entries
            if e.section == section_id or e.section.startswith(section_id + ".")
        )

    def topics(self) -> list[tuple[str, str]]:
        """Browsing menu: (section or project-group id, short title), in display order."""
        return list(self._topics)

    def search(self, question: str, k: int = 3) -> SearchResult:
        """Best entries for a free-text question, one per section, at most ``k``."""
        index = self._index
        query = index.analyse(question if isinstance(question, str) else "")
        ranked = index.rank(query) if query.features else []
        confident = bool(ranked) and index.confident(query, ranked[0])
        answers: list[Answer] = []
        seen: set[str] = set()
        for hit in ranked:
            entry = self.entries[hit.doc]
            if len(answers) >= max(k, 0) or entry.section in seen:
                continue
            seen.add(entry.section)
            answers.append(_answer(entry, hit.score))
        return SearchResult(question, confident, tuple(answers))


def _answer(entry: Entry, score: float) -> Answer:
    return Answer(entry.id, entry.section, entry.title, entry.text, entry.agency, round(score, 4))


def _check(entries: tuple[Entry, ...], sections: Mapping[str, str]) -> None:
    ids: set[str] = set()
    for entry in entries:
        if entry.id in ids:
            raise KnowledgeBaseError(f"duplicate entry id {entry.id!r}")
        ids.add(entry.id)
        if sections and entry.section not in sections:
            raise KnowledgeBaseError(f"entry {entry.id!r}: unknown section {entry.section!r}")


@lru_cache(maxsize=1)
def _bundled() -> KnowledgeBase:
    return _load(DATA_DIR, None)


def _load(data_dir: Path, params: RankParams | None) -> KnowledgeBase:
    meta: Any = yaml.safe_load((data_dir / "sections.yaml").read_text(encoding="utf-8")) or {}
    entries = [e for path in sorted((data_dir / "kb").glob("*.yaml")) for e in _read(path)]
    topics = [(str(t["id"]), str(t["title"])) for t in meta.get("topics") or []]
    sections = {str(key): str(value) for key, value in (meta.get("sections") or {}).items()}
    lexicon = Lexicon.load(data_dir / "synonyms.yaml")
    return KnowledgeBase(entries, sections, topics, lexicon, params)


def _read(path: Path) -> list[Entry]:
    raw: Any = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    if not isinstance(raw, list):
        raise KnowledgeBaseError(f"{path.name}: expected a list of entries")
    return [_entry(item, path.name) for item in raw]


def _entry(item: Any, source: str) -> Entry:
    if not isinstance(item, dict):
        raise KnowledgeBaseError(f"{source}: entry is not a mapping: {item!r}")
    missing = [key for key in REQUIRED if not str(item.get(key) or "").strip()]
    if missing:
        raise KnowledgeBaseError(f"{source}: entry {item.get('id')!r} lacks {missing}")
    agency = item.get("agency")
    agency = None if agency in (None, "", "–", "-") else str(agency).strip()
    return Entry(
        id=str(item["id"]).strip(),
        section=str(item["section"]).strip(),
        title=" ".join(str(item["title"]).split()),
        text=" ".join(str(item["text"]).split()),
        agency=agency,
        keywords=tuple(str(kw).strip() for kw in item.get("keywords") or () if str(kw).strip()),
    )
