"""BERT's five special tokens: the one list every vocabulary, tokenizer and data job uses.

A vocabulary learned here starts with them in this order (`[PAD]` is id 0, as in
google-research/bert and HF); any vocabulary the tokenizer loads must hold all five.

Example:
    >>> SPECIAL_TOKENS
    ('[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]')
    >>> SPECIAL_TOKEN_ROLES["mask"]
    '[MASK]'
"""

from __future__ import annotations

# Role -> token, in vocabulary order.
SPECIAL_TOKEN_ROLES = {
    "pad": "[PAD]",
    "unk": "[UNK]",
    "cls": "[CLS]",
    "sep": "[SEP]",
    "mask": "[MASK]",
}
SPECIAL_TOKENS = tuple(SPECIAL_TOKEN_ROLES.values())


def missing_special_tokens(tokens: object) -> list[str]:
    """The special tokens absent from `tokens` (a vocabulary list, set or mapping)."""
    present = set(tokens)
    return [token for token in SPECIAL_TOKENS if token not in present]
