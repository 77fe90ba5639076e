"""`bert-tf finetune`: fine-tune BERT on a task and keep the best model by the dev metric.

Tasks: glue/NAME (GLUE TSVs), squad-v1.1 / squad-v2.0 (SQuAD JSON), conll (CoNLL-2003), csv
(CSV/TSV/JSONL with text, optional text_pair, label). --init is a preset (random weights; needs
--vocab), a .keras model, an HF checkpoint directory or a previous run's directory. The output
directory gets model.keras (best epoch), vocab.txt, tokenizer_config.json, labels.json,
task_config.json, metrics.json, the dev predictions, the training-feature cache
(feature_cache/, TFRecords streamed through a shuffle buffer and reused by a rerun) and
TensorBoard logs (logs/). --test scores the dev-selected model once on a held-out file;
metrics.json says which split selected the model and which one measured it.

Distribution: --strategy mirrored (all local GPUs), multi_worker_mirrored (one process per
host; the cluster from TF_CONFIG, only the chief writes) or tpu (--tpu NAME; TPUStrategy with
the same flags, not tested here: no TPU on the CI machines). --batch-size is global.

Example:
    $ bert-tf finetune --task glue/mrpc --train MRPC/train.tsv --eval MRPC/dev.tsv \\
        --init uncased_L-12_H-768_A-12/ --output-dir runs/mrpc --learning-rate 3e-5
"""

from __future__ import annotations

import argparse
import json
import re

from bert_tf.commands.config_overrides import add_override_flag
from bert_tf.training.pretraining_config import MIXED_PRECISION

STRATEGIES = ("default", "mirrored", "multi_worker_mirrored", "tpu")

HELP = "fine-tune on GLUE, SQuAD, CoNLL or CSV; keeps the best model by the dev metric"


def parse_layers(text: str) -> list[int]:
    """ "-1,-2,-3,-4" -> [-1, -2, -3, -4]."""
    try:
        layers = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"layers must be integers like -1,-2: {text!r}") from None
    if not layers:
        raise argparse.ArgumentTypeError("give at least one layer index")
    return layers


def accept_negative_lists(parser: argparse.ArgumentParser) -> None:
    """Lets `--layers -1,-2,-3,-4` read as a value (argparse takes "-1,-2" for an option)."""
    parser._negative_number_matcher = re.compile(r"^-\d+(,\s*-?\d+)*$|^-\d*\.\d+$")


def configure(parser: argparse.ArgumentParser) -> None:
    accept_negative_lists(parser)
    parser.description = __doc__.split("\n\nExample:")[0]
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    add = parser.add_argument
    add("--task", required=True, help="glue/NAME, squad-v1.1, squad-v2.0, conll or csv")
    add("--train", required=True, help="training file")
    add("--eval", required=True, help="dev file (picks the best epoch)")
    add("--test", help="held-out file scored once with the dev-selected model")
    add("--init", required=True, help="preset, .keras file, HF checkpoint dir or run dir")
    add("--vocab", help="WordPiece vocab.txt (required with a preset)")
    add("--cased", action="store_true", help="keep case (default: lower-case, uncased models)")
    add("--output-dir", required=True, help="where the model and results go")
    add("--freeze-encoder", action="store_true", help="train only a head on frozen features")
    add("--feature-layers", type=parse_layers, help="with --freeze-encoder: e.g. -1,-2,-3,-4")
    add("--max-seq-length", type=int, default=128, help="tokens per feature (default 128)")
    add("--doc-stride", type=int, default=128, help="SQuAD window stride (default 128)")
    add("--max-query-length", type=int, default=64, help="SQuAD question tokens (default 64)")
    add("--window-stride", type=int, help="classification/tagging: slide windows over long texts")
    add("--learning-rate", type=float, default=2e-5, help="peak rate (BERT: 2e-5, 3e-5, 5e-5)")
    add("--epochs", type=int, default=3, help="training epochs (default 3)")
    add("--batch-size", type=int, default=32, help="batch size (default 32)")
    add("--warmup-proportion", type=float, default=0.1, help="warm-up fraction (default 0.1)")
    add("--weight-decay", type=float, default=0.01, help="AdamW weight decay (default 0.01)")
    add("--early-stopping-patience", type=int, help="epochs without dev gain before stopping")
    add("--seed", type=int, default=0, help="random seed")
    add("--strategy", default="default", choices=STRATEGIES, help="tf.distribute strategy")
    add("--tpu", help="TPU name or grpc address for --strategy tpu")
    add(
        "--mixed-precision",
        choices=tuple(MIXED_PRECISION),
        default="none",
        help="as in pretrain: bf16 (mixed_bfloat16) or fp16 (mixed_float16, loss scaling)",
    )
    add("--shuffle-buffer", type=int, default=10_000, help="training examples shuffled together")
    add("--no-feature-cache", action="store_true", help="keep features in memory instead")
    add_override_flag(parser)
    add("--quiet", action="store_true", help="no progress bars")


def run(args: argparse.Namespace) -> int:
    from bert_tf.training.finetune_run import FinetuneConfig, run_finetuning

    config = FinetuneConfig(
        task=args.task,
        train_file=args.train,
        eval_file=args.eval,
        init=args.init,
        output_dir=args.output_dir,
        vocab_file=args.vocab,
        lower_case=not args.cased,
        max_seq_length=args.max_seq_length,
        doc_stride=args.doc_stride,
        max_query_length=args.max_query_length,
        window_stride=args.window_stride,
        learning_rate=args.learning_rate,
        epochs=args.epochs,
        batch_size=args.batch_size,
        warmup_proportion=args.warmup_proportion,
        weight_decay=args.weight_decay,
        early_stopping_patience=args.early_stopping_patience,
        freeze_encoder=args.freeze_encoder,
        feature_layers=args.feature_layers,
        seed=args.seed,
        verbose=0 if args.quiet else 1,
        config_overrides=dict(args.overrides),
        test_file=args.test,
        strategy=args.strategy,
        tpu_address=args.tpu,
        precision=MIXED_PRECISION[args.mixed_precision],
        cache_features=not args.no_feature_cache,
        shuffle_buffer=args.shuffle_buffer,
    )
    result = run_finetuning(config)
    print(
        json.dumps(
            {
                "metrics": result.metrics,
                "best_epoch": result.best_epoch,
                "model": str(result.best_checkpoint),
                **({"test_metrics": result.test_metrics} if result.test_metrics else {}),
            }
        )
    )
    return 0
