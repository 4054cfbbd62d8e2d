"""Image files as model inputs, within bounds: regular files only, at most MAX_PIXELS decoded.

An image's size is in its header, so a decompression bomb (a small PNG declaring 100,000 x
100,000 pixels) is refused before any pixel is decoded. JPEGs are decoded at the reduced
scale their format allows (1/2, 1/4, 1/8, never below the model's input size), so a large
photo costs what its reduced size costs and the bound applies to that.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np

from ..problems import UsageError
from ..safe_read import open_regular

SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp"}
MAX_PIXELS = 25_000_000  # 5,000 x 5,000: at most 100 MB decoded (RGBA), plus the converted copy
JPEG_REDUCTION = 64  # draft mode decodes at up to 1/8 x 1/8 of the declared size


def check_image_shape(input_shape: tuple) -> None:
    """A UsageError unless the model takes images: (height, width) or (height, width, 1 or 3 channels)."""
    shape = tuple(input_shape)
    sized = all(isinstance(d, int) and d > 0 for d in shape)
    if not sized or len(shape) not in (2, 3) or (len(shape) == 3 and shape[2] not in (1, 3)):
        raise UsageError(
            f"this model takes inputs of shape {shape}, not images of (height, width) or (height, width, 1 or 3 "
            "channels): netspec reads image files for image models only; feed this one with Keras"
        )


def read_image(file: Path, input_shape: tuple, where: str = "") -> np.ndarray:
    """An image file as uint8 H x W x C, resized and converted to the model's input shape."""
    from PIL import Image, UnidentifiedImageError

    label = f"{where}: {file}" if where else str(file)
    check_image_shape(input_shape)
    height, width = input_shape[0], input_shape[1]
    channels = input_shape[2] if len(input_shape) == 3 else 1
    mode = "L" if channels == 1 else "RGB"
    # PIL's own check (a warning past its limit, an error past twice it) runs when the header is read:
    # set it explicitly, allowing for JPEG's reduced decoding; the exact bound is checked below.
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS * JPEG_REDUCTION
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with open_regular(file, where=where) as handle, Image.open(handle) as image:
                image.draft(mode, (width, height))
                _check_pixels(image.size, label)
                image = image.convert(mode).resize((width, height), Image.BILINEAR)
                array = np.asarray(image, dtype=np.uint8)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UsageError(
            f"{label}: the image declares over {MAX_PIXELS * JPEG_REDUCTION:,} pixels; {_ADVICE}"
        ) from None
    except (OSError, UnidentifiedImageError, ValueError, SyntaxError) as exc:
        raise UsageError(f"{label}: cannot read the image ({exc})") from None
    return array.reshape(input_shape)


_ADVICE = f"netspec decodes at most {MAX_PIXELS:,} pixels per image (a decompression bomb?); shrink it first"


def _check_pixels(size: tuple, label: str) -> None:
    width, height = size
    if width * height > MAX_PIXELS:
        raise UsageError(f"{label}: the image has {width:,} x {height:,} = {width * height:,} pixels; {_ADVICE}")


def read_folder(path: Path, input_shape: tuple) -> tuple:
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
    return x_train, y_train, x_test, y_test, names


def _class_dirs(root: Path) -> list:
    names = sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    if not names:
        raise UsageError(f"--data {root}: expected one sub-folder of images per class; found none")
    return names


def _read_images(root: Path, names: list, input_shape: tuple):
    images, labels = [], []
    for label, name in enumerate(names):
        for file in sorted((root / name).iterdir()):
            if file.suffix.lower() in SUFFIXES:
                images.append(read_image(file, input_shape, f"--data {root}"))
                labels.append(label)
    if not images:
        raise UsageError(f"--data {root}: no images ({', '.join(sorted(SUFFIXES))}) in its class folders")
    return np.stack(images), np.asarray(labels, dtype=np.int64)
