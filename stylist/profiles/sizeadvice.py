"""Which size to take: a choice among the item's sizes, learned from rentals that fitted.

For a user and an item, the candidates are the item's sizes seen in training nearest the user's
anchor (their median size, else the size their body measurements predict), two either side. Each
candidate ``c`` is scored by a conditional logit (softmax over the candidates) on features of the
evidence a stylist would weigh:

- distance from the anchor, and from the user's fit-adjusted size (each past size moved one step
  up when it ran small, one down when it ran large);
- how often the user took ``c`` before;
- the item's fit history: its lean (share "runs small" minus share "runs large") times the move
  from the anchor, and the distance from where its satisfied renters sat relative to their own
  usual size (a shrunk mean offset);
- how often the item was rented in ``c``;
- distance from the size the body measurements predict (when given).

The weights are learned on every training rental with fit feedback: one reported "fit" says the
size taken is the right answer, "runs small" that a bigger one is, "runs large" a smaller one
(the likelihood of the choice falling in that set). Every user and item statistic is
left-one-out, and users with a history and first-time users get their own weights. Sizes are on
RentTheRunway's numeric scale, where 4 units are one dress size.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from stylist.profiles.fit import BodySizeModel
from stylist.profiles.rental_data import Rentals

STEP = 4.0
"""One dress size on the RentTheRunway scale."""
WINDOW = 2
"""Candidates: the item's size nearest the anchor and up to this many either side."""
FEATURES = (
    "near_anchor",
    "near_anchor_sq",
    "near_adjusted",
    "user_took",
    "item_lean_move",
    "near_item_offset",
    "item_size_share",
    "near_body",
    "move",
)

NEAREST = np.eye(len(FEATURES))[0]
"""Weights that choose the size nearest the anchor (the usual-size rule): the starting point of
training, and the choice for a group (first-time users, or users with a history) too small to learn."""


@dataclass
class SizeAdvisorConfig:
    reg: float = 1.0
    """L2 weight on the logit's weights."""
    shrink_item: float = 5.0
    """Pseudo-count pulling the item's lean and mean offset towards zero."""
    max_iter: int = 200
    weight_small_large: float = 1.0
    """Weight of a "runs small" / "runs large" rental in training, against 1 for a "fit" one."""


@dataclass
class _Evidence:
    """What is known for one advice, with the row itself left out when training."""

    sizes: list[float]
    """The user's past sizes."""
    fits: list[int]
    """Their fit feedback (0 small, 1 fit, 2 large), aligned with ``sizes``."""
    body_size: float
    """The size the body measurements predict (NaN when not given)."""
    item_counts: Counter
    """How often the item was rented in each size."""
    lean: float
    offset: float


