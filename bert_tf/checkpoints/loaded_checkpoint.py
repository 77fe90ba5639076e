"""`LoadedCheckpoint`: what every checkpoint format's loader returns (`load_checkpoint`)."""

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
        max_chars_per_word: the tokenizer's word limit: 200 for google-research
            checkpoints, what a bert-tf run directory records, else None (the default, 100).
        source: the file or directory the weights came from.
        skipped: checkpoint entries deliberately not loaded (optimizer slots, buffers such
            as ``position_ids``, heads when ``with_heads=False``).
        initialized: model weights the checkpoint lacks, left freshly initialised (e.g. the
            pooler of an HF `BertForMaskedLM` file); empty in a strict load.
        architecture: the HF class the file was written by (config.json ``architectures`` or
            inferred from its weights), e.g. ``"BertForSequenceClassification"``.
        head_weights: task-head arrays of the file by HF name (``classifier.*``,
            ``qa_outputs.*``, ``cls.*``); `task_model` loads them.
        id2label: label names by class id from config.json, or None.
        classifier_dropout: config.json ``classifier_dropout`` (HF's head dropout), or None.
        task: the task model a `.keras` file holds (a `BertClassifier`, ...), or None;
            `task_model` returns it.
        tokenizer_options: the checkpoint's other tokenizer settings (`TokenizerSettings`
            fields such as ``strip_accents``, ``tokenize_chinese_chars``, ``never_split``).

    Example:
        >>> loaded = load_hf_checkpoint("all-MiniLM-L6-v2/")  # doctest: +SKIP
        >>> classifier = load_hf_checkpoint("sst2-bert/").task_model()  # doctest: +SKIP
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
    initialized: list[str] = dataclasses.field(default_factory=list)
    architecture: str | None = None
    head_weights: dict[str, np.ndarray] = dataclasses.field(default_factory=dict, repr=False)
    id2label: dict[int, str] | None = None
    classifier_dropout: float | None = None
    max_chars_per_word: int | None = None
    task: Any = None
    tokenizer_options: dict[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def has_heads(self) -> bool:
        """True when ``model`` is a `BertPretrainer` with the checkpoint's MLM/NSP heads."""
        return self.model is not self.backbone

    def task_model(self, strict: bool = False) -> Any:
        """The bert_tf task model of the checkpoint's head, holding the head's weights.

        `BertClassifier` (HF `BertForSequenceClassification`; ``num_classes`` from the head,
        checked against ``id2label``), `BertTokenClassifier` (`BertForTokenClassification`),
        `BertSpanLabeler` (`BertForQuestionAnswering`) or `BertPretrainer` (`BertForPreTraining`,
        `BertForMaskedLM`, `BertForNextSentencePrediction`; a head the file lacks is freshly
        initialised with a `CheckpointWarning`, or an error when ``strict``). The model is
        built around ``self.backbone`` (shared, not copied). A `.keras` file's own task
        model (``self.task``) is returned as it is.

        Raises:
            ValueError: the checkpoint has no head that a bert_tf task model holds.
        """
        from bert_tf.checkpoints.task_heads import build_task_model

        return build_task_model(self, strict=strict)

    def tokenizer_settings(self) -> Any:
        """The `bert_tf.text.tokenizer_settings.TokenizerSettings` of this checkpoint."""
        from bert_tf.text.tokenizer_settings import TokenizerSettings

        return TokenizerSettings(self.lower_case, self.max_chars_per_word, **self.tokenizer_options)

    def make_tokenizer(self, vocab_file: str | Path | None = None) -> Any:
        """A `BertTokenizer` with this checkpoint's casing and word limit over ``vocab_file``
        (default: the checkpoint's own vocabulary; ValueError when it has none)."""
        from bert_tf.text.bert_tokenizer import BertTokenizer

        vocab = vocab_file if vocab_file is not None else self.vocab_file
        if vocab is None:
            raise ValueError(f"{self.source}: has no vocab.txt; pass a vocabulary file")
        options = self.tokenizer_settings().tokenizer_options()
        return BertTokenizer(Path(vocab), **options)

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
