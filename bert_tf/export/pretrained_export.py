"""`export_fill_mask`: a pre-trained masked LM checkpoint -> a fill-mask SavedModel.

The checkpoint is anything `bert_tf.checkpoints.load_checkpoint` reads with its MLM head: a
`bert-tf pretrain` output directory (`backbone.keras` + `pretrainer.weights.h5`), an HF
`BertForMaskedLM` / `BertForPreTraining` directory, a google-research checkpoint with its
`cls/predictions` weights. The export tokenizes with the checkpoint's own settings, "[MASK]"
written in the text kept whole, and answers the `top_k` tokens of every mask.

Example:
    >>> export_fill_mask("runs/pretrain", "models/fill/1", top_k=5)  # doctest: +SKIP
    PosixPath('models/fill/1')
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


def export_fill_mask(
    checkpoint: str | os.PathLike,
    export_dir: str | os.PathLike,
    seq_length: int = 128,
    top_k: int = 5,
    **options: Any,
) -> Path | str:
    """Exports the masked-LM head of `checkpoint` as the "fill_mask" served task.

    Args:
        checkpoint: a checkpoint path with MLM head weights (see the module docstring).
        export_dir: the version directory to write, e.g. `models/NAME/1`.
        seq_length: tokens per text ([CLS] and [SEP] included); a [MASK] past it is dropped.
        top_k: candidates answered per mask.
        options: passed to `export_for_serving` (warmup, max_text_bytes, overwrite, ...).

    Raises:
        ValueError: the checkpoint has no MLM head, or no vocabulary.
    """
    from bert_tf.checkpoints import load_checkpoint
    from bert_tf.export.exporter import export_for_serving
    from bert_tf.text import BertPreprocessor

    loaded = load_checkpoint(checkpoint, with_heads=True, load_tokenizer=True)
    model = loaded.task_model()  # the pre-trainer with the file's heads, if it has them
    if not hasattr(model, "mlm_head"):
        raise ValueError(
            f"{checkpoint}: holds a {type(model).__name__}, not a masked LM; fill_mask needs "
            "a pre-training output or an HF BertForMaskedLM / BertForPreTraining checkpoint"
        )
    tokenizer = loaded.tokenizer or loaded.make_tokenizer()
    preprocessor = BertPreprocessor(tokenizer, seq_length)
    return export_for_serving(model, preprocessor, export_dir, "fill_mask", top_k=top_k, **options)
