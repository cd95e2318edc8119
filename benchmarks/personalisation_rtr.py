"""Personalisation and size advice on real rentals (RentTheRunway, Misra et al. 2018).

Run through ``benchmarks/personalisation.py --dataset renttherunway``. Split by time: by default the
shared file's rows from 2017-01-01 on are the test split, training is everything before, and the
validation split that tunes (MF settings, rating-blend and ranking-blend weights) is the last six
months of training (2016-07-01 on), with models trained on what precedes it. With ``--train FILE
--test FILE`` the validation split is the latest 15% of the training file. Test rows are never
used to choose anything. Reported per split (tune = validation, held-out = test), for users seen
in training ("warm") and cold-start users separately:

- rating RMSE/MAE: global mean, biases only, MF (mu + b_u + b_i + q_u·p_i), blend;
- ranking the test rental among every known item the user has not rented: HR@10 and NDCG@10 for
  popularity, occasion popularity (the occasion the user rented for, as if they asked for it),
  implicit MF, and the blend (rows whose item is new in the test period cannot be ranked and are
  counted, not scored);
- fit prediction (small / fit / large): macro one-vs-rest AUC and accuracy of the fit model
  against "the user's usual size" and "the item's average fit";
- size advice: on test rows the customer said fitted, how often the advised size is the size
  they took, against the same two baselines.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import pickle
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from stylist.profiles.als import ALSMF, ALSConfig
from stylist.profiles.fit import FitModel
from stylist.profiles.fitclf import FitClassifier
from stylist.profiles.foryou import SIGNALS, RentalRecommender
from stylist.profiles.ratings import ExplicitMF, ImplicitMF, MFConfig
from stylist.profiles.rental_data import Rentals, from_csv
from stylist.profiles.sidemf import SideMF, SideMFConfig
from stylist.profiles.sizeadvice import SizeAdvisor

SHARED = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "results"
TEST_START, VAL_START = "2017-01-01", "2016-07-01"
CACHE_VERSION = 2  # bump when Rentals changes shape


def shared_file() -> Path:
    for folder in [SHARED, *SHARED.parents]:
        p = folder / "shared" / "data" / "renttherunway" / "interactions.csv.gz"
        if p.is_file():
            return p
    raise SystemExit("the shared RentTheRunway file is absent; give --train and --test")


def load(path: Path) -> Rentals:
    """The parsed file, cached in /tmp (keyed on its path, size and modification time)."""
    st = path.stat()
    key = hashlib.sha1(f"{path.resolve()}|{st.st_size}|{st.st_mtime_ns}|{CACHE_VERSION}".encode()).hexdigest()
    cache = Path(tempfile.gettempdir()) / f"stylist-rentals-{key[:16]}.pkl"
    if cache.is_file():
        try:
            return pickle.loads(cache.read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError):
            pass
    data = from_csv(path)
    cache.write_bytes(pickle.dumps(data))
    return data


def splits(train_path: str | None, test_path: str | None) -> tuple[Rentals, Rentals, Rentals, Rentals]:
    """(inner train, validation, train, test)."""
    if train_path and test_path:
        train, test = load(Path(train_path)), load(Path(test_path))
        cut = np.sort(train.time)[int(len(train) * 0.85)]
        inner, val = train.take(train.time < cut), train.take(train.time >= cut)
        return inner, val, train, test
    data = load(shared_file())
    train, test = data.before(TEST_START), data.take(data.time >= np.datetime64(TEST_START))
    return train.before(VAL_START), train.between(VAL_START, TEST_START), train, test


# -- metrics --------------------------------------------------------------------------------------


def auc(y: np.ndarray, s: np.ndarray) -> float:
    """Area under the ROC curve of scores ``s`` for binary labels ``y`` (ties count half)."""
    y = y.astype(bool)
    n_pos, n_neg = int(y.sum()), int((~y).sum())
    if not n_pos or not n_neg:
        return float("nan")
    order = np.argsort(s, kind="mergesort")
    ranks = np.empty(len(s))
    sorted_s = s[order]
    _, start, counts = np.unique(sorted_s, return_index=True, return_counts=True)
    avg = start + (counts - 1) / 2.0 + 1
    ranks[order] = np.repeat(avg, counts)
    return float((ranks[y].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def fit_metrics(probs: np.ndarray, y: np.ndarray) -> dict[str, float]:
    aucs = [auc(y == k, probs[:, k]) for k in range(3)]
    return {
        "auc": round(float(np.nanmean(aucs)), 4),
        "accuracy": round(float((probs.argmax(1) == y).mean()), 4),
    }


def rating_metrics(pred: np.ndarray, y: np.ndarray) -> dict[str, float]:
    e = pred - y
    return {"rmse": round(float(np.sqrt((e**2).mean())), 4), "mae": round(float(np.abs(e).mean()), 4)}


# -- ratings --------------------------------------------------------------------------------------

#: Rating models and the settings tried for each on validation (early stopping on the validation
#: period picks the step count; the final model retrains on all training rows for that many steps).
BIAS = {"factors": 0, "side": False, "implicit": False}
RATING_GRID: dict[str, list[dict]] = {
    "biases only": [BIAS | {"reg_user": u, "reg_item": i} for u, i in ((10.0, 5.0), (20.0, 25.0))],
    "biases + side features": [{"factors": 0, "side": True, "implicit": False, "reg_feature": 500.0}],
    "MF (SVD++)": [{"factors": f, "side": False, "implicit": True, "reg_factor": r} for f, r in ((8, 30.0),)],
    "MF + side features": [
        {"factors": 8, "side": True, "implicit": True, "reg_factor": 30.0, "reg_feature": 500.0}
        | {"reg_side_factor": 500.0}
    ],
}
#: Biased MF by alternating least squares: biases and factors jointly, started from the biases
#: (sweep 0) and early-stopped on validation; rank, factor regularisation and side priors chosen there.
ALS_NAME = "MF (ALS, early-stopped)"
ALS_GRID = [
    {"factors": f, "reg_factor": r, "side_prior": s}
    for f in (2, 4, 8)
    for r in (10.0, 30.0, 100.0)
    for s in (False, True)
]
#: Time-aware and context biases (the item's age at rating time, the occasion rented for) given to
#: biases-only (0 factors) and MF alike; the MF rule compares each with the other.
ALS_GRID += [{"factors": f, "reg_factor": 30.0, "side_prior": False, "context": True} for f in (0, 2, 4)]
#: MF is used by default only if it beats biases-only on validation by at least this much RMSE
#: (fixed before the test split was run; smaller gains are within run-to-run noise).
MF_MARGIN = 0.001
#: The learned size advice replaces "the usual size" only if, on validation rows of returning
#: users, it agrees with the fit feedback (fit: the size taken; small: bigger; large: smaller)
#: more often by at least this share (fixed before the test split was run).
SIZE_MARGIN = 0.005
RATING_MODELS = (*RATING_GRID, ALS_NAME)


def choose_rating_models(inner: Rentals, val: Rentals) -> tuple[dict[str, dict], list[dict]]:
    """Per rating model, the settings (and step count) with the lowest validation RMSE on rows of
    users seen in ``inner``; the bias regularisation chosen for "biases only" is used by all."""
    warm = np.isin(val.user, inner.user) & np.isfinite(val.rating)
    rows = val.take(warm)
    tried, chosen = [], {}
    bias_regs: dict = {}
    for name, grid in RATING_GRID.items():
        best = None
        for settings in grid:
            cfg = SideMFConfig(**(bias_regs | settings))
            t = time.perf_counter()
            m = SideMF(cfg).fit(inner, rows)
            rm = rating_metrics(m.predict(rows), rows.rating)
            entry = {"model": name, **bias_regs, **settings, "best_step": m.best_step, **rm}
            entry["train_s"] = round(time.perf_counter() - t, 1)
            tried.append(entry)
            if best is None or rm["rmse"] < best[0]:
                best = (rm["rmse"], bias_regs | settings | {"steps": m.best_step})
        chosen[name] = best[1]
        if name == "biases only":
            bias_regs = {k: best[1][k] for k in ("reg_user", "reg_item")}
    best = None
    for settings in ALS_GRID:
        t = time.perf_counter()
        m = ALSMF(ALSConfig(**(bias_regs | settings))).fit(inner, rows)
        rm = rating_metrics(m.predict(rows), rows.rating)
        tried.append({"model": ALS_NAME, **bias_regs, **settings, "best_sweep": m.best_sweep, **rm})
        tried[-1]["train_s"] = round(time.perf_counter() - t, 1)
        if settings["factors"] and (best is None or rm["rmse"] < best[0]):  # 0 factors: biases
            best = (rm["rmse"], bias_regs | settings | {"sweeps": m.best_sweep})
    chosen[ALS_NAME] = best[1]
    return chosen, tried


def mf_default(tried: list[dict]) -> dict:
    """Whether MF goes on by default: the best ALS MF against the best biases-only model (with or
    without the time and context biases), on validation only."""
    val = {}
    for e in tried:
        biases = e["model"] == "biases only" or (e["model"] == ALS_NAME and e.get("factors") == 0)
        if biases or e["model"] == ALS_NAME:
            key = "biases only" if biases else ALS_NAME
            val[key] = min(val.get(key, np.inf), e["rmse"])
    gain = val["biases only"] - val[ALS_NAME]
    return {"validation_gain_rmse": round(float(gain), 4), "margin": MF_MARGIN, "on": bool(gain >= MF_MARGIN)}


def rating_predictions(train: Rentals, rows: Rentals, chosen: dict[str, dict]) -> dict[str, np.ndarray]:
    mu = float(np.nanmean(train.rating))
    out = {"global mean": np.full(len(rows), mu)}
    for name in RATING_MODELS:
        if name == ALS_NAME:
            out[name] = ALSMF(ALSConfig(**chosen[name])).fit(train).predict(rows)
        else:
            out[name] = SideMF(SideMFConfig(**chosen[name])).fit(train).predict(rows)
    out["_occasion"] = _occasion_mean(train, rows, mu)
    return out


def _occasion_mean(train: Rentals, rows: Rentals, mu: float, k: float = 5.0) -> np.ndarray:
    """Shrunk mean rating of the item for the row's occasion (a content signal for the blend)."""
    ok = np.isfinite(train.rating)
    keys = np.char.add(np.char.add(train.item[ok].astype(str), "|"), train.occasion[ok].astype(str))
    uniq, inv = np.unique(keys, return_inverse=True)
    sums = np.bincount(inv, train.rating[ok] - mu, len(uniq))
    counts = np.bincount(inv, minlength=len(uniq))
    lookup = dict(zip(uniq.tolist(), (sums / (counts + k)).tolist()))
    want = np.char.add(np.char.add(rows.item.astype(str), "|"), rows.occasion.astype(str))
    return mu + np.array([lookup.get(w, 0.0) for w in want.tolist()])


