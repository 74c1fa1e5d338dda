"""Translation and locale formatting.

Strings live in Babel ``.po`` catalogs under ``bot/locale/<lang>/`` (message ids are stable keys,
Vietnamese first, English second). Numbers, money and dates are formatted by Babel for the
user's locale, in the programme's time zone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path

from babel.dates import format_date, format_datetime
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal

from bot.base.clock import local_zone
from bot.base.messages import Lang

LOCALE_DIR = Path(__file__).parents[1] / "locale"
BABEL_LOCALE = {Lang.VI: "vi_VN", Lang.EN: "en_US"}


@cache
def catalog(lang: Lang) -> dict[str, str]:
    """All catalogs of a language (``bot/locale/<lang>/*.po``, one file per journey)."""
    messages: dict[str, str] = {}
    for path in sorted((LOCALE_DIR / lang.value).glob("*.po")):
        with path.open("rb") as fh:
            po = read_po(fh, locale=BABEL_LOCALE[lang])
        messages.update({str(m.id): str(m.string) for m in po if m.id and m.string})
    return messages


def parse_lang(value: str | None, default: Lang = Lang.VI) -> Lang:
    """Map a platform language code ("vi", "en-US", ...) to a supported language."""
    code = (value or "").split("-")[0].split("_")[0].lower()
    return Lang(code) if code in {lang.value for lang in Lang} else default


def t(lang: Lang, key: str, **kwargs: object) -> str:
    """Translate ``key``; falls back to Vietnamese, then to the key itself."""
    text = catalog(lang).get(key) or catalog(Lang.VI).get(key) or key
    return text.format(**kwargs) if kwargs else text


@dataclass(frozen=True)
class Tr:
    """A translator bound to one language: ``tr("key", n=3)``; ``tr.lang`` for data texts.

    ``voice`` re-addresses shared texts: with ``voice="household.q"`` a key ``assess.X``
    (said to a citizen about their own household) reads ``household.q.X`` where the catalog
    has it (said to a collaborator about "this household")."""

    lang: Lang
    voice: str | None = None

    def __call__(self, key: str, **kwargs: object) -> str:
        if self.voice and key.startswith("assess."):
            alt = f"{self.voice}.{key.removeprefix('assess.')}"
            if alt in catalog(self.lang):
                return t(self.lang, alt, **kwargs)
        return t(self.lang, key, **kwargs)

    def speaking_as(self, voice: str) -> Tr:
        return Tr(self.lang, voice)

    def pick(self, texts: Mapping[str, str] | object) -> str:
        """Choose from a data file's {vi: ..., en: ...} texts (a mapping or attributes)."""
        if isinstance(texts, Mapping):
            return str(texts.get(self.lang.value) or texts.get(Lang.VI.value) or "")
        return str(getattr(texts, self.lang.value, "") or getattr(texts, Lang.VI.value, ""))


def fmt_number(value: float, lang: Lang) -> str:
    return format_decimal(value, locale=BABEL_LOCALE[lang])


def fmt_money(value: float, lang: Lang) -> str:
    return format_currency(value, "VND", locale=BABEL_LOCALE[lang])


def fmt_date(value: date | datetime, lang: Lang) -> str:
    if isinstance(value, datetime):
        return format_datetime(value, "short", tzinfo=local_zone(), locale=BABEL_LOCALE[lang])
    return format_date(value, "short", locale=BABEL_LOCALE[lang])


def fmt_month(period: str, lang: Lang) -> str:
    """A reporting month "YYYY-MM" as people write it: "tháng 3/2026", "March 2026"."""
    year, month = int(period[:4]), int(period[5:7])
    if lang is Lang.VI:
        return f"tháng {month}/{year}"
    return format_date(date(year, month, 1), "MMMM y", locale=BABEL_LOCALE[lang])
