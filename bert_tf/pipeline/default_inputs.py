"""The default pipeline's input files, written by the local runner before the run.

When the config names no corpus or task data, the runner writes the embedded offline data
under the pipeline root: `inputs/corpus/corpus.txt` (`bert_tf.datasets.offline_corpus`) and
`inputs/task/{train,eval}/` in the format of `task_data.task`: the docstring task's CSV for
`csv` (`docstring_task`), the docstring QA set's SQuAD JSON for `squad-v1.1`
(`docstring_qa`), and the docstring continuations' SWAG CSV for `swag` and
`multiple-choice` (`docstring_choice`). Other tasks have no offline set: their config names
`task_data.input_base`. Files that exist are left alone, so a rerun sees the same inputs
(same fingerprints) and hits the cache.

Example:
    >>> written = prepare_default_inputs(PipelineConfig())  # doctest: +SKIP
    >>> sorted(written)  # doctest: +SKIP
    ['corpus', 'task']
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from bert_tf import storage
from bert_tf.pipeline.pipeline_config import PipelineConfig


def _has_files(directory: str) -> bool:
    """Whether `directory` (any `storage` path) holds a file, at any depth."""
    if not storage.isdir(directory):
        return False
    children = [storage.join(directory, name) for name in storage.listdir(directory)]
    return any(storage.isfile(child) or _has_files(child) for child in children)


def write_offline_corpus(directory: str, max_bytes: int) -> str:
    from bert_tf.datasets.offline_corpus import write_corpus

    path = storage.join(directory, "corpus.txt")
    with tempfile.TemporaryDirectory() as scratch:
        local = os.path.join(scratch, "corpus.txt")
        write_corpus(local, max_bytes=max_bytes)
        storage.copy_file(local, f"{path}.partial")
        storage.rename(f"{path}.partial", path)  # a killed write leaves no half corpus behind
    return path


def _docstring_task(scratch: str, train: int, evaluation: int) -> dict:
    from bert_tf.datasets.docstring_task import make_docstring_task

    return make_docstring_task(scratch, train_per_class=train, dev_per_class=evaluation)


def _docstring_qa(scratch: str, train: int, evaluation: int) -> dict:
    from bert_tf.datasets.docstring_qa import make_docstring_qa

    return make_docstring_qa(scratch, max_train=train, max_dev=evaluation)


def _docstring_choice(scratch: str, train: int, evaluation: int) -> dict:
    from bert_tf.datasets.docstring_choice import make_docstring_choice

    return make_docstring_choice(scratch, train_examples=train, dev_examples=evaluation)


# task name -> writer of its offline set (train and dev files in the task's format)
OFFLINE_TASKS: dict[str, Callable[[str, int, int], dict]] = {
    "csv": _docstring_task,
    "squad-v1.1": _docstring_qa,
    "swag": _docstring_choice,
    "multiple-choice": _docstring_choice,
}


def write_offline_task(task: str, directory: str, train: int, evaluation: int) -> str:
    """Writes the offline set of `task` as `directory/{train,eval}/` files."""
    if task not in OFFLINE_TASKS:
        raise ValueError(
            f"task {task!r} has no offline data set: set task_data.input_base to a directory "
            f"of its files (offline sets exist for {', '.join(OFFLINE_TASKS)})"
        )
    with tempfile.TemporaryDirectory() as scratch:
        info = OFFLINE_TASKS[task](scratch, train, evaluation)
        staged = Path(scratch) / "staged"
        for split, source in (("train", info["train"]), ("eval", info["dev"])):
            (staged / split).mkdir(parents=True)
            shutil.copyfile(source, staged / split / f"{split}{Path(source).suffix}")
        storage.copy_tree(staged, directory)
    return directory


def prepare_default_inputs(config: PipelineConfig) -> dict[str, str]:
    """Writes the offline corpus and task set where the config uses them and they are
    missing; returns what it wrote."""
    written = {}
    uses_corpus = not config.corpus.input_base and not config.imports_checkpoint
    if uses_corpus and not _has_files(config.corpus_dir):
        written["corpus"] = write_offline_corpus(config.corpus_dir, config.corpus.offline_bytes)
    if not config.task_data.input_base and not _has_files(config.task_dir):
        section = config.task_data
        written["task"] = write_offline_task(
            section.task, config.task_dir, section.offline_train, section.offline_eval
        )
    return written
