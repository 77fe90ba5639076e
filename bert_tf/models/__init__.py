"""BERT models: the backbone and one Keras model per task."""

from bert_tf.models.bert_backbone import BertBackbone
from bert_tf.models.bert_classifier import BertClassifier
from bert_tf.models.bert_pretrainer import BertPretrainer
from bert_tf.models.bert_span_labeler import PADDING_LOGIT, BertSpanLabeler
from bert_tf.models.bert_token_classifier import IGNORE_LABEL, BertTokenClassifier

__all__ = [
    "IGNORE_LABEL",
    "PADDING_LOGIT",
    "BertBackbone",
    "BertClassifier",
    "BertPretrainer",
    "BertSpanLabeler",
    "BertTokenClassifier",
]
