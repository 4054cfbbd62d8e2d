"""augment-preview: a PNG grid of training images, each followed by augmented copies of it."""

from __future__ import annotations

import io

import numpy as np

from . import augment

SCALE = 4


def grid_png(keras, tf, images: np.ndarray, augmentation: dict, copies: int, seed: int) -> bytes:
    """Row i: image i, then `copies` augmentations of it; pixels enlarged 4x, 2-pixel white gaps."""
    from PIL import Image

    base = tf.constant(images.astype("float32"))
    columns = [images.astype("float32")]
    for copy in range(copies):
        key = tf.constant([seed, copy], tf.int64)
        columns.append(np.asarray(augment.apply(keras, tf, base, augmentation, key)))
    rows, height, width = images.shape[0], images.shape[1], images.shape[2]
    gap = 2
    canvas = np.full(
        (rows * (height * SCALE + gap) + gap, len(columns) * (width * SCALE + gap) + gap, 3), 255, np.uint8
    )
    for c, column in enumerate(columns):
        for r in range(rows):
            tile = np.clip(column[r], 0, 255).astype(np.uint8)
            tile = np.repeat(np.repeat(tile, SCALE, 0), SCALE, 1)
            if tile.shape[-1] == 1:
                tile = np.repeat(tile, 3, -1)
            top, left = gap + r * (height * SCALE + gap), gap + c * (width * SCALE + gap)
            canvas[top : top + height * SCALE, left : left + width * SCALE] = tile
    out = io.BytesIO()
    Image.fromarray(canvas).save(out, format="PNG")
    return out.getvalue()
