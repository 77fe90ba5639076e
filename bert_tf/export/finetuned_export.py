"""`export_finetuned`: a trained-model bundle (a `bert-tf finetune` output) -> a SavedModel.

The bundle (`bert_tf.tasks.model_bundle.ModelBundle`) holds everything the export needs: the
task model, the tokenizer settings, and the task shape's config (labels, whether it reads
pairs, window strides, SQuAD's doc stride, query and answer lengths, v2.0 null threshold), so
the served model preprocesses and post-processes exactly as fine-tuning and
`bert-tf evaluate` did.

Example:
    >>> export_finetuned("runs/mrpc", "models/mrpc/1")  # doctest: +SKIP
    PosixPath('models/mrpc/1')
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


def export_finetuned(
    model_dir: str | os.PathLike,
    export_dir: str | os.PathLike,
    pair: bool | None = None,
    **options: Any,
) -> Path | str:
    """Exports the best model of a fine-tuning run for TF Serving.

    Args:
        model_dir: a `bert-tf finetune --output-dir` directory.
        export_dir: the version directory to write, e.g. `models/NAME/1`.
        pair: overrides whether a classifier reads text pairs (None: what training recorded).
        options: passed to `export_for_serving` (warmup, max_text_bytes, overwrite, ...).
    """
    from bert_tf.export.exporter import export_for_serving
    from bert_tf.tasks.model_bundle import ModelBundle

    bundle = ModelBundle.load(model_dir)
    task = bundle.task
    if pair is None:
        pair = task.pair
    return export_for_serving(
        bundle.model,
        bundle.preprocessor(),
        export_dir,
        task.served_task,
        task.labels or None,
        pair=bool(pair),
        **options,
        **task.serving_settings(),
    )
