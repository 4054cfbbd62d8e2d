"""Importing TensorFlow/Keras at the edge: quietly, and only where a command needs it."""

from __future__ import annotations

import os
import sys
import tempfile

from .problems import UsageError


def command_environment() -> None:
    """Before TensorFlow is imported, for every `netspec` command: Keras on TensorFlow, oneDNN's CPU kernels on.

    KERAS_BACKEND is overridden whatever the shell carries. TF_ENABLE_ONEDNN_OPTS is set only
    where the user has not: TensorFlow turns oneDNN on by itself only on Intel CPUs with
    AVX512-VNNI or newer, and on the AVX2 AMD EPYC of docs/benchmarks.md it trains the article
    network 1.44x faster. Training, evaluation and prediction then compute alike.
    """
    os.environ["KERAS_BACKEND"] = "tensorflow"
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")


def import_keras(verbose: bool = False):
    """Import and return keras, hiding TensorFlow's start-up log unless verbose.

    The backend is TensorFlow unless the caller's KERAS_BACKEND names another (the Python
    API: `Spec.to_keras()` then builds on JAX or PyTorch, and TensorFlow is not imported).
    """
    keras = sys.modules.get("keras")
    if keras is not None and ("tensorflow" in sys.modules or keras.config.backend() != "tensorflow"):
        return keras
    backend = os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    if backend != "tensorflow":
        try:
            import keras
        except ImportError as exc:
            raise UsageError(f"cannot import Keras ({exc}); install it with: pip install 'keras>=3.11'") from None
        return keras
    if not verbose:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if verbose:
        import keras
        import tensorflow  # noqa: F401

        return keras
    with tempfile.TemporaryFile() as log:
        sys.stderr.flush()
        saved = os.dup(2)
        os.dup2(log.fileno(), 2)
        try:
            import keras
            import tensorflow  # noqa: F401
        except ImportError as exc:
            os.dup2(saved, 2)
            raise UsageError(
                f"cannot import TensorFlow/Keras ({exc}); install them with: pip install 'tensorflow>=2.16' 'keras>=3.11'"
            ) from None
        finally:
            os.dup2(saved, 2)
            os.close(saved)
    return keras
