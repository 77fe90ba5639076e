"""`MultipleChoiceModule`: serving signatures of `BertMultipleChoice`.

`serving_default` takes `context` [B] and `choices` [B, K] (strings; a row with fewer choices
is padded with "", which is never chosen), packs every (context, choice) pair with
`pack_choices` exactly as fine-tuning did, and returns `choice` [B] (the chosen index, the
first on a tie) and `probabilities` [B, K] (softmax over the row's choices; 0 for padding).
`serve_tokens` takes BERT inputs `[B, K, T]` and returns the raw `logits` [B, K];
`serve_examples` reads `context` as one bytes value and `choices` as a bytes list.

Example:
    >>> module = MultipleChoiceModule(model, preprocessor)  # doctest: +SKIP
    >>> module.answer({"context": tf.constant(["He sat down"]),
    ...                "choices": tf.constant([["and read.", "and flew."]])})  # doctest: +SKIP
    {'choice': <tf.Tensor: ... numpy=array([0])>, 'probabilities': ...}
"""

from __future__ import annotations

import tensorflow as tf

from bert_tf.tasks.multiple_choice_task import pack_choices
from bert_tf.tasks.serving_module import ServingModule
from bert_tf.tasks.tensor_ops import first_argmax


class MultipleChoiceModule(ServingModule):
    """Signatures of a multiple-choice model; see the module docstring."""

    task = "multiple_choice"
    text_inputs = ("context", "choices")
    list_inputs = ("choices",)
    outputs = ("choice", "probabilities")
    token_outputs = ("logits",)
    token_rank = 3

    def heads(self, tokens: dict[str, tf.Tensor]) -> dict[str, tf.Tensor]:
        return {"logits": tf.cast(self.model(tokens, training=False), tf.float32)}  # [B, K]

    def sample_tokens(self, inputs: dict[str, tf.Tensor]) -> dict[str, tf.Tensor]:
        return pack_choices(self.preprocessor, inputs["context"], inputs["choices"])

    def answer(self, inputs: dict[str, tf.Tensor]) -> dict[str, tf.Tensor]:
        tokens = pack_choices(self.preprocessor, inputs["context"], inputs["choices"])
        logits = tf.cast(self.run_model(tokens)["logits"], tf.float64)  # [B, K]
        present = tf.strings.length(inputs["choices"]) > 0  # [B, K]
        logits = tf.where(present, logits, tf.constant(-1e30, tf.float64))
        probabilities = tf.where(present, tf.nn.softmax(logits, axis=-1), 0.0)
        return {
            "choice": first_argmax(logits),  # [B] the first best choice on a tie
            "probabilities": tf.cast(probabilities, tf.float32),  # [B, K]
        }
