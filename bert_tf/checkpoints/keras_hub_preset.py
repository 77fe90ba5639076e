"""Read and write keras-hub BERT presets (a local directory, as ``save_to_preset`` writes it).

A preset holds ``config.json`` (the serialised ``keras_hub.models.BertBackbone``),
``model.weights.h5``, ``metadata.json`` and, with a tokenizer, ``tokenizer.json`` +
``assets/tokenizer/vocabulary.txt``. keras-hub's BertBackbone is the same post-LN network
with fixed choices: the tanh GELU (``gelu_approximate``), LayerNorm epsilon 1e-12, one dropout
rate for attention and hidden layers. Its attention kernels are [H, heads, head_size]; ours are
[H, H] with the same element order, so weights are reshaped, never permuted. Both directions
go through keras-hub itself, so they need the ``keras-hub`` package.

Example:
    >>> loaded = load_keras_hub_preset("bert_tiny_en_uncased/")  # doctest: +SKIP
    >>> save_keras_hub_preset(  # doctest: +SKIP
    ...     loaded.backbone, "copy/", vocab_file=loaded.vocab_file)
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from bert_tf.checkpoints.checkpoint_warning import CheckpointWarning
from bert_tf.checkpoints.config_json import read_json_object
from bert_tf.checkpoints.loaded_checkpoint import LoadedCheckpoint, build_model
from bert_tf.config import BertConfig
from bert_tf.layers._utils import TANH_GELU_NAMES

VOCAB_PATH = Path("assets") / "tokenizer" / "vocabulary.txt"
KERAS_HUB_EPS = 1e-12  # keras-hub's BertBackbone hard-codes this LayerNorm epsilon


def _keras_hub() -> Any:
    try:
        import keras_hub
    except ImportError as error:
        raise ImportError(
            "keras-hub presets are read and written with the keras-hub package: "
            "pip install keras-hub"
        ) from error
    return keras_hub


def is_keras_hub_preset(path: str | Path) -> bool:
    """True for a directory whose config.json is a serialised keras-hub model."""
    config = Path(path) / "config.json"
    if not config.is_file() or not (Path(path) / "model.weights.h5").is_file():
        return False
    values = json.loads(config.read_text(encoding="utf-8"))
    return str(values.get("registered_name", "")).startswith("keras_hub>")


def _pairs(ours: Any, theirs: Any) -> list[tuple[Any, Any]]:
    """(our variable, keras-hub variable) for every weight of the two backbones."""
    emb = ours.embeddings
    pairs = [
        (emb.word_embeddings.embeddings, theirs.token_embedding.embeddings),
        (emb.position_embeddings.embeddings, theirs.position_embedding.position_embeddings),
        (emb.token_type_embeddings.embeddings, theirs.segment_embedding.embeddings),
        (emb.layer_norm.gamma, theirs.embeddings_layer_norm.gamma),
        (emb.layer_norm.beta, theirs.embeddings_layer_norm.beta),
    ]
    for block, layer in zip(ours.encoder_layers, theirs.transformer_layers):
        attention = layer._self_attention_layer
        dense = [
            (block.attention.query, attention.query_dense),
            (block.attention.key, attention.key_dense),
            (block.attention.value, attention.value_dense),
            (block.attention.output_dense, attention.output_dense),
            (block.intermediate, layer._feedforward_intermediate_dense),
            (block.output_dense, layer._feedforward_output_dense),
        ]
        norms = [
            (block.attention_layer_norm, layer._self_attention_layer_norm),
            (block.output_layer_norm, layer._feedforward_layer_norm),
        ]
        pairs += [(a.kernel, b.kernel) for a, b in dense] + [(a.bias, b.bias) for a, b in dense]
        pairs += [(a.gamma, b.gamma) for a, b in norms] + [(a.beta, b.beta) for a, b in norms]
    pairs += [(ours.pooler.kernel, theirs.pooled_dense.kernel)]
    pairs += [(ours.pooler.bias, theirs.pooled_dense.bias)]
    return pairs


def _copy(pairs: list[tuple[Any, Any]], to_ours: bool) -> None:
    for mine, hub in pairs:
        source, target = (hub, mine) if to_ours else (mine, hub)
        value = np.asarray(source.numpy() if hasattr(source, "numpy") else source, "float32")
        target.assign(value.reshape(tuple(target.shape)))


def load_keras_hub_preset(preset_dir: str | Path, load_tokenizer: bool = True) -> LoadedCheckpoint:
    """Load a local keras-hub BERT preset into a `BertBackbone` with the same outputs.

    The config gets ``hidden_act="gelu_approximate"`` and ``layer_norm_eps=1e-12``, as
    keras-hub computes. Casing comes from tokenizer.json (``lowercase``).

    Raises:
        FileNotFoundError: not a keras-hub preset directory.
        ValueError: the preset is not a BertBackbone.
        ImportError: keras-hub is not installed.
    """
    preset_dir = Path(preset_dir)
    if not is_keras_hub_preset(preset_dir):
        raise FileNotFoundError(
            f"{preset_dir}: not a keras-hub preset (expected config.json of a keras_hub model "
            "and model.weights.h5)"
        )
    values = read_json_object(preset_dir / "config.json")
    if values.get("class_name") != "BertBackbone":
        raise ValueError(f"{preset_dir}: a {values.get('class_name')} preset, not a BertBackbone")
    theirs = _keras_hub().models.BertBackbone.from_preset(str(preset_dir))
    hub = values["config"]
    config = BertConfig(
        vocab_size=hub["vocabulary_size"],
        hidden_size=hub["hidden_dim"],
        num_layers=hub["num_layers"],
        num_heads=hub["num_heads"],
        intermediate_size=hub["intermediate_dim"],
        hidden_act="gelu_approximate",  # keras-hub's BertBackbone: the tanh GELU
        dropout=hub.get("dropout", 0.1),
        attention_dropout=hub.get("dropout", 0.1),
        max_position_embeddings=hub.get("max_sequence_length", 512),
        type_vocab_size=hub.get("num_segments", 2),
        layer_norm_eps=KERAS_HUB_EPS,
    )
    model, backbone = build_model(config, with_heads=False)
    _copy(_pairs(backbone, theirs), to_ours=True)
    vocab_file = preset_dir / VOCAB_PATH
    tokenizer_json = preset_dir / "tokenizer.json"
    lower_case, tokenizer_options = True, {}
    if tokenizer_json.is_file():
        hub_tokenizer = read_json_object(tokenizer_json)["config"]
        lower_case = bool(hub_tokenizer.get("lowercase", False))
        tokenizer_options = keras_hub_tokenizer_options(hub_tokenizer)
    loaded = LoadedCheckpoint(
        model=model,
        backbone=backbone,
        config=config,
        vocab_file=vocab_file if vocab_file.is_file() else None,
        lower_case=lower_case,
        source=str(preset_dir),
        architecture="BertModel",
        tokenizer_options=tokenizer_options,
    )
    if load_tokenizer and vocab_file.is_file():
        loaded.tokenizer = loaded.make_tokenizer()
    return loaded


def keras_hub_tokenizer_options(hub_tokenizer: dict[str, Any]) -> dict[str, Any]:
    """`TokenizerSettings` fields of a keras-hub WordPiece tokenizer config (tokenizer.json).

    ``strip_accents: true`` strips; false (keras-hub's default, also what an uncased preset
    written without the option holds) follows ``lowercase`` as BERT does.
    """
    options: dict[str, Any] = {
        "tokenize_chinese_chars": bool(hub_tokenizer.get("split_on_cjk", True)),
        "special_tokens_in_strings": bool(hub_tokenizer.get("special_tokens_in_strings", False)),
    }
    if hub_tokenizer.get("strip_accents"):
        options["strip_accents"] = True
    return options


def save_keras_hub_preset(
    backbone: Any,
    out_dir: str | Path,
    vocab_file: str | Path | None = None,
    lower_case: bool = True,
    allow_gelu_approximation: bool = False,
) -> Path:
    """Write a `BertBackbone` as a keras-hub preset that ``BertBackbone.from_preset`` loads.

    Args:
        backbone: the `BertBackbone` (a pre-trainer's heads are not part of a keras-hub
            backbone preset).
        out_dir: the preset directory to write.
        vocab_file: vocab.txt for the preset's `keras_hub.models.BertTokenizer`.
        lower_case: the tokenizer's casing.
        allow_gelu_approximation: write a model whose ``hidden_act`` is not the tanh GELU
            anyway (keras-hub will compute the tanh form; outputs shift slightly).

    Raises:
        ValueError: the model uses a setting keras-hub's BertBackbone cannot represent.
    """
    config = backbone.config
    if config.hidden_act not in TANH_GELU_NAMES:
        if config.hidden_act != "gelu" or not allow_gelu_approximation:
            raise ValueError(
                f"keras-hub's BertBackbone computes the tanh GELU; this model's hidden_act is "
                f"{config.hidden_act!r}"
                + (
                    " (pass allow_gelu_approximation=True / --allow-gelu-approximation to "
                    "write it with the tanh form anyway)"
                    if config.hidden_act == "gelu"
                    else ""
                )
            )
        warnings.warn(
            "writing an erf-GELU model as keras-hub's tanh GELU", CheckpointWarning, stacklevel=2
        )
    if config.layer_norm_eps != KERAS_HUB_EPS:
        raise ValueError(
            f"keras-hub's BertBackbone uses LayerNorm epsilon 1e-12; this model uses "
            f"{config.layer_norm_eps}"
        )
    keras_hub = _keras_hub()
    theirs = keras_hub.models.BertBackbone(
        vocabulary_size=config.vocab_size,
        num_layers=config.num_layers,
        num_heads=config.num_heads,
        hidden_dim=config.hidden_size,
        intermediate_dim=config.intermediate_size,
        dropout=config.dropout,
        max_sequence_length=config.max_position_embeddings,
        num_segments=config.type_vocab_size,
    )
    _copy(_pairs(backbone, theirs), to_ours=False)
    out_dir = Path(out_dir)
    theirs.save_to_preset(str(out_dir))
    if vocab_file is not None:
        tokenizer = keras_hub.models.BertTokenizer(vocabulary=str(vocab_file), lowercase=lower_case)
        tokenizer.save_to_preset(str(out_dir))
    return out_dir
