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

    In (x = column, y = row) coordinates about the image centre: M = rotation @ shift @ zoom,
    then a flip of the output (x -> w-1-x, y -> h-1-y). ImageDataGenerator builds the same
    product and, through its axis swap, applies it in these coordinates too; it draws the
    horizontal shift from height_shift_range x height (a known quirk, identical for the
    square images and equal ranges of the article), where netspec uses width for width.
    """
    cos, sin = tf.cos(params["angle"]), tf.sin(params["angle"])
    sx, sy = params["col_shift"] * width, params["row_shift"] * height
    zx, zy = params["col_zoom"], params["row_zoom"]
    m00, m01, m10, m11 = cos * zx, -sin * zy, sin * zx, cos * zy
    ox, oy = width / 2 - 0.5, height / 2 - 0.5
    off_x = cos * sx - sin * sy + ox - (m00 * ox + m01 * oy)
    off_y = sin * sx + cos * sy + oy - (m10 * ox + m11 * oy)
    hflip, vflip = params["hflip"], params["vflip"]
    a2 = off_x + m00 * hflip * (width - 1) + m01 * vflip * (height - 1)
    b2 = off_y + m10 * hflip * (width - 1) + m11 * vflip * (height - 1)
    hs, vs = 1 - 2 * hflip, 1 - 2 * vflip
    zeros = tf.zeros_like(a2)
    return tf.stack([m00 * hs, m01 * vs, a2, m10 * hs, m11 * vs, b2, zeros, zeros], axis=1)


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
