"""`bert-tf convert`: turn an HF or google-research BERT checkpoint into HF format or a .keras file.

Example:
    $ bert-tf convert --from hf --input all-MiniLM-L6-v2/ --output minilm.keras --to keras
    $ bert-tf convert --from google --input uncased_L-2_H-128_A-2/bert_model.ckpt \\
        --config uncased_L-2_H-128_A-2/bert_config.json --output bert_tiny_hf/
"""

from __future__ import annotations

import argparse
from pathlib import Path

HELP = "convert a BERT checkpoint (HF safetensors or google TF1) to HF format or a .keras file"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--from",
        dest="source_format",
        choices=("hf", "google"),
        required=True,
        help="input format: hf (config.json + model.safetensors directory) or google (TF1 "
        "checkpoint prefix + bert_config.json)",
    )
    parser.add_argument(
        "--input",
        required=True,
        type=Path,
        help="HF checkpoint directory, or google checkpoint prefix (e.g. .../bert_model.ckpt)",
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
        help="output directory (--to hf) or .keras file (--to keras)",
    )
    parser.add_argument("--to", dest="target_format", choices=("hf", "keras"), default="hf")
    parser.add_argument(
        "--backbone-only",
        action="store_true",
        help="drop the MLM/NSP pre-training heads even when the checkpoint has them",
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


def run(args: argparse.Namespace) -> int:
    from bert_tf.checkpoints import load_google_checkpoint, load_hf_checkpoint, save_hf_checkpoint

    if args.target_format == "keras" and args.output.suffix != ".keras":
        raise ValueError(f"--to keras writes a .keras file; got --output {args.output}")
    with_heads = not args.backbone_only
    if args.source_format == "hf":
        if args.config is not None or args.vocab is not None:
            raise ValueError("--config and --vocab are for --from google; HF directories hold both")
        loaded = load_hf_checkpoint(
            args.input, with_heads=with_heads, load_tokenizer=False, lower_case=args.lower_case
        )
    else:
        config = args.config or args.input.parent / "bert_config.json"
        loaded = load_google_checkpoint(
            args.input,
            config,
            with_heads=with_heads,
            vocab_file=args.vocab,
            lower_case=True if args.lower_case is None else args.lower_case,
            load_tokenizer=False,
        )
    print(f"read {args.source_format} checkpoint {loaded.source}: {loaded.summary()}")
    if loaded.skipped:
        shown = ", ".join(loaded.skipped[:4])
        more = f" and {len(loaded.skipped) - 4} more" if len(loaded.skipped) > 4 else ""
        print(f"skipped (not model weights, or heads not asked for): {shown}{more}")
    if args.target_format == "hf":
        written = save_hf_checkpoint(
            loaded.model, args.output, lower_case=loaded.lower_case, vocab_file=loaded.vocab_file
        )
        print(f"wrote hf checkpoint to {args.output}: {', '.join(p.name for p in written)}")
    else:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        loaded.model.save(args.output)
        print(f"wrote {args.output}")
        if loaded.vocab_file is not None:
            casing = "uncased" if loaded.lower_case else "cased"
            print(f"its vocabulary: {loaded.vocab_file} ({casing})")
    return 0
