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

from bert_tf.commands.config_flags import add_config_flags, given_options
from bert_tf.commands.config_overrides import add_override_flag
from bert_tf.training.pretraining_config import PretrainingConfig

DATA_OPTIONS = ("max_seq_length", "max_predictions_per_seq", "shuffle_buffer", "seed")
MODEL_OPTIONS = ("preset", "vocab", "init")
HELP = "pre-train BERT (masked LM + next sentence prediction) on pre-training TFRecords"


def configure(parser: argparse.ArgumentParser) -> None:
    data = parser.add_argument_group("data")
    data.add_argument(
        "--train-data",
        required=True,
        help="glob of pre-training TFRecords, e.g. 'data/*.tfrecord*' (comma-separate several)",
    )
    data.add_argument("--no-shuffle", dest="shuffle", action="store_false")
    add_config_flags(data, PretrainingConfig, names=DATA_OPTIONS)

    model = parser.add_argument_group("model")
    model.add_argument(
        "--config", default=None, help="bert_config.json (google/HF or bert_tf) instead of a preset"
    )
    add_override_flag(model)
    casing = model.add_mutually_exclusive_group()
    casing.add_argument("--uncased", dest="lower_case", action="store_true", default=True)
    casing.add_argument("--cased", dest="lower_case", action="store_false")
    add_config_flags(model, PretrainingConfig, names=MODEL_OPTIONS)

    train = parser.add_argument_group("training")
    train.add_argument("--output-dir", required=True)
    train.add_argument(
        "--jit-compile",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="XLA-compile the train step (default: Keras' rule, on for GPU/TPU, off for "
        "TensorFlow on CPU where oneDNN is faster)",
    )
    train.add_argument("--tpu", dest="tpu_address", default=None, help="TPU name or address")
    train.add_argument(
        "--progress",
        choices=("bar", "epoch", "none"),
        default="bar",
        help="Keras progress bar, one line per epoch, or nothing",
    )
    add_config_flags(train, PretrainingConfig)  # every other option of the config


def config_from_args(args: argparse.Namespace) -> PretrainingConfig:
    """The run's `PretrainingConfig`: the flags given, the config's defaults for the rest."""
    options = given_options(args, PretrainingConfig)
    if options.get("clipnorm") == 0:
        options["clipnorm"] = None  # 0 turns clipping off
    return PretrainingConfig(
        train_data=args.train_data,
        output_dir=args.output_dir,
        bert_config=args.config,
        config_overrides=dict(args.overrides),
        lower_case=args.lower_case,
        jit_compile=args.jit_compile,
        tpu_address=args.tpu_address,
        shuffle=args.shuffle,
        verbose={"bar": 1, "epoch": 2, "none": 0}[args.progress],
        **options,
    )


def run(args: argparse.Namespace) -> int:
    from bert_tf.training.pretraining_run import run_pretraining

    config = config_from_args(args)
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
