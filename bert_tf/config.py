"""`BertConfig`: the hyper-parameters of a BERT encoder, plus the named size presets.

Example:
    >>> from bert_tf.config import BertConfig
    >>> config = BertConfig.from_preset("bert_mini", vocab_size=30522)
    >>> config.hidden_size, config.num_layers
    (256, 4)
    >>> BertConfig.from_json(config.to_json()) == config
    True
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any


def option(default: Any, help: str, cli: bool = True, choices: tuple | None = None) -> Any:
    """A config field that carries its help text, from which command-line flags are made
    (`bert-tf finetune` derives its flags from `FinetuneConfig` and the task shapes' configs);
    `cli=False` keeps a field off the command line, `choices` limits its values."""
    return dataclasses.field(
        default=default, metadata={"help": help, "cli": cli, "choices": choices}
    )


# Mirrors bert_tf.layers._utils.ACTIVATIONS (config.py stays free of Keras imports).
HIDDEN_ACTS = ("gelu", "gelu_approximate", "gelu_new", "gelu_pytorch_tanh", "relu", "silu")


@dataclasses.dataclass(frozen=True)
class BertConfig:
    """Architecture of a BERT encoder (Devlin et al., 2018)."""

    vocab_size: int = 30522  # WordPiece vocabulary size (rows of the word embedding)
    hidden_size: int = 768  # H: width of every token representation
    num_layers: int = 12  # L: number of Transformer encoder blocks
    num_heads: int = 12  # A: attention heads per block; must divide hidden_size
    intermediate_size: int = 3072  # width of the feed-forward inner layer (4H in the paper)
    # feed-forward activation: "gelu" = exact erf GELU (HF's "gelu"); "gelu_approximate",
    # "gelu_new" or "gelu_pytorch_tanh" = the tanh approximation (google-research's modeling.py
    # and keras-hub compute this one); "relu"; "silu" (x * sigmoid(x))
    hidden_act: str = "gelu"
    dropout: float = 0.1  # dropout on embeddings, attention output and feed-forward output
    attention_dropout: float = 0.1  # dropout on the attention probabilities
    max_position_embeddings: int = 512  # longest sequence the learned positions cover
    type_vocab_size: int = 2  # number of segment (token type) ids
    initializer_range: float = 0.02  # stddev of the truncated-normal weight initializer
    layer_norm_eps: float = 1e-12  # epsilon of every LayerNorm

    def __post_init__(self) -> None:
        if self.hidden_size % self.num_heads:
            raise ValueError(
                f"hidden_size={self.hidden_size} is not divisible by num_heads={self.num_heads}"
            )
        for name in ("vocab_size", "hidden_size", "num_layers", "num_heads", "intermediate_size"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be positive, got {getattr(self, name)}")
        if self.hidden_act not in HIDDEN_ACTS:
            raise ValueError(
                f"hidden_act must be one of {', '.join(HIDDEN_ACTS)}, got {self.hidden_act!r}"
            )

    @property
    def head_size(self) -> int:
        """Width of one attention head (H / A)."""
        return self.hidden_size // self.num_heads

    def replace(self, **changes: Any) -> BertConfig:
        """A copy with some fields changed."""
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> BertConfig:
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"unknown BertConfig fields: {', '.join(unknown)}")
        return cls(**values)

    @classmethod
    def from_json(cls, text: str) -> BertConfig:
        return cls.from_dict(json.loads(text))

    @classmethod
    def from_preset(cls, name: str, **overrides: Any) -> BertConfig:
        """A named size (see `PRESETS`), with any field overridden."""
        if name not in PRESETS:
            raise ValueError(f"unknown preset {name!r}; choose one of {', '.join(PRESETS)}")
        return dataclasses.replace(PRESETS[name], **overrides)


def _sized(layers: int, hidden: int) -> BertConfig:
    # Turc et al. (2019): heads = H / 64, feed-forward = 4H.
    return BertConfig(
        hidden_size=hidden, num_layers=layers, num_heads=hidden // 64, intermediate_size=4 * hidden
    )


PRESETS: dict[str, BertConfig] = {
    "bert_tiny": _sized(2, 128),  # Turc et al. 2019
    "bert_mini": _sized(4, 256),  # Turc et al. 2019
    "bert_small": _sized(4, 512),  # Turc et al. 2019
    "bert_medium": _sized(8, 512),  # Turc et al. 2019
    "bert_base": _sized(12, 768),  # Devlin et al. 2018
    "bert_large": _sized(24, 1024),  # Devlin et al. 2018
}
