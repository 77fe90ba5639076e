"""GLUE task files (the TSVs of the GLUE benchmark download) and the task registry.

GLUE TSVs are read as google-research/bert reads them (`csv` with `quotechar=None`): a line is
split on tabs and nothing else, so quotes are literal text. Train/dev files carry a label column
and test files do not; every file has a header row except CoLA's train/dev files (4 columns:
source, label, original annotation, sentence). Columns are found by their header names.

Example:
    >>> task = GLUE_TASKS["mrpc"]
    >>> header = "Quality\\t#1 ID\\t#2 ID\\t#1 String\\t#2 String\\n"
    >>> _ = Path("dev.tsv").write_text(header + "1\\t1\\t2\\tA cat sat.\\tThe cat sat.\\n")
    >>> [(e.text_a, e.text_b, e.label) for e in task.reader("dev.tsv")]
    [('A cat sat.', 'The cat sat.', '1')]
    >>> task.labels, task.metrics, task.is_regression
    (['0', '1'], ('accuracy', 'f1'), False)
"""

from __future__ import annotations

import functools
import itertools
import os
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from bert_tf.data.readers.malformed_input_error import MalformedInputError
from bert_tf.data.readers.reading import MalformedRows, iter_lines
from bert_tf.data.readers.records import TextExample


class GlueTask(NamedTuple):
    """What the registry knows about one GLUE task."""

    reader: Callable[..., list[TextExample]]  # reader(path, *, split=None, skip_malformed=False)
    labels: list[str]  # label names in class-index order ([] for regression)
    metrics: tuple[str, ...]  # keys that `glue_metrics` returns for the task
    is_regression: bool


# name -> (text_a column, text_b column or None, label column) by header name.
_COLUMNS: dict[str, tuple[str, str | None, str]] = {
    "cola": ("sentence", None, "label"),
    "sst2": ("sentence", None, "label"),
    "mrpc": ("#1 String", "#2 String", "Quality"),
    "qqp": ("question1", "question2", "is_duplicate"),
    "stsb": ("sentence1", "sentence2", "score"),
    "mnli": ("sentence1", "sentence2", "gold_label"),
    "mnli-mm": ("sentence1", "sentence2", "gold_label"),
    "qnli": ("question", "sentence", "label"),
    "rte": ("sentence1", "sentence2", "label"),
    "wnli": ("sentence1", "sentence2", "label"),
}
_COLA_TRAIN_COLUMNS = ["source", "label", "original_label", "sentence"]  # no header in the file
_ALIASES = {"sst-2": "sst2", "sts-b": "stsb", "mnli-m": "mnli", "mnli_mismatched": "mnli-mm"}
_FILES = {  # split -> file name inside the task's GLUE directory
    "mnli": {"dev": "dev_matched.tsv", "test": "test_matched.tsv"},
    "mnli-mm": {"dev": "dev_mismatched.tsv", "test": "test_mismatched.tsv"},
}


def glue_task_name(name: str) -> str:
    """Canonical registry key for `name` ("glue/SST-2" -> "sst2"); ValueError if unknown."""
    key = name.lower().removeprefix("glue/")
    key = _ALIASES.get(key, key)
    if key not in _COLUMNS:
        raise ValueError(f"unknown GLUE task {name!r}; known: {', '.join(_COLUMNS)}")
    return key


def glue_split_file(task: str, data_dir: str | os.PathLike, split: str) -> Path:
    """Path of `split` ("train", "dev", "test") under a task's GLUE directory (MNLI: matched)."""
    key = glue_task_name(task)
    if split not in ("train", "dev", "test"):
        raise ValueError(f"unknown split {split!r}; expected train, dev or test")
    return Path(data_dir) / _FILES.get(key, {}).get(split, f"{split}.tsv")


def read_glue(
    task: str,
    path: str | os.PathLike,
    *,
    split: str | None = None,
    skip_malformed: bool = False,
    skipped: list[MalformedInputError] | None = None,
) -> list[TextExample]:
    """Reads one GLUE TSV (train, dev or test) of `task` into `TextExample`s.

    Args:
        task: registry name ("mrpc", "glue/SST-2", ...).
        path: the TSV file.
        split: guid prefix; defaults to the file's stem ("dev_matched").
        skip_malformed: skip bad rows (counted, logged, appended to `skipped`) instead of
            raising `MalformedInputError` at the first one.
        skipped: optional list that receives the skipped rows' errors.

    Returns:
        One example per data row; guid `"{split}-{row}"` with `row` the 0-based data row,
        label None for test files.
    """
    key = glue_task_name(task)
    text_a, text_b, label = _COLUMNS[key]
    regression = GLUE_TASKS[key].is_regression
    labels = set(GLUE_TASKS[key].labels)
    prefix = split if split is not None else Path(path).stem
    rows = MalformedRows(path, skip=skip_malformed, sink=skipped)
    lines = iter_lines(path)
    first = next(lines, None)
    if first is None:
        raise MalformedInputError(path, None, "empty file (expected a GLUE TSV)")
    header = first[1].split("\t")
    if key == "cola" and header != ["index", "sentence"]:  # train/dev: no header row
        header, lines = _COLA_TRAIN_COLUMNS, itertools.chain([first], lines)
    missing = [name for name in (text_a, text_b) if name is not None and name not in header]
    if missing:
        raise MalformedInputError(
            path, first[0], f"header has no column {missing[0]!r} for GLUE {key} (got {header})"
        )
    column = {name: index for index, name in enumerate(header)}
    has_label = label in column
    examples = []
    for number, line in lines:
        row = len(examples) + rows.count
        fields = line.split("\t")
        if len(fields) != len(header):
            rows.add(number, f"expected {len(header)} tab-separated columns, got {len(fields)}")
            continue
        value: str | float | None = fields[column[label]] if has_label else None
        if regression and value is not None:
            try:
                value = float(value)
            except ValueError:
                rows.add(number, f"{label} {value!r} is not a number")
                continue
        elif value is not None and value not in labels:
            rows.add(number, f"label {value!r} not in {sorted(labels)}")
            continue
        examples.append(
            TextExample(
                guid=f"{prefix}-{row}",
                text_a=fields[column[text_a]],
                text_b=fields[column[text_b]] if text_b is not None else None,
                label=value,
            )
        )
    rows.finish()
    return examples


def _task(name: str, labels: list[str], metrics: tuple[str, ...], regression=False) -> GlueTask:
    reader = functools.partial(read_glue, name)
    functools.update_wrapper(reader, read_glue)
    return GlueTask(reader, labels, metrics, regression)


_BINARY = ["0", "1"]
_NLI = ["entailment", "not_entailment"]
_MNLI = ["contradiction", "entailment", "neutral"]

GLUE_TASKS: dict[str, GlueTask] = {
    "cola": _task("cola", _BINARY, ("matthews_correlation",)),
    "sst2": _task("sst2", _BINARY, ("accuracy",)),
    "mrpc": _task("mrpc", _BINARY, ("accuracy", "f1")),
    "qqp": _task("qqp", _BINARY, ("accuracy", "f1")),
    "stsb": _task("stsb", [], ("pearson", "spearmanr"), regression=True),
    "mnli": _task("mnli", _MNLI, ("accuracy",)),
    "mnli-mm": _task("mnli-mm", _MNLI, ("accuracy",)),
    "qnli": _task("qnli", _NLI, ("accuracy",)),
    "rte": _task("rte", _NLI, ("accuracy",)),
    "wnli": _task("wnli", _BINARY, ("accuracy",)),
}