BLEND_INPUTS = (*RATING_MODELS, "_occasion")


def blend_fit(preds: dict[str, np.ndarray], y: np.ndarray) -> np.ndarray:
    """Least-squares weights of [1, each rating model, the occasion mean] on the validation rows."""
    x = np.column_stack([np.ones(len(y))] + [preds[k] for k in BLEND_INPUTS])
    return np.linalg.lstsq(x, y, rcond=None)[0]


def blend_apply(preds: dict[str, np.ndarray], w: np.ndarray) -> np.ndarray:
    x = np.column_stack([np.ones(len(preds["_occasion"]))] + [preds[k] for k in BLEND_INPUTS])
    return x @ w


# -- ranking --------------------------------------------------------------------------------------


# noqa: ANN201
def rank_features(rec: RentalRecommender, train: Rentals, rows: Rentals, limit: int | None, seed: int):
    """Per scorable row: z-scored signals over the items, the target index, the rented mask."""
    rented: dict[str, set[int]] = defaultdict(set)
    for u, i in zip(train.user.tolist(), train.item.tolist()):
        rented[u].add(rec.index[i])
    idx = [n for n, i in enumerate(rows.item.tolist()) if i in rec.index]
    unscorable = len(rows) - len(idx)
    if limit and len(idx) > limit:
        idx = sorted(np.random.default_rng(seed).choice(idx, limit, replace=False).tolist())
    z = np.zeros((len(idx), len(SIGNALS), len(rec.items)), dtype=np.float32)
    mask = np.zeros((len(idx), len(rec.items)), dtype=bool)
    target = np.zeros(len(idx), dtype=np.int64)
    for r, n in enumerate(idx):
        comps = rec.components(rows.user[n], rows.occasion[n] or None)
        z[r] = np.stack([_zs(comps[s]) for s in SIGNALS])
        mask[r, list(rented.get(rows.user[n], ()))] = True
        target[r] = rec.index[rows.item[n]]
        mask[r, target[r]] = False
    return (z, target, mask), unscorable


