""" "Inspired by" of the design tool: do the catalogue garments shown beside a design have its article type?

The packaged photo GAN draws ``--n`` designs for each brief of ``_gan_photos.GRID_BRIEFS``; each design's 3
closest catalogue garments are found two ways and compared with the design's article type (the fashion
vocabulary's ``article_key``, so "Shirts" and "Shirt" agree) and outfit slot:

- ``picture only`` (the tool before): the index's image search with the design's PNG;
- ``tool``: what ``design_garments`` does now: its picture and its words together, kept to its article type
  (as the catalogue spells it), else its slot, else anywhere.

On two indexes: the demo catalogue (drawings, demo image encoder; ``--demo-garments`` of the default demo
generator, seed 7) and a photo catalogue (the first ``--photo-garments`` real test-split photos of
``_photos.py``, photo encoder), both built into /tmp/gan_cache/inspired once.

    nice -n 10 python benchmarks/gan_inspired.py [--n 4] [--demo-garments 600] [--photo-garments 600]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import machine, print_table, write_results  # noqa: E402
from _gan_photos import GRID_BRIEFS  # noqa: E402

from stylist.config import load_settings  # noqa: E402
from stylist.fashion.terms import article_key  # noqa: E402
from stylist.index.build import build_index  # noqa: E402
from stylist.index.slots import slot_for_article  # noqa: E402
from stylist.index.store import CatalogueIndex  # noqa: E402

HOME = Path("/tmp/gan_cache/inspired")


def open_index(name: str, garments_of, encoder: str, text, demo_size: int = 0):  # noqa: ANN001
    """The index built once under HOME/name: ``garments_of()`` (with their photos), or with ``demo_size``
    the demo catalogue rendered with its pictures."""
    from stylist.index.imagenc.embedder import make_image_embedder

    settings = load_settings(home=str(HOME / name), index={"demo_size": demo_size or 3000, "demo_seed": 7})
    images = make_image_embedder(encoder, text, "cpu")
    try:
        return CatalogueIndex.open(
            settings.index_dir, text, settings=settings.index, image_embedder=lambda: images
        )
    except Exception:  # noqa: BLE001 - not built yet: build it once
        garments = None if demo_size else garments_of()
        build_index(settings, text, demo=bool(demo_size), garments=garments, image_embedder=images)
        return CatalogueIndex.open(
            settings.index_dir, text, settings=settings.index, image_embedder=lambda: images
        )


def measure(index, sampler, text, n: int) -> tuple[list[dict], dict[str, int]]:  # noqa: ANN001
    from stylist.tools.designs.tool import DesignGarments, DesignInput

    tool = DesignGarments(sampler, index, None, out_dir=Path(tempfile.mkdtemp()), text_encoder=text)
    counts = {"picture only": [0, 0, 0], "tool": [0, 0, 0]}  # article, slot, shown
    methods: dict[str, int] = {}
    for b, brief in enumerate(GRID_BRIEFS):
        out = tool.run(DesignInput(brief=brief, n=n, seed=b, inspired_by=3))
        methods[out.inspired_by_method] = methods.get(out.inspired_by_method, 0) + 1
        for d in out.designs:
            article = d.labels["article_type"]
            before = [g for g, _ in index.search(None, k=3, image_path=d.path)]
            for name, shown in (("picture only", before), ("tool", [i.garment for i in d.inspired_by])):
                c = counts[name]
                c[0] += sum(article_key(g.article_type) == article_key(article) for g in shown)
                c[1] += sum(g.slot == slot_for_article(article) for g in shown)
                c[2] += len(shown)
    return [
        {"method": m, "same_article_at3": c[0] / c[2], "same_slot_at3": c[1] / c[2], "shown": c[2]}
        for m, c in counts.items()
    ], methods


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=4, help="designs per brief")
    p.add_argument("--demo-garments", type=int, default=600)
    p.add_argument("--photo-garments", type=int, default=600)
    args = p.parse_args()
    import torch

    from stylist.index.embed.factory import make_text_embedder
    from stylist.tools.designs.sample import DATASETS, DesignSampler

    torch.set_num_threads(1)
    text = make_text_embedder(load_settings())
    sampler = DesignSampler(DATASETS["photos"])

    def photos():  # noqa: ANN202
        from _photos import load_photos

        ph = load_photos()
        return [ph.garments[i] for i in ph.split["test"][: args.photo_garments]]

    indexes = {
        "demo catalogue": open_index(
            f"demo{args.demo_garments}",
            None,
            "demo",
            text,
            demo_size=args.demo_garments,
        ),
        "photo catalogue": open_index(f"photos{args.photo_garments}", photos, "photos", text),
    }
    rows, meta = [], {"machine": machine(), "briefs": list(GRID_BRIEFS), "n": args.n}
    for name, index in indexes.items():
        part, methods = measure(index, sampler, text, args.n)
        rows += [{"index": name, "garments": len(index), **r} for r in part]
        meta[f"methods {name}"] = methods
    print_table(rows, ["index", "garments", "method", "same_article_at3", "same_slot_at3", "shown"])
    print(f"wrote {write_results('gan_inspired', {**meta, 'rows': rows})}")


if __name__ == "__main__":
    main()
