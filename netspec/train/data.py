"""Training data as uint8/float arrays with integer labels, from a name or a path.

Sources: keras.datasets names (downloaded once, cached under ~/.keras/datasets), the
CIFAR-10/100 python tarball or its extracted folder, an .npz file, a folder of images
with one sub-folder per class, and `synthetic`. Nothing here imports TensorFlow except
the keras.datasets branch. Files from strangers are read within bounds by the modules
named for their formats (npz, cifar, images; regular files only, see regular): a
refusal is a UsageError of one line, raised from the headers where a format has them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..compiler.train_schema import DATASETS
from ..problems import UsageError
from ..safe_read import kind
from . import cifar, images, npz

KERAS_DATASETS = tuple(name for name in DATASETS if name != "synthetic")  # the names keras.datasets loads
CIFAR10_CLASSES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
FASHION_CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Boot"]
DOWNLOADS = {
    "cifar10": "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz",
    "cifar100": "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz",
    "mnist": "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz",
    "fashion_mnist": "https://github.com/zalandoresearch/fashion-mnist (the four .gz files)",
}
SYNTHETIC_SIZE = (10_000, 2_000)


@dataclass
class Data:
    """Train and test arrays (images NHWC, labels integer class ids) and the class names."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    class_names: list
    source: str

    def limited(self, limit: int | None) -> Data:
        """The first `limit` training examples (and at most as many test examples)."""
        if not limit:
            return self
        return Data(
            self.x_train[:limit],
            self.y_train[:limit],
            self.x_test[:limit],
            self.y_test[:limit],
            self.class_names,
            f"{self.source}, first {min(limit, len(self.x_train))} examples",
        )


def load(source: str, input_shape: tuple, num_classes: int, limit: int | None = None) -> Data:
    """The dataset named or located by `source`, shaped for a model with this input shape."""
    if source == "synthetic":
        return synthetic(input_shape, num_classes, limit)
    if source in KERAS_DATASETS:
        data = from_keras(source)
    else:
        path = Path(source)
        if not path.exists():
            raise UsageError(
                f"--data {source}: no such file or folder, and not a dataset name "
                f"(names: {', '.join(KERAS_DATASETS)}, synthetic)"
            )
        data = from_path(path, input_shape, limit)
    return fit_shape(data, input_shape, num_classes).limited(limit)


def from_path(path: Path, input_shape: tuple, limit: int | None = None) -> Data:
    """A CIFAR tarball or folder, an .npz (only the first `limit` rows read), or a folder of class sub-folders."""
    found = kind(path)
    if found not in (None, "a directory"):
        raise UsageError(f"--data {path}: it is {found}; netspec reads data only from regular files and folders")
    if found is None and path.suffix in (".npz", ".npy"):
        return from_npz(path, limit)
    if found is None and (path.name.endswith((".tar.gz", ".tgz", ".tar"))):
        return from_cifar(path)
    if found == "a directory":
        if cifar.folder(path) is not None:
            return from_cifar(path)
        return from_image_folder(path, input_shape)
    raise UsageError(
        f"--data {path}: expected a CIFAR python tarball (.tar.gz), its extracted folder, an .npz file "
        "with x_train, y_train, x_test, y_test, or a folder with one sub-folder of images per class"
    )


# --- keras.datasets ---------------------------------------------------------------------------


def from_keras(name: str) -> Data:
    """keras.datasets.<name>.load_data(): downloaded on first use, then read from the cache."""
    from ..tf_env import import_keras

    keras = import_keras()
    try:
        (x_train, y_train), (x_test, y_test) = getattr(keras.datasets, name).load_data()
    except Exception as exc:  # get_file raises a bare Exception on URL failures
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UsageError(
            f"--data {name}: cannot download it and it is not in the cache ~/.keras/datasets ({reason}). "
            f"Offline? Fetch {DOWNLOADS[name]} on another machine and pass the file: --data PATH"
        ) from None
    names = {"cifar10": CIFAR10_CLASSES, "fashion_mnist": FASHION_CLASSES}.get(name)
    return Data(x_train, y_train.reshape(-1), x_test, y_test.reshape(-1), names, name)


def _numbered(n: int) -> list:
    return [str(i) for i in range(n)]


# --- files: CIFAR python format, .npz, image folders ---------------------------------------------


def from_cifar(path: Path) -> Data:
    """The tarball from https://www.cs.toronto.edu/~kriz/cifar.html, or its extracted folder (netspec.train.cifar)."""
    files = cifar.read_tar(path) if path.is_file() else cifar.read_folder(cifar.folder(path))
    x_train, y_train, x_test, y_test, names = cifar.arrays(files, str(path))
    y_train, y_test = class_ids(y_train, f"--data {path}", "labels"), class_ids(y_test, f"--data {path}", "labels")
    return Data(x_train, y_train, x_test, y_test, names, str(path))


def from_npz(path: Path, limit: int | None = None) -> Data:
    """An .npz with x_train, y_train, x_test, y_test (and optionally class_names), read within bounds."""
    if npz.is_npy(path):
        raise UsageError(
            f"--data {path}: this is a bare .npy array (numpy.save); netspec needs an .npz with x_train, "
            "y_train, x_test and y_test: numpy.savez(PATH, x_train=..., y_train=..., x_test=..., y_test=...)"
        )
    arrays = npz.read(path, limit)
    y_train, y_test = (class_ids(arrays[k], f"--data {path}", k) for k in ("y_train", "y_test"))
    names = arrays.get("class_names")
    names = None if names is None else [n.decode("utf-8", "replace") if isinstance(n, bytes) else str(n) for n in names]
    return Data(arrays["x_train"], y_train, arrays["x_test"], y_test, names, str(path))


