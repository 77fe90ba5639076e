"""BERT models: the backbone and one Keras model per task."""

from bert_tf.models.bert_backbone import BertBackbone
from bert_tf.models.bert_pretrainer import BertPretrainer

__all__ = ["BertBackbone", "BertPretrainer"]
