"""The citizen knowledge base of the 2023 plan and its search, with a coverage verdict.

Usage::

    kb = KnowledgeBase.load()
    res = kb.search("hộ cận nghèo có được hỗ trợ bhyt ko", k=3)
    res.confident, res.verdict, res.answers[0].section, kb.citation(res.answers[0], "vi")

``search`` says what to do with a question (``Verdict``):

- ``answered``: an entry covers what is asked; ``answers[0]`` is the answer (``confident``);
- ``not_covered``: a near-domain topic the plan does not cover (``out-of-scope.yaml``):
  ``topic`` names it and the office that usually handles it; say so and offer the hand-off;
- ``eligibility``: the citizen asks whether their own household is poor, or tells a family income
  story: ``answers[0]`` states the criteria (``confident``), ``story`` the facts given (amount,
  people); offer the self-assessment;
- ``unsure``: nothing covers it well enough: offer topics or the hand-off.

``answers`` is always the ranking (best first, one per section, at most ``k``), so "did you
mean" choices and the JSON contract keep working; a handler should not present it as an answer
unless ``confident``. Entries are data (``knowledge/data/kb/*.yaml``, see ``knowledge.entries``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from knowledge import citation as cite
from knowledge.eligibility import Cue, Eligibility, Story, story
from knowledge.entries import (
    Catalogue,
    Entry,
    KnowledgeBaseError,
    Programme,
    Section,
    check,
    read_catalogue,
    read_entries,
)
from knowledge.language import detect_language
from knowledge.normalize import DATA_DIR, Lexicon
from knowledge.phrases import Tokens
from knowledge.poverty import load_standard, support_sections
from knowledge.ranking import Document, Index, Query, Ranked, RankParams
from knowledge.scope import Scope, Topic

__all__ = ["Answer", "Entry", "KnowledgeBase", "KnowledgeBaseError", "Programme",
           "SearchResult", "Section", "Story", "Topic", "Verdict"]


class Verdict(StrEnum):
    ANSWERED = "answered"
    NOT_COVERED = "not_covered"
    ELIGIBILITY = "eligibility"
    SUPPORT = "support"  # "what may a poor household get": one answer per part of the plan
    UNSURE = "unsure"


@dataclass(frozen=True)
class Answer:
    entry_id: str
    section: str
    title: str
    text: str
    agency: str | None
    score: float
    title_en: str | None = None  # None: Vietnamese only
    text_en: str | None = None
    numbering: str | None = None  # the plan's numbering ("II.2.1.a"); None: not from the plan
    heading: str = ""  # the plan's heading of that part, or the instrument's subject
    heading_en: str | None = None
    source: str | None = None  # the instrument when the facts are not the plan's
    source_en: str | None = None
    programme: str | None = None  # programme id (``KnowledgeBase.programme``)


@dataclass(frozen=True)
class SearchResult:
    question: str
    confident: bool
    answers: tuple[Answer, ...] = field(default_factory=tuple)
    verdict: Verdict = Verdict.UNSURE
    topic: Topic | None = None  # not_covered: the topic and the office that handles it
    story: Story | None = None  # an amount or household size the question gives
    lang: str = "vi"  # the language the question was read in
    status: str | None = None  # support: the household status asked about (poor, near_poor)

    @property
    def office(self) -> str | None:
        return self.topic.office if self.topic is not None else None


class KnowledgeBase:
    """Entries plus search indexes (Vietnamese, English); immutable once built. Load once."""

    def __init__(
        self,
        entries: Iterable[Entry],
        catalogue: Catalogue,
        lexicons: Mapping[str, Lexicon] | None = None,
        params: RankParams | None = None,
        scope: Scope | None = None,
        eligibility: Eligibility | None = None,
    ) -> None:
        self.entries: tuple[Entry, ...] = tuple(entries)
        self.catalogue = catalogue
        check(self.entries, catalogue)
        self.section_info: Mapping[str, Section] = catalogue.sections
        self.sections: Mapping[str, str] = {k: v.title for k, v in catalogue.sections.items()}
        self.scope = scope or Scope((), {})
        self.eligibility = eligibility or Eligibility((), 3, {})
        self._by_id = {e.id: i for i, e in enumerate(self.entries)}
        extra = self.scope.vocabulary() | self.eligibility.vocabulary()
        lexicons = lexicons or {}
        params = params or RankParams()
        self._docs: dict[str, list[int]] = {
            "vi": list(range(len(self.entries))),
            "en": [i for i, e in enumerate(self.entries) if e.title_en],
        }
        self._indexes = {
            lang: Index([_document(self.entries[i], lang) for i in docs],
                        lexicons.get(lang) or Lexicon(), params, extra)
            for lang, docs in self._docs.items()
        }

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

    def topics(self, lang: str = "vi") -> list[tuple[str, str]]:
        """Browsing menu: (section or project-group id, short title), in display order."""
        english = self.catalogue.topics_en if lang == "en" else {}
        return [(tid, english.get(tid, title)) for tid, title in self.catalogue.topics]

    def programme(self, programme_id: str | None) -> Programme | None:
        return self.catalogue.programmes.get(programme_id or "")

    def answer(self, entry: Entry, score: float = 1.0) -> Answer:
        """An entry as an answer (for a button that shows one entry)."""
        section = self.section_info.get(entry.section) or Section(entry.section, entry.section)
        return Answer(
            entry.id, entry.section, entry.title, entry.text, entry.agency, round(score, 4),
            entry.title_en, entry.text_en, entry.numbering or section.numbering,
            section.heading, section.heading_en, entry.source or section.source,
            entry.source_en if entry.source else section.source_en, entry.programme,
        )

    def citation(self, answer: Answer, lang: str = "vi") -> str:
        """The line a citizen can check: plan numbering and heading (or the instrument) and
        the lead agency, in ``lang``; no internal ids."""
        return cite.citation(answer, self.catalogue, lang)

    def localized(self, answer: Answer, lang: str = "vi") -> cite.Localized:
        """Title and text in ``lang``, or the Vietnamese with ``vietnamese_only`` set."""
        return cite.localized(answer, lang)

    def programme_note(self, answer: Answer, lang: str = "vi") -> str | None:
        return cite.programme_note(answer, self.catalogue, lang)

    def search(self, question: str, k: int = 3, lang: str | None = None) -> SearchResult:
        """Best entries for a free-text question, one per section, at most ``k``, with the
        verdict. ``lang`` is the question's language; by default it is detected."""
        text = question if isinstance(question, str) else ""
        lang = lang if lang in self._indexes else detect_language(text)
        index = self._indexes[lang]
        query = index.analyse(text)
        ranked = index.rank(query) if query.features else []
        facts = story(text)
        found = facts if facts.amount is not None or facts.people is not None else None
        topic = self.scope.match(query.tokens, lang)
        if topic is not None and not self._ask_is_covered(query, lang):
            return SearchResult(question, False, self._answers(lang, ranked, k),
                                Verdict.NOT_COVERED, topic, found, lang)
        lexical = bool(ranked) and index.confident(query, ranked[0])
        cue = self.eligibility.cue(query.tokens, facts.amount, lang)
        top = self.entries[self._docs[lang][ranked[0].doc]].section if ranked else None
        criteria = self._criteria(lang, ranked)
        if criteria and (cue is Cue.STATUS or (cue is Cue.STORY and not (lexical and top != "CN"))):
            answers = self._eligibility_answers(lang, ranked, k, criteria)
            return SearchResult(question, bool(answers), answers, Verdict.ELIGIBILITY, None,
                                found, lang)
        if cue is Cue.SUPPORT and not self._finds(self.eligibility.rest(query.tokens, lang),
                                                  lang):  # no particular support named
            status = self.eligibility.status_asked(query.tokens, lang)
            answers = self._support_answers(status)
            if answers:
                return SearchResult(question, True, answers, Verdict.SUPPORT, None, found, lang,
                                    status)
        if criteria and cue is Cue.DEFINE and not lexical:
            answers = self._eligibility_answers(lang, ranked, k, criteria)
            return SearchResult(question, bool(answers), answers, Verdict.ANSWERED, None,
                                found, lang)
        verdict = Verdict.ANSWERED if lexical else Verdict.UNSURE
        return SearchResult(question, lexical, self._answers(lang, ranked, k), verdict, None,
                            found, lang)

    def _ask_is_covered(self, query: Query, lang: str) -> bool:
        """A story may mention an out-of-scope topic before it asks ("bị lừa mất tiền, giờ muốn
        vay vốn làm ăn"): what follows "muốn", "cần"… decides when an entry is about the benefit
        it names and answers it confidently."""
        if query.turn is None:
            return False
        ask = Tokens(query.tokens.folded[query.turn:], query.tokens.typed[query.turn:])
        if not ask.folded or self.scope.match(ask, lang) is not None:
            return False
        return self._finds(" ".join(ask.folded), lang, anchored=True)

    def _finds(self, text: str, lang: str, anchored: bool = False) -> bool:
        """Part of a question, alone, finds an entry confidently (and, when ``anchored``, one
        that is about what it names)."""
        index = self._indexes[lang]
        sub = index.analyse(text)
        ranked = index.rank(sub, 1) if sub.features else []
        return (bool(ranked) and (ranked[0].anchored or not anchored)
                and index.confident(sub, ranked[0]))

    def _answers(self, lang: str, ranked: list[Ranked], k: int) -> tuple[Answer, ...]:
        answers: list[Answer] = []
        seen: set[str] = set()
        for hit in ranked:
            entry = self.entries[self._docs[lang][hit.doc]]
            if len(answers) >= max(k, 0) or entry.section in seen:
                continue
            seen.add(entry.section)
            answers.append(self.answer(entry, hit.score))
        return tuple(answers)

    def _support_answers(self, status: str) -> tuple[Answer, ...]:
        """The first entry of every part of the plan a household of ``status`` may get."""
        sections = support_sections(load_standard(), status)
        firsts = (self.by_section(section) for section in sections)
        return tuple(self.answer(found[0]) for found in firsts if found)

    def _criteria(self, lang: str, ranked: list[Ranked]) -> tuple[Entry, float] | None:
        """The best-ranked entry that states the poverty criteria (or the first listed)."""
        wanted = set(self.eligibility.criteria)
        for hit in ranked:
            entry = self.entries[self._docs[lang][hit.doc]]
            if entry.id in wanted:
                return entry, hit.score
        known = [self._by_id[c] for c in self.eligibility.criteria if c in self._by_id]
        return (self.entries[known[0]], 0.0) if known else None

    def _eligibility_answers(self, lang: str, ranked: list[Ranked], k: int,
                             criteria: tuple[Entry, float]) -> tuple[Answer, ...]:
        if k <= 0:
            return ()
        entry, score = criteria
        rest = [a for a in self._answers(lang, ranked, k + 1)
                if a.section != entry.section and a.score <= score]
        return (self.answer(entry, score), *rest[: k - 1])


def _document(entry: Entry, lang: str) -> Document:
    if lang == "en":
        return Document(entry.title_en or "", entry.text_en or "", entry.keywords_en)
    return Document(entry.title, entry.text, entry.keywords)


@lru_cache(maxsize=1)
def _bundled() -> KnowledgeBase:
    return _load(DATA_DIR, None)


def _load(data_dir: Path, params: RankParams | None) -> KnowledgeBase:
    catalogue = read_catalogue(data_dir / "sections.yaml")
    entries = [e for path in sorted((data_dir / "kb").glob("*.yaml")) for e in read_entries(path)]
    lexicons = {"vi": Lexicon.load(data_dir / "synonyms.yaml")}
    if (data_dir / "synonyms-en.yaml").exists():
        lexicons["en"] = Lexicon.load(data_dir / "synonyms-en.yaml")
    scope = Scope.load(data_dir / "out-of-scope.yaml") if (
        data_dir / "out-of-scope.yaml").exists() else None
    eligibility = Eligibility.load(data_dir / "eligibility.yaml") if (
        data_dir / "eligibility.yaml").exists() else None
    return KnowledgeBase(entries, catalogue, lexicons, params, scope, eligibility)
