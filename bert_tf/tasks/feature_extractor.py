"""`FeatureExtractor`: per-token hidden states of chosen encoder layers (feature-based BERT).

Writes what google-research/bert's `extract_features.py` writes: one JSON object per input line,
`{"linex_index": i, "features": [{"token": "[CLS]", "layers": [{"index": -1, "values": [...]},
...]}, ...]}` with values rounded to 6 decimals, or the same as `tf.train.Example` records
(`linex_index`, `tokens`, `layer_indexes`, and `layer_<index>` = num_tokens * H floats).
An input line is one text, or two texts separated by ` ||| ` (a pair).

Example:
    >>> from bert_tf.tasks.model_sources import load_backbone
    >>> backbone, tokenizer, _ = load_backbone("bert_tiny", "vocab.txt")
    >>> extractor = FeatureExtractor(backbone, tokenizer, seq_length=64, layers=[-1, -2])
    >>> extractor.write(["Hello world.", "A ||| B"], "out.jsonl")
    2
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

PAIR_SEPARATOR = " ||| "


class FeatureExtractor:
    """Runs a (frozen) backbone over text lines and returns per-token layer outputs.

    Args:
        backbone: a `bert_tf.models.BertBackbone`.
        tokenizer: its `bert_tf.text.BertTokenizer`.
        seq_length: tokens per line including [CLS]/[SEP]; longer lines are truncated.
        layers: encoder layer indices (negative from the top), e.g. [-1, -2, -3, -4].
        batch_size: lines per forward pass.

    Example:
        >>> from bert_tf.tasks.model_sources import load_backbone
        >>> backbone, tokenizer, _ = load_backbone("bert_tiny", "vocab.txt")
        >>> FeatureExtractor(backbone, tokenizer, 32, [-1]).layers
        [-1]
    """

    def __init__(
        self,
        backbone: Any,
        tokenizer: Any,
        seq_length: int = 128,
        layers: Sequence[int] = (-1, -2, -3, -4),
        batch_size: int = 32,
    ) -> None:
        num_layers = backbone.config.num_layers
        self.layers = [int(i) for i in layers]
        if not self.layers or any(not -num_layers <= i < num_layers for i in self.layers):
            raise ValueError(f"layers {self.layers} must index the model's {num_layers} layers")
        self.backbone = backbone
        self.tokenizer = tokenizer
        self.seq_length = seq_length
        self.batch_size = batch_size

    def _pack(self, lines: Sequence[str]) -> dict[str, np.ndarray]:
        from bert_tf.data.features import ClassificationFeatures
        from bert_tf.data.readers import TextExample

        examples = []
        for index, line in enumerate(lines):
            text_a, sep, text_b = line.partition(PAIR_SEPARATOR)
            examples.append(TextExample(str(index), text_a, text_b if sep else None, None))
        pairs = [example.text_b is not None for example in examples]
        if any(pairs) and not all(pairs):  # pack singles and pairs separately, keep the order
            packed = [self._pack([line]) for line in lines]
            return {key: np.concatenate([p[key] for p in packed]) for key in packed[0]}
        return ClassificationFeatures(self.tokenizer, self.seq_length).build(examples)

    def extract(self, lines: Sequence[str]) -> Iterator[dict[str, Any]]:
        """Yields, per line, {"linex_index", "tokens", "layers": {index: [num_tokens, H]}}."""
        from bert_tf.data.features import MODEL_INPUTS

        for begin in range(0, len(lines), self.batch_size):
            packed = self._pack(lines[begin : begin + self.batch_size])
            inputs = {key: packed[key] for key in MODEL_INPUTS}
            outputs = self.backbone(inputs, training=False)["encoder_outputs"]  # L x [B, T, H]
            chosen = {i: np.asarray(outputs[i], dtype=np.float32) for i in self.layers}
            for row, mask in enumerate(packed["input_mask"]):
                length = int(mask.sum())
                ids = packed["input_word_ids"][row, :length]
                yield {
                    "linex_index": begin + row,
                    "tokens": [self.tokenizer.id_to_token(int(i)) for i in ids],
                    "layers": {i: values[row, :length] for i, values in chosen.items()},
                }

    @staticmethod
    def to_json(item: dict[str, Any]) -> dict[str, Any]:
        """The google-research JSON layout of one extracted line."""
        features = []
        for position, token in enumerate(item["tokens"]):
            layers = [
                {"index": index, "values": [round(float(v), 6) for v in values[position]]}
                for index, values in item["layers"].items()
            ]
            features.append({"token": token, "layers": layers})
        return {"linex_index": item["linex_index"], "features": features}

    @staticmethod
    def to_example(item: dict[str, Any]) -> bytes:
        """One serialized `tf.train.Example` of an extracted line."""
        import tensorflow as tf

        def ints(values):
            return tf.train.Feature(int64_list=tf.train.Int64List(value=values))

        feature = {
            "linex_index": ints([item["linex_index"]]),
            "tokens": tf.train.Feature(
                bytes_list=tf.train.BytesList(value=[t.encode() for t in item["tokens"]])
            ),
            "layer_indexes": ints(list(item["layers"])),
        }
        for index, values in item["layers"].items():
            feature[f"layer_{index}"] = tf.train.Feature(
                float_list=tf.train.FloatList(value=values.reshape(-1).tolist())
            )
        return tf.train.Example(features=tf.train.Features(feature=feature)).SerializeToString()

    def write(self, lines: Sequence[str], output: str | os.PathLike) -> int:
        """Writes `.jsonl` (JSON Lines) or `.tfrecord`; returns the number of lines written."""
        output = Path(output)
        if output.suffix not in (".jsonl", ".json", ".tfrecord"):
            raise ValueError(f"{output}: the output must end in .jsonl or .tfrecord")
        count = 0
        if output.suffix == ".tfrecord":
            import tensorflow as tf

            with tf.io.TFRecordWriter(str(output)) as writer:
                for item in self.extract(lines):
                    writer.write(self.to_example(item))
                    count += 1
            return count
        with open(output, "w", encoding="utf-8") as handle:
            for item in self.extract(lines):
                handle.write(json.dumps(self.to_json(item)) + "\n")
                count += 1
        return count
