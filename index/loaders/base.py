"""What every loader shares: problems, the result, decoding, prices, images, row building."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from stylist.errors import CatalogueError
from stylist.index.schema import Garment
from stylist.index.slots import slot_for_article

ENCODINGS = ("utf-8", "utf-8-sig", "cp1252", "latin-1")


class RowProblem(BaseModel):
    """One row (or file) that could not be loaded, and why."""

    model_config = ConfigDict(frozen=True)

    file: str
    line: int | None = None
    field: str | None = None
    reason: str
    value: str | None = None

    def __str__(self) -> str:
        where = self.file + (f", line {self.line}" if self.line is not None else "")
        what = f"field {self.field!r}: " if self.field else ""
        shown = f" (value {self.value!r})" if self.value is not None else ""
        return f"{where}: {what}{self.reason}{shown}"


class CatalogueRowError(CatalogueError):
    """Strict loading stopped at a bad row; ``problem`` says where and why."""

    def __init__(self, problem: RowProblem) -> None:
        super().__init__(str(problem), hint="fix the row, or load without --strict to skip bad rows")
        self.problem = problem


@dataclass
class LoadResult:
    """The garments a catalogue file gave, and every row that was skipped with its reason.

    ``warnings`` are things the user should know that cost no data (e.g. the file was not UTF-8).
    """

    garments: list[Garment]
    problems: list[RowProblem]
    rows_read: int
    format: str
    file: str = ""
    encoding: str | None = None
    warnings: list[RowProblem] = field(default_factory=list)

    @property
    def skipped(self) -> int:
        """Rows skipped; problems with no line concern the whole file (missing, empty, bad header)."""
        return sum(1 for p in self.problems if p.line is not None)

    def skipped_by_reason(self) -> dict[str, int]:
        counts = Counter(_reason_key(p) for p in self.problems if p.line is not None)
        return dict(counts.most_common())

    def summary(self) -> dict[str, Any]:
        """Counts of rows read, loaded and skipped (by reason), plus the problems themselves."""
        return {
            "file": self.file,
            "format": self.format,
            "encoding": self.encoding,
            "rows_read": self.rows_read,
            "loaded": len(self.garments),
            "skipped": self.skipped,
            "skipped_by_reason": self.skipped_by_reason(),
            "file_problems": [p.reason for p in self.problems if p.line is None],
            "problems": [p.model_dump() for p in self.problems],
            "warnings": [p.model_dump() for p in self.warnings],
        }


def _reason_key(problem: RowProblem) -> str:
    # "unknown article type 'Sofas'" and "… 'Rugs'" count as one reason: drop values and details
    reason = re.split(r" \(|: |;", problem.reason)[0]
    reason = re.sub(r"'[^']*'|\"[^\"]*\"", "…", reason).strip()
    field = re.sub(r"\[[^\]]*\]", "[]", problem.field) if problem.field else None
    return f"{field}: {reason}" if field else reason


class Collector:
    """Gathers garments and problems; in strict mode the first problem raises."""

    def __init__(self, file: Path, fmt: str, *, strict: bool) -> None:
        self.file = str(file)
        self.format = fmt
        self.strict = strict
        self.garments: list[Garment] = []
        self.problems: list[RowProblem] = []
        self.warnings: list[RowProblem] = []
        self.rows_read = 0
        self.encoding: str | None = None
        self._seen: dict[str, int | None] = {}

    def problem(self, line: int | None, field: str | None, reason: str, value: Any = None) -> None:
        shown = None if value is None else str(value)[:200]
        problem = RowProblem(file=self.file, line=line, field=field, reason=reason, value=shown)
        if self.strict:
            raise CatalogueRowError(problem)
        self.problems.append(problem)

    def warn(self, line: int | None, field: str | None, reason: str, value: Any = None) -> None:
        self.warnings.append(RowProblem(file=self.file, line=line, field=field, reason=reason, value=value))

    def add(self, line: int | None, data: dict[str, Any]) -> Garment | None:
        """Validate ``data`` as a garment; report the first failing field, or a duplicate id."""
        try:
            garment = Garment.model_validate(data)
        except ValidationError as exc:
            err = exc.errors()[0]
            name = ".".join(str(p) for p in err["loc"]) or None
            self.problem(line, name, err["msg"].removeprefix("Value error, "), err.get("input"))
            return None
        if garment.id in self._seen:
            first = self._seen[garment.id]
            self.problem(
                line, "id", f"duplicate id (first seen on line {first}; the first is kept)", garment.id
            )
            return None
        self._seen[garment.id] = line
        self.garments.append(garment)
        return garment

    def result(self) -> LoadResult:
        return LoadResult(
            garments=self.garments,
            problems=self.problems,
            rows_read=self.rows_read,
            format=self.format,
            file=self.file,
            encoding=self.encoding,
            warnings=self.warnings,
        )


def read_text(path: Path, sink: Collector) -> str | None:
    """The file's text. Non-UTF-8 files are decoded as cp1252 or latin-1 with a warning (strict
    mode refuses them); a missing, unreadable or empty file is a problem and gives ``None``."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        sink.problem(None, None, "file not found")
        return None
    except OSError as exc:
        sink.problem(None, None, f"cannot read the file: {exc.strerror or exc}")
        return None
    if not raw.strip():
        sink.problem(None, None, "file is empty")
        return None
    if raw.startswith(b"\xef\xbb\xbf"):
        sink.encoding = "utf-8-sig"
        return raw[3:].decode("utf-8", errors="strict")
    try:
        sink.encoding = "utf-8"
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        bad = raw[exc.start : exc.start + 1]
        for encoding in ("cp1252", "latin-1"):
            try:
                text = raw.decode(encoding)
            except UnicodeDecodeError:
                continue
            reason = f"file is not UTF-8 (first bad byte 0x{bad.hex()} on line {line}); read it as {encoding}"
            if sink.strict:
                sink.problem(line, "encoding", reason + "; re-save the file as UTF-8")
            sink.encoding = encoding
            sink.warn(line, "encoding", reason)
            return text
    raise AssertionError("latin-1 decodes any bytes")  # pragma: no cover


