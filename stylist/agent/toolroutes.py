"""Argument extractors and follow-up rules for the built-in tools' routing hints.

Each tool declares ``routing = RouteHint(...)`` on its class (the keywords live there, next to the
tool); the functions here read that tool's arguments out of plain text, so ``--llm none`` reaches
every tool. Garments are referred to by catalogue id ("g-0003", "demo-00042", "#15970") or by
position in the last list shown ("the second one", "number 3", "it").
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from stylist.agent.router import _CHEAPER as _CHEAPER_WORDS
from stylist.agent.router import _PRICIER as _PRICIER_WORDS
from stylist.agent.router import PATTERN_WEIGHT
from stylist.fashion.brief import clean_query, extract_gender, extract_k, extract_price, normalise

if TYPE_CHECKING:
    from stylist.agent.router import RouteContext

#: A catalogue id as people type it: letters, a dash and digits ("g-0003", "demo-00042"), or "#digits"
#: / "item 12345" for numeric ids.
ITEM_ID = (
    r"(?<![\w-])(?:[a-z][a-z0-9]*(?:-[a-z0-9]+)*-\d[\w-]*|#\d{3,}|(?<=item )\d{3,}|(?<=id )\d{3,})(?![\w-])"
)

_ORDINALS = {
    "first": 1,
    "1st": 1,
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
    "fifth": 5,
    "5th": 5,
    "last": -1,
    "top": 1,
}
_ORDINAL_RE = re.compile(
    r"\b(?:the )?(first|1st|second|2nd|third|3rd|fourth|4th|fifth|5th|last|top) (?:one|item|pick|option|suggestion|dress|shirt|piece)s?\b"
    r"|\b(?:number|no\.?|option|item) ?#?([1-9])\b(?!\d)"
)
_PRONOUN_RE = re.compile(r"\b(it|that one|this one|that|this)\b")


def item_ids_in(text: str) -> list[str]:
    """Catalogue ids written in ``text``, in order, each once (case kept as written)."""
    out: list[str] = []
    for m in re.finditer(ITEM_ID, text, flags=re.IGNORECASE):
        value = m.group(0).lstrip("#")
        if value not in out:
            out.append(value)
    return out


def ordinal_refs(text: str, context: RouteContext | None) -> list[str]:
    """Ids of the items shown last turn that ``text`` points at ("the second one", "number 3")."""
    shown = [i["id"] for i in (context.last_items if context else []) if i.get("id")]
    if not shown:
        return []
    t = normalise(text)
    out: list[str] = []
    for m in _ORDINAL_RE.finditer(t):
        n = _ORDINALS[m.group(1)] if m.group(1) else int(m.group(2))
        if n == -1:
            n = len(shown)
        if 1 <= n <= len(shown) and shown[n - 1] not in out:
            out.append(shown[n - 1])
    return out


def item_refs(text: str, context: RouteContext | None, *, pronouns: bool = False) -> list[str]:
    """Ids written in the text, then items of the last list it points at by position. With
    ``pronouns``, "it"/"that one" means the single item shown last, when exactly one was."""
    refs = item_ids_in(text) + [i for i in ordinal_refs(text, context) if i not in item_ids_in(text)]
    if not refs and pronouns and context is not None:
        shown = [i["id"] for i in context.last_items if i.get("id")]
        if len(shown) == 1 and _PRONOUN_RE.search(normalise(text)):
            refs = shown
    return refs


def _without_ids(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(ITEM_ID, " ", text, flags=re.IGNORECASE)).strip()


# -- build_outfit -----------------------------------------------------------------------------------
def outfit_arguments(text: str, context: RouteContext) -> dict[str, Any]:
    args: dict[str, Any] = {}
    brief = clean_query(_without_ids(text))
    if brief:
        args["brief"] = brief[:500]
    _lo, hi = extract_price(text)
    if hi is not None and hi > 0:
        args["budget"] = hi
    gender = extract_gender(text)
    if gender:
        args["gender"] = gender
    anchors = item_refs(text, context)
    if anchors:
        args["anchors"] = anchors[:6]
    k = extract_k(text)
    if k:
        args["k"] = min(k, 10)
    return args


def outfit_followup(text: str, last: dict[str, Any], context: RouteContext) -> dict[str, Any] | None:
    """ "cheaper", "for men", "under 150", "with g-0012" applied to the last outfit request."""
    t = normalise(text)
    if len(t.split()) > 8:
        return None
    args = dict(last)
    _lo, hi = extract_price(text)
    if re.search(_CHEAPER_WORDS, t):
        shown = [float(i["price"]) for i in context.last_items if i.get("price") is not None]
        k = int(last.get("k") or 3)
        current = last.get("budget") or (sum(shown) / max(1, k) if shown else None)
        if current:
            args["budget"] = round(float(current) * 0.8, 2)
    elif re.search(_PRICIER_WORDS, t):
        args.pop("budget", None)
        args["brief"] = (str(last.get("brief", "")) + " premium").strip()
    if hi is not None and hi > 0:
        args["budget"] = hi
    gender = extract_gender(text)
    if gender:
        args["gender"] = gender
    anchors = item_refs(text, context)
    if anchors:
        args["anchors"] = list(dict.fromkeys([*last.get("anchors", []), *anchors]))[:6]
    return args if args != last else None


# -- score_outfit -----------------------------------------------------------------------------------
def score_arguments(text: str, context: RouteContext) -> dict[str, Any]:
    refs = item_refs(text, context)
    if (
        len(refs) < 2
        and context.last_items
        and re.search(r"\b(these|them|those|this outfit|it)\b", normalise(text))
    ):
        refs = list(dict.fromkeys([*refs, *(i["id"] for i in context.last_items if i.get("id"))]))[:12]
    return {"item_ids": refs[:12]}


def score_applies(text: str, context: RouteContext) -> bool:
    """Scoring needs two or more garments: named, pointed at, or "these" after a list."""
    refs = item_refs(text, context)
    return len(refs) >= 2 or (
        bool(context.last_items) and bool(re.search(r"\b(these|them|those|this outfit)\b", normalise(text)))
    )


# -- trend_forecast ---------------------------------------------------------------------------------
_TREND_KIND_WORDS: tuple[tuple[str, str], ...] = (
    (r"colou?rs?|shades?|hues?", "colour"),
    (r"fabrics?|materials?|textiles?", "fabric"),
    (r"patterns?|prints?", "pattern"),
    (r"styles?|aesthetics?|vibes?", "style"),
    (
        r"articles?|article types?|garment types?|garments?|pieces|items|silhouettes?|clothes|clothing",
        "article",
    ),
)
_TREND_VALUE_KINDS = {"colour": "colour", "fabric": "material", "pattern": "pattern", "article": "garment"}
_PHRASES_NOT_KINDS = r"\b(out of style|in style|out of fashion|in fashion|going out|fashion)\b"
_HORIZON_UNITS = {
    "week": "w",
    "weeks": "w",
    "wk": "w",
    "wks": "w",
    "month": "m",
    "months": "m",
    "year": "y",
    "years": "y",
}
_NUM_WORDS = {
    "one": 1,
    "a": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "twelve": 12,
    "a couple of": 2,
    "a few": 3,
}


def trend_kind(text: str) -> str | None:
    """The attribute kind a trend question is about: its kind noun, else the kind of a named value."""
    t = re.sub(_PHRASES_NOT_KINDS, " ", normalise(text).replace("color", "colour"))
    found = []
    for words, kind in _TREND_KIND_WORDS:
        m = re.search(rf"(?<![\w-])(?:{words})(?![\w-])", t)
        if m:
            found.append((m.start(), kind))
    if found:
        return min(found)[1]
    from stylist.vocab import find_terms

    for kind, vocab in _TREND_VALUE_KINDS.items():
        if find_terms(vocab, t):
            return kind
    return None


def trend_horizon(text: str) -> str | None:
    t = normalise(text)
    num = r"(\d{1,3}|" + "|".join(sorted(map(re.escape, _NUM_WORDS), key=len, reverse=True)) + r")"
    m = re.search(rf"\b{num}[ -](weeks?|wks?|months?|years?)\b", t)
    if m:
        raw = m.group(1)
        n = int(raw) if raw.isdigit() else _NUM_WORDS[raw]
        return f"{n}{_HORIZON_UNITS[m.group(2)]}"
    m = re.search(r"\b(?:next|coming|this coming) (week|month|year|season|quarter)\b", t)
    if m:
        return {"week": "1w", "month": "1m", "year": "1y", "season": "3m", "quarter": "3m"}[m.group(1)]
    return None


def trend_arguments(text: str, context: RouteContext) -> dict[str, Any]:
    args: dict[str, Any] = {}
    kind = trend_kind(text)
    if kind:
        args["kind"] = kind
    horizon = trend_horizon(text)
    if horizon:
        args["horizon"] = horizon
    t = normalise(text)
    m = re.search(r"\btop (\d{1,2})\b", t)
    if m and 1 <= int(m.group(1)) <= 20:
        args["top"] = int(m.group(1))
    if re.search(r"\b(chart|graph|plot|visuali[sz]e)\b", t):
        args["chart"] = True
    return args


def trend_followup(text: str, last: dict[str, Any], context: RouteContext) -> dict[str, Any] | None:
    """ "and fabrics?", "over the next year?", "with a chart" after a trend question."""
    if len(normalise(text).split()) > 7:
        return None
    new = trend_arguments(text, context)
    if not new:
        return None
    args = {**last, **new}
    return args if args != last else None


# -- profile tools ----------------------------------------------------------------------------------
_LETTER_SIZE = r"(xxs|xs|s|m|l|xl|xxl|xxxl|small|medium|large|extra large)"
_SIZE_TARGETS = {
    "shoe": "shoes",
    "shoes": "shoes",
    "feet": "shoes",
    "waist": "waist",
    "trousers": "bottom",
    "jeans": "bottom",
    "pants": "bottom",
    "dress": "dress",
    "top": "top",
    "shirt": "top",
    "shirts": "top",
    "tops": "top",
    "jacket": "outerwear",
    "chest": "chest",
    "inseam": "inseam",
    "bra": "bra",
    "ring": "ring",
}
_LETTER_CANON = {"small": "S", "medium": "M", "large": "L", "extra large": "XL"}


def extract_sizes(text: str) -> dict[str, str]:
    """Sizes stated in ``text``: "my size is M" -> {"general": "M"}, "size 42 shoe" -> {"shoes": "42"}."""
    t = normalise(text)
    sizes: dict[str, str] = {}
    if not re.search(r"\b(size|sizes|sized|waist|inseam|chest)\b", t):
        return sizes
    targets = "|".join(sorted(map(re.escape, _SIZE_TARGETS), key=len, reverse=True))
    patterns = (
        rf"\b(?:my |a )?(?P<target>{targets})(?: size)?(?: is| of)? (?:a |an |size )?(?P<value>\d{{1,3}}(?:[.,]5)?|{_LETTER_SIZE})\b",
        rf"\b(?:size|a) (?P<value>\d{{1,3}}(?:[.,]5)?|{_LETTER_SIZE})(?: in)? (?P<target>{targets})\b",
        rf"\b(?:i'm|i am|i wear|i take) (?:a |an |size )?(?P<value>\d{{1,3}}(?:[.,]5)?|{_LETTER_SIZE}) (?P<target>{targets})\b",
        rf"\bsize (?:is )?(?P<value>\d{{1,3}}(?:[.,]5)?|{_LETTER_SIZE})\b",
        rf"\b(?:i'm|i am|i wear|i take) (?:a )?size (?P<value>\d{{1,3}}(?:[.,]5)?|{_LETTER_SIZE})\b",
    )
    for pattern in patterns:
        for m in re.finditer(pattern, t):
            value = m.group("value")
            value = _LETTER_CANON.get(value, value.upper() if value.isalpha() else value)
            target = _SIZE_TARGETS.get(m.groupdict().get("target") or "", "general")
            sizes.setdefault(target, value)
        if sizes:
            break
    return sizes


def update_profile_arguments(text: str, context: RouteContext) -> dict[str, Any]:
    """The statement verbatim (the tool parses likes, dislikes, wardrobe, budget from it), plus the
    fields the statement parser does not read: sizes and a budget."""
    args: dict[str, Any] = {"statement": text.strip()[:2000]}
    sizes = extract_sizes(text)
    if sizes:
        args["sizes"] = sizes
    t = normalise(text)
    if re.search(r"\b(budget|spend|per (item|piece)|keep it under|no more than)\b", t):
        _lo, hi = extract_price(text)
        if hi is not None and hi > 0:
            args["budget"] = hi
    return args


def statement_score(text: str, context: RouteContext) -> float:
    """How clearly the message states a taste, a size, a budget or an owned item (the profile
    statement parser's reading)."""
    from stylist.profiles.statements import parse_statement

    if not re.search(r"\b(i|i'm|i've|im|my|me|mine)\b", normalise(text)):
        return 0.0  # a statement about the user speaks in the first person
    changes, _understood = parse_statement(text)
    found = (
        any(changes.get("like", {}).values())
        or any(changes.get("dislike", {}).values())
        or changes.get("wardrobe_add")
    )
    budget = changes.get("budget") and re.search(r"\b(my budget|per (item|piece))\b", normalise(text))
    return PATTERN_WEIGHT if (found or budget or extract_sizes(text)) else 0.0


def update_profile_applies(text: str, context: RouteContext) -> bool:
    """A statement about the user, not a question about their profile, and not about a listed item."""
    t = normalise(text)
    if item_refs(text, context):
        return False
    # a question asks for something ("a wedding look? I like earthy colours"): the taste in it is
    # context for that request, not the request
    return not re.search(r"^(what|which|do you|did i|have i|show|list|tell me|remind me)\b|\?", t)


_FEEDBACK_KINDS: tuple[tuple[str, str], ...] = (
    ("buy", r"\b(bought|buy(ing)?|purchased?|ordered|i'll take|i will take|getting it)\b"),
    (
        "save",
        r"\b(save|saved|bookmark(ed)?|keep (it|this|that) for later|for later|wishlist|favourites?|favorites?)\b",
    ),
    (
        "dislike",
        r"\b(dislike|don't like|do not like|hate|not a fan|not keen|not into|ugly|no thanks|nope|not for me|thumbs down|meh|awful|horrible)\b|👎",
    ),
    (
        "like",
        r"\b(like|love|loved|lovely|adore|perfect|great|nice|gorgeous|beautiful|stunning|amazing|thumbs up)\b|👍|❤",
    ),
)


def _first_match(text: str, table: tuple[tuple[str, str], ...]) -> str | None:
    """The name of the first (name, pattern) row whose pattern the normalised text matches."""
    t = normalise(text)
    return next((name for name, pattern in table if re.search(pattern, t)), None)


def feedback_kind(text: str) -> str | None:
    return _first_match(text, _FEEDBACK_KINDS)


def feedback_arguments(text: str, context: RouteContext) -> dict[str, Any]:
    refs = item_refs(text, context, pronouns=True)
    args: dict[str, Any] = {"kind": feedback_kind(text) or "like"}
    if len(refs) == 1:
        args["item_id"] = refs[0]
    elif refs:
        args["item_ids"] = refs[:12]
    return args


def feedback_score(text: str, context: RouteContext) -> float:
    """A verdict (like, save, buy …) on a garment named or pointed at is feedback."""
    return PATTERN_WEIGHT if feedback_applies(text, context) else 0.0


def feedback_applies(text: str, context: RouteContext) -> bool:
    """Feedback is about a garment: one named by id or pointed at in the last list."""
    return bool(item_refs(text, context, pronouns=True)) and feedback_kind(text) is not None


# -- write_copy -------------------------------------------------------------------------------------
_COPY_TONES = (
    (
        "luxury",
        r"\b(luxury|luxurious|refined|upscale|elegant|premium|high[- ]end|sophisticated|classy|posh)\b",
    ),
    ("minimal", r"\b(minimal|minimalist|short and simple|simple|plain|understated|concise|brief|short)\b"),
    ("playful", r"\b(playful|fun|funny|cheerful|upbeat|cheeky|witty|lively)\b"),
)


def copy_tone(text: str) -> str | None:
    return _first_match(text, _COPY_TONES)


def copy_kind(text: str, n_items: int) -> str | None:
    t = normalise(text)
    if re.search(r"\b(caption|instagram|insta|tweet|social|post|tiktok|hashtags?)\b", t):
        return "caption"
    if re.search(r"\boutfit\b", t) or n_items > 1:
        return "outfit"
    if re.search(r"\b(product description|description|describe|shop|listing|product|blurb)\b", t):
        return "product"
    return None


def copy_arguments(text: str, context: RouteContext) -> dict[str, Any]:
    refs = item_refs(text, context, pronouns=True)
    args: dict[str, Any] = {}
    if len(refs) == 1:
        args["item_id"] = refs[0]
    elif refs:
        args["item_ids"] = refs[:8]
    kind = copy_kind(text, len(refs))
    if kind:
        args["kind"] = kind
    tone = copy_tone(text)
    if tone:
        args["tone"] = tone
    return args


def copy_applies(text: str, context: RouteContext) -> bool:
    """Copy is written for garments named or pointed at; a request to pretend one exists is not a
    copywriting request."""
    if re.search(r"\b(pretend|imagine|make up|made up|invent|fictional|fake)\b", normalise(text)):
        return False
    return bool(item_refs(text, context, pronouns=True))


def profile_question_applies(text: str, context: RouteContext) -> bool:
    """Questions about the profile name no garment ("add g-0025 to my saved items" is feedback)."""
    return not item_ids_in(text)


def copy_followup(text: str, last: dict[str, Any], context: RouteContext) -> dict[str, Any] | None:
    """ "make it more luxurious", "shorter", "as a caption", "now one for g-0010"."""
    t = normalise(text)
    if len(t.split()) > 8:
        return None
    args = dict(last)
    refs = item_refs(text, context)
    if refs:
        args.pop("item_id", None)
        args.pop("item_ids", None)
        args.update({"item_id": refs[0]} if len(refs) == 1 else {"item_ids": refs[:8]})
    tone = copy_tone(text)
    if tone:
        args["tone"] = tone
    if re.search(r"\b(caption|instagram|tweet|social|post)\b", t):
        args["kind"] = "caption"
    elif re.search(r"\b(product description|description|shop|listing)\b", t):
        args["kind"] = "product"
    return args if args != last else None
