"""The article network on a GPU: images/s, seconds per CIFAR-10-sized epoch, peak GPU memory vs netspec's estimate.

Two steps, because the GPU machine and this repository's docs live apart:

    python bench/bench_gpu.py run OUT_DIR [--images 4096] [--epochs 3]    # on the GPU machine
    python bench/bench_gpu.py report OUT_DIR/gpu.json                    # here: docs/benchmarks.md#gpu

`run` trains specs/cifar_deep15.yaml, built by netspec's Python API (`netspec.load(...).to_keras()`),
with the article's recipe (Adam 1e-4, categorical cross-entropy, rotation 10 / shifts 0.2 /
horizontal flip with nearest fill as Keras preprocessing layers run on the GPU) on synthetic
CIFAR-shaped images, for each configuration in CONFIGS, one process each.
It uses Keras' JAX backend: the GPU machines lent to this project carry JAX and PyTorch but no
TensorFlow and no package index, and TensorFlow's CUDA build (about 2 GB with its CUDA 12
libraries) is too large to bring. So these figures are the network and recipe on the card,
not `netspec train --gpu 0` itself (whose tf.data input pipeline runs on the host's CPUs).
Peak GPU memory is JAX's `peak_bytes_in_use` (no preallocation), set against
`netspec summary --batch-size B`'s static training-memory estimate.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
from report import median, write_section  # noqa: E402

SPEC = ROOT / "specs" / "cifar_deep15.yaml"
DIGITS_SPEC = ROOT / "tests" / "data" / "train" / "digits.yaml"
# (precision, batch, augmentation), in run order: the article first, then what isolates its cost.
CONFIGS = [
    ("float32", 32, True),
    ("float32", 32, False),
    ("mixed_float16", 32, True),
    ("mixed_bfloat16", 32, True),
    ("float32", 256, True),
    ("mixed_float16", 256, True),
]
PRECISIONS = ("float32", "mixed_float16", "mixed_bfloat16")

ARM_CODE = r"""
import json, os, sys, time
os.environ["KERAS_BACKEND"] = "jax"
os.environ["XLA_PYTHON_CLIENT_PREALLOCATE"] = "false"
sys.path.insert(0, {root!r})
from pathlib import Path
import numpy as np, jax, keras, netspec
what, precision, batch, images, epochs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
augment = sys.argv[6:] == ["augment"]
keras.utils.set_random_seed(0)
keras.mixed_precision.set_global_policy(precision)
rng = np.random.default_rng(0)
if what == "article":
    net = netspec.load({spec!r}).to_keras()
    aug = keras.Sequential([
        keras.layers.RandomRotation(10 / 360, fill_mode="nearest"),
        keras.layers.RandomTranslation(0.2, 0.2, fill_mode="nearest"),
        keras.layers.RandomFlip("horizontal"),
    ])
    inputs = keras.Input(net.input_shape[1:])
    model = keras.Model(inputs, net(aug(inputs) if augment else inputs))
    x = rng.integers(0, 256, (images, 32, 32, 3), dtype=np.uint8).astype("float32") / 255
    y = np.eye(10, dtype="float32")[rng.integers(0, 10, images)]
    model.compile(optimizer=keras.optimizers.Adam(1e-4), loss="categorical_crossentropy", metrics=["accuracy"])
    times = []
    class Clock(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None): self.t = time.perf_counter()
        def on_epoch_end(self, epoch, logs=None): times.append(time.perf_counter() - self.t)
    model.fit(x, y, batch_size=batch, epochs=epochs, verbose=0, callbacks=[Clock()])
    stats = jax.devices()[0].memory_stats() or {{}}
    print(json.dumps({{"seconds": times, "images": images, "peak_bytes": stats.get("peak_bytes_in_use")}}))
else:
    import tempfile
    sys.path.insert(0, {tests!r})
    from train_fixtures import write_digits_npz  # the tests' own 80/20 split
    with tempfile.TemporaryDirectory() as tmp:
        write_digits_npz(Path(tmp) / "digits.npz")
        d = dict(np.load(Path(tmp) / "digits.npz"))
    onehot = np.eye(10, dtype="float32")
    model = netspec.load({digits!r}).to_keras()
    model.compile(optimizer=keras.optimizers.Adam(0.002), loss="categorical_crossentropy", metrics=["accuracy"])
    start = time.perf_counter()
    model.fit(d["x_train"] / 16, onehot[d["y_train"]], batch_size=32, epochs=20, verbose=0)
    _, accuracy = model.evaluate(d["x_test"] / 16, onehot[d["y_test"]], verbose=0)
    print(json.dumps({{"accuracy": float(accuracy), "seconds": time.perf_counter() - start}}))
