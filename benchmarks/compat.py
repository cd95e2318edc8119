"""Outfit compatibility and assembly: AUC, fill-in-the-blank accuracy and assembly latency.

On held-out outfits only (split by outfit, as in training; never the same outfit on both sides):

* Polyvore (Maryland validation outfits, ../shared/data/polyvore-maryland): compatibility AUC and
  FITB accuracy (4 candidates) with hard (same category) and random negatives, for the packaged
  ``polyvore`` checkpoint against baselines: random, mean pairwise cosine of the text embeddings,
  and the rule scorer.
* Demo (rule-made outfits over the demo catalogue, hard negatives break one rule): the same
  metrics for the packaged ``demo`` checkpoint. The rule scorer made these labels, so on demo data
  it is an oracle, not a baseline to beat.
* Assembly latency: ``build_outfit`` for 5-slot outfits (top, bottom, shoes, outerwear, bag) on the
  demo catalogue index (FAISS + MiniLM query embedding), CPU, p50/p95.

    nice -n 10 python benchmarks/compat.py [--polyvore PATH] [--latency-runs 40]

Writes benchmarks/results/compat.json.
"""

from __future__ import annotations

import argparse
import random
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
from stylist.tools.outfits.data.types import CompatExample, FitbQuestion  # noqa: E402

CACHE = Path(__file__).parent / "results" / "cache"
Scorer = Callable[[Sequence[Sequence[Garment]]], np.ndarray]


def method_scorers(
    table: Any, vectors: dict[str, np.ndarray], checkpoint: str, seed: int = 0
) -> dict[str, Scorer]:
    from stylist.tools.outfits.checkpoint import load_checkpoint
    from stylist.tools.outfits.infer import outfit_logits
    from stylist.tools.outfits.rules import rule_score

    model, _ = load_checkpoint(checkpoint)
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

    def learned(outfits):
        return outfit_logits(model, table, [[g.id for g in o] for o in outfits])

    return {"random": random_scores, "cosine": cosine, "rules": rules, f"model ({checkpoint})": learned}


def compat_auc(score: Scorer, examples: Sequence[CompatExample]) -> float:
    from stylist.tools.outfits.train import auc

    return auc([e.label for e in examples], score([e.garments for e in examples]))


def fitb_accuracy(score: Scorer, questions: Sequence[FitbQuestion], seed: int = 0) -> float:
    rng = np.random.default_rng(seed)
    outfits, spans = [], []
    for q in questions:
        spans.append((len(outfits), len(q.candidates)))
        outfits += [(*q.question, c) for c in q.candidates]
    scores = score(outfits)
    right = 0
    for q, (start, n) in zip(questions, spans):
        s = scores[start : start + n] + rng.random(n) * 1e-9  # ties break at random, not by position
        right += int(int(np.argmax(s)) == q.answer_index)
    return right / len(questions)


def evaluate(
    dataset: str,
    scorers: dict[str, Scorer],
    compat: dict[str, list[CompatExample]],
    fitb: dict[str, list[FitbQuestion]],
) -> list[dict[str, Any]]:
    rows = []
    for flavour in compat:
        for name, score in scorers.items():
            rows.append({
                "dataset": dataset, "negatives": flavour, "method": name,
                "compat_auc": round(compat_auc(score, compat[flavour]), 4),
                "fitb_acc": round(fitb_accuracy(score, fitb[flavour]), 4) if fitb.get(flavour) else None,
                "n_compat": len(compat[flavour]), "n_fitb": len(fitb.get(flavour, [])),
            })  # fmt: skip
    return rows


def polyvore(path: Path, embedder: Any) -> list[dict[str, Any]]:
    from stylist.tools.outfits.data.polyvore import load_outfits
    from stylist.tools.outfits.infer import FeatureTable
    from stylist.tools.outfits.train import embed_garments, split_by_outfit
    from stylist.tools.outfits.train_run import POLYVORE_SPLIT_SEED, POLYVORE_TEST_SHARE

    data = load_outfits(path)
    garments = list(data.garments().values())
    vecs = embed_garments(garments, embedder, cache=CACHE)
    table = FeatureTable(garments, vecs)
    _, test_ids = split_by_outfit(data.outfits, POLYVORE_TEST_SHARE, POLYVORE_SPLIT_SEED)
    compat, fitb = {}, {}
    for flavour, examples in data.compat.items():
        pos = [e for e in examples if e.label == 1 and e.source in test_ids]
        if flavour == "hard":
            neg = [e for e in examples if e.label == 0 and e.source in test_ids]
        else:  # random negatives belong to no outfit: a seeded sample of the same size
            all_neg = sorted((e for e in examples if e.label == 0), key=lambda e: e.example_id)
            neg = random.Random(0).sample(all_neg, len(pos))
        compat[flavour] = pos + neg
        fitb[flavour] = [q for q in data.fitb.get(flavour, []) if q.outfit_id in test_ids]
    scorers = method_scorers(table, dict(zip((g.id for g in garments), vecs)), "polyvore")
    return evaluate("polyvore", scorers, compat, fitb)


def demo(embedder: Any) -> tuple[list[dict[str, Any]], list[Garment], np.ndarray]:
    from stylist.tools.outfits.data.demo import demo_fitb
    from stylist.tools.outfits.infer import FeatureTable
    from stylist.tools.outfits.train import embed_garments
    from stylist.tools.outfits.train_run import demo_catalogue, demo_training_set

    catalogue = demo_catalogue()
    outfits, examples, _, test_ids = demo_training_set(catalogue)
    vecs = embed_garments(catalogue, embedder, cache=CACHE)
    table = FeatureTable(catalogue, vecs)
    test_outfits = [o for o in outfits if o.outfit_id in test_ids]
    compat = {"hard (rule-broken)": [e for e in examples if e.source in test_ids]}
    fitb = {"hard (rule-broken)": demo_fitb(catalogue, test_outfits)}
    scorers = method_scorers(table, dict(zip((g.id for g in catalogue), vecs)), "demo")
    return evaluate("demo", scorers, compat, fitb), catalogue, vecs


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
        model, _ = load_checkpoint("demo")
        scorer = CompatibilityScorer(model, lambda gs: index.vectors_for([g.id for g in gs]), name="demo")
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
    print_table(rows, ["dataset", "negatives", "method", "compat_auc", "fitb_acc", "n_compat", "n_fitb"])
    lat = latency(catalogue, vecs, embedder, args.latency_runs)
    print()
    print_table(
        [lat],
        ["runs", "p50_ms", "p95_ms", "mean_slots", "mean_top_compat", "candidates_per_slot", "beam_width"],
    )
    path = write_results("compat", {"machine": machine(), "quality": rows, "assembly_latency": lat})
    print(f"\nwrote {path}")


if __name__ == "__main__":
    main()