def _zs(x: np.ndarray) -> np.ndarray:
    sd = x.std()
    return (x - x.mean()) / sd if sd > 1e-9 else np.zeros_like(x)


def rank_metrics(feats, w: np.ndarray) -> dict[str, float]:  # noqa: ANN001
    z, target, mask = feats
    s = np.einsum("k,rki->ri", np.asarray(w, dtype=np.float32), z)
    s[mask] = -np.inf
    at = s[np.arange(len(target)), target][:, None]
    rank = (s > at).sum(1) + ((s == at).sum(1) - 1) // 2
    hr = rank < 10
    ndcg = np.where(hr, 1 / np.log2(rank + 2), 0.0)
    return {"hr@10": round(float(hr.mean()), 4), "ndcg@10": round(float(ndcg.mean()), 4), "rows": len(target)}


def tune_rank(feats) -> dict[str, float]:  # noqa: ANN001
    """Grid search of the blend weights for HR@10 on validation rows."""
    best, best_w = -1.0, None
    grid = [0.0, 0.5, 1.0, 2.0]
    for w in itertools.product([0.0, 1.0], grid, grid, grid, [0.0, 0.5]):
        if not any(w):
            continue
        m = rank_metrics(feats, np.array(w))
        if m["hr@10"] > best:
            best, best_w = m["hr@10"], w
    return dict(zip(SIGNALS, best_w))


