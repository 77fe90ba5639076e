"""Convert the tokenizer's UTF-8 byte offsets into Python string (character) offsets.

Example:
    >>> byte_to_char_offsets("né x", [0, 4], [3, 5])
    (array([0, 3]), array([2, 4]))
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def byte_to_char_offsets(
    text: str, starts: Sequence[int] | np.ndarray, ends: Sequence[int] | np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Map byte offsets into `text.encode("utf-8")` to character offsets into `text`.

    Args:
        text: the string that was tokenized.
        starts: start byte offsets (inclusive), e.g. from `tokenize_with_offsets`.
        ends: end byte offsets (exclusive).

    Returns:
        (char_starts, char_ends) as int64 arrays, so that `text[s:e]` is the piece's span.
    """
    data = np.frombuffer(text.encode("utf-8"), np.uint8)
    lead = (data & 0xC0) != 0x80  # [bytes] True where a character starts
    char_at = np.concatenate([np.cumsum(lead) - 1, [len(text)]]).astype(np.int64)  # [bytes+1]
    starts = np.asarray(starts, np.int64)
    ends = np.asarray(ends, np.int64)
    if starts.size and (starts.min() < 0 or ends.max() > data.size):
        raise ValueError(f"byte offsets fall outside the {data.size}-byte string")
    char_ends = np.where(ends > 0, char_at[np.maximum(ends - 1, 0)] + 1, 0)
    return char_at[starts], char_ends
