"""Which language a question is typed in: Vietnamese (with or without diacritics) or English."""

from __future__ import annotations

from knowledge.normalize import fold, is_syllable, words

# English words that are not also common Vietnamese syllables typed without marks ("can" is
# "cận", "be" is "bé", "do" is "đó"): "the" stays, as the share rule below guards it.
ENGLISH = frozenset({
    "the", "is", "are", "am", "my", "our", "we", "you", "does", "how", "what", "where", "when",
    "who", "which", "for", "of", "with", "get", "from", "have", "has", "this", "that", "there",
    "it", "and", "or", "will", "would", "should", "could", "i", "poor", "household", "households",
    "help", "support", "many", "much", "money", "your", "their", "people", "children", "child",
    "about", "today", "use", "right", "results", "after", "before", "new", "old", "want", "need",
    "work", "job", "school", "house", "home", "loan", "bank", "water", "land", "family", "mother",
    "father", "health", "insurance", "certificate", "number", "phone", "training", "poverty",
    "into", "now", "yet", "still", "already", "merged", "part", "province", "decision", "under",
})
# Place names, the same in both languages: they count for neither ("has Ninh Thuan merged into
# Khanh Hoa" is English, "ninh thuan sap nhap khanh hoa chua" Vietnamese).
PLACES = frozenset({"ninh", "thuan", "khanh", "hoa", "phan", "rang", "thap", "cham", "viet",
                    "nam"})


def detect_language(text: str) -> str:
    """``"en"`` when the text reads as English, else ``"vi"``.

    Without diacritics, English needs a common English word and at least half of the words
    either English or not spelled like a Vietnamese syllable ("poverty", "standard"). Words with
    Vietnamese diacritics count for Vietnamese, but English may still quote a few names
    ("is Ninh Thuận part of Khánh Hòa now").
    """
    found = [w for w in words(text if isinstance(text, str) else "")[:40]
             if fold(w) not in PLACES]
    if not found:
        return "vi"
    accented = sum(fold(word) != word for word in found)
    english = sum(word in ENGLISH for word in found)
    if accented:
        return "en" if english >= 2 and english >= accented else "vi"
    foreign = sum(not word.isdigit() and word not in ENGLISH and not is_syllable(word)
                  for word in found)
    return "en" if english and english + foreign >= 0.5 * len(found) else "vi"
