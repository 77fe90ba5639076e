"""`bert-tf convert`: move a BERT checkpoint between HF, google-research, keras-hub and Keras.

The input's format is recognised from what is on disk (or named with ``--from``) by the one
checkpoint registry, `bert_tf.checkpoints.CHECKPOINTS`; the output is written in ``--to``.

Example:
    $ bert-tf convert --input all-MiniLM-L6-v2/ --output minilm.keras --to keras
    $ bert-tf convert --from google --input uncased_L-2_H-128_A-2/bert_model.ckpt \\
        --config uncased_L-2_H-128_A-2/bert_config.json --output bert_tiny_hf/
    $ bert-tf convert --input bert-sst2/ --with-head --to keras --output sst2.keras
    $ bert-tf convert --input bert_tiny_en_uncased/ --output tiny_run/ --to bert-tf
"""

from __future__ import annotations

import argparse
from pathlib import Path

HELP = "convert a BERT checkpoint (HF, google TF1, keras-hub, Keras, run dir) to another format"
# The registry's names, spelled out so that `--help` does not import TensorFlow; a test checks
# they are the registry's.
SOURCES = ("keras", "keras-weights", "bert-tf", "keras-hub", "hf", "google")
TARGETS = ("hf", "keras", "keras-hub", "bert-tf")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--from",
        dest="source_format",
        choices=SOURCES,
        default=None,
        help="input format (default: recognised from what is on disk): hf (config.json + "
        "model.safetensors, sharded safetensors or pytorch_model.bin), google (TF1 checkpoint "
        "prefix + bert_config.json), keras-hub (a local preset dir), keras (a .keras file), "
        "keras-weights (a .weights.h5 file), bert-tf (a run directory)",
    )
    parser.add_argument(
        "--input",
        required=True,
        type=Path,
        help="checkpoint directory or file, or google checkpoint prefix (.../bert_model.ckpt)",
    )
    parser.add_argument(
        "--config",
        type=Path,
        default=None,
        help="bert_config.json (google only; default: bert_config.json beside the checkpoint)",
    )
    parser.add_argument(
        "--output",
        required=True,
        type=Path,
        help="output directory (--to hf, keras-hub, bert-tf) or .keras file (--to keras)",
    )
    parser.add_argument("--to", dest="target_format", choices=TARGETS, default="hf")
    heads = parser.add_mutually_exclusive_group()
    heads.add_argument(
        "--backbone-only",
        action="store_true",
        help="drop the MLM/NSP pre-training heads even when the checkpoint has them",
    )
    heads.add_argument(
        "--with-head",
        action="store_true",
        help="convert the task model of the checkpoint's head (HF BertForSequenceClassification"
        " -> BertClassifier, ...ForTokenClassification, ...ForQuestionAnswering, pre-training;"
        " a .keras task model as it is)",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="HF input: fail unless the file fills the model exactly (no fresh pooler/heads)",
    )
    parser.add_argument(
        "--allow-gelu-approximation",
        action="store_true",
        help="--to keras-hub: write an erf-GELU model although keras-hub computes the tanh form",
    )
    parser.add_argument(
        "--vocab",
        type=Path,
        default=None,
        help="vocab.txt to use instead of the checkpoint's own (default: the one it holds; for "
        "google, vocab.txt beside the config when present)",
    )
    casing = parser.add_mutually_exclusive_group()
    casing.add_argument(
        "--uncased",
        dest="lower_case",
        action="store_true",
        default=None,
        help="the vocabulary is lower-cased (default: what the checkpoint records, else uncased)",
    )
    casing.add_argument(
        "--cased", dest="lower_case", action="store_false", help="the vocabulary keeps case"
    )


def _load(args: argparse.Namespace):
    """(format, LoadedCheckpoint) of ``args.input`` through the checkpoint registry."""
    from bert_tf.checkpoints import CHECKPOINTS

    fmt = CHECKPOINTS.detect(args.input) if args.source_format is None else None
    fmt = fmt or CHECKPOINTS.get(args.source_format)
    if args.config is not None and fmt.name != "google":
        raise ValueError(
            f"--config is the bert_config.json of a google checkpoint; {args.input} is "
            f"{fmt.name}, which holds its config"
        )
    loaded = CHECKPOINTS.load(
        args.input,
        fmt.name,
        with_heads=not args.backbone_only,
        lower_case=args.lower_case,
        strict=args.strict,
        vocab_file=args.vocab,
        bert_config=args.config,
    )
    return fmt, loaded


def _report(fmt, loaded) -> None:
    print(f"read {fmt.name} checkpoint {loaded.source}: {loaded.summary()}")
    if fmt.name == "google" and loaded.config.hidden_act == "gelu_approximate":
        print("google-research's gelu is the tanh approximation: hidden_act=gelu_approximate")
    if loaded.skipped:
        shown = ", ".join(loaded.skipped[:4])
        more = f" and {len(loaded.skipped) - 4} more" if len(loaded.skipped) > 4 else ""
        print(f"skipped (not model weights, or heads not asked for): {shown}{more}")
    if loaded.initialized:
        print(f"freshly initialised (not in the file): {', '.join(loaded.initialized)}")
    if loaded.vocab_file is not None:
        casing = "uncased" if loaded.lower_case else "cased"
        limit = loaded.max_chars_per_word
        words = f", words of up to {limit} characters" if limit is not None else ""
        print(f"tokenizer: {loaded.vocab_file} ({casing}{words})")


def run(args: argparse.Namespace) -> int:
    from bert_tf.checkpoints import CHECKPOINTS

    if args.target_format == "keras" and args.output.suffix != ".keras":
        raise ValueError(f"--to keras writes a .keras file; got --output {args.output}")
    if args.target_format == "keras-hub" and args.with_head:
        raise ValueError("--to keras-hub writes a backbone preset; drop --with-head")
    fmt, loaded = _load(args)
    _report(fmt, loaded)
    model = loaded.task_model(strict=args.strict) if args.with_head else loaded.model
    if args.with_head:
        head = f" ({loaded.architecture} head)" if loaded.task is None else ""
        print(f"task model: {type(model).__name__}{head}")
    if args.target_format == "keras-hub" and loaded.has_heads:
        print("keras-hub backbone presets hold no pre-training heads; writing the backbone")
    if loaded.max_chars_per_word is not None and args.target_format in ("hf", "keras-hub"):
        print(
            f"note: {args.target_format} tokenizers split words of up to 100 characters, "
            f"not {loaded.max_chars_per_word}; --to bert-tf records the limit"
        )
    written = CHECKPOINTS.save(
        model,
        args.output,
        args.target_format,
        vocab_file=loaded.vocab_file,
        lower_case=loaded.lower_case,
        max_chars_per_word=loaded.max_chars_per_word,
        id2label=loaded.id2label if hasattr(model, "num_classes") else None,
        allow_gelu_approximation=args.allow_gelu_approximation,
    )
    names = ", ".join(str(p.relative_to(args.output)) for p in written if p != args.output)
    print(f"wrote {args.output} ({args.target_format})" + (f": {names}" if names else ""))
    return 0
