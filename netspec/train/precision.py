"""`precision: auto`: the fastest numeric precision this hardware runs without losing accuracy.

CPUs: mixed_bfloat16 where the processor computes bfloat16 natively (the AVX512_BF16 or
AMX-BF16 flags of /proc/cpuinfo: oneDNN then uses bf16 dot products), float32 elsewhere
(emulated bfloat16 is many times slower). NVIDIA GPUs, after TensorFlow's mixed-precision
guide: mixed_bfloat16 on compute capability 8.0 or more, mixed_float16 on 7.x (tensor
cores, fp16 with loss scaling), float32 below. docs/benchmarks.md (section train) measures
each precision's speed and digits accuracy on the machine it ran on.
"""

from __future__ import annotations

from pathlib import Path

from ..problems import UsageError

CPUINFO = Path("/proc/cpuinfo")
BF16_FLAGS = ("avx512_bf16", "amx_bf16")


def cpu_bf16_flags(cpuinfo: Path = CPUINFO) -> list[str]:
    """The native-bfloat16 flags this CPU reports ([] when none, or when /proc/cpuinfo is unreadable)."""
    try:
        text = cpuinfo.read_text(errors="replace")
    except OSError:
        return []
    flags = set()
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() in ("flags", "Features"):
            flags.update(value.split())
    return [flag for flag in BF16_FLAGS if flag in flags]


def choose(requested: str, capabilities: list, cpu_flags: list[str], cpu_workers: bool = False) -> tuple[str, str]:
    """(policy, reason): `requested` unless it is auto; auto decides from the GPUs' compute capabilities or the CPU.

    `cpu_workers`: several CPU workers all-reduce gradients with TensorFlow's collective ops,
    which take no bfloat16.
    """
    if cpu_workers and requested == "mixed_bfloat16":
        raise UsageError(
            "--precision mixed_bfloat16: TensorFlow's collective ops cannot all-reduce bfloat16 gradients "
            "between CPU workers (TF_CONFIG); use float32, or auto"
        )
    if requested != "auto":
        return requested, "as asked"
    if capabilities:
        low = min(tuple(cc) for cc in capabilities)
        where = f"GPU compute capability {low[0]}.{low[1]}"
        if low >= (8, 0):
            return "mixed_bfloat16", f"auto: {where} >= 8.0 computes bfloat16 natively"
        if low >= (7, 0):
            return "mixed_float16", f"auto: {where} has float16 tensor cores (bfloat16 needs 8.0)"
        return "float32", f"auto: {where} has no tensor cores"
    if cpu_flags and cpu_workers:
        return "float32", "auto: TensorFlow's collective ops cannot all-reduce bfloat16 between CPU workers"
    if cpu_flags:
        return "mixed_bfloat16", f"auto: this CPU computes bfloat16 natively, {' and '.join(cpu_flags).upper()}"
    return (
        "float32",
        "auto: this CPU has no native bfloat16 (neither AVX512_BF16 nor AMX), so it would be emulated slowly",
    )


def compute_dtype(policy: str) -> str:
    """The dtype activations are computed in under a Keras precision policy."""
    return {"mixed_float16": "float16", "mixed_bfloat16": "bfloat16"}.get(policy, "float32")