def one_hot(name: str) -> np.ndarray:
    return np.array([1.0 if s == name else 0.0 for s in SIGNALS])


# -- fit and size ---------------------------------------------------------------------------------


def fit_baselines(train: Rentals, rows: Rentals, model: FitModel) -> dict[str, np.ndarray]:
    """P(small, fit, large) of the two baselines for each row."""
    ok = (train.fit >= 0) & np.isfinite(train.size)
    glob = np.bincount(train.fit[ok], minlength=3) / ok.sum()
    # item's average fit: its training label shares, smoothed towards everyone's
    counts: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(3))
    for item, f in zip(train.item[ok].tolist(), train.fit[ok].tolist()):
        counts[item][f] += 1
    item_p = np.array(
        [
            (counts.get(i, np.zeros(3)) + 2 * glob) / (counts.get(i, np.zeros(3)).sum() + 2)
            for i in rows.item.tolist()
        ]
    )

    # user's usual size: label shares by (size taken - usual size), learned on training rows
    def bucket(d: np.ndarray) -> np.ndarray:
        return np.clip(np.round(np.nan_to_num(d, nan=0.0)), -4, 4).astype(int) + 4

    prior = np.array([_loo(model, u, s) for u, s in zip(train.user[ok].tolist(), train.size[ok].tolist())])
    table = np.ones((9, 3)) * glob
    for b, f in zip(bucket(train.size[ok] - prior).tolist(), train.fit[ok].tolist()):
        table[b, f] += 1
    table /= table.sum(1, keepdims=True)
    usual = np.array(
        [
            model.usual_size(u) if model.usual_size(u) is not None else float(model.body.predict(b[None])[0])
            for u, b in zip(rows.user.tolist(), rows.body)
        ]
    )
    return {"user's usual size": table[bucket(rows.size - usual)], "item's average fit": item_p}


def _loo(model: FitModel, user: str, size: float) -> float:
    sizes = model.user_sizes.get(user, [])
    if len(sizes) < 2:
        return np.nan
    return (sum(sizes) - size) / (len(sizes) - 1)


