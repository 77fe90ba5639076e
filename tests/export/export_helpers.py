"""Shared inputs and the Python-side references of the export tests."""

from __future__ import annotations

import numpy as np

SEQ = 32
TINY = dict(num_layers=2, hidden_size=64, num_heads=2, intermediate_size=128)
CONTEXT = (
    "The Normans were the people who in the 10th and 11th centuries gave their name to "
    "Normandy, a région in France. They were descended from Norse raiders and pirates from "
    "Denmark, Iceland and Norway who, under their leader Rollo, agreed to swear fealty to "
    "King Charles III of West Francia. Through generations of assimilation and mixing with "
    "the native Frankish and Roman-Gaulish populations, their descendants would gradually "
    "merge with the Carolingian-based cultures of West Francia."
)
TEXTS = [
    "Peter Blackburn visited Brussels in May, said the Zürich-based EU's spokesman.",
    "",
    "Rollo agreed to swear fealty to King Charles III of West Francia, and the Normans "
    "were descended from Norse raiders, pirates and traders from Denmark and Norway.",
    "東京 is big!",
]
PAIRS = ["He went to Belgium.", "An empty first text.", "Short.", "Tokyo"]
TAGS = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-MISC", "I-MISC"]


SPAN_SETTINGS = dict(
    doc_stride=8, max_query_length=10, n_best_size=5, max_answer_length=6,
    version_2_with_negative=True, null_score_threshold=0.05,
)  # fmt: skip


def words_with_spans(tokenizer, text: str) -> list[tuple[int, int]]:
    """BERT's pre-token words of `text` as character spans: a word starts at every word piece
    that is not a ## continuation (the serving tagger's words, computed in Python)."""
    from bert_tf.text import byte_to_char_offsets

    ids, starts, ends = tokenizer.tokenize_with_offsets([text])
    char_starts, char_ends = byte_to_char_offsets(text, starts[0].numpy(), ends[0].numpy())
    spans: list[list[int]] = []
    for token, start, end in zip(ids[0].numpy(), char_starts, char_ends):
        if tokenizer.id_to_token(int(token)).startswith("##"):
            spans[-1][1] = int(end)
        else:
            spans.append([int(start), int(end)])
    return [tuple(span) for span in spans]


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)
