"""The spec's `augmentation:` as one random affine transform per image, applied to whole batches.

Equal in effect to Keras' ImageDataGenerator with the same ranges: a rotation of
uniform(-rotation_range, rotation_range) degrees, shifts of uniform(-range, range) x size
pixels, zooms of uniform(1 - z, 1 + z) per axis, and a flip with probability 1/2, composed
about the image centre exactly as ImageDataGenerator composes them and resampled once,
bilinearly, with the same fill mode. RandomRotation, RandomTranslation and RandomZoom
resample once per layer; fusing them into one keras.ops.image.affine_transform keeps
ImageDataGenerator's single interpolation and costs a third of the work.
Randomness is stateless, keyed by (seed, epoch, step), so runs repeat and resumes continue.
"""

from __future__ import annotations

import math

from ..problems import UsageError

TRANSFORMS = ("rotation_range", "width_shift_range", "height_shift_range", "zoom_range")
FLIPS = ("horizontal_flip", "vertical_flip")


def active(augmentation: dict | None) -> bool:
    """Whether the spec's augmentation changes anything."""
    aug = augmentation or {}
    return any(aug.get(k, 0) for k in TRANSFORMS) or any(aug.get(k, False) for k in FLIPS)


def check_shape(augmentation: dict | None, input_shape: tuple) -> None:
    if active(augmentation) and len(input_shape) != 3:
        raise UsageError(
            f"train.augmentation needs image inputs (height, width, channels); the spec's input is {tuple(input_shape)}"
        )


def sample(tf, augmentation: dict, batch: int, seed):
    """Per-image parameters: angle (radians), row and column shift (pixels), zooms, flips (0/1)."""
    aug = augmentation

    def uniform(i, low, high):
        return tf.random.stateless_uniform([batch], seed=seed + [0, i], minval=low, maxval=high)

    degrees = float(aug.get("rotation_range", 0))
    zoom = float(aug.get("zoom_range", 0))
    return {
        "angle": uniform(1, -degrees, degrees) * (math.pi / 180),
        "row_shift": uniform(2, -1.0, 1.0) * float(aug.get("height_shift_range", 0)),
        "col_shift": uniform(3, -1.0, 1.0) * float(aug.get("width_shift_range", 0)),
        "row_zoom": uniform(4, 1 - zoom, 1 + zoom),
        "col_zoom": uniform(5, 1 - zoom, 1 + zoom),
        "hflip": tf.cast(uniform(6, 0.0, 1.0) < 0.5, tf.float32) * float(bool(aug.get("horizontal_flip"))),
        "vflip": tf.cast(uniform(7, 0.0, 1.0) < 0.5, tf.float32) * float(bool(aug.get("vertical_flip"))),
    }


def matrices(tf, params: dict, height: int, width: int):
    """Per-image 8-number projective transforms (output pixel -> input pixel), as ImageDataGenerator builds them.

    ImageDataGenerator: M = rotation @ shift @ zoom in (row, col) coordinates, taken about the
    centre ((h-1)/2, (w-1)/2), then a flip of the output. Shifts are fractions times the size.
    """
    cos, sin = tf.cos(params["angle"]), tf.sin(params["angle"])
    tr, tc = params["row_shift"] * height, params["col_shift"] * width
    zr, zc = params["row_zoom"], params["col_zoom"]
    m00, m01, m10, m11 = cos * zr, -sin * zc, sin * zr, cos * zc
    orow, ocol = height / 2 - 0.5, width / 2 - 0.5
    off_row = cos * tr - sin * tc + orow - (m00 * orow + m01 * ocol)
    off_col = sin * tr + cos * tc + ocol - (m10 * orow + m11 * ocol)
    # In (x=col, y=row) order: input_x = m11 x + m10 y + off_col; input_y = m01 x + m00 y + off_row.
    # A flip of the output maps x -> (w-1) - x (horizontal) or y -> (h-1) - y (vertical).
    hs, vs = 1 - 2 * params["hflip"], 1 - 2 * params["vflip"]
    a0, a1 = m11 * hs, m10 * vs
    a2 = off_col + m11 * params["hflip"] * (width - 1) + m10 * params["vflip"] * (height - 1)
    b0, b1 = m01 * hs, m00 * vs
    b2 = off_row + m01 * params["hflip"] * (width - 1) + m00 * params["vflip"] * (height - 1)
    zeros = tf.zeros_like(a0)
    return tf.stack([a0, a1, a2, b0, b1, b2, zeros, zeros], axis=1)


def apply(keras, tf, images, augmentation: dict, seed, params: dict | None = None):
    """Augment a float batch N x H x W x C; `seed` is a length-2 int tensor (stateless randomness)."""
    shape = tf.shape(images)
    height, width = int(images.shape[1]), int(images.shape[2])
    if params is None:
        params = sample(tf, augmentation, shape[0], seed)
    transform = matrices(tf, params, height, width)
    return keras.ops.image.affine_transform(
        images,
        transform,
        interpolation="bilinear",
        fill_mode=augmentation.get("fill_mode", "nearest"),
        fill_value=0.0,
        data_format="channels_last",
    )
