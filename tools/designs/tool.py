"""The ``design_garments`` tool: new garment designs from a brief, drawn by the conditional GAN,
each shown beside the closest existing catalogue garments ("inspired by")."""

from __future__ import annotations

import logging
import random
import re
import time
import uuid
from pathlib import Path
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field

from stylist.concurrency import checkpoint
from stylist.errors import CatalogueError, StylistError
from stylist.fashion.brief import NUMBER_WORDS, extract_k
from stylist.index.filters import SearchFilters
from stylist.index.schema import Garment
from stylist.index.slots import slot_for_article
from stylist.tools.base import Dep, Tool
from stylist.tools.designs.condition import (
    Condition,
    article_spellings,
    article_words,
    condition_text,
    read_brief,
)
from stylist.tools.designs.sample import (
    MAX_CANDIDATES,
    MAX_DESIGNS,
    MAX_SIZE,
    MIN_SIZE,
    DesignSampler,
    rerank,
    to_pil,
)
from stylist.tools.output import SeenItem, ToolOutput, image_pairs, unique_items
from stylist.tools.routing import RouteContext, RouteHint


class PictureIndex(Protocol):
    """The catalogue search "inspired by" needs: by picture, or by words."""

    def search(
        self,
        query: str | None,
        filters: SearchFilters | None = None,
        k: int = 10,
        image_path: str | None = None,
    ) -> list[tuple[Garment, float]]: ...


log = logging.getLogger(__name__)


class DesignInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    brief: str = Field(
        ...,
        min_length=1,
        max_length=500,
        description="What to design, in words, e.g. 'a navy striped summer dress'.",
    )
    n: int = Field(4, ge=1, le=MAX_DESIGNS, description="How many designs to draw.")
    seed: int | None = Field(
        None, ge=0, le=2**31 - 1, description="Same seed, same designs; omit for new ones."
    )
    article_type: str | None = Field(None, description="Article type, when not in the brief (e.g. 'Dress').")
    colour: str | None = Field(None, description="Colour, when not in the brief (e.g. 'navy').")
    pattern: str | None = Field(None, description="Pattern, when not in the brief (e.g. 'striped').")
    size: int = Field(256, ge=MIN_SIZE, le=MAX_SIZE, description="Side of each PNG in pixels.")
    inspired_by: int = Field(3, ge=0, le=10, description="Closest catalogue garments to show per design.")
    variation: bool = Field(
        False, description="Variations of one design (a walk through the model's latent space) instead of n."
    )


class InspiredBy(BaseModel):
    garment: Garment
    similarity: float


class Design(BaseModel):
    path: str
    """Absolute path of the PNG."""
    labels: dict[str, str]
    """The conditions it was drawn with (article_type, colour, pattern)."""
    understood: str = ""
    """The condition as words ("article: shirt, colour: olive")."""
    brief_similarity: float | None = None
    """Cosine similarity of its picture embedding to the brief's text (when re-ranked)."""
    inspired_by: list[InspiredBy] = Field(default_factory=list)
    reason: str = ""


class DesignOutput(ToolOutput):
    lists_garments = True

    brief: str
    read: dict[str, list[str]]
    """How the brief was read: condition → the values it named (empty ones were varied)."""
    designs: list[Design]
    images: list[str]
    """The PNG paths, in order (the agent shows these in the chat)."""
    image_captions: list[str]
    seed: int
    model: str
    candidates: int
    """Latent samples drawn per design (more than 1: re-ranked by the image encoder)."""
    inspired_by_method: str
    """``image+text`` (the design's picture and its words together), ``text`` (its words only: the index
    has no image vectors) or ``none``; with `` within <article>`` when the search kept to the article type
    the brief named (``any article`` when the catalogue has none of that type)."""
    understood: list[str] = Field(default_factory=list)
    """The distinct conditions drawn, as words ("article: shirt, colour: olive")."""
    note: str = ""
    """Honest notes: "closest I can draw …" when the brief named nothing drawable, and the native size."""
    native_size: int = 64
    """The model's own resolution; larger PNGs are upscaled from it."""
    conditioned_on_text: bool = False
    """Whether the generator read the brief's text embedding (not only its labels)."""

    def garments(self) -> list[SeenItem]:
        return unique_items([SeenItem.from_garment(i.garment) for d in self.designs for i in d.inspired_by])

    def pictures(self) -> list[tuple[str, str]]:
        return image_pairs(self.images, self.image_captions)

    def to_text(self) -> str:
        lines = [f"{n}. {caption or path}" for n, (path, caption) in enumerate(self.pictures(), 1)]
        head = f'Designs for "{self.brief}" ({"; ".join(self.understood)})'
        return "\n".join([head + ":", *lines, *([self.note] if self.note else [])])


