"""Importing TensorFlow/Keras at the edge: quietly, and only where a command needs it."""

from __future__ import annotations

import os
import sys
import tempfile

from .problems import UsageError


def import_keras(verbose: bool = False):
    """Import and return keras (TensorFlow backend), hiding TensorFlow's start-up log unless verbose."""
    if "keras" in sys.modules and "tensorflow" in sys.modules:
        return sys.modules["keras"]
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
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
