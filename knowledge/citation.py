"""What a citizen sees of an answer: its text in their language and a line they can check.

The citation names the plan's own numbering and heading ("Kế hoạch giảm nghèo năm 2023 của tỉnh
Ninh Thuận, mục II.2.1.a – Dự án 1: …") or, for facts that come from another instrument
(Nghị định 07/2021/NĐ-CP, Quyết định 24/2021/QĐ-TTg, Nghị quyết 257/2025/QH15), that
instrument, never the plan; then the programme the facts belong to (the 2023 plan: the
2021–2025 national target programme) and the lead agency. Internal ids (``CS.y-te``,
``DA4.1``) never appear. The templates are data (``citation`` in ``sections.yaml``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from knowledge.entries import Catalogue

LANGS = ("vi", "en")


class Citable(Protocol):
    """The fields of ``knowledge.search.Answer`` a citation reads."""

    @property
    def title(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def title_en(self) -> str | None: ...
    @property
    def text_en(self) -> str | None: ...
    @property
    def agency(self) -> str | None: ...
    @property
    def numbering(self) -> str | None: ...
    @property
    def heading(self) -> str: ...
    @property
    def heading_en(self) -> str | None: ...
    @property
    def source(self) -> str | None: ...
    @property
    def source_en(self) -> str | None: ...
    @property
    def programme(self) -> str | None: ...


@dataclass(frozen=True)
class Localized:
    """An answer's title and text in one language; ``vietnamese_only`` when English was asked
    for and the entry has no faithful English text (title and text are then Vietnamese)."""

    title: str
    text: str
    vietnamese_only: bool = False


def localized(answer: Citable, lang: str) -> Localized:
    if lang == "en":
        if answer.title_en and answer.text_en:
            return Localized(answer.title_en, answer.text_en)
        return Localized(answer.title, answer.text, vietnamese_only=True)
    return Localized(answer.title, answer.text)


def _template(templates: Mapping[str, Mapping[str, str]], key: str, lang: str) -> str:
    options = templates.get(key) or {}
    return options.get(lang) or options.get("vi") or ""


def citation(answer: Citable, catalogue: Catalogue, lang: str = "vi") -> str:
    """One line: where the facts come from, the programme they belong to (none for the poverty
    standard or the 2025 merger), then the lead agency (when the data names one)."""
    lang = lang if lang in LANGS else "vi"
    templates = catalogue.citation
    english = lang == "en"
    if answer.source:
        source = (answer.source_en if english else None) or answer.source
        where = _template(templates, "source", lang).format(source=source)
    else:
        heading = (answer.heading_en if english else None) or answer.heading
        where = _template(templates, "plan", lang).format(
            numbering=answer.numbering or "", heading=heading)
    parts = [where]
    programme = catalogue.programmes.get(answer.programme or "")
    if programme is not None:
        name = programme.name_en if english else programme.name
        parts.append(_template(templates, "programme", lang).format(programme=name))
    if answer.agency:
        agency = (catalogue.agencies_en.get(answer.agency) if english else None) or answer.agency
        parts.append(_template(templates, "agency", lang).format(agency=agency))
    return ". ".join(part.rstrip(".") for part in parts if part) + "."


def vietnamese_only_note(catalogue: Catalogue, lang: str) -> str:
    """The sentence that says the text is only in Vietnamese ("" in Vietnamese mode)."""
    return _template(catalogue.citation, "vietnamese_only", lang) if lang == "en" else ""


def programme_note(answer: Citable, catalogue: Catalogue, lang: str = "vi") -> str | None:
    """What to say about the programme the facts belong to (e.g. that it has ended), if any."""
    programme = catalogue.programmes.get(answer.programme or "")
    if programme is None:
        return None
    return programme.note_en if lang == "en" and programme.note_en else programme.note