def size_advice(
    train: Rentals, rows: Rentals, model: FitModel, clf: FitClassifier, advisor: SizeAdvisor
) -> dict[str, dict]:
    """How often each advice agrees with the rental's fit feedback (item known, 2+ sizes seen):
    ``fit`` rows: the advice is the size taken; ``small``: a bigger size; ``large``: a smaller one;
    ``agree``: all three together. The usual size (the size nearest the user's median, else the
    size their measurements predict) is the baseline; the classifier's advice: of the item's
    sizes next to the usual one (and it), the likeliest to fit."""
    ok = (train.fit >= 0) & np.isfinite(train.size)
    lean: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for item, f in zip(train.item[ok].tolist(), train.fit[ok].tolist()):
        lean[item][f] += 1
    advice: dict[str, list[float]] = defaultdict(list)
    kept, cand_sizes = [], []
    for n in range(len(rows)):
        user, item = rows.user[n], rows.item[n]
        options = model.item_sizes.get(item, [])
        if len(options) < 2 or not np.isfinite(rows.size[n]) or rows.fit[n] < 0:
            continue
        usual = model.usual_size(user)
        if usual is None:
            usual = float(model.body.predict(rows.body[n][None])[0])
        if not np.isfinite(usual):
            continue
        kept.append(n)
        near = min(options, key=lambda s: abs(s - usual))
        advice["user's usual size"].append(near)
        small, _, large = lean[item]
        total = sum(lean[item]) or 1
        step = 1 if (small - large) / total > 0.1 else -1 if (large - small) / total > 0.1 else 0
        pos = min(max(options.index(near) + step, 0), len(options) - 1)
        advice["item's average fit"].append(options[pos])
        advice["fit model"].append(model.advise(user, item, body=rows.body[n].tolist())[0])
        body = None if user in advisor.user_sizes else rows.body[n].tolist()
        best = advisor.advise(user, item, body)
        advice["size advisor (learned choice)"].append(np.nan if best is None else best)
        k = options.index(near)
        cand_sizes.append([options[max(k - 1, 0)], near, options[min(k + 1, len(options) - 1)]])
    if kept:
        idx = np.repeat(np.array(kept), 3)
        trial = rows.take(idx)
        trial.size = np.array(cand_sizes, dtype=float).ravel()
        p_fit = clf.probabilities(trial)[:, 1].reshape(-1, 3)
        sizes = np.array(cand_sizes, dtype=float)
        advice["fit classifier (likeliest to fit)"] = sizes[np.arange(len(sizes)), p_fit.argmax(1)].tolist()
    taken, fit = rows.size[kept], rows.fit[kept]
    out: dict[str, dict] = {}
    for name, advised in advice.items():
        a = np.array(advised, dtype=float)
        right = np.where(fit == 1, a == taken, np.where(fit == 0, a > taken, a < taken))
        out[name] = {
            "fit": round(float(right[fit == 1].mean()), 4),
            "small": round(float(right[fit == 0].mean()), 4),
            "large": round(float(right[fit == 2].mean()), 4),
            "agree": round(float(right.mean()), 4),
        }
    counts = {k: int((fit == c).sum()) for k, c in (("fit", 1), ("small", 0), ("large", 2))}
    return out | {"rows": counts | {"agree": len(kept)}}


def size_default(tune: dict) -> dict:
    """Whether the learned advice replaces the usual size: on validation only, returning users."""
    table = tune["size|warm"]
    gain = table["size advisor (learned choice)"]["agree"] - table["user's usual size"]["agree"]
    return {"validation_gain_agree": round(gain, 4), "margin": SIZE_MARGIN, "on": bool(gain >= SIZE_MARGIN)}


# -- main -----------------------------------------------------------------------------------------


PARTS = ("rating", "ranking", "fit")


