"""`TaggingModule`: serving signatures of `BertTokenClassifier` (NER and other IOB tagging).

`serving_default` takes raw `text`. Its words are BERT's own pre-tokens (whitespace and
punctuation splits): the tokenizer's word pieces with character offsets, a word starting at
every piece that is not a `##` continuation. As in `TaggingFeatures`, the pieces are read in
windows of `seq_length - 2` every `stride` (default half a window) and each word takes the
logits of its first piece from the window where that piece is most central
(`word_logits`); the argmax tags are decoded into entities with conlleval's chunk rules
(`entity_decoding`). Outputs, padded to the batch's most entities with "" and -1:
`entity_label` (type, e.g. "PER"), `entity_start_char`, `entity_end_char` (characters into
the original text, end exclusive), `entity_text`, and `entity_count` [B].

Example:
    >>> module = TaggingModule(tagger, preprocessor, ["O", "B-PER", "I-PER"])  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

import numpy as np
import tensorflow as tf

from bert_tf.data.features.tagging_windows import tagging_windows
from bert_tf.data.features.window_ops import byte_to_char
from bert_tf.tasks.entity_decoding import decode_entities
from bert_tf.tasks.serving_module import ServingModule
from bert_tf.tasks.tensor_ops import first_argmax, substrings


class TaggingModule(ServingModule):
    """Signatures of a token tagger; see the module docstring."""

    task = "tagging"
    outputs = (
        "entity_label",
        "entity_start_char",
        "entity_end_char",
        "entity_text",
        "entity_count",
    )
    token_outputs = ("logits",)

    def __init__(self, model: Any, preprocessor: Any, label_names=None, settings=None, **kwargs):
        seq_length = int(preprocessor.seq_length)
        stride = (settings or {}).get("stride")
        stride = max(1, (seq_length - 2) // 2) if stride is None else int(stride)
        if stride <= 0 or seq_length < 3:
            raise ValueError(f"tagging needs seq_length >= 3 and a positive stride, got {stride}")
        super().__init__(model, preprocessor, label_names, {"stride": stride}, **kwargs)
        if len(self._label_names) < 2:
            raise ValueError("a tagging export needs its tag names (label_names)")
        vocab = self.tokenizer.vocab
        self._starts_word = np.array([not token.startswith("##") for token in vocab])

    def heads(self, tokens: dict[str, tf.Tensor]) -> dict[str, tf.Tensor]:
        return {"logits": tf.cast(self.model(tokens, training=False), tf.float32)}  # [B, T, C]

    def answer(self, inputs: dict[str, tf.Tensor]) -> dict[str, tf.Tensor]:
        tokenizer, T = self.tokenizer, self.seq_length
        text = inputs["text"]
        ids, byte_starts, byte_ends = tokenizer.tokenize_with_offsets(text)  # [B, (N)]
        ids = tf.cast(ids, tf.int64)
        starts_word = tf.gather(self._starts_word, ids.flat_values)  # [N]
        windows = tagging_windows(tokenizer, ids, T, self._settings["stride"])  # as training
        row, start, end = windows["row"], windows["start"], windows["end"]  # [W]
        logits = self.run_model(windows)["logits"]  # [W, T, C]
        central = windows["token_is_max_context"].flat_values  # [N_w]
        positions = tf.ragged.range(start, end)  # [W, (L)] piece index within its row
        window = tf.cast(positions.value_rowids(), tf.int64)
        key = positions.flat_values + tf.gather(ids.row_splits, tf.gather(row, window))  # [N_w]
        within = positions.flat_values - tf.gather(start, window) + 1  # after [CLS]
        picked = central & tf.gather(starts_word, key)  # each word's first piece, once
        at = tf.boolean_mask(tf.stack([window, within], -1), picked)
        piece_logits = tf.scatter_nd(
            tf.boolean_mask(key, picked)[:, None],
            tf.gather_nd(logits, at),
            tf.stack([tf.size(starts_word, out_type=tf.int64), tf.shape(logits, tf.int64)[2]]),
        )  # [N, C], filled at first pieces
        word_logits = tf.boolean_mask(piece_logits, starts_word)  # [N_words, C]
        words_per_row = tf.reduce_sum(
            tf.cast(ids.with_flat_values(starts_word), tf.int64), axis=1
        )  # [B]
        tags = tf.RaggedTensor.from_row_lengths(first_argmax(word_logits), words_per_row)
        word = tf.cumsum(tf.cast(starts_word, tf.int64)) - 1  # [N] word of each piece
        n_words = tf.reduce_sum(words_per_row)
        word_start = tf.boolean_mask(byte_starts.flat_values, starts_word)  # [N_words] bytes
        word_end = tf.math.unsorted_segment_max(byte_ends.flat_values, word, n_words)
        entities = decode_entities(tags, self.label_names)  # [B, (E)]
        base = tf.gather(tags.row_splits, entities["first"].value_rowids())
        byte_start = tf.gather(word_start, entities["first"].flat_values + base)  # [E_total]
        byte_end = tf.gather(word_end, entities["last"].flat_values + base)
        as_ragged = entities["first"].with_flat_values
        start_char = byte_to_char(text, as_ragged(byte_start), is_end=False)
        end_char = byte_to_char(text, as_ragged(byte_end), is_end=True)
        rows = entities["first"].value_rowids()
        pieces = substrings(text, rows, byte_start, byte_end)
        return {
            "entity_label": entities["type"].to_tensor(""),
            "entity_start_char": as_ragged(start_char).to_tensor(-1),
            "entity_end_char": as_ragged(end_char).to_tensor(-1),
            "entity_text": as_ragged(pieces).to_tensor(""),
            "entity_count": entities["type"].row_lengths(),
        }
