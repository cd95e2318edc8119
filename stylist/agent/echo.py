"""Sentences of the model's answer that only repeat the request back ("To a summer wedding, earthy
colours, under $200.") are dropped before they are sent, and so are sentences copied from the answer
prompt's example (a small model may answer with the example itself, garments and budget included).

A sentence is an echo when it repeats five or more consecutive words of the request, or when it
is mostly the request's words (at least three quarters of four or more words) and so adds nothing.
"""

from __future__ import annotations

import re

ECHO_RUN = 5
"""Consecutive request words that make a sentence an echo."""
_WORD = re.compile(r"[a-z0-9']+")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("colour", "color"))


def is_echo(sentence: str, request: str) -> bool:
    """Whether ``sentence`` only repeats ``request`` back."""
    said, asked = _words(sentence), _words(request)
    if len(said) < 3 or len(asked) < 3:
        return False
    runs = {tuple(asked[i : i + ECHO_RUN]) for i in range(len(asked) - ECHO_RUN + 1)}
    if any(tuple(said[i : i + ECHO_RUN]) in runs for i in range(len(said) - ECHO_RUN + 1)):
        return True
    vocab = set(asked)
    return len(said) >= 4 and sum(w in vocab for w in said) >= 0.75 * len(said)


def drop_echoes(text: str, request: str, *copied_from: str) -> tuple[str, int]:
    """``text`` without the sentences that echo ``request`` or any of ``copied_from`` (the prompt's
    examples), and how many were dropped (line breaks are kept)."""
    if not text.strip():
        return text, 0
    parts = _SENTENCE.split(text)
    kept = [p for p in parts if not any(is_echo(p, source) for source in (request, *copied_from))]
    dropped = len(parts) - len(kept)
    if not dropped:
        return text, 0
    out = " ".join(p.strip() for p in kept if p.strip())
    if text.endswith("\n") and out:
        out += "\n"
    return out, dropped


_ID = re.compile(r"\[[^\]\s]+\]")


def sentence_key(sentence: str) -> str | None:
    """How a sentence is compared for repeats: its words, when it has four or more and names no
    garment id (a garment listed again in a second outfit is a list entry, not a repeat)."""
    if _ID.search(sentence):
        return None
    words = _words(sentence)
    return " ".join(words) if len(words) >= 4 else None


def drop_repeats(line: str, said: set[str]) -> str:
    """``line`` without the sentences already in ``said`` (which it extends): "Why: a close match in
    the catalogue." once, not under every garment."""
    parts = re.split(r"(?<=[.!?])(\s+)", line)
    out: list[str] = []
    dropped = False
    for i in range(0, len(parts), 2):
        sentence, gap = parts[i], parts[i + 1] if i + 1 < len(parts) else ""
        key = sentence_key(sentence)
        if key is not None and key in said:
            dropped = True
            continue
        if key is not None:
            said.add(key)
        out.append(sentence + gap)
    text = "".join(out).rstrip() if dropped else "".join(out)
    return text if text.strip() or not line.strip() else ""