"""


def arm(code: Path, *args) -> dict:
    try:
        proc = subprocess.run([sys.executable, str(code), *map(str, args)], capture_output=True, text=True, timeout=300)
    except subprocess.TimeoutExpired:
        return {"error": "over 300 s"}
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else f"exit {proc.returncode}"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def card() -> dict:
    query = "--query-gpu=name,memory.total,driver_version"
    try:
        out = subprocess.run(["nvidia-smi", query, "--format=csv,noheader"], capture_output=True, text=True).stdout
        name, memory, driver = (part.strip() for part in out.strip().splitlines()[0].split(","))
    except (OSError, IndexError, ValueError):
        name, memory, driver = "no NVIDIA GPU", "-", "-"
    versions = subprocess.run(
        [sys.executable, "-c", "import jax, keras; print(jax.__version__, keras.__version__)"],
        capture_output=True,
        text=True,
        env={**os.environ, "KERAS_BACKEND": "jax"},
    ).stdout.split()
    tf = subprocess.run([sys.executable, "-c", "import tensorflow"], capture_output=True, text=True)
    return {
        "name": name,
        "memory": memory,
        "driver": driver,
        "jax": versions[0],
        "keras": versions[1],
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
        "tensorflow": "present" if tf.returncode == 0 else tf.stderr.strip().splitlines()[-1],
    }


def estimate(batch: int) -> int:
    import netspec

    return netspec.load(SPEC).summary().training_memory(batch)["total"]


def run(out_dir: Path, images: int, epochs: int) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    code = out_dir / "arm.py"
    code.write_text(ARM_CODE.format(root=str(ROOT), tests=str(ROOT / "tests"), spec=str(SPEC), digits=str(DIGITS_SPEC)))
    result = {"card": card(), "images": images, "epochs": epochs, "configs": [], "digits": {}}
    print(json.dumps(result["card"]), flush=True)
    for precision, batch, augment in CONFIGS:
        measured = arm(code, "article", precision, batch, images, epochs, *(["augment"] if augment else []))
        measured.update(precision=precision, batch=batch, augment=augment, estimate_bytes=estimate(batch))
        result["configs"].append(measured)
        print(json.dumps(measured), flush=True)
        _save(out_dir, result)
    for precision in PRECISIONS:
        result["digits"][precision] = arm(code, "digits", precision, 32, 0, 0)
        print(precision, json.dumps(result["digits"][precision]), flush=True)
        _save(out_dir, result)
    code.unlink()


def _save(out_dir: Path, result: dict) -> None:
    tmp = out_dir / ".gpu.json.tmp"
    tmp.write_text(json.dumps(result, indent=1))
    tmp.replace(out_dir / "gpu.json")


def report(path: Path) -> None:
    result = json.loads(path.read_text())
    c = result["card"]
    lines = [
        "## The article network on a GPU (`bench/bench_gpu.py`)",
        "",
        f"Card: **{c['name']}** ({c['memory']}, driver {c['driver']}), {c['cpus']} host CPUs, Python {c['python']}, "
        f"Keras {c['keras']} on JAX {c['jax']}. Commands: `python bench/bench_gpu.py run OUT "
        f"--images {result['images']} --epochs {result['epochs']}` on the GPU machine, then "
        "`python bench/bench_gpu.py report OUT/gpu.json` here.",
        "",
        "What ran: specs/cifar_deep15.yaml built by `netspec.load(...).to_keras()` and trained with the article's "
        "recipe (Adam 1e-4, batch as listed, augmentation as Keras preprocessing layers on the GPU) on "
        f"{result['images']:,} synthetic CIFAR-shaped images per epoch, {result['epochs']} epochs per "
        "configuration, each in its own process; images/s is the median over the epochs after the first (which "
        "compiles). **Not** `netspec train --gpu 0`: the GPU machine has no TensorFlow "
        f"(`import tensorflow`: {c['tensorflow']}) and no package index, and TensorFlow's CUDA build is too large "
        "to bring, so netspec's TensorFlow training path is not measured on a GPU. Peak GPU memory is JAX's "
        "`peak_bytes_in_use`; the estimate is `netspec summary --batch-size B`'s training memory (weights, "
        "gradients, optimizer state, activations kept for the backward pass, all float32).",
        "",
        "| precision | batch | augmentation | images/s | s per 50,000-image epoch | peak GPU memory | "
        "netspec's estimate | seconds per epoch |",
        "|---|---:|---|---:|---:|---:|---:|---|",
    ]
    done = set()
    for row in result["configs"]:
        augment = row.get("augment", True)
        done.add((row["precision"], row["batch"], augment))
        head = f"| {row['precision']} | {row['batch']} | {'yes' if augment else 'no'} |"
        if "error" in row:
            lines.append(f"{head} failed: {row['error']} | | | | |")
            continue
        rate = median([row["images"] / s for s in row["seconds"][1:]])
        peak = f"{row['peak_bytes'] / 2**20:.1f} MiB" if row.get("peak_bytes") else "not reported"
        lines.append(
            f"{head} {rate:,.0f} | {50000 / rate:,.1f} | {peak} | {row['estimate_bytes'] / 2**20:.1f} MiB | "
            + ", ".join(f"{t:.1f}" for t in row["seconds"])
            + " |"
        )
    missing = [f"{p} batch {b}{'' if a else ' without augmentation'}" for p, b, a in CONFIGS if (p, b, a) not in done]
    if missing:
        lines += ["", "Not reached before the device time ran out: " + "; ".join(missing) + "."]
    digits = result["digits"]
    if digits:
        lines += [
            "",
            "Digits (scikit-learn, tests/data/train/digits.yaml, 20 epochs, seed 0, the tests' 80/20 split) on the "
            "card: "
            + "; ".join(
                f"{p}: "
                + (f"failed: {d['error']}" if "error" in d else f"{100 * d['accuracy']:.1f}% in {d['seconds']:.0f} s")
                for p, d in digits.items()
            )
            + ".",
        ]
    text = "\n".join(lines)
    print(text)
    write_section("gpu", text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="step", required=True)
    run_p = sub.add_parser("run", help="On the GPU machine: measure, write OUT_DIR/gpu.json.")
    run_p.add_argument("out_dir", type=Path)
    run_p.add_argument("--images", type=int, default=4096)
    run_p.add_argument("--epochs", type=int, default=3)
    report_p = sub.add_parser("report", help="Here: write docs/benchmarks.md#gpu from gpu.json.")
    report_p.add_argument("json", type=Path)
    args = parser.parse_args()
    if args.step == "run":
        start = time.perf_counter()
        run(args.out_dir, args.images, args.epochs)
        print(f"done in {time.perf_counter() - start:.0f} s")
    else:
        report(args.json)


if __name__ == "__main__":
    main()
