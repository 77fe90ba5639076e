"""Pre-training data: documents -> masked LM + NSP instances as sharded TFRecords, and back.

google-research/bert's `create_pretraining_data.py` semantics, streamed through bounded
chunks and built in parallel by one implementation (`chunk_processor.process_chunk`)
under two drivers: local processes (`local_driver`) or Apache Beam (`beam_driver`).

Example:
    >>> from bert_tf.data.pretraining import create_pretraining_data, read_pretraining_dataset
    >>> stats = create_pretraining_data(["corpus.txt"], "vocab.txt", "out", dupe_factor=5,
    ...                                 progress=False)  # doctest: +SKIP
    >>> dataset = read_pretraining_dataset("out/pretraining-*", 32, 128, 20)  # doctest: +SKIP

(`bert_tf.data.pretraining.create` has a small example that runs.)
"""

from bert_tf.data.pretraining.config import PretrainingDataConfig
from bert_tf.data.pretraining.create import create_pretraining_data


def __getattr__(name: str):
    # The reader imports TensorFlow; builder worker processes import this package without it.
    if name == "read_pretraining_dataset":
        from bert_tf.data.pretraining.reader import read_pretraining_dataset

        return read_pretraining_dataset
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["PretrainingDataConfig", "create_pretraining_data", "read_pretraining_dataset"]