def evaluate(
    train: Rentals, rows: Rentals, rating_cfg: dict, tuned: dict | None, limit: int | None, parts=PARTS
) -> tuple[dict, dict]:  # noqa: ANN001
    """Every table of one split; ``tuned`` None means choose the blends on these rows."""
    out: dict = {}
    chosen: dict = {}
    warm = np.isin(rows.user, train.user)
    rated = np.isfinite(rows.rating)
    if "rating" in parts:
        t = time.perf_counter()
        preds = rating_predictions(train, rows, rating_cfg)
        wb = (
            blend_fit({k: v[warm & rated] for k, v in preds.items()}, rows.rating[warm & rated])
            if tuned is None
            else np.array(tuned["rating_blend"])
        )
        chosen["rating_blend"] = [round(float(x), 4) for x in wb]
        preds["blend"] = blend_apply(preds, wb)
        for label, mask in (("warm", warm & rated), ("cold", ~warm & rated)):
            out[f"rating|{label}"] = {
                k: rating_metrics(v[mask], rows.rating[mask]) | {"rows": int(mask.sum())}
                for k, v in preds.items()
                if not k.startswith("_")
            }
        out["rating_s"] = round(time.perf_counter() - t, 1)

    if "ranking" in parts:
        t = time.perf_counter()
        implicit = ImplicitMF().fit(train.user, train.item)
        explicit = ExplicitMF(MFConfig(factors=0)).fit(train.user, train.item, train.rating)
        rec = RentalRecommender().fit(train, implicit, explicit)
        out["mf_train_s"] = round(time.perf_counter() - t, 1)
        for label, mask in (("warm", warm), ("cold", ~warm)):
            feats, unscorable = rank_features(rec, train, rows.take(mask), limit, seed=0)
            if tuned is None:
                chosen[f"rank_{label}"] = tune_rank(feats)
            weights = (tuned or chosen)[f"rank_{label}"]
            table = {
                "popularity": rank_metrics(feats, one_hot("popularity")),
                "occasion popularity": rank_metrics(feats, one_hot("occasion")),
                "MF (implicit)": rank_metrics(feats, one_hot("mf") + 1e-6 * one_hot("popularity")),
                "blend": rank_metrics(feats, np.array([weights[s] for s in SIGNALS])),
            }
            out[f"ranking|{label}"] = table | {"unscorable_new_items": unscorable}

    if "fit" in parts:
        t = time.perf_counter()
        fit_model = FitModel().fit(train)
        out["fit_train_s"] = round(time.perf_counter() - t, 1)
        t = time.perf_counter()
        clf = FitClassifier().fit(train)
        out["fit_classifier_train_s"] = round(time.perf_counter() - t, 1)
        t = time.perf_counter()
        advisor = SizeAdvisor().fit(train)
        out["size_advisor_train_s"] = round(time.perf_counter() - t, 1)
        known = (rows.fit >= 0) & np.isfinite(rows.size)
        for label, mask in (("warm", warm & known), ("cold", ~warm & known)):
            part = rows.take(mask)
            base = fit_baselines(train, part, fit_model)
            probs = fit_model.probabilities(part.user, part.item, part.size, part.body)
            out[f"fit|{label}"] = {k: fit_metrics(v, part.fit) for k, v in base.items()} | {
                "fit model (ordinal)": fit_metrics(probs, part.fit),
                "fit classifier (body + item history)": fit_metrics(clf.probabilities(part), part.fit),
                "rows": int(mask.sum()),
            }
            out[f"size|{label}"] = size_advice(train, part, fit_model, clf, advisor)
    return out, chosen


def run(args) -> dict:  # noqa: ANN001
    t0 = time.perf_counter()
    parts = tuple(args.parts.split(",")) if args.parts else PARTS
    inner, val, train, test = splits(args.train, args.test)
    tried: list[dict] = []
    rating_cfg: dict = {}
    if "rating" in parts:
        rating_cfg, tried = choose_rating_models(inner, val)
    tune, chosen = evaluate(inner, val, rating_cfg, None, args.limit, parts)
    held = {} if args.quick else evaluate(train, test, rating_cfg, chosen, args.limit, parts)[0]
    result = {
        "benchmark": "personalisation",
        "dataset": "renttherunway",
        "quick": bool(args.quick),
        "split": {"inner_train": len(inner), "validation": len(val), "train": len(train), "test": len(test)},
        "rating_grid_on_validation": tried,
        "rating_chosen": rating_cfg,
        "mf_default": mf_default(tried) if tried else None,
        "chosen_on_validation": chosen,
        "size_default": size_default(tune) if "size|warm" in tune else None,
        "tune": tune,
        "held_out": held,
        "total_s": round(time.perf_counter() - t0, 1),
    }
    print_tables(result)
    RESULTS.mkdir(parents=True, exist_ok=True)
    suffix = ("_quick" if args.quick else "") + ("_" + "_".join(parts) if args.parts else "")
    name = f"personalisation_renttherunway{suffix}.json"
    (RESULTS / name).write_text(json.dumps(result, indent=2) + "\n")
    if args.json:
        print(json.dumps(result, indent=2))
    return result


def print_tables(result: dict) -> None:
    s = result["split"]
    print(
        f"RentTheRunway: train {s['train']} rows (inner {s['inner_train']} + validation "
        f"{s['validation']}), test {s['test']}"
    )
    tune, held = result["tune"], result["held_out"] or {}
    for key in [k for k in (held or tune) if "|" in k]:
        print(f"\n{key}  (tune = validation, held-out = test)")
        table = held.get(key, tune[key])
        for method, m in table.items():
            if not isinstance(m, dict):
                print(f"  {method}: {tune[key].get(method, '-')} / {m if held else '-'}")
                continue
            cells = [
                f"{k} {tune[key].get(method, {}).get(k, '-')} / {v if held else '-'}" for k, v in m.items()
            ]
            print(f"  {method:<22} " + "  ".join(cells))
    print(
        f"\nchosen on validation: {json.dumps(result['chosen_on_validation'])}; total {result['total_s']} s"
    )
