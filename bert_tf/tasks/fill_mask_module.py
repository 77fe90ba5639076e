"""`FillMaskModule`: serving signatures of a `BertPretrainer` answering fill-mask requests.

`serving_default` tokenizes `text` with [MASK] written in it kept whole (the export's tokenizer
has `special_tokens_in_strings` on), runs the backbone and the masked-LM head at every [MASK]
and answers, per mask in text order, the `top_k` vocabulary entries of the softmax over the
whole vocabulary (HF `pipeline("fill-mask")`): `tokens` (string), `token_ids` (int32) and
`probabilities` (float32), each [B, M, k], and `mask_positions` [B, M] (token index in the
packed row). M is the most masks of a row in the batch, at least 1; a row with fewer masks is
padded with position -1, id -1, probability 0 and token "". A [MASK] cut off by `seq_length` is not
answered. `serve_tokens` takes BERT inputs and answers the same ids, probabilities and
positions.

Example:
    >>> module = FillMaskModule(pretrainer, preprocessor, settings={"top_k": 5})  # doctest: +SKIP
    >>> module.answer({"text": tf.constant(["Paris is the [MASK] of France."])})  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

import tensorflow as tf

from bert_tf.tasks.serving_module import ServingModule

DEFAULT_TOP_K = 5


def with_masks_in_text(preprocessor: Any) -> Any:
    """`preprocessor` with a tokenizer that reads "[MASK]" written in the text as the mask id."""
    from bert_tf.text import BertPreprocessor, BertTokenizer

    tokenizer = preprocessor.tokenizer
    if tokenizer.special_tokens_in_strings:
        return preprocessor
    config = {**tokenizer.get_config(), "special_tokens_in_strings": True}
    return BertPreprocessor(
        BertTokenizer.from_config(config),
        preprocessor.seq_length,
        truncation=preprocessor.truncation,
    )


class FillMaskModule(ServingModule):
    """Signatures of a pre-trained masked LM; see the module docstring."""

    task = "fill_mask"
    outputs = ("tokens", "token_ids", "probabilities", "mask_positions")
    token_outputs = ("token_ids", "probabilities", "mask_positions")

    def __init__(self, model: Any, preprocessor: Any, *args: Any, **kwargs: Any) -> None:
        if not hasattr(model, "mlm_head"):
            raise ValueError(
                f"fill_mask serves a model with a masked-LM head (BertPretrainer), "
                f"not a {type(model).__name__}"
            )
        preprocessor = with_masks_in_text(preprocessor)
        super().__init__(model, preprocessor, *args, **kwargs)
        top_k = int(self._settings.setdefault("top_k", DEFAULT_TOP_K))
        vocab_size = preprocessor.tokenizer.vocab_size
        if not 1 <= top_k <= vocab_size:
            raise ValueError(f"top_k must be in [1, {vocab_size}], got {top_k}")
        self.top_k = top_k
        self.mask_id = preprocessor.tokenizer.mask_id

    def heads(self, tokens: dict[str, tf.Tensor]) -> dict[str, tf.Tensor]:
        ids = tokens["input_word_ids"]  # [B, T]
        is_mask = tf.logical_and(tf.equal(ids, self.mask_id), tokens["input_mask"] > 0)
        num_masks = tf.reduce_sum(tf.cast(is_mask, tf.int32), axis=1)  # [B]
        most = tf.reduce_max(tf.concat([num_masks, [1]], 0))  # M (at least 1: one padding column)
        # The masks of each row first, in text order: the top M of (T - t) at masks, -t elsewhere.
        length = tf.shape(ids)[1]
        index = tf.range(length)[None, :]  # [1, T]
        key = tf.where(is_mask, length - index, -index)  # [B, T]
        positions = tf.math.top_k(key, k=most, sorted=True).indices  # [B, M]
        found = tf.range(most)[None, :] < num_masks[:, None]  # [B, M]
        sequence = self.model.backbone(tokens, training=False)["sequence_output"]  # [B, T, H]
        logits = self.model.mlm_head(sequence, positions)  # [B, M, V] float32
        best = tf.math.top_k(tf.nn.softmax(tf.cast(logits, tf.float32)), k=self.top_k)
        found_k = tf.broadcast_to(found[:, :, None], tf.shape(best.indices))  # [B, M, k]
        return {
            "token_ids": tf.where(found_k, best.indices, -1),  # [B, M, k]
            "probabilities": tf.where(found_k, best.values, 0.0),  # [B, M, k]
            "mask_positions": tf.where(found, positions, -1),  # [B, M]
        }

    def answer(self, inputs: dict[str, tf.Tensor]) -> dict[str, tf.Tensor]:
        outputs = self.run_model(self.preprocessor(inputs["text"]))
        vocab = tf.constant([*self.tokenizer.vocab, ""])  # [V + 1]: padding reads the last, ""
        ids = outputs["token_ids"]  # [B, M, k]
        tokens = tf.gather(vocab, tf.where(ids < 0, self.tokenizer.vocab_size, ids))  # [B, M, k]
        return {"tokens": tokens, **outputs}
