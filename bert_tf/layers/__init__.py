"""Backend-agnostic Keras 3 layers of BERT (they import keras only, never tensorflow)."""

from bert_tf.layers.bert_embeddings import BertEmbeddings
from bert_tf.layers.masked_lm_head import MaskedLMHead
from bert_tf.layers.multi_head_self_attention import MultiHeadSelfAttention
from bert_tf.layers.next_sentence_head import NextSentenceHead
from bert_tf.layers.transformer_encoder_block import TransformerEncoderBlock

__all__ = [
    "BertEmbeddings",
    "MaskedLMHead",
    "MultiHeadSelfAttention",
    "NextSentenceHead",
    "TransformerEncoderBlock",
]
