"""A dialog's state: a typed value, saved as JSON with the revision of the form it was made
by, so that a form changed since (a step renamed in the data) is noticed on the next message.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

CONFIRM = "__confirm__"  # the step key of the summary that asks for confirmation


class StateError(ValueError):
    """A saved state that cannot be read (written by an older version of the bot)."""


@dataclass(frozen=True)
class DialogState:
    dialog: str
    step: str
    answers: Mapping[str, Any]
    history: tuple[str, ...]
    started: datetime
    updated: datetime
    revision: str
    pending: Mapping[str, Any] | None = field(default=None)  # a doubtful answer to confirm

    def to_json(self) -> dict[str, Any]:
        return {"dialog": self.dialog, "step": self.step, "answers": dict(self.answers),
                "history": list(self.history), "started": self.started.isoformat(),
                "updated": self.updated.isoformat(), "revision": self.revision,
                "pending": dict(self.pending) if self.pending is not None else None}

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> DialogState:
        try:
            return cls(str(raw["dialog"]), str(raw["step"]), dict(raw["answers"]),
                       tuple(str(k) for k in raw["history"]),
                       datetime.fromisoformat(raw["started"]),
                       datetime.fromisoformat(raw["updated"]), str(raw.get("revision") or ""),
                       dict(raw["pending"]) if raw.get("pending") is not None else None)
        except (KeyError, TypeError, ValueError) as err:
            raise StateError(str(err)) from None


def revision_of(name: str, steps: list[tuple[str, list[str], list[str]]]) -> str:
    """A short fingerprint of a form's steps, their fixed choices and group fields."""
    blob = json.dumps([name, steps], ensure_ascii=False).encode()
    return hashlib.sha256(blob).hexdigest()[:12]
