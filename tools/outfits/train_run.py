"""Training runs: on a user's outfit data (``stylist train compat``) and the packaged checkpoints.

``python -m stylist.tools.outfits.train_run maryland|demo|polyvore`` rebuilds the checkpoints shipped
in ``checkpoints/`` (run with ``nice``). ``maryland`` is the default model: real Polyvore outfits,
the fixed train/tune/held-out split of :mod:`.evaluate`, outfit- and item-level (FITB) negatives,
pair evidence (shared words, price tier, colours); ``polyvore`` is the older real-outfit model.
"""

from __future__ import annotations

import argparse
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stylist.errors import CatalogueError
from stylist.index.demo import generate_demo_catalogue
from stylist.index.schema import Garment
from stylist.tools.outfits.checkpoint import PACKAGED, save_checkpoint
from stylist.tools.outfits.data.demo import generate_demo_outfits
from stylist.tools.outfits.data.polyvore import load_outfits
from stylist.tools.outfits.data.types import CompatExample, OutfitData, OutfitRecord
from stylist.tools.outfits.embedding import text_embedder_for
from stylist.tools.outfits.infer import FeatureTable
from stylist.tools.outfits.model import CompatConfig
from stylist.tools.outfits.train import (
    NegativeSampler,
    TrainConfig,
    embed_garments,
    evaluate_auc,
    report_dict,
    split_by_outfit,
    train_compat,
)

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]
POLYVORE_TEST_SHARE = 0.3
POLYVORE_SPLIT_SEED = 2017


@dataclass
class Prepared:
    data: OutfitData
    garments: list[Garment]
    table: FeatureTable
    embedder_name: str
    text_dim: int
    vectors: Any = None


def prepare(
    path: str | Path,
    *,
    runtime: Any = None,
    embedder: Any = None,
    strict: bool = True,
    cache: Path | None = None,
    progress: Progress | None = None,
) -> Prepared:
    """Load outfits from ``path`` and embed every garment once."""
    data = load_outfits(path, strict=strict)
    if len(data.outfits) < 10:
        raise CatalogueError(f"{path}: {len(data.outfits)} usable outfits; training needs at least 10")
    embedder = embedder or text_embedder_for(runtime)
    garments = list(data.garments().values())
    vectors = embed_garments(garments, embedder, cache=cache, progress=progress)
    table = FeatureTable(garments, vectors)
    return Prepared(data, garments, table, embedder.name, int(vectors.shape[1]), vectors)


def held_out_negatives(outfits: list[OutfitRecord], seed: int) -> dict[str, list[CompatExample]]:
    """Seeded negatives drawn only from held-out outfits, one per outfit, per flavour."""
    out: dict[str, list[CompatExample]] = {}
    index = {g.id: g for o in outfits for g in o.garments}
    for flavour in ("hard", "random", "swap"):
        sampler = NegativeSampler(outfits, random.Random(seed))
        examples = [CompatExample(o.outfit_id, o.garments, 1, o.outfit_id) for o in outfits]
        for n, o in enumerate(outfits):
            ids = sampler.negative(n, flavour)
            examples.append(
                CompatExample(f"{o.outfit_id}-{flavour}", tuple(index[i] for i in ids), 0, o.outfit_id)
            )
        out[flavour] = examples
    return out


def train_prepared(
    prepared: Prepared,
    target: Path | None,
    *,
    epochs: int = 30,
    test_share: float = 0.1,
    seed: int = 0,
    progress: Progress | None = None,
    name: str = "user",
    model_config: CompatConfig | None = None,
) -> dict[str, Any]:
    """Split by outfit, train on the training side, report held-out AUC, save to ``target``."""
    outfits = prepared.data.outfits
    train_ids, test_ids = split_by_outfit(outfits, test_share, seed)
    train = [o for o in outfits if o.outfit_id in train_ids]
    test = [o for o in outfits if o.outfit_id in test_ids]
    config = TrainConfig(epochs=epochs, seed=seed)
    mc = model_config or CompatConfig(text_dim=prepared.text_dim, embedder=prepared.embedder_name)
    model = train_compat(prepared.table, train, model_config=mc, config=config, progress=progress)
    held = {}
    if len(test) >= 2:
        held = {
            f: round(evaluate_auc(model, prepared.table, ex), 4)
            for f, ex in held_out_negatives(test, seed + 1).items()
        }
    report = {
        "name": name,
        "format": prepared.data.format,
        "train_outfits": len(train),
        "test_outfits": len(test),
        "held_out_auc": held,
        "train_config": report_dict(config),
        "embedder": prepared.embedder_name,
        "problems": prepared.data.problems,
        "test_outfit_ids": sorted(test_ids),
    }
    if target is not None:
        meta = {k: v for k, v in report.items() if k not in ("problems", "test_outfit_ids")}
        report["checkpoint"] = str(save_checkpoint(model, target, meta))
    report["model"] = model
    return report


def train_on_outfits(
    path: str | Path,
    target: Path,
    *,
    runtime: Any = None,
    epochs: int = 30,
    test_share: float = 0.1,
    seed: int = 0,
    strict: bool = True,
    embed_progress: Progress | None = None,
    train_progress: Progress | None = None,
) -> dict[str, Any]:
    cache = runtime.settings.home / "cache" / "compat" if runtime is not None else None
    prepared = prepare(path, runtime=runtime, strict=strict, cache=cache, progress=embed_progress)
    report = train_prepared(
        prepared, Path(target), epochs=epochs, test_share=test_share, seed=seed, progress=train_progress
    )
    report.pop("model")
    report.pop("test_outfit_ids")
    return report


