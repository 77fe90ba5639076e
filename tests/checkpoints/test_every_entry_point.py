"""Every checkpoint format through every entry point: one loader, the same weights and the
same tokenizer settings (casing, word limit) whichever way a checkpoint comes in.

Entry points: the registry (`CHECKPOINTS.load`), `load_checkpoint`, `BertBackbone.from_preset`,
`load_backbone` (`bert-tf finetune --init`, the pipeline's finetune.init, feature extraction),
`load_initial_checkpoint` (pre-training warm start) and `bert-tf convert`.
"""

from __future__ import annotations

import numpy as np
import pytest
from ckpt_helpers import TINY, randomize
from format_writers import KINDS, Written, write, write_vocab
from tfx.utils import path_utils

from bert_tf.checkpoints import CHECKPOINTS, FORMATS, load_checkpoint
from bert_tf.cli import main
from bert_tf.models import BertBackbone, BertPretrainer
from bert_tf.pipeline.finetune_trainer import resolve_base_model
from bert_tf.tasks.model_sources import load_backbone
from bert_tf.training.warm_start import copy_initial_weights, load_initial_checkpoint


@pytest.fixture(scope="module")
def source():
    pretrainer = BertPretrainer(BertBackbone(TINY))
    randomize(pretrainer, seed=11)
    return pretrainer


@pytest.fixture(scope="module")
def vocab(tmp_path_factory):
    return write_vocab(tmp_path_factory.mktemp("vocab") / "vocab.txt", TINY.vocab_size)


@pytest.fixture(scope="module")
def written(source, vocab, tmp_path_factory):
    root, cache = tmp_path_factory.mktemp("formats"), {}

    def get(kind: str) -> Written:
        if kind == "keras-hub":
            pytest.importorskip("keras_hub")
        if kind not in cache:
            cache[kind] = write(kind, source, vocab, root / kind)
        return cache[kind]

    return get


def _same(got, want) -> None:
    assert len(got.weights) == len(want.weights)
    for x, y in zip(got.weights, want.weights):
        np.testing.assert_array_equal(np.asarray(x), np.asarray(y), err_msg=x.path)


def _check_tokenizer(tokenizer, want: Written) -> None:
    assert tokenizer.lower_case == want.lower_case
    assert tokenizer.max_chars_per_word == (want.max_chars_per_word or 100)
    long_word = tokenizer.tokenize("a" * 150).numpy().size  # "a" + 149 x "##a", or [UNK]
    assert long_word == (150 if (want.max_chars_per_word or 100) >= 150 else 1)
    capital = tokenizer.tokenize("A").numpy().tolist()  # "a" when lower-cased, else [UNK]
    assert capital == ([5] if want.lower_case else [tokenizer.unk_id])


@pytest.mark.parametrize("kind", KINDS)
def test_registry_and_load_checkpoint(kind, written, source):
    want = written(kind)
    assert CHECKPOINTS.detect(want.path).name == want.format
    extra = {"config": TINY} if want.needs_config else {}
    for loaded in (
        CHECKPOINTS.load(want.path, load_tokenizer=True, **extra),
        load_checkpoint(want.path, load_tokenizer=True, **extra),
    ):
        _same(loaded.backbone, source.backbone)
        assert (loaded.lower_case, loaded.max_chars_per_word) == (
            want.lower_case,
            want.max_chars_per_word,
        )
        assert loaded.has_heads == want.heads
        if want.heads:
            _same(loaded.model, source)
        if want.task:
            assert type(loaded.task_model()).__name__ == want.task
        assert (loaded.vocab_file is not None) == want.has_vocab
        if want.has_vocab:
            _check_tokenizer(loaded.tokenizer, want)


