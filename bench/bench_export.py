"""Benchmark: the article network as Keras, SavedModel, TFLite float and int8, and ONNX, side by side on this CPU.

For each route: the time to write the file (median of --repeats exports; Keras: model.save of the
.keras file), its size, and the latency of one 32x32x3 image through the runtime a user would
serve it with (median of --calls calls after a warm-up, the routes taken in turn so machine load
hits all alike): Keras model(x) (eager), model.predict(x) and model.predict_on_batch(x) (a compiled
tf.function), tf.saved_model.load's serving_default, tf.lite.Interpreter (float32, int8), an
onnxruntime CPU session. Every export is netspec's own
(netspec/export/), with the article's /255 in the graph. The weights are as Keras initialises
them (speed and size do not depend on training); int8 calibrates on 200 images of netspec's
synthetic data set.

    python bench/bench_export.py [--repeats N] [--calls N]

Writes the `export` section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from report import machine, median, write_section

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "specs" / "cifar_deep15.yaml"


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="exports per route (median)")
    parser.add_argument("--calls", type=int, default=200, help="single-image calls per route (median)")
    args = parser.parse_args()

    os.environ["KERAS_BACKEND"] = "tensorflow"
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import netspec
    from netspec.export import onnx, publish, quantize, savedmodel, serving, tflite
    from netspec.tf_env import import_keras
    from netspec.train import data

    keras = import_keras()
    keras.utils.set_random_seed(0)
    spec = netspec.load(SPEC)
    model = spec.to_keras()
    rescale = float(spec.train["rescale"])
    served = serving.serving_model(keras, model, rescale)
    synthetic = data.load("synthetic", (32, 32, 3), 10)
    calibration = quantize.representative(data_for(synthetic), None)

    work = Path(tempfile.mkdtemp(prefix="bench-export-"))
    writers = {
        "Keras (.keras)": ("model.keras", lambda p: model.save(p)),
        "SavedModel": ("saved_model", lambda p: savedmodel.write(keras, served, p, [])),
        "TFLite float32": ("model.tflite", lambda p: tflite.write(keras, served, p, [])),
        "TFLite int8": ("model_int8.tflite", lambda p: tflite.write(keras, served, p, [], "int8", calibration)),
        "ONNX": ("model.onnx", lambda p: onnx.write(keras, served, p, [])),
    }
    seconds, sizes, paths = {}, {}, {}
    for route, (name, write) in writers.items():
        times = []
        for i in range(args.repeats):
            path = work / str(i) / name
            path.parent.mkdir(exist_ok=True)
            times.append(timed(lambda p=path, w=write: w(p)))
        seconds[route], sizes[route], paths[route] = median(times), publish.disk_size(path), path

    image = np.random.default_rng(0).uniform(0, 255, (1, 32, 32, 3)).astype("float32")
    scaled = image * np.float32(rescale)
    callers = {
        "Keras (.keras)": lambda: model(scaled, training=False),
        "Keras model.predict": lambda: model.predict(scaled, verbose=0),
        "Keras predict_on_batch": lambda: model.predict_on_batch(scaled),
        "SavedModel": savedmodel.load(paths["SavedModel"]).predict,
        "TFLite float32": tflite.load(paths["TFLite float32"]).predict,
        "TFLite int8": tflite.load(paths["TFLite int8"]).predict,
        "ONNX": onnx.load(paths["ONNX"]).predict,
    }
    load_before = os.getloadavg()[0]
    latency = {route: [] for route in callers}
    for route, call in callers.items():  # warm-up: first calls trace, allocate and tune
        for _ in range(10):
            call() if route.startswith("Keras") else call(image)
    for _ in range(args.calls):
        for route, call in callers.items():
            latency[route].append(timed(call if route.startswith("Keras") else lambda c=call: c(image)))

    runtimes = {
        "Keras (.keras)": "Keras `model(x)`",
        "Keras model.predict": "Keras `model.predict(x)`",
        "Keras predict_on_batch": "Keras `model.predict_on_batch(x)` (compiled)",
        "SavedModel": "TensorFlow, `serving_default`",
        "TFLite float32": "tf.lite.Interpreter",
        "TFLite int8": "tf.lite.Interpreter",
        "ONNX": "ONNX Runtime (CPU)",
    }
    rows = [
        "| model | written in | file size | runtime | one image |",
        "|---|---:|---:|---|---:|",
    ]
    for route, runtime in runtimes.items():
        written = f"{seconds[route]:.2f} s" if route in seconds else "(same file)"
        size = f"{sizes[route] / 1e6:.2f} MB" if route in sizes else ""
        rows.append(f"| {route} | {written} | {size} | {runtime} | {1e3 * median(latency[route]):.2f} ms |")
    import onnxruntime
    import tensorflow as tf

    markdown = "\n".join(
        [
            "## Export: the article network in each format",
            "",
            f"`python bench/bench_export.py --repeats {args.repeats} --calls {args.calls}` on {machine()}; "
            f"TensorFlow {tf.__version__}, Keras {keras.__version__}, ONNX Runtime {onnxruntime.__version__}, "
            f"TF_ENABLE_ONEDNN_OPTS={os.environ.get('TF_ENABLE_ONEDNN_OPTS')}. The machine was shared: load average "
            f"{load_before:.1f} when the latency runs began, {os.getloadavg()[0]:.1f} when they ended, so absolute "
            "times are slower than on an idle machine; the routes ran interleaved, so their ratios hold.",
            "",
            f"Written in: median of {args.repeats} exports of `specs/cifar_deep15.yaml` (1,071,542 parameters, "
            "`/255` inside every export but the .keras file). One image: median latency of "
            f"{args.calls} single-image (1x32x32x3) calls per route, routes taken in turn, after 10 warm-up calls; "
            "each runtime with its default threads. int8: full-integer TFLite calibrated on 200 synthetic images.",
            "",
            *rows,
        ]
    )
    write_section("export", markdown)
    print(markdown)


def data_for(dataset):
    """The synthetic set as netspec/export/rundata.RunData, for the calibration helper."""
    from netspec.export.rundata import RunData

    return RunData(dataset.x_train.astype("float32"), dataset.x_test.astype("float32"), dataset.y_test, dataset.source)


if __name__ == "__main__":
    sys.exit(main())
