"""Training data as uint8/float arrays with integer labels, from a name or a path.

Sources: keras.datasets names (downloaded once, cached under ~/.keras/datasets), the
CIFAR-10/100 python tarball or its extracted folder, an .npz file, a folder of images
with one sub-folder per class, and `synthetic`. Nothing here imports TensorFlow except
the keras.datasets branch.
"""

from __future__ import annotations

import io
import pickle
import tarfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..problems import UsageError

KERAS_DATASETS = ("cifar10", "cifar100", "mnist", "fashion_mnist")
CIFAR10_CLASSES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
FASHION_CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Boot"]
DOWNLOADS = {
    "cifar10": "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz",
    "cifar100": "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz",
    "mnist": "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz",
    "fashion_mnist": "https://github.com/zalandoresearch/fashion-mnist (the four .gz files)",
}
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp"}
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
        data = from_path(path, input_shape)
    return fit_shape(data, input_shape, num_classes).limited(limit)


def from_path(path: Path, input_shape: tuple) -> Data:
    """A CIFAR tarball or folder, an .npz, or a folder of class sub-folders."""
    if path.is_file() and path.suffix == ".npz":
        return from_npz(path)
    if path.is_file() and (path.name.endswith((".tar.gz", ".tgz", ".tar"))):
        return from_cifar_tar(path)
    if path.is_dir():
        inner = _cifar_folder(path)
        if inner is not None:
            return from_cifar_files(_read_folder(inner), str(path))
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
    classes = int(max(y_train.max(), y_test.max())) + 1
    return Data(x_train, y_train.reshape(-1), x_test, y_test.reshape(-1), names or _numbered(classes), name)


def _numbered(n: int) -> list:
    return [str(i) for i in range(n)]


# --- CIFAR python format ----------------------------------------------------------------------


class _CifarUnpickler(pickle.Unpickler):
    """Unpickle CIFAR batch files only: dicts, lists, bytes and numpy arrays, nothing executable."""

    ALLOWED = {
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "_reconstruct"),
        ("numpy", "ndarray"),
        ("numpy", "dtype"),
        ("numpy.core.multiarray", "scalar"),
        ("numpy._core.multiarray", "scalar"),
        ("_codecs", "encode"),
    }

    def find_class(self, module, name):
        if (module, name) in self.ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"a CIFAR batch file may not contain {module}.{name}")


def read_batch(raw: bytes) -> dict:
    """One CIFAR pickle (data_batch_1, test_batch, train, test, batches.meta, meta) as a dict of str keys."""
    try:
        batch = _CifarUnpickler(io.BytesIO(raw), encoding="bytes").load()
    except Exception as exc:
        raise UsageError(f"not a CIFAR python batch file ({exc})") from None
    return {k.decode() if isinstance(k, bytes) else k: v for k, v in batch.items()}


CIFAR10_FILES = ["data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4", "data_batch_5", "test_batch"]


def _cifar_folder(path: Path) -> Path | None:
    for candidate in (path, path / "cifar-10-batches-py", path / "cifar-100-python"):
        if (candidate / "test_batch").is_file() or (candidate / "test").is_file():
            return candidate
    return None


def _read_folder(folder: Path) -> dict:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def from_cifar_tar(path: Path) -> Data:
    """The tarball from https://www.cs.toronto.edu/~kriz/cifar.html, read without extracting it."""
    files = {}
    try:
        with tarfile.open(path) as tar:
            for member in tar.getmembers():
                name = Path(member.name).name
                if member.isfile() and name in (*CIFAR10_FILES, "batches.meta", "train", "test", "meta"):
                    files[name] = tar.extractfile(member).read()
    except (tarfile.TarError, OSError) as exc:
        raise UsageError(f"--data {path}: cannot read the tarball ({exc})") from None
    return from_cifar_files(files, str(path))


def from_cifar_files(files: dict, where: str) -> Data:
    """CIFAR-10 (data_batch_1..5, test_batch) or CIFAR-100 (train, test) batch files by name."""
    if "test_batch" in files:
        missing = [n for n in CIFAR10_FILES if n not in files]
        if missing:
            raise UsageError(f"--data {where}: a CIFAR-10 copy needs {', '.join(missing)} too")
        train = [read_batch(files[n]) for n in CIFAR10_FILES[:5]]
        test = read_batch(files["test_batch"])
        label_key, meta_name, names_key = "labels", "batches.meta", "label_names"
    elif "train" in files and "test" in files:
        train, test = [read_batch(files["train"])], read_batch(files["test"])
        label_key, meta_name, names_key = "fine_labels", "meta", "fine_label_names"
    else:
        raise UsageError(f"--data {where}: no CIFAR batch files (data_batch_1..5 and test_batch) found")
    x_train = np.concatenate([_images(b["data"]) for b in train])
    y_train = np.concatenate([np.asarray(b[label_key], dtype=np.int64) for b in train])
    names = _numbered(int(max(y_train.max(), 0)) + 1)
    if meta_name in files:
        names = [n.decode() if isinstance(n, bytes) else str(n) for n in read_batch(files[meta_name])[names_key]]
    return Data(x_train, y_train, _images(test["data"]), np.asarray(test[label_key], dtype=np.int64), names, where)