@dataclass
class SizeAdvisor:
    config: SizeAdvisorConfig = field(default_factory=SizeAdvisorConfig)
    body: BodySizeModel = field(default_factory=BodySizeModel)
    user_sizes: dict[str, list[float]] = field(default_factory=dict)
    user_fits: dict[str, list[int]] = field(default_factory=dict)
    item_counts: dict[str, Counter] = field(default_factory=dict)
    item_fit: dict[str, np.ndarray] = field(default_factory=dict)
    """Per item: [small, fit, large] counts."""
    item_offset: dict[str, list[float]] = field(default_factory=dict)
    """Per item: the sum and count of (size taken − the renter's other sizes' median) on "fit" rows."""
    weights: dict[bool, np.ndarray] = field(default_factory=dict)
    """Per "the user has a history": the logit's weights over FEATURES."""

    # -- training -------------------------------------------------------------------------------

    def fit(self, data: Rentals) -> SizeAdvisor:
        ok = (data.fit >= 0) & np.isfinite(data.size)
        d = data.take(ok)
        self.body = BodySizeModel().fit(d.body, d.size)
        sizes, fits = defaultdict(list), defaultdict(list)
        counts: dict[str, Counter] = defaultdict(Counter)
        lean = defaultdict(lambda: np.zeros(3))
        for u, i, s, f in zip(d.user.tolist(), d.item.tolist(), d.size.tolist(), d.fit.tolist()):
            sizes[u].append(s)
            fits[u].append(f)
            counts[i][s] += 1
            lean[i][f] += 1
        self.user_sizes, self.user_fits = dict(sizes), dict(fits)
        self.item_counts, self.item_fit = dict(counts), dict(lean)
        offsets: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
        position: dict[str, int] = defaultdict(int)
        loo: list[tuple[list[float], list[int]]] = []
        for u, i, s, f in zip(d.user.tolist(), d.item.tolist(), d.size.tolist(), d.fit.tolist()):
            k = position[u]
            position[u] += 1
            others = self.user_sizes[u][:k] + self.user_sizes[u][k + 1 :]
            loo.append((others, self.user_fits[u][:k] + self.user_fits[u][k + 1 :]))
            if f == 1 and others:
                offsets[i][0] += s - float(np.median(others))
                offsets[i][1] += 1
        self.item_offset = dict(offsets)
        body_pred = self.body.predict(d.body)
        groups: dict[bool, tuple[list, list, list]] = {True: ([], [], []), False: ([], [], [])}
        for n, (others, other_fits) in enumerate(loo):
            u, i, s, f = d.user[n], d.item[n], float(d.size[n]), int(d.fit[n])
            off = self.item_offset.get(i, [0.0, 0.0])
            if others and f == 1:
                off = [off[0] - (s - float(np.median(others))), off[1] - 1]
            fit_i = self.item_fit[i] - np.eye(3)[f]
            ev = self._evidence(others, other_fits, float(body_pred[n]), self.item_counts[i], fit_i, off, s)
            cands, x = self._candidates(ev)
            # the sizes this rental says are right: the one taken when it fitted, a bigger one
            # when it ran small, a smaller one when it ran large
            c = np.array(cands)
            right = c == s if f == 1 else c > s if f == 0 else c < s
            if not right.any() or right.all():
                continue
            groups[bool(others)][0].append(x)
            groups[bool(others)][1].append(right)
            groups[bool(others)][2].append(1.0 if f == 1 else self.config.weight_small_large)
        for has_history, (xs, ys, ws) in groups.items():
            if len(ys) >= 20 and sum(ws) > 0:
                self.weights[has_history] = _fit_choice(
                    xs, ys, np.array(ws), self.config.reg, self.config.max_iter
                )
        return self

    def _evidence(
        self,
        sizes: list[float],
        fits: list[int],
        body_size: float,
        counts: Counter,
        fit_counts: np.ndarray,
        offset: Sequence[float],
        leave_out: float | None = None,
    ) -> _Evidence:
        """``leave_out``: a size whose count loses the row being trained on."""
        k = self.config.shrink_item
        lean = float(fit_counts[0] - fit_counts[2]) / (float(fit_counts.sum()) + k)
        return _Evidence(
            sizes=sizes,
            fits=fits,
            body_size=body_size,
            item_counts=Counter({s: c - (s == leave_out) for s, c in counts.items() if c > (s == leave_out)}),
            lean=lean,
            offset=float(offset[0]) / (float(offset[1]) + k),
        )

    # -- features -------------------------------------------------------------------------------

    @staticmethod
    def anchor(ev: _Evidence) -> float:
        return float(np.median(ev.sizes)) if ev.sizes else ev.body_size

    def _candidates(self, ev: _Evidence) -> tuple[list[float], np.ndarray]:
        """The candidate sizes and their (n, len(FEATURES)) features ([] when nothing anchors)."""
        anchor = self.anchor(ev)
        options = sorted(ev.item_counts)
        if not options or not np.isfinite(anchor):
            return [], np.zeros((0, len(FEATURES)))
        near = min(range(len(options)), key=lambda k: abs(options[k] - anchor))
        cands = options[max(near - WINDOW, 0) : near + WINDOW + 1]
        c = np.array(cands)
        move = (c - anchor) / STEP
        if ev.sizes:
            shift = np.array([{0: STEP, 2: -STEP}.get(f, 0.0) for f in ev.fits])
            adjusted = float(np.mean(np.array(ev.sizes) + shift))
            took = np.array([ev.sizes.count(s) / len(ev.sizes) for s in cands])
        else:
            adjusted, took = anchor, np.zeros(len(cands))
        total = sum(ev.item_counts.values())
        has_body = np.isfinite(ev.body_size)
        x = np.column_stack(
            [
                -np.abs(move),
                -(move**2),
                -np.abs(c - adjusted) / STEP,
                took,
                ev.lean * move,
                -np.abs(move - ev.offset / STEP),
                np.log((np.array([ev.item_counts[s] for s in cands]) + 0.5) / (total + 0.5)),
                -np.abs(c - ev.body_size) / STEP if has_body else np.zeros(len(cands)),
                move,
            ]
        )
        return cands, x

    # -- inference ------------------------------------------------------------------------------

    @property
    def fitted(self) -> bool:
        return bool(self.weights)

    def knows_item(self, item: str) -> bool:
        return item in self.item_counts

    def choices(
        self, user: str, item: str, body: Sequence[float] | None = None
    ) -> tuple[list[float], np.ndarray]:
        """The candidate sizes and the chance each is the one that fits (empty when nothing anchors)."""
        sizes = self.user_sizes.get(user, [])
        body_arr = np.array([list(body) if body is not None else [np.nan] * 3], dtype=float)
        ev = self._evidence(
            list(sizes),
            list(self.user_fits.get(user, [])),
            float(self.body.predict(body_arr)[0]),
            self.item_counts.get(item, Counter()),
            self.item_fit.get(item, np.zeros(3)),
            self.item_offset.get(item, [0.0, 0.0]),
        )
        cands, x = self._candidates(ev)
        if not cands:
            return cands, np.zeros(0)
        w = self.weights.get(bool(sizes), NEAREST)  # untrained: the size nearest the anchor
        z = x @ w
        p = np.exp(z - z.max())
        return cands, p / p.sum()

    def advise(self, user: str, item: str, body: Sequence[float] | None = None) -> float | None:
        """The size most likely to fit (None when neither history nor measurements anchor it)."""
        cands, p = self.choices(user, item, body)
        return float(cands[int(np.argmax(p))]) if cands else None


