"""Catalogs stay complete and consistent; formatting follows the user's locale."""

from __future__ import annotations

import re
import string
from datetime import UTC, datetime
from pathlib import Path

from bot.base.i18n import catalog, fmt_date, fmt_money, fmt_number, parse_lang, t
from bot.base.messages import Lang

ROOT = Path(__file__).resolve().parents[1]


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_catalogs_have_the_same_keys_and_placeholders() -> None:
    vi, en = catalog(Lang.VI), catalog(Lang.EN)
    assert set(vi) == set(en)
    assert {k for k in vi if fields(vi[k]) != fields(en[k])} == set()


def test_every_key_used_in_code_exists() -> None:
    pattern = re.compile(r"""\bt\(\s*(?:[a-z_.]+,\s*)?["']([a-z_]+\.[a-z_.]+)["']""")
    used: set[str] = set()
    for path in [*ROOT.glob("bot/**/*.py"), *ROOT.glob("handlers/**/*.py"),
                 *ROOT.glob("bot/web/templates/*.html")]:
        used |= set(pattern.findall(path.read_text(encoding="utf-8")))
    assert used, "the scan found no keys: the pattern is broken"
    prefixes = {k for k in used if k.endswith(".")}  # t("web.role." ~ role) in templates
    assert used - prefixes - set(catalog(Lang.VI)) == set()
    assert {p for p in prefixes if not any(k.startswith(p) for k in catalog(Lang.VI))} == set()


def test_the_dashboards_words_come_from_the_catalogs() -> None:
    """Templates hold markup and keys, no Vietnamese or English words of their own."""
    letters = re.compile(r">([^<>{}]*[A-Za-zÀ-ỹ]{2,}[^<>{}]*)<")
    found = {path.name: letters.findall(path.read_text(encoding="utf-8"))
             for path in ROOT.glob("bot/web/templates/*.html")}
    assert {name: words for name, words in found.items() if words} == {}


def test_money_numbers_dates_by_locale() -> None:
    assert fmt_money(1_500_000, Lang.VI) == "1.500.000\xa0₫"
    assert fmt_number(1234.5, Lang.VI) == "1.234,5"
    assert fmt_number(1234.5, Lang.EN) == "1,234.5"
    evening_utc = datetime(2026, 1, 1, 20, 0, tzinfo=UTC)  # already 2 January in Vietnam
    assert "2/1/26" in fmt_date(evening_utc, Lang.VI)


def test_missing_translation_falls_back_to_the_key_not_a_crash() -> None:
    assert t(Lang.EN, "no.such.key") == "no.such.key"
    assert parse_lang("en-US") is Lang.EN and parse_lang("fr") is Lang.VI
