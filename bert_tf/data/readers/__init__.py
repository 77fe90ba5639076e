"""Task readers for the public formats: GLUE TSVs, SQuAD JSON, CoNLL-2003, generic CSV/JSONL.

Every reader returns typed records and raises `MalformedInputError` (file:line and the
problem) on a bad row; with `skip_malformed=True` bad rows are counted and reported instead.

Example:
    >>> from bert_tf.data.readers import GLUE_TASKS, read_squad, read_conll
    >>> sorted(GLUE_TASKS)[:3]
    ['cola', 'mnli', 'mnli-mm']
"""

from bert_tf.data.readers.conll import detect_scheme, iob1_to_iob2, read_conll
from bert_tf.data.readers.generic import read_csv, read_jsonl, read_text_examples
from bert_tf.data.readers.glue import (
    GLUE_TASKS,
    GlueTask,
    glue_split_file,
    glue_task_name,
    read_glue,
)
from bert_tf.data.readers.malformed_input_error import MalformedInputError
from bert_tf.data.readers.records import SquadAnswer, SquadExample, TaggingExample, TextExample
from bert_tf.data.readers.squad import load_squad_json, read_squad

__all__ = [
    "GLUE_TASKS",
    "GlueTask",
    "MalformedInputError",
    "SquadAnswer",
    "SquadExample",
    "TaggingExample",
    "TextExample",
    "detect_scheme",
    "glue_split_file",
    "glue_task_name",
    "iob1_to_iob2",
    "load_squad_json",
    "read_conll",
    "read_csv",
    "read_glue",
    "read_jsonl",
    "read_squad",
    "read_text_examples",
]
