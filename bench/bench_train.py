"""Training throughput of the article's network: netspec train vs the article's pipeline vs hand-written tf.data.

Every arm trains specs/cifar_deep15.yaml (Adam 1e-4, batch 32, the article's augmentation:
rotation 10, shifts 0.2, horizontal flip, nearest fill) on the same N synthetic CIFAR-shaped
images for E epochs, in its own process; arms are interleaved, repeated, and the median
whole-epoch images/s (stalls included, first epoch excluded) is reported with each arm's peak
memory. The fp32 matmul peak is measured in the same run. Results: docs/benchmarks.md#train.

    python bench/bench_train.py [--images 1024] [--epochs 3] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import machine, median, write_section  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "specs" / "cifar_deep15.yaml"
DIGITS_SPEC = ROOT / "tests" / "data" / "train" / "digits.yaml"
TRAIN_GFLOP = 6 * 166.69e6 / 1e9  # forward 2 x MACs, backward twice the forward
PRECISIONS = ("float32", "mixed_bfloat16", "auto")
CHOSEN = {}  # --precision -> the policy the run recorded (auto's choice)

ARM_CODE = r"""
import json, os, sys, time
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
os.environ["CUDA_VISIBLE_DEVICES"] = "-1"
import numpy as np, tensorflow as tf, keras
sys.path.insert(0, {root!r})
import netspec
arm, npz, epochs = sys.argv[1], sys.argv[2], int(sys.argv[3])
d = np.load(npz)
x, y = d["x_train"], d["y_train"]
n = len(x)
model = netspec.load({spec!r}).to_keras()
model.compile(optimizer=keras.optimizers.Adam(1e-4), loss="categorical_crossentropy", metrics=["accuracy"])
times = []
class Clock(keras.callbacks.Callback):
    def on_epoch_begin(self, epoch, logs=None): self.t = time.perf_counter()
    def on_epoch_end(self, epoch, logs=None): times.append(time.perf_counter() - self.t)
