"""Build a catalogue index: load → embed in batches → write a new build folder → switch to it.

The switch is one atomic rename of the ``CURRENT`` pointer, done only when the new build is
complete; an interrupted or failing build removes its half-written folder and leaves the previous
index in use.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import BaseModel, Field

from stylist.errors import CatalogueError, ModelUnavailableError
from stylist.index.demo import generate_demo_catalogue
from stylist.index.embed import factory as embed_factory
from stylist.index.imagenc import embedder as image_encoders
from stylist.index.imagenc.images import ImageInputError, load_image
from stylist.index.loaders import load_catalogue
from stylist.index.schema import Garment
from stylist.index.store.catalogue_index import CatalogueIndex, ScoreWeights
from stylist.index.store.chroma_store import ChromaStore, open_client
from stylist.index.store.layout import IndexLayout, read_manifest

if TYPE_CHECKING:
    from stylist.config import Settings
    from stylist.index.protocols import ImageEmbedder, TextEmbedder
    from stylist.runtime import Runtime

log = logging.getLogger(__name__)

#: ``progress(stage, advanced, total)``: stage is "rendering" (demo pictures), "embedding",
#: "pictures" (image vectors; total = garments with a picture) or "writing".
Progress = Callable[[str, int, int], None]


class SkippedRow(BaseModel):
    """A catalogue row left out of the index, and why."""

    file: str
    line: int | None = None
    field: str | None = None
    reason: str
    value: str | None = None


class BuildReport(BaseModel):
    """What a build read, indexed and skipped, and how long each stage took."""

    source: str
    format: str
    rows_read: int
    indexed: int
    skipped: int
    problems: list[SkippedRow] = Field(default_factory=list)
    build_id: str
    index_path: str
    embedder: str
    dim: int
    faiss_kind: str
    image_embedder: str | None = None
    image_vectors: int = 0
    """Garments that got an image vector."""
    images_missing: int = 0
    """Garments with no picture (no ``image_path``, or the file is not there): indexed by text only."""
    image_problems: list[SkippedRow] = Field(default_factory=list)
    """Pictures that could not be read: those garments are indexed by text only."""
    images_per_s: float | None = None
    timings: dict[str, float] = Field(default_factory=dict)
    """Seconds per stage: load, embed (text), images, write, total."""


def build_index(
    settings: Settings,
    text_embedder: TextEmbedder,
    *,
    catalogue: Path | str | None = None,
    demo: bool = False,
    strict: bool = False,
    garments: Sequence[Garment] | None = None,
    image_embedder: ImageEmbedder | None = None,
    progress: Progress | None = None,
    images_dir: Path | str | None = None,
) -> BuildReport:
    """Build a fresh index into ``settings.index_dir`` and make it the current one.

    The garments come from ``garments`` when given, else the ``catalogue`` file, else
    ``settings.index.catalogue``, else (or with ``demo=True``) the demo generator.
    ``strict`` fails on the first bad row instead of skipping it. ``images_dir`` is where the
    catalogue's pictures are (default: next to the file); rows without a picture are indexed by text.
    """
    progress = progress or (lambda stage, n, total: None)
    t0 = time.perf_counter()
    layout = IndexLayout(settings.index_dir)
    build_id = layout.new_build_id()
    build_dir = layout.build_dir(build_id)
    build_dir.mkdir(parents=True)
    index: CatalogueIndex | None = None
    try:
        items, problems, rows_read, fmt, source = _load(
            settings, build_dir, catalogue, demo, strict, garments, progress, images_dir
        )
        t_load = time.perf_counter()
        if not items:
            raise CatalogueError(
                f"no valid garments in {source} ({rows_read} rows read, {len(problems)} skipped)",
                hint="see the skipped rows: stylist index build --json",
            )
        vectors = embed_garments(items, text_embedder, settings.embed.batch_size, progress)
        t_embed = time.perf_counter()
        pictures = (
            embed_pictures(items, image_embedder, settings.embed.batch_size, progress)
            if image_embedder
            else None
        )
        t_images = time.perf_counter()
        index = CatalogueIndex.create(
            build_dir, items, vectors, text_embedder,
            settings=settings.index, build_id=build_id, image_vectors=pictures.vectors if pictures else None,
            image_embedder_name=getattr(image_embedder, "name", None),
            image_shares_text_space=bool(getattr(image_embedder, "shares_text_space", False)),
            source=source, source_format=fmt, weights=ScoreWeights.from_settings(settings.embed),
            on_write=lambda n: progress("writing", n, len(items)),
        )  # fmt: skip
        t_write = time.perf_counter()
    except BaseException:
        _discard(layout, build_id, settings, index)
        raise
    previous = layout.switch_to(build_id)
    _remove_stale(layout, {build_id} | ({previous} if previous else set()), settings)
    return BuildReport(
        source=source,
        format=fmt,
        rows_read=rows_read,
        indexed=len(items),
        skipped=len(problems),
        problems=problems,
        build_id=build_id,
        index_path=str(build_dir),
        embedder=text_embedder.name,
        dim=int(vectors.shape[1]),
        faiss_kind=index.faiss_kind,
        image_embedder=index.manifest.image_embedder,
        image_vectors=index.manifest.image_count,
        images_missing=pictures.missing if pictures else 0,
        image_problems=pictures.problems if pictures else [],
        images_per_s=round(len(pictures.vectors) / max(t_images - t_embed, 1e-9), 1)
        if pictures and pictures.vectors
        else None,
        timings={
            "load_s": round(t_load - t0, 3),
            "embed_s": round(t_embed - t_load, 3),
            "images_s": round(t_images - t_embed, 3),
            "write_s": round(t_write - t_images, 3),
            "total_s": round(time.perf_counter() - t0, 3),
        },
    )


def embed_garments(
    items: Sequence[Garment], embedder: TextEmbedder, batch_size: int, progress: Progress
) -> np.ndarray:
    """Text vectors of ``items`` (their ``document()``), in batches, reporting progress."""
    parts = []
    total = len(items)
    for start in range(0, total, batch_size):
        batch = items[start : start + batch_size]
        parts.append(np.asarray(embedder.embed_texts([g.document() for g in batch]), dtype=np.float32))
        progress("embedding", len(batch), total)
    return np.concatenate(parts)


@dataclass
class Pictures:
    """Image vectors by garment id, and the garments that got none."""

    vectors: dict[str, np.ndarray]
    missing: int = 0
    problems: list[SkippedRow] = field(default_factory=list)


def embed_pictures(
    items: Sequence[Garment], embedder: ImageEmbedder, batch_size: int, progress: Progress
) -> Pictures:
    """Image vectors of the garments that have a readable picture, in batches, reporting progress.

    A garment without a picture, or whose picture cannot be read, is left out here (it stays in
    the index, searchable by text) and counted in the result."""
    with_path = [g for g in items if g.image_path and Path(g.image_path).is_file()]
    out = Pictures(vectors={}, missing=len(items) - len(with_path))
    for start in range(0, len(with_path), batch_size):
        batch, pictures = [], []
        for g in with_path[start : start + batch_size]:
            try:
                pictures.append(load_image(g.image_path))  # type: ignore[arg-type]
                batch.append(g)
            except ImageInputError as exc:
                out.problems.append(
                    SkippedRow(file=str(g.image_path), field="image_path", reason=exc.message, value=g.id)
                )
        if pictures:
            for g, vec in zip(batch, np.asarray(embedder.embed_images(pictures), dtype=np.float32)):
                out.vectors[g.id] = vec
        progress("pictures", min(batch_size, len(with_path) - start), len(with_path))
    if out.problems:
        log.warning(
            "%d garment pictures could not be read; those garments are indexed by text only",
            len(out.problems),
        )
    return out


def _load(
    settings: Settings,
    build_dir: Path,
    catalogue: Path | str | None,
    demo: bool,
    strict: bool,
    garments: Sequence[Garment] | None,
    progress: Progress,
    images_dir: Path | str | None = None,
) -> tuple[list[Garment], list[SkippedRow], int, str, str]:
    if garments is not None:
        return list(garments), [], len(garments), "garments", "garments"
    path = None if demo else (catalogue or settings.index.catalogue)
    if path is None:
        n, seed = settings.index.demo_size, settings.index.demo_seed
        items = generate_demo_catalogue(
            n=n, seed=seed, image_dir=build_dir / "images", progress=lambda k: progress("rendering", k, n)
        )
        return items, [], len(items), "demo", f"demo (n={n}, seed={seed})"
    result = load_catalogue(Path(path), strict=strict, images_dir=images_dir)
    problems = [_skipped(p) for p in result.problems]
    return list(result.garments), problems, result.rows_read, result.format, str(path)


def _skipped(problem: Any) -> SkippedRow:
    value = getattr(problem, "value", None)
    return SkippedRow(
        file=str(getattr(problem, "file", "")),
        line=getattr(problem, "line", None),
        field=getattr(problem, "field", None),
        reason=str(getattr(problem, "reason", problem)),
        value=None if value is None else str(value)[:200],
    )


def _discard(layout: IndexLayout, build_id: str, settings: Settings, index: CatalogueIndex | None) -> None:
    log.warning("index build %s did not finish; the previous index stays in use", build_id)
    if settings.index.chroma_url and index is not None:
        index.store.drop()
    layout.remove_build(build_id)


def _remove_stale(layout: IndexLayout, keep: set[str], settings: Settings) -> None:
    """Delete builds older than the current and previous ones (their Chroma collections too)."""
    for build_id in layout.stale_builds(keep):
        if settings.index.chroma_url:
            try:
                manifest = read_manifest(layout.build_dir(build_id))
                ChromaStore(open_client(None, settings.index.chroma_url), manifest.collection).drop()
            except Exception as exc:  # a stale collection is clutter, not a failure
                log.warning("could not drop the Chroma collection of build %s: %s", build_id, exc)
        layout.remove_build(build_id)


def build_image_embedder(runtime: Runtime, demo_catalogue: bool | None = None) -> ImageEmbedder | None:
    """The picture encoder an index build uses, ``None`` when ``embed.index_images`` is off or
    ``embed.image_model`` is ``none``. With ``auto`` the catalogue chooses (:func:`auto_choice`: the demo
    encoder for the demo drawings, the photo encoder for a catalogue of real photos); a named encoder
    is ``runtime.image_embedder``."""
    embed = runtime.settings.embed
    if not embed.index_images or embed.image_model == "none":
        return None
    if embed.image_model not in image_encoders.AUTO:
        return runtime.image_embedder  # asked for by name: failing to load it is an error
    try:
        return image_encoders.make_image_embedder(
            embed.image_model, runtime.text_embedder, embed.device, embed.batch_size,
            runtime.settings.models_dir, demo_catalogue=demo_catalogue,
        )  # fmt: skip
    except ModelUnavailableError as exc:  # e.g. another text model: the packaged encoder does not fit it
        log.warning("indexing without pictures: %s", exc)
        return None


def image_model_for_index(settings: Settings) -> str:
    """What ``embed.image_model`` means for searching the current index: a named encoder as named;
    ``auto`` → the encoder the index was built with (from its manifest), else the catalogue's choice."""
    model = settings.embed.image_model
    if model not in image_encoders.AUTO:
        return model
    current = IndexLayout(settings.index_dir).current_dir()
    if current is None:
        return image_encoders.auto_choice(settings.models_dir, settings.index.catalogue is None)
    manifest = read_manifest(current)
    built_with = image_encoders.encoder_ref(manifest.image_embedder, settings.models_dir)
    return built_with or image_encoders.auto_choice(settings.models_dir, manifest.source_format == "demo")


