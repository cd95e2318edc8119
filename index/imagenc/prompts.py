"""Label prompts: how an article type or a colour is said in words, in the text model's space.

Used by training (label-aware targets) and by zero-shot reading (an ensemble: the mean of each
label's prompt vectors), so both read a label the same way.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from stylist.index.protocols import TextEmbedder

ARTICLE_TEMPLATES = ("a photo of a {}", "{}", "a {} for men or women", "a product photo of a {}")
COLOUR_TEMPLATES = ("a {} garment", "colour {}", "a photo of something {}", "{} coloured clothing")


def prompts_for(labels: Sequence[str], templates: Sequence[str]) -> dict[str, list[str]]:
    """label -> its prompt texts."""
    return {label: [t.format(label) for t in templates] for label in labels}


def prompt_matrix(embedder: TextEmbedder, prompts: dict[str, Sequence[str]]) -> np.ndarray:
    """(labels, dim) unit vectors, one per label in ``prompts`` order: the mean of its prompts' vectors."""
    labels = list(prompts)
    texts = [t for label in labels for t in prompts[label]]
    vecs = np.asarray(embedder.embed_texts(texts), dtype=np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True).clip(1e-12)
    out, start = [], 0
    for label in labels:
        n = len(prompts[label])
        out.append(vecs[start : start + n].mean(axis=0))
        start += n
    matrix = np.stack(out) if out else np.zeros((0, vecs.shape[1] if vecs.ndim == 2 else 0), np.float32)
    return (matrix / np.linalg.norm(matrix, axis=1, keepdims=True).clip(1e-12)).astype(np.float32)