def _images(rows) -> np.ndarray:
    """CIFAR rows of 3072 bytes (1024 red, 1024 green, 1024 blue) -> N x 32 x 32 x 3."""
    return np.asarray(rows, dtype=np.uint8).reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)


# --- .npz and image folders -------------------------------------------------------------------


def from_npz(path: Path) -> Data:
    """An .npz with x_train, y_train, x_test, y_test (and optionally class_names)."""
    with np.load(path, allow_pickle=False) as npz:
        missing = [k for k in ("x_train", "y_train", "x_test", "y_test") if k not in npz.files]
        if missing:
            raise UsageError(
                f"--data {path}: the .npz has {', '.join(npz.files) or 'no arrays'}; it also needs {', '.join(missing)}"
            )
        arrays = {k: npz[k] for k in npz.files}
    y_train, y_test = (_class_ids(arrays[k], path, k) for k in ("y_train", "y_test"))
    count = int(max(y_train.max(), y_test.max())) + 1
    names = [str(n) for n in arrays["class_names"]] if "class_names" in arrays else _numbered(count)
    return Data(arrays["x_train"], y_train, arrays["x_test"], y_test, names, str(path))


def _class_ids(y: np.ndarray, path, key: str) -> np.ndarray:
    if y.ndim == 2 and y.shape[1] > 1:  # one-hot rows
        return y.argmax(axis=1).astype(np.int64)
    y = y.reshape(-1)
    if not np.issubdtype(y.dtype, np.integer) and not np.all(y == np.round(y)):
        raise UsageError(f"--data {path}: {key} must hold integer class ids or one-hot rows")
    return y.astype(np.int64)


def from_image_folder(path: Path, input_shape: tuple) -> Data:
    """root/<class>/*.png, or root/train/<class>/ and root/test/<class>/; without train/test, every 10th image is test."""
    if (path / "train").is_dir() and (path / "test").is_dir():
        names = _class_dirs(path / "train")
        x_train, y_train = _read_images(path / "train", names, input_shape)
        x_test, y_test = _read_images(path / "test", names, input_shape)
    else:
        names = _class_dirs(path)
        x, y = _read_images(path, names, input_shape)
        test = np.arange(len(x)) % 10 == 9
        x_train, y_train, x_test, y_test = x[~test], y[~test], x[test], y[test]
    return Data(x_train, y_train, x_test, y_test, names, str(path))


def _class_dirs(root: Path) -> list:
    names = sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    if not names:
        raise UsageError(f"--data {root}: expected one sub-folder of images per class; found none")
    return names


def _read_images(root: Path, names: list, input_shape: tuple):
    images, labels = [], []
    for label, name in enumerate(names):
        for file in sorted((root / name).iterdir()):
            if file.suffix.lower() in IMAGE_SUFFIXES:
                images.append(read_image(file, input_shape))
                labels.append(label)
    if not images:
        raise UsageError(f"--data {root}: no images ({', '.join(sorted(IMAGE_SUFFIXES))}) in its class folders")
    return np.stack(images), np.asarray(labels, dtype=np.int64)


def read_image(file: Path, input_shape: tuple) -> np.ndarray:
    """An image file as uint8 H x W x C, resized and converted to the model's input shape."""
    from PIL import Image, UnidentifiedImageError

    height, width = input_shape[0], input_shape[1]
    channels = input_shape[2] if len(input_shape) == 3 else 1
    try:
        with Image.open(file) as image:
            image = image.convert("L" if channels == 1 else "RGB").resize((width, height), Image.BILINEAR)
            array = np.asarray(image, dtype=np.uint8)
    except (OSError, UnidentifiedImageError) as exc:
        raise UsageError(f"{file}: cannot read the image ({exc})") from None
    return array.reshape(input_shape)


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
    return Data(shaped(data.x_train), data.y_train, shaped(data.x_test), data.y_test, data.class_names, data.source)