def _scopes(article: str | None) -> list[tuple[SearchFilters | None, str]]:
    """Where "inspired by" looks, narrowest first: the named article type (as the catalogue may spell
    it), then its outfit slot (a catalogue without "casual shoes" has sneakers), then anywhere."""
    if not article:
        return [(None, "")]
    scopes: list[tuple[SearchFilters | None, str]] = [
        (SearchFilters(article_types=article_spellings(article)), f" within {article_words(article)}")
    ]
    try:
        slot = slot_for_article(article)
        scopes.append((SearchFilters(slots=[slot]), f" within {slot.value} (no {article_words(article)})"))
    except CatalogueError:
        pass
    return [*scopes, (None, " any article")]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "design"


_NUMBERS = NUMBER_WORDS
_COUNT = re.compile(
    r"(?<![$£€\d.])\b(\d{1,2}|" + "|".join(_NUMBERS) + r")\s+(?!(?:dollars|usd|eur|euros|pounds|gbp|%))[a-z]"
)


def design_arguments(text: str, context: RouteContext) -> dict[str, Any]:
    """The whole message is the brief; "sketch 3 skirts" / "five designs" sets n."""
    args: dict[str, Any] = {"brief": text.strip()[:500]}
    m = _COUNT.search(text.lower())
    k = (_NUMBERS.get(m.group(1)) or int(m.group(1))) if m else extract_k(text)
    if k:
        args["n"] = max(1, min(k, MAX_DESIGNS))
    return args


