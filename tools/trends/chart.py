"""Trend pictures: a unicode sparkline for terminals and a PNG of the top movers.

The PNG uses matplotlib when it is installed and plain PIL drawing otherwise, so the default
install (no matplotlib) still draws charts.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from stylist.tools.trends.forecast import AttributeTrend

BLOCKS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[float], *, lo: float | None = None, hi: float | None = None) -> str:
    """``▁▂▅█``-style line; NaN draws a space."""
    arr = np.asarray(values, dtype=float)
    finite = arr[np.isfinite(arr)]
    if not len(finite):
        return " " * len(arr)
    lo = float(finite.min()) if lo is None else lo
    hi = float(finite.max()) if hi is None else hi
    span = hi - lo
    out = []
    for v in arr:
        if not np.isfinite(v):
            out.append(" ")
        else:
            i = 0 if span <= 0 else int(round((min(max(v, lo), hi) - lo) / span * (len(BLOCKS) - 1)))
            out.append(BLOCKS[i])
    return "".join(out)


def history_and_forecast_sparkline(history: Sequence[float], forecast: Sequence[float]) -> str:
    """History, a ``│`` at the forecast origin, then the forecast, on one shared scale."""
    both = np.concatenate([np.asarray(history, float), np.asarray(forecast, float)])
    lo, hi = float(np.nanmin(both)), float(np.nanmax(both))
    return sparkline(history, lo=lo, hi=hi) + "│" + sparkline(forecast, lo=lo, hi=hi)


def render_chart(trends: list[AttributeTrend], path: Path, title: str) -> Path:
    """Small multiples of history + forecast + interval band for ``trends``; returns ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt  # noqa: F401
    except ImportError:
        return _render_pil(trends, path, title)
    return _render_matplotlib(trends, path, title)


def _render_matplotlib(trends: list[AttributeTrend], path: Path, title: str) -> Path:
    import matplotlib.pyplot as plt

    cols = 2
    rows = max(1, (len(trends) + cols - 1) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(10, 2.4 * rows), squeeze=False)
    for ax, t in zip(axes.flat, trends):
        n = len(t.history)
        ax.plot(range(n), t.history, color="#555555", lw=1)
        x = range(n, n + len(t.forecast))
        ax.fill_between(x, t.lower, t.upper, color="#f4a261" if t.growth < 0 else "#2a9d8f", alpha=0.3, lw=0)
        ax.plot(x, t.forecast, color="#e76f51" if t.growth < 0 else "#264653", lw=1.5)
        ax.set_title(f"{t.value}  {t.growth:+.0%}", fontsize=9)
        ax.tick_params(labelsize=7)
    for ax in list(axes.flat)[len(trends) :]:
        ax.axis("off")
    fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _render_pil(trends: list[AttributeTrend], path: Path, title: str) -> Path:
    from PIL import Image, ImageDraw

    cols, pw, ph, pad, top = 2, 420, 170, 14, 34
    rows = max(1, (len(trends) + cols - 1) // cols)
    img = Image.new("RGB", (cols * pw, top + rows * ph), "white")
    draw = ImageDraw.Draw(img)
    draw.text((pad, 10), title, fill="black")
    for i, t in enumerate(trends):
        x0, y0 = (i % cols) * pw, top + (i // cols) * ph
        hist, fc = np.asarray(t.history, float), np.asarray(t.forecast, float)
        lo_b, hi_b = np.asarray(t.lower, float), np.asarray(t.upper, float)
        allv = np.concatenate([hist, fc, lo_b, hi_b])
        vmin, vmax = float(allv.min()), float(allv.max()) or 1.0
        n = len(hist) + len(fc)
        left, right, upper, lower = x0 + pad + 36, x0 + pw - pad, y0 + 22, y0 + ph - pad

        def pt(j: float, v: float) -> tuple[float, float]:
            fx = left + (right - left) * j / max(n - 1, 1)
            fy = lower - (lower - upper) * ((v - vmin) / (vmax - vmin) if vmax > vmin else 0.5)
            return fx, fy

        colour = (231, 111, 81) if t.growth < 0 else (38, 70, 83)
        band = (244, 162, 97) if t.growth < 0 else (162, 214, 205)
        start = len(hist) - 1
        poly = [pt(start, hist[-1])] + [pt(len(hist) + j, v) for j, v in enumerate(hi_b)]
        poly += [pt(len(hist) + j, v) for j, v in reversed(list(enumerate(lo_b)))]
        draw.polygon(poly, fill=band)
        draw.line([pt(j, v) for j, v in enumerate(hist)], fill=(90, 90, 90), width=1)
        draw.line(
            [pt(start, hist[-1])] + [pt(len(hist) + j, v) for j, v in enumerate(fc)], fill=colour, width=2
        )
        draw.line([pt(start, vmin), pt(start, vmax)], fill=(200, 200, 200), width=1)
        draw.rectangle([left, upper, right, lower], outline=(210, 210, 210))
        draw.text((x0 + pad, y0 + 4), f"{t.value}  {t.growth:+.0%}", fill="black")
        draw.text((x0 + 2, upper), f"{vmax:.0f}", fill=(120, 120, 120))
        draw.text((x0 + 2, lower - 10), f"{vmin:.0f}", fill=(120, 120, 120))
    img.save(path, format="PNG")
    return path
