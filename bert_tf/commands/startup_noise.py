"""Quiet start for the `bert-tf` command: TensorFlow's known-harmless start-up messages hidden.

Importing TensorFlow 2.16 prints, before any output of the tool: INFO lines (oneDNN, the CUDA
stub, CPU features), a TF-TRT warning, three "Unable to register cuFFT/cuDNN/cuBLAS factory"
ERROR lines (a known double registration in the pip wheel, harmless without and with a GPU),
and google-api-core's FutureWarning about Python 3.10. TF also logs "oneDNN supports DT_INT64
only on platforms with AVX-512" at ERROR level, once, when an integer Transpose runs eagerly
(tf-text's ragged concat does): the kernel falls back to Eigen, and the text is wrong on
AVX-512 machines too (TF logs it for every non-float dtype). And a `tf.data` iterator that
reaches its end (every epoch of `model.fit`) logs "Local rendezvous is aborting with status:
OUT_OF_RANGE: End of sequence" at WARNING level: the normal end of a dataset.

`quiet_startup` hides exactly these: `TF_CPP_MIN_LOG_LEVEL=1` (INFO off) unless the user set
it, a warnings filter for the one FutureWarning, and a filter on standard error that drops
the listed WARNING/ERROR lines. The filter runs in a parent process around the command
(`os.fork` before TensorFlow is imported), so output a crashing command writes last still
arrives. Every other line, TF's included, passes; `bert-tf -v` turns all of this off.

Example:
    >>> is_harmless(b"2026-01-01 12:00:00.000001: W tensorflow/compiler/tf2tensorrt/utils/"
    ...             b"py_utils.cc:38] TF-TRT Warning: Could not find TensorRT\\n")
    True
    >>> is_harmless(b"2026-01-01 12:00:00.000001: E tensorflow/core/framework/op.cc:9] bad\\n")
    False
"""

from __future__ import annotations

import os
import re
import signal
import sys
import warnings
from collections.abc import Callable

TF_LOG_LINE = re.compile(rb"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+: [IWEF] \S+:\d+\] ")
_HARMLESS = re.compile(
    rb"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+: [WE] \S+:\d+\] (?:"
    rb"Unable to register cu(?:FFT|DNN|BLAS) factory: Attempting to register factory for "
    rb"plugin cu\w+ when one has already been registered"
    rb"|TF-TRT Warning: Could not find TensorRT"
    rb"|oneDNN supports DT_\w+ only on platforms with AVX-512\. Falling back to the default "
    rb"Eigen-based implementation if present\."
    rb"|Local rendezvous is aborting with status: OUT_OF_RANGE: End of sequence"
    rb")\r?\n?$"
)
_STAMP = b"0000-00-00 00:00:00."  # shape of a TF log line's start ("0": a digit)
_END_OF_LINE = re.compile(rb"\r\n|\n|\r")


def is_harmless(line: bytes) -> bool:
    """Whether one line of standard error is a known-harmless TensorFlow start-up message."""
    return _HARMLESS.match(line) is not None


def _may_become_tf_log_line(start: bytes) -> bool:
    head = start[: len(_STAMP)]
    return all(chr(c).isdigit() if t == ord("0") else c == t for c, t in zip(head, _STAMP))


class _LineFilter:
    """Forwards bytes to a file descriptor, minus harmless lines; partial lines go at once
    (progress bars) unless they may still become a TF log line."""

    def __init__(self, fd: int) -> None:
        self.fd, self.pending, self.passing = fd, b"", False

    def feed(self, data: bytes) -> None:
        self.pending += data
        while (end := _END_OF_LINE.search(self.pending)) is not None:
            line, self.pending = self.pending[: end.end()], self.pending[end.end() :]
            if self.passing or not is_harmless(line):
                os.write(self.fd, line)
            self.passing = False
        if self.pending and (self.passing or not _may_become_tf_log_line(self.pending)):
            os.write(self.fd, self.pending)
            self.pending, self.passing = b"", True

    def close(self) -> None:
        if self.pending:
            os.write(self.fd, self.pending)


def quiet_startup(run: Callable[[], int]) -> int:
    """Run `run()` with the start-up messages hidden; returns its exit status."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "1")
    warnings.filterwarnings(
        "ignore", r"You are using a non-supported Python version", FutureWarning, r"google\."
    )
    warnings.filterwarnings(  # imported with TFX's Kubeflow runner; nothing here uses GCS
        "ignore", r"Support for google-cloud-storage < 3\.0\.0", FutureWarning, r"google\."
    )
    if not hasattr(os, "fork"):  # Windows: the environment and warnings filter only
        return run()
    sys.stdout.flush()
    sys.stderr.flush()
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # the command, with standard error into the pipe
        os.close(read_end)
        os.dup2(write_end, 2)
        os.close(write_end)
        return run()
    os.close(write_end)
    return _filter_until_exit(child, read_end)


def _filter_until_exit(child: int, read_end: int) -> int:
    # Ctrl-C reaches the child itself (same process group); termination requests forwarded.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in ("SIGTERM", "SIGHUP"):
        signal.signal(getattr(signal, name), lambda number, _: os.kill(child, number))
    line_filter = _LineFilter(2)
    while data := os.read(read_end, 65536):  # ends when every writer has exited
        line_filter.feed(data)
    line_filter.close()
    os.close(read_end)
    _, status = os.waitpid(child, 0)
    code = os.waitstatus_to_exitcode(status)
    return 128 - code if code < 0 else code  # killed by signal N: 128 + N, as shells report
