"""Work-arounds for Keras 3 with MultiWorkerMirroredStrategy (keras-team/keras#20585, tensorflow#72388).

Keras 3.15's fit() under MultiWorkerMirroredStrategy fails twice: its first-batch model
build reduces a PerReplica batch eagerly ("Attempt to convert a value (PerReplica...)"),
and it averages the per-replica scalar metrics with axis=0 ("Invalid reduction dimension
0 for input with 0 dimensions"). Applied only when TF_CONFIG selects that strategy.
"""

from __future__ import annotations


def apply(tf, model, sample_batch) -> None:
    """Build `model` from a local batch, and average replica metrics over replicas (axis=None)."""
    from keras.src.backend.tensorflow import trainer

    original_build = model._maybe_symbolic_build
    model._maybe_symbolic_build = lambda iterator=None, data_batch=None: original_build(data_batch=sample_batch)
    if getattr(trainer.reduce_per_replica, "netspec_fixed", False):
        return
    original_reduce = trainer.reduce_per_replica

    def reduce_per_replica(values, strategy, reduction):
        if reduction not in ("auto", "mean"):
            return original_reduce(values, strategy, reduction)

        def mean(value):
            if isinstance(value, tf.distribute.DistributedValues):
                return strategy.reduce("MEAN", value, axis=None)
            return value

        return tf.nest.map_structure(mean, values)

    reduce_per_replica.netspec_fixed = True
    trainer.reduce_per_replica = reduce_per_replica
