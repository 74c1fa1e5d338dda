"""Money amounts as citizens type them, in đồng.

``parse_amount`` reads a whole answer ("1 triệu rưỡi", "1tr5", "1,5tr", "1.500.000", "800k",
"800 nghìn", "2 củ", "khoảng 3 triệu/tháng") and refuses anything else; ``find_amount`` finds the
first amount in a free-text story ("nhà tôi 5 người, thu nhập 6 triệu một tháng"), where a bare
small number ("5 người", "85 tuổi") is not money. Accents are optional; no float arithmetic.
"""

from __future__ import annotations

import re

from knowledge.normalize import fold, nfc

# Unit words (folded) → đồng. "cu" (củ) and "lit" (lít) are slang for a million and 100,000.
UNITS = {
    "ty": 1_000_000_000, "ti": 1_000_000_000, "trieu": 1_000_000, "tr": 1_000_000,
    "cu": 1_000_000, "m": 1_000_000, "million": 1_000_000, "millions": 1_000_000,
    "nghin": 1_000, "ngan": 1_000, "k": 1_000, "thousand": 1_000,
    "lit": 100_000, "xi": 100_000, "tram nghin": 100_000, "tram ngan": 100_000,
    "tram k": 100_000,
}
_UNIT = "|".join(sorted(UNITS, key=len, reverse=True))
_NUMBER = r"\d+(?:[.,]\d+)*"
# number, unit, then an optional remainder: "rưỡi" (a half) or digits ("1tr5", "1 triệu 200").
_AMOUNT = re.compile(
    rf"(?<![\w.,])(?P<num>{_NUMBER})\s*(?P<unit>{_UNIT})(?![a-z])"
    r"(?:\s*(?P<half>ruoi)\b|\s*(?P<rest>\d{1,3})(?![\d.,])(?P<tram>\s*tram\b)?)?"
    r"(?:\s*(?:dong|d|vnd|vnđ)\b)?"
)
_PLAIN = re.compile(rf"(?<![\w.,])(?P<num>{_NUMBER})\s*(?:dong|d|vnd)?(?![\w.,])")
_HALF = re.compile(r"(?<![\w])nua\s+(?P<unit>trieu|cu|ty)\b")
# Words around an amount that do not change it (folded).
_FILLER = re.compile(
    r"\b(?:khoang|tam|chung|do|co|gan|hon|duoi|tren|it nhat|toi da|chi|duoc|thu nhap|la|"
    r"moi|mot|1|thang|nguoi|ca nha|ho|binh quan|dau|about|around|per|a|month|person|"
    r"vnd|dong)\b"
)
# A noun right after a small number says it counts something else ("2 người", "3 tháng").
_COUNTED = re.compile(r"\s*(?:nguoi|khau|nhan khau|con|dua|chau|thang|nam|ngay|tuoi|lan|"
                      r"sao|ha|m2|met|ky|kg|lop|thanh vien)\b")


def _folded(text: str) -> str:
    return " ".join(fold(nfc(text)).replace("/", " ").split())


def _number(raw: str) -> tuple[int, int] | None:
    """'1.5' / '1,5' → (15, 10); '1.500.000' → (1500000, 1); None for '1.2.3' style."""
    parts = re.split(r"[.,]", raw)
    if len(parts) == 1:
        return int(raw), 1
    if all(len(p) == 3 for p in parts[1:]):  # thousands separators
        return int("".join(parts)), 1
    if len(parts) == 2:  # a decimal
        return int(parts[0] + parts[1]), 10 ** len(parts[1])
    return None


def _value(match: re.Match[str]) -> int | None:
    number = _number(match["num"])
    if number is None:
        return None
    whole, scale = number
    unit = UNITS[match["unit"]]
    amount = whole * unit // scale
    if whole * unit % scale:
        return None
    if match["half"]:
        amount += unit // 2
    elif match["rest"]:
        if scale != 1:
            return None  # "1,5tr2"
        rest = match["rest"]
        amount += int(rest) * unit // (10 if match["tram"] else 10 ** len(rest))
    return amount


def parse_amount(text: str) -> int | None:
    """The amount a whole answer states, in đồng; None when it is not one clear amount."""
    folded = _folded(text if isinstance(text, str) else "")
    matches = list(_AMOUNT.finditer(folded)) or list(_HALF.finditer(folded))
    if len(matches) == 1:
        match = matches[0]
        leftover = folded[: match.start()] + " " + folded[match.end():]
        counted = "rest" in match.groupdict() and match["rest"] and _COUNTED.match(
            folded, match.end())
        if counted or _FILLER.sub(" ", leftover).strip():
            return None
        return _value(match) if "num" in match.groupdict() else UNITS[match["unit"]] // 2
    if matches:
        return None
    plain = list(_PLAIN.finditer(folded))
    if len(plain) != 1 or _FILLER.sub(" ", _PLAIN.sub(" ", folded)).strip():
        return None
    number = _number(plain[0]["num"])
    if number is None or number[1] != 1:
        return None
    small_count = number[0] < 1000 and _COUNTED.match(folded, plain[0].end())
    return None if small_count else number[0]


def find_amount(text: str) -> int | None:
    """The first money amount in a free-text story, in đồng; None when it names none.

    Needs a unit (triệu, tr, nghìn, k, củ, đồng…) or a number of at least 10,000 ("1500000",
    "1.500.000"); a remainder digit followed by a counted noun ("1 triệu 2 người") is not part
    of the amount.
    """
    folded = _folded(text if isinstance(text, str) else "")
    for match in _AMOUNT.finditer(folded):
        if match["rest"] and _COUNTED.match(folded, match.end()):
            trimmed = _AMOUNT.match(folded[: match.start("rest")].rstrip(), match.start())
            return _value(trimmed) if trimmed else None
        value = _value(match)
        if value is not None:
            return value
    half = _HALF.search(folded)
    if half:
        return UNITS[half["unit"]] // 2
    for match in _PLAIN.finditer(folded):
        number = _number(match["num"])
        if number and number[1] == 1 and number[0] >= 10_000 and not re.fullmatch(
                r"(?:19|20)\d\d", match["num"]):
            return number[0]
    return None