if arm == "article":
    # The article: x /= 255, to_categorical, ImageDataGenerator(...).flow(batch_size=32), fit.
    gen = tf.keras.preprocessing.image.ImageDataGenerator(
        rotation_range=10, width_shift_range=0.2, height_shift_range=0.2, horizontal_flip=True)
    flow = gen.flow(x.astype("float32") / 255, keras.utils.to_categorical(y, 10), batch_size=32)
    model.fit(flow, steps_per_epoch=n // 32, epochs=epochs, verbose=0, callbacks=[Clock()])
elif arm == "step":
    # The bare training step: the same batches already scaled and cached, no augmentation, no input work.
    ds = (tf.data.Dataset.from_tensor_slices((x.astype("float32") / 255, keras.utils.to_categorical(y, 10)))
          .batch(32, drop_remainder=True).cache().prefetch(tf.data.AUTOTUNE))
    model.fit(ds, epochs=epochs, verbose=0, callbacks=[Clock()])
else:
    # What a careful user writes: tf.data, batched Keras preprocessing layers, parallel map, prefetch.
    aug = keras.Sequential([
        keras.layers.RandomRotation(10 / 360, fill_mode="nearest"),
        keras.layers.RandomTranslation(0.2, 0.2, fill_mode="nearest"),
        keras.layers.RandomFlip("horizontal"),
    ])
    def prep(xb, yb):
        return aug(tf.cast(xb, tf.float32) / 255, training=True), tf.one_hot(yb, 10)
    ds = (tf.data.Dataset.from_tensor_slices((x, y)).shuffle(n).batch(32, drop_remainder=True)
          .map(prep, num_parallel_calls=tf.data.AUTOTUNE).prefetch(tf.data.AUTOTUNE))
    model.fit(ds, epochs=epochs, verbose=0, callbacks=[Clock()])
print(json.dumps({{"seconds": times, "images": (n // 32) * 32}}))
"""

MATMUL_CODE = r"""
import os, time, json
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import tensorflow as tf
a = tf.random.normal([2048, 2048]); b = tf.random.normal([2048, 2048])
tf.matmul(a, b).numpy()
best = 0
for _ in range(5):
    t = time.perf_counter()
    for _ in range(5): r = tf.matmul(a, b)
    r.numpy()
    best = max(best, 5 * 2 * 2048**3 / (time.perf_counter() - t) / 1e9)
print(json.dumps({"gflops": best}))
"""


def run_with_rss(argv, cwd=None, onednn: str | None = None) -> tuple[str, float]:
    """Run argv (TF_ENABLE_ONEDNN_OPTS=onednn, or unset), reaping the child itself so that its peak RSS is known."""
    env = {k: v for k, v in os.environ.items() if k != "TF_ENABLE_ONEDNN_OPTS"}
    if onednn is not None:
        env["TF_ENABLE_ONEDNN_OPTS"] = onednn
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out = proc.stdout.read()
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, argv[:6]))} failed:\n{err[-2000:]}")
    return out, usage.ru_maxrss / 1024


def script_arm(arm: str, npz: Path, epochs: int, tmp: Path, onednn: str):
    code = tmp / "arm.py"
    code.write_text(ARM_CODE.format(root=str(ROOT), spec=str(SPEC)))
    out, rss = run_with_rss([sys.executable, str(code), arm, str(npz), str(epochs)], onednn=onednn)
    result = json.loads(out.strip().splitlines()[-1])
    return [result["images"] / s for s in result["seconds"]], rss


def netspec_arm(npz: Path, epochs: int, images: int, tmp: Path, precision: str):
    run = tmp / f"run-{precision}-{time.time_ns()}"
    argv = [sys.executable, "-m", "netspec", "train", str(SPEC), "--cpu", "--data", str(npz), "--epochs", str(epochs)]
    argv += ["--limit", str(images), "--precision", precision, "--run-dir", str(run)]
    _, rss = run_with_rss(argv, cwd=tmp)
    history = json.loads((run / "history.json").read_text())
    CHOSEN[precision] = json.loads((run / "run.json").read_text())["settings"]["precision"]
    return [r["images_per_second"] for r in history], rss


def digits_accuracy(tmp: Path, precision: str) -> tuple[float, float]:
    npz = tmp / "digits.npz"
    if not npz.exists():
        sys.path.insert(0, str(ROOT / "tests"))
        from train_fixtures import write_digits_npz

        write_digits_npz(npz)
    run = tmp / f"digits-{precision}"
    argv = [sys.executable, "-m", "netspec", "train", str(DIGITS_SPEC), "--cpu", "--data", str(npz)]
    argv += ["--precision", precision, "--run-dir", str(run), "--seed", "0"]
    start = time.perf_counter()
    subprocess.run(argv, cwd=tmp, check=True, capture_output=True)
    seconds = time.perf_counter() - start
    CHOSEN[precision] = json.loads((run / "run.json").read_text())["settings"]["precision"]
    return json.loads((run / "eval.json").read_text())["accuracy"], seconds


def bf16_support() -> str:
    """The CPU's native bfloat16 flags, as netspec's precision auto reads them."""
    sys.path.insert(0, str(ROOT))
    from netspec.train.precision import cpu_bf16_flags

    flags = cpu_bf16_flags()
    return ", ".join(f.upper() for f in flags) if flags else "none (no AVX512_BF16, no AMX)"


def _named(precision: str) -> str:
    return f"auto ({CHOSEN.get('auto', '?')})" if precision == "auto" else precision


def matmul_peak() -> float:
    """The best of TensorFlow's Eigen and oneDNN matmul kernels: the machine's peak is what the faster one gets."""
    best = 0.0
    for onednn in ("0", "1"):
        env = {**os.environ, "TF_ENABLE_ONEDNN_OPTS": onednn}
        out = subprocess.run([sys.executable, "-c", MATMUL_CODE], check=True, capture_output=True, text=True, env=env)
        best = max(best, json.loads(out.stdout.strip().splitlines()[-1])["gflops"])
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=1024)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="Print, do not write docs/benchmarks.md.")
    args = parser.parse_args()
    # arm -> (ARM_CODE's arm, TF_ENABLE_ONEDNN_OPTS). The scripts run as a user would run them (TensorFlow's
    # default: oneDNN off on this AMD CPU), and the tf.data script once more with oneDNN on, as netspec runs.
    scripts = {"article": ("article", "0"), "tf.data": ("tfdata", "0"), "tf.data + oneDNN": ("tfdata", "1")}
    scripts["bare step"] = ("step", "1")
    arms = [*scripts, *(f"netspec {p}" for p in PRECISIONS)]
    rates = {arm: [] for arm in arms}
    memory = {arm: [] for arm in arms}
    peaks = []
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        rng = np.random.default_rng(0)
        npz = tmp / "images.npz"
        np.savez(
            npz,
            x_train=rng.integers(0, 256, (args.images, 32, 32, 3), dtype=np.uint8),
            y_train=rng.integers(0, 10, args.images),
            x_test=rng.integers(0, 256, (32, 32, 32, 3), dtype=np.uint8),
            y_test=rng.integers(0, 10, 32),
        )
        for repeat in range(args.repeats):
            peaks.append(matmul_peak())
            for arm in arms:
                if arm.startswith("netspec"):
                    per_epoch, rss = netspec_arm(npz, args.epochs, args.images, tmp, arm.split()[1])
                else:
                    code_arm, onednn = scripts[arm]
                    per_epoch, rss = script_arm(code_arm, npz, args.epochs, tmp, onednn)
                rates[arm] += per_epoch[1:]
                memory[arm].append(rss)
                print(f"repeat {repeat + 1}: {arm}: {[round(r) for r in per_epoch]} img/s, {rss:.0f} MiB", flush=True)
        accuracy = {p: digits_accuracy(tmp, p) for p in PRECISIONS}
    write(args, rates, memory, peaks, accuracy)


def write(args, rates, memory, peaks, accuracy) -> None:
    peak = max(peaks)
    article, handwritten, onednn = (median(rates[a]) for a in ("article", "tf.data", "tf.data + oneDNN"))
    step = median(rates["bare step"])
    lines = [
        "## Training throughput (`bench/bench_train.py`)",
        "",
        f"Machine: {machine()}; native bfloat16: {bf16_support()}. Command: `python bench/bench_train.py --images {args.images} --epochs "
        f"{args.epochs} --repeats {args.repeats}`. Measured in one run, arms interleaved; each arm trains "
        f"specs/cifar_deep15.yaml on the same {args.images} synthetic CIFAR-shaped images for {args.epochs} epochs "
        "at batch 32 with the article's augmentation (the bare step: none), in its own process. "
        "Images/s is the median, over all repeats, of whole epochs (start-of-epoch stalls included), the first "
        "epoch of each process (tracing) excluded: for the scripts, from epoch start to epoch end; for netspec, "
        "its own history record (first to last training batch; its checkpoint writes and 32-image validation "
        "come after and are not counted). Memory is the peak resident set of the process. The CPU is shared with "
        "other jobs, so figures move between runs; interleaving spreads that noise over all arms, and each arm's "
        "per-epoch figures are listed below the table.",
        "",
        "The scripts run as a user would run them, with TensorFlow's default of oneDNN kernels off on this AMD CPU; "
        "netspec turns them on, so the tf.data script runs once more with `TF_ENABLE_ONEDNN_OPTS=1`. The bare step "
        "(oneDNN on) trains on batches already scaled and cached, with no augmentation and no input work: the "
        "ceiling for any input pipeline on this machine.",
        "",
        f"fp32 matmul peak (2048x2048 `tf.matmul`, the better of Eigen and oneDNN, best of {len(peaks)} measurements "
        f"spread over the run): {peak:.0f} GFLOP/s (lowest seen {min(peaks):.0f}). "
        f"Training the article network costs {TRAIN_GFLOP:.2f} GFLOP per image.",
        "",
        "| arm | images/s (median) | vs article | vs tf.data | vs tf.data + oneDNN | vs bare step | "
        "% of matmul peak | peak memory |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    labels = {
        "article": "article: `ImageDataGenerator.flow` + `fit`",
        "tf.data": "hand-written `tf.data` + Keras preprocessing layers",
        "tf.data + oneDNN": "the same, `TF_ENABLE_ONEDNN_OPTS=1`",
        "bare step": "bare training step (no augmentation, cached batches)",
        "netspec float32": "`netspec train --precision float32`",
        "netspec mixed_bfloat16": "`netspec train --precision mixed_bfloat16`",
        "netspec auto": f"`netspec train` (default `--precision auto`: chose {CHOSEN.get('auto', '?')})",
    }
    for arm, label in labels.items():
        rate = median(rates[arm])
        lines.append(
            f"| {label} | {rate:.1f} | {rate / article:.2f}x | {rate / handwritten:.2f}x | {rate / onednn:.2f}x | "
            f"{rate / step:.2f}x | {100 * rate * TRAIN_GFLOP / peak:.0f}% | {median(memory[arm]):.0f} MiB |"
        )
    lines += [
        "",
        "Per-epoch images/s, in run order: "
        + "; ".join(f"{arm}: {', '.join(f'{r:.0f}' for r in rates[arm])}" for arm in labels)
        + ".",
    ]
    lines += [
        "",
        "Digits (scikit-learn, tests/data/train/digits.yaml, 20 epochs, seed 0) test accuracy and wall time: "
        + "; ".join(f"{_named(p)}: {100 * acc:.1f}% in {sec:.0f} s" for p, (acc, sec) in accuracy.items())
        + ".",
    ]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        write_section("train", text)


if __name__ == "__main__":
    main()
