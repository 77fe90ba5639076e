"""Task metrics (GLUE, SQuAD EM/F1, entity F1 for tagging) and SQuAD answer post-processing.

Heavy libraries (scikit-learn, SciPy, seqeval) load only when a metric runs.

Example:
    >>> from bert_tf.evaluation import squad_v1_metrics
    >>> squad_v1_metrics({"q1": ["Denver Broncos"]}, {"q1": "the Denver Broncos"})["exact_match"]
    100.0
"""

from bert_tf.evaluation.glue_metrics import glue_metrics
from bert_tf.evaluation.squad_metrics import (
    exact_match,
    normalize_answer,
    squad_gold_answers,
    squad_v1_f1,
    squad_v1_metrics,
    squad_v2_f1,
    squad_v2_metrics,
)
from bert_tf.evaluation.squad_postprocessing import (
    NbestEntry,
    SquadPrediction,
    SquadWindow,
    postprocess_squad,
)
from bert_tf.evaluation.tagging_metrics import conlleval_metrics, entity_metrics, read_conlleval

__all__ = [
    "NbestEntry",
    "SquadPrediction",
    "SquadWindow",
    "conlleval_metrics",
    "entity_metrics",
    "exact_match",
    "glue_metrics",
    "normalize_answer",
    "postprocess_squad",
    "read_conlleval",
    "squad_gold_answers",
    "squad_v1_f1",
    "squad_v1_metrics",
    "squad_v2_f1",
    "squad_v2_metrics",
]
