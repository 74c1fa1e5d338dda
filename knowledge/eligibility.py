"""Questions about one's own household's status, and family income stories.

"nhà tôi có phải hộ nghèo không", "nhà 5 người thu nhập 1tr5 thì có được vào hộ nghèo không":
the bot answers with the criteria of the poverty standard and offers the self-assessment; it
never decides the status itself. Cues are data (``knowledge/data/eligibility.yaml``); the facts
the story gives (an amount, the number of people, per person or for the household) are handed
over so the self-assessment can start from them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

import yaml

from knowledge.amounts import find_amount
from knowledge.normalize import DATA_DIR, fold, nfc
from knowledge.phrases import PhraseIndex, Tokens, free, phrases

ELIGIBILITY_PATH = DATA_DIR / "eligibility.yaml"
KINDS = ("status", "not_status", "ask", "ask_next_to", "self", "check", "income", "support",
         "define", "near_poor")
_NUMBERS = {"mot": 1, "hai": 2, "ba": 3, "bon": 4, "nam": 5, "sau": 6, "bay": 7, "tam": 8,
            "chin": 9, "muoi": 10, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
            "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}
_PEOPLE = re.compile(r"\b(\d{1,2}|" + "|".join(_NUMBERS) + r")\s*(?:nguoi|khau|nhan khau|"
                     r"thanh vien|ng|people|persons|members)\b")
_FAMILY_OF = re.compile(r"\b(?:family of|(\d{1,2}) of us)\s*(\d{1,2})?\b")
_ALONE = re.compile(r"\b(?:mot minh|song mot minh|o mot minh|live alone|living alone)\b")
_PER_PERSON = re.compile(r"\b(?:moi nguoi|mot nguoi|dau nguoi|binh quan|trieu nguoi|tr nguoi|"
                         r"k nguoi|per person|each person|per head|a person)\b")
_HOUSEHOLD = re.compile(r"\b(?:ca nha|tong|ca gia dinh|gop lai|household income|in total|"
                        r"together|the whole family)\b")


class Cue(Enum):
    NONE = "none"
    STATUS = "status"  # asks about the household's own status: always the eligibility route
    STORY = "story"  # tells an income story and asks in general what support there is
    DEFINE = "define"  # asks what a poor (near-poor…) household is, in generic words only
    SUPPORT = "support"  # asks in general what a poor (near-poor) household may get


@dataclass(frozen=True)
class Story:
    """Facts a citizen's message gives, for the self-assessment to start from."""

    amount: int | None = None  # đồng, the first amount named
    people: int | None = None  # household size, when said
    per_person: bool | None = None  # the amount is per person (True), for the household (False)


def story(text: str) -> Story:
    folded = " ".join(fold(nfc(text)).replace("/", " ").split())
    return Story(find_amount(text), _people(folded), _basis(folded))


def _people(folded: str) -> int | None:
    match = _PEOPLE.search(folded)
    if match:
        raw = match.group(1)
        return int(raw) if raw.isdigit() else _NUMBERS[raw]
    family = _FAMILY_OF.search(folded)
    if family and (family.group(1) or family.group(2)):
        return int(family.group(1) or family.group(2))
    return 1 if _ALONE.search(folded) else None


def _basis(folded: str) -> bool | None:
    if _PER_PERSON.search(folded):
        return True
    return False if _HOUSEHOLD.search(folded) else None


class Eligibility:
    def __init__(self, criteria: tuple[str, ...], window: int, cues: Mapping[str, PhraseIndex]
                 ) -> None:
        self.criteria = criteria
        self.window = window
        self._cues = dict(cues)

    @classmethod
    def load(cls, path: Path | None = None) -> Eligibility:
        raw: Any = yaml.safe_load((path or ELIGIBILITY_PATH).read_text(encoding="utf-8")) or {}
        cues = {}
        for lang in ("vi", "en"):
            section = raw.get(lang) or {}
            labelled = [(kind, p) for kind in KINDS for p in phrases(section.get(kind))]
            cues[lang] = PhraseIndex(labelled)
        criteria = tuple(str(c) for c in raw.get("criteria") or ())
        return cls(criteria, int(raw.get("window", 3)), cues)

    def vocabulary(self) -> set[str]:
        return {word for cues in self._cues.values() for word in cues.words()}

    def cue(self, tokens: Tokens, amount: int | None, lang: str = "vi") -> Cue:
        """Whether the question asks about the household's own status or tells its income."""
        cues = self._cues.get(lang)
        if cues is None:
            return Cue.NONE
        found = cues.find(tokens)
        status = free(found.get("status", []), found.get("not_status", []))
        asks = _before(found.get("ask_next_to", []), status, 0) or _before(
            found.get("ask", []), status, self.window)
        speaks = bool(found.get("self")) or amount is not None
        if speaks and (asks or (status and found.get("check"))):
            return Cue.STATUS
        income = amount is not None and bool(found.get("income"))
        if income and (status or found.get("support")):
            return Cue.STORY
        if status and found.get("support"):
            return Cue.SUPPORT
        return Cue.DEFINE if status and found.get("define") and not speaks else Cue.NONE

    def rest(self, tokens: Tokens, lang: str = "vi") -> str:
        """The question without its status and general-support phrases ("hộ nghèo được hỗ
        trợ vay vốn gì" → "được vay vốn"): what is left names a specific support, if any."""
        cues = self._cues.get(lang)
        found = cues.find(tokens) if cues is not None else {}
        spans = [span for kind in ("status", "support", "self") for span in found.get(kind, [])]
        return " ".join(t for i, t in enumerate(tokens.folded)
                        if not any(a <= i < b for a, b in spans))

    def status_asked(self, tokens: Tokens, lang: str = "vi") -> str:
        """``near_poor`` when the question names near-poor households, else ``poor``."""
        cues = self._cues.get(lang)
        return "near_poor" if cues is not None and cues.find(tokens).get("near_poor") else "poor"


def _before(asks: list[tuple[int, int]], status: list[tuple[int, int]], window: int) -> bool:
    """An ask phrase ends at most ``window`` tokens before a status phrase starts."""
    return any(0 <= s - e <= window for _, e in asks for s, _ in status)
