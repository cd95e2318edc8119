"""Attribute mentions in dated text (posts, reviews) → weekly mention-count series.

Two matchers: the lexicons (:mod:`.lexicon`, whole words, the longest phrase first) and, for
words the lexicons do not list, embedding similarity: each remaining content word is embedded
with a :class:`~stylist.index.protocols.TextEmbedder` and counted as the attribute whose surface
form it is closest to, when the cosine similarity reaches ``threshold``. A post counts at most
once per attribute.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import Field

from stylist.index.protocols import TextEmbedder
from stylist.tools.trends.errors import TrendDataError
from stylist.tools.trends.ingest import IngestReport, RowProblem, _summarise, parse_date, week_start
from stylist.tools.trends.lexicon import LEXICONS, phrases
from stylist.tools.trends.series import SeriesKey, TrendSeries

STOPWORDS = frozenset(
    """a an and are as at be but by for from has have i i'm im in is it its just my of on or our so that the \
this
    to was we with you your me very still thing things today new need want love loving wearing wear look looks
    got get more most much what when where which who why how all any can can't cant not no yes too also really
    season weekend week day outfit report hot take thoughts give keep seeing everywhere especially just \
stop""".split()
)
WORD = re.compile(r"[a-z][a-z'\-]{2,}")


@dataclass(frozen=True)
class Mention:
    kind: str
    value: str
    surface: str
    method: str  # "lexicon" or "embedding"
    score: float = 1.0


class MentionExtractor:
    """Finds attribute mentions in texts; ``embedder=None`` uses the lexicons only."""

    def __init__(
        self,
        embedder: TextEmbedder | None = None,
        *,
        threshold: float = 0.7,
        kinds: Sequence[str] | None = None,
    ) -> None:
        self.embedder = embedder
        self.threshold = threshold
        self.kinds = tuple(kinds) if kinds else tuple(LEXICONS)
        self._phrases = [(f, k, v) for f, k, v in phrases() if k in self.kinds]
        self._pattern = re.compile(
            r"(?<![a-z0-9])(" + "|".join(re.escape(f) for f, _, _ in self._phrases) + r")(?![a-z0-9])"
        )
        self._lookup = {f: (k, v) for f, k, v in self._phrases}
        self._form_vectors: np.ndarray | None = None
        self._word_cache: dict[str, tuple[str, str, float] | None] = {}

    def lexicon_mentions(self, text: str) -> tuple[list[Mention], str]:
        """Lexicon hits and the text with the matched spans blanked out."""
        lowered = text.lower()
        found: list[Mention] = []
        for match in self._pattern.finditer(lowered):
            kind, value = self._lookup[match.group(1)]
            found.append(Mention(kind, value, match.group(1), "lexicon"))
        rest = self._pattern.sub(" ", lowered)
        return found, rest

    def extract_many(self, texts: Sequence[str]) -> list[list[Mention]]:
        results: list[list[Mention]] = []
        leftovers: list[list[str]] = []
        for text in texts:
            found, rest = self.lexicon_mentions(text)
            results.append(found)
            leftovers.append([w.strip("'-") for w in WORD.findall(rest) if w.strip("'-") not in STOPWORDS])
        if self.embedder is not None:
            self._embed_words({w for words in leftovers for w in words})
            for found, words in zip(results, leftovers):
                for word in words:
                    hit = self._word_cache.get(word)
                    if hit is not None:
                        found.append(Mention(hit[0], hit[1], word, "embedding", hit[2]))
        return [_dedupe(found) for found in results]

    def extract(self, text: str) -> list[Mention]:
        return self.extract_many([text])[0]

    def _embed_words(self, words: set[str]) -> None:
        assert self.embedder is not None
        if self._form_vectors is None:
            self._form_vectors = np.asarray(
                self.embedder.embed_texts([f for f, _, _ in self._phrases]), dtype=np.float32
            )
        todo = sorted(w for w in words if w not in self._word_cache)
        if not todo:
            return
        vectors = np.asarray(self.embedder.embed_texts(todo), dtype=np.float32)
        sims = vectors @ self._form_vectors.T  # (words, forms), both L2-normalised
        best = sims.argmax(axis=1)
        for word, j, row in zip(todo, best, sims):
            score = float(row[j])
            _, kind, value = self._phrases[int(j)]
            self._word_cache[word] = (kind, value, round(score, 4)) if score >= self.threshold else None


def _dedupe(found: list[Mention]) -> list[Mention]:
    seen: set[tuple[str, str]] = set()
    out = []
    for m in found:
        if (m.kind, m.value) not in seen:
            seen.add((m.kind, m.value))
            out.append(m)
    return out


class TextIngestReport(IngestReport):
    posts: int = 0
    posts_with_mentions: int = 0
    mentions_lexicon: int = 0
    mentions_embedding: int = 0
    embedder: str = Field("off", description="Name of the text embedder used for matching, or 'off'.")


def read_posts(
    path: str | Path, *, on_bad: str = "error"
) -> tuple[list[tuple[int, pd.Timestamp, str, str, str]], list[RowProblem]]:
    """(line, week start, text, region, segment) per post of a JSONL file; bad lines named."""
    path = Path(path)
    name = str(path)
    if not path.is_file():
        raise TrendDataError(f"{name}: no such file")
    posts, problems = [], []
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise TrendDataError(f"{name}: cannot read: {exc}") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(
                RowProblem(
                    file=name, line=number, field="(line)", reason=f"not JSON: {exc.msg}", value=line[:60]
                )
            )
            continue
        if not isinstance(obj, dict):
            problems.append(
                RowProblem(
                    file=name, line=number, field="(line)", reason="not a JSON object", value=line[:60]
                )
            )
            continue
        text = obj.get("text")
        if not isinstance(text, str) or not text.strip():
            problems.append(
                RowProblem(
                    file=name,
                    line=number,
                    field="text",
                    reason="missing or empty",
                    value=str(text or "")[:60],
                )
            )
            continue
        try:
            day = parse_date(str(obj.get("date", "")))
        except ValueError:
            problems.append(
                RowProblem(
                    file=name,
                    line=number,
                    field="date",
                    reason="not an ISO date (YYYY-MM-DD)",
                    value=str(obj.get("date", "")),
                )
            )
            continue
        posts.append(
            (
                number,
                pd.Timestamp(week_start(day)),
                text,
                str(obj.get("region") or "").lower(),
                str(obj.get("segment") or "").lower(),
            )
        )
    if problems and on_bad == "error":
        raise TrendDataError(
            _summarise(f"{name}: {len(problems)} bad line(s)", problems),
            hint="fix the lines, or pass --skip-bad to leave them out (they are listed)",
        )
    if not posts:
        raise TrendDataError(f"{name}: no usable posts")
    return posts, problems


def ingest_posts(
    path: str | Path,
    extractor: MentionExtractor,
    *,
    source: str = "posts",
    on_bad: str = "error",
    min_length: int = 16,
) -> tuple[list[TrendSeries], TextIngestReport]:
    """Weekly mention counts per attribute; weeks with no mention of an attribute count 0."""
    posts, problems = read_posts(path, on_bad=on_bad)
    mentions = extractor.extract_many([text for _, _, text, _, _ in posts])
    counts: dict[tuple[str, str, str, str], Counter] = defaultdict(Counter)
    methods = Counter()
    with_mentions = 0
    for (_, week, _, region, segment), found in zip(posts, mentions):
        with_mentions += bool(found)
        for m in found:
            counts[(m.kind, m.value, region, segment)][week] += 1
            methods[m.method] += 1
    weeks = pd.date_range(min(p[1] for p in posts), max(p[1] for p in posts), freq=pd.DateOffset(weeks=1))
    series = []
    for (kind, value, region, segment), by_week in sorted(counts.items()):
        values = pd.Series([float(by_week.get(w, 0)) for w in weeks], index=weeks)
        series.append(TrendSeries(SeriesKey(source, kind, value, region, segment), "W", values))
    report = TextIngestReport(
        file=str(path),
        source=source,
        freq="W",
        rows_read=len(posts) + len(problems),
        series=len(series),
        periods=sum(len(s) for s in series),
        first=str(weeks[0].date()),
        last=str(weeks[-1].date()),
        filled=[f"weeks without a mention count 0 ({len(weeks)} weeks from the first to the last post)"],
        skipped_rows=problems,
        short_series=[f"{s.key.label()} ({len(s)} periods)" for s in series if len(s) < min_length],
        posts=len(posts),
        posts_with_mentions=with_mentions,
        mentions_lexicon=methods["lexicon"],
        mentions_embedding=methods["embedding"],
        embedder=getattr(extractor.embedder, "name", "off") if extractor.embedder is not None else "off",
    )
    if not series:
        raise TrendDataError(
            f"{path}: no attribute mentions found in {len(posts)} post(s)",
            hint="the lexicons cover colour, article, pattern, style and fabric words",
        )
    return series, report
