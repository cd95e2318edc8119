"""Adding owned garments from photos: recognise, let the user's flags win, keep a copy and an embedding."""

from __future__ import annotations

import hashlib
import logging
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from stylist.errors import ToolInputError
from stylist.fashion.terms import canonical_colour
from stylist.index.imagenc.images import load_image
from stylist.index.slots import slot_for_article
from stylist.profiles.schema import WardrobeItem, WardrobePhotoItem
from stylist.tools.recognise.recogniser import Recognition
from stylist.tools.recognise.service import recogniser_for

if TYPE_CHECKING:
    from stylist.runtime import Runtime

log = logging.getLogger(__name__)


def photo_dir(runtime: Runtime, user_id: str) -> Path:
    """Where the wardrobe keeps its copies of one user's photos (inside the data home)."""
    tag = hashlib.sha256(user_id.encode()).hexdigest()[:16]  # no user id in file names
    return runtime.settings.home / "wardrobe" / tag


def _embedding(runtime: Runtime, path: Path) -> list[float] | None:
    try:
        vector = runtime.image_embedder.embed_images([load_image(path)])[0]
    except Exception as exc:  # the item is still useful without a vector
        log.warning("no image embedding for the wardrobe photo: %s", exc)
        return None
    return [round(float(v), 5) for v in vector]


def add_from_photo(
    runtime: Runtime,
    user_id: str,
    photo: str | Path,
    *,
    name: str | None = None,
    article_type: str | None = None,
    colours: list[str] | None = None,
    pattern: str | None = None,
    slot: str | None = None,
    embed: bool = True,
) -> tuple[WardrobeItem, Recognition]:
    """Recognise ``photo`` and store it in ``user_id``'s wardrobe; flags override what was recognised.

    Refuses a photo with no garment, or one the recogniser is unsure about, unless
    ``article_type`` is given.
    """
    path = Path(photo).expanduser()
    recognition = recogniser_for(runtime).recognise(path)
    if recognition.status == "no_garment" and not article_type:
        raise ToolInputError(
            f"{path}: {recognition.message}", hint="use a photo of one garment on a plain background"
        )
    if recognition.status == "several_garments" and not article_type:
        raise ToolInputError(
            f"{path}: {recognition.message}", hint="crop the photo, or say what it is with --article"
        )
    if recognition.status == "unsure" and not article_type:
        raise ToolInputError(
            f"{path}: {recognition.message}", hint="say what it is with --article (e.g. --article shirt)"
        )
    article = article_type or recognition.article_type
    given_slot = slot
    if slot is None:
        try:
            slot = slot_for_article(article or "").value
        except Exception:
            slot = recognition.slot
    if slot is None:
        raise ToolInputError(
            f"unknown article type {article!r}: cannot tell which outfit slot it fills",
            hint="give --slot top|bottom|dress|outerwear|shoes|bag|accessory|jewelry",
        )
    edited = [
        k
        for k, v in (
            ("article_type", article_type),
            ("colours", colours),
            ("pattern", pattern),
            ("slot", given_slot),
        )
        if v
    ]
    folder = photo_dir(runtime, user_id)
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    copy = folder / f"{digest}{path.suffix.lower() or '.img'}"
    shutil.copyfile(path, copy)
    item = WardrobePhotoItem(
        name=name,
        article_type=article,
        slot=slot,
        colours=[canonical_colour(c) for c in colours] if colours else [c.name for c in recognition.colours],
        pattern=pattern or recognition.pattern,
        image_path=str(copy.resolve()),
        embedding=_embedding(runtime, copy) if embed else None,
        attributes={
            "stored_copy": True,
            "source_photo": path.name,
            "recognised": {
                "status": recognition.status,
                "article_type": recognition.article_type,
                "article_confidence": recognition.article_confidence,
                "pattern": recognition.pattern,
                "pattern_confidence": recognition.pattern_confidence,
                "colours": [c.model_dump() for c in recognition.colours],
            },
            "edited": edited,
        },
    )
    return runtime.profile_store.add_wardrobe_photo(user_id, item), recognition
