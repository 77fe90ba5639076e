"""With every option on, the tokenizer and preprocessor export only ops that the
tensorflow/serving:2.16.1 image registers (`bert_tf/export/serving_ops.txt`), and give the
same outputs after a SavedModel round trip."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from bert_tf.export import check_serving_ops, serving_ops_used
from bert_tf.text import BertPreprocessor, BertTokenizer

# The tf-text ops a bert_tf graph may use; RegexSplitWithOffsets only for special tokens in text.
TEXT_OPS = {"FastBertNormalize", "FastWordpieceTokenizeWithOffsets", "RegexSplitWithOffsets"}
OPTION_SETS = {
    "special_tokens_unsplit_cjk": {
        "special_tokens_in_strings": True,
        "never_split": ["<e1>"],
        "tokenize_chinese_chars": False,
        "strip_accents": False,
    },
    "whitespace": {"do_basic_tokenize": False, "lower_case": False},
}


class Serving(tf.Module):
    def __init__(self, preprocessor):
        super().__init__()
        self.preprocessor = preprocessor

    @tf.function(input_signature=[tf.TensorSpec([None], tf.string)] * 2)
    def serve(self, text_a, text_b):
        return self.preprocessor((text_a, text_b))


@pytest.mark.slow
@pytest.mark.parametrize("name", OPTION_SETS)
def test_options_export_serving_ops_only(minilm_vocab, tmp_path, name):
    tokenizer = BertTokenizer(minilm_vocab, **OPTION_SETS[name])
    preprocessor = BertPreprocessor(
        tokenizer, seq_length=24, return_offsets=True, return_special_tokens_mask=True
    )
    module = Serving(preprocessor)
    texts = (tf.constant(["Héllo [MASK] 的人有 x<e1>y", "", "don't"]), tf.constant(["a", "b", ""]))
    expected = module.serve(*texts)
    tf.saved_model.save(module, str(tmp_path), signatures={"serving_default": module.serve})
    assert check_serving_ops(tmp_path) == []
    used = serving_ops_used(tmp_path)
    assert {op for op in used if op in TEXT_OPS or ">" in op} <= TEXT_OPS
    restored = tf.saved_model.load(str(tmp_path))
    got = restored.serve(*texts)
    for key, value in expected.items():
        np.testing.assert_array_equal(value, got[key])
