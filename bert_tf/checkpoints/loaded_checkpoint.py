"""`LoadedCheckpoint`: what `load_hf_checkpoint` / `load_google_checkpoint` return."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import numpy as np

from bert_tf.config import BertConfig


@dataclasses.dataclass
class LoadedCheckpoint:
    """A BERT checkpoint loaded into Keras, with its tokenizer when the checkpoint has a vocab.

    Attributes:
        model: a `BertPretrainer` when the checkpoint has MLM/NSP heads (and they were asked
            for), else the `BertBackbone`.
        backbone: the `BertBackbone` (``model.backbone`` for a pretrainer, else ``model``).
        config: the `BertConfig` read from the checkpoint's config file.
        tokenizer: a `bert_tf.text.BertTokenizer` over the checkpoint's vocab.txt, or None.
        vocab_file: the vocab.txt used for the tokenizer, or None.
        lower_case: whether the tokenizer lower-cases (from tokenizer_config.json
            ``do_lower_case``, an explicit argument, or the default True).
        source: the file or directory the weights came from.
        skipped: checkpoint entries deliberately not loaded (optimizer slots, buffers such
            as ``position_ids``, heads when ``with_heads=False``).

    Example:
        >>> loaded = load_hf_checkpoint("all-MiniLM-L6-v2/")  # doctest: +SKIP
        >>> outputs = loaded.backbone(inputs)  # doctest: +SKIP
        >>> loaded.tokenizer.tokenize(["hello world"])  # doctest: +SKIP
    """

    model: Any
    backbone: Any
    config: BertConfig
    tokenizer: Any = None
    vocab_file: Path | None = None
    lower_case: bool = True
    source: str = ""
    skipped: list[str] = dataclasses.field(default_factory=list)

    @property
    def has_heads(self) -> bool:
        """True when ``model`` is a `BertPretrainer` with the checkpoint's MLM/NSP heads."""
        return self.model is not self.backbone

    def summary(self) -> str:
        """One line: model class, sizes, weight and parameter counts."""
        c = self.config
        params = sum(int(np.prod(v.shape)) for v in self.model.weights)
        return (
            f"{type(self.model).__name__}: {c.num_layers} layers, hidden {c.hidden_size}, "
            f"{c.num_heads} heads, vocab {c.vocab_size}; "
            f"{len(self.model.weights)} weights, {params:,} parameters"
        )


def build_model(config: BertConfig, with_heads: bool) -> tuple[Any, Any]:
    """A built (model, backbone): a `BertPretrainer` around a new backbone, or backbone twice."""
    from bert_tf.models import BertBackbone, BertPretrainer

    backbone = BertBackbone(config)  # a functional model: built on construction
    if not with_heads:
        return backbone, backbone
    return BertPretrainer(backbone), backbone  # functional too: heads built here
