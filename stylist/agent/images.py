"""Pictures a tool made (designs, charts): a tool output with ``images: list[str]`` (absolute
PNG paths, optionally ``image_captions: list[str]``) has them shown in the chat reply."""

from __future__ import annotations

from typing import Any


def images_in(result: Any) -> list[tuple[str, str]]:
    """(path, caption) for every image a tool result names, in order, without repeats."""
    paths = getattr(result, "images", None)
    if not isinstance(paths, list):
        return []
    captions = getattr(result, "image_captions", None)
    captions = captions if isinstance(captions, list) else []
    out: list[tuple[str, str]] = []
    for i, path in enumerate(paths):
        if isinstance(path, str) and path and path not in {p for p, _ in out}:
            caption = captions[i] if i < len(captions) and isinstance(captions[i], str) else ""
            out.append((path, caption))
    return out
