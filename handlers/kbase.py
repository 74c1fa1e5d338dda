"""The knowledge base of the plan, loaded once per process, for the journeys that answer
from it (citizens' questions, feedback on answers)."""

from __future__ import annotations

from functools import cache

from knowledge.search import Entry, KnowledgeBase


@cache
def kb() -> KnowledgeBase:
    return KnowledgeBase.load()


@cache
def entries() -> dict[str, Entry]:
    return {e.id: e for e in kb().entries}
