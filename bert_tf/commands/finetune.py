"""`bert-tf finetune`: fine-tune BERT on a task and keep the best model by the dev metric.

Tasks: every registered task shape's names (see --task), each reading its public file
format: glue/NAME (GLUE TSVs), csv (CSV/TSV/JSONL with text, optional text_pair, label),
squad-v1.1 / squad-v2.0 (SQuAD JSON), conll (CoNLL-2003), and the rest of the list. --init is
a preset (random weights; needs --vocab) or a checkpoint in any format bert-tf convert reads
(an HF directory, a google-research or keras-hub checkpoint, a .keras model, a run). The output
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
from typing import Any

from bert_tf.commands.config_flags import add_config_flags, given_options, option_fields
from bert_tf.commands.config_overrides import add_override_flag

HELP = "fine-tune on a task (GLUE, CSV, SQuAD, CoNLL, ...); keeps the best model by dev metric"


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
    from bert_tf.training.finetune_config import FinetuneConfig

    accept_negative_lists(parser)
    parser.description = __doc__.split("\n\nExample:")[0]
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    add = parser.add_argument
    add("--task", required=True, help="one of " + ", ".join(_task_names()))
    add("--train", required=True, help="training file")
    add("--eval", required=True, help="dev file (picks the best epoch)")
    add("--test", help="held-out file scored once with the dev-selected model")
    add(
        "--init",
        required=True,
        help="preset, or a checkpoint: HF/keras-hub/google dir, .keras, run",
    )
    add("--cased", action="store_true", help="keep case (default: lower-case, uncased models)")
    add("--output-dir", required=True, help="where the model and results go")
    add("--freeze-encoder", action="store_true", help="train only a head on frozen features")
    add("--feature-layers", type=parse_layers, help="with --freeze-encoder: e.g. -1,-2,-3,-4")
    add("--tpu", help="TPU name or grpc address for --strategy tpu")
    add("--no-feature-cache", action="store_true", help="keep features in memory instead")
    add_override_flag(parser)
    add("--quiet", action="store_true", help="no progress bars")
    add_config_flags(parser, FinetuneConfig)
    add_task_option_flags(parser)


def _task_names() -> list[str]:
    from bert_tf.tasks import shapes

    names = [name for shape in shapes() if shape.fine_tunes for name in shape.task_names]
    return [name + "NAME" if name.endswith("/") else name for name in names]


def add_task_option_flags(parser: argparse.ArgumentParser) -> None:
    """One flag per task-shape option, named, typed and explained by its config field."""
    from bert_tf.tasks import shapes

    owners: dict[str, list[str]] = {}
    for shape in shapes():
        for field in option_fields(shape.config_class):
            owners.setdefault(field.name, []).append(shape.shape)
    group = parser.add_argument_group("task options (each applies to the tasks that have it)")
    for shape in shapes():
        add_config_flags(group, shape.config_class, owners)


def task_options(args: argparse.Namespace) -> dict[str, Any]:
    """The task-shape options given on the command line; refuses one the task lacks."""
    from bert_tf.tasks import shapes, task_shape

    given: dict[str, Any] = {}
    for shape in shapes():
        given.update(given_options(args, shape.config_class))
    shape = task_shape(args.task)
    known = shape.config_class.option_names()
    for name in given:
        if name not in known:
            flag = "--" + name.replace("_", "-")
            raise ValueError(f"{flag} does not apply to --task {args.task} ({shape.shape})")
    return given


def run(args: argparse.Namespace) -> int:
    from bert_tf.training.finetune_run import FinetuneConfig, run_finetuning

    config = FinetuneConfig(
        task=args.task,
        train_file=args.train,
        eval_file=args.eval,
        init=args.init,
        output_dir=args.output_dir,
        lower_case=not args.cased,
        task_options=task_options(args),
        freeze_encoder=args.freeze_encoder,
        feature_layers=args.feature_layers,
        verbose=0 if args.quiet else 1,
        config_overrides=dict(args.overrides),
        test_file=args.test,
        tpu_address=args.tpu,
        cache_features=not args.no_feature_cache,
        **given_options(args, FinetuneConfig),
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