def _fit_choice(
    xs: list[np.ndarray], ys: list[np.ndarray], weights: np.ndarray, reg: float, max_iter: int
) -> np.ndarray:
    """Weights of a conditional logit where row n's choice among the rows of xs[n] is known to be
    one of those where ys[n] is True (one size when it fitted; a set when it ran small or large)."""
    from scipy.optimize import minimize

    width = max(len(x) for x in xs)
    n_feat = xs[0].shape[1]
    x = np.zeros((len(xs), width, n_feat))
    mask = np.zeros((len(xs), width), dtype=bool)
    for n, a in enumerate(xs):
        x[n, : len(a)] = a
        mask[n, : len(a)] = True
    right = np.zeros((len(xs), width), dtype=bool)
    for n, r in enumerate(ys):
        right[n, : len(r)] = r

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        z = np.where(mask, x @ w, -np.inf)
        z = z - z.max(1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(1, keepdims=True)
        p_right = np.maximum((p * right).sum(1), 1e-12)
        q = p * right / p_right[:, None]  # the choice's distribution given it is one of the right
        nll = -(weights * np.log(p_right)).sum()
        grad = -(weights @ np.einsum("nc,ncf->nf", q - p, x))
        return float(nll + reg * w @ w), grad + 2 * reg * w

    return minimize(loss, NEAREST.copy(), jac=True, method="L-BFGS-B", options={"maxiter": max_iter}).x
