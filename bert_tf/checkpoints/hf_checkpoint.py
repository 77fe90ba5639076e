"""Load BERT checkpoints in the HF transformers format (config.json + weights [+ vocab.txt]).

Every layout HF writes for BERT loads: `BertModel` (with or without the pooler) and the
``BertFor*`` classes (pre-training, masked LM, next sentence, sequence / token
classification, question answering), with or without the ``bert.`` prefix, from
``model.safetensors`` or ``pytorch_model.bin`` (read without torch), sharded or not. Weights
the layout lacks (the pooler of `BertForMaskedLM`) are freshly initialised and named in a
`CheckpointWarning`; a task head goes into its bert_tf model through
`LoadedCheckpoint.task_model`. ``strict=True`` accepts only files that fill the returned
model exactly (a backbone file, or a `BertForPreTraining` file for its pre-trainer).

Example:
    >>> loaded = load_hf_checkpoint("all-MiniLM-L6-v2/")  # doctest: +SKIP
    >>> loaded.backbone(inputs)["pooled_output"]  # doctest: +SKIP
    >>> classifier = load_hf_checkpoint("bert-sst2/").task_model()  # doctest: +SKIP
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

from bert_tf.checkpoints.checkpoint_warning import CheckpointWarning
from bert_tf.checkpoints.config_json import config_from_json_dict, read_json_object
from bert_tf.checkpoints.hf_export import (
    CONFIG_FILE,
    TOKENIZER_CONFIG_FILE,
    VOCAB_FILE,
    WEIGHTS_FILE,
    save_hf_checkpoint,
)
from bert_tf.checkpoints.hf_layout import absent_parts, split_hf_state
from bert_tf.checkpoints.hf_weights_file import read_hf_weights
from bert_tf.checkpoints.loaded_checkpoint import LoadedCheckpoint, build_model
from bert_tf.checkpoints.weight_mapping import WeightMapping, is_pretrainer

__all__ = [
    "WEIGHTS_FILE",
    "load_hf_checkpoint",
    "read_lower_case",
    "read_tokenizer_options",
    "save_hf_checkpoint",
]

_PRETRAINING_HEADS = ("cls.predictions.", "cls.seq_relationship.")


def read_lower_case(model_dir: Path) -> bool | None:
    """HF tokenizer_config.json ``do_lower_case`` of ``model_dir``, or None when unrecorded."""
    path = Path(model_dir) / TOKENIZER_CONFIG_FILE
    if not path.is_file():
        return None
    value = json.loads(path.read_text(encoding="utf-8")).get("do_lower_case")
    if value is not None and not isinstance(value, bool):
        raise ValueError(f"{path}: do_lower_case must be true or false, got {value!r}")
    return value


def read_tokenizer_options(model_dir: Path) -> dict[str, Any]:
    """HF tokenizer_config.json's other tokenizer settings (``strip_accents``,
    ``tokenize_chinese_chars``, ``never_split`` + added special tokens, ``do_basic_tokenize``,
    ``model_max_length``) as `TokenizerSettings` fields; {} when there is no such file."""
    from bert_tf.text.tokenizer_settings import TokenizerSettings

    path = Path(model_dir) / TOKENIZER_CONFIG_FILE
    if not path.is_file():
        return {}
    settings = TokenizerSettings.from_json(json.loads(path.read_text(encoding="utf-8")), str(path))
    keys = ("strip_accents", "tokenize_chinese_chars", "never_split", "do_basic_tokenize",
            "model_max_length")  # fmt: skip
    return {key: getattr(settings, key) for key in keys}


def _id2label(values: dict, source: str) -> dict[int, str] | None:
    labels = values.get("id2label")
    if labels is None:
        return None
    try:
        return {int(key): str(name) for key, name in labels.items()}
    except (AttributeError, ValueError) as error:
        raise ValueError(f"{source}: id2label must map class ids to names ({error})") from error


def load_hf_checkpoint(
    model_dir: str | Path,
    with_heads: bool = True,
    load_tokenizer: bool = True,
    lower_case: bool | None = None,
    strict: bool = False,
) -> LoadedCheckpoint:
    """Load an HF BERT checkpoint directory into a `BertBackbone` (or `BertPretrainer`).

    Args:
        model_dir: directory with config.json and model.safetensors or pytorch_model.bin
            (and optionally vocab.txt, tokenizer_config.json).
        with_heads: when the file has pre-training heads (``cls.*``), return a
            `BertPretrainer` with them (a head the file lacks, e.g. NSP in a
            `BertForMaskedLM` file, is freshly initialised); False loads the backbone only.
            Other heads (``classifier.*``, ``qa_outputs.*``) are kept for `task_model()`.
        load_tokenizer: build a `bert_tf.text.BertTokenizer` from vocab.txt when present.
        lower_case: tokenizer casing; None reads ``do_lower_case`` from tokenizer_config.json,
            defaulting to True (HF's default) when that file does not say.
        strict: fail unless the file fills the returned model exactly: no missing weight
            (not even the pooler) and no head it leaves out (pre-training heads with
            ``with_heads=False`` excepted).

    Returns:
        A `LoadedCheckpoint` (``.model``, ``.backbone``, ``.config``, ``.tokenizer``,
        ``.initialized``, ``.architecture``, ``.task_model()``, ...).

    Raises:
        FileNotFoundError: the directory or one of the required files is missing.
        CheckpointError: a weight is missing, unexpected, or has the wrong shape (named).

    Example:
        >>> loaded = load_hf_checkpoint(minilm_dir, load_tokenizer=False)  # doctest: +SKIP
        >>> loaded.config.num_layers, loaded.has_heads  # doctest: +SKIP
        (6, False)
    """
    model_dir = Path(model_dir)
    if not model_dir.is_dir():
        raise FileNotFoundError(f"HF checkpoint directory not found: {model_dir}")
    config_path = model_dir / CONFIG_FILE
    values = read_json_object(config_path)
    config = config_from_json_dict(values, source=str(config_path))
    tensors, weights_path = read_hf_weights(model_dir)
    source = str(weights_path)
    state = split_hf_state(tensors, source, values.get("architectures"))
    pretraining = {k: v for k, v in state.heads.items() if k.startswith(_PRETRAINING_HEADS)}
    model, backbone = build_model(config, with_heads=with_heads and bool(pretraining))
    named = dict(state.backbone)
    if is_pretrainer(model):
        named = {f"bert.{name}": value for name, value in named.items()} | pretraining
    elif strict:  # today's contract: a head the model leaves out is an unexpected weight
        named |= {k: v for k, v in state.heads.items() if k not in pretraining}
    mapping = WeightMapping(model, "hf")
    optional = [] if strict else absent_parts(mapping.names, named)
    initialized = mapping.assign(named, source, allow_missing=optional)
    unused = [] if is_pretrainer(model) else sorted(state.heads)
    skipped = state.skipped + [name for name in unused if name in pretraining]
    if initialized:
        warnings.warn(
            f"{source}: a {state.layout.architecture} file has no {', '.join(initialized)}; "
            "freshly initialised",
            CheckpointWarning,
            stacklevel=2,
        )
    task_heads = [name for name in unused if name not in pretraining]
    if task_heads:
        warnings.warn(
            f"{source}: the {state.layout.architecture} head ({', '.join(task_heads)}) is not "
            "part of the backbone and was not loaded; .task_model() builds the model with it",
            CheckpointWarning,
            stacklevel=2,
        )

    vocab_file = model_dir / VOCAB_FILE
    if lower_case is None:
        lower_case = read_lower_case(model_dir)
        lower_case = True if lower_case is None else lower_case
    tokenizer_options = read_tokenizer_options(model_dir)
    loaded = LoadedCheckpoint(
        model=model,
        backbone=backbone,
        config=config,
        vocab_file=vocab_file if vocab_file.is_file() else None,
        lower_case=lower_case,
        source=str(model_dir),
        skipped=skipped,
        initialized=initialized,
        architecture=state.layout.architecture,
        head_weights=dict(state.heads),
        id2label=_id2label(values, str(config_path)),
        classifier_dropout=values.get("classifier_dropout"),
        tokenizer_options=tokenizer_options,
    )
    if load_tokenizer and vocab_file.is_file():
        loaded.tokenizer = loaded.make_tokenizer()
    return loaded
