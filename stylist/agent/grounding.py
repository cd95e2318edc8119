"""Grounding: every garment an answer names must come from a tool result of this conversation.

The answer is checked line by line (so it can be checked while it streams): a line that names a
garment by an id or by a price but matches no item the tools returned is an invented mention and
is removed; a stated price that differs from the named item's price is corrected, and so is a
colour word in the same clause as the item that the item does not have. The report counts
grounded and invented mentions; ``rate`` is the share of mentions that were grounded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from stylist.agent.items import SeenItem
from stylist.fashion.brief import COLOUR_CANON, COLOURS

_BRACKET_ID = re.compile(r"\[(?:id[:=\s]*)?([A-Za-z0-9][\w\-.:/]{0,63})\]", re.IGNORECASE)
_LABELLED_ID = re.compile(r"(?:\bid\b[:#\s]*|#)([A-Za-z0-9][\w\-./]{1,63})", re.IGNORECASE)
_PRICE = re.compile(
    r"(?<![\w.])(?:(US\$|\$|USD\s?|€|£)\s?(\d+(?:[.,]\d{1,2})?)|(\d+(?:[.,]\d{1,2})?)\s?(USD|dollars|\$))",
    re.IGNORECASE,
)
_BUDGET_BEFORE = re.compile(
    (
        r"(under|below|less than|up to|budget(?: of| is)?|max(?:imum)?|within|over|above|at least|around|"
        r"about|between|and|than|to|your)\s*$"
    ),
    re.IGNORECASE,
)
# Used as ``.match`` at a price's end (never whitespace); ``(?<!\s)`` keeps a scan linear too.
# A total ("$139 in all", an outfit's heading) is no garment's price either.
_BUDGET_AFTER = re.compile(
    r"(?<!\s)\s*(budget|limit|or less|max|cap|in all|in total|altogether|all together)\b", re.IGNORECASE
)
#: How far before a price or an id its context words are looked for: searching the whole line
#: before each of them is quadratic in the line's length.
_CONTEXT_CHARS = 64
_PRICE_CONTEXT = re.compile(r"(\$|€|£|usd|price|budget|under|size)\s*$", re.IGNORECASE)
_TITLE_PAIR = re.compile(r"[A-Z][a-z]+ [A-Z][a-z]+")
_CURRENCY_AFTER_SEPARATOR = re.compile(r"[\-—–:(]\s*(\$|€|£)")
_CONNECTOR = re.compile(r"\b(?:and|or|plus|then|alongside)\b|[+&/,]")
_OTHER_PHRASE = re.compile(r"\b(?:and|or)\s+(?=(?:the|a|an|your|its)\s)")
_CLAUSE = re.compile(r"[;.!?]|,\s|\s[-—–]\s|\bwith\b|\bpaired\b|\bpair it\b|\bwould go\b")


@dataclass
class GroundingReport:
    grounded: list[str] = field(default_factory=list)
    """Ids of the items the answer names, in order of first mention."""
    invented: list[str] = field(default_factory=list)
    """What was named but not found (ids or the offending line)."""
    price_fixes: int = 0
    colour_fixes: int = 0
    removed_lines: int = 0

    @property
    def mentions(self) -> int:
        return len(self.grounded) + len(self.invented)

    @property
    def rate(self) -> float:
        """Share of named garments that were grounded (1.0 when none were named)."""
        return 1.0 if self.mentions == 0 else len(self.grounded) / self.mentions

    def merge(self, other: GroundingReport) -> None:
        for gid in other.grounded:
            if gid not in self.grounded:
                self.grounded.append(gid)
        self.invented += other.invented
        self.price_fixes += other.price_fixes
        self.colour_fixes += other.colour_fixes
        self.removed_lines += other.removed_lines


def _shape(token: str) -> str:
    return re.sub(r"9+", "9", re.sub(r"[a-z]+", "a", re.sub(r"\d", "9", token.lower())))


class Grounder:
    """Checks answer lines against the items the conversation's tools returned."""

    def __init__(self, known: dict[str, SeenItem]) -> None:
        self.known = known
        self._lower_ids = {k.lower(): k for k in known}
        self._shapes = {_shape(k) for k in known}
        self._min_digits = min((len(re.sub(r"\D", "", k)) for k in known), default=4)
        twins: dict[str, list[str]] = {}
        for k, v in known.items():
            twins.setdefault(v.title.lower(), []).append(k)
        self._twins = {k: twins[v.title.lower()] for k, v in known.items()}
        """Each id → every known id with the same title (catalogues repeat titles: five "Black
        sneakers" at five prices), so a title alone does not say which of them is meant."""
        self._titles = sorted(
            ((t, ks[0]) for t, ks in twins.items() if len(t) >= 6), key=lambda t: -len(t[0])
        )
        self.report = GroundingReport()

    def _lookup(self, token: str) -> str | None:
        return self._lower_ids.get(token.lower().strip(".,:;"))

    def _looks_like_id(self, token: str) -> bool:
        token = token.strip(".,:;")
        if not re.search(r"\d", token):
            return False
        if _shape(token) in self._shapes and len(re.sub(r"\D", "", token)) >= max(3, self._min_digits - 1):
            return True
        return bool(re.search(r"[A-Za-z]", token) and re.search(r"\d", token) and re.search(r"[-_]", token))

    def mentions(self, line: str) -> tuple[list[tuple[int, str]], list[str]]:
        """(grounded mentions as (position, id), invented id tokens) in ``line``."""
        found: list[tuple[int, str]] = []
        invented: list[str] = []
        at: set[int] = set()  # positions in ``found``: a set, so a line of many mentions stays linear
        invented_set: set[str] = set()
        for m in _BRACKET_ID.finditer(line):
            gid = self._lookup(m.group(1))
            if gid:
                found.append((m.start(), gid))
                at.add(m.start())
            elif self._looks_like_id(m.group(1)) or re.search(r"\d", m.group(1)):
                invented.append(m.group(1))
                invented_set.add(m.group(1))
        for m in _LABELLED_ID.finditer(line):
            gid = self._lookup(m.group(1))
            if gid:
                found.append((m.start(), gid))
                at.add(m.start())
            elif self._looks_like_id(m.group(1)) and m.group(1) not in invented_set:
                invented.append(m.group(1))
                invented_set.add(m.group(1))
        for m in re.finditer(r"(?<![\w$€£.\-])([A-Za-z0-9][\w\-]{2,63})(?![\w\-])", line):
            token = m.group(1)
            gid = self._lookup(token)
            if gid and m.start() - 1 not in at:
                found.append((m.start(), gid))
                at.add(m.start())
            elif (
                not gid
                and token not in invented_set
                and self._looks_like_id(token)
                and not _is_price_context(line, m.start())
            ):
                invented.append(token)
                invented_set.add(token)
        low = line.lower()
        by_id = sorted(found)
        spans: list[tuple[int, int]] = []
        for title, gid in self._titles:
            pos = low.find(title)
            if pos >= 0:
                end = pos + len(title)
                if any(a < end and pos < b for a, b in spans) or self._names_an_id(line, end, by_id, gid):
                    # inside a longer title ("beige sandals" in "girls' beige sandals"), or written
                    # just before another garment's id: a line naming an id is checked against it only
                    continue
                spans.append((pos, end))
                twins = self._twins[gid]
                named = [
                    g for p, g in by_id if g in twins
                ]  # "Black sneakers [demo-00771]": the id says which
                found.append(
                    (pos, next((g for p, g in by_id if g in twins and p >= pos), named[0] if named else gid))
                )
        found.sort()
        unique: list[tuple[int, str]] = []
        named: set[str] = set()
        for pos, gid in found:
            if gid not in named:
                unique.append((pos, gid))
                named.add(gid)
        return unique, invented

    def _names_an_id(self, line: str, end: int, by_id: list[tuple[int, str]], gid: str) -> bool:
        """An id mention right after a title (``Title [id]``, ``Title (id)``) naming another garment."""
        gap = line[end : end + 4]
        start = end + len(gap) - len(gap.lstrip(" ([#:—-"))
        return any(end <= p <= start + 1 and g not in self._twins[gid] for p, g in by_id)

    def check_line(self, line: str) -> str | None:
        """The line with prices and colours corrected, or ``None`` when it names an invented garment."""
        found, invented = self.mentions(line)
        prices = [
            m
            for m in _PRICE.finditer(line)
            if not _BUDGET_BEFORE.search(line, max(0, m.start() - _CONTEXT_CHARS), m.start())
            and not _BUDGET_AFTER.match(line, m.end())
        ]
        if invented or (prices and not found and _looks_like_item_line(line)):
            self.report.invented.append(", ".join(invented) if invented else line.strip()[:120])
            self.report.removed_lines += 1
            return None
        for _, gid in found:
            if gid not in self.report.grounded:
                self.report.grounded.append(gid)
        if not found:
            return line
        line = self._fix_prices(line, found, prices)
        return self._fix_colours(line, found)

    def _fix_prices(self, line: str, found: list[tuple[int, str]], prices: list[re.Match[str]]) -> str:
        out, last = [], 0
        for m in prices:
            owner = _owner(found, m.start())
            item = self.known[owner]
            stated = float((m.group(2) or m.group(3)).replace(",", "."))
            twin_prices = [self.known[g].price for g in self._twins[owner] if self.known[g].price is not None]
            if len(twin_prices) > 1 and any(abs(stated - p) <= 0.5 for p in twin_prices):
                continue  # a title shared by several garments, with one of their prices
            if item.price is not None and abs(stated - item.price) > 0.5:
                self.report.price_fixes += 1
                out.append(line[last : m.start()] + _format_price(item.price, m))
                last = m.end()
        out.append(line[last:])
        return "".join(out)

    def _fix_colours(self, line: str, found: list[tuple[int, str]]) -> str:
        spans = [self._mention_span(line, pos, gid) for pos, gid in found]
        # a colour another garment of the line has, written after a name, may describe that one
        line_colours = {c for _, gid in found for c in self.known[gid].colours}
        for n, (pos, gid) in enumerate(found):
            item = self.known[gid]
            if not item.colours:
                continue
            start = max((m.end() for m in _CLAUSE.finditer(line, 0, pos)), default=0)
            end_m = _CLAUSE.search(line, spans[n][1])
            end = end_m.start() if end_m else len(line)
            # several garments in one clause: each owns only its stretch of it
            if n > 0 and spans[n - 1][1] > start:
                start = max(start, _split(line, spans[n - 1][1], pos, self._by_id(line, pos)))
            else:  # "the green trousers and the beige sneakers": the first noun phrase is another's
                start = max([start, *(m.end() for m in _OTHER_PHRASE.finditer(line, start, pos))])
            if n + 1 < len(found) and found[n + 1][0] < end:
                end = min(end, _split(line, spans[n][1], found[n + 1][0], self._by_id(line, found[n + 1][0])))
            clause = line[start:end]
            title_low = item.title.lower()
            fixed, at = clause, pos - start  # ``at``: where the mention starts in ``fixed``
            for colour in COLOURS:
                for m in re.finditer(r"(?<![\w-])" + re.escape(colour) + r"(?![\w-])", fixed, re.IGNORECASE):
                    word = COLOUR_CANON.get(m.group(0).lower(), m.group(0).lower())
                    if word in title_low or any(word in c or c in word for c in item.colours):
                        continue
                    if m.start() > at and any(word in c or c in word for c in line_colours):
                        continue  # after the name ("…: olive and navy both earthy"): may be another's
                    fixed = fixed[: m.start()] + item.colours[0] + fixed[m.end() :]
                    if m.start() < at:
                        at += len(item.colours[0]) - len(m.group(0))
                    self.report.colour_fixes += 1
                    break
            if fixed != clause:
                line = line[:start] + fixed + line[end:]
        return line

    def _by_id(self, line: str, pos: int) -> bool:
        """Whether the mention at ``pos`` is an id (``[demo-1]``, ``id 12``, ``demo-1``), not a title."""
        return not any(line.lower().startswith(t, pos) for t, _ in self._titles)

    def _mention_span(self, line: str, pos: int, gid: str) -> tuple[int, int]:
        """Where a mention found at ``pos`` starts and ends (an id with its brackets, or the title)."""
        title = self.known[gid].title.lower()
        if line.lower().startswith(title, pos):
            return pos, pos + len(title)
        m = re.compile(r"\[[^\]]{1,80}\]|\S+").match(line, pos)
        return pos, m.end() if m else pos

    def check_text(self, text: str) -> str:
        """Check a whole answer; invented lines are dropped."""
        lines = [self.check_line(line) for line in text.split("\n")]
        return "\n".join(line for line in lines if line is not None).strip()


