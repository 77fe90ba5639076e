"""`export_for_serving`: a Keras task model + its preprocessor -> a TF Serving SavedModel.

The SavedModel (written with `tf.saved_model.save`) answers raw strings with tokenization,
packing, windows and post-processing in the graph (`serving_default`), and also offers
`serve_tokens`, `serve_examples` and `contract`. The vocabulary and the contract JSON are
assets; warm-up records go to `assets.extra/tf_serving_warmup_requests`. The directory is
written beside its final place and renamed into it, so a polling model server never sees a
half-written version.

Example:
    >>> export_for_serving(classifier, BertPreprocessor(tokenizer, 128), "models/sst2/1",
    ...                    "classification", label_names=["negative", "positive"])  # doctest: +SKIP
    PosixPath('models/sst2/1')
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from bert_tf import storage

SAVED_MODEL_FILE = "saved_model.pb"


def make_module(
    model: Any,
    preprocessor: Any,
    task: str,
    label_names: Sequence[str] | None = None,
    pair: bool = False,
    max_text_bytes: int | None = None,
    jit_compile: bool = False,
    **task_settings: Any,
) -> Any:
    """The `ServingModule` that serves `task` (a served task name of a registered shape)."""
    from bert_tf.tasks import served_shape
    from bert_tf.tasks.serving_module import MAX_TEXT_BYTES

    module_class = served_shape(task).signatures_class()
    return module_class(
        model,
        preprocessor,
        label_names,
        task_settings,
        pair=pair,
        max_text_bytes=max_text_bytes or MAX_TEXT_BYTES,
        served_task=task,
        jit_compile=jit_compile,
    )


def export_for_serving(
    model: Any,
    preprocessor: Any,
    export_dir: str | os.PathLike,
    task: str,
    label_names: Sequence[str] | None = None,
    *,
    pair: bool = False,
    warmup: bool = True,
    warmup_inputs: Mapping[str, Sequence[str]] | None = None,
    max_text_bytes: int | None = None,
    overwrite: bool = False,
    jit_compile: bool = False,
    **task_settings: Any,
) -> Path | str:
    """Writes a SavedModel for TF Serving into `export_dir` (e.g. `BASE/NAME/1`).

    Args:
        model: the task model of the shape that serves `task` (`BertClassifier` for
            "classification" and one-output "regression", `BertSpanLabeler` for "span",
            `BertTokenClassifier` for "tagging", ...), or a `BertBackbone` ("embedding").
        preprocessor: the `BertPreprocessor` (tokenizer + seq_length) of training.
        export_dir: the version directory to create.
        task: a served task of a registered shape (`bert_tf.tasks.served_shape`).
        label_names: class names (classification) or IOB tags (tagging), in index order.
        pair: classification/embedding: `serving_default` takes `text` and `text_pair`.
        warmup: write `assets.extra/tf_serving_warmup_requests` (needs tensorflow-serving-api).
        warmup_inputs: raw inputs for the warm-up requests (default: the shape's samples).
        max_text_bytes: longest input string accepted (default 1,000,000 bytes).
        overwrite: replace an existing `export_dir`.
        jit_compile: compile the model and its heads with XLA (one cluster per input shape,
            compiled on first use: warm it up). Faster on CPU (all-MiniLM-L6-v2, seq 128:
            see README, "Benchmarks"); TF Serving runs it with `--xla_cpu_compilation_enabled`.
        task_settings: span: doc_stride, max_query_length, n_best_size, max_answer_length,
            version_2_with_negative, null_score_threshold; classification/tagging: stride.

    Returns:
        The export directory: a `Path`, or the URL string when `export_dir` is a URL
        (`gs://...`: written locally, then uploaded with `saved_model.pb` last).
    """
    from bert_tf.text.sequence_length import check_sequence_length

    backbone = getattr(model, "backbone", model)  # a task model's, or the backbone itself
    check_sequence_length(
        preprocessor.seq_length,
        getattr(getattr(backbone, "config", None), "max_position_embeddings", None),
        "the preprocessor's seq_length",
    )
    module = make_module(model, preprocessor, task, label_names, pair, max_text_bytes,
                         jit_compile, **task_settings)  # fmt: skip
    if storage.is_url(export_dir):  # written locally, then uploaded
        target = os.fspath(export_dir)
        _refuse_existing(target, overwrite)
        with tempfile.TemporaryDirectory(prefix="bert-tf-export-") as scratch:
            local = os.path.join(scratch, "version")
            _save(module, local, warmup, warmup_inputs)
            _upload(local, target)
        return target
    target = Path(export_dir)
    _refuse_existing(str(target), overwrite)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        _save(module, str(staging), warmup, warmup_inputs)
        if target.exists():
            shutil.rmtree(target)
        os.replace(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return target


def _refuse_existing(target: str, overwrite: bool) -> None:
    if storage.isdir(target) and storage.listdir(target) and not overwrite:
        raise FileExistsError(f"{target} exists and is not empty (pass overwrite=True)")


def _save(module: Any, directory: str, warmup: bool, warmup_inputs: Any) -> None:
    """The SavedModel (assets, warm-up requests) of `module` in local `directory`."""
    import tensorflow as tf

    from bert_tf.export.contract import CONTRACT_FILE, VOCAB_FILE, build_contract

    contract_json = json.dumps(build_contract(module), indent=2, sort_keys=True)
    signatures = module.signatures(contract_json)
    with tempfile.TemporaryDirectory() as assets:
        shutil.copyfile(module.tokenizer.vocab_file, Path(assets) / VOCAB_FILE)
        (Path(assets) / CONTRACT_FILE).write_text(contract_json + "\n", encoding="utf-8")
        module.vocab_asset = tf.saved_model.Asset(str(Path(assets) / VOCAB_FILE))
        module.contract_asset = tf.saved_model.Asset(str(Path(assets) / CONTRACT_FILE))
        tf.saved_model.save(module, directory, signatures=signatures)
    if warmup:
        from bert_tf.export.warmup import write_warmup_requests

        write_warmup_requests(directory, module, warmup_inputs)


def _upload(local: str, target: str) -> None:
    """Copies a local SavedModel to a URL, `saved_model.pb` last: object stores have no
    directory rename, and a model server takes a version once its graph file is there."""
    storage.remove_tree(target)
    for name in storage.listdir(local):
        if name != SAVED_MODEL_FILE:
            source = os.path.join(local, name)
            copy = storage.copy_tree if os.path.isdir(source) else storage.copy_file
            copy(source, storage.join(target, name))
    storage.copy_file(os.path.join(local, SAVED_MODEL_FILE), storage.join(target, SAVED_MODEL_FILE))
