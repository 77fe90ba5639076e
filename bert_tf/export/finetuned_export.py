"""`export_finetuned`: a `bert-tf finetune` output directory -> a TF Serving SavedModel.

The directory's `task_config.json` says the task shape and its settings (window strides,
SQuAD's doc stride, query and answer lengths, v2.0 null threshold), `labels.json` the label
names and `tokenizer_config.json` the casing, so the served model preprocesses and
post-processes exactly as fine-tuning and `bert-tf evaluate` did.

Example:
    >>> export_finetuned("runs/mrpc", "models/mrpc/1")  # doctest: +SKIP
    PosixPath('models/mrpc/1')
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def _is_pair_task(model_dir: Path, task: Any) -> bool:
    """Whether a classification run read text pairs: its training file's first example says."""
    config = json.loads((model_dir / "task_config.json").read_text(encoding="utf-8"))
    train_file = (config.get("finetune") or {}).get("train_file")
    if not train_file or not Path(train_file).is_file():
        raise ValueError(
            f"{model_dir}: cannot tell whether the model reads text pairs (its training file "
            f"{train_file!r} is gone); pass pair=True or pair=False (--pair / --single)"
        )
    examples = task.read(train_file)
    if not examples:
        raise ValueError(f"{train_file}: no examples to tell single texts from pairs")
    return examples[0].text_b is not None


def finetuned_settings(task: Any) -> tuple[str, dict[str, Any]]:
    """(export task name, task settings) of a fine-tuning task adapter."""
    if task.head == "span":
        settings = task.settings
        return "span", {
            "doc_stride": settings["doc_stride"],
            "max_query_length": settings["max_query_length"],
            "n_best_size": settings["n_best_size"],
            "max_answer_length": settings["max_answer_length"],
            "version_2_with_negative": bool(task.version_2),
            "null_score_threshold": float(settings["null_score_diff_threshold"]),
        }
    if task.head == "tagging":
        return "tagging", {"stride": task.settings.get("stride")}
    kind = "regression" if getattr(task, "is_regression", False) else "classification"
    return kind, {"stride": task.settings.get("stride")}


def export_finetuned(
    model_dir: str | os.PathLike,
    export_dir: str | os.PathLike,
    pair: bool | None = None,
    **options: Any,
) -> Path:
    """Exports the best model of a fine-tuning run for TF Serving.

    Args:
        model_dir: a `bert-tf finetune --output-dir` directory.
        export_dir: the version directory to write, e.g. `models/NAME/1`.
        pair: classification: whether the model reads text pairs (None: read the first
            example of the run's training file).
        options: passed to `export_for_serving` (warmup, max_text_bytes, overwrite, ...).
    """
    from bert_tf.export.exporter import export_for_serving
    from bert_tf.tasks.model_sources import load_finetuned
    from bert_tf.text import BertPreprocessor

    model_dir = Path(model_dir)
    model, tokenizer, task = load_finetuned(model_dir)
    kind, settings = finetuned_settings(task)
    if kind in ("classification", "regression") and pair is None:
        pair = _is_pair_task(model_dir, task)
    preprocessor = BertPreprocessor(tokenizer, seq_length=task.max_seq_length)
    return export_for_serving(
        model,
        preprocessor,
        export_dir,
        kind,
        None if kind == "regression" else task.labels,
        pair=bool(pair) and kind in ("classification", "regression"),
        **options,
        **settings,
    )
