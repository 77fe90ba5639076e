"""Data: everything between text files and model inputs.

- `offline_corpus`: real English that every install has (pydoc topics, package docstrings).
- `docstring_task`: a real 4-class task derived from it (sentence -> source library).
- `pretraining`: documents -> masked LM + NSP instances as sharded TFRecords (local and Beam
  drivers), and `read_pretraining_dataset` for training.
- `masking`: the same 80/10/10 rule applied per epoch in `tf.data` (dynamic masking).
- `tasks`: readers for GLUE TSV, SQuAD JSON, CoNLL-2003 and generic CSV/JSONL.
- `features`: task examples -> model features, with sliding windows over long inputs.
"""
