"""Arrays -> tf.data: batches gathered from in-memory uint8 images, scaled, augmented, labelled, prefetched.

The training stream is one endless iterator (fit runs it with steps_per_epoch), so no
epoch pays to tear down and rebuild an input pipeline. Epoch e's order is a stateless
shuffle keyed by (seed, e): a resumed run sees the same order the uninterrupted one would.
"""

from __future__ import annotations

import math

from . import augment

FOREVER = 2**62


def steps_per_epoch(n: int, batch_size: int) -> int:
    return max(1, math.ceil(n / batch_size))


def train_dataset(tf, keras, x, y, settings, initial_epoch: int = 0):
    """Endless (epoch, step)-keyed batches of (images, labels) for fit(..., steps_per_epoch=...)."""
    n, batch = len(x), settings.batch_size
    images, labels = tf.constant(x), tf.constant(y)
    seed = tf.constant(settings.seed, tf.int64)
    shuffle = settings.shuffle

    def one_epoch(epoch):
        order = tf.range(n, dtype=tf.int64)
        if shuffle:
            order = tf.random.experimental.stateless_shuffle(order, seed=tf.stack([seed, epoch]))
        batches = tf.data.Dataset.from_tensor_slices(order).batch(batch).enumerate()
        return batches.map(lambda step, index: (epoch, step, index))

    def prepare(epoch, step, index):
        xb = scale(tf, tf.gather(images, index), settings.rescale)
        if augment.active(settings.augmentation):
            key = tf.stack([seed, epoch * 1_000_003 + step])
            xb = augment.apply(keras, tf, xb, settings.augmentation, key)
        return xb, encode(tf, tf.gather(labels, index), settings)

    stream = tf.data.Dataset.range(initial_epoch, FOREVER).flat_map(one_epoch)
    stream = stream.map(prepare, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
    return _finish(tf, stream)


def eval_dataset(tf, x, y, settings, batch_size: int | None = None):
    """The test (or validation) set in order, scaled and labelled, never augmented."""
    data = tf.data.Dataset.from_tensor_slices((x, y)).batch(batch_size or settings.batch_size)
    data = data.map(lambda xb, yb: (scale(tf, xb, settings.rescale), encode(tf, yb, settings)))
    return _finish(tf, data)


def scale(tf, images, rescale: float):
    images = tf.cast(images, tf.float32)
    return images if rescale == 1 else images * rescale


def encode(tf, labels, settings):
    return tf.one_hot(labels, settings.num_classes) if settings.labels == "one_hot" else labels


def _finish(tf, data):
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    return data.prefetch(tf.data.AUTOTUNE).with_options(options)
