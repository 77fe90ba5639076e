"""Load the original google-research/bert TF1 checkpoints (``bert_model.ckpt`` + bert_config.json).

Variable names as the original code wrote them: ``bert/embeddings/word_embeddings``,
``bert/encoder/layer_N/attention/self/query/kernel``, ..., ``bert/pooler/dense/kernel``,
``cls/predictions/transform/dense/kernel``, ``cls/predictions/output_bias``,
``cls/seq_relationship/output_weights`` ([2, H]) and ``cls/seq_relationship/output_bias``.
Optimizer slots (``*/adam_m``, ``*/adam_v``) and ``global_step`` are skipped.

Activation: google-research's modeling.py computes ``gelu`` as the tanh approximation
``0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))``, so its ``"hidden_act": "gelu"`` is read
as ``hidden_act="gelu_approximate"`` (an HF export writes it as ``gelu_new``).

Example:
    >>> loaded = load_google_checkpoint(  # doctest: +SKIP
    ...     "uncased_L-12_H-768_A-12/bert_model.ckpt", "uncased_L-12_H-768_A-12/bert_config.json")
    >>> loaded.model  # a BertPretrainer with the MLM and NSP heads  # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path

from bert_tf.checkpoints.config_json import read_config_json
from bert_tf.checkpoints.loaded_checkpoint import LoadedCheckpoint, build_model
from bert_tf.checkpoints.weight_mapping import WeightMapping

_OPTIMIZER_SUFFIXES = ("/adam_m", "/adam_v")
_BOOKKEEPING = ("global_step",)


def _is_skipped(name: str, with_heads: bool) -> bool:
    if name in _BOOKKEEPING or name.endswith(_OPTIMIZER_SUFFIXES):
        return True
    return not with_heads and name.startswith("cls/")


def load_google_checkpoint(
    ckpt_prefix: str | Path,
    bert_config_json: str | Path,
    with_heads: bool = True,
    vocab_file: str | Path | None = None,
    lower_case: bool = True,
    load_tokenizer: bool = True,
) -> LoadedCheckpoint:
    """Load a google-research/bert TF1 checkpoint into a `BertPretrainer` (or `BertBackbone`).

    Every model weight is set exactly once from the checkpoint; a variable that has no place
    in the model (other than optimizer slots and ``global_step``) is an error.

    Args:
        ckpt_prefix: the checkpoint prefix, e.g. ``.../bert_model.ckpt`` (the files are
            ``<prefix>.index`` and ``<prefix>.data-*``), or a directory with a ``checkpoint``
            file naming the latest one.
        bert_config_json: the bert_config.json released with it.
        with_heads: when the checkpoint has ``cls/`` variables, return a `BertPretrainer`
            with them; False loads the backbone only.
        vocab_file: vocab.txt for the tokenizer; None uses ``vocab.txt`` beside the config
            when it exists.
        lower_case: whether the tokenizer lower-cases (google's "uncased" models: True).
            The TF1 release does not record it, so it is an explicit argument.
        load_tokenizer: build a `bert_tf.text.BertTokenizer` when a vocab file is found.

    Returns:
        A `LoadedCheckpoint`.

    Raises:
        FileNotFoundError: no checkpoint at the prefix, or no config file.
        CheckpointError: a variable is missing, unexpected, or has the wrong shape (named).

    Example:
        >>> loaded = load_google_checkpoint("ckpt/bert_model.ckpt", "ckpt/bert_config.json")
        ... # doctest: +SKIP
    """
    import tensorflow as tf

    config = read_config_json(bert_config_json, flavor="google")  # gelu = the tanh form
    prefix = str(ckpt_prefix)
    if Path(prefix).is_dir():
        latest = tf.train.latest_checkpoint(prefix)
        if latest is None:
            raise FileNotFoundError(f"no TF checkpoint in directory {prefix}")
        prefix = latest
    if not Path(f"{prefix}.index").is_file():
        raise FileNotFoundError(f"no TF checkpoint at {prefix} (expected {prefix}.index)")
    reader = tf.train.load_checkpoint(prefix)
    names = sorted(reader.get_variable_to_shape_map())
    has_heads = any(name.startswith("cls/") for name in names)
    model, backbone = build_model(config, with_heads=with_heads and has_heads)
    skipped = [name for name in names if _is_skipped(name, with_heads)]
    tensors = {name: reader.get_tensor(name) for name in names if name not in skipped}
    WeightMapping(model, "google").assign(tensors, source=prefix)

    if vocab_file is None:
        beside = Path(bert_config_json).parent / "vocab.txt"
        vocab_file = beside if beside.is_file() else None
    elif not Path(vocab_file).is_file():
        raise FileNotFoundError(f"vocab file not found: {vocab_file}")
    from bert_tf.text.bert_tokenizer import GOOGLE_MAX_CHARS_PER_WORD, BertTokenizer

    tokenizer = None  # google-research splits words of up to 200 characters (not HF's 100)
    if load_tokenizer and vocab_file is not None:
        limit = GOOGLE_MAX_CHARS_PER_WORD
        tokenizer = BertTokenizer(Path(vocab_file), lower_case=lower_case, max_chars_per_word=limit)
    return LoadedCheckpoint(
        model=model,
        backbone=backbone,
        config=config,
        tokenizer=tokenizer,
        vocab_file=Path(vocab_file) if vocab_file is not None else None,
        lower_case=lower_case,
        source=prefix,
        skipped=skipped,
        architecture="BertForPreTraining" if has_heads else "BertModel",
        max_chars_per_word=GOOGLE_MAX_CHARS_PER_WORD,
    )