def class_ids(y: np.ndarray, where: str, key: str) -> np.ndarray:
    """Labels as int64 class ids (from ids or one-hot rows), refusing what cannot be a class id."""
    if y.dtype.kind == "f" and not np.all(np.isfinite(y)):
        raise UsageError(f"{where}: {key} holds NaN or infinite values; class ids are integers from 0")
    if y.ndim == 2 and y.shape[1] > 1:  # one-hot rows
        return y.argmax(axis=1).astype(np.int64)
    y = y.reshape(-1)
    if y.dtype.kind == "f" and not np.all(y == np.round(y)):
        raise UsageError(f"{where}: {key} must hold integer class ids or one-hot rows")
    if y.size and y.min() < 0:
        raise UsageError(f"{where}: {key} holds the negative class id {y.min():g}; class ids count from 0")
    if y.size and y.max() >= 2**31:
        raise UsageError(f"{where}: {key} holds the class id {y.max():g}, more classes than any model has")
    return y.astype(np.int64)


def from_image_folder(path: Path, input_shape: tuple) -> Data:
    """root/<class>/*.png, or root/train/<class>/ and root/test/<class>/ (netspec.train.images)."""
    x_train, y_train, x_test, y_test, names = images.read_folder(path, input_shape)
    return Data(x_train, y_train, x_test, y_test, names, str(path))


# --- synthetic ----------------------------------------------------------------------------------


def synthetic(input_shape: tuple, num_classes: int, limit: int | None = None) -> Data:
    """Deterministic, learnable images: one smooth random template per class plus noise (uint8)."""
    n_train, n_test = SYNTHETIC_SIZE
    if limit:
        n_train, n_test = min(limit, n_train), min(limit, n_test)
    rng = np.random.default_rng(0)
    coarse = rng.uniform(0, 255, (num_classes, *[max(1, d // 4) for d in input_shape[:2]], *input_shape[2:]))
    templates = np.stack([_upsample(c, input_shape) for c in coarse])

    def draw(n: int, seed: int):  # separate streams: the first k examples do not depend on n
        y = np.random.default_rng([seed, 0]).integers(0, num_classes, n)
        noise = np.random.default_rng([seed, 1]).normal(0, 48, (n, *input_shape))
        return np.clip(templates[y] + noise, 0, 255).astype(np.uint8), y.astype(np.int64)

    x_train, y_train = draw(n_train, 1)
    x_test, y_test = draw(n_test, 2)
    source = f"synthetic ({n_train} train, {n_test} test examples of shape {tuple(input_shape)})"
    return Data(x_train, y_train, x_test, y_test, _numbered(num_classes), source)


def _upsample(coarse: np.ndarray, shape: tuple) -> np.ndarray:
    rows = np.linspace(0, coarse.shape[0] - 1, shape[0]).round().astype(int)
    cols = np.linspace(0, coarse.shape[1] - 1, shape[1]).round().astype(int) if len(shape) > 1 else None
    out = coarse[rows]
    return out[:, cols] if cols is not None else out


# --- shaping for the model ----------------------------------------------------------------------


def fit_shape(data: Data, input_shape: tuple, num_classes: int) -> Data:
    """Fit images to the spec's input: add a missing channel axis (MNIST: 28x28 -> 28x28x1) and pad
    smaller images with a zero border (MNIST into LeNet-5's 32x32, as LeCun et al. did);
    refuse shapes or classes the model cannot take."""
    shape = tuple(input_shape)

    def shaped(x):
        if x.ndim == len(shape):  # one axis short: the channel
            x = x[..., None]
        if x.shape[1:] == shape:
            return x
        if x.ndim == len(shape) + 1 and x.shape[-1] == shape[-1] and len(shape) == 3:
            (h, w), (th, tw) = x.shape[1:3], shape[:2]
            if th >= h and tw >= w and (th - h) % 2 == 0 and (tw - w) % 2 == 0:
                pad = ((0, 0), ((th - h) // 2,) * 2, ((tw - w) // 2,) * 2, (0, 0))
                return np.pad(x, pad)
        raise UsageError(
            f"--data {data.source}: its images have shape {tuple(x.shape[1:])}, but the spec's input is {shape}"
        )

    top = int(max(data.y_train.max(initial=0), data.y_test.max(initial=0))) + 1
    if top > num_classes:
        raise UsageError(
            f"--data {data.source}: it has labels up to {top - 1}, but the model's output has {num_classes} classes"
        )
    if not len(data.x_train):
        raise UsageError(f"--data {data.source}: it has no training examples")
    names = data.class_names if data.class_names is not None else _numbered(top)
    if len(names) < top:
        raise UsageError(f"--data {data.source}: it has labels up to {top - 1}, but names only {len(names)} classes")
    return Data(shaped(data.x_train), data.y_train, shaped(data.x_test), data.y_test, names, data.source)


def split(data: Data, fraction: float) -> tuple:
    """(x_train, y_train, x_val, y_val): the last `fraction` of the training data held out, or the test split."""
    if not fraction:
        parts = data.x_train, data.y_train, data.x_test, data.y_test
    else:
        held = max(1, int(round(len(data.x_train) * fraction)))
        parts = data.x_train[:-held], data.y_train[:-held], data.x_train[-held:], data.y_train[-held:]
    if len(parts[0]) == 0 or len(parts[2]) == 0:
        if fraction:
            raise UsageError(
                f"--data {data.source}: validation_split {fraction:g} of {len(data.x_train)} training examples "
                f"leaves {len(parts[0])} to train on and {len(parts[2])} to validate; "
                "use a smaller validation_split or more examples"
            )
        raise UsageError(
            f"--data {data.source}: it has {len(parts[0])} training and {len(parts[2])} test examples; "
            "training needs both (or set train.validation_split to validate on part of the training data)"
        )
    return parts
