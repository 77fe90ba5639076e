"""Load and save BERT checkpoints in the HF transformers format (config.json + model.safetensors).

Reads `BertModel` files (``embeddings.word_embeddings.weight``, ``encoder.layer.0...``,
``pooler.dense.weight``) and `BertForPreTraining` files (the same under ``bert.`` plus
``cls.predictions.*`` / ``cls.seq_relationship.*``); old files' ``LayerNorm.gamma/beta`` are
read as ``LayerNorm.weight/bias``.

Example:
    >>> loaded = load_hf_checkpoint("all-MiniLM-L6-v2/")  # doctest: +SKIP
    >>> loaded.backbone(inputs)["pooled_output"]  # doctest: +SKIP
    >>> save_hf_checkpoint(loaded.model, "out/", tokenizer=loaded.tokenizer)  # doctest: +SKIP
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import ml_dtypes  # noqa: F401  (registers bfloat16 with numpy, so BF16 safetensors load)
import numpy as np
from safetensors.numpy import load_file, save_file

from bert_tf.checkpoints.checkpoint_error import CheckpointError
from bert_tf.checkpoints.config_json import config_to_hf_dict, read_config_json
from bert_tf.checkpoints.loaded_checkpoint import LoadedCheckpoint, build_model
from bert_tf.checkpoints.weight_mapping import WeightMapping, is_pretrainer

WEIGHTS_FILE = "model.safetensors"
CONFIG_FILE = "config.json"
VOCAB_FILE = "vocab.txt"
TOKENIZER_CONFIG_FILE = "tokenizer_config.json"

_TIED_DECODER = "cls.predictions.decoder.weight"  # = word embeddings in BertForPreTraining
_DECODER_BIAS = "cls.predictions.decoder.bias"  # = cls.predictions.bias


def _read_lower_case(model_dir: Path) -> bool | None:
    path = model_dir / TOKENIZER_CONFIG_FILE
    if not path.is_file():
        return None
    value = json.loads(path.read_text(encoding="utf-8")).get("do_lower_case")
    if value is not None and not isinstance(value, bool):
        raise ValueError(f"{path}: do_lower_case must be true or false, got {value!r}")
    return value


def _canonical_names(
    tensors: dict[str, np.ndarray], pretrainer: bool, source: str
) -> tuple[dict[str, np.ndarray], list[str]]:
    """Rename file entries to the names `WeightMapping("hf")` uses for the target model.

    Returns (renamed tensors, skipped entry names). ``cls.*`` entries are skipped when loading
    into a bare backbone; tied copies of the decoder must equal what they duplicate.
    """
    out: dict[str, np.ndarray] = {}
    origin: dict[str, str] = {}
    skipped: list[str] = []
    for name, value in tensors.items():
        if name.endswith("embeddings.position_ids"):  # a PyTorch buffer, not a weight
            skipped.append(name)
            continue
        new = re.sub(r"LayerNorm\.gamma$", "LayerNorm.weight", name)
        new = re.sub(r"LayerNorm\.beta$", "LayerNorm.bias", new)
        if new.startswith("cls."):
            if not pretrainer:
                skipped.append(name)
                continue
        else:
            new = new.removeprefix("bert.")
            new = f"bert.{new}" if pretrainer else new
        if new in out:
            raise CheckpointError(source, [f"{name!r} and {origin[new]!r} are the same weight"])
        out[new], origin[new] = value, name
    problems = []
    if _TIED_DECODER in out:
        embeddings = out.get("bert.embeddings.word_embeddings.weight")
        decoder = out.pop(_TIED_DECODER)
        if embeddings is not None and not np.array_equal(decoder, embeddings):
            problems.append(
                f"{_TIED_DECODER!r} differs from the word embeddings; this model ties them"
            )
        skipped.append(origin[_TIED_DECODER])
    if _DECODER_BIAS in out:
        bias = out.pop(_DECODER_BIAS)
        if "cls.predictions.bias" not in out:
            out["cls.predictions.bias"] = bias
        elif not np.array_equal(bias, out["cls.predictions.bias"]):
            problems.append(f"{_DECODER_BIAS!r} differs from 'cls.predictions.bias'")
        else:
            skipped.append(origin[_DECODER_BIAS])
    if problems:
        raise CheckpointError(source, problems)
    return out, skipped


def load_hf_checkpoint(
    model_dir: str | Path,
    with_heads: bool = True,
    load_tokenizer: bool = True,
    lower_case: bool | None = None,
) -> LoadedCheckpoint:
    """Load an HF BERT checkpoint directory into a `BertBackbone` (or `BertPretrainer`).

    Every weight of the model is set exactly once; anything in the file that has no place in
    the model (other than the skipped buffers/heads listed in the result) is an error.

    Args:
        model_dir: directory with config.json and model.safetensors (and optionally vocab.txt,
            tokenizer_config.json).
        with_heads: when the file has ``cls.*`` weights, return a `BertPretrainer` with them;
            False loads the backbone only and skips the heads.
        load_tokenizer: build a `bert_tf.text.BertTokenizer` from vocab.txt when present.
        lower_case: tokenizer casing; None reads ``do_lower_case`` from tokenizer_config.json,
            defaulting to True (HF's default) when that file does not say.

    Returns:
        A `LoadedCheckpoint` (``.model``, ``.backbone``, ``.config``, ``.tokenizer``, ...).

    Raises:
        FileNotFoundError: the directory or one of the required files is missing.
        CheckpointError: a weight is missing, unexpected, or has the wrong shape (named).

    Example:
        >>> loaded = load_hf_checkpoint(minilm_dir, load_tokenizer=False)  # doctest: +SKIP
        >>> loaded.config.num_layers, loaded.has_heads  # doctest: +SKIP
        (6, False)
    """
    model_dir = Path(model_dir)
    if not model_dir.is_dir():
        raise FileNotFoundError(f"HF checkpoint directory not found: {model_dir}")
    weights_path = model_dir / WEIGHTS_FILE
    if not weights_path.is_file():
        raise FileNotFoundError(f"no {WEIGHTS_FILE} in {model_dir}")
    config = read_config_json(model_dir / CONFIG_FILE)
    try:
        tensors = load_file(str(weights_path))
    except Exception as error:  # safetensors raises its own error types for corrupt files
        raise ValueError(f"{weights_path}: not a readable safetensors file ({error})") from error
    has_heads = any(name.startswith("cls.") for name in tensors)
    model, backbone = build_model(config, with_heads=with_heads and has_heads)
    named, skipped = _canonical_names(tensors, is_pretrainer(model), str(weights_path))
    WeightMapping(model, "hf").assign(named, source=str(weights_path))

    vocab_file = model_dir / VOCAB_FILE
    if lower_case is None:
        lower_case = _read_lower_case(model_dir)
        lower_case = True if lower_case is None else lower_case
    tokenizer = None
    if load_tokenizer and vocab_file.is_file():
        from bert_tf.text import BertTokenizer

        tokenizer = BertTokenizer(vocab_file, lower_case=lower_case)
    return LoadedCheckpoint(
        model=model,
        backbone=backbone,
        config=config,
        tokenizer=tokenizer,
        vocab_file=vocab_file if vocab_file.is_file() else None,
        lower_case=lower_case,
        source=str(model_dir),
        skipped=skipped,
    )


def _write_vocab(tokenizer: Any, path: Path) -> None:
    vocab = getattr(tokenizer, "vocab_file", None)
    if isinstance(vocab, (str, Path)) and Path(vocab).is_file():
        path.write_bytes(Path(vocab).read_bytes())
    elif isinstance(vocab, (list, tuple)):
        path.write_text("".join(f"{token}\n" for token in vocab), encoding="utf-8")
    else:
        raise ValueError(
            f"cannot save the tokenizer's vocabulary: its vocab_file is {vocab!r}, "
            "expected a file path or a list of tokens"
        )


def save_hf_checkpoint(
    model: Any,
    out_dir: str | Path,
    tokenizer: Any = None,
    lower_case: bool | None = None,
    vocab_file: str | Path | None = None,
) -> list[Path]:
    """Write ``model`` as an HF checkpoint that `load_hf_checkpoint` (and HF) read back exactly.

    A `BertBackbone` is written with `BertModel` names; a `BertPretrainer` with
    `BertForPreTraining` names (``bert.`` prefix and ``cls.*`` heads). Weights are float32.

    Args:
        model: a `BertBackbone` or `BertPretrainer` (built).
        out_dir: directory to create or overwrite files in.
        tokenizer: a `bert_tf.text.BertTokenizer`; its vocab goes to vocab.txt and its casing
            to tokenizer_config.json.
        lower_case: casing to record when the tokenizer does not carry ``lower_case``.
        vocab_file: a vocab.txt to copy when no tokenizer is given (with ``lower_case``).

    Returns:
        The paths written.

    Example:
        >>> save_hf_checkpoint(backbone, "out/")  # doctest: +SKIP
        [PosixPath('out/config.json'), PosixPath('out/model.safetensors')]
    """
    weights = WeightMapping(model, "hf").collect()  # first: checks what kind of model it is
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    pretrainer = is_pretrainer(model)
    backbone = model.backbone if pretrainer else model
    architecture = "BertForPreTraining" if pretrainer else "BertModel"
    config_path, weights_path = out_dir / CONFIG_FILE, out_dir / WEIGHTS_FILE
    config_json = json.dumps(config_to_hf_dict(backbone.config, architecture), indent=2)
    config_path.write_text(config_json + "\n", encoding="utf-8")
    save_file(weights, str(weights_path), metadata={"format": "pt"})
    written = [config_path, weights_path]
    if tokenizer is not None and vocab_file is not None:
        raise ValueError("pass a tokenizer or a vocab_file, not both")
    if vocab_file is not None and not Path(vocab_file).is_file():
        raise FileNotFoundError(f"vocab file not found: {vocab_file}")
    if tokenizer is not None or vocab_file is not None:
        vocab_path = out_dir / VOCAB_FILE
        if tokenizer is not None:
            _write_vocab(tokenizer, vocab_path)
        elif Path(vocab_file).resolve() != vocab_path.resolve():
            vocab_path.write_bytes(Path(vocab_file).read_bytes())
        casing = getattr(tokenizer, "lower_case", None)
        casing = lower_case if casing is None else casing
        tokenizer_config: dict[str, Any] = {"tokenizer_class": "BertTokenizer"}
        if casing is not None:
            tokenizer_config["do_lower_case"] = bool(casing)
        tokenizer_path = out_dir / TOKENIZER_CONFIG_FILE
        tokenizer_path.write_text(json.dumps(tokenizer_config, indent=2) + "\n", encoding="utf-8")
        written += [vocab_path, tokenizer_path]
    return written
