"""Text layer: WordPiece tokenizer, vocabulary learning and BERT input packing (TF-only).

Example:
    >>> from bert_tf.text import BertTokenizer, BertPreprocessor
    >>> tokenizer = BertTokenizer("vocab.txt", lower_case=True)
    >>> preprocessor = BertPreprocessor(tokenizer, seq_length=128)
    >>> features = preprocessor((["a question?"], ["an answer."]))
"""

from bert_tf.text.bert_preprocessor import BertPreprocessor
from bert_tf.text.bert_tokenizer import BertTokenizer
from bert_tf.text.offsets import byte_to_char_offsets
from bert_tf.text.vocab_learning import count_words, learn_vocabulary, unk_rate, write_vocabulary

__all__ = [
    "BertPreprocessor",
    "BertTokenizer",
    "byte_to_char_offsets",
    "count_words",
    "learn_vocabulary",
    "unk_rate",
    "write_vocabulary",
]
