"""People's names as stored: the accent-free search key of a household head's name.

Folding follows the house rule (NFD, combining marks dropped, đ→d, lower case, one space);
``knowledge.normalize.fold`` does the same for search, but storage may not import it.
"""

from __future__ import annotations

import unicodedata
from typing import Any


def fold_name(text: str) -> str:
    """``"Nguyễn Thị Đào"`` → ``"nguyen thi dao"``: what a search without accents matches."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.replace("đ", "d").split())


def name_key_default(context: Any) -> str:
    """Column default: the key of the row's ``head_name`` (every insert, ORM or Core)."""
    return fold_name(str(context.get_current_parameters().get("head_name") or ""))
