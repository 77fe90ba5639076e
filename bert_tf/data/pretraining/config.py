"""Settings of one pre-training data job (google-research/bert's flags, as a frozen dataclass)."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class PretrainingDataConfig:
    """What `create_pretraining_data` builds; every field is recorded in the stats JSON.

    Args:
        max_seq_length: tokens per instance, [CLS] and both [SEP] included.
        max_predictions_per_seq: most masked positions per instance.
        masked_lm_prob: share of an instance's tokens to mask (before the cap above).
        dupe_factor: passes over every document, each with different pairs and masks.
        short_seq_prob: chance that a document's target length is drawn shorter.
        whole_word_masking: mask every WordPiece of a word together.
        seed: seeds every chunk's random generator (with the chunk's file and index).
        num_shards: output TFRecord files.
        compression: None or "GZIP" (files named `.tfrecord.gz`).
        plain_text: input lines are running text to split into sentences, not one
            sentence per line. Blank lines separate documents in both modes.
        lower_case: the tokenizer lower-cases and strips accents (uncased vocab).
        chunk_bytes: text per work unit. Random-next segments come from documents of the
            same chunk, and the instances of a chunk are shuffled together.

    Example:
        >>> PretrainingDataConfig(max_seq_length=64, dupe_factor=5).max_num_tokens
        61
    """

    max_seq_length: int = 128
    max_predictions_per_seq: int = 20
    masked_lm_prob: float = 0.15
    dupe_factor: int = 1
    short_seq_prob: float = 0.1
    whole_word_masking: bool = False
    seed: int = 12345
    num_shards: int = 4
    compression: str | None = None
    plain_text: bool = False
    lower_case: bool = True
    chunk_bytes: int = 512 * 1024

    def __post_init__(self) -> None:
        if self.max_seq_length < 5:
            raise ValueError(f"max_seq_length must be at least 5, got {self.max_seq_length}")
        if not 1 <= self.max_predictions_per_seq <= self.max_seq_length:
            raise ValueError(
                "max_predictions_per_seq must be in [1, max_seq_length], got "
                f"{self.max_predictions_per_seq}"
            )
        if not 0.0 < self.masked_lm_prob < 1.0:
            raise ValueError(f"masked_lm_prob must be in (0, 1), got {self.masked_lm_prob}")
        if not 0.0 <= self.short_seq_prob <= 1.0:
            raise ValueError(f"short_seq_prob must be in [0, 1], got {self.short_seq_prob}")
        if self.dupe_factor < 1 or self.num_shards < 1 or self.chunk_bytes < 1:
            raise ValueError("dupe_factor, num_shards and chunk_bytes must be positive")
        if self.compression not in (None, "GZIP"):
            raise ValueError(f"compression must be None or 'GZIP', got {self.compression!r}")

    @property
    def max_num_tokens(self) -> int:
        """Tokens left for the two segments: [CLS] A [SEP] B [SEP]."""
        return self.max_seq_length - 3

    @property
    def file_suffix(self) -> str:
        return ".tfrecord.gz" if self.compression == "GZIP" else ".tfrecord"

    def to_dict(self) -> dict:
        return asdict(self)
