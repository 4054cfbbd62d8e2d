"""The spec's augmentation: the same transform as ImageDataGenerator, inside the stated ranges."""

from __future__ import annotations

import math

import numpy as np
import pytest

pytestmark = pytest.mark.keras

ARTICLE = {
    "rotation_range": 10,
    "width_shift_range": 0.2,
    "height_shift_range": 0.2,
    "horizontal_flip": True,
    "fill_mode": "nearest",
}


@pytest.fixture(scope="module")
def tfk():
    from netspec.tf_env import import_keras

    keras = import_keras()
    import tensorflow as tf

    return tf, keras


@pytest.mark.parametrize(
    "theta, tx, ty, flip, zx, zy",
    [(7.0, 3.2, -5.1, False, 1, 1), (-9.5, -6.4, 2.0, True, 1, 1), (4.0, 1.0, 2.0, True, 0.9, 1.1)],
)
def test_one_transform_equals_image_data_generator(tfk, theta, tx, ty, flip, zx, zy):
    """For fixed parameters, netspec's transform gives ImageDataGenerator.apply_transform's pixels."""
    tf, keras = tfk
    from netspec.train import augment

    image = np.random.default_rng(0).uniform(0, 1, (32, 32, 3)).astype("float32")
    generator = tf.keras.preprocessing.image.ImageDataGenerator(fill_mode="nearest")
    # ImageDataGenerator applies its tx along columns and ty along rows (see augment.matrices).
    expected = generator.apply_transform(
        image, {"theta": theta, "tx": tx, "ty": ty, "flip_horizontal": flip, "zx": zx, "zy": zy}
    )
    params = {
        "angle": [math.radians(theta)],
        "col_shift": [tx / 32],
        "row_shift": [ty / 32],
        "col_zoom": [zx],
        "row_zoom": [zy],
        "hflip": [float(flip)],
        "vflip": [0.0],
    }
    params = {k: tf.constant(v, tf.float32) for k, v in params.items()}
    got = np.asarray(augment.apply(keras, tf, tf.constant(image[None]), ARTICLE, None, params=params))[0]
    assert np.abs(got - expected).max() < 1e-5


def test_sampled_parameters_stay_within_the_article_ranges(tfk):
    tf, _ = tfk
    from netspec.train import augment

    params = {k: np.asarray(v) for k, v in augment.sample(tf, ARTICLE, 20000, tf.constant([3, 4], tf.int64)).items()}
    degrees = np.degrees(params["angle"])
    assert degrees.min() >= -10 and degrees.max() <= 10 and degrees.max() > 9.9 and degrees.min() < -9.9
    for key in ("row_shift", "col_shift"):
        assert params[key].min() >= -0.2 and params[key].max() <= 0.2 and np.abs(params[key]).max() > 0.199
    assert set(np.unique(params["hflip"])) == {0.0, 1.0} and 0.48 < params["hflip"].mean() < 0.52
    assert np.all(params["vflip"] == 0) and np.all(params["row_zoom"] == 1) and np.all(params["col_zoom"] == 1)


def test_a_centre_dot_moves_no_further_than_the_shift_range(tfk):
    """Rotation and flips keep the centre; only shifts (at most 0.2 x 32 = 6.4 px) move it."""
    tf, keras = tfk
    from netspec.train import augment

    images = np.zeros((512, 33, 33, 1), "float32")
    images[:, 16, 16] = 1.0
    out = np.asarray(augment.apply(keras, tf, tf.constant(images), ARTICLE, tf.constant([1, 2], tf.int64)))
    rows, cols = np.indices((33, 33))
    weight = out[..., 0].sum(axis=(1, 2))
    centre_row = (out[..., 0] * rows).sum(axis=(1, 2)) / weight
    centre_col = (out[..., 0] * cols).sum(axis=(1, 2)) / weight
    limit = 0.2 * 33 + 0.01  # bilinear resampling in float32 blurs the centroid by a few thousandths of a pixel
    assert np.abs(centre_row - 16).max() <= limit and np.abs(centre_col - 16).max() <= limit
    assert np.abs(centre_col - 16).max() > 0.8 * limit  # the range is used, not just respected
