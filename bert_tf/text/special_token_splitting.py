"""Keep special tokens written in the text whole: `"the [MASK] fox"` -> the, [MASK], fox.

HF tokenizers match their special (added) tokens in the raw text before normalizing it, and
keras-hub does the same with `special_tokens_in_strings=True`. `SpecialTokenSplitter` splits
each string at the listed tokens (longest first, case-sensitive; a tensorflow-text
`RegexSplitWithOffsets`, which the TF Serving image has) into pieces that are special tokens
and pieces of ordinary text, with their UTF-8 byte offsets.

Example:
    >>> splitter = SpecialTokenSplitter({"[MASK]": 103})
    >>> pieces, is_special, special_id, starts, ends = splitter.split(tf.constant(["a [MASK]"]))
    >>> pieces.to_list(), is_special.numpy().tolist(), special_id.numpy().tolist()
    ([[b'a ', b'[MASK]']], [False, True], [0, 103])
"""

from __future__ import annotations

import re

import tensorflow as tf
import tensorflow_text as tf_text


class SpecialTokenSplitter:
    """Splits strings at special tokens; `token_ids` maps each token to its id."""

    def __init__(self, token_ids: dict[str, int]) -> None:
        if not token_ids or any(not token for token in token_ids):
            raise ValueError("special tokens to keep whole must be non-empty strings")
        self.tokens = sorted(token_ids, key=lambda t: (-len(t.encode("utf-8")), t))
        self.ids = [int(token_ids[t]) for t in self.tokens]
        self.pattern = "|".join(re.escape(t) for t in self.tokens)

    def split(self, strings: tf.Tensor):
        """(pieces [B, (P)], is_special [P], id [P] (0 where not special), byte starts and
        ends [B, (P)]) of the [B] `strings`."""
        pieces, starts, ends = tf_text.regex_split_with_offsets(
            strings, self.pattern, self.pattern
        )  # [B, (P)]
        match = tf.equal(pieces.flat_values[:, None], tf.constant(self.tokens)[None])  # [P, K]
        is_special = tf.reduce_any(match, axis=1)  # [P]
        ids = tf.reduce_sum(tf.cast(match, tf.int32) * tf.constant(self.ids)[None], axis=1)
        return pieces, is_special, ids, starts, ends
