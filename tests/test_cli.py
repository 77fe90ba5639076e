"""The `bert-tf` program as a user runs it: its own output first, real errors still shown.

TensorFlow's known-harmless start-up lines (INFO lines, TF-TRT, the cuFFT/cuDNN/cuBLAS
double registration, the eager oneDNN dtype notice) and google-api-core's FutureWarning are
hidden; `-v` shows everything. The program runs in a subprocess, with the user's environment
(no TF_CPP_MIN_LOG_LEVEL, which the test session sets for itself).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bert_tf.commands.startup_noise import TF_LOG_LINE, is_harmless

VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hello", "world", "##s"]


def _program() -> list[str]:
    script = Path(sys.executable).with_name("bert-tf")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "bert_tf.cli"]


_SESSION_ONLY = ("TF_CPP_MIN_LOG_LEVEL", "PYTHONWARNINGS")  # set by the test session


def _user_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in _SESSION_ONLY}


def _run(args: list[str], stdin: str = "", command: list[str] | None = None):
    return subprocess.run(
        (command or _program()) + args,
        input=stdin,
        capture_output=True,
        text=True,
        env=_user_env(),
        timeout=300,
    )


def _noise(stderr: str) -> list[str]:
    return [
        line
        for line in stderr.splitlines()
        if TF_LOG_LINE.match(line.encode()) or "FutureWarning" in line
    ]


@pytest.fixture(scope="module")
def vocab(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "vocab.txt"
    path.write_text("\n".join(VOCAB) + "\n", encoding="utf-8")
    return path


def test_help_is_quiet_and_immediate():
    result = _run(["--help"])
    assert result.returncode == 0 and "tokenize" in result.stdout
    assert _noise(result.stderr) == [] and result.stderr == ""


@pytest.mark.slow
def test_tokenize_prints_its_output_and_nothing_from_tensorflow(vocab):
    result = _run(["tokenize", "--vocab", str(vocab), "--seq-length", "8"], "hello worlds\n")
    assert result.returncode == 0, result.stderr
    row = json.loads(result.stdout)
    assert row["input_word_ids"] == [2, 5, 6, 7, 3, 0, 0, 0]
    assert _noise(result.stderr) == [], result.stderr


@pytest.mark.slow
def test_a_real_error_still_prints(tmp_path):
    missing = tmp_path / "missing.txt"
    result = _run(["tokenize", "--vocab", str(missing)])
    assert result.returncode == 2
    assert f"bert-tf tokenize: error: vocabulary file not found: {missing}" in result.stderr
    assert _noise(result.stderr) == [], result.stderr


@pytest.mark.slow
def test_verbose_shows_everything(vocab):
    result = _run(["-v", "tokenize", "--vocab", str(vocab), "--seq-length", "8"], "hello\n")
    assert result.returncode == 0, result.stderr
    assert any(TF_LOG_LINE.match(line.encode()) for line in result.stderr.splitlines())
    assert "DEBUG" in result.stderr


# --- the standard-error filter, in a subprocess of its own (it forks) ----------------------
HARMLESS = (
    b"2026-12-01 22:44:51.137607: E external/local_xla/xla/stream_executor/cuda/cuda_fft.cc:479]"
    b" Unable to register cuFFT factory: Attempting to register factory for plugin cuFFT when"
    b" one has already been registered\n"
)
REAL = b"2026-12-01 22:44:51.137607: E tensorflow/core/framework/op_kernel.cc:1816] real error\n"


def _filtered(body: str) -> subprocess.CompletedProcess:
    code = (
        "import os, sys\n"
        "from bert_tf.commands.startup_noise import quiet_startup\n"
        f"def run():\n{body}\n"
        "sys.exit(quiet_startup(run))\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, env=_user_env(), timeout=60
    )


def test_filter_drops_only_the_listed_lines_and_keeps_the_exit_status():
    body = (
        f"    os.write(2, {HARMLESS!r})\n"
        f"    os.write(2, {REAL!r})\n"
        "    os.write(2, b'\\r 40%|####  |\\r 80%|########|')\n"  # a progress bar, no newline
        "    os.write(2, b'\\n')\n"
        "    return 3"
    )
    result = _filtered(body)
    assert result.returncode == 3
    assert result.stderr == REAL + b"\r 40%|####  |\r 80%|########|\n"


def test_output_of_a_crashing_command_still_arrives():
    result = _filtered(f"    os.write(2, {HARMLESS!r} + b'last words\\n')\n    os.abort()")
    assert result.returncode == 128 + 6  # SIGABRT, as a shell reports it
    assert result.stderr == b"last words\n"


def test_is_harmless_is_exact():
    assert is_harmless(HARMLESS) and not is_harmless(REAL)
    assert not is_harmless(b"Unable to register cuFFT factory\n")  # not a TF log line
    end_of_data = (
        b"2026-12-06 11:13:43.254989: W tensorflow/core/framework/local_rendezvous.cc:404] "
        b"Local rendezvous is aborting with status: OUT_OF_RANGE: End of sequence\n"
    )
    assert is_harmless(end_of_data)
    assert not is_harmless(end_of_data.replace(b"OUT_OF_RANGE: End of sequence", b"CANCELLED"))
