"""google-research/bert's forward pass in numpy, written from modeling.py / run_pretraining.py.

Independent of bert_tf: random TF1 variables with the original names and shapes, and the
equations those files compute: embeddings (word + token type + position, LayerNorm with
epsilon 1e-12), attention with the additive mask ``(1 - mask) * -10000``, post-LN blocks with
``gelu(x) = 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))``, the tanh pooler on the first
token, the masked-LM head (dense + gelu + LayerNorm, tied to the word embeddings, plus
``output_bias``) and the NSP head (``pooled @ output_weights^T + output_bias``).
"""

from __future__ import annotations

import numpy as np


def gelu_tanh(x):
    return 0.5 * x * (1.0 + np.tanh(np.sqrt(2.0 / np.pi) * (x + 0.044715 * x**3)))


def random_variables(config: dict, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    h, inner = config["hidden_size"], config["intermediate_size"]

    def normal(*shape, scale=0.2):
        return rng.normal(0.0, scale, size=shape).astype("float32")

    v = {
        "bert/embeddings/word_embeddings": normal(config["vocab_size"], h),
        "bert/embeddings/token_type_embeddings": normal(config["type_vocab_size"], h),
        "bert/embeddings/position_embeddings": normal(config["max_position_embeddings"], h),
    }

    def dense(name, n_in, n_out):
        v[f"{name}/kernel"], v[f"{name}/bias"] = normal(n_in, n_out), normal(n_out)

    def norm(name):
        v[f"{name}/gamma"], v[f"{name}/beta"] = 1.0 + normal(h), normal(h)

    norm("bert/embeddings/LayerNorm")
    for i in range(config["num_hidden_layers"]):
        p = f"bert/encoder/layer_{i}"
        for part in ("query", "key", "value"):
            dense(f"{p}/attention/self/{part}", h, h)
        dense(f"{p}/attention/output/dense", h, h)
        norm(f"{p}/attention/output/LayerNorm")
        dense(f"{p}/intermediate/dense", h, inner)
        dense(f"{p}/output/dense", inner, h)
        norm(f"{p}/output/LayerNorm")
    dense("bert/pooler/dense", h, h)
    dense("cls/predictions/transform/dense", h, h)
    norm("cls/predictions/transform/LayerNorm")
    v["cls/predictions/output_bias"] = normal(config["vocab_size"])
    v["cls/seq_relationship/output_weights"] = normal(2, h)
    v["cls/seq_relationship/output_bias"] = normal(2)
    return v


def _layer_norm(x, v, name):
    mean, var = x.mean(-1, keepdims=True), x.var(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + 1e-12) * v[f"{name}/gamma"] + v[f"{name}/beta"]


def _dense(x, v, name):
    return x @ v[f"{name}/kernel"] + v[f"{name}/bias"]


def forward(v, config, ids, mask, types, positions, gelu=gelu_tanh) -> dict[str, np.ndarray]:
    """sequence_output [B, T, H], pooled_output [B, H], mlm_logits [B, P, V], nsp_logits [B, 2]."""
    batch, length = ids.shape
    heads = config["num_attention_heads"]
    size = config["hidden_size"] // heads
    x = (
        v["bert/embeddings/word_embeddings"][ids]
        + v["bert/embeddings/token_type_embeddings"][types]
    )
    x = _layer_norm(
        x + v["bert/embeddings/position_embeddings"][:length], v, "bert/embeddings/LayerNorm"
    )
    adder = (1.0 - mask[:, None, None, :].astype("float64")) * -10000.0  # [B, 1, 1, T]
    for i in range(config["num_hidden_layers"]):
        p = f"bert/encoder/layer_{i}"

        def split(t):
            return t.reshape(batch, length, heads, size).transpose(0, 2, 1, 3)  # [B, N, T, D]

        q, k, val = (
            split(_dense(x, v, f"{p}/attention/self/{n}")) for n in ("query", "key", "value")
        )
        scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(size) + adder  # [B, N, T, T]
        probs = np.exp(scores - scores.max(-1, keepdims=True))
        probs /= probs.sum(-1, keepdims=True)
        context = (probs @ val).transpose(0, 2, 1, 3).reshape(batch, length, -1)
        attention = _dense(context, v, f"{p}/attention/output/dense")
        x = _layer_norm(attention + x, v, f"{p}/attention/output/LayerNorm")
        inner = gelu(_dense(x, v, f"{p}/intermediate/dense"))
        x = _layer_norm(_dense(inner, v, f"{p}/output/dense") + x, v, f"{p}/output/LayerNorm")
    pooled = np.tanh(_dense(x[:, 0], v, "bert/pooler/dense"))
    picked = np.take_along_axis(x, positions[:, :, None], axis=1)  # [B, P, H]
    h = gelu(_dense(picked, v, "cls/predictions/transform/dense"))
    h = _layer_norm(h, v, "cls/predictions/transform/LayerNorm")
    mlm = h @ v["bert/embeddings/word_embeddings"].T + v["cls/predictions/output_bias"]
    nsp = (
        pooled @ v["cls/seq_relationship/output_weights"].T + v["cls/seq_relationship/output_bias"]
    )
    return {"sequence_output": x, "pooled_output": pooled, "mlm_logits": mlm, "nsp_logits": nsp}
