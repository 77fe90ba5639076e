"""The names of the model inputs every feature builder and serving signature produces.

Kept free of TensorFlow so task shapes can name the inputs without starting it; the windows
themselves are built in-graph (`window_ops`, `classification_windows`, `span_windows`,
`tagging_windows`).

Example:
    >>> MODEL_INPUTS
    ('input_word_ids', 'input_mask', 'input_type_ids')
"""

from __future__ import annotations

MODEL_INPUTS = ("input_word_ids", "input_mask", "input_type_ids")