def _split(line: str, a_end: int, b_start: int, b_by_id: bool) -> int:
    """Where one garment's words end and the next one's begin, between two mentions: after the last
    connector ("and", "or", "+", ",") of the gap; without one, words before an id describe that id
    ("the navy trousers [demo-2]") and words after a title describe the title."""
    ends = [m.end() for m in _CONNECTOR.finditer(line, a_end, b_start)]
    if ends:
        return ends[-1]
    return a_end if b_by_id else b_start


def _owner(found: list[tuple[int, str]], pos: int) -> str:
    before = [gid for p, gid in found if p <= pos]
    return before[-1] if before else found[0][1]


def _format_price(price: float, m: re.Match[str]) -> str:
    amount = f"{price:.2f}".removesuffix(".00")
    if m.group(1):
        return f"{m.group(1)}{amount}"
    return f"{amount} {m.group(4)}" if m.group(4).lower() != "$" else f"{amount}$"


def _is_price_context(line: str, pos: int) -> bool:
    return bool(_PRICE_CONTEXT.search(line, max(0, pos - _CONTEXT_CHARS), pos))


def _looks_like_item_line(line: str) -> bool:
    """A line that presents a product: a list bullet, a bold name or a title followed by a price."""
    stripped = line.strip()
    return bool(
        re.match(r"^([-*•]|\d+[.)])\s", stripped)
        or "**" in stripped
        or any(_titled_price(part) for part in stripped.split("\n"))
    )


def _titled_price(line: str) -> bool:
    """``Title Words … - $49``: a capitalised pair, later a separator and a currency sign.

    Equal to ``[A-Z][a-z]+ [A-Z][a-z]+.*[-—–:(]\\s*[$€£]`` without its ``.*``, which backtracks
    from every capitalised pair (quadratic); the first pair is the one with the most line after it.
    """
    pair = _TITLE_PAIR.search(line)
    return pair is not None and _CURRENCY_AFTER_SEPARATOR.search(line, pair.end()) is not None
