"""Outfit compatibility and assembly: AUC, fill-in-the-blank accuracy and assembly latency.

* Polyvore (the 1,497 real Maryland outfits, ../shared/data/polyvore-maryland), split once by the
  fixed rule of ``stylist.tools.outfits.evaluate`` (held-out: the 30% the previous real-outfit model
  was also tested on; tune: the 20% of the rest that chose the settings; train: the remainder).
  Compatibility AUC and FITB accuracy (4 candidates) with hard (same category) and random negatives,
  on tune and held-out, for the packaged checkpoints (``maryland``: the default, ``polyvore``: the
  previous real-outfit model, ``demo``: trained on rule-made outfits) against random, mean pairwise
  cosine of the text embeddings and the rule scorer.
* Demo (rule-made outfits over the demo catalogue, hard negatives break one rule): the same
  metrics. The rule scorer made these labels, so on demo data it is an oracle, not a baseline.
* Assembly latency (``--latency-runs``, 0 to skip): ``build_outfit`` for 5-slot outfits on the demo
  catalogue index with the default model, CPU, p50/p95. A timing: run it under
  ``flock /tmp/stylist-quiet.lock nice -n 0`` or say it was measured under load.

    nice -n 19 python benchmarks/compat.py [--polyvore PATH] [--latency-runs 40]

Writes benchmarks/results/compat.json.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _common import machine, percentiles_ms, print_table, write_results  # noqa: E402

from stylist.index.schema import Garment  # noqa: E402

CACHE = Path(__file__).parent / "results" / "cache"
Scorer = Callable[[Sequence[Sequence[Garment]]], np.ndarray]


CHECKPOINTS = ("maryland", "polyvore", "demo")


def method_scorers(
    garments: Sequence[Garment], vecs: np.ndarray, checkpoints: Sequence[str] = CHECKPOINTS, seed: int = 0
) -> dict[str, Scorer]:
    from stylist.tools.outfits.checkpoint import load_checkpoint
    from stylist.tools.outfits.infer import FeatureTable, outfit_logits
    from stylist.tools.outfits.rules import rule_score

    vectors = dict(zip((g.id for g in garments), vecs))
    rng = np.random.default_rng(seed)

    def random_scores(outfits):
        return rng.random(len(outfits))

    def cosine(outfits):
        out = []
        for o in outfits:
            v = np.stack([vectors[g.id] for g in o])
            sims = v @ v.T
            iu = np.triu_indices(len(o), 1)
            out.append(float(sims[iu].mean()) if len(o) > 1 else 0.0)
        return np.array(out)

    def rules(outfits):
        return np.array([rule_score(list(o)) for o in outfits])

    def learned(checkpoint: str) -> Scorer:
        model, _ = load_checkpoint(checkpoint)
        table = FeatureTable(garments, vecs, model.config.token_buckets)
        return lambda outfits: outfit_logits(model, table, [[g.id for g in o] for o in outfits])

    scorers: dict[str, Scorer] = {"random": random_scores, "cosine": cosine, "rules": rules}
    scorers.update({f"model ({c})": learned(c) for c in checkpoints})
    return scorers


def evaluate(
    dataset: str, scorers: dict[str, Scorer], sets: dict[str, tuple[dict, dict]]
) -> list[dict[str, Any]]:
    """One row per negative flavour and method, with a column pair per part (tune, held-out)."""
    from stylist.tools.outfits.evaluate import compat_auc, fitb_accuracy

    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for part, (compat, fitb) in sets.items():
        tag = "held" if part == "held-out" else part
        for flavour in compat:
            for name, score in scorers.items():
                row = rows.setdefault(
                    (flavour, name), {"dataset": dataset, "negatives": flavour, "method": name}
                )
                row[f"{tag}_auc"] = round(compat_auc(score, compat[flavour]), 4)
                questions = fitb.get(flavour)
                row[f"{tag}_fitb"] = round(fitb_accuracy(score, questions), 4) if questions else None
                row[f"{tag}_n"] = f"{len(compat[flavour])}/{len(questions or [])}"
    return list(rows.values())


def polyvore(path: Path, embedder: Any) -> list[dict[str, Any]]:
    from stylist.tools.outfits.data.polyvore import load_outfits
    from stylist.tools.outfits.evaluate import benchmark_sets, split_parts
    from stylist.tools.outfits.train import embed_garments

    data = load_outfits(path)
    garments = list(data.garments().values())
    vecs = embed_garments(garments, embedder, cache=CACHE)
    parts = split_parts(data)
    sets = {part: benchmark_sets(data, parts, part) for part in ("tune", "held-out")}
    return evaluate("polyvore", method_scorers(garments, vecs), sets)


def demo(embedder: Any) -> tuple[list[dict[str, Any]], list[Garment], np.ndarray]:
    from stylist.tools.outfits.data.demo import demo_fitb
    from stylist.tools.outfits.train import embed_garments
    from stylist.tools.outfits.train_run import demo_catalogue, demo_training_set

    catalogue = demo_catalogue()
    outfits, examples, _, test_ids = demo_training_set(catalogue)
    vecs = embed_garments(catalogue, embedder, cache=CACHE)
    test_outfits = [o for o in outfits if o.outfit_id in test_ids]
    compat = {"hard (rule-broken)": [e for e in examples if e.source in test_ids]}
    fitb = {"hard (rule-broken)": demo_fitb(catalogue, test_outfits)}
    return evaluate("demo", method_scorers(catalogue, vecs), {"held-out": (compat, fitb)}), catalogue, vecs


BRIEFS = [
    ("summer wedding guest, earthy colours", "women"),
    ("office look in navy", "men"),
    ("casual weekend", "women"),
    ("autumn date night", "women"),
    ("winter travel", "men"),
    ("beach holiday, bright colours", "women"),
    ("smart work outfit", "women"),
    ("party, black", "men"),
    ("spring brunch, pastel", "women"),
    ("formal dinner", "men"),
]


def latency(catalogue: list[Garment], vecs: np.ndarray, embedder: Any, runs: int) -> dict[str, Any]:
    import torch

    from stylist.config import load_settings
    from stylist.index.schema import Slot
    from stylist.index.store.catalogue_index import CatalogueIndex
    from stylist.tools.outfits.assembly import OutfitAssembler
    from stylist.tools.outfits.checkpoint import load_checkpoint
    from stylist.tools.outfits.schemas import OutfitRequest
    from stylist.tools.outfits.scorer import CompatibilityScorer

    torch.set_num_threads(1)
    settings = load_settings()
    with tempfile.TemporaryDirectory() as tmp:
        index = CatalogueIndex.create(Path(tmp) / "build", catalogue, vecs, embedder, settings=settings.index)
        model, _ = load_checkpoint("maryland")  # the default
        scorer = CompatibilityScorer(model, lambda gs: index.vectors_for([g.id for g in gs]), name="maryland")
        cfg = settings.outfits
        assembler = OutfitAssembler(
            index,
            scorer,
            candidates_per_slot=cfg.candidates_per_slot,
            beam_width=cfg.beam_width,
            weights=(cfg.compat_weight, cfg.relevance_weight, cfg.preference_weight),
        )
        extras = [Slot.OUTERWEAR, Slot.BAG]
        assembler.build(OutfitRequest(brief="warm up", gender="women", extras=extras))
        times, slots, compat = [], [], []
        for i in range(runs):
            brief, gender = BRIEFS[i % len(BRIEFS)]
            request = OutfitRequest(brief=brief, gender=gender, budget=400 + 50 * (i % 5), extras=extras, k=3)
            start = time.perf_counter()
            result = assembler.build(request)
            times.append(time.perf_counter() - start)
            slots.append(len(result.outfits[0].items))
            compat.append(result.outfits[0].compatibility)
    return {
        "runs": runs,
        **percentiles_ms(times),
        "mean_slots": round(float(np.mean(slots)), 2),
        "mean_top_compat": round(float(np.mean(compat)), 4),
        "candidates_per_slot": cfg.candidates_per_slot,
        "beam_width": cfg.beam_width,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    here = Path(__file__).resolve().parents[1]
    default = next(
        (
            p / "shared" / "data" / "polyvore-maryland"
            for p in (here.parent, here.parent.parent)
            if (p / "shared" / "data" / "polyvore-maryland").is_dir()
        ),
        here.parent / "shared" / "data" / "polyvore-maryland",
    )
    parser.add_argument("--polyvore", type=Path, default=default)
    parser.add_argument("--latency-runs", type=int, default=40)
    args = parser.parse_args()
    import torch

    from stylist.tools.outfits.embedding import text_embedder_for

    torch.set_num_threads(1)
    embedder = text_embedder_for(None)
    rows = []
    if (args.polyvore / "outfits.jsonl").is_file():
        rows += polyvore(args.polyvore, embedder)
    else:
        print(f"(no Polyvore data at {args.polyvore}; skipping those rows)")
    demo_rows, catalogue, vecs = demo(embedder)
    rows += demo_rows
    columns = ["dataset", "negatives", "method", "tune_auc", "tune_fitb", "held_auc", "held_fitb"]
    print_table(rows, [*columns, "tune_n", "held_n"])
    lat: dict[str, Any] = {}
    if args.latency_runs:
        lat = latency(catalogue, vecs, embedder, args.latency_runs)
        print()
        print_table(
            [lat],
            [
                "runs",
                "p50_ms",
                "p95_ms",
                "mean_slots",
                "mean_top_compat",
                "candidates_per_slot",
                "beam_width",
            ],
        )
    path = write_results("compat", {"machine": machine(), "quality": rows, "assembly_latency": lat})
    print(f"\nwrote {path}")


if __name__ == "__main__":
    main()
