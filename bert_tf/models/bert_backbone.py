"""`BertBackbone`: embeddings, N post-LN Transformer blocks and the [CLS] pooler."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import keras

from bert_tf.config import BertConfig
from bert_tf.layers import BertEmbeddings, TransformerEncoderBlock
from bert_tf.layers._utils import truncated_normal

INPUT_NAMES = ("input_word_ids", "input_mask", "input_type_ids")


def _resolve_policy(dtype: Any) -> keras.DTypePolicy:
    return keras.config.dtype_policy() if dtype is None else keras.dtype_policies.get(dtype)


@keras.saving.register_keras_serializable(package="bert_tf")
class BertBackbone(keras.Model):
    """The BERT encoder (Devlin et al., 2018) as a Keras functional model.

    Called on `{"input_word_ids", "input_mask", "input_type_ids"}` (int32 `[B, T]`; mask 1 =
    real token, 0 = padding), it returns `{"sequence_output": [B, T, H], "pooled_output":
    [B, H], "encoder_outputs": [L tensors [B, T, H]]}`. Sub-layers: `embeddings`,
    `encoder_layers` (list of `TransformerEncoderBlock`) and `pooler` (`Dense(H, tanh)` on
    the [CLS] vector). Freeze it for feature extraction with `backbone.trainable = False`.

    Args:
        config: a `BertConfig` or its dict.
        name: model name.
        dtype: dtype policy (e.g. "mixed_bfloat16"); default: the global policy.

    Example:
        >>> import numpy as np
        >>> backbone = BertBackbone.from_preset("bert_tiny", vocab_size=100)
        >>> ids = np.array([[2, 7, 9, 3, 0]], "int32")
        >>> out = backbone({"input_word_ids": ids, "input_mask": ids > 0,
        ...                 "input_type_ids": np.zeros_like(ids)})
        >>> [tuple(out[k].shape) for k in ("sequence_output", "pooled_output")]
        [(1, 5, 128), (1, 128)]
        >>> len(out["encoder_outputs"])
        2
    """

    def __init__(
        self,
        config: BertConfig | dict[str, Any],
        name: str = "bert_backbone",
        dtype: Any = None,
        **kwargs: Any,
    ) -> None:
        if isinstance(config, dict):
            config = BertConfig.from_dict(config)
        if not isinstance(config, BertConfig):
            raise TypeError(f"config must be a BertConfig or dict, got {type(config).__name__}")
        policy = _resolve_policy(dtype)

        # === Layers ===
        embeddings = BertEmbeddings(
            vocab_size=config.vocab_size,
            hidden_size=config.hidden_size,
            max_position_embeddings=config.max_position_embeddings,
            type_vocab_size=config.type_vocab_size,
            dropout=config.dropout,
            layer_norm_eps=config.layer_norm_eps,
            initializer_range=config.initializer_range,
            dtype=policy,
            name="embeddings",
        )
        encoder_layers = [
            TransformerEncoderBlock(
                hidden_size=config.hidden_size,
                num_heads=config.num_heads,
                intermediate_size=config.intermediate_size,
                hidden_act=config.hidden_act,
                dropout=config.dropout,
                attention_dropout=config.attention_dropout,
                layer_norm_eps=config.layer_norm_eps,
                initializer_range=config.initializer_range,
                dtype=policy,
                name=f"encoder_layer_{i}",
            )
            for i in range(config.num_layers)
        ]
        pooler = keras.layers.Dense(
            config.hidden_size,
            activation="tanh",
            kernel_initializer=truncated_normal(config.initializer_range),
            dtype=policy,
            name="pooler",
        )

        # === Functional graph ===
        inputs = {name_: keras.Input((None,), dtype="int32", name=name_) for name_ in INPUT_NAMES}
        x = embeddings(inputs["input_word_ids"], inputs["input_type_ids"])  # [B, T, H]
        encoder_outputs = []
        for block in encoder_layers:
            x = block(x, inputs["input_mask"])  # [B, T, H]
            encoder_outputs.append(x)
        pooled = pooler(x[:, 0, :])  # [B, H] from the [CLS] position
        outputs = {
            "sequence_output": x,
            "pooled_output": pooled,
            "encoder_outputs": encoder_outputs,
        }
        super().__init__(inputs=inputs, outputs=outputs, name=name, **kwargs)
        self.dtype_policy = policy  # functional models drop a `dtype` argument

        # === Attributes ===
        self.config = config
        self.embeddings = embeddings
        self.encoder_layers = encoder_layers
        self.pooler = pooler

    @classmethod
    def from_preset(
        cls, name_or_path: str | Path, dtype: Any = None, **config_overrides: Any
    ) -> BertBackbone:
        """A backbone from a size name (random weights) or a checkpoint path (its weights).

        - A name from `bert_tf.config.PRESETS` (`bert_tiny` ... `bert_large`) gives a
          **randomly initialised** model of that size; `config_overrides` change its fields.
        - A path to a checkpoint loads its weights, whichever format it is in: an HF directory
          (config.json + model.safetensors or pytorch_model.bin, any `BertFor*` layout), a
          google-research TF1 checkpoint (prefix or directory with bert_config.json), a local
          keras-hub preset directory, or a bert-tf run directory (backbone.keras /
          model.keras). The readers live in `bert_tf.checkpoints`, imported only on this
          branch (models never import checkpoints at module level).

        Args:
            name_or_path: preset name or checkpoint path.
            dtype: dtype policy; default: the global policy.
            **config_overrides: `BertConfig` fields to change (preset names only).

        Raises:
            ValueError: an unknown name that is not a path either, or overrides for a
                checkpoint (its config is fixed by its weights).
        """
        from bert_tf.config import PRESETS

        if str(name_or_path) in PRESETS:
            return cls(BertConfig.from_preset(str(name_or_path), **config_overrides), dtype=dtype)
        path = Path(name_or_path)
        if not path.exists() and not Path(f"{path}.index").exists():
            raise ValueError(
                f"unknown preset {str(name_or_path)!r}: not one of {', '.join(PRESETS)} "
                "and not a checkpoint path"
            )
        if config_overrides:
            raise ValueError(
                f"{path}: a checkpoint's config comes with its weights; cannot override "
                f"{', '.join(sorted(config_overrides))}"
            )
        from bert_tf.checkpoints.any_checkpoint import load_checkpoint  # lazy: see docstring

        loaded = load_checkpoint(path, with_heads=False).backbone
        if dtype is None:
            return loaded
        backbone = cls(loaded.config, dtype=dtype)
        backbone.set_weights(loaded.get_weights())
        return backbone

    @property
    def hidden_size(self) -> int:
        return self.config.hidden_size

    def get_config(self) -> dict[str, Any]:
        return {
            "config": self.config.to_dict(),
            "name": self.name,
            "trainable": self.trainable,
            "dtype": keras.dtype_policies.serialize(self.dtype_policy),
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> BertBackbone:
        config = dict(config)
        if isinstance(config.get("dtype"), dict):
            config["dtype"] = keras.dtype_policies.deserialize(config["dtype"])
        return cls(**config)
