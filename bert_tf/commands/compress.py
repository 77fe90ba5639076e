"""`bert-tf compress`: a fine-tuned model -> a smaller or int8 one, scored against it.

--model-dir is a `bert-tf finetune` output directory (the teacher). --method distill trains a
student with fewer layers (--num-layers, default half) and/or a narrower width (--hidden-size)
on --train-file, from the teacher's softened logits mixed with the gold labels
(--temperature, --alpha; --hidden-weight adds hidden-state distillation); int8 quantizes the
encoder's dense layers after training; distill+int8 does both. Teacher and compressed model
are scored on --eval-file with the task's official metric, and --output-dir becomes a run
directory `bert-tf export` reads, with compression_summary.json (both models' metrics, the
drop, parameters and weight bytes). --export BASE/NAME/VERSION also writes the SavedModel.
One JSON line with the figures is printed; the exit status is 1 when the main metric drops
more than --max-drop (on the metric's own scale), so a script can stop there.

Example:
    $ bert-tf compress --model-dir runs/mrpc --method int8 --eval-file MRPC/dev.tsv \\
          --output-dir runs/mrpc-int8 --export models/mrpc_int8/1
    $ bert-tf compress --model-dir runs/squad --method distill --num-layers 3 \\
          --train-file train-v1.1.json --eval-file dev-v1.1.json --output-dir runs/squad-l3
"""

from __future__ import annotations

import argparse
import json

HELP = "distill and/or int8-quantize a fine-tuned model; score it against the original"
METHODS = ("distill", "int8", "distill+int8")  # = compress_run.METHODS (tests/compression)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = __doc__.split("\n\nExample:")[0]
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    add = parser.add_argument
    add("--model-dir", required=True, help="the teacher: a `bert-tf finetune` output directory")
    add("--method", choices=METHODS, default="distill", help="compression (default distill)")
    add("--train-file", help="the task's training file (distill methods)")
    add("--eval-file", required=True, help="the labelled file both models are scored on")
    add("--output-dir", required=True, help="the compressed run directory to write")
    add("--export", metavar="BASE/NAME/VERSION", help="also write the TF Serving SavedModel")
    add("--num-layers", type=int, help="student encoder layers (default: half the teacher's)")
    add("--hidden-size", type=int, help="student width (default: the teacher's)")
    add(
        "--layer-map",
        choices=["every_other", "first", "last", "none"],
        default="every_other",
        help="teacher layers the student starts from (none: random; default every_other)",
    )
    add("--temperature", type=float, default=2.0, help="softmax temperature (default 2)")
    add("--alpha", type=float, default=0.5, help="weight of the teacher's targets (default 0.5)")
    add("--hidden-weight", type=float, default=0.0, help="hidden-state MSE weight (default 0)")
    add("--epochs", type=int, default=3, help="distillation epochs (default 3)")
    add("--learning-rate", type=float, default=1e-4, help="peak learning rate (default 1e-4)")
    add("--batch-size", type=int, default=32, help="training and scoring batch (default 32)")
    add("--seed", type=int, default=0, help="student initialisation and shuffling seed")
    add("--max-drop", type=float, help="exit 1 when the main metric drops more than this")


def run(args: argparse.Namespace) -> int:
    from bert_tf.compression.compress_run import compress_run

    if args.method.startswith("distill") and not args.train_file:
        raise ValueError(f"--method {args.method} trains a student: pass --train-file")
    if args.export and not args.export.rstrip("/").rsplit("/", 1)[-1].isdigit():
        raise ValueError(
            f"--export {args.export} must end in a numeric version directory (BASE/NAME/1)"
        )
    result = compress_run(
        args.model_dir,
        args.train_file,
        args.eval_file,
        args.output_dir,
        args.method,
        num_layers=args.num_layers,
        hidden_size=args.hidden_size,
        layer_map=args.layer_map,
        batch_size=args.batch_size,
        seed=args.seed,
        export_dir=args.export,
        temperature=args.temperature,
        alpha=args.alpha,
        hidden_weight=args.hidden_weight,
        epochs=args.epochs,
        learning_rate=args.learning_rate,
    )
    summary = result.summary
    main = summary["main_metric"]
    drop = summary["drop"][main]
    line = {
        "method": args.method,
        "task": summary["task"],
        "metric": main,
        "teacher": summary["teacher"]["metrics"][main],
        "student": summary["student"]["metrics"][main],
        "drop": drop,
        "teacher_parameters": summary["teacher"]["parameters"],
        "student_parameters": summary["student"]["parameters"],
        "teacher_weight_bytes": summary["teacher"]["weight_bytes"],
        "student_weight_bytes": summary["student"]["weight_bytes"],
        "output_dir": result.output_dir,
        "export": result.export_dir,
    }
    print(json.dumps(line))
    return 1 if args.max_drop is not None and drop > args.max_drop else 0
