"""Whether this machine computes a dtype policy in hardware, and a warning when it does not.

`mixed_bfloat16` pays on TPUs, recent GPUs and CPUs with bf16 matrix units (Intel AMX or
AVX-512 BF16). On a CPU without them (e.g. an AVX2-only AMD EPYC) TensorFlow emulates bf16
and the step runs slower than float32: 3-4x slower in `benchmarks/inference.py`'s bf16 rows
on such a CPU. `mixed_float16` on a CPU is emulated on every x86 CPU. The check reads the CPU
flags from /proc/cpuinfo (Linux); elsewhere it stays silent.

Example:
    >>> emulated_precision("float32", accelerators=0, flags=set())
    >>> emulated_precision("mixed_bfloat16", accelerators=0, flags={"avx2", "fma"})[:60]
    'mixed_bfloat16 runs on this CPU without bf16 matrix units (A'
    >>> emulated_precision("mixed_bfloat16", accelerators=0, flags={"amx_bf16"})
"""

from __future__ import annotations

import logging
from pathlib import Path

logger = logging.getLogger(__name__)
BF16_FLAGS = ("amx_bf16", "avx512_bf16")  # /proc/cpuinfo names of bf16 matrix units


def cpu_flags(cpuinfo: str = "/proc/cpuinfo") -> set[str] | None:
    """The CPU's feature flags, or None where /proc/cpuinfo cannot be read."""
    try:
        text = Path(cpuinfo).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith("flags"):
            return set(line.split(":", 1)[1].split())
    return None


def emulated_precision(
    policy: str, accelerators: int | None = None, flags: set[str] | None = None
) -> str | None:
    """Why `policy` would run emulated on this machine's CPU, or None when it would not.

    Args:
        policy: a Keras dtype policy name ("float32", "mixed_bfloat16", "mixed_float16").
        accelerators: GPUs and TPUs visible (None: ask TensorFlow).
        flags: the CPU's flags (None: read /proc/cpuinfo; unreadable: no warning).
    """
    if policy not in ("mixed_bfloat16", "mixed_float16"):
        return None
    if accelerators is None:
        import tensorflow as tf

        accelerators = len(tf.config.list_logical_devices("GPU")) + len(
            tf.config.list_logical_devices("TPU")
        )
    if accelerators:
        return None
    if policy == "mixed_float16":
        return (
            "mixed_float16 runs on the CPU here (no GPU): TensorFlow emulates float16 and "
            "training is slower than float32; use mixed_precision none on a CPU"
        )
    flags = cpu_flags() if flags is None else flags
    if flags is None or any(flag in flags for flag in BF16_FLAGS):
        return None
    return (
        "mixed_bfloat16 runs on this CPU without bf16 matrix units (AMX, AVX-512 BF16): "
        "TensorFlow emulates it and training is slower than float32; use mixed_precision "
        "none here, bf16 on a TPU, a GPU or an AMX CPU"
    )


def warn_if_emulated(policy: str) -> str | None:
    """Logs a warning when `policy` would run emulated here; returns it."""
    reason = emulated_precision(policy)
    if reason:
        logger.warning("%s", reason)
    return reason


__all__ = ["BF16_FLAGS", "cpu_flags", "emulated_precision", "warn_if_emulated"]
