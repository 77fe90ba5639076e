"""A google-research checkpoint's tokenizer splits words of up to 200 characters, as its
`WordpieceTokenizer(max_input_chars_per_word=200)` does; everywhere else the limit is 100."""

from __future__ import annotations

from ckpt_helpers import google_variables, write_bert_config, write_tf1_checkpoint

from bert_tf.checkpoints import load_google_checkpoint
from bert_tf.tasks.model_sources import load_backbone


def test_google_checkpoint_tokenizer_allows_200_characters(tiny_pretrainer, tmp_path):
    prefix = write_tf1_checkpoint(google_variables(tiny_pretrainer), tmp_path)
    config_json = write_bert_config(tmp_path)
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "##a"]
    (tmp_path / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    loaded = load_google_checkpoint(prefix, config_json, with_heads=False)
    assert loaded.tokenizer.max_chars_per_word == 200
    assert loaded.tokenizer.tokenize("a" * 200).numpy().size == 200
    assert loaded.tokenizer.tokenize("a" * 201).numpy().tolist() == [1]
    _, tokenizer, _ = load_backbone(prefix)  # fine-tuning from it keeps the limit
    assert tokenizer.max_chars_per_word == 200
