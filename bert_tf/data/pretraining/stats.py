"""Counts gathered per chunk, summed by the drivers, summarised into the stats JSON.

Example:
    >>> stats = PretrainingStats()
    >>> stats.add({"instances": 10, "random_next": 5})
    >>> stats.summary()["random_next_rate"]
    0.5
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping

from bert_tf.data.pretraining import file_io

COUNTS = (
    "chunks",
    "documents",
    "document_pieces",
    "donors",
    "sentences",
    "empty_sentences",
    "input_bytes",
    "corpus_tokens",
    "unk_tokens",
    "instances",
    "instance_tokens",
    "truncated",
    "random_next",
    "same_document_negatives",
    "forced_random_next",
    "masked",
    "mask_token",
    "random_token",
    "unchanged",
)


def _rate(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


class PretrainingStats:
    """Running totals of `COUNTS`; `summary()` adds the rates the issue asks for."""

    def __init__(self) -> None:
        self.counts: Counter = Counter({name: 0 for name in COUNTS})

    def add(self, counts: Mapping[str, int]) -> None:
        unknown = set(counts) - set(COUNTS)
        if unknown:
            raise ValueError(f"unknown stats counters {sorted(unknown)}")
        self.counts.update(counts)

    def summary(self, **extra) -> dict:
        c = self.counts
        return {
            **{name: int(c[name]) for name in COUNTS},
            "truncation_rate": _rate(c["truncated"], c["instances"]),
            "random_next_rate": _rate(c["random_next"], c["instances"]),
            # Among pairs that had a choice (more than one sentence gathered): the 50% coin.
            "coin_random_next_rate": _rate(
                c["random_next"] - c["forced_random_next"],
                c["instances"] - c["forced_random_next"],
            ),
            "unk_rate": _rate(c["unk_tokens"], c["corpus_tokens"]),
            "masked_fraction": _rate(c["masked"], c["instance_tokens"]),
            "masked_per_instance": _rate(c["masked"], c["instances"]),
            "mask_token_rate": _rate(c["mask_token"], c["masked"]),
            "random_token_rate": _rate(c["random_token"], c["masked"]),
            "unchanged_rate": _rate(c["unchanged"], c["masked"]),
            **extra,
        }

    @staticmethod
    def write(path: str, summary: dict) -> None:
        text = json.dumps(summary, indent=2, sort_keys=True) + "\n"
        file_io.write_bytes(path, text.encode("utf-8"))
