"""Find a picture path in chat text in linear time.

The one-regex form (``"…\\.jpg"``, ``'…\\.jpg'`` or ``\\S+\\.jpg``) backtracks over every start
position of a long word: quadratic, 8 s for a 20,000-character message. Here each candidate
start (a quote, the start of a word) is checked once against the extension matches found in
one pass, so the scan is linear; ``benchmarks/regex_redos.py`` checks it on 100,000-character
adversarial inputs. The result is the same as the regex's: the leftmost match, a quoted path
before an unquoted one at the same place.
"""

from __future__ import annotations

import bisect
import re

_EXT = r"\.(?:jpe?g|png|webp|bmp|gif)"
#: A picture extension (the dot included); fixed-length alternatives, so ``finditer`` is linear.
_EXTENSION = re.compile(_EXT + r"(?!\w)", re.I)
_EXTENSION_AT_END = re.compile(_EXT + r"\Z", re.I)
_WORD = re.compile(r"\S+")
_WORD_CHAR = re.compile(r"\w")
_TRAILING = ".,;:!?)"


def image_path_in(text: str) -> str | None:
    """The first picture path in a message ("what is this? ~/photos/shirt.jpg").

    A quoted path may contain spaces (``"my photos/red shirt.png"``); an unquoted one is the
    longest run of non-space characters ending in a picture extension. Trailing punctuation
    (``shirt.jpg?``) is dropped.
    """
    candidates = [c for c in (_quoted(text, '"', 0), _quoted(text, "'", 1), _unquoted(text)) if c]
    if not candidates:
        return None
    return min(candidates)[2].rstrip(_TRAILING)


def _quoted(text: str, quote: str, rank: int) -> tuple[int, int, str] | None:
    """The first ``"…\\.jpg"`` (not followed by a word character): each quote is tried once."""
    start = text.find(quote)
    while start != -1:
        close = text.find(quote, start + 1)
        if close == -1:
            return None
        inner = text[start + 1 : close]
        tail = _EXTENSION_AT_END.search(inner, max(0, len(inner) - 6))
        followed_by_word = close + 1 < len(text) and _WORD_CHAR.match(text, close + 1) is not None
        if tail and tail.start() >= 1 and not followed_by_word:
            return (start, rank, inner)
        start = close
    return None


def _unquoted(text: str) -> tuple[int, int, str] | None:
    """The first word holding a picture extension after its first character, up to the last one."""
    found = [(m.start(), m.end()) for m in _EXTENSION.finditer(text)]
    if not found:
        return None
    dots = [d for d, _ in found]
    for word in _WORD.finditer(text):
        i = bisect.bisect_left(dots, word.end()) - 1  # the last extension starting inside the word
        if i >= 0 and dots[i] > word.start():
            return (word.start(), 2, text[word.start() : found[i][1]])
    return None