_CURRENCY = re.compile(r"^\s*(?:[$€£₹¥]|usd|eur|gbp|inr|rs\.?)\s*", re.IGNORECASE)


def parse_price(value: Any) -> tuple[float | None, str | None]:
    """(price, None) or (None, why not). Blank means no price; "$1,299.00" is 1299.0."""
    if value is None:
        return None, None
    if isinstance(value, bool):
        return None, "not a number"
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = _CURRENCY.sub("", str(value)).replace(",", "").strip()
        if not text:
            return None, None
        try:
            number = float(text)
        except ValueError:
            return None, "not a number"
    if not math.isfinite(number):
        return None, "not a finite number"
    if number < 0:
        return None, "negative price"
    return round(number, 2), None


def check_image(path: Path) -> str | None:
    """None when ``path`` is a readable image, else why not. Cheap: header and structure only."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            image.verify()
    except FileNotFoundError:
        return "image file not found"
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        return f"broken image file ({type(exc).__name__})"
    return None


def resolve_image(value: str, base: Path) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else base / path


def split_list(value: Any) -> list[str]:
    """A list field from CSV ("red|navy") or JSON (a list, or a string with | or , between)."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value if v is not None and str(v).strip()]
    text = str(value)
    sep = "|" if "|" in text else ","
    return [part.strip() for part in text.split(sep) if part.strip()]


class BadField(Exception):
    """Raised inside a row builder: the row is skipped and reported with this field and reason."""

    def __init__(self, field: str | None, reason: str, value: Any = None) -> None:
        super().__init__(reason)
        self.field = field
        self.reason = reason
        self.value = value


def add_row(sink: Collector, line: int | None, build: Callable[[], dict[str, Any]]) -> None:
    """Build one row's garment fields and add it; a ``BadField`` becomes that row's problem."""
    try:
        data = build()
    except BadField as exc:
        sink.problem(line, exc.field, exc.reason, exc.value)
        return
    sink.add(line, data)


def slot_or_bad(field: str, article: str, master: str | None = None, sub: str | None = None):
    """``slot_for_article`` with an unknown article type turned into this row's problem."""
    try:
        return slot_for_article(article, master, sub)
    except CatalogueError as exc:
        raise BadField(field, exc.message, article) from None