class DesignGarments(Tool):
    """Design new garments: draw original garment pictures (PNG) from a short brief such as
    'a navy striped summer dress' with a conditional GAN (article type, colour and pattern are
    read from the brief), each with the closest existing catalogue garments that inspired it.
    Use it when the user asks to design, generate, sketch or imagine a garment, not to find one."""

    name = "design_garments"
    routing = RouteHint(
        keywords=(
            "design",
            "designs",
            "design me",
            "generate",
            "generate a",
            "sketch",
            "sketch me",
            "draw me",
            "draw for me",
            "imagine",
            "invent",
            "new design",
            "mock up",
        ),
        extract=design_arguments,
        priority=5,
    )

    sampler = Dep[DesignSampler]()
    catalogue = Dep[PictureIndex]()
    image_embedder = Dep[Any]()
    text_encoder = Dep[Any]()

    def __init__(
        self,
        sampler: DesignSampler,
        catalogue: PictureIndex,
        image_embedder: Any,
        *,
        candidates: int = 1,
        out_dir: Path,
        text_encoder: Any = None,
    ) -> None:
        self.sampler = sampler
        self.catalogue = catalogue
        self.image_embedder = image_embedder
        """Re-ranks the candidates by the brief (``embed_query``/``embed_images``); may be unavailable."""
        self.candidates = candidates
        """Latent samples drawn per design (``designs.candidates``)."""
        self.out_dir = out_dir
        self.text_encoder = text_encoder
        """The text embedder of the GAN's text space (only text-conditioned models need one)."""

    def run(self, args: DesignInput) -> DesignOutput:
        sampler = self.sampler
        seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**31)
        encoder = self.text_encoder if sampler.text_model else None
        cond = read_brief(
            args.brief,
            sampler.conditions,
            1 if args.variation else args.n,
            seed=seed,
            seen=sampler.metrics.get("seen"),
            prototypes=sampler.prototypes,
            encoder=encoder,
            article_type=args.article_type,
            colour=args.colour,
            pattern=args.pattern,
        )
        if args.variation:  # one design's labels and words, n latents along a walk
            cond = Condition(
                cond.labels * args.n,
                cond.read,
                cond.texts * args.n,
                None if cond.vectors is None else cond.vectors.repeat(args.n, axis=0),
                cond.note,
            )
        per_design = 1 if args.variation else max(1, min(self.candidates, MAX_CANDIDATES // args.n))
        embedder = self._image_embedder() if per_design > 1 else None
        if embedder is None:
            per_design = 1
        rows = [row for row in cond.labels for _ in range(per_design)]
        text = None if cond.vectors is None else cond.vectors.repeat(per_design, axis=0)
        z = sampler.walk(args.n, seed) if args.variation else None
        images = sampler.generate(rows, seed=seed, z=z, text=text)
        chosen, scores = list(range(0, len(rows), per_design)), [None] * args.n
        if embedder is not None:
            query = embedder.embed_query([args.brief])[0]
            chosen, scores = [], []
            for d in range(args.n):
                checkpoint()  # a cancelled call stops between designs
                block = images[d * per_design : (d + 1) * per_design]
                order, sims = rerank(block, query, embedder, keep=1)
                chosen.append(d * per_design + order[0])
                scores.append(round(sims[0], 4))
        # A fresh folder per call: a repeated request must not overwrite pictures an earlier reply shows.
        stamp = f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}"
        folder = Path(self.out_dir).expanduser().resolve() / f"{stamp}-{_slug(args.brief)}-{seed}"
        folder.mkdir(parents=True)
        designs: list[Design] = []
        method = "none"
        for d, (row, pick) in enumerate(zip(cond.labels, chosen)):
            checkpoint()
            path = folder / f"design_{d + 1:02d}.png"
            to_pil(images[pick], args.size).save(path)
            query = cond.texts[d] if cond.texts else condition_text(args.brief, row)
            inspired, method = (
                self._inspired_by(path, query, row.get("article_type"), args.inspired_by)
                if args.inspired_by
                else ([], "none")
            )
            words = " ".join(v for k, v in row.items() if k != "article_type" and v not in ("none", "solid"))
            designs.append(
                Design(
                    path=str(path),
                    labels=row,
                    understood=cond.understood(d),
                    brief_similarity=scores[d],
                    inspired_by=inspired,
                    reason=f"inspired by design {d + 1}: {words} {row.get('article_type', '')}".strip(),
                )
            )
        captions = [
            f"design {i + 1}: " + " ".join(v for v in d.labels.values() if v != "none")
            for i, d in enumerate(designs)
        ]
        native = sampler.native_size
        size_note = (
            f"drawn at {native} px (the model's native size), upscaled to {args.size} px"
            if args.size > native
            else f"drawn at {native} px"
        )
        return DesignOutput(
            brief=args.brief,
            read=cond.read,
            understood=list(dict.fromkeys(cond.understood(i) for i in range(len(cond.labels)))),
            note="; ".join(x for x in (cond.note, size_note) if x),
            native_size=native,
            conditioned_on_text=cond.vectors is not None,
            designs=designs,
            images=[d.path for d in designs],
            image_captions=captions,
            seed=seed,
            model=sampler.checkpoint.name,
            candidates=per_design,
            inspired_by_method=method,
        )

    def _image_embedder(self) -> Any:
        if self.candidates <= 1:
            return None
        try:
            return self.image_embedder
        except StylistError as exc:  # no encoder: designs are drawn without re-ranking
            log.info("designs are not re-ranked: %s", exc.message)
            return None

    def _inspired_by(
        self, png: Path, words: str, article: str | None, k: int
    ) -> tuple[list[InspiredBy], str]:
        """The ``k`` catalogue garments closest to a design: its picture and its words together (the
        index's combined score), kept to ``article`` when the brief named one. Picture similarity alone
        crossed article types: on the demo index (drawings, another encoder) an olive shirt design found
        a beige canvas handbag."""
        try:
            index = self.catalogue
        except StylistError as exc:
            log.info("no catalogue for 'inspired by': %s", exc.message)
            return [], "none"
        hits, method, scope = [], "text", ""
        for filters, where in _scopes(article):
            (hits, method), scope = self._search(index, words, png, filters, k), where
            if hits:
                break
        return [InspiredBy(garment=g, similarity=round(s, 4)) for g, s in hits], method + scope

    @staticmethod
    def _search(
        index: PictureIndex, words: str, png: Path, filters: SearchFilters | None, k: int
    ) -> tuple[list[tuple[Garment, float]], str]:
        try:
            return index.search(words, filters, k=k, image_path=str(png)), "image+text"
        except StylistError:  # no image encoder or no image vectors: by the words alone
            return index.search(words, filters, k=k), "text"
