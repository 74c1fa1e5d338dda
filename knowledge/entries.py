"""The knowledge base as data: entries, the plan's sections and programmes, read from YAML.

``knowledge/data/kb/*.yaml`` holds the entries; ``knowledge/data/sections.yaml`` the public
section ids with a short title (``sections``), the plan's own numbering and heading in Vietnamese
and English, the lead agency and the instrument a section's facts come from when it is not the
plan (``parts``), and the programmes entries belong to. Every check names the file and the
entry, so staff can fix the data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

REQUIRED = ("id", "section", "title", "text")
DEFAULT_PROGRAMME = "ntp-2021-2025"


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
    title_en: str | None = None  # None: no faithful English text, the entry is Vietnamese only
    text_en: str | None = None
    keywords_en: tuple[str, ...] = ()
    numbering: str | None = None  # finer than the section's, e.g. "IV.5" for one agency of IV
    source: str | None = None  # the instrument the facts come from when it is not the plan
    source_en: str | None = None
    programme: str | None = DEFAULT_PROGRAMME  # None: a fact of no one programme


@dataclass(frozen=True)
class Section:
    """One public section id: where it is in the plan and what it is called there."""

    id: str
    title: str  # short label for menus
    numbering: str | None = None  # the plan's own numbering ("II.2.1.a"); None: not in the plan
    heading: str = ""  # the plan's heading ("Dự án 1: Hỗ trợ đầu tư phát triển hạ tầng…")
    heading_en: str | None = None
    title_en: str | None = None
    agency: str | None = None  # lead agency (chủ trì) named by the plan
    source: str | None = None  # instrument of the facts when not the plan (Nghị định 07/2021…)
    source_en: str | None = None


@dataclass(frozen=True)
class Programme:
    id: str
    name: str
    name_en: str
    ended: bool = False
    note: str | None = None  # what a citizen should know (e.g. that it ended, what replaced it)
    note_en: str | None = None


@dataclass(frozen=True)
class Catalogue:
    """Everything ``sections.yaml`` says besides the entries."""

    sections: Mapping[str, Section]
    topics: tuple[tuple[str, str], ...]
    programmes: Mapping[str, Programme]
    agencies_en: Mapping[str, str]  # lead agency in Vietnamese → its English name
    citation: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # templates
    topics_en: Mapping[str, str] = field(default_factory=dict)  # menu titles in English


def read_catalogue(path: Path) -> Catalogue:
    meta: Any = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    parts = meta.get("parts") or {}
    sections = {str(key): _section(str(key), value, parts.get(key))
                for key, value in (meta.get("sections") or {}).items()}
    topics = tuple((str(t["id"]), str(t["title"])) for t in meta.get("topics") or [])
    programmes = {str(key): _programme(str(key), value)
                  for key, value in (meta.get("programmes") or {}).items()}
    agencies = {str(k): str(v) for k, v in (meta.get("agencies_en") or {}).items()}
    citation = {str(key): {str(lang): str(text) for lang, text in (value or {}).items()}
                for key, value in (meta.get("citation") or {}).items()}
    topics_en = {str(t["id"]): str(t["title_en"]) for t in meta.get("topics") or []
                 if t.get("title_en")}
    return Catalogue(sections, topics, programmes, agencies, citation, topics_en)


def _text(value: Any) -> str | None:
    text = " ".join(str(value).split()) if value is not None else ""
    return text if text and text not in ("–", "-") else None


def _section(key: str, value: Any, part: Any = None) -> Section:
    """``sections: {id: short title}`` (other readers rely on that shape) plus the details of
    ``parts: {id: {numbering, heading, …}}``; a mapping in ``sections`` is read the same way."""
    if not isinstance(value, Mapping):
        value = {"title": value, **(part if isinstance(part, Mapping) else {})}
    title = _text(value.get("title")) or key
    return Section(
        id=key, title=title, numbering=_text(value.get("numbering")),
        heading=_text(value.get("heading")) or title, heading_en=_text(value.get("heading_en")),
        title_en=_text(value.get("title_en")), agency=_text(value.get("agency")),
        source=_text(value.get("source")), source_en=_text(value.get("source_en")),
    )


def _programme(key: str, value: Any) -> Programme:
    if not isinstance(value, Mapping):
        raise KnowledgeBaseError(f"sections.yaml: programme {key!r} is not a mapping")
    return Programme(key, _text(value.get("name")) or key, _text(value.get("name_en")) or key,
                     bool(value.get("ended")), _text(value.get("note")),
                     _text(value.get("note_en")))


def read_entries(path: Path) -> list[Entry]:
    raw: Any = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    if not isinstance(raw, list):
        raise KnowledgeBaseError(f"{path.name}: expected a list of entries")
    return [_entry(item, path.name) for item in raw]


def _words(values: Any) -> tuple[str, ...]:
    return tuple(str(kw).strip() for kw in values or () if str(kw).strip())


def _entry(item: Any, source: str) -> Entry:
    if not isinstance(item, dict):
        raise KnowledgeBaseError(f"{source}: entry is not a mapping: {item!r}")
    missing = [key for key in REQUIRED if not str(item.get(key) or "").strip()]
    if missing:
        raise KnowledgeBaseError(f"{source}: entry {item.get('id')!r} lacks {missing}")
    if (item.get("title_en") is None) != (item.get("text_en") is None):
        raise KnowledgeBaseError(
            f"{source}: entry {item['id']!r}: title_en and text_en go together")
    return Entry(
        id=str(item["id"]).strip(),
        section=str(item["section"]).strip(),
        title=" ".join(str(item["title"]).split()),
        text=" ".join(str(item["text"]).split()),
        agency=_text(item.get("agency")),
        keywords=_words(item.get("keywords")),
        title_en=_text(item.get("title_en")),
        text_en=_text(item.get("text_en")),
        keywords_en=_words(item.get("keywords_en")),
        numbering=_text(item.get("numbering")),
        source=_text(item.get("source")),
        source_en=_text(item.get("source_en")),
        programme=_text(item["programme"]) if "programme" in item else DEFAULT_PROGRAMME,
    )


def check(entries: tuple[Entry, ...], catalogue: Catalogue) -> None:
    """Unique ids, known sections and programmes."""
    ids: set[str] = set()
    for entry in entries:
        if entry.id in ids:
            raise KnowledgeBaseError(f"duplicate entry id {entry.id!r}")
        ids.add(entry.id)
        if catalogue.sections and entry.section not in catalogue.sections:
            raise KnowledgeBaseError(f"entry {entry.id!r}: unknown section {entry.section!r}")
        known = catalogue.programmes
        if known and entry.programme is not None and entry.programme not in known:
            raise KnowledgeBaseError(f"entry {entry.id!r}: unknown programme {entry.programme!r}")
