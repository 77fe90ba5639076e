"""Data: everything between text files and model inputs.

- `pretraining`: documents -> masked LM + NSP instances as sharded TFRecords (local and Beam
  drivers), and `read_pretraining_dataset` for training.
- `readers`: readers for GLUE TSV, SQuAD JSON, CoNLL-2003 and generic CSV/JSONL.
- `features`: task examples -> model features, with sliding windows over long inputs.

The embedded offline corpus and the task derived from it live in `bert_tf.datasets`.
"""
