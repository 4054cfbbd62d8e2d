"""TensorBoard event files of the per-epoch metrics, written with TensorFlow's own protos.

tf.summary needs the separate `tensorboard` package; TFRecord files of Event protos
are all `tensorboard --logdir RUN/tensorboard` reads, so netspec writes those itself
(train/ and validation/ sub-folders with epoch_* tags, as Keras' callback lays them out).
"""

from __future__ import annotations

import socket
import time
from pathlib import Path


def make(keras, tf, log_dir: Path):
    """A callback that appends each completed epoch's metrics to log_dir/{train,validation}."""
    from tensorflow.core.framework import summary_pb2
    from tensorflow.core.util import event_pb2

    def writer(kind: str):
        folder = log_dir / kind
        folder.mkdir(parents=True, exist_ok=True)
        name = folder / f"events.out.tfevents.{int(time.time())}.{socket.gethostname()}.netspec"
        handle = tf.io.TFRecordWriter(str(name))
        handle.write(event_pb2.Event(wall_time=time.time(), file_version="brain.Event:2").SerializeToString())
        return handle

    class Events(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.writers = {"train": writer("train"), "validation": writer("validation")}

        def on_epoch_end(self, epoch, logs=None):
            split = {"train": {}, "validation": {}}
            for key, value in (logs or {}).items():
                kind, tag = ("validation", key[4:]) if key.startswith("val_") else ("train", key)
                split[kind][f"epoch_{tag}"] = float(value)
            for kind, values in split.items():
                summary = summary_pb2.Summary(
                    value=[summary_pb2.Summary.Value(tag=tag, simple_value=v) for tag, v in values.items()]
                )
                event = event_pb2.Event(wall_time=time.time(), step=epoch, summary=summary)
                self.writers[kind].write(event.SerializeToString())
                self.writers[kind].flush()

        def on_train_end(self, logs=None):
            for handle in self.writers.values():
                handle.close()

    return Events()
