"""The benchmark's own question sets are well formed and kept apart (dev vs held-out)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from knowledge.normalize import fold
from knowledge.search import KnowledgeBase

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.kb import OWN_SETS, Item, read_items  # noqa: E402

VERDICTS = {None, "answered", "eligibility", "not_covered", "unsure"}


def _items(name: str) -> list[Item]:
    return read_items(ROOT / "bench" / f"kb_{name}.tsv")


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase.load()


@pytest.mark.parametrize("name", OWN_SETS)
def test_sets_use_contract_ids_and_known_topics(kb: KnowledgeBase, name: str) -> None:
    topics = {t.id for t in kb.scope.topics}
    items = _items(name)
    assert items
    for item in items:
        assert set(item.sections) <= set(kb.sections), item.question
        assert item.verdict in VERDICTS, item.question
        assert (item.verdict == "not_covered") == (item.topic is not None), item.question
        assert item.topic is None or item.topic in topics, item.question
        assert item.verdict != "eligibility" or item.sections == ("CN",), item.question
        if item.entry is not None:
            entry = next(e for e in kb.entries if e.id == item.entry)
            assert entry.section in item.sections, item.question


def test_issue_11_sets_are_large_enough() -> None:
    on_topic = _items("paraphrase_dev")
    near_domain = [i for i in _items("offtopic_dev") if i.verdict == "not_covered"]
    assert len(on_topic) >= 150 and len(near_domain) >= 80


def test_paraphrases_vary_as_citizens_type() -> None:
    questions = [i.question for i in _items("paraphrase_dev")]
    bare = sum(fold(q) == q.lower() for q in questions)
    chat = sum(any(w in q.split() for w in ("ko", "dc", "k", "bhyt", "hcn", "hn", "e", "bn"))
               for q in questions)
    stories = sum(len(q.split()) >= 18 for q in questions)
    assert bare >= 50 and len(questions) - bare >= 50 and chat >= 8 and stories >= 8


def test_held_out_questions_do_not_repeat_dev_questions() -> None:
    def keys(names: list[str]) -> set[str]:
        return {" ".join(fold(i.question).split()) for n in names for i in _items(n)}
    dev = keys(["paraphrase_dev", "offtopic_dev", "en"])
    held_out = keys(["paraphrase_heldout", "offtopic_heldout"])
    assert not dev & held_out
