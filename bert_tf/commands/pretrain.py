"""`bert-tf pretrain`: pre-train BERT (masked LM + NSP) on TFRecords, resumable.

Example:
    $ bert-tf create-pretraining-data --input corpus.txt --vocab vocab.txt --output-dir data
    $ bert-tf pretrain --train-data 'data/*.tfrecord*' --output-dir run --preset bert_tiny \\
        --vocab vocab.txt --batch-size 64 --num-train-steps 10000 --num-warmup-steps 100 \\
        --checkpoint-every 1000
    $ tensorboard --logdir run/logs
"""

from __future__ import annotations

import argparse
import json

from bert_tf.commands.config_overrides import add_override_flag
from bert_tf.config import PRESETS

HELP = "pre-train BERT (masked LM + next sentence prediction) on pre-training TFRecords"


def configure(parser: argparse.ArgumentParser) -> None:
    data = parser.add_argument_group("data")
    data.add_argument(
        "--train-data",
        required=True,
        help="glob of pre-training TFRecords, e.g. 'data/*.tfrecord*' (comma-separate several)",
    )
    data.add_argument("--max-seq-length", type=int, default=128)
    data.add_argument("--max-predictions-per-seq", type=int, default=20)
    data.add_argument("--no-shuffle", dest="shuffle", action="store_false")
    data.add_argument("--seed", type=int, default=12345)

    model = parser.add_argument_group("model")
    model.add_argument("--preset", choices=sorted(PRESETS), default="bert_tiny")
    model.add_argument(
        "--config", default=None, help="bert_config.json (google/HF or bert_tf) instead of a preset"
    )
    add_override_flag(model)
    model.add_argument("--vocab", default=None, help="vocab.txt: sets vocab_size, saved with it")
    casing = model.add_mutually_exclusive_group()
    casing.add_argument("--uncased", dest="lower_case", action="store_true", default=True)
    casing.add_argument("--cased", dest="lower_case", action="store_false")
    model.add_argument(
        "--init",
        default=None,
        help="warm start: HF directory, google checkpoint prefix, .keras or .weights.h5",
    )

    train = parser.add_argument_group("training")
    train.add_argument("--output-dir", required=True)
    train.add_argument("--batch-size", type=int, default=32, help="global batch size")
    train.add_argument("--num-train-steps", type=int, default=1000, help="optimizer updates")
    train.add_argument(
        "--num-warmup-steps", type=int, default=None, help="warm-up updates (default: a ratio)"
    )
    train.add_argument(
        "--warmup-ratio",
        type=float,
        default=0.1,
        help="warm-up as a fraction of --num-train-steps when no step count is given (0.1)",
    )
    train.add_argument("--steps-per-epoch", type=int, default=None)
    train.add_argument("--learning-rate", type=float, default=1e-4)
    train.add_argument("--optimizer", choices=("adamw", "lamb"), default="adamw")
    train.add_argument("--weight-decay", type=float, default=0.01)
    train.add_argument("--clipnorm", type=float, default=1.0, help="global norm; 0 disables")
    train.add_argument("--gradient-accumulation-steps", type=int, default=1)
    train.add_argument("--mixed-precision", choices=("none", "bf16", "fp16"), default="none")
    train.add_argument(
        "--jit-compile",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="XLA-compile the train step (default: Keras' rule, on for GPU/TPU, off for "
        "TensorFlow on CPU where oneDNN is faster)",
    )
    train.add_argument("--steps-per-execution", type=int, default=1)
    train.add_argument(
        "--strategy",
        choices=("default", "one_device", "mirrored", "multi_worker_mirrored", "tpu"),
        default="default",
    )
    train.add_argument("--tpu", dest="tpu_address", default=None, help="TPU name or address")
    train.add_argument("--checkpoint-every", type=int, default=1000, help="optimizer steps")
    train.add_argument("--keep-checkpoints", type=int, default=3)
    train.add_argument("--log-every", type=int, default=100, help="TensorBoard, steps")
    train.add_argument(
        "--progress",
        choices=("bar", "epoch", "none"),
        default="bar",
        help="Keras progress bar, one line per epoch, or nothing",
    )


def run(args: argparse.Namespace) -> int:
    from bert_tf.training.pretraining_run import PretrainingConfig, run_pretraining

    config = PretrainingConfig(
        train_data=args.train_data,
        output_dir=args.output_dir,
        preset=args.preset,
        bert_config=args.config,
        config_overrides=dict(args.overrides),
        vocab=args.vocab,
        lower_case=args.lower_case,
        init=args.init,
        max_seq_length=args.max_seq_length,
        max_predictions_per_seq=args.max_predictions_per_seq,
        batch_size=args.batch_size,
        num_train_steps=args.num_train_steps,
        num_warmup_steps=args.num_warmup_steps,
        warmup_ratio=args.warmup_ratio,
        steps_per_epoch=args.steps_per_epoch,
        learning_rate=args.learning_rate,
        optimizer=args.optimizer,
        weight_decay=args.weight_decay,
        clipnorm=args.clipnorm or None,
        gradient_accumulation_steps=args.gradient_accumulation_steps,
        mixed_precision=args.mixed_precision,
        jit_compile=args.jit_compile,
        steps_per_execution=args.steps_per_execution,
        strategy=args.strategy,
        tpu_address=args.tpu_address,
        checkpoint_every=args.checkpoint_every,
        keep_checkpoints=args.keep_checkpoints,
        log_every=args.log_every,
        shuffle=args.shuffle,
        seed=args.seed,
        verbose={"bar": 1, "epoch": 2, "none": 0}[args.progress],
    )
    result = run_pretraining(config)
    last = {key: round(values[-1], 4) for key, values in result.history.items() if values}
    print(
        json.dumps(
            {
                "initial_step": result.initial_step,
                "final_step": result.final_step,
                "backbone": str(result.backbone_path),
                "final_epoch_logs": last,
            }
        )
    )
    return 0
