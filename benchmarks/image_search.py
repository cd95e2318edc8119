"""Image search and hybrid words+picture scoring on the demo catalogue, with the real models
(MiniLM text embedder, the packaged image encoder).

1. Index build with image vectors: time per stage and pictures/s.
2. Text queries (benchmarks/data/search_queries.jsonl): precision@5 and nDCG@5 (a hit is relevant
   when it has every attribute the query expects) for text-only, hybrid (several weights) and
   image-only (words against garment pictures only) scoring.
3. Picture queries for a sample of garments: its own picture, a crop, a mirrored crop, and a
   recoloured rendering (same garment drawn in another palette colour). Reports whether the
   garment itself is in the top 1/5/10, whether a garment of the same article type and colour is
   in the top 5 (for a recolouring: the new colour), and how many of the top 5 share the colour,
   against the catalogue's base rate.
4. Query latency (warm) for each kind of query.

    nice -n 10 python benchmarks/image_search.py [--demo-size 3000] [--sample 200] [--threads 1]

Writes benchmarks/results/image_search.json.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
from _common import machine, percentiles_ms, print_table, write_results  # noqa: E402
from search_quality import hit_matches, load_queries, search_filters  # noqa: E402

K = 5
WEIGHTS = {  # name: (text, text_image)
    "text-only": (1.0, 0.0),
    "hybrid 0.85/0.15 (default)": (0.85, 0.15),
    "hybrid 0.7/0.3": (0.7, 0.3),
    "hybrid 0.5/0.5": (0.5, 0.5),
    "image-only": (0.0, 1.0),
}


def ndcg(relevant: list[bool], ideal_count: int, k: int = K) -> float:
    dcg = sum(1 / math.log2(i + 2) for i, r in enumerate(relevant[:k]) if r)
    idcg = sum(1 / math.log2(i + 2) for i in range(min(k, ideal_count)))
    return dcg / idcg if idcg else 0.0


def text_queries(index: Any, garments: list[Any], queries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    from stylist.index.store.catalogue_index import ScoreWeights

    rows = []
    for name, (wt, wi) in WEIGHTS.items():
        weights = ScoreWeights(text=wt, text_image=wi)
        p, n, lat = [], [], []
        for q in queries:
            filters = search_filters(q.get("filters", {}))
            index.forget_queries()  # time the query's embedding too, for every scoring
            t = time.perf_counter()
            hits = index.search_scored(q["query"], filters=filters, k=K, weights=weights)
            lat.append(time.perf_counter() - t)
            relevant = [hit_matches(h.garment, q["expect"]) for h in hits]
            ideal = sum(1 for g in garments if hit_matches(g, q["expect"]) and filters.matches(g))
            p.append(sum(relevant) / K)
            n.append(ndcg(relevant, ideal))
        rows.append({
            "scoring": name, "p@5": round(sum(p) / len(p), 4), "nDCG@5": round(sum(n) / len(n), 4),
            "p50_ms": percentiles_ms(lat)["p50_ms"], "p95_ms": percentiles_ms(lat)["p95_ms"],
        })  # fmt: skip
    return rows


def variants(garment: Any, rng: random.Random) -> dict[str, tuple[Any, str | None]]:
    """Query pictures for ``garment``: name → (image, the colour a match should have)."""
    from PIL import Image, ImageOps

    from stylist.index.demo import COLOURS, render

    own = Image.open(garment.image_path).convert("RGB")
    w, h = own.size
    crop = own.crop((int(0.1 * w), int(0.1 * h), int(0.9 * w), int(0.9 * h))).resize((w, h))
    other = rng.choice([c for c in COLOURS if c not in garment.colours])
    recoloured = render(garment.model_copy(update={"colours": [other, *garment.colours[1:]]}))
    return {
        "own picture": (own, garment.colours[0]),
        "crop 80%": (crop, garment.colours[0]),
        "mirrored crop": (ImageOps.mirror(crop), garment.colours[0]),
        "recoloured": (recoloured, other),
    }


def picture_queries(index: Any, garments: list[Any], sample: int, seed: int = 0) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    chosen = rng.sample(garments, min(sample, len(garments)))
    colour_share = {}
    for g in garments:
        colour_share[g.colours[0]] = colour_share.get(g.colours[0], 0) + 1
    stats: dict[str, dict[str, list[float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "query.png"
        for g in chosen:
            for name, (img, colour) in variants(g, rng).items():
                img.save(path)
                t = time.perf_counter()
                hits = [h for h, _ in index.search(None, k=10, image_path=str(path))]
                took = time.perf_counter() - t
                ids = [h.id for h in hits]
                s = stats.setdefault(
                    name,
                    {k: [] for k in ("self@1", "self@5", "self@10", "same@5", "colour_top5", "base", "lat")},
                )
                s["self@1"].append(g.id in ids[:1])
                s["self@5"].append(g.id in ids[:5])
                s["self@10"].append(g.id in ids[:10])
                s["same@5"].append(
                    any(h.article_type == g.article_type and colour in h.colours for h in hits[:5])
                )
                s["colour_top5"].append(sum(colour in h.colours for h in hits[:5]) / 5)
                s["base"].append(colour_share.get(colour, 0) / len(garments))
                s["lat"].append(took)
    rows = []
    for name, s in stats.items():
        mean = {k: sum(v) / len(v) for k, v in s.items() if k != "lat"}
        rows.append(
            {
                "query picture": name,
                "garment@1": round(mean["self@1"], 3),
                "garment@5": round(mean["self@5"], 3),
                "garment@10": round(mean["self@10"], 3),
                "same article+colour@5": round(mean["same@5"], 3),
                "colour share top5": round(mean["colour_top5"], 3),
                "colour base rate": round(mean["base"], 3),
                "p50_ms": percentiles_ms(s["lat"])["p50_ms"],
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--demo-size", type=int, default=3000)
    parser.add_argument("--sample", type=int, default=200, help="garments whose pictures are used as queries")
    parser.add_argument(
        "--threads", type=int, default=None, help="torch CPU threads (1 is faster on a busy shared machine)"
    )
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
    from stylist.config import load_settings
    from stylist.index.build import build_index
    from stylist.index.demo import generate_demo_catalogue
    from stylist.index.embed import SentenceTransformerTextEmbedder
    from stylist.index.imagenc.embedder import make_image_embedder
    from stylist.index.store import CatalogueIndex

    results: dict[str, Any] = {
        "machine": machine(),
        "demo_size": args.demo_size,
        "torch_threads": torch.get_num_threads(),
    }
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(home=tmp)
        text = SentenceTransformerTextEmbedder("embedded", threads=args.threads)
        t = time.perf_counter()
        encoder = make_image_embedder("embedded", text, "cpu", settings.embed.batch_size, None)
        load_s = time.perf_counter() - t
        garments = generate_demo_catalogue(n=args.demo_size, seed=7, image_dir=Path(tmp) / "pictures")
        report = build_index(settings, text, garments=garments, image_embedder=encoder)
        build = {
            "garments": report.indexed,
            "image_vectors": report.image_vectors,
            "encoder_load_s": round(load_s, 2),
            **report.timings,
            "images_per_s": report.images_per_s,
            "image_encoder": report.image_embedder,
        }
        print(
            f"\nindex build, {args.demo_size} demo garments (torch threads "
            f"{torch.get_num_threads()}, load avg {os.getloadavg()[0]:.1f}):"
        )
        print_table(
            [build],
            [
                "garments",
                "image_vectors",
                "encoder_load_s",
                "embed_s",
                "images_s",
                "images_per_s",
                "write_s",
                "total_s",
            ],
        )
        index = CatalogueIndex.open(settings.index_dir, text, settings=settings.index, image_embedder=encoder)
        index.search("warm up", k=1)
        queries = load_queries()
        text_rows = text_queries(index, garments, queries)
        print(
            f"\ntext queries ({len(queries)} from {(HERE / 'data' / 'search_queries.jsonl').name}), "
            "words ↔ description and/or garment pictures:"
        )
        print_table(text_rows, ["scoring", "p@5", "nDCG@5", "p50_ms", "p95_ms"])
        picture_rows = picture_queries(index, garments, args.sample)
        print(f"\npicture queries ({args.sample} garments, each as 4 query pictures; top 10 searched):")
        cols = [
            "query picture",
            "garment@1",
            "garment@5",
            "garment@10",
            "same article+colour@5",
            "colour share top5",
            "colour base rate",
            "p50_ms",
        ]
        print_table(picture_rows, cols)
    results.update({"build": build, "text_queries": text_rows, "picture_queries": picture_rows})
    path = write_results("image_search", results)
    print(f"\nwrote {path}")


if __name__ == "__main__":
    main()
