"""`bert-tf vocab` and `bert-tf tokenize` through `bert_tf.cli.main`."""

from __future__ import annotations

import json

from bert_tf.cli import main


def test_tokenize_pairs_and_singles(minilm_vocab, tmp_path, capsys):
    source = tmp_path / "pairs.tsv"
    source.write_text("Hello world\tHow are you?\nCafé\tx\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    args = ["tokenize", "--vocab", str(minilm_vocab), "--seq-length", "12"]
    assert main([*args, "--pair", "--input", str(source), "--output", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert rows[0]["input_word_ids"] == [101, 7592, 2088, 102, 2129, 2024, 2017, 1029, 102, 0, 0, 0]
    assert rows[0]["input_type_ids"] == [0] * 4 + [1] * 5 + [0] * 3
    assert rows[1]["input_mask"] == [1] * 5 + [0] * 7
    assert main([*args, "--input", str(source)]) == 0
    singles = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(singles) == 2 and set(singles[0]["input_type_ids"]) == {0}


def test_tokenize_pair_without_tab_fails(minilm_vocab, tmp_path, capsys):
    source = tmp_path / "bad.tsv"
    source.write_text("a\tb\nno tab here\n", encoding="utf-8")
    code = main(["tokenize", "--vocab", str(minilm_vocab), "--pair", "--input", str(source)])
    assert code == 2 and "line 2" in capsys.readouterr().err


def test_tokenize_missing_vocab(tmp_path, capsys):
    assert main(["tokenize", "--vocab", str(tmp_path / "none.txt")]) == 2
    assert "none.txt" in capsys.readouterr().err


def test_vocab_command(small_corpus, tmp_path, capsys):
    out = tmp_path / "out" / "vocab.txt"
    args = ["vocab", "--input", str(small_corpus), "--vocab-size", "1500", "--output", str(out)]
    assert main([*args, "--no-progress", "--workers", "2", "--heldout", str(small_corpus)]) == 0
    stats = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert stats["vocab_size"] == 1500 == len(out.read_text(encoding="utf-8").splitlines())
    assert stats["words"] > 40_000 and stats["unk_rate"] < 0.001 and stats["seconds"] > 0
    assert 1.0 < stats["tokens_per_word"] == stats["heldout_tokens_per_word"] < 1.5
    config = json.loads((out.parent / "tokenizer_config.json").read_text(encoding="utf-8"))
    assert config["lower_case"] is True and config["do_lower_case"] is True
    assert main([*args, "--cased", "--no-progress"]) == 0  # casing is recorded
    config = json.loads((out.parent / "tokenizer_config.json").read_text(encoding="utf-8"))
    assert config["lower_case"] is False and config["vocab_file"] == "vocab.txt"


def test_vocab_command_bad_input(tmp_path, capsys):
    args = ["vocab", "--vocab-size", "100", "--output", str(tmp_path / "v.txt"), "--no-progress"]
    assert main([*args, "--input", str(tmp_path / "none.txt")]) == 2
    assert "none.txt" in capsys.readouterr().err
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"ok\n\xc3(\n")
    assert main([*args, "--input", str(bad)]) == 2
    assert "bad.txt: invalid UTF-8 at byte 3" in capsys.readouterr().err
