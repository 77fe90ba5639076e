"""Pre-training step throughput (sequences/s) of bert_tf and a peer, in the same run.

One step = forward + backward + AdamW update of MLM (at `--masked` positions) + NSP on
random token ids of full length. The backend comes from KERAS_BACKEND (tensorflow or jax).
Peers: on CPU keras-hub's `BertMaskedLM` on the same sizes (MLM only, so it does slightly
less work), on a GPU HF transformers `BertForPreTraining` under `torch.compile` (MLM + NSP;
bf16 autocast for the mixed precisions). bert_tf and the peer are timed in alternating
rounds and each keeps its best round, which damps the noise of a shared machine.
Prints one JSON line.

Example:
    $ KERAS_BACKEND=tensorflow python benchmarks/train_step.py --preset bert_mini \\
        --batch 32 --seq-length 128 --steps 5 --peer keras_hub
    $ KERAS_BACKEND=jax python benchmarks/train_step.py --preset bert_base --batch 32 \\
        --precision mixed_bfloat16 --steps 50 --peer hf_torch   # on a GPU machine
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, Python puts benchmarks/ first on sys.path, where benchmarks/tokenize.py
# would shadow the standard library's tokenize module: use the repository root instead.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")  # let torch share the GPU

import numpy as np  # noqa: E402

PRECISIONS = ("float32", "mixed_bfloat16", "mixed_float16")


def make_batch(config, batch: int, seq_length: int, masked: int, seed: int = 0) -> dict:
    """Random full-length pairs: ids, segments, distinct masked positions and labels."""
    rng = np.random.default_rng(seed)
    ids = rng.integers(1000, config.vocab_size, (batch, seq_length)).astype("int32")
    segments = (np.arange(seq_length)[None] >= seq_length // 2).repeat(batch, 0).astype("int32")
    positions = np.sort(
        np.stack([rng.choice(np.arange(1, seq_length), masked, replace=False) for _ in ids]), 1
    ).astype("int32")
    return {
        "ids": ids,
        "mask": np.ones_like(ids),
        "segments": segments,
        "positions": positions,
        "labels": np.take_along_axis(ids, positions, 1),
        "weights": np.ones(positions.shape, "float32"),
        "nsp": rng.integers(0, 2, (batch,)).astype("int32"),
    }


def bert_tf_step(config, data: dict, precision: str, jit_compile) -> Callable[[], float]:
    import keras

    from bert_tf.models import BertBackbone, BertPretrainer

    keras.config.set_dtype_policy(precision)
    model = BertPretrainer(BertBackbone(config))
    model.compile(keras.optimizers.AdamW(1e-4), jit_compile=jit_compile)
    x = {
        "input_word_ids": data["ids"],
        "input_mask": data["mask"],
        "input_type_ids": data["segments"],
        "masked_lm_positions": data["positions"],
    }
    y = {
        "masked_lm_ids": data["labels"],
        "masked_lm_weights": data["weights"],
        "next_sentence_labels": data["nsp"],
    }
    return lambda: float(model.train_on_batch(x, y)[0])


def keras_hub_step(config, data: dict, precision: str, jit_compile) -> Callable[[], float]:
    import keras
    import keras_hub

    keras.config.set_dtype_policy(precision)
    backbone = keras_hub.models.BertBackbone(
        vocabulary_size=config.vocab_size,
        num_layers=config.num_layers,
        num_heads=config.num_heads,
        hidden_dim=config.hidden_size,
        intermediate_dim=config.intermediate_size,
        dropout=config.dropout,
        max_sequence_length=config.max_position_embeddings,
        num_segments=config.type_vocab_size,
    )
    model = keras_hub.models.BertMaskedLM(backbone=backbone)
    model.compile(
        optimizer=keras.optimizers.AdamW(1e-4),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        weighted_metrics=[keras.metrics.SparseCategoricalAccuracy()],
        jit_compile=jit_compile,
    )
    x = {
        "token_ids": data["ids"],
        "padding_mask": data["mask"],
        "segment_ids": data["segments"],
        "mask_positions": data["positions"],
    }
    return lambda: float(model.train_on_batch(x, data["labels"], data["weights"])[0])


def hf_torch_step(config, data: dict, precision: str, jit_compile=None) -> Callable[[], float]:
    import torch
    import transformers

    device = "cuda" if torch.cuda.is_available() else "cpu"
    hf_config = transformers.BertConfig(
        vocab_size=config.vocab_size,
        hidden_size=config.hidden_size,
        num_hidden_layers=config.num_layers,
        num_attention_heads=config.num_heads,
        intermediate_size=config.intermediate_size,
        hidden_dropout_prob=config.dropout,
        attention_probs_dropout_prob=config.attention_dropout,
        max_position_embeddings=config.max_position_embeddings,
        type_vocab_size=config.type_vocab_size,
        layer_norm_eps=config.layer_norm_eps,
    )
    model = transformers.BertForPreTraining(hf_config).to(device).train()
    compiled = torch.compile(model)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4)
    labels = np.full(data["ids"].shape, -100, "int64")  # HF: -100 = not a masked position
    np.put_along_axis(labels, data["positions"], data["labels"], 1)
    batch = {
        "input_ids": torch.tensor(data["ids"], dtype=torch.long, device=device),
        "attention_mask": torch.tensor(data["mask"], dtype=torch.long, device=device),
        "token_type_ids": torch.tensor(data["segments"], dtype=torch.long, device=device),
        "labels": torch.tensor(labels, device=device),
        "next_sentence_label": torch.tensor(data["nsp"], dtype=torch.long, device=device),
    }
    dtype = {"mixed_bfloat16": torch.bfloat16, "mixed_float16": torch.float16}.get(precision)
    scaler = torch.amp.GradScaler(enabled=precision == "mixed_float16")

    def step() -> float:
        optimizer.zero_grad(set_to_none=True)
        with torch.autocast(device, dtype=dtype or torch.float32, enabled=dtype is not None):
            loss = compiled(**batch).loss
        scaler.scale(loss).backward()
        scaler.step(optimizer)
        scaler.update()
        return float(loss.detach())  # synchronizes the device

    return step


def on_gpu() -> bool:
    import keras

    if keras.backend.backend() == "jax":
        import jax

        return jax.devices()[0].platform == "gpu"
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        return bool(tf.config.list_physical_devices("GPU"))
    return False


def peer_version(peer: str) -> str:
    from importlib.metadata import version

    if peer == "keras_hub":
        return f"keras-hub {version('keras-hub')}"
    return f"transformers {version('transformers')}, torch {version('torch')}"


def seconds_per_step(step: Callable[[], float], steps: int) -> float:
    start = time.perf_counter()
    for _ in range(steps):
        loss = step()
    elapsed = time.perf_counter() - start
    if not np.isfinite(loss):
        raise RuntimeError(f"training diverged: loss {loss}")
    return elapsed / steps


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default="bert_mini")
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--seq-length", type=int, default=128)
    parser.add_argument("--precision", choices=PRECISIONS, default="float32")
    parser.add_argument("--steps", type=int, default=10, help="timed steps per round")
    parser.add_argument("--warmup", type=int, default=2, help="untimed steps (compilation)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating timed rounds")
    parser.add_argument("--masked", type=int, default=20, help="masked positions per sequence")
    parser.add_argument("--peer", choices=("auto", "keras_hub", "hf_torch", "none"), default="auto")
    parser.add_argument(
        "--jit-compile",
        choices=("auto", "on", "off"),
        default="auto",
        help="XLA for both Keras models; auto = Keras' rule (off for TF on CPU, on elsewhere)",
    )
    args = parser.parse_args(argv)

    import keras

    from bert_tf.config import BertConfig

    config = BertConfig.from_preset(args.preset)
    data = make_batch(config, args.batch, args.seq_length, args.masked)
    gpu = on_gpu()
    peer = args.peer if args.peer != "auto" else ("hf_torch" if gpu else "keras_hub")
    builders = {"bert_tf": bert_tf_step}
    if peer != "none":
        builders[peer] = {"keras_hub": keras_hub_step, "hf_torch": hf_torch_step}[peer]

    jit_compile = {"auto": "auto", "on": True, "off": False}[args.jit_compile]
    steps, errors = {}, {}
    for name, build in builders.items():
        try:
            steps[name] = build(config, data, args.precision, jit_compile)
            for _ in range(args.warmup):
                steps[name]()
        except ImportError as error:  # a missing optional peer is reported, not fatal
            if name == "bert_tf":
                raise
            errors[name] = f"{type(error).__name__}: {error}"
    best = {name: float("inf") for name in steps}
    for _ in range(args.rounds):
        for name, step in steps.items():
            best[name] = min(best[name], seconds_per_step(step, args.steps))

    throughput = {name: round(args.batch / seconds, 2) for name, seconds in best.items()}
    result = {
        "benchmark": "train_step",
        "backend": keras.backend.backend(),
        "device": "gpu" if gpu else f"cpu ({os.cpu_count()} cores, {platform.machine()})",
        "preset": args.preset,
        "batch": args.batch,
        "seq_length": args.seq_length,
        "masked": args.masked,
        "precision": args.precision,
        "jit_compile": args.jit_compile,
        "steps": args.steps,
        "rounds": args.rounds,
        "bert_tf_seq_per_s": throughput["bert_tf"],
        "bert_tf_task": "MLM + NSP, AdamW",
        "peer": None if peer == "none" else peer,
    }
    if peer in throughput:
        result["peer_version"] = peer_version(peer)
        result["peer_task"] = "MLM only, AdamW" if peer == "keras_hub" else "MLM + NSP, AdamW"
        result["peer_seq_per_s"] = throughput[peer]
        result["speedup"] = round(throughput["bert_tf"] / throughput[peer], 3)
    elif peer in errors:
        result["peer_error"] = errors[peer]
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