@pytest.mark.parametrize("kind", KINDS)
def test_finetune_init_and_from_preset(kind, written, source, vocab):
    want = written(kind)
    if want.needs_config:  # weights without an architecture: a clear error, not a guess
        with pytest.raises(ValueError, match="needs the model's bert_config"):
            load_backbone(str(want.path), vocab)
        with pytest.raises(ValueError, match="needs the model's bert_config"):
            BertBackbone.from_preset(want.path)
        return
    _same(BertBackbone.from_preset(want.path), source.backbone)
    if not want.has_vocab:
        with pytest.raises(ValueError, match="needs --vocab"):
            load_backbone(str(want.path))
    given = None if want.has_vocab else vocab
    backbone, tokenizer, _ = load_backbone(str(want.path), given, lower_case=want.lower_case)
    _same(backbone, source.backbone)
    _check_tokenizer(tokenizer, want)
    # the pipeline's finetune.init: an Importer's artifact URI is the checkpoint itself, and
    # the Trainer is handed <uri>/Format-Serving (a file checkpoint too)
    base_model = resolve_base_model(path_utils.serving_model_path(str(want.path)))
    assert base_model == str(want.path)
    backbone, tokenizer, _ = load_backbone(base_model, given, lower_case=want.lower_case)
    _same(backbone, source.backbone)
    _check_tokenizer(tokenizer, want)
    if want.format != "google":  # a recorded casing wins over the caller's default
        _, tokenizer, _ = load_backbone(str(want.path), given, lower_case=not want.lower_case)
        assert tokenizer.lower_case == (want.lower_case if want.has_vocab else not want.lower_case)
    else:  # google-research records no casing: the caller's applies, the limit stays 200
        _, tokenizer, _ = load_backbone(str(want.path), lower_case=False)
        assert not tokenizer.lower_case and tokenizer.max_chars_per_word == 200


@pytest.mark.parametrize("kind", KINDS)
def test_warm_start(kind, written, source):
    want = written(kind)
    initial = load_initial_checkpoint(want.path, config=TINY if want.needs_config else None)
    assert (initial.lower_case, initial.max_chars_per_word) == (
        want.lower_case,
        want.max_chars_per_word,
    )
    target = BertPretrainer(BertBackbone(initial.config))
    heads = ["mlm_head", "nsp_head"] if want.heads else []
    assert copy_initial_weights(initial, target) == ["backbone", *heads]
    _same(target.backbone, source.backbone)
    if want.heads:
        _same(target, source)


@pytest.mark.parametrize("kind", KINDS)
def test_convert(kind, written, source, vocab, tmp_path, capsys):
    want = written(kind)
    out = tmp_path / "run"
    argv = ["convert", "--input", str(want.path), "--to", "bert-tf", "--output", str(out)]
    if want.needs_config:
        assert main(argv) == 2
        assert "needs the model's bert_config" in capsys.readouterr().err
        return
    if not want.has_vocab:
        argv += ["--vocab", str(vocab)]
    assert main(argv) == 0, capsys.readouterr().err
    assert f"read {want.format} checkpoint" in capsys.readouterr().out
    converted = CHECKPOINTS.load(out, load_tokenizer=True)
    _same(converted.backbone, source.backbone)
    assert converted.has_heads == want.heads
    _check_tokenizer(converted.tokenizer, want)  # casing and word limit came along


def test_errors_name_the_path_and_the_formats(tmp_path, capsys):
    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / "notes.txt").write_text("not a checkpoint")
    calls = [
        CHECKPOINTS.load,
        load_checkpoint,
        load_initial_checkpoint,
        BertBackbone.from_preset,
        lambda path: load_backbone(str(path)),
    ]
    for call in calls:
        with pytest.raises(ValueError) as error:
            call(junk)
        assert str(junk) in str(error.value)
        assert all(f"  {name}: " in str(error.value) for name in FORMATS)
    missing = tmp_path / "missing"
    for call in (CHECKPOINTS.load, load_initial_checkpoint):
        with pytest.raises(FileNotFoundError, match="checkpoint not found: .*missing") as error:
            call(missing)
        assert all(f"  {name}: " in str(error.value) for name in FORMATS)
    assert main(["convert", "--input", str(junk), "--output", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert str(junk) in err and "google:" in err and "keras-hub:" in err


def test_formats_that_are_not_written_say_so(tmp_path):
    backbone = BertBackbone(TINY)
    with pytest.raises(ValueError, match="google-research TF1 checkpoints are read, not written"):
        CHECKPOINTS.save(backbone, tmp_path / "out", "google")
    with pytest.raises(ValueError, match="unknown checkpoint format 'tf1'.*hf"):
        CHECKPOINTS.save(backbone, tmp_path / "out", "tf1")


def test_convert_offers_the_registry_formats():
    from bert_tf.commands import convert

    assert convert.SOURCES == FORMATS
    assert set(convert.TARGETS) <= set(CHECKPOINTS.writable)