def open_or_build(runtime: Runtime) -> CatalogueIndex:
    """The current index; on first use with none on disk, builds one (the demo catalogue unless
    ``index.catalogue`` names a file), with image vectors unless ``embed.index_images`` is off."""
    settings = runtime.settings
    if IndexLayout(settings.index_dir).current_id() is None:
        what = settings.index.catalogue or f"the demo catalogue ({settings.index.demo_size} garments)"
        log.warning("no catalogue index in %s yet: building %s (once)", settings.index_dir, what)
        image_embedder = build_image_embedder(runtime, demo_catalogue=settings.index.catalogue is None)
        build_index(settings, runtime.text_embedder, image_embedder=image_embedder)
        runtime.forget("image_embedder")  # searches follow the new index's encoder
    _follow_index_embedder(runtime)
    return CatalogueIndex.open(
        settings.index_dir,
        runtime.text_embedder,
        settings=settings.index,
        image_embedder=lambda: getattr(runtime, "image_embedder", None),
        weights=ScoreWeights.from_settings(settings.embed),
    )


def _follow_index_embedder(runtime: Runtime) -> None:
    """Queries must be embedded by the model that embedded the catalogue: when the current index
    was built with another text model than ``embed.text_model`` (``stylist index build --fast``,
    or a changed setting), the runtime's text embedder becomes that model. ``embed.text_model``
    chooses the model for new builds."""
    current = IndexLayout(runtime.settings.index_dir).current_dir()
    if current is None:
        return
    built_with = read_manifest(current).embedder
    if built_with != runtime.text_embedder.name:
        log.info(
            "the index was built with text model %s (embed.text_model is %s): queries use %s",
            built_with,
            runtime.settings.embed.text_model,
            built_with,
        )
        runtime.replace(
            "text_embedder",
            embed_factory.make_text_embedder(runtime.settings, embed_factory.model_ref_for(built_with)),
        )
        runtime.forget("image_embedder")
