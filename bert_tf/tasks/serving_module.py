"""`ServingModule`: the tf.Module that `export_for_serving` saves, base of the task modules.

It holds the Keras model and the `BertPreprocessor` (its tokenizer is TensorFlow ops, so
tokenization runs in the graph) and builds the four signatures of the serving contract:
`serving_default` (raw strings -> task answers), `serve_tokens` (BERT inputs -> raw head
outputs), `serve_examples` (serialized `tf.Example`s -> the serving_default outputs) and
`contract` (the tokenizer/task contract JSON). Subclasses implement `answer` and `heads`; each
task shape names its subclass (`TaskShape.serving_module`).

Example:
    >>> module = ClassificationModule(classifier, preprocessor, ["neg", "pos"])  # doctest: +SKIP
    >>> sorted(module.signatures("{}"))  # doctest: +SKIP
    ['contract', 'serve_examples', 'serve_tokens', 'serving_default']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import tensorflow as tf

from bert_tf.models.bert_backbone import INPUT_NAMES

MAX_TEXT_BYTES = 1_000_000  # default limit on one input string (a clear INVALID_ARGUMENT)


class _Untracked:
    """A plain holder: what it keeps is not saved as part of the tf.Module."""

    def __init__(self, **items: Any) -> None:
        self.__dict__.update(items)


class ServingModule(tf.Module):
    """Model + preprocessor + the signature functions of one task shape.

    Args:
        model: the Keras task model (or `BertBackbone` for embeddings).
        preprocessor: the `BertPreprocessor` the model was trained with.
        label_names: class / tag names in index order.
        settings: task settings stored in the contract (doc_stride, stride, ...).
        pair: whether `serving_default` takes a `text_pair` input (classification, embedding).
        max_text_bytes: longest input string accepted, in UTF-8 bytes.
        served_task: the task name the contract records (default: the class's `task`).
    """

    task = ""
    accepts_pair = False  # whether `pair=True` (a `text_pair` input) applies to this shape
    token_rank = 2  # rank of the `serve_tokens` inputs: [B, T], or [B, K, T] with a choice axis
    list_inputs: tuple[str, ...] = ()  # inputs that take a list of strings per row [B, K]
    text_inputs: tuple[str, ...] = ("text",)
    outputs: tuple[str, ...] = ()
    token_outputs: tuple[str, ...] = ()

    def __init__(
        self,
        model: Any,
        preprocessor: Any,
        label_names: Sequence[str] | None = None,
        settings: Mapping[str, Any] | None = None,
        pair: bool = False,
        max_text_bytes: int = MAX_TEXT_BYTES,
        served_task: str | None = None,
        jit_compile: bool = False,
    ) -> None:
        super().__init__(name="bert_tf_serving")
        self.task = served_task or type(self).task
        if pair and not self.accepts_pair:
            raise ValueError(f"pair=True applies to classification and embeddings, not {self.task}")
        self.model = model
        # The preprocessor and tokenizer hold no variables (their tables are graph constants);
        # leaving them out of tracking spares the saver a walk over 30k-entry vocab containers.
        self._text = _Untracked(preprocessor=preprocessor, tokenizer=preprocessor.tokenizer)
        self.seq_length = int(preprocessor.seq_length)
        self._label_names = tuple(str(name) for name in (label_names or ()))
        self._settings = dict(settings or {})
        self.pair = bool(pair)
        if max_text_bytes < 1:
            raise ValueError(f"max_text_bytes must be positive, got {max_text_bytes}")
        self.max_text_bytes = int(max_text_bytes)
        shape = [None] * self.token_rank
        token_specs = {k: tf.TensorSpec(shape, tf.int32, name=k) for k in INPUT_NAMES}
        # Held outside tf.Module tracking: saving re-traces every tracked tf.function (in the save
        # context), which would trace the whole tokenizer graph a second time.
        # jit_compile: the model and heads as one XLA cluster (text ops stay outside it).
        self.jit_compile = bool(jit_compile)
        self._functions = _Untracked(
            heads=tf.function(
                self.heads,
                input_signature=[token_specs],
                autograph=False,
                jit_compile=self.jit_compile or None,
            )  # fmt: skip
        )

    @property
    def preprocessor(self) -> Any:
        return self._text.preprocessor

    @property
    def tokenizer(self) -> Any:
        return self._text.tokenizer

    @property
    def label_names(self) -> list[str]:
        return list(self._label_names)

    @property
    def settings(self) -> dict[str, Any]:
        return dict(self._settings)

    @property
    def input_names(self) -> tuple[str, ...]:
        return self.text_inputs

    def input_rank(self, name: str) -> int:
        """1 for a string per row; 2 for a list of strings per row (padded with "")."""
        return 2 if name in self.list_inputs else 1

    # --- what subclasses implement -----------------------------------------------------
    def heads(self, tokens: dict[str, tf.Tensor]) -> dict[str, tf.Tensor]:
        """Raw head outputs for BERT inputs (`serve_tokens`)."""
        raise NotImplementedError

    def answer(self, inputs: dict[str, tf.Tensor]) -> dict[str, tf.Tensor]:
        """Task answers for raw strings (`serving_default`)."""
        raise NotImplementedError

    def sample_tokens(self, inputs: dict[str, tf.Tensor]) -> dict[str, tf.Tensor]:
        """`serve_tokens` inputs for raw `serving_default` inputs (warm-up requests): the
        preprocessor's packing of the text inputs (a pair when there are two)."""
        segments = [inputs[name] for name in self.input_names]
        return self.preprocessor(tuple(segments) if len(segments) == 2 else segments[0])

    # --- shared pieces -----------------------------------------------------------------
    def run_model(self, tokens: dict[str, tf.Tensor]) -> dict[str, tf.Tensor]:
        """The heads on (windowed) token rows, through the one traced model function."""
        return self._functions.heads({key: tf.cast(tokens[key], tf.int32) for key in INPUT_NAMES})

    def check_inputs(self, inputs: dict[str, tf.Tensor]) -> list[tf.Operation]:
        """Assertions: every input string fits `max_text_bytes`; all inputs share one batch."""
        checks = []
        first = self.input_names[0]
        for name in self.input_names:
            lengths = tf.reshape(tf.strings.length(inputs[name]), [-1])  # every string
            longest = tf.reduce_max(tf.concat([lengths, [0]], 0))
            checks.append(
                tf.debugging.assert_less_equal(
                    longest,
                    self.max_text_bytes,
                    message=f"an input '{name}' string is longer than this model's limit of "
                    f"{self.max_text_bytes} UTF-8 bytes (max_text_bytes)",
                )
            )
            if name != first:
                checks.append(
                    tf.debugging.assert_equal(
                        tf.shape(inputs[name])[0],
                        tf.shape(inputs[first])[0],
                        message=f"inputs '{first}' and '{name}' must have the same batch size",
                    )
                )
        return checks

    def _checked_answer(self, inputs: dict[str, tf.Tensor]) -> dict[str, tf.Tensor]:
        with tf.control_dependencies(self.check_inputs(inputs)):
            inputs = {key: tf.identity(value) for key, value in inputs.items()}
        return self.answer(inputs)

    # --- signatures --------------------------------------------------------------------
    def signatures(self, contract_json: str) -> dict[str, Any]:
        """Concrete functions keyed by signature name."""
        names = self.input_names
        specs = {n: tf.TensorSpec([None] * self.input_rank(n), tf.string, name=n) for n in names}
        answer = tf.function(self._checked_answer, input_signature=[specs], autograph=False)

        @tf.function(input_signature=[specs[n] for n in names], autograph=False)
        def serving_default(*strings):
            return answer(dict(zip(names, strings)))

        @tf.function(
            input_signature=[tf.TensorSpec([None], tf.string, name="examples")], autograph=False
        )
        def serve_examples(examples):
            spec = {
                name: tf.io.RaggedFeature(tf.string)
                if self.input_rank(name) == 2
                else tf.io.FixedLenFeature([], tf.string)
                for name in names
            }
            parsed = tf.io.parse_example(examples, spec)
            dense = {  # a list input's rows are padded with "" (absent) to the longest
                name: value.to_tensor("") if isinstance(value, tf.RaggedTensor) else value
                for name, value in parsed.items()
            }
            return answer(dense)

        @tf.function(
            input_signature=[
                tf.TensorSpec([None] * self.token_rank, tf.int32, name=k) for k in INPUT_NAMES
            ],
            autograph=False,
        )
        def serve_tokens(input_word_ids, input_mask, input_type_ids):
            return self.run_model(
                {
                    "input_word_ids": input_word_ids,
                    "input_mask": input_mask,
                    "input_type_ids": input_type_ids,
                }
            )

        # One string input: TF Serving's REST API cannot call a signature without inputs.
        @tf.function(
            input_signature=[tf.TensorSpec([None], tf.string, name="request")], autograph=False
        )
        def contract(request):  # [N] any strings -> [N] the contract JSON
            return {"contract": tf.fill(tf.shape(request), contract_json)}

        return {
            "serving_default": serving_default.get_concrete_function(),
            "serve_examples": serve_examples.get_concrete_function(),
            "serve_tokens": serve_tokens.get_concrete_function(),
            "contract": contract.get_concrete_function(),
        }
