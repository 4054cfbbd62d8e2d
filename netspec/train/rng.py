"""Every random-generator state a run consumes, as JSON for its checkpoints, and back.

Keras' seed generators (Dropout's and any other layer's), Keras' global seed generator,
TensorFlow's global generator, Python's and NumPy's: a resumed run restores them all, so
it draws the same numbers the uninterrupted run would have drawn. The data order and the
augmentation are stateless (keyed by seed, epoch and step) and need no state.
"""

from __future__ import annotations

import random

import numpy as np

from ..problems import UsageError


def _seed_generators(model) -> dict:
    found = {}
    for layer in model._flatten_layers(include_self=False):
        for i, generator in enumerate(getattr(layer, "_seed_generators", [])):
            found[f"{layer.name}/{i}"] = generator
    return found


def capture(tf, model) -> dict:
    """The current states, as plain JSON data."""
    from keras.src.random.seed_generator import global_seed_generator

    numpy_state = np.random.get_state()
    generator = tf.random.get_global_generator()
    return {
        "python": _plain(random.getstate()),
        "numpy": [numpy_state[0], numpy_state[1].tolist(), *map(_plain, numpy_state[2:])],
        "tensorflow": {"state": generator.state.numpy().tolist(), "algorithm": int(generator.algorithm)},
        "keras": np.asarray(global_seed_generator().state.numpy()).tolist(),
        "layers": {name: np.asarray(g.state.numpy()).tolist() for name, g in _seed_generators(model).items()},
    }


SHAPES = {"python": list, "numpy": list, "tensorflow": dict, "keras": list, "layers": dict}


def check(states, where: str) -> None:
    """The shape of a recorded state, checked before TensorFlow starts."""
    problem = None
    if not isinstance(states, dict):
        problem = "not a mapping"
    else:
        wrong = [k for k, kind in SHAPES.items() if not isinstance(states.get(k), kind)]
        if wrong:
            problem = f"{', '.join(wrong)} missing or of the wrong type"
        elif len(states["numpy"]) != 5 or len(states["python"]) != 3:
            problem = "the Python or NumPy state has the wrong length"
    if problem:
        raise UsageError(f"cannot resume {where}: the checkpoint's random-generator state is malformed ({problem})")


def restore(tf, model, states: dict, where: str) -> None:
    """Put back what capture() recorded; a record that does not fit the model cannot be resumed."""
    from keras.src.random.seed_generator import global_seed_generator

    try:
        random.setstate(_tuples(states["python"]))
        kind, keys, *rest = states["numpy"]
        np.random.set_state((kind, np.asarray(keys, dtype=np.uint32), *rest))
        saved = states["tensorflow"]
        tf.random.set_global_generator(
            tf.random.Generator.from_state(np.asarray(saved["state"], dtype=np.int64), saved["algorithm"])
        )
        shared = global_seed_generator().state
        shared.assign(np.asarray(states["keras"], dtype=shared.dtype))
        generators = _seed_generators(model)
        if set(generators) != set(states["layers"]):
            raise ValueError("its seed generators are not the model's")
        for name, generator in generators.items():
            generator.state.assign(np.asarray(states["layers"][name], dtype=generator.state.dtype))
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise UsageError(
            f"cannot resume {where}: the checkpoint's random-generator state is malformed ({exc})"
        ) from None


def _plain(value):
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


def _tuples(value):
    if isinstance(value, list):
        return tuple(_tuples(v) for v in value)
    return value
