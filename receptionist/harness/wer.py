"""Word errors: what a transcript got wrong against what was said, counted the way a
listener would (case, punctuation and "three" against "3" don't count)."""

from __future__ import annotations

import re

_NUMBERS = {w: str(n) for n, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve".split())}  # fmt: skip


def words(text: str) -> list[str]:
    """Lower-case words, number words as digits, a spoken number as one token:
    "5 5 5, 8 6 7" and "555-867" are the same words, so are "three" and "3"."""
    text = re.sub(r"[^a-z0-9' ]", " ", text.lower().replace(".", ""))
    text = re.sub(r"(?<=\d)(?=[a-z])", " ", text)  # "3pm" is "3 pm"
    tokens = [_NUMBERS.get(w, w) for w in text.replace("'", "").split()]
    out: list[str] = []
    for t in tokens:
        if out and t.isdigit() and out[-1].isdigit():
            out[-1] += t
        else:
            out.append(t)
    return out


def word_errors(said: list[str], heard: list[str]) -> int:
    """Word-level edit distance: substitutions, insertions and deletions."""
    row = list(range(len(heard) + 1))
    for i, s in enumerate(said, 1):
        prev, row[0] = row[0], i
        for j, h in enumerate(heard, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (s != h))
    return row[-1]
