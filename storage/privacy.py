"""Who may see a household head's full name; everyone else sees it masked.

The register is kept for the commune's annual review: the village's collaborator and the
officers of the commune (or of a village) work with the households by name. Officers of a
district or the province, and the administrator, follow figures: they see "Nguyễn T. L."
(family name, then initials). Citizens never see the register. The same policy serves the
web dashboard and exports; scope (which areas a person may see at all) is checked apart,
with ``storage.people.in_scope`` / ``subtree_ids``.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.base.messages import Role
from storage.models import AreaLevel

NAMING_LEVELS = frozenset({AreaLevel.COMMUNE, AreaLevel.VILLAGE})


def may_see_names(role: Role | str, level: AreaLevel | str | None) -> bool:
    """Whether someone of ``role`` bound to an area of ``level`` sees full names (within
    their own scope)."""
    if role == Role.COLLABORATOR:
        return level == AreaLevel.VILLAGE
    if role == Role.OFFICER:
        return level in NAMING_LEVELS
    return False


def mask_name(name: str) -> str:
    """``"Nguyễn Thị Lan"`` → ``"Nguyễn T. L."``; ``"Lan"`` → ``"L."``."""
    words = name.split()
    if not words:
        return ""
    if len(words) == 1:
        return words[0][0].upper() + "."
    return " ".join([words[0], *(w[0].upper() + "." for w in words[1:])])


def namer(role: Role | str, level: AreaLevel | str | None) -> Callable[[str], str]:
    """The function that shows a name to this viewer: as it is, or masked."""
    return str if may_see_names(role, level) else mask_name
