"""Reading profile changes out of what a user says ("I hate orange", "I just bought the navy
blazer", "my budget is 200"), so a small LLM only has to pass the sentence along.

Rule-based and English only: each clause gets a polarity from its cue words, and the colours,
materials, patterns, styles and garment types in it become likes or dislikes; ownership cues
("bought", "I own", "I have") add the rest of the clause to the wardrobe.
"""

from __future__ import annotations

import re
from typing import Any

from stylist.fashion.terms import find_terms

_NEGATIVE = re.compile(
    r"\b(hate|hates|dislike|dislikes|don'?t like|do not like|doesn'?t suit|can'?t stand|cannot stand|"
    r"not a fan|"
    r"never wear|avoid|no more|not into|not keen|detest|loathe|don'?t want|do not want|sick of|tired of)\b"
)
_POSITIVE = re.compile(
    r"\b(love|loves|like|likes|adore|prefer|into|fan of|favou?rite|enjoy|suits me|want more)\b"
)
_OWN = re.compile(r"\b(just bought|bought|purchased|i own|i have|i've got|i got|i already have)\b\s*(.*)$")
_BUDGET = re.compile(
    r"(?:budget(?: is| of)?|under|up to|no more than|at most|less than|"
    r"max(?:imum)?)\s*(?:is\s*)?[$€£]?\s*(\d{1,6}(?:\.\d{1,2})?)"
)
_CLAUSES = re.compile(r"[.;!?\n]+|\bbut\b|\bhowever\b|\bwhile\b|\bwhereas\b")
_LEADING = re.compile(r"^(?:the|a|an|some|my|new|this|that|these|those|pair of|a pair of)\s+")


def parse_statement(text: str) -> tuple[dict[str, Any], list[str]]:
    """``(changes, understood)``: a ``ProfileChanges``-shaped dict and, in words, what was read."""
    changes: dict[str, Any] = {"like": {}, "dislike": {}, "wardrobe_add": []}
    understood: list[str] = []
    lowered = text.lower()
    budget = _BUDGET.search(lowered)
    if budget:
        changes["budget"] = float(budget.group(1))
        understood.append(f"budget {budget.group(1)}")
    for clause in _CLAUSES.split(lowered):
        clause = clause.strip(" ,")
        if not clause:
            continue
        own = _OWN.search(clause)
        if own and own.group(2).strip():
            item = _LEADING.sub("", own.group(2).strip(" ,"))
            item = _LEADING.sub("", item)[:200]
            if find_terms("garment", item):
                changes["wardrobe_add"].append(item)
                understood.append(f"owns {item}")
                continue
        if _NEGATIVE.search(clause):
            polarity = "dislike"
        elif _POSITIVE.search(clause):
            polarity = "like"
        else:
            continue
        found = {
            kind: find_terms(vocab, clause)
            for kind, vocab in (
                ("colour", "colour"),
                ("material", "material"),
                ("pattern", "pattern"),
                ("style", "style"),
                ("article_type", "garment"),
            )
        }
        if any(found[k] for k in ("colour", "material", "pattern", "style")):
            found["article_type"] = []  # "floral dresses": the floral is disliked, not every dress
        for kind, terms in found.items():
            for term in terms:
                bucket = changes[polarity].setdefault(kind, [])
                if term not in bucket:
                    bucket.append(term)
                    understood.append(f"{polarity}s {kind.replace('_', ' ')} {term}")
    # the same value liked and disliked in one sentence: the later clause wins
    for kind, values in list(changes["like"].items()):
        later = [v for v in values if v in changes["dislike"].get(kind, [])]
        for v in later:
            last_like = lowered.rfind(v)
            neg = _NEGATIVE.search(lowered[max(0, last_like - 40) : last_like]) is not None
            (changes["like"][kind] if neg else changes["dislike"][kind]).remove(v)
    changes = {k: v for k, v in changes.items() if v not in ({}, [], None)}
    changes["like"] = {k: v for k, v in changes.get("like", {}).items() if v}
    changes["dislike"] = {k: v for k, v in changes.get("dislike", {}).items() if v}
    return {k: v for k, v in changes.items() if v not in ({}, [])}, understood
