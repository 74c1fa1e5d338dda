"""A question's tokens before ranking: abbreviations expanded, particles that only look like
content words dropped ("vậy" folds to "vay", the loan), typos corrected (``knowledge.spelling``).
"""

from __future__ import annotations

from knowledge.normalize import Lexicon, fold, is_syllable, words
from knowledge.phrases import Tokens, canonical
from knowledge.spelling import Speller

Row = tuple[str, str, str | None]  # (as typed folded, corrected, the word typed with marks)


def _rows(question: str, lex: Lexicon, speller: Speller, max_tokens: int
          ) -> tuple[list[Row], Tokens]:
    """Rows for ranking (particles dropped) and all words for phrase matching."""
    rows: list[Row] = []
    for word in words(question)[:max_tokens]:
        folded = fold(word)
        if folded in lex.abbreviations:
            rows.extend(("", tok, None) for tok in lex.abbreviations[folded])
            continue
        rows.append((folded, speller.word(folded), word if word != folded else None))
    every = Tokens(tuple(tok for _, tok, _ in rows),
                   tuple(canonical(acc) if acc else None for _, _, acc in rows))
    return _drop_particles(rows, lex), every


def _drop_particles(rows: list[Row], lex: Lexicon) -> list[Row]:
    """Words typed with the marks of a particle ("vậy"), and homographs typed without marks
    whose neighbours do not make them the content word ("6 triệu vay có phải…")."""
    kept = []
    for i, (typed, tok, accented) in enumerate(rows):
        if accented is not None and canonical(accented) in lex.accented_stopwords:
            continue
        homograph = lex.homographs.get(tok) if accented is None and typed == tok else None
        if homograph is not None:
            prev = rows[i - 1][1] if i > 0 else ""
            nxt = rows[i + 1][1] if i + 1 < len(rows) else ""
            if not homograph.content(prev, nxt):
                continue
        kept.append((typed, tok, accented))
    return kept


def question_tokens(question: str, lex: Lexicon, speller: Speller, max_chars: int,
                    max_tokens: int, fuzzy_weight: float, guess_weight: float
                    ) -> tuple[list[tuple[str, str | None, float]], Tokens]:
    """(folded token, word as typed if accented, weight) after abbreviations and typos, and
    the question's words for phrase matching (abbreviations expanded, particles kept)."""
    rows, every = _rows(question[:max_chars], lex, speller, max_tokens)
    content = [i for i, row in enumerate(rows) if row[1] not in lex.stopwords]
    fixed = speller.in_context(
        [rows[i][1] for i in content],
        # a word typed with diacritics that is a well-spelt syllable is a real word: no guess
        [rows[i][0] == rows[i][1] and not (rows[i][2] and is_syllable(rows[i][1]))
         for i in content]
    )
    guessed = set()
    for i, token in zip(content, fixed, strict=True):
        if token != rows[i][1]:
            rows[i] = (rows[i][0], token, None)
            guessed.add(i)
    return [
        (tok, acc, 1.0) if typed in ("", tok)
        else (tok, None, guess_weight if i in guessed else fuzzy_weight)
        for i, (typed, tok, acc) in enumerate(rows)
    ], every
