"""Choosing the hardware: which GPUs TensorFlow may see, and the distribution strategy over them.

`select()` must run before TensorFlow touches a device: it hides what the user did
not ask for and turns on memory growth for what they did.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field

from ..problems import UsageError


def parse_gpus(text: str | None) -> list[int] | None:
    """'0' -> [0], '0,1' -> [0, 1], None -> None."""
    if text is None:
        return None
    try:
        ids = [int(part) for part in text.split(",") if part.strip() != ""]
    except ValueError:
        raise UsageError(f"--gpu {text}: expected GPU numbers such as 0 or 0,1") from None
    if not ids or any(i < 0 for i in ids) or len(set(ids)) != len(ids):
        raise UsageError(f"--gpu {text}: expected distinct GPU numbers such as 0 or 0,1")
    return ids


@dataclass
class Placement:
    """What training runs on: a human description, the strategy, and how many replicas share a batch."""

    description: str
    strategy: object
    replicas: int = 1
    gpus: list = field(default_factory=list)
    multi_worker: bool = False
    chief: bool = True
    capabilities: list = field(default_factory=list)


def tf_config() -> dict | None:
    """The parsed TF_CONFIG environment variable, or None."""
    raw = os.environ.get("TF_CONFIG")
    if not raw:
        return None
    try:
        config = json.loads(raw)
        workers = config["cluster"]["worker"]
        task = config["task"]
        assert task["type"] in ("worker", "chief") and isinstance(workers, list)
    except (ValueError, KeyError, TypeError, AssertionError):
        raise UsageError(
            'TF_CONFIG is not a valid cluster description; expected {"cluster": {"worker": ["host:port", ...]}, '
            '"task": {"type": "worker", "index": 0}}'
        ) from None
    return config


def hide_all_gpus() -> None:
    """Before TensorFlow is imported: make CUDA show it no GPU at all."""
    os.environ["CUDA_VISIBLE_DEVICES"] = "-1"


def seen(tf) -> str:
    """One line naming every physical device TensorFlow sees."""
    devices = tf.config.list_physical_devices()
    names = [d.name.replace("/physical_device:", "") for d in devices]
    gpus = [d for d in devices if d.device_type == "GPU"]
    return ", ".join(names) + ("" if gpus else " (no GPU)")


def gpu_name(tf, device) -> str:
    details = tf.config.experimental.get_device_details(device)
    name = details.get("device_name", "GPU")
    cc = details.get("compute_capability")
    return f"{name}, compute capability {cc[0]}.{cc[1]}" if cc else name


def select(tf, gpus: list[int] | None, cpu: bool) -> Placement:
    """Make only the chosen devices visible (memory growth on) and pick the strategy; exit 2 on an absent GPU."""
    physical = tf.config.list_physical_devices("GPU")
    config = tf_config()
    if cpu or (gpus is None and not physical):
        if physical:
            tf.config.set_visible_devices([], "GPU")
        wanted, chosen = [], []
    else:
        wanted = gpus if gpus is not None else [0]
        missing = [i for i in wanted if i >= len(physical)]
        if missing:
            raise UsageError(
                f"--gpu {','.join(map(str, wanted))}: no GPU {','.join(map(str, missing))}; TensorFlow sees: {seen(tf)}"
            )
        chosen = [physical[i] for i in wanted]
        tf.config.set_visible_devices(chosen, "GPU")
        for device in chosen:
            tf.config.experimental.set_memory_growth(device, True)
    names = [f"GPU {i} ({gpu_name(tf, d)})" for i, d in zip(wanted, chosen, strict=True)]
    capabilities = [tf.config.experimental.get_device_details(d).get("compute_capability") for d in chosen]
    if config is not None:
        placement = _multi_worker(tf, config, names)
    elif len(chosen) > 1:
        strategy = tf.distribute.MirroredStrategy([f"/gpu:{i}" for i in range(len(chosen))])
        placement = Placement("MirroredStrategy over " + " and ".join(names), strategy, len(chosen), names)
    else:
        where = names[0] if names else "CPU" + (" (GPUs hidden by --cpu)" if physical else "")
        placement = Placement(where, tf.distribute.get_strategy(), 1, names)
    placement.capabilities = [tuple(cc) for cc in capabilities if cc]
    return placement


def _multi_worker(tf, config: dict, names: list[str]) -> Placement:
    workers = config["cluster"]["worker"]
    task = config["task"]
    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    index = int(task.get("index", 0))
    chief = task["type"] == "chief" or ("chief" not in config["cluster"] and index == 0)
    here = ", ".join(names) if names else "CPU"
    description = (
        f"MultiWorkerMirroredStrategy: worker {index} of {len(workers)} ({here}); "
        f"{strategy.num_replicas_in_sync} replicas in sync"
    )
    return Placement(description, strategy, strategy.num_replicas_in_sync, names, True, chief)


def batch_note(placement: Placement, batch_size: int) -> str:
    """How the global batch is shared, when more than one replica trains."""
    if placement.replicas <= 1:
        return ""
    each = batch_size / placement.replicas
    per = f"{each:g}" if each != int(each) else str(int(each))
    return (
        f"global batch {batch_size} is split over {placement.replicas} replicas ({per} each); "
        f"gradients are averaged, so one step sees {batch_size} examples "
        f"(use --batch-size {batch_size * placement.replicas} to give each replica {batch_size})"
    )


def listing(tf) -> str:
    """What `netspec devices` prints: every device TensorFlow sees, with GPU names."""
    lines = []
    for device in tf.config.list_physical_devices():
        name = device.name.replace("/physical_device:", "")
        extra = f"  {gpu_name(tf, device)}" if device.device_type == "GPU" else ""
        lines.append(f"{name}{extra}")
    if not tf.config.list_physical_devices("GPU"):
        lines.append(f"no GPU visible to TensorFlow (built with CUDA: {tf.test.is_built_with_cuda()})")
    return "\n".join(lines) + "\n"
