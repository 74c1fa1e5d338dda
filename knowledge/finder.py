"""The commune finder: which unit an old commune, ward or township is part of now.

Pure: the rows come from the caller (``storage.lineage.old_units`` in the bot, the lineage CSV in
tests), one row per old unit and current unit that took it over (a split unit has several rows,
each ``partial``; a unit no later unit took over has one row with ``new_name`` None: an officer
has to choose). The same old unit may come in several epochs (2023 and 2025-01): rows with the
same name and district are one place.

Names are matched without diacritics ("phuoc binh"), with a typo forgiven when the question is
put to the finder itself (``/timxa``); where the typed diacritics tell two folded-equal names
apart (Thành Hải, Thanh Hải) they decide, else the district is asked. Free text reaches the
finder only when it names an old unit exactly and asks about a merger or a new name
(``knowledge/data/finder.yaml``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any, Protocol

import yaml
from rapidfuzz.distance import OSA

from knowledge.normalize import DATA_DIR, fold, nfc, words

MAX_WORDS = 4  # the longest bare name, in words


class LineageRow(Protocol):
    """What the finder reads of a row (``storage.lineage.OldUnit`` has these fields)."""

    @property
    def old_id(self) -> int: ...
    @property
    def old_name(self) -> str: ...
    @property
    def old_district(self) -> str | None: ...
    @property
    def new_id(self) -> int | None: ...
    @property
    def new_name(self) -> str | None: ...
    @property
    def partial(self) -> bool: ...


class Outcome(StrEnum):
    FOUND = "found"  # one old unit, one current unit
    SPLIT = "split"  # one old unit, split between several current units: which part?
    WHICH = "which"  # several old units fit the name: which one (the district)?
    NEEDS_CHOICE = "needs_choice"  # the data links the old unit to no current unit
    NOT_FOUND = "not_found"


@dataclass(frozen=True)
class Unit:
    """A current unit: its full name ("Xã Bác Ái Tây"), kind ("xã") and bare name."""

    id: int
    name: str
    kind: str
    bare: str
    partial: bool = False  # only a part of the old unit went to it


@dataclass(frozen=True)
class Place:
    """An old unit, with the current unit(s) that took it over (none: an officer chooses)."""

    ids: tuple[int, ...]  # the same unit in each epoch it existed in
    name: str
    kind: str
    bare: str
    district: str | None
    successors: tuple[Unit, ...]

    @property
    def id(self) -> int:
        return self.ids[0]


@dataclass(frozen=True)
class Finding:
    outcome: Outcome
    places: tuple[Place, ...] = ()  # FOUND / SPLIT / NEEDS_CHOICE: one; WHICH: the candidates
    typed: str = ""  # the name as recognised in the text
    nearby: tuple[Unit, ...] = ()  # NEEDS_CHOICE: current units of the old district

    @property
    def place(self) -> Place:
        return self.places[0]


@dataclass(frozen=True)
class Vocabulary:
    kinds: tuple[str, ...]
    districts: tuple[str, ...]
    cues: tuple[tuple[str, ...], ...]  # folded phrases, every language


@cache
def vocabulary(path: Path = DATA_DIR / "finder.yaml") -> Vocabulary:
    raw: Any = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    cues = {tuple(words(fold(str(c)))) for lang in (raw.get("cues") or {}).values() for c in lang}
    by_length = sorted((str(k) for k in raw.get("kinds") or ()), key=len, reverse=True)
    return Vocabulary(tuple(by_length), tuple(str(d) for d in raw.get("districts") or ()),
                      tuple(sorted(c for c in cues if c)))


def mentions_change(text: str, vocab: Vocabulary | None = None) -> bool:
    """The text has a merger / new-name phrase (cheap: no rows needed)."""
    tokens = _key(text)
    return any(_contains(tokens, cue) for cue in (vocab or vocabulary()).cues)


def split_kind(name: str, kinds: Sequence[str]) -> tuple[str, str]:
    """("Xã", "Phước Bình") → ("xã", "Phước Bình"); no known prefix: ("", name)."""
    for kind in kinds:
        if nfc(name).lower().startswith(kind + " "):
            return kind, nfc(name)[len(kind) + 1:].strip()
    return "", nfc(name).strip()


class Finder:
    def __init__(self, rows: Iterable[LineageRow], vocab: Vocabulary | None = None) -> None:
        self.vocab = vocab or vocabulary()
        self.places = self._places(rows)
        self._by_key: dict[tuple[str, ...], list[Place]] = {}
        for place in self.places:
            self._by_key.setdefault(_key(place.bare), []).append(place)
        self._districts = self._district_keys()

    def _unit(self, uid: int, name: str, partial: bool) -> Unit:
        kind, bare = split_kind(name, self.vocab.kinds)
        return Unit(uid, nfc(name), kind, bare, partial)

    def _places(self, rows: Iterable[LineageRow]) -> tuple[Place, ...]:
        grouped: dict[tuple[str, str | None], list[LineageRow]] = {}
        for row in rows:
            grouped.setdefault((nfc(row.old_name), row.old_district), []).append(row)
        places = []
        for (name, district), group in grouped.items():
            kind, bare = split_kind(name, self.vocab.kinds)
            units = {r.new_id: self._unit(r.new_id, r.new_name, r.partial) for r in group
                     if r.new_id is not None and r.new_name}
            ids = tuple(dict.fromkeys(r.old_id for r in group))
            successors = tuple(sorted(units.values(), key=lambda u: fold(u.name)))
            places.append(Place(ids, name, kind, bare, district, successors))
        return tuple(sorted(places, key=lambda p: (fold(p.bare), p.district or "")))

    def _district_keys(self) -> dict[tuple[str, ...], str]:
        keys: dict[tuple[str, ...], str] = {}
        for district in {p.district for p in self.places if p.district}:
            _, bare = split_kind(district, self.vocab.districts)
            keys[_key(bare)] = district
            for part in bare.split("-"):  # "Phan Rang-Tháp Chàm": "phan rang", "thap cham"
                keys.setdefault(_key(part), district)
        return keys

    # -- reading a question --------------------------------------------------------------

    def asks(self, text: str) -> bool:
        """Free text clearly about an old unit's merger or new name: an old unit named
        exactly (accents optional) and a merger / new-name phrase."""
        return mentions_change(text, self.vocab) and bool(self._exact(_key(text)))

    def find(self, text: str, typos: bool = True) -> Finding:
        """The old unit named in ``text`` and what became of it."""
        tokens = _key(text)
        found = self._exact(tokens) or (self._fuzzy(tokens) if typos else [])
        if not found:
            return Finding(Outcome.NOT_FOUND, typed=nfc(text).strip())
        places = _by_diacritics(found, nfc(text).lower())
        places = self._by_district(places, tokens) or places
        typed = places[0].bare
        if len(places) > 1:
            return Finding(Outcome.WHICH, tuple(places), typed)
        return self.about(places[0], typed)

    def about(self, place: Place, typed: str = "") -> Finding:
        typed = typed or place.bare
        if not place.successors:
            return Finding(Outcome.NEEDS_CHOICE, (place,), typed, self._nearby(place))
        outcome = Outcome.SPLIT if len(place.successors) > 1 else Outcome.FOUND
        return Finding(outcome, (place,), typed)

    def place(self, place_id: int) -> Place | None:
        """The old unit with this id (any of its epochs), e.g. from a button."""
        return next((p for p in self.places if place_id in p.ids), None)

    def merged_with(self, place: Place, unit: Unit) -> tuple[Place, ...]:
        """The other old units the current unit took over."""
        return tuple(p for p in self.places if p != place and
                     any(u.id == unit.id for u in p.successors))

    def current(self, text: str) -> Unit | None:
        """The one current unit named exactly in ``text`` (accents optional), for a person
        who typed a new unit's name ("Bác Ái Tây"): what it was formed from."""
        keyed: dict[tuple[str, ...], set[Unit]] = {}
        for unit in {replace(u, partial=False) for p in self.places for u in p.successors}:
            keyed.setdefault(_key(unit.bare), set()).add(unit)
        tokens = _key(text)
        for size in range(min(MAX_WORDS, len(tokens)), 0, -1):
            for start in range(len(tokens) - size + 1):
                hit = keyed.get(tuple(tokens[start:start + size]), set())
                if len(hit) == 1:
                    return next(iter(hit))
        return None

    def formed_from(self, unit: Unit) -> tuple[tuple[Place, bool], ...]:
        """The old units a current unit took over, each with whether only a part of it."""
        return tuple((p, next(u.partial for u in p.successors if u.id == unit.id))
                     for p in self.places if any(u.id == unit.id for u in p.successors))

    def _exact(self, tokens: Sequence[str]) -> list[Place]:
        """Places whose bare name occurs in the text; the longest name wins."""
        best: list[Place] = []
        width = 0
        for size in range(min(MAX_WORDS, len(tokens)), 0, -1):
            for start in range(len(tokens) - size + 1):
                hit = self._by_key.get(tuple(tokens[start:start + size]))
                if hit and size >= width:
                    best, width = (best + hit if size == width else list(hit)), size
            if best:
                return list(dict.fromkeys(best))
        return []

    def _fuzzy(self, tokens: Sequence[str]) -> list[Place]:
        """One typo (two in a long name) in a window of the text as long as the name."""
        scored: list[tuple[int, Place]] = []
        taken = self._district_words(tokens)  # "ninh hai" names the district, not Vĩnh Hải
        for key, places in self._by_key.items():
            joined, size = " ".join(key), len(key)
            allowed = 0 if len(joined) < 6 else 1 if len(joined) < 10 else 2
            for start in range(max(len(tokens) - size + 1, 0)):
                if taken & set(range(start, start + size)):
                    continue
                window = " ".join(tokens[start:start + size])
                distance = OSA.distance(window, joined, score_cutoff=allowed)
                if distance <= allowed:
                    scored += [(distance, p) for p in places]
        if not scored:
            return []
        least = min(d for d, _ in scored)
        return list(dict.fromkeys(p for d, p in scored if d == least))

    def _district_words(self, tokens: Sequence[str]) -> set[int]:
        """Positions of the words that name a former district."""
        taken: set[int] = set()
        for key in self._districts:
            for i in range(len(tokens) - len(key) + 1):
                if tuple(tokens[i:i + len(key)]) == key:
                    taken.update(range(i, i + len(key)))
        return taken

    def _by_district(self, places: list[Place], tokens: Sequence[str]) -> list[Place]:
        named = {d for key, d in self._districts.items() if _contains(tokens, key)}
        return [p for p in places if p.district in named]

    def _nearby(self, place: Place) -> tuple[Unit, ...]:
        units = {u.id: u for p in self.places if p.district == place.district
                 for u in p.successors}
        return tuple(sorted(units.values(), key=lambda u: fold(u.name)))


def _key(text: str) -> tuple[str, ...]:
    return tuple(words(fold(text)))


def _contains(tokens: Sequence[str], phrase: Sequence[str]) -> bool:
    size = len(phrase)
    return size > 0 and any(tuple(tokens[i:i + size]) == tuple(phrase)
                            for i in range(len(tokens) - size + 1))


def _by_diacritics(places: list[Place], typed: str) -> list[Place]:
    """Where the person typed diacritics, keep the names spelt exactly as typed, if any."""
    if len(places) < 2:
        return places
    exact = [p for p in places if p.bare.lower() in typed]
    return exact or places
