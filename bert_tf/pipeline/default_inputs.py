"""The default pipeline's input files, written by the local runner before the run.

When the config names no corpus or task data, the runner writes the embedded offline data
under the pipeline root: `inputs/corpus/corpus.txt` (`bert_tf.datasets.offline_corpus`) and
`inputs/task/{train,eval}/*.csv` (`bert_tf.datasets.docstring_task`). Files that exist are
left alone, so a rerun sees the same inputs (same fingerprints) and hits the cache.

Example:
    >>> written = prepare_default_inputs(PipelineConfig())  # doctest: +SKIP
    >>> sorted(written)  # doctest: +SKIP
    ['corpus', 'task']
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from bert_tf.pipeline.pipeline_config import PipelineConfig


def _has_files(directory: str) -> bool:
    return os.path.isdir(directory) and any(p.is_file() for p in Path(directory).rglob("*"))


def write_offline_corpus(directory: str, max_bytes: int) -> Path:
    from bert_tf.datasets.offline_corpus import write_corpus

    os.makedirs(directory, exist_ok=True)
    path = Path(directory) / "corpus.txt"
    partial = path.with_suffix(".partial")
    write_corpus(partial, max_bytes=max_bytes)
    os.replace(partial, path)  # a killed write leaves no half corpus behind
    return path


def write_docstring_task(directory: str, train_per_class: int, eval_per_class: int) -> Path:
    from bert_tf.datasets.docstring_task import make_docstring_task

    with tempfile.TemporaryDirectory() as scratch:
        info = make_docstring_task(
            scratch, train_per_class=train_per_class, dev_per_class=eval_per_class
        )
        staged = Path(scratch) / "staged"
        for split, source in (("train", info["train"]), ("eval", info["dev"])):
            (staged / split).mkdir(parents=True)
            shutil.copyfile(source, staged / split / f"{split}.csv")
        os.makedirs(os.path.dirname(os.path.abspath(directory)), exist_ok=True)
        shutil.copytree(staged, directory, dirs_exist_ok=True)
    return Path(directory)


def prepare_default_inputs(config: PipelineConfig) -> dict[str, Path]:
    """Writes the offline corpus and docstring task where the config uses them and they are
    missing; returns what it wrote."""
    written = {}
    uses_corpus = not config.corpus.input_base and not config.imports_checkpoint
    if uses_corpus and not _has_files(config.corpus_dir):
        written["corpus"] = write_offline_corpus(config.corpus_dir, config.corpus.offline_bytes)
    if not config.task_data.input_base and not _has_files(config.task_dir):
        section = config.task_data
        written["task"] = write_docstring_task(
            config.task_dir, section.train_per_class, section.eval_per_class
        )
    return written
