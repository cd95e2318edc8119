"""Small array helpers shared by the row store: image vectors as one matrix, arrays as .npy bytes."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

import numpy as np

from stylist.errors import CatalogueError


def image_matrix(
    ids: Sequence[str], image_vectors: Mapping[str, np.ndarray] | None
) -> tuple[np.ndarray | None, np.ndarray, int | None]:
    """``ids``' image vectors as one matrix (zeros where missing), the mask of present ones, their size."""
    has = np.zeros(len(ids), dtype=bool)
    if not image_vectors:
        return None, has, None
    dims = {np.asarray(v).shape[-1] for v in image_vectors.values()}
    if len(dims) != 1:
        raise CatalogueError(f"image vectors of different sizes: {sorted(dims)}")
    dim = dims.pop()
    matrix = np.zeros((len(ids), dim), dtype=np.float32)
    for row, item_id in enumerate(ids):
        vec = image_vectors.get(item_id)
        if vec is not None:
            matrix[row] = vec
            has[row] = True
    return matrix, has, dim


def npy_bytes(array: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, array, allow_pickle=False)
    return buf.getvalue()
