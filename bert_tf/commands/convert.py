"""`bert-tf convert`: move a BERT checkpoint between HF, google-research, keras-hub and Keras.

Example:
    $ bert-tf convert --from hf --input all-MiniLM-L6-v2/ --output minilm.keras --to keras
    $ bert-tf convert --from google --input uncased_L-2_H-128_A-2/bert_model.ckpt \\
        --config uncased_L-2_H-128_A-2/bert_config.json --output bert_tiny_hf/
    $ bert-tf convert --from hf --input bert-sst2/ --with-head --to keras --output sst2.keras
    $ bert-tf convert --from keras-hub --input bert_tiny_en_uncased/ --output tiny_hf/
"""

from __future__ import annotations

import argparse
from pathlib import Path

HELP = "convert a BERT checkpoint (HF, google TF1, keras-hub) to HF, keras-hub or a .keras file"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--from",
        dest="source_format",
        choices=("hf", "google", "keras-hub"),
        required=True,
        help="input format: hf (config.json + model.safetensors or pytorch_model.bin), "
        "google (TF1 checkpoint prefix + bert_config.json) or keras-hub (a local preset dir)",
    )
    parser.add_argument(
        "--input",
        required=True,
        type=Path,
        help="HF or keras-hub directory, or google checkpoint prefix (e.g. .../bert_model.ckpt)",
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
        help="output directory (--to hf, keras-hub) or .keras file (--to keras)",
    )
    parser.add_argument(
        "--to", dest="target_format", choices=("hf", "keras", "keras-hub"), default="hf"
    )
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
        " -> BertClassifier, ...ForTokenClassification, ...ForQuestionAnswering, pre-training)",
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
        help="vocab.txt (google only; default: vocab.txt beside the config when present)",
    )
    casing = parser.add_mutually_exclusive_group()
    casing.add_argument(
        "--uncased",
        dest="lower_case",
        action="store_true",
        default=None,
        help="the vocabulary is lower-cased (google default)",
    )
    casing.add_argument(
        "--cased", dest="lower_case", action="store_false", help="the vocabulary keeps case"
    )


def _load(args: argparse.Namespace):
    from bert_tf.checkpoints import load_google_checkpoint, load_hf_checkpoint
    from bert_tf.checkpoints.keras_hub_preset import load_keras_hub_preset

    with_heads = not args.backbone_only
    if args.source_format != "google" and (args.config is not None or args.vocab is not None):
        raise ValueError("--config and --vocab are for --from google; HF/keras-hub dirs hold both")
    if args.source_format == "hf":
        return load_hf_checkpoint(
            args.input,
            with_heads=with_heads,
            load_tokenizer=False,
            lower_case=args.lower_case,
            strict=args.strict,
        )
    if args.source_format == "keras-hub":
        loaded = load_keras_hub_preset(args.input, load_tokenizer=False)
        if args.lower_case is not None:
            loaded.lower_case = args.lower_case
        return loaded
    config = args.config or args.input.parent / "bert_config.json"
    return load_google_checkpoint(
        args.input,
        config,
        with_heads=with_heads,
        vocab_file=args.vocab,
        lower_case=True if args.lower_case is None else args.lower_case,
        load_tokenizer=False,
    )


def run(args: argparse.Namespace) -> int:
    from bert_tf.checkpoints import save_hf_checkpoint
    from bert_tf.checkpoints.keras_hub_preset import save_keras_hub_preset

    if args.target_format == "keras" and args.output.suffix != ".keras":
        raise ValueError(f"--to keras writes a .keras file; got --output {args.output}")
    if args.target_format == "keras-hub" and args.with_head:
        raise ValueError("--to keras-hub writes a backbone preset; drop --with-head")
    loaded = _load(args)
    print(f"read {args.source_format} checkpoint {loaded.source}: {loaded.summary()}")
    if args.source_format == "google" and loaded.config.hidden_act == "gelu_approximate":
        print("google-research's gelu is the tanh approximation: hidden_act=gelu_approximate")
    if loaded.skipped:
        shown = ", ".join(loaded.skipped[:4])
        more = f" and {len(loaded.skipped) - 4} more" if len(loaded.skipped) > 4 else ""
        print(f"skipped (not model weights, or heads not asked for): {shown}{more}")
    if loaded.initialized:
        print(f"freshly initialised (not in the file): {', '.join(loaded.initialized)}")
    model = loaded.task_model(strict=args.strict) if args.with_head else loaded.model
    if args.with_head:
        print(f"task model: {type(model).__name__} ({loaded.architecture} head)")
    if args.target_format == "hf":
        labels = loaded.id2label if hasattr(model, "num_classes") else None
        written = save_hf_checkpoint(
            model,
            args.output,
            lower_case=loaded.lower_case,
            vocab_file=loaded.vocab_file,
            id2label=labels,
        )
        print(f"wrote hf checkpoint to {args.output}: {', '.join(p.name for p in written)}")
    elif args.target_format == "keras-hub":
        if loaded.has_heads:
            print("keras-hub backbone presets hold no pre-training heads; writing the backbone")
        save_keras_hub_preset(
            loaded.backbone,
            args.output,
            vocab_file=loaded.vocab_file,
            lower_case=loaded.lower_case,
            allow_gelu_approximation=args.allow_gelu_approximation,
        )
        print(f"wrote keras-hub preset to {args.output}")
    else:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        model.save(args.output)
        print(f"wrote {args.output}")
        if loaded.vocab_file is not None:
            casing = "uncased" if loaded.lower_case else "cased"
            print(f"its vocabulary: {loaded.vocab_file} ({casing})")
    return 0
