"""The asked colour in outfit assembly: its shades answer it, and it wins before the pair score."""

from __future__ import annotations

import numpy as np
import torch

from stylist.index.schema import Gender, Slot
from stylist.tools.outfits.assembly import OutfitAssembler
from stylist.tools.outfits.attributes import answers_colour, shades_of
from stylist.tools.outfits.model import CompatConfig, CompatModel
from stylist.tools.outfits.schemas import OutfitRequest
from stylist.tools.outfits.scorer import CompatibilityScorer
from tests.fakes.compat import FakeCatalogueIndex, fake_catalogue


def test_shades_answer_the_asked_colour():
    assert answers_colour("navy blue", "blue") and answers_colour("light blue", "blue")
    assert answers_colour("blush", "pink") and answers_colour("charcoal", "grey")
    assert not answers_colour("red", "blue") and not answers_colour("black", "navy")
    assert shades_of(("blue",))[0] == "blue" and "navy blue" in shades_of(("blue",))


class _Dislikes(CompatibilityScorer):
    """A scorer whose every pair with one of ``hated`` is very bad (the model 'dislikes' them)."""

    def __init__(self, index, hated: set[str]) -> None:
        torch.manual_seed(0)
        model = CompatModel(CompatConfig(text_dim=384, hidden=16, embed_dim=8, pair_hidden=8)).eval()
        super().__init__(model, lambda gs: index.vectors_for([g.id for g in gs]), name="fake")
        self.hated = hated

    def pair_matrix(self, garments):
        logits = np.zeros((len(garments), len(garments)), dtype=np.float32)
        for i, g in enumerate(garments):
            if g.id in self.hated:
                logits[i, :] = logits[:, i] = -10.0
        return logits


def test_the_asked_colour_wins_before_the_pair_score():
    # no garment is plain blue; a few women's tops are navy blue, a shade of it
    garments = []
    navy = set()
    for g in fake_catalogue(400):
        colour = g.colours[0]
        if colour in ("blue", "navy"):
            colour = "black"
        if g.slot is Slot.TOP and g.gender is Gender.WOMEN and len(navy) < 3:
            colour = "navy blue"
            navy.add(g.id)
        garments.append(g.model_copy(update={"colours": [colour]}))
    index = FakeCatalogueIndex(garments)
    assembler = OutfitAssembler(index, _Dislikes(index, navy), candidates_per_slot=10, beam_width=6)
    result = assembler.build(OutfitRequest(brief="casual, blue", gender=Gender.WOMEN, k=2, extras=[]))
    assert result.outfits
    for outfit in result.outfits:
        assert any(i.id in navy for i in outfit.items), [i.title for i in outfit.items]
