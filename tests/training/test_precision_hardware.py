"""The warning for a dtype policy this machine would emulate (bf16 without AMX, fp16 on CPU)."""

from __future__ import annotations

import logging

import pytest

from bert_tf.training import precision_hardware
from bert_tf.training.precision_hardware import cpu_flags, emulated_precision, warn_if_emulated

AVX2 = {"avx2", "fma", "f16c"}  # an AMD EPYC of this CI
SAPPHIRE_RAPIDS = AVX2 | {"avx512f", "avx512_vnni", "avx512_bf16", "amx_tile", "amx_bf16"}


@pytest.mark.parametrize(
    ("policy", "accelerators", "flags", "emulated"),
    [
        ("float32", 0, AVX2, False),
        ("mixed_bfloat16", 0, AVX2, True),
        ("mixed_bfloat16", 0, SAPPHIRE_RAPIDS, False),
        ("mixed_bfloat16", 0, {"avx512_bf16"}, False),  # Cooper Lake, Zen 4
        ("mixed_bfloat16", 1, AVX2, False),  # a GPU or TPU computes it
        ("mixed_float16", 0, SAPPHIRE_RAPIDS, True),
        ("mixed_float16", 1, AVX2, False),
        ("mixed_bfloat16", 0, None, None),  # unknown CPU (no /proc/cpuinfo): no guess
    ],
)
def test_emulated_precision_by_policy_and_hardware(
    policy, accelerators, flags, emulated, monkeypatch
):
    monkeypatch.setattr(precision_hardware, "cpu_flags", lambda: None)
    reason = emulated_precision(policy, accelerators=accelerators, flags=flags)
    assert bool(reason) is bool(emulated)
    if emulated:
        assert policy in reason and "slower than float32" in reason


def test_cpu_flags_reads_the_flags_line(tmp_path):
    info = tmp_path / "cpuinfo"
    info.write_text("processor\t: 0\nmodel name\t: AMD EPYC\nflags\t\t: fpu avx2 fma\n\n")
    assert cpu_flags(str(info)) == {"fpu", "avx2", "fma"}
    assert cpu_flags(str(tmp_path / "absent")) is None


def test_finetuning_in_bf16_on_this_cpu_says_so_when_it_is_emulated(caplog):
    flags = cpu_flags()
    expected = emulated_precision("mixed_bfloat16")  # this machine's own answer
    with caplog.at_level(logging.WARNING, logger=precision_hardware.__name__):
        assert warn_if_emulated("mixed_bfloat16") == expected
        assert warn_if_emulated("float32") is None
    assert ("emulates" in caplog.text) is bool(expected)
    if flags is not None and not flags & set(precision_hardware.BF16_FLAGS):
        import tensorflow as tf

        if not tf.config.list_logical_devices("GPU"):
            assert expected  # an AVX2-only CPU and no GPU: the warning must come
