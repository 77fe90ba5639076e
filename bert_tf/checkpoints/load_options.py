"""`LoadOptions`: what a caller may ask of a checkpoint load, whatever the format.

Example:
    >>> options = LoadOptions(with_heads=False)
    >>> options.casing(recorded=False), options.casing(recorded=None)
    (False, True)
    >>> LoadOptions(lower_case=True).casing(recorded=False)  # an explicit casing wins
    True
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from bert_tf.config import BertConfig


@dataclasses.dataclass(frozen=True)
class LoadOptions:
    """Settings for `CheckpointFormat.load`; a format ignores those that do not apply to it.

    Args:
        with_heads: keep the pre-training heads (return a `BertPretrainer`) when the
            checkpoint has them; False loads the backbone only.
        load_tokenizer: build `LoadedCheckpoint.tokenizer` when a vocabulary is found.
        lower_case: the tokenizer casing to use whatever the checkpoint records.
        default_lower_case: the casing where the checkpoint records none (google-research
            TF1, an HF directory without tokenizer_config.json, a bare `.keras` file).
        vocab_file: a vocabulary to use instead of the checkpoint's own.
        strict: HF: fail unless the file fills the model exactly (no fresh pooler or head).
        bert_config: google-research: its bert_config.json (default: beside the checkpoint).
        config: keras-weights: the architecture of a `.weights.h5` file, which holds none.
    """

    with_heads: bool = True  # a BertPretrainer when the checkpoint has MLM/NSP heads
    load_tokenizer: bool = False  # LoadedCheckpoint.tokenizer over the vocabulary found
    lower_case: bool | None = None  # None: what the checkpoint records
    default_lower_case: bool = True  # casing where the checkpoint records none
    vocab_file: str | Path | None = None  # None: the checkpoint's own vocabulary
    strict: bool = False  # HF only: no freshly initialised weight allowed
    bert_config: str | Path | None = None  # google-research only
    config: BertConfig | None = None  # .weights.h5 only

    def casing(self, recorded: bool | None) -> bool:
        """The casing to use: ``lower_case``, else ``recorded``, else ``default_lower_case``."""
        if self.lower_case is not None:
            return self.lower_case
        return self.default_lower_case if recorded is None else recorded

    def vocab_override(self) -> Path | None:
        """``vocab_file`` as a checked path, or None; FileNotFoundError when it is missing."""
        if self.vocab_file is None:
            return None
        path = Path(self.vocab_file)
        if not path.is_file():
            raise FileNotFoundError(f"vocab file not found: {path}")
        return path