# ---------------------------------------------------------------- packaged checkpoints

#: The default real-outfit model's settings (chosen on the tune part; see docs/outfits.md).
MARYLAND_MODEL = dict(token_buckets=512, pair_features=True, dropout=0.2)
MARYLAND_TRAINING = dict(
    epochs=18,
    fitb_weight=1.0,
    lr=3e-3,
    weight_decay=1e-3,
    batch_size=64,
    # hard negatives (every piece swapped for one of its category) weigh most: two negatives an
    # outfit an epoch, half of them hard, and two hard fill-in-the-blank batches for one random one
    flavours=("hard", "hard", "random", "swap"),
    negatives_per_outfit=2,
    fitb_flavours=("hard", "hard", "random"),
    average_from=10,  # the mean of the weights after epochs 10-18 (steadier across seeds on tune)
)


def train_maryland(
    prepared: Prepared, target: Path | None, *, epochs: int | None = None, seed: int = 0
) -> dict[str, Any]:
    """Train on the ``train`` part, measure on ``tune`` and ``held-out``, save to ``target``."""
    from stylist.tools.outfits.evaluate import measure, split_parts
    from stylist.tools.outfits.infer import outfit_logits

    parts = split_parts(prepared.data)
    train = [o for o in prepared.data.outfits if parts[o.outfit_id] == "train"]
    mc = CompatConfig(text_dim=prepared.text_dim, embedder=prepared.embedder_name, **MARYLAND_MODEL)
    table = FeatureTable(prepared.garments, prepared.vectors, mc.token_buckets)
    settings = {**MARYLAND_TRAINING, **({"epochs": epochs} if epochs else {})}
    config = TrainConfig(seed=seed, **settings)
    model = train_compat(table, train, model_config=mc, config=config)

    def score(outfits):
        return outfit_logits(model, table, [[g.id for g in o] for o in outfits])

    report = {
        "name": "maryland",
        "format": prepared.data.format,
        "parts": {p: sum(1 for v in parts.values() if v == p) for p in ("train", "tune", "held-out")},
        "tune": measure(score, prepared.data, parts, "tune"),
        "held_out": measure(score, prepared.data, parts, "held-out"),
        "train_config": report_dict(config),
        "embedder": prepared.embedder_name,
    }
    if target is not None:
        report["checkpoint"] = str(save_checkpoint(model, target, report))
    report["model"] = model
    return report


def demo_training_set(catalogue: list[Garment], n: int = 1500, seed: int = 11):
    outfits, examples = generate_demo_outfits(catalogue, n=n, seed=seed)
    train_ids, test_ids = split_by_outfit(outfits, 0.2, seed)
    return outfits, examples, train_ids, test_ids


def demo_catalogue() -> list[Garment]:
    return generate_demo_catalogue()


def train_demo(embedder: Any, cache: Path, epochs: int = 15) -> dict[str, Any]:
    catalogue = demo_catalogue()
    outfits, examples, train_ids, test_ids = demo_training_set(catalogue)
    vectors = embed_garments(catalogue, embedder, cache=cache)
    table = FeatureTable(catalogue, vectors)
    mc = CompatConfig(text_dim=vectors.shape[1], embedder=embedder.name)
    config = TrainConfig(epochs=epochs, flavours=())
    train_ex = [e for e in examples if e.source in train_ids]
    model = train_compat(
        table,
        [o for o in outfits if o.outfit_id in train_ids],
        fixed=train_ex,
        model_config=mc,
        config=config,
    )
    test_ex = [e for e in examples if e.source in test_ids]
    auc = round(evaluate_auc(model, table, test_ex), 4)
    meta = {
        "name": "demo",
        "format": "demo-rules",
        "train_outfits": len(train_ids),
        "test_outfits": len(test_ids),
        "held_out_auc": {"hard": auc},
        "train_config": report_dict(config),
        "embedder": embedder.name,
    }
    save_checkpoint(model, PACKAGED["demo"], meta)
    return meta


def main(argv: list[str] | None = None) -> None:
    import torch

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("which", choices=["maryland", "demo", "polyvore"])
    root = Path(__file__).resolve().parents[2]
    shared = next(
        (
            p / "shared" / "data" / "polyvore-maryland"
            for p in (root.parent, root.parent.parent)
            if (p / "shared" / "data" / "polyvore-maryland").is_dir()
        ),
        root.parent / "shared" / "data" / "polyvore-maryland",
    )
    parser.add_argument("--polyvore", default=str(shared))
    parser.add_argument("--cache", default="benchmarks/results/cache")
    parser.add_argument(
        "--epochs", type=int, default=None, help="default: 18 (maryland), 15 (demo), 30 (polyvore)"
    )
    parser.add_argument("--out", default=None, help="checkpoint path (default: the packaged one)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    torch.set_num_threads(1)
    embedder = text_embedder_for(None)
    if args.which == "demo":
        print(train_demo(embedder, Path(args.cache), epochs=args.epochs or 15))
        return
    prepared = prepare(args.polyvore, embedder=embedder, cache=Path(args.cache))
    if args.which == "maryland":
        report = train_maryland(prepared, Path(args.out or PACKAGED["maryland"]), epochs=args.epochs)
        report.pop("model")
        print(report)
        return
    report = train_prepared(
        prepared,
        PACKAGED["polyvore"],
        epochs=args.epochs or 30,
        test_share=POLYVORE_TEST_SHARE,
        seed=POLYVORE_SPLIT_SEED,
        name="polyvore",
    )
    report.pop("model")
    print({k: v for k, v in report.items() if k != "test_outfit_ids"})


if __name__ == "__main__":
    main()
